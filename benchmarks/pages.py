"""How long each page takes on the ~1M-quad graph, one request at a time.

Starts ``kg serve`` over the store benchmarks/queries.py builds (cached in --work), picks works,
a funder, a facility and title words from the graph, and prints p50/p95/p99 of each page kind: the
item page (chain drawn, related items, reuse, claims), the funder and facility dashboards, a
title search, the widget, and the trace page with a news-style paragraph. For load from many
clients at once, see benchmarks/http_load.py.

    python benchmarks/pages.py
    python benchmarks/pages.py --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.http_load import served  # noqa: E402
from benchmarks.queries import CITED, CITING, build, sample_items  # noqa: E402
from kg.ids import doi_from_iri  # noqa: E402

#: the funder with the most outputs and the facility with the most entries, found in the graph
BIGGEST_FUNDER = """SELECT ?funder (COUNT(DISTINCT ?work) AS ?n) WHERE { ?work <http://schema.org/funder> ?funder }
GROUP BY ?funder ORDER BY DESC(?n) LIMIT 1"""
BIGGEST_FACILITY = """SELECT ?facility (COUNT(DISTINCT ?entry) AS ?n) WHERE {
  ?entry <https://w3id.org/evidence-kg/ns#facility> ?facility } GROUP BY ?facility ORDER BY DESC(?n) LIMIT 1"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--work", type=Path, default=PROJECT / "benchmarks" / "out")
    args = parser.parse_args()
    path = args.work / f"store-{args.quads}"
    store = build(path, args.quads)
    citing = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.repeat, CITING)) if d]
    cited = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.repeat, CITED)) if d]
    funder = next((r[0].value for r in store.select(BIGGEST_FUNDER).rows if r[0] is not None), None)
    facility = next((r[0].value for r in store.select(BIGGEST_FACILITY).rows if r[0] is not None), None)
    title = next((r[0].value.split()[0] for r in store.select(
        "SELECT ?t WHERE { ?w <http://schema.org/name> ?t } LIMIT 1").rows if r[0] is not None), "protein")
    store.close()

    pages: dict[str, list[tuple[str, dict[str, str] | None]]] = {
        "item page": [(f"/works/{d}", None) for d in citing],
        "widget": [(f"/embed/related?id={d}", None) for d in cited],
        "search (title words)": [("/search", {"q": title})] * args.repeat,
    }
    if funder:
        pages["funder dashboard"] = [(f"/funders/{funder.removeprefix('https://doi.org/')}", None)] * args.repeat
    if facility:
        pages["facility dashboard"] = [(f"/facilities/{facility}", None)] * args.repeat
    else:
        print("(no facility or beamline in this graph: the facility dashboard is not timed)")
    story = (f"Researchers reported the findings in a new paper (doi:{citing[0]}), "
             "which the team says rests on data collected over several years.")
    with served(path) as base:
        print(f"\none request at a time against kg serve on {path.name}")
        print(f"  {'page':<22} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        with requests.Session() as s:
            for name, requests_ in pages.items():
                ms = []
                for target, params in requests_:
                    start = time.perf_counter()
                    answer = s.get(base + target, params=params, headers={"Accept": "text/html"}, timeout=300)
                    ms.append((time.perf_counter() - start) * 1000)
                    if answer.status_code != 200:
                        print(f"  {name}: HTTP {answer.status_code} for {target}: {answer.text[:200]}")
                _report(name, ms)
            ms = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                answer = s.post(base + "/trace", data={"text": story}, timeout=300)
                ms.append((time.perf_counter() - start) * 1000)
                answer.raise_for_status()
            _report("trace page", ms)


def _report(name: str, ms: list[float]) -> None:
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    p99 = statistics.quantiles(ms, n=100)[-1] if len(ms) > 1 else ms[0]
    print(f"  {name:<22} {len(ms):>4} {statistics.median(ms):>8.1f} {p95:>8.1f} {p99:>8.1f}")


if __name__ == "__main__":
    main()
