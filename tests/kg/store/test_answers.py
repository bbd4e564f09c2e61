"""The answer writers (kg/store/answers.py): each results format is read back by rdflib term for term, tricky
terms included; the row and byte caps cut and flag; a passed deadline stops writing."""

from __future__ import annotations

import io
import json

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.query import Result

from kg.errors import QueryTimeoutError
from kg.store.answers import FORMATS, GRAPH_FORMATS, ResultFormat, write_boolean, write_graph, write_solutions
from kg.vocab import XSD

ROWS = [
    (NamedNode("https://doi.org/10.1/a%22b"), Literal('a "quoted", comma\nand line', language="en")),
    (BlankNode("b0"), Literal("42", datatype=XSD.integer)),
    (NamedNode("urn:x:tab"), Literal("tab\there")),
    (NamedNode("urn:x:unbound"), None),
]
EXPECTED = [
    (rdflib.URIRef("https://doi.org/10.1/a%22b"), rdflib.Literal('a "quoted", comma\nand line', lang="en")),
    (rdflib.BNode("b0"), rdflib.Literal("42", datatype=rdflib.XSD.integer)),
    (rdflib.URIRef("urn:x:tab"), rdflib.Literal("tab\there")),
    (rdflib.URIRef("urn:x:unbound"), None),
]


@pytest.mark.parametrize("key", ["json", "xml", "tsv"])
def test_each_typed_results_format_is_read_back_by_rdflib_term_for_term(key: str) -> None:
    answer = write_solutions(["s", "o"], iter(ROWS), FORMATS[key], 10)
    parsed = Result.parse(io.BytesIO(answer.body), format=key)
    assert [str(v) for v in parsed.vars] == ["s", "o"]
    rows = [tuple(row) for row in parsed]
    assert len(rows) == len(EXPECTED)
    for row, expected in zip(rows, EXPECTED, strict=True):
        assert row[0] == expected[0] or isinstance(expected[0], rdflib.BNode)
        assert row[1] == expected[1]


def test_csv_holds_the_lexical_forms_quoted_where_needed() -> None:
    answer = write_solutions(["s", "o"], iter(ROWS), FORMATS["csv"], 10)
    parsed = Result.parse(io.BytesIO(answer.body), format="csv")
    values = [tuple(None if t is None else str(t) for t in row) for row in parsed]
    assert values == [("https://doi.org/10.1/a%22b", 'a "quoted", comma\nand line'), ("_:b0", "42"),
                      ("urn:x:tab", "tab\there"), ("urn:x:unbound", None)]
    assert answer.body.startswith(b"s,o\r\n")


def test_the_cap_cuts_the_rows_and_json_says_so() -> None:
    rows = [(NamedNode(f"urn:x:{i}"),) for i in range(5)]
    answer = write_solutions(["s"], iter(rows), FORMATS["json"], 3)
    document = json.loads(answer.body)
    assert answer.truncated
    assert [b["s"]["value"] for b in document["results"]["bindings"]] == ["urn:x:0", "urn:x:1", "urn:x:2"]
    assert document["kg:truncated"] is True and document["kg:resultLimit"] == 3
    exact = write_solutions(["s"], iter(rows), FORMATS["json"], 5)
    assert not exact.truncated and "kg:truncated" not in json.loads(exact.body)


def test_a_passed_deadline_stops_writing_between_rows() -> None:
    with pytest.raises(QueryTimeoutError, match=r"^the query ran past the 2 s time limit"):
        write_solutions(["s"], iter([(NamedNode("urn:x:a"),)]), FORMATS["json"], 10, deadline=0.0, seconds=2)


@pytest.mark.parametrize("key", ["json", "xml"])
@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_read_back_by_rdflib(key: str, value: bool) -> None:
    assert Result.parse(io.BytesIO(write_boolean(value, FORMATS[key]).body), format=key).askAnswer is value


# -- byte cap --------------------------------------------------------------------------------------


BIG_ROWS = [(NamedNode(f"urn:x:{i}"), Literal("v" * 300)) for i in range(20)]


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_the_byte_cap_keeps_the_rows_that_fit_and_the_answer_still_parses(key: str) -> None:
    answer = write_solutions(["s", "o"], iter(BIG_ROWS), FORMATS[key], 100, max_bytes=2_000)
    assert answer.truncated and answer.byte_limit == 2_000
    assert len(answer.body) <= 2_000
    rows = list(Result.parse(io.BytesIO(answer.body), format=key))
    assert 3 <= len(rows) < 20
    assert [str(row[0]) for row in rows] == [f"urn:x:{i}" for i in range(len(rows))]


def test_a_byte_capped_json_answer_says_which_cap_cut_it() -> None:
    document = json.loads(write_solutions(["s", "o"], iter(BIG_ROWS), FORMATS["json"], 100, max_bytes=2_000).body)
    assert document["kg:truncated"] is True and document["kg:byteLimit"] == 2_000
    whole = write_solutions(["s", "o"], iter(BIG_ROWS), FORMATS["json"], 100, max_bytes=100_000)
    assert not whole.truncated and whole.byte_limit is None and "kg:byteLimit" not in json.loads(whole.body)


def test_a_term_longer_than_the_cap_is_left_out_whole() -> None:
    answer = write_solutions(["o"], iter([(Literal("x" * 10_000),)]), FORMATS["json"], 10, max_bytes=1_000)
    assert json.loads(answer.body)["results"]["bindings"] == []
    assert answer.truncated and answer.byte_limit == 1_000


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.key)
def test_a_graph_answer_is_cut_to_the_byte_cap_in_every_format(fmt: ResultFormat) -> None:
    triples = [Triple(NamedNode(f"urn:x:s{i}"), NamedNode("urn:x:p"), Literal("w" * 200)) for i in range(50)]
    answer = write_graph(iter(triples), fmt, 100, max_bytes=3_000)
    assert answer.truncated and answer.byte_limit == 3_000
    assert 0 < len(answer.body) <= 3_000
    whole = write_graph(iter(triples), fmt, 100, max_bytes=1_000_000)
    assert not whole.truncated and whole.byte_limit is None
