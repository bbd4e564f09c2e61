"""The metrics summary (kg/store/summary.py) kept by Store.write equals a full recomputation from the
store after any sequence of record loads, replacements and deletions, and the metrics read from it
equal the metrics the catalogue queries give (property tests over random record changes)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad

from kg.graph import KnowledgeGraph
from kg.metrics import build_metrics_summary, funder_metrics, item_metrics
from kg.metrics.summarised import summary_of
from kg.related import related_items
from kg.standing import standings
from kg.store import RecordGraph, Store
from kg.store.summary import MetricsSummaryDb
from kg.vocab import CITO, KG, RDF, SCHEMA
from kg.works import summaries
from tests.kg.store.conftest import RETRIEVED, record, work

DOIS = [f"10.1/w{i}" for i in range(6)]
FUNDERS = [NamedNode(f"https://doi.org/10.13039/10000000{i}") for i in range(2)]
GRANT = NamedNode("https://w3id.org/evidence-kg/grant/g0")
CLASSES = [SCHEMA.ScholarlyArticle, SCHEMA.Dataset, SCHEMA.SoftwareSourceCode, SCHEMA.Grant, SCHEMA.Person, KG.Concept]

statement = st.one_of(
    st.tuples(st.just(RDF.type), st.sampled_from(CLASSES)),
    st.tuples(st.just(SCHEMA.funder), st.sampled_from(FUNDERS)),
    st.tuples(st.just(SCHEMA.funding), st.just(GRANT)),
    st.tuples(st.sampled_from([CITO.cites, KG.hasVersion, KG.isVersionOf]), st.sampled_from(DOIS).map(work)),
    st.tuples(st.just(SCHEMA.datePublished), st.sampled_from(["2019-05-01", "2021", "n.d."]).map(Literal)),
    st.tuples(st.just(SCHEMA.name), st.just(Literal("a title"))),
)
#: a reference of the record's work: the work it names, and its title and year as cited (or none)
reference = st.tuples(st.sampled_from(DOIS), st.sampled_from([None, "Title A", "Title B"]),
                      st.sampled_from([None, "1999", "2001"]))
#: a change: write a record (new or replacing the stored one), write it empty, or drop its graph
change = st.tuples(st.sampled_from(["write", "write", "write", "empty", "drop"]), st.sampled_from(DOIS),
                   st.lists(statement, max_size=6), st.booleans(), st.lists(reference, max_size=3))


def _record(doi: str, statements: list[tuple[NamedNode, NamedNode | Literal]], step: int,
            grant_funded: bool, references: list[tuple[str, str | None, str | None]]) -> RecordGraph:
    base = record(doi, *statements, retrieved=RETRIEVED + timedelta(days=step))
    extra: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = []
    if grant_funded and statements:
        # the grant's own statements, in the record naming it (as Crossref's funder awards are mapped)
        extra += [(GRANT, RDF.type, SCHEMA.Grant), (GRANT, SCHEMA.funder, FUNDERS[0])]
    for i, (cited, title, year) in enumerate(references):
        ref = NamedNode(f"{work(doi).value}#ref-{i}")
        extra += [(work(doi), KG.citedAs, ref), (ref, KG.citedWork, work(cited))]
        extra += [(ref, p, Literal(v)) for p, v in ((KG.citedTitle, title), (KG.citedYear, year)) if v]
    return RecordGraph(base.graph, [*base.quads, *(Quad(s, p, o, base.graph) for s, p, o in extra)], base.meta)


def _contents(db: MetricsSummaryDb) -> set[tuple[str, ...]]:
    return set(db._db.execute("SELECT g.iri, s.text, f.p, o.text FROM fact f JOIN graph g ON g.id = f.graph "
                              "JOIN term s ON s.id = f.s JOIN term o ON o.id = f.o").fetchall())


def _apply(store: Store, changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    for step, (kind, doi, statements, grant_funded, references) in enumerate(changes, start=1):
        if kind == "drop":
            graph = record(doi).graph
            store.update(f"DROP SILENT GRAPH {graph}")
            assert summary_of(store) is None  # the summary did not see it: not used until built again
            build_metrics_summary(store)
        else:
            store.write([_record(doi, *((statements, step, grant_funded, references) if kind == "write" else
                                        ([], step, False, [])))])


def _metrics(store: Store) -> list[object]:
    """Funder and item metrics, the works' summaries (named by their references when they have no title), standings
    and related items: what is read from the summary when it is complete."""
    present = [d for d in DOIS if store.ask("ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }", {"s": work(d)})]
    return [*(funder_metrics(store, f.value) for f in FUNDERS if store.ask("ASK { ?s ?p ?o }", {"o": f})),
            *(item_metrics(store, d) for d in present), summaries(store, [work(d) for d in present]),
            standings(store, [work(d) for d in present]), *(related_items(store, d) for d in present)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(change, min_size=1, max_size=12))
def test_the_kept_summary_equals_one_built_from_the_store(changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    store = Store.open(None)
    _apply(store, changes)
    kept = store.metrics_summary
    assert kept.built
    rebuilt = MetricsSummaryDb(None)
    rebuilt.rebuild((g, s, p, o) for g, s, p, o in _store_rows(store))
    assert _contents(kept) == _contents(rebuilt)
    scanned = MetricsSummaryDb(None)  # the embedded store's index scans give the query's rows
    scanned.rebuild(store.summary_scan() or ())
    assert _contents(scanned) == _contents(rebuilt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(change, min_size=1, max_size=12))
def test_metrics_from_the_summary_equal_those_from_the_catalogue_queries(
        changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    store = Store.open(None)
    _apply(store, changes)
    assert summary_of(store) is not None
    summarised = _metrics(store)
    store.metrics_summary.mark_stale()
    assert summary_of(store) is None
    assert _metrics(store) == summarised
    assert KnowledgeGraph(store).index_metrics() == store.metrics_summary.graph_count()
    assert _metrics(store) == summarised


def _store_rows(store: Store):  # type: ignore[no-untyped-def]
    from kg.metrics.summarised import _store_rows as rows
    return rows(store)


def test_a_store_with_records_but_no_summary_asks_the_store_until_it_is_built(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "store"
    with Store.open(path) as store:
        store.write([record(DOIS[0], (CITO.cites, work(DOIS[1])), (SCHEMA.funder, FUNDERS[0]))])
        assert summary_of(store) is not None
    (path / "metrics.sqlite").unlink()
    with Store.open(path) as store:
        assert summary_of(store) is None
        before = funder_metrics(store, FUNDERS[0].value)
        assert before.outputs == 1
        assert KnowledgeGraph(store).index_metrics() == 1
        assert summary_of(store) is not None
        assert funder_metrics(store, FUNDERS[0].value) == before
