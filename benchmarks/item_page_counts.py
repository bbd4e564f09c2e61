"""What the item page's version counts and citing-year chart cost beside the item metrics they extend, over a
shared store opened read-only: for the most-cited works and the versioned ones, alternated in one process,
``graph.metrics.item`` (which now counts versions: ``kg.metrics.version_counts``, one query when the work
has versions or a source's count), ``version_counts`` alone, and ``kg.web.citing_years.citing_years`` (dating
the citing works no record dates: a second metrics call for them, their summaries, ``citation_dates.rq``).
Prints medians and ratios; no threshold.

    .venv/bin/python benchmarks/item_page_counts.py --store /work/stores/q-1000000 --works 20 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from kg.graph import KnowledgeGraph
from kg.metrics import version_counts
from kg.metrics.counting import UNKNOWN
from kg.store import Store
from kg.web.citing_years import citing_years


def _works(store: Store, limit: int) -> list[str]:
    cited = store.select("PREFIX cito: <http://purl.org/spar/cito/> SELECT ?w (COUNT(?c) AS ?n) "
                         "WHERE { ?c cito:cites ?w } GROUP BY ?w ORDER BY DESC(?n) "
                         f"LIMIT {limit}").values()
    versioned = store.select("PREFIX kg: <https://w3id.org/evidence-kg/ns#> SELECT DISTINCT ?w "
                             f"WHERE {{ ?w kg:isVersionOf ?c }} LIMIT {limit}").values()
    return list(dict.fromkeys(w for (w, *_) in [*cited, *versioned] if w))


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--works", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    graph = KnowledgeGraph(Store.open_read_only(args.store))
    works = _works(graph.store, args.works)
    timings: dict[str, list[float]] = {"metrics.item": [], "version_counts": [], "citing_years": [],
                                       "metrics.item, works with undated citers": [],
                                       "citing_years, works with undated citers": []}
    unknown = with_versions = 0
    for _ in range(args.rounds):
        for work in works:
            reuse = graph.metrics.item(work)
            timings["metrics.item"].append(_time(lambda w=work: graph.metrics.item(w)))  # type: ignore[misc]
            timings["version_counts"].append(_time(lambda r=reuse: version_counts(  # type: ignore[misc]
                graph.store, r.versions, r.source_version_counts)))
            timings["citing_years"].append(_time(lambda r=reuse: citing_years(graph, r)))  # type: ignore[misc]
            if reuse.all_versions.by_year.get(UNKNOWN, 0):
                timings["metrics.item, works with undated citers"].append(timings["metrics.item"][-1])
                timings["citing_years, works with undated citers"].append(timings["citing_years"][-1])
    for work in works:
        reuse = graph.metrics.item(work)
        unknown += reuse.all_versions.by_year.get(UNKNOWN, 0) > 0
        with_versions += len(reuse.versions) > 1
    medians = {k: statistics.median(v) for k, v in timings.items() if v}
    print(f"{args.store}: {len(works)} works ({with_versions} with versions, {unknown} with citing works of no "
          f"known year), summary {'kept' if graph.store.complete_summary() else 'absent'}; medians of "
          f"{args.rounds} rounds")
    for name, ms in medians.items():
        print(f"  {name}: {ms:.2f} ms (p95 {max(statistics.quantiles(timings[name], n=20)[-1], 0):.2f} ms)"
              + (f", {ms / medians[base]:.2f} x {base}" if (base := "metrics.item" + name.partition(",")[1]
                                                                + name.partition(",")[2]) != name else ""))


if __name__ == "__main__":
    main()
