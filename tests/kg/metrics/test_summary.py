"""The metrics summary (kg/store/summary.py) kept by Store.write equals a full recomputation from the
store after any sequence of record loads, replacements and deletions, and the metrics read from it
equal the metrics the catalogue queries give (property tests over random record changes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad

from kg import works
from kg.graph import KnowledgeGraph
from kg.metrics import build_metrics_summary, funder_metrics, item_metrics
from kg.metrics.portfolio import ROLLUP_KINDS
from kg.metrics.summarised import summary_of
from kg.related import related_items
from kg.standing import standings
from kg.store import RecordGraph, Store, summary_cited, summary_names
from kg.store.summary import ADDED_IN_5, PREDICATES, MetricsSummaryDb
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
    # dates item metrics take a year of (its first four characters when digits: "999" too) or none of
    st.tuples(st.just(SCHEMA.datePublished),
              st.sampled_from(["2019-05-01", "2021", "n.d.", "999", "0999-1"]).map(Literal)),
    st.tuples(st.just(SCHEMA.name), st.just(Literal("a title"))),
    # typed relations and evidence edges (item metrics count them per relation), a status
    st.tuples(st.sampled_from([KG.isSupplementTo, KG.reliesOnData, KG.references]), st.sampled_from(DOIS).map(work)),
    st.tuples(st.just(KG.status), st.just(KG.status)),
    # a citation stated by another work's record too: one citer however many graphs state it
    st.tuples(st.sampled_from(DOIS[:2]).map(work), st.just(CITO.cites), st.sampled_from(DOIS[:3]).map(work)),
)
#: a reference of the record's work: the work it names, and its title and year as cited (or none)
reference = st.tuples(st.sampled_from(DOIS), st.sampled_from([None, "Title A", "Title B"]),
                      st.sampled_from([None, "1999", "2001"]))
#: a change: write a record (new or replacing the stored one), write it empty, or drop its graph
change = st.tuples(st.sampled_from(["write", "write", "write", "empty", "drop"]), st.sampled_from(DOIS),
                   st.lists(statement, max_size=6), st.booleans(), st.lists(reference, max_size=3))

#: a statement about the record's work (predicate, object), or about another (subject, predicate, object)
Statement = tuple[NamedNode, NamedNode | Literal] | tuple[NamedNode, NamedNode, NamedNode | Literal]
#: changes over fewer works and the statements a funder's figures read, so that one write often changes
#: another record's funder's figures (a citation, a version link, a grant, a date of a citing work)
FEW = DOIS[:4]
figure_statement = st.one_of(
    st.tuples(st.sampled_from(FEW).map(work), st.sampled_from([SCHEMA.datePublished]), st.just(Literal("2017"))),
    st.tuples(st.sampled_from(FEW).map(work), st.just(RDF.type), st.sampled_from([SCHEMA.Dataset, SCHEMA.Grant])),
    st.tuples(st.sampled_from(FEW).map(work), st.sampled_from([KG.hasVersion, KG.isVersionOf]),
              st.sampled_from(FEW).map(work)),
    st.tuples(st.just(RDF.type), st.sampled_from([SCHEMA.Dataset, SCHEMA.Grant, KG.Concept])),
    st.tuples(st.just(SCHEMA.funder), st.sampled_from(FUNDERS)),
    st.tuples(st.just(SCHEMA.funding), st.just(GRANT)),
    st.tuples(st.sampled_from([CITO.cites, CITO.cites, KG.hasVersion, KG.isVersionOf]), st.sampled_from(FEW).map(work)),
    st.tuples(st.just(SCHEMA.datePublished), st.sampled_from(["2019", "2021"]).map(Literal)),
)
figure_change = st.tuples(st.sampled_from(["write", "write", "write", "write", "empty"]), st.sampled_from(FEW),
                          st.lists(figure_statement, min_size=1, max_size=4), st.booleans(), st.just([]))


def _record(doi: str, statements: list[Statement], step: int,
            grant_funded: bool, references: list[tuple[str, str | None, str | None]]) -> RecordGraph:
    own = [st for st in statements if len(st) == 2]
    status = NamedNode(f"{work(doi).value}#status")  # (kg:status, _) stands for the work's status node
    own = [(p, status if p == KG.status else o) for p, o in own]
    base = record(doi, *own, retrieved=RETRIEVED + timedelta(days=step))
    # statements about another work (a record giving the date or class of a work it cites)
    extra: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = [st for st in statements if len(st) == 3]
    if grant_funded and statements:
        # the grant's own statements, in the record naming it (as Crossref's funder awards are mapped)
        extra += [(GRANT, RDF.type, SCHEMA.Grant), (GRANT, SCHEMA.funder, FUNDERS[0])]
    if (KG.status, status) in own:
        extra += [(status, KG.statusType, Literal("retracted")),
                  (status, KG.statusDate, Literal(f"2024-0{step % 9 + 1}"))]
    for i, (cited, title, year) in enumerate(references):
        ref = NamedNode(f"{work(doi).value}#ref-{i}")
        extra += [(work(doi), KG.citedAs, ref), (ref, KG.citedWork, work(cited))]
        extra += [(ref, p, Literal(v)) for p, v in ((KG.citedTitle, title), (KG.citedYear, year)) if v]
    return RecordGraph(base.graph, [*base.quads, *(Quad(s, p, o, base.graph) for s, p, o in extra)], base.meta)


def _contents(db: MetricsSummaryDb) -> set[tuple[str, ...]]:
    """Its rows, and the cited-as sample, citer counts (kg.store.summary_cited) and cited-as names and years
    (kg.store.summary_names) derived from them."""
    return set(db._db.execute("SELECT g.iri, s.text, f.p, o.text FROM fact f JOIN graph g ON g.id = f.graph "
                              "JOIN term s ON s.id = f.s JOIN term o ON o.id = f.o").fetchall()) | set(
        db._db.execute("SELECT 'sample', w.text, r.text FROM cited_sample c JOIN term w ON w.id = c.work "
                       "JOIN term r ON r.id = c.ref").fetchall()) | set(
        db._db.execute("SELECT 'citers', w.text, c.n FROM cited_count c JOIN term w ON w.id = c.work").fetchall()
    ) | set(
        db._db.execute("SELECT 'named', w.text, c.name, c.name_by, c.year, c.year_by FROM cited_name c "
                       "JOIN term w ON w.id = c.work").fetchall()) | set(
        db._db.execute("SELECT 'marker', key, value FROM meta WHERE key = 'cited names'").fetchall()
    ) | set(db._db.execute("SELECT 'references', w.text, r.n FROM ref_count r JOIN term w ON w.id = r.work").fetchall()
            ) | {("tally", w, n, d, " ".join(sorted((c or "").split()))) for w, n, d, c in db._db.execute(
                "SELECT w.text, t.records, t.date, t.classes FROM work_tally t JOIN term w ON w.id = t.work")}


@contextmanager
def sampled(size: int) -> Iterator[None]:
    """References sampled a cited work: ``size`` (few: the sample's edge, where a write changes it, is reached)."""
    with patch.object(summary_cited, "SAMPLE", size), patch.object(works, "CITED_AS_SAMPLE", size):
        yield


def _apply(store: Store, changes: list[tuple[str, str, list, bool, list]], start: int = 1) -> None:  # type: ignore[type-arg]
    for step, (kind, doi, statements, grant_funded, references) in enumerate(changes, start=start):
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
            # a page of the citing works, and every one: counted and ordered in SQLite from the summary
            *(item_metrics(store, d, citing_limit=limit, citing_offset=offset) for d in present
              for limit, offset in ((1, 1), (None, 0))),
            standings(store, [work(d) for d in present]), *(related_items(store, d) for d in present)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(change, min_size=1, max_size=12), st.sampled_from([1, 2, summary_cited.SAMPLE]))
def test_the_kept_summary_equals_one_built_from_the_store(changes: list[tuple[str, str, list, bool, list]],  # type: ignore[type-arg]
                                                          size: int) -> None:
    with sampled(size):
        _kept_equals_built(changes)


def _kept_equals_built(changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
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
@given(st.lists(change, min_size=1, max_size=12), st.sampled_from([1, 2, summary_cited.SAMPLE]))
def test_metrics_from_the_summary_equal_those_from_the_catalogue_queries(
        changes: list[tuple[str, str, list, bool, list]], size: int) -> None:  # type: ignore[type-arg]
    with sampled(size):
        _summary_answers_equal_the_stores(changes)


def _summary_answers_equal_the_stores(changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    store = Store.open(None)
    _apply(store, changes)
    assert summary_of(store) is not None
    summarised = _metrics(store)
    # a summary an earlier kg built, without the cited-as names kept: named from the samples' wordings
    summary = store.metrics_summary
    summary._db.execute("DELETE FROM meta WHERE key = ?", (summary_names.MARKER,))
    summary._db.execute("DELETE FROM cited_name")
    assert summary.upgradable
    assert _metrics(store) == summarised
    assert KnowledgeGraph(store).index_metrics() == summary.graph_count()  # the names made, nothing else
    assert not summary.upgradable
    assert _metrics(store) == summarised
    store.metrics_summary.mark_stale()
    assert summary_of(store) is None
    assert _metrics(store) == summarised
    assert KnowledgeGraph(store).index_metrics() == store.metrics_summary.graph_count()
    assert _metrics(store) == summarised


def _funder_figures(store: Store) -> list[object]:
    return [funder_metrics(store, f.value) for f in FUNDERS if store.ask("ASK { ?s ?p ?o }", {"o": f})]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(figure_change, change), min_size=2, max_size=10))
def test_kept_funder_rollups_equal_figures_computed_afresh(
        changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    """Funders' rollups kept between writes (read after each) are forgotten by every write that can
    change them: what is read equals the figures computed afresh, and those the store gives."""
    store = Store.open(None)
    for step, one in enumerate(changes, start=1):
        _apply(store, [one], start=step)
        _funder_figures(store)  # kept now: the next writes must forget what they change
    summary = store.metrics_summary
    kept = _funder_figures(store)
    assert {k for (k,) in summary._db.execute("SELECT key FROM rollup")}  == {
        " ".join(sorted(m.subjects)) for m in kept}  # type: ignore[attr-defined]
    summary._db.execute("DELETE FROM rollup")
    summary._db.execute("DELETE FROM rollup_node")
    assert _funder_figures(store) == kept
    summary.mark_stale()
    assert _funder_figures(store) == kept


W = [work(d) for d in DOIS]
#: records (of the work DOIS[i]) written one after another, funders read after each: each last write
#: changes a figure of FUNDERS[0] through another record's rows
REACHES: dict[str, list[tuple[int, list[Statement]]]] = {
    "a citation of an output": [(0, [(SCHEMA.funder, FUNDERS[0])]), (1, [(CITO.cites, W[0])])],
    "a citation of an output funded through a grant": [
        (0, [(SCHEMA.funding, GRANT), (GRANT, RDF.type, SCHEMA.Grant), (GRANT, SCHEMA.funder, FUNDERS[0])]),
        (1, [(CITO.cites, W[0])])],
    "a citation of another version of an output's concept": [
        (0, [(SCHEMA.funder, FUNDERS[0]), (KG.isVersionOf, W[1])]), (2, [(KG.isVersionOf, W[1])]),
        (3, [(CITO.cites, W[2])])],
    "the date of a citing work, from another record": [
        (0, [(SCHEMA.funder, FUNDERS[0])]), (1, [(CITO.cites, W[0])]), (2, [(W[1], SCHEMA.datePublished,
                                                                              Literal("2017"))])],
    "a grant's funder": [(0, [(SCHEMA.funding, GRANT)]), (1, [(GRANT, SCHEMA.funder, FUNDERS[0])])],
    "a record emptied": [(0, [(SCHEMA.funder, FUNDERS[0])]), (1, [(CITO.cites, W[0])]), (1, [])],
}


@pytest.mark.parametrize("writes", REACHES.values(), ids=REACHES.keys())
def test_a_write_forgets_the_rollups_it_changes(writes: list[tuple[int, list[Statement]]]) -> None:
    store = Store.open(None)
    for step, (i, statements) in enumerate(writes, start=1):
        store.write([_record(DOIS[i], statements, step, False, [])])
        read = _funder_figures(store)  # kept now, unless forgotten by the next write
    assert read and store.metrics_summary.rollup(FUNDERS[0].value) is not None
    store.metrics_summary._db.execute("DELETE FROM rollup")
    assert _funder_figures(store) == read


def test_a_full_build_keeps_every_funders_rollup() -> None:
    store = Store.open(None)
    store.write([record(DOIS[0], (CITO.cites, work(DOIS[1])), (SCHEMA.funder, FUNDERS[0])),
                 record(DOIS[1], (SCHEMA.funder, FUNDERS[1]), (SCHEMA.datePublished, Literal("2020")))])
    store.metrics_summary.mark_stale()
    assert KnowledgeGraph(store).index_metrics() == 2
    keys = {k for (k,) in store.metrics_summary._db.execute("SELECT key FROM rollup")}
    assert keys == {f.value for f in FUNDERS}
    assert funder_metrics(store, FUNDERS[1].value).citing_works == 1


def test_rollups_only_computes_again_the_rollups_an_earlier_kg_kept() -> None:
    # a rollup kept before books and reports were kinds of their own has no "kinds": it is computed again,
    # the summary's rows kept (a full build of a 50M-quad store takes twenty minutes; this, one per funder)
    store = Store.open(None)
    store.write([record(DOIS[0], (CITO.cites, work(DOIS[1])), (SCHEMA.funder, FUNDERS[0])),
                 record(DOIS[1], (SCHEMA.funder, FUNDERS[1]), (SCHEMA.datePublished, Literal("2020")))])
    graph = KnowledgeGraph(store)
    graph.index_metrics()
    db = store.metrics_summary._db
    db.execute("UPDATE rollup SET body = json_remove(body, '$.kinds')")
    assert graph.index_metrics(rollups=True) == 2
    kinds = {json.loads(body).get("kinds") for (body,) in db.execute("SELECT body FROM rollup")}
    assert kinds == {ROLLUP_KINDS}
    assert funder_metrics(store, FUNDERS[1].value).citing_works == 1


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


def test_a_summary_of_another_version_on_disk_is_built_again_over_its_old_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "store"
    with Store.open(path) as store:
        store.write([record(DOIS[0], (CITO.cites, work(DOIS[1])), (SCHEMA.funder, FUNDERS[0])),
                     record(DOIS[1], (SCHEMA.funder, FUNDERS[0]), (KG.isVersionOf, work(DOIS[2])))])
        before = _contents(store.metrics_summary), funder_metrics(store, FUNDERS[0].value)
        store.metrics_summary._set("version", "3")
        assert summary_of(store) is None
    with Store.open(path) as store:
        assert KnowledgeGraph(store).index_metrics() == 2
        assert summary_of(store) is not None
        assert (_contents(store.metrics_summary), funder_metrics(store, FUNDERS[0].value)) == before
        indexes = {n for (n,) in store.metrics_summary._db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"fact_po", "fact_ps", "fact_graph", "term_text", "graph_iri"} <= indexes


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(change, min_size=1, max_size=10))
def test_a_summary_of_version_4_upgraded_in_place_equals_a_full_build(
        changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    """Version 4 had neither the links item metrics count, ``kg:status``, the cited-as sample nor citer counts:
    the upgrade (``kg index-metrics`` over one) adds them from the store's scans and its rows, its rollups kept."""
    store = Store.open(None)
    _apply(store, changes)
    summary = store.metrics_summary
    _funder_figures(store)  # rollups kept
    built, rollups = _contents(summary), summary._db.execute("SELECT key, body FROM rollup").fetchall()
    codes = ",".join(str(PREDICATES[p]) for p in ADDED_IN_5)
    summary._db.execute(f"DELETE FROM fact WHERE p IN ({codes})")  # as version 4 left it
    summary._db.execute("DROP TABLE cited_sample")
    summary._db.execute("DROP TABLE cited_count")
    summary._set("version", "4")
    assert summary_of(store) is None and summary.upgradable
    assert build_metrics_summary(store) == summary.graph_count()
    assert summary_of(store) is not None and not summary.upgradable
    assert _contents(summary) == built
    assert summary._db.execute("SELECT key, body FROM rollup").fetchall() == rollups
