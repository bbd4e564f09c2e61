"""Answers kept for one view (kg/store/kept.py) and SELECT rows as terms, on every backend: within
``one_view`` a question asked again is not asked of the store, gets the same answer, and a write
through the store (or leaving the view) makes it asked afresh."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.store import SelectResult, Store, one_view
from kg.vocab import SCHEMA
from tests.kg.store.conftest import record, work

SELECT = "SELECT ?w ?n WHERE { ?w <http://schema.org/name> ?n }"
CONSTRUCT = "CONSTRUCT { ?w <http://schema.org/name> ?n } WHERE { ?w <http://schema.org/name> ?n }"
ASK = "ASK { ?w <http://schema.org/name> ?n }"


def test_a_question_asked_again_in_one_view_is_asked_of_the_store_once(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A"))), record("10.1/b", (SCHEMA.name, Literal("B")))])
    outside = (store.select(SELECT).rows, store.construct(CONSTRUCT), store.ask(ASK, {"w": work("10.1/a")}))
    asked = store.query_count
    with one_view():
        first = (store.select(SELECT).rows, store.construct(CONSTRUCT), store.ask(ASK, {"w": work("10.1/a")}))
        again = (store.select(SELECT).rows, store.construct(CONSTRUCT), store.ask(ASK, {"w": work("10.1/a")}))
        assert store.query_count == asked + 3
        # other bindings are another question
        assert store.ask(ASK, {"w": work("10.1/none")}) is False
        assert store.query_count == asked + 4
    assert sorted(map(str, first[0])) == sorted(map(str, again[0])) == sorted(map(str, outside[0]))
    assert set(first[1]) == set(again[1]) == set(outside[1])
    assert first[2] is again[2] is True
    store.select(SELECT)
    assert store.query_count == asked + 5  # outside the view, asked again


def test_each_caller_gets_lists_of_its_own(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    with one_view():
        rows = store.select(SELECT).rows
        triples = store.construct(CONSTRUCT)
        rows.clear()
        triples.clear()
        assert len(store.select(SELECT).rows) == 1
        assert len(store.construct(CONSTRUCT)) == 1


def test_a_write_in_a_view_makes_the_questions_asked_afresh(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    with one_view():
        assert len(store.select(SELECT).rows) == 1
        store.write([record("10.1/b", (SCHEMA.name, Literal("B")))])
        assert {r[0] for r in store.select(SELECT).rows} == {work("10.1/a"), work("10.1/b")}


def test_select_rows_follow_the_projection_with_none_where_unbound(store: Store) -> None:
    result = store.select('SELECT ?b ?unbound ?a WHERE { VALUES (?a ?b) { (<urn:x:a> "b") (UNDEF 2) } '
                          "OPTIONAL { ?a <urn:x:nothing> ?unbound } }")
    assert result.variables == ["b", "unbound", "a"]
    assert sorted(result.rows, key=str) == sorted([(Literal("b"), None, NamedNode("urn:x:a")),
                                                   (Literal("2", datatype=NamedNode(
                                                       "http://www.w3.org/2001/XMLSchema#integer")), None, None)],
                                                  key=str)
    assert sorted(result.values(), key=str) == sorted([("b", None, "urn:x:a"), ("2", None, None)], key=str)


def test_values_of_a_quoted_triple_and_a_blank_node() -> None:
    quoted = Triple(NamedNode("urn:x:s"), NamedNode("urn:x:p"), Literal("o"))
    assert SelectResult(["t", "b"], [(quoted, BlankNode("b1"))]).values() == [(str(quoted), "b1")]


def test_whether_the_metrics_summary_is_complete_is_asked_once_a_view_and_again_after_a_write() -> None:
    store = Store.open(None)
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    with one_view():
        assert store.complete_summary() is not None
        # marked stale behind the store's back (as another process would): the view keeps what it was told
        store.metrics_summary.mark_stale()
        assert store.complete_summary() is not None
        store.metrics_summary.rebuild([])
        # a write through the store within the view: asked afresh (an update leaves the summary stale)
        store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
        assert store.complete_summary() is None
    store.metrics_summary.rebuild([])
    assert store.complete_summary() is not None  # outside a view, asked every time
    store.metrics_summary.mark_stale()
    assert store.complete_summary() is None
