"""Citation and Scholix figures over the real recorded corpus (../shared/realdata), in memory.

Loads every Crossref, DataCite, Zenodo, PDBe and Scholix file of the corpus into one in-memory
graph, then prints:

- per format of ``g.cite``, p50 and p95 over every work with a record of its own (``text`` in APA),
- the links of the graph and the time ``g.scholix_export()`` takes to package them all,
- p50 and p95 of one page of ``g.scholix_links(source)`` over the works with links.

    python benchmarks/citations.py
    python benchmarks/citations.py --works 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import kg  # noqa: E402
from kg.citing import FORMATS  # noqa: E402
from kg.errors import BadRequestError  # noqa: E402

REALDATA = (PROJECT / ".." / "shared" / "realdata").resolve()
SOURCES = ("crossref/works", "crossref/works-lists", "datacite/dois", "datacite/dois-lists", "zenodo", "pdbe",
           "scholix")


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:7.2f} ms  p95 {p95 * 1000:7.2f} ms  (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--works", type=int, default=500, help="works cited at most, per format")
    args = parser.parse_args()
    paths = [REALDATA / s for s in SOURCES if (REALDATA / s).exists()]
    if not paths:
        sys.exit(f"no corpus at {REALDATA}")
    g = kg.open(None)
    started = time.perf_counter()
    report = g.load(paths)
    print(f"loaded {report.summary()} in {time.perf_counter() - started:.1f} s; {g.stats().quads:,} quads")
    works = [str(row[0].value) for row in g.query(
        "SELECT DISTINCT ?w WHERE { GRAPH ?g { ?w <http://schema.org/name> ?t ; a ?c } "
        "FILTER(STRSTARTS(STR(?w), 'https://doi.org/')) } ORDER BY ?w").rows][:args.works]
    print(f"works with a record: {len(works)}")
    for name in FORMATS:
        times = []
        for work in works:
            started = time.perf_counter()
            try:
                g.cite(work, name)
            except BadRequestError:  # dcat of a work that is no dataset
                continue
            times.append(time.perf_counter() - started)
        print(f"g.cite(format={name!r:16}) {percentiles(times)}")
    started = time.perf_counter()
    count = sum(1 for _ in g.scholix_export())
    print(f"g.scholix_export(): {count:,} links in {time.perf_counter() - started:.2f} s")
    times = []
    for work in works:
        started = time.perf_counter()
        g.scholix_links(work)
        times.append(time.perf_counter() - started)
    print(f"g.scholix_links(source) one page  {percentiles(times)}")


if __name__ == "__main__":
    main()
