"""What dating a work only cited costs (kg.cited_years: one more query over the sampled references):
``kg.works.summaries`` of works without a record, with the year read and without, alternated in one
process over a shared store opened read-only. Prints medians and their ratio; no threshold.

    .venv/bin/python benchmarks/cited_years.py --store /work/stores/q-1000000 --works 200 --rounds 15
"""

from __future__ import annotations

import argparse
import statistics
import time

from pyoxigraph import NamedNode

import kg.works
from kg.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--works", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    store = Store.open_read_only(args.store)
    rows = store.select("PREFIX kg: <https://w3id.org/evidence-kg/ns#> PREFIX schema: <http://schema.org/> "
                        "SELECT DISTINCT ?w WHERE { ?r kg:citedWork ?w FILTER NOT EXISTS { ?w schema:name ?t } } "
                        f"LIMIT {args.works}").values()
    nodes = [NamedNode(w) for (w,) in rows if w]
    real = kg.works.cited_years
    timings: dict[str, list[float]] = {"with year": [], "without": []}
    dated = 0
    for _ in range(args.rounds):
        for label in timings:
            kg.works.cited_years = real if label == "with year" else (lambda *a: {})  # type: ignore[assignment]
            start = time.perf_counter()
            found = kg.works.summaries(store, nodes)
            timings[label].append(time.perf_counter() - start)
            if label == "with year":
                dated = sum(1 for s in found.values() if s.year_source.startswith("cited-as"))
    kg.works.cited_years = real
    with_year, without = (statistics.median(t) * 1000 for t in timings.values())
    print(f"{args.store}: summaries of {len(nodes)} works only cited ({dated} dated by their citers), "
          f"summary {'kept' if store.complete_summary() else 'absent'}; median of {args.rounds}")
    print(f"  with the year {with_year:.1f} ms, without {without:.1f} ms, ratio {with_year / without:.2f}")


if __name__ == "__main__":
    main()
