"""Why related items cost more on a bigger store of replicated records: the sampled works' neighbourhoods
(how many works cite each, what the co-citation sample's citers cite, how many candidates are found and
ranked) and the CPU time of each step of a call, per store, for the same sampling as
``benchmarks/queries.py`` (works others cite, spread over the first 5,000).

    python benchmarks/related_growth.py --stores /work/stores/q-1000000 /work/stores/q-50000000 --items 20

The stores are replicated real records (each copy's DOIs suffixed ``.kgbenchN``): a copy's references
keep the cited works' DOIs, so a cited work is cited by every copy of its citing records (5 at 1M quads,
237 at 50M), and a node that is not a DOI (a Plazi treatment, a related-identifier node) is not copied,
so it cites every copy of a DataCite record (237 at 50M, 4,503 for one). ``neighbourhood`` gives those
sizes; ``benchmarks/queries.py`` prints them as the reason when related items' ratio exceeds 3.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.queries import CITED, sample_items  # noqa: E402
from kg import related  # noqa: E402
from kg import related_reads as reads  # noqa: E402
from kg.store import Store  # noqa: E402

#: the steps of kg.related.related_items timed, in the order they run
STEPS = ("resolve", "_versions_and_parts", "_direct_links", "_shared_data", "_same_structure", "_similar",
         "_strongest", "standings", "summaries")


def neighbourhood(store: Store, works: list[str]) -> dict[str, float]:
    """Medians over ``works``: their citers, the references of the co-citation sample's citers, the
    candidates found (every reason) and those ranked with their standing (at most kg.related.CANDIDATES)."""
    summary = store.complete_summary()
    found: list[int] = []
    original = related._strongest

    def counted(item: str, candidates: dict[str, Any], keep: int) -> dict[str, Any]:
        found.append(len(candidates))
        return original(item, candidates, keep)

    citers, references, ranked = [], [], []
    related._strongest = counted  # type: ignore[assignment]
    try:
        for work in works:
            citing = reads.citing_works(store, summary, [work])
            citers.append(len(citing))
            refs = (summary.counts("http://purl.org/spar/cito/cites", citing[:related.CO_CITATION_SAMPLE], by="s")
                    if summary is not None else {})
            references.append(sum(refs.values()))
            before = len(found)
            related.related_items(store, work, 20)
            ranked.append(min(found[-1], related.CANDIDATES) if len(found) > before else 0)
    finally:
        related._strongest = original  # type: ignore[assignment]
    return {"citers": statistics.median(citers), "citers max": max(citers),
            "sample's references": statistics.median(references), "sample's references max": max(references),
            "candidates found": statistics.median(found) if found else 0,
            "candidates ranked": statistics.median(ranked)}


def step_times(store: Store, works: list[str], rounds: int) -> tuple[list[float], dict[str, float]]:
    """CPU ms of each call (warm: every work asked once first) and of each step, per call."""
    spent: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    originals = {name: getattr(related, name) for name in STEPS}

    def timed(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start
        return run

    for work in works:
        related.related_items(store, work, 20)
    calls: list[float] = []
    for name, call in originals.items():
        setattr(related, name, timed(name, call))
    try:
        for _ in range(rounds):
            for work in works:
                start = time.process_time()
                related.related_items(store, work, 20)
                calls.append((time.process_time() - start) * 1000)
    finally:
        for name, call in originals.items():
            setattr(related, name, call)
    return calls, {name: s * 1000 / len(calls) for name, s in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=Path, nargs="+", required=True)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for path in args.stores:
        store = Store.open_read_only(path)
        works = [w.value for w in sample_items(store, args.items, CITED)]
        sizes = neighbourhood(store, works)
        calls, steps = step_times(store, works, args.rounds)
        print(f"\n{path.name}: {len(works)} works; " + ", ".join(f"{k} {v:,.0f}" for k, v in sizes.items()))
        print(f"  CPU a call p50 {statistics.median(calls):.1f} ms, mean {statistics.mean(calls):.1f} ms; by step: "
              + ", ".join(f"{k.lstrip('_')} {v:.2f}" for k, v in sorted(steps.items(), key=lambda s: -s[1])))
        store.close()


if __name__ == "__main__":
    main()
