"""Query latency on graphs of about 1M and 10M quads, and the same queries on rdflib.

Builds on-disk stores from the real corpus (../shared/realdata) replicated with fresh DOIs to
about 1M and 10M quads (cached in --work between runs), then for a sample of works that have
citations prints p50/p95 latency of:

- the evidence chain (depth 4),
- related items (20),
- item metrics,

and, on the 1M graph, the catalogue queries behind them run by rdflib's SPARQL engine over the
same quads (through the same Store interface), as a ratio per query. (Whole API calls on rdflib
did not finish in 20 minutes: a chain level binds up to 200 works, and rdflib evaluates the
bound values after the pattern.) Targets on 10M quads: chain p50 < 20 ms, related items
p50 < 50 ms, item metrics p50 < 20 ms.

    python benchmarks/queries.py                      # 1M and 10M
    python benchmarks/queries.py --sizes 1000000 --items 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from pyoxigraph import (  # noqa: E402
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse,
    parse_query_results,
)

from benchmarks.bulkpath import build_store  # noqa: E402
from kg.chains import evidence_chain  # noqa: E402
from kg.metrics import item_metrics  # noqa: E402
from kg.queries import load_query  # noqa: E402
from kg.related import related_items  # noqa: E402
from kg.store import Bindings, EmbeddedStore, Store, with_values  # noqa: E402


class RdflibStore(EmbeddedStore):
    """The same Store interface answered by rdflib's SPARQL engine (reads only)."""

    def __init__(self, nquads: Path) -> None:
        super().__init__(None)
        import rdflib
        self.dataset = rdflib.Dataset(default_union=True)
        # pyoxigraph parses; rdflib's own N-Quads parser took over 20 minutes for 1M quads
        graphs: dict[str, rdflib.Graph] = {}
        for quad in parse(path=nquads, format=RdfFormat.N_QUADS):
            g = quad.graph_name.value
            if g not in graphs:
                graphs[g] = self.dataset.graph(rdflib.URIRef(g))
            graphs[g].add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))

    def _query(self, sparql: str, bindings: Bindings) -> QuerySolutions | QueryBoolean | QueryTriples:
        result = self.dataset.query(with_values(sparql, bindings))
        body = result.serialize(format="json")
        parsed: QuerySolutions | QueryBoolean = parse_query_results(
            body if isinstance(body, bytes) else body.encode(), format=QueryResultsFormat.JSON)
        return parsed


def _rdflib(term: object) -> object:
    import rdflib
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(str(term))


def build(path: Path, quads: int) -> EmbeddedStore:
    """An on-disk store of about ``quads`` quads (built once, reused), through the bulk path: replicated
    records written as ``.jsonl.gz`` dumps, ``kg map --jobs 2``, ``kg bulk-load`` (benchmarks/bulkpath.py)."""
    store = EmbeddedStore(path)
    if path.exists():
        return store
    figures = build_store(path, quads, path.with_name(f".{path.name}-build"))
    print(f"  built in {figures['map']['seconds'] + figures['bulk_load']['seconds']:.0f} s "
          f"(map {figures['map']['seconds']:.0f} s, bulk load {figures['bulk_load']['seconds']:.0f} s): "
          f"{figures['quads']:,} quads", flush=True)
    return store


def sample_items(store: Store, count: int, pattern: str) -> list[NamedNode]:
    """Up to ``count`` works matching ``pattern`` (about ?w), spread over the first 5,000."""
    rows = store.select(f"SELECT DISTINCT ?w WHERE {{ {pattern} }} LIMIT 5000").rows
    works = [r[0] for r in rows if isinstance(r[0], NamedNode)]
    step = max(1, len(works) // count)
    return works[::step][:count]


#: a chain is asked of a work with a record that cites things; related items and metrics of a
#: work that others cite
CITING = "?w <https://w3id.org/evidence-kg/ns#doi> ?d . ?w <http://purl.org/spar/cito/cites> ?x"
CITED = "?c <http://purl.org/spar/cito/cites> ?w"


def latencies(call: Callable[[NamedNode], object], items: list[NamedNode]) -> list[float]:
    call(items[0])  # warm caches once
    out = []
    for item in items:
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


CALLS: Mapping[str, Callable[[Store, NamedNode], object]] = {
    "chain (depth 4)": lambda s, w: evidence_chain(s, w, max_depth=4),
    "related items": lambda s, w: related_items(s, w, limit=20),
    "item metrics": lambda s, w: item_metrics(s, w),
}


def run(store: Store, citing: list[NamedNode], cited: list[NamedNode]) -> dict[str, list[float]]:
    return {name: latencies(lambda w, call=call: call(store, w), citing if name.startswith("chain") else cited)
            for name, call in CALLS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--work", type=Path, default=PROJECT / "benchmarks" / "out")
    parser.add_argument("--no-rdflib", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        store = build(args.work / f"store-{size}", size)
        quads = sum(int(v or 0) for (v,) in store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").values())
        citing, cited = sample_items(store, args.items, CITING), sample_items(store, args.items, CITED)
        print(f"\n{quads:,} quads; {len(citing)} citing works (chains) and {len(cited)} cited works sampled")
        ours = run(store, citing, cited)
        for name, ms in ours.items():
            print(f"  {name:<16} p50 {p(ms, 50):8.1f} ms   p95 {p(ms, 95):8.1f} ms")
        if size == min(args.sizes) and not args.no_rdflib:
            nq = args.work / f"store-{size}.nq"
            if not nq.exists():
                with nq.open("wb") as f:
                    store.dump(f, RdfFormat.N_QUADS)
            print("  loading the same quads into rdflib ...", flush=True)
            start = time.perf_counter()
            rdf = RdflibStore(nq)
            print(f"  loaded in {time.perf_counter() - start:.0f} s", flush=True)
            few = max(3, args.items // 10)
            for query, variable, works in (("evidence_hops", "node", citing[:few]),
                                           ("related_co_citation", "target", cited[:few]),
                                           ("metrics_citations", "cited", cited[:few])):
                text = load_query(query).text
                kg_ms = latencies(lambda w, t=text, v=variable, s=store: s.select(t, {v: [w]}), works)
                rdf_ms = latencies(lambda w, t=text, v=variable, s=rdf: s.select(t, {v: [w]}), works)
                print(f"  {query:<20} kg p50 {p(kg_ms, 50):7.1f} ms   rdflib p50 {p(rdf_ms, 50):8.1f} ms   "
                      f"ratio {p(rdf_ms, 50) / p(kg_ms, 50):6.0f}x")
        store.close()


if __name__ == "__main__":
    main()
