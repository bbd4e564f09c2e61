"""Bound terms (kg/store/terms.py): values bound to variables stay values, whatever they hold, on every backend."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal

from kg.ids import normalize_doi
from kg.store import Store, WriteResult
from kg.vocab import RDF, SCHEMA, XSD
from tests.kg.store.conftest import LONG_TEXT, ODD_DOI, SICI_DOI, data_quads, quads, record, work

# -- terms ------------------------------------------------------------------------------------


ODD_LITERALS = [
    pytest.param('x" } ; DROP ALL ; #', id="quote-brace-drop"),
    pytest.param("a > b } INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> } #", id="brace-insert"),
    pytest.param('three """ quotes and \'\'\' more', id="triple-quotes"),
    pytest.param("line one\nline two\r\n\ttabbed", id="newlines"),
    pytest.param("back\\slash \\\" and \\u0022", id="backslashes"),
    pytest.param("Ångström – 数据集 😀 \u2028 \u0001", id="unicode"),
    pytest.param(LONG_TEXT, id="100k-chars"),
]


@pytest.mark.parametrize("text", ODD_LITERALS)
def test_select_binds_a_literal_as_a_value_never_as_syntax(store: Store, text: str) -> None:
    target = record("10.1/target", (SCHEMA.name, Literal(text)))
    decoys = [record("10.1/decoy-1", (SCHEMA.name, Literal(text + " "))),
              record("10.1/decoy-2", (SCHEMA.name, Literal(text, datatype=XSD.token))),
              record("10.1/decoy-3", (SCHEMA.description, Literal(text[:-1])))]
    store.write([target, *decoys])
    before = quads(store)

    result = store.select("SELECT ?w WHERE { ?w <http://schema.org/name> ?n }", {"n": Literal(text)})

    assert result.variables == ["w"]
    assert result.rows == [(work("10.1/target"),)]
    assert quads(store) == before
    assert not store.ask("ASK { <urn:x:a> ?p ?o }")


def test_select_binds_a_named_node(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), (RDF.type, SCHEMA.Dataset))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    store.write([a, b])

    result = store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work("10.1/a")})

    assert result.variables == ["n"]
    assert result.rows == [(Literal("A"),)]
    assert result.dicts() == [{"n": Literal("A")}]
    both = store.select("SELECT ?w ?t WHERE { ?w a ?t }", {"w": work("10.1/a"), "t": SCHEMA.Dataset})
    assert both.rows == [(work("10.1/a"), SCHEMA.Dataset)]
    assert store.select("SELECT ?w WHERE { ?w a ?t }", {"t": SCHEMA.Person}).rows == []


def test_select_leaves_unbound_optional_variables_none(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])

    result = store.select("PREFIX s: <http://schema.org/>\n"
                          "SELECT ?n ?d WHERE { ?w s:name ?n OPTIONAL { ?w s:description ?d } }")

    assert result.rows == [(Literal("A"), None)]
    assert result.dicts() == [{"n": Literal("A")}]


@pytest.mark.parametrize("doi", [SICI_DOI, ODD_DOI, "10.5281/zenodo.1234", "10.1000/ümlaut-数据"])
def test_dois_with_special_characters_round_trip_as_iris(store: Store, doi: str) -> None:
    a = record(doi, (SCHEMA.name, Literal("A")), (SCHEMA.identifier, Literal(normalize_doi(doi))),
               (SCHEMA.sameAs, work(doi)))
    store.write([a])

    assert data_quads(store) == set(a.quads)
    assert store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work(doi)}).rows == [
        (Literal("A"),)]
    assert store.content_hashes([a.graph]) == {a.graph.value: a.content_hash}
    assert store.write([a]) == WriteResult(written=0, unchanged=1)


def test_typed_and_plain_literals_round_trip(store: Store) -> None:
    terms = [Literal("plain"), Literal("42", datatype=XSD.integer), Literal("2020-05-01", datatype=XSD.date),
             Literal("2020-05-01T10:11:12Z", datatype=XSD.dateTime), Literal("true", datatype=XSD.boolean),
             Literal("3.5", datatype=XSD.decimal), Literal("https://example.org/x", datatype=XSD.anyURI),
             Literal(LONG_TEXT), Literal("")]
    a = record("10.1/a", *((SCHEMA.description, t) for t in terms))
    store.write([a])

    rows = store.select("SELECT ?d WHERE { ?w <http://schema.org/description> ?d }", {"w": work("10.1/a")}).rows
    assert sorted((r[0] for r in rows), key=str) == sorted(terms, key=str)
    long_rows = store.select("SELECT ?w WHERE { ?w ?p ?d }", {"d": Literal(LONG_TEXT)}).rows
    assert long_rows == [(work("10.1/a"),)]
