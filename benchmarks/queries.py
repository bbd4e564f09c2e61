"""Per catalogue question, its latency on stores of about 1M, 10M and 50M quads, and how it grows.

For each store (built here from the real corpus replicated with fresh DOIs, cached in --work, or given
with --stores, e.g. the shared /work/stores/q-N, opened read-only) it samples works and funders spread
over the store, then prints p50/p95 through the Python API (``kg.open``, no answer cache) of:

- work lookup (``g.work``: the description /works/{id} is built from),
- work summary (``g.summaries``: the short form lists and pages show),
- related items (``g.related``, 20),
- item metrics (``g.metrics.item``),
- funder metrics (``g.metrics.funder``),
- evidence chain (``g.chain``, depth 4),

then each question's largest/smallest p50 ratio; a question whose ratio exceeds 3 is listed with the
catalogue queries its time went to on the largest store (pyoxigraph 0.5 prints no query plans, so
that breakdown is the reason shown). Funder and item metrics are read from the metrics summary
(kg.store.summary); a store without one gets it built first, beside the store when it is writable,
else in --work (a read-only shared store is never written). Targets (issue 18), at 50M quads, p50:
work lookup < 15 ms, related < 30 ms, funder metrics < 100 ms; item metrics p95 < 50 ms; every ratio <= 3.

    python benchmarks/queries.py --stores /work/stores/q-1000000 /work/stores/q-10000000 /work/stores/q-50000000
    python benchmarks/queries.py --sizes 1000000 --items 20     # builds its own store
    python benchmarks/queries.py --sizes 1000000 --rdflib       # also the catalogue on rdflib, as a ratio
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

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
from kg.errors import StoreError  # noqa: E402
from kg.graph import KnowledgeGraph  # noqa: E402
from kg.queries import load_query  # noqa: E402
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


def latencies(call: Callable[[str], object], items: list[str], budget_s: float) -> list[float]:
    """Milliseconds per call, after one call to warm caches; stops early past ``budget_s`` seconds."""
    call(items[0])
    out: list[float] = []
    began = time.perf_counter()
    for item in items:
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() - began > budget_s:
            break
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


QUESTIONS: Mapping[str, tuple[str, Callable[[KnowledgeGraph, str], object]]] = {
    "work lookup": ("citing", lambda g, w: g.work(w)),
    "work summary": ("cited", lambda g, w: g.summaries([w])),
    "related items": ("cited", lambda g, w: g.related(w, 20)),
    "item metrics": ("cited", lambda g, w: g.metrics.item(w)),
    "funder metrics": ("funders", lambda g, f: g.metrics.funder(f)),
    "evidence chain": ("citing", lambda g, w: g.chain(w, max_depth=4)),
}

#: related items' sampled neighbourhoods by store (benchmarks/related_growth.py): the reason for their ratio
NEIGHBOURHOODS: dict[str, dict[str, float]] = {}
#: why related items may grow more than 3 times from 1M to 50M quads of replicated records, and the plan
RELATED_REASON = """related items: the answer itself reads a neighbourhood the replication makes ~50 times larger.
  A copy's references keep the cited works' DOIs, so a sampled cited work is cited by every copy of its
  citing records (citers above), and a node that is not a DOI is not copied, so it cites every copy of a
  DataCite record (the sample's references above: up to 4,503 works, all co-cited once, which tie and are
  ranked by IRI: every one's IRI is read). The candidates reach the bound of 100 (kg.related.CANDIDATES)
  where the 1M store has ~30, so standings, reasons and ranking do ~3 times the work; the 20 returned are
  works known only as cited, named from their kept cited-as names (cited_name, one read).
  Every step reads by term id; a standing is three point lookups a work (cited_count, ref_count, work_tally,
  kept per record graph on write). What is left grows with the bounded candidates, not with the store.
  Plan: read the item's citers by id (at most ~0.8 ms CPU of 9 at 50M); measure on a store whose
  much-cited works are cited by distinct records."""
SPENT: dict[tuple[str, str], list[float]] = defaultdict(list)
_ASKING = [""]
_TIMED: list[bool] = []


def timed_store() -> None:
    """Time every store query by catalogue name (the reason a question is slow); once a process."""
    if _TIMED:
        return
    _TIMED.append(True)
    names = {load_query(f.stem).text: f.stem for f in (PROJECT / "queries").glob("*.rq")}
    for method in ("select", "construct", "ask"):
        original = getattr(Store, method)

        def timed(self: Store, sparql: str, *args: object, _original: Any = original, _method: str = method,
                  **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return _original(self, sparql, *args, **kwargs)
            finally:
                SPENT[(_ASKING[0], names.get(sparql, f"({_method}, not in the catalogue)"))].append(
                    (time.perf_counter() - start) * 1000)
        setattr(Store, method, timed)


def with_summary(store: Store, work: Path) -> str:
    """Make sure the metrics summary is built (beside a writable store, else in ``work``); how it was found."""
    try:
        from kg.metrics import build_metrics_summary
        from kg.store.summary import MetricsSummaryDb
    except ImportError:
        return "no metrics summary (this kg has none)"
    if getattr(store, "read_only", False) and store.metrics_summary.built:  # type: ignore[attr-defined]
        return "metrics summary found built beside the store"
    if getattr(store, "read_only", False):
        path = work / f"metrics-{Path(str(getattr(store, 'path', 'x'))).name}.sqlite"
        store._summary = MetricsSummaryDb(path, empty_store=False)  # type: ignore[attr-defined]
    if store.metrics_summary.built:  # type: ignore[attr-defined]
        return "metrics summary found built"
    start = time.perf_counter()
    graphs = build_metrics_summary(store)
    return f"metrics summary built: {graphs:,} record graphs in {time.perf_counter() - start:.0f} s"


def samples(store: Store, count: int) -> dict[str, list[str]]:
    funders = store.select("SELECT DISTINCT ?f WHERE { ?w <http://schema.org/funder> ?f FILTER(isIRI(?f)) } "
                           "LIMIT 5000").rows
    spread = [f[0].value for f in funders if isinstance(f[0], NamedNode)]
    return {"citing": [w.value for w in sample_items(store, count, CITING)],
            "cited": [w.value for w in sample_items(store, count, CITED)],
            "funders": spread[::max(1, len(spread) // count)][:count]}


def measure(store: Store, label: str, count: int, budget_s: float, questions_shown: bool = False,
            only: list[str] | None = None) -> dict[str, list[float]]:
    g = KnowledgeGraph(store)
    items = samples(store, count)
    quads = sum(int(v or 0) for (v,) in store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").values())
    print(f"\n{label}: {quads:,} quads; {', '.join(f'{len(v)} {k}' for k, v in items.items())} sampled", flush=True)
    found: dict[str, list[float]] = {}
    for question, (kind, call) in QUESTIONS.items():
        if not items[kind] or (only and question not in only):
            continue
        _ASKING[0] = f"{label}|{question}"
        try:
            ms = latencies(lambda x, c=call: c(g, x), items[kind], budget_s)
        except StoreError as e:  # a server that refuses a question (a cost limit): said, and the others asked
            print(f"  {question:<16} FAILED: {str(e)[:300]}", flush=True)
            continue
        found[question] = ms
        if question == "related items":
            try:
                from benchmarks.related_growth import neighbourhood
                NEIGHBOURHOODS[label] = neighbourhood(store, items[kind])
            except ImportError:  # a checkout without it
                pass
        print(f"  {question:<16} p50 {p(ms, 50):9.1f} ms   p95 {p(ms, 95):9.1f} ms   ({len(ms)} calls)", flush=True)
        if questions_shown:
            breakdown(f"{label}|{question}", len(ms) + 1, 3)
    return found


def breakdown(asked: str, calls: int, top: int) -> None:
    """The catalogue queries a question's store time went to, per call, most first."""
    spent = sorted(((sum(v), len(v), name) for (key, name), v in SPENT.items() if key == asked), reverse=True)
    for total, n, name in spent[:top]:
        print(f"      {name:<36} {total / calls:8.1f} ms   ({n / calls:.1f} queries a call)")


def rdflib_ratios(store: Store, work: Path, size: int, count: int) -> None:
    """The catalogue queries behind chains, related items and metrics on rdflib, as a ratio to kg's."""
    nq = work / f"store-{size}.nq"
    if not nq.exists():
        with nq.open("wb") as f:
            store.dump(f, RdfFormat.N_QUADS)
    rdf = RdflibStore(nq)
    few = samples(store, max(3, count // 10))
    for query, variable, works in (("evidence_hops", "node", few["citing"]),
                                   ("related_citing_works", "target", few["cited"]),
                                   ("metrics_citations", "cited", few["cited"])):
        text = load_query(query).text
        kg_ms = latencies(lambda w, t=text, v=variable: store.select(t, {v: [NamedNode(w)]}), works, 600)
        rdf_ms = latencies(lambda w, t=text, v=variable: rdf.select(t, {v: [NamedNode(w)]}), works, 600)
        print(f"  {query:<20} kg p50 {p(kg_ms, 50):7.1f} ms   rdflib p50 {p(rdf_ms, 50):8.1f} ms   "
              f"ratio {p(rdf_ms, 50) / p(kg_ms, 50):6.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=Path, nargs="*", default=[], help="existing stores, opened read-only")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="stores built here, of about N quads")
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--budget", type=float, default=120, help="seconds a question may take per store")
    parser.add_argument("--work", type=Path, default=PROJECT / "benchmarks" / "out")
    parser.add_argument("--rdflib", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="each question's store time by catalogue query")
    parser.add_argument("--only", nargs="*", help="these questions only (names as printed)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    timed_store()
    stores: list[tuple[str, Callable[[], Store]]] = [
        (str(path), lambda path=path: Store.open_read_only(path)) for path in args.stores]
    stores += [(f"store-{size}", lambda size=size: build(args.work / f"store-{size}", size))
               for size in (args.sizes or ([] if args.stores else [1_000_000, 10_000_000]))]
    results: dict[str, dict[str, list[float]]] = {}
    for label, opening in stores:
        store = opening()
        print(f"\n{label}: {with_summary(store, args.work)}", flush=True)
        results[label] = measure(store, label, args.items, args.budget, args.breakdown, args.only)
        if args.rdflib and label == stores[0][0] and isinstance(store, EmbeddedStore):
            rdflib_ratios(store, args.work, args.sizes[0] if args.sizes else 0, args.items)
        store.close()
    if len(results) > 1:
        report(results)


def report(results: dict[str, dict[str, list[float]]]) -> None:
    labels = list(results)
    first, last = labels[0], labels[-1]
    print(f"\np50 in ms; ratio = {last} / {first}")
    print(f"| question | {' | '.join(labels)} | ratio |\n| --- | {' | '.join('---' for _ in labels)} | --- |")
    slow = []
    for question in QUESTIONS:
        if not all(question in results[lb] for lb in (first, last)):
            continue
        ratio = p(results[last][question], 50) / p(results[first][question], 50)
        cells = " | ".join(f"{p(results[lb][question], 50):.1f} (p95 {p(results[lb][question], 95):.0f})"
                           if question in results[lb] else "-" for lb in labels)
        print(f"| {question} | {cells} | {ratio:.1f} |")
        if ratio > 3:
            slow.append(question)
    for question in slow:
        print(f"\n{question}: ratio over 3; store time per call on {last}, by catalogue query:")
        breakdown(f"{last}|{question}", len(results[last][question]) + 1, 5)
        if question == "related items" and NEIGHBOURHOODS:
            print("  the sampled works' neighbourhoods (medians; benchmarks/related_growth.py):")
            for lb, sizes in NEIGHBOURHOODS.items():
                print(f"    {lb}: " + ", ".join(f"{k} {v:,.0f}" for k, v in sizes.items()))
            print(RELATED_REASON)

if __name__ == "__main__":
    main()
