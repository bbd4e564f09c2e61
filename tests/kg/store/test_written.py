"""Which graphs an update may write to, read from its text (kg.store.written): what lets the cue index
follow a SPARQL Update graph by graph; None wherever the text does not say."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.store.graphs import drop_update, graph_update
from kg.store.written import Written, graphs_written

A, B = "http://example/a", "http://example/b"


@pytest.mark.parametrize("update, graphs, default", [
    (f"INSERT DATA {{ GRAPH <{A}> {{ <{A}> <{B}> 'x' }} }}", {A}, False),
    (f"DELETE DATA {{ <{A}> <{B}> 1 . GRAPH <{B}> {{ <{A}> <{B}> 1.5e3 }} }}", {B}, True),
    ("PREFIX ex: <http://example/> DELETE WHERE { GRAPH ex:a { ?s ?p ?o } }", {A}, False),
    (f"WITH <{A}> DELETE {{ ?s ?p ?o }} INSERT {{ GRAPH <{B}> {{ ?s ?p ?o }} }} USING NAMED <http://example/u> "
     f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {A, B}, False),
    (f"INSERT {{ ?s a <{A}> }} WHERE {{ GRAPH <{B}> {{ ?s ?p ?o FILTER(?o < 3) }} }}", set(), True),
    (f"LOAD SILENT <http://example/f.ttl> INTO GRAPH <{A}> ; LOAD <http://example/f.ttl>", {A}, True),
    (f"CLEAR GRAPH <{A}> ; DROP SILENT DEFAULT ; CREATE GRAPH <{B}>", {A}, True),
    (f"ADD <{A}> TO <{B}>", {B}, False),
    (f"MOVE SILENT GRAPH <{A}> TO DEFAULT", {A}, True),
    (f"COPY DEFAULT TO GRAPH <{B}> ;", {B}, False),
    # strings and comments hide what looks like syntax
    (f"# GRAPH ?g {{\nINSERT DATA {{ GRAPH <{A}> {{ <{A}> <{B}> \"\"\"a }} GRAPH ?g {{\n\"\"\", 'it''s' }} }}",
     {A}, False),
    (graph_update(NamedNode(A), [Triple(NamedNode(A), NamedNode(B), Literal("} GRAPH ?x {"))], replace=True),
     {A}, False),
    (drop_update(NamedNode(B)), {B}, False),
    ("", set(), False),  # an empty update: nothing written
])
def test_the_graphs_an_update_writes_to_are_read_from_its_text(update: str, graphs: set[str], default: bool) -> None:
    assert graphs_written(update) == Written(frozenset(graphs), default)


@pytest.mark.parametrize("update", [
    "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",  # a graph named by a variable
    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DROP ALL", "CLEAR NAMED", "DROP SILENT NAMED",  # every graph
    "BASE <http://example/> INSERT DATA { GRAPH <a> { <s> <p> <o> } }",  # a relative IRI
    "INSERT DATA { GRAPH ex:a { <http://example/s> <http://example/p> 1 } }",  # an unknown prefix
    f"INSERT INTO GRAPH <{A}> {{ <{A}> <{B}> 1 }}",  # Virtuoso's own syntax
    "INSERT DATA { GRAPH <http://example/a> { <http://example/s> <http://example/p> 1 }",  # cut short
    "{" * 100_000,
])
def test_an_update_whose_text_does_not_say_is_none(update: str) -> None:
    assert graphs_written(update) is None
