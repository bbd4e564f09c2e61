"""What rolling a funder's descendants up costs a funder's metrics: ``funder_metrics`` as it is (the funder's
own figures, the hierarchy's queries (descendants, their identities, ancestors), and with descendants the
rollup of the whole sub-tree) against the same call with the hierarchy not looked up (the figures before: own
only), interleaved in one run on one store opened read-only. Prints p50/p95 of each and their ratio.

    python benchmarks/funder_hierarchy.py --store /work/stores/q-50000000
    python benchmarks/funder_hierarchy.py --store /work/scratch-realfunders/db --keep --funders 10.13039/100000001

Without ``--funders`` it samples funders spread over the store (as benchmarks/queries.py does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from unittest.mock import patch

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from pyoxigraph import NamedNode  # noqa: E402

from kg.metrics import funder_metrics, portfolio  # noqa: E402
from kg.store import Store  # noqa: E402


def sampled(store: Store, count: int) -> list[str]:
    rows = store.select("SELECT DISTINCT ?f WHERE { ?w <http://schema.org/funder> ?f FILTER(isIRI(?f)) } "
                        "LIMIT 5000").rows
    spread = [r[0].value for r in rows if isinstance(r[0], NamedNode)]
    return spread[::max(1, len(spread) // count)][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="an embedded store, opened read-only")
    parser.add_argument("--funders", nargs="*", default=[], help="Funder IDs or ROR IDs (default: sampled)")
    parser.add_argument("--count", type=int, default=30, help="funders sampled")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true",
                        help="open the store writable, so the first reads keep the rollups (never a shared store)")
    args = parser.parse_args()
    store = Store.open(str(args.store)) if args.keep else Store.open_read_only(str(args.store))
    funders = args.funders or sampled(store, args.count)
    print(f"{args.store}: {len(funders)} funders, {args.rounds} rounds, summary "
          f"{'complete' if store.complete_summary() is not None else 'absent'}")
    for f in funders:  # the first reads (cold pages, rollups a read-only store cannot keep) are not measured
        funder_metrics(store, f)
    times: dict[str, list[float]] = {"with hierarchy": [], "own only (before)": []}
    rolled = 0
    for _ in range(args.rounds):
        for f in funders:
            start = time.perf_counter()
            m = funder_metrics(store, f)
            times["with hierarchy"].append(time.perf_counter() - start)
            rolled += m.with_descendants is not None
            with patch.object(portfolio, "funder_descendants", lambda _store, _nodes: []), \
                    patch.object(portfolio, "funder_ancestors", lambda _store, _nodes: []):
                start = time.perf_counter()
                funder_metrics(store, f)
                times["own only (before)"].append(time.perf_counter() - start)
    p50 = {}
    for label, found in times.items():
        ordered = sorted(found)
        p50[label] = statistics.median(ordered)
        print(f"{label:>20}: p50 {p50[label] * 1000:.2f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.2f} ms")
    print(f"ratio p50 with/before: {p50['with hierarchy'] / p50['own only (before)']:.2f}; "
          f"{rolled // args.rounds} of {len(funders)} funders have descendants")


if __name__ == "__main__":
    main()
