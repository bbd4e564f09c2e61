"""Asking any query through the Python API: catalogue names or text, plain values bound as terms,
every query form as one Answer; user values never become query text."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from kg.queries import QueryNotFoundError, load_query
from kg.questions import Answer, ask, query_text, term_of
from kg.store import Store


def test_plain_values_become_iris_or_literals() -> None:
    assert term_of("https://doi.org/10.1/x") == NamedNode("https://doi.org/10.1/x")
    assert term_of("urn:x:1") == NamedNode("urn:x:1")
    assert term_of("doi:10.1/x") == Literal("doi:10.1/x")
    assert term_of(True) == Literal(True)
    assert term_of(Literal("x", language="en")) == Literal("x", language="en")


def test_a_name_is_read_from_the_catalogue_and_anything_else_is_sparql() -> None:
    assert query_text("stats_quads") == load_query("stats_quads").text
    assert query_text("ASK {}") == "ASK {}"
    with pytest.raises(QueryNotFoundError, match="no query named 'no_such_query'"):
        query_text("no_such_query")


def test_lists_are_bound_as_values_and_hostile_text_stays_a_value() -> None:
    store = Store.open(None)
    found = ask(store, "SELECT ?x WHERE { }", x=["https://doi.org/10.1/a", "} ; DROP ALL #"])
    assert found.values() == [("https://doi.org/10.1/a",), ("} ; DROP ALL #",)]
    assert found.dicts() == [{"x": "https://doi.org/10.1/a"}, {"x": "} ; DROP ALL #"}]
    assert found.as_dict() == {"variables": ["x"], "rows": found.dicts()}


def test_every_form_answers_as_one_type() -> None:
    store = Store.open(None)
    assert ask(store, "ASK { }").as_dict() == {"boolean": True}
    assert ask(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == Answer()
    assert ask(store, "SELECT ?x WHERE { FILTER(false) }").as_dict() == {"variables": ["x"], "rows": []}
    with pytest.raises(SyntaxError):
        ask(store, "SELECT nonsense")
