"""Reading a SPARQL server's answers as the embedded store gives them: literal quirks normalised
(:meth:`kg.store.engines.Engine.term`), and answers the server cut at its row cap
(``X-SPARQL-MaxRows``, Virtuoso's ``ResultSetMaxRows``) asked for again a page at a time.

>>> fix_results(b'{"head": {"vars": ["f"]}, "results": {"bindings": [{"f": {"type": "typed-literal", '
...     b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"}}]}}', VIRTUOSO)[-40:]
b'XMLSchema#boolean", "value": "true"}}]}}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import StoreError
from kg.store.engines import STORED_DURATION, VIRTUOSO, XSD, Engine

if TYPE_CHECKING:
    from kg.store.remote import RemoteStore

#: every quad of every named graph
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {filter} }}"
#: the next graphs in IRI order
GRAPHS = ("SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {filter} FILTER(STR(?g) > {after}) }} "
          "ORDER BY STR(?g) LIMIT {size}")
#: the quads of the graphs bound to ?g
OF_GRAPHS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
#: graphs asked for at once
GRAPH_BATCH = 64
#: one graph's triples, in a stable order, a page at a time
PAGE = "SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT {size} OFFSET {start}"


def fix_results(body: bytes, engine: Engine | None) -> bytes:
    """A SPARQL JSON answer with each literal as the embedded store would write it, and an ``ASK``
    Virtuoso answered as a ``SELECT`` of ``__ASK_RETVAL`` (as it does unless its ini says ``CaseMode = 2``)
    as the boolean it is.

    >>> fix_results(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}', VIRTUOSO)
    b'{"head": {}, "boolean": false}'
    """
    if engine is None or engine.name != "virtuoso":
        return body
    answer = json.loads(body)
    if answer.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = answer.get("results", {}).get("bindings", [])
        found = any(row.get("__ASK_RETVAL", {}).get("value", "0") != "0" for row in rows)
        return json.dumps({"head": {}, "boolean": found}).encode()
    for row in answer.get("results", {}).get("bindings", ()):
        for value in row.values():
            _fix_json_term(value)
    return json.dumps(answer).encode()


#: the datatypes whose literals Virtuoso writes otherwise than the embedded store (:meth:`Engine.term`)
_FIXED_DATATYPES = (XSD + "boolean", XSD + "duration", XSD + "dateTime", STORED_DURATION.value)


def _fix_json_term(value: dict[str, Any]) -> None:
    if value.get("type") == "typed-literal":  # SPARQL 1.0's name, still Virtuoso's
        value["type"] = "literal"
    datatype = value.get("datatype")
    if value.get("type") == "literal" and datatype in _FIXED_DATATYPES:
        fixed = VIRTUOSO.term(Literal(value["value"], datatype=NamedNode(datatype)))
        if isinstance(fixed, Literal):
            value["value"], value["datatype"] = fixed.value, fixed.datatype.value


def fix_triples(triples: Iterable[Triple], engine: Engine | None) -> Iterator[Triple]:
    """CONSTRUCT answers with each literal object as the embedded store would give it."""
    for t in triples:
        if engine is None or engine.name != "virtuoso" or not isinstance(t.object, Literal):
            yield t
        else:
            yield Triple(t.subject, t.predicate, engine.term(t.object))  # type: ignore[arg-type]


def dump_quads(store: RemoteStore) -> list[tuple[Any, ...]]:
    """Every quad outside the engine's own system graphs: in one answer, or, when the server cut it at
    its row cap, graph by graph. The graphs are listed a cap at a time in IRI order (each list after the
    last IRI of the one before: no OFFSET, which Virtuoso sorts all of), their quads asked for a few
    graphs at a time, fewer when an answer is cut, one graph's a page at a time when it alone is past
    the cap. What the server still refuses is a StoreError: an export is whole or fails."""
    filter_ = store.engine.graph_filter("?g")
    rows = store.select(ALL_QUADS.format(filter=filter_)).rows
    cap = store.cut_at()
    if cap is None:
        return list(rows)
    quads: list[tuple[Any, ...]] = []
    after = ""
    while True:
        listed = store.select(GRAPHS.format(filter=filter_, after=Literal(after), size=cap)).rows
        graphs = [g for (g,) in listed if isinstance(g, NamedNode)]
        for start in range(0, len(graphs), GRAPH_BATCH):
            quads.extend(_quads_of(store, graphs[start:start + GRAPH_BATCH], cap))
        if len(listed) < cap or not graphs:
            return quads
        after = graphs[-1].value


def _quads_of(store: RemoteStore, graphs: list[NamedNode], cap: int) -> list[tuple[Any, ...]]:
    rows = store.select(OF_GRAPHS, {"g": graphs}).rows
    if store.cut_at() is None:
        return list(rows)
    if len(graphs) > 1:
        half = len(graphs) // 2
        return _quads_of(store, graphs[:half], cap) + _quads_of(store, graphs[half:], cap)
    pages: list[tuple[Any, ...]] = []
    while True:
        try:
            page = store.select(PAGE.format(graph=graphs[0], size=cap, start=len(pages))).rows
        except StoreError as e:
            raise StoreError(f"the SPARQL server cut the export at {cap} rows (its ResultSetMaxRows) and refused "
                             f"to page through the graph {graphs[0].value} ({e}); raise ResultSetMaxRows or "
                             "MaxSortedTopRows in virtuoso.ini") from e
        pages.extend((s, p, o, graphs[0]) for s, p, o in page)
        if len(page) < cap:
            return pages
