"""What matching claims against abstracts costs a trace: the same texts traced with the abstract index and
with it ignored (its candidates query answering nothing), alternately, in one process; prints median
seconds of three runs, claims and works found, and the ratio.

    python benchmarks/trace_abstracts.py --store /work/scratch-realpages/store   # ../shared/realdata loaded
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from kg.store import Store
from kg.store.cues import CueIndexDb
from kg.tracing.tracer import trace

ROOT = Path(__file__).resolve().parent.parent
ELIFE = ROOT.parent / "shared" / "realdata" / "crossref" / "works" / "10.7554_elife.01567.json"


def texts() -> dict[str, str]:
    found = {"README.md and docs/portal.md (prose)": (ROOT / "README.md").read_text() + (ROOT / "docs" / "portal.md")
             .read_text(), "docs/tracing.md": (ROOT / "docs" / "tracing.md").read_text()}
    if ELIFE.exists():
        abstract = json.loads(ELIFE.read_text())["message"]["abstract"]
        found["eLife 01567 abstract"] = re.sub(r"<[^>]+>", " ", abstract)
    return found


def run(store: Store, samples: dict[str, str], abstracts: bool) -> dict[str, tuple[float, int, int]]:
    real = CueIndexDb.abstract_candidates
    if not abstracts:
        CueIndexDb.abstract_candidates = lambda self, words, limit: []  # type: ignore[method-assign]
    try:
        out: dict[str, tuple[float, int, int]] = {}
        for name, text in samples.items():
            times = []
            for _ in range(3):
                start = time.perf_counter()
                result = trace(store, text, store_claims=False)
                times.append(time.perf_counter() - start)
            out[name] = (statistics.median(times), len(result.claims), sum(len(c.works) for c in result.claims))
        return out
    finally:
        CueIndexDb.abstract_candidates = real  # type: ignore[method-assign]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True, help="an embedded store (opened read-only)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    store = Store.open_read_only(args.store)
    samples = texts()
    trace(store, "A warm-up study.", store_claims=False)
    for _ in range(args.rounds):
        without, with_ = run(store, samples, False), run(store, samples, True)
        for name in samples:
            a, b = without[name], with_[name]
            print(f"{name}: without abstracts {a[0]:.3f} s ({a[1]} claims, {a[2]} works), "
                  f"with {b[0]:.3f} s ({b[1]} claims, {b[2]} works), ratio {b[0] / a[0]:.2f}")


if __name__ == "__main__":
    main()
