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
#: graphs listed at once (fewer when the server's row cap is lower)
GRAPH_LIST = 10_000
#: graphs asked for at once
GRAPH_BATCH = 64


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
    its row cap, a few graphs at a time (:func:`graph_lists`, :func:`rows_of_graphs`). What the server
    still refuses is a StoreError: an export is whole or fails."""
    rows = store.select(ALL_QUADS.format(filter=store.engine.graph_filter("?g"))).rows
    cap = store.cut_at()
    if cap is None:
        return list(rows)
    return [row for graphs in graph_lists(store, cap) for start in range(0, len(graphs), GRAPH_BATCH)
            for row in rows_of_graphs(store, OF_GRAPHS, "g", graphs[start:start + GRAPH_BATCH])]


def graph_lists(store: RemoteStore, size: int = GRAPH_LIST) -> Iterator[list[NamedNode]]:
    """Every named graph outside the engine's system graphs, ``size`` at a time (or the server's row cap,
    when lower) in IRI order: each list after the last IRI of the one before (no OFFSET, which Virtuoso
    sorts all of)."""
    filter_ = store.engine.graph_filter("?g")
    after = ""
    while True:
        listed = store.select(GRAPHS.format(filter=filter_, after=Literal(after), size=size)).rows
        cap = store.cut_at()
        if cap is not None and cap < size:  # cut shorter than asked: the same list again, a cap long
            size = cap
            continue
        graphs = [g for (g,) in listed if isinstance(g, NamedNode)]
        if graphs:
            yield graphs
        if len(listed) < size or not graphs:
            return
        after = graphs[-1].value


def rows_of_graphs(store: RemoteStore, sparql: str, variable: str, graphs: list[NamedNode]) -> list[tuple[Any, ...]]:
    """The rows of ``sparql`` with ``variable`` bound to ``graphs``, each row of one graph: in one answer,
    or, when the server cuts it at its row cap, half the graphs at a time, one graph's a page at a time
    (``ORDER BY`` every column, ``LIMIT``, ``OFFSET``) when it alone is past the cap. (A query the server
    stays silent over is not split: Virtuoso goes on with a query its client gave up, so splitting slowed
    it further.)"""
    answer = store.select(sparql, {variable: graphs})
    cap = store.cut_at()
    if cap is None:
        return list(answer.rows)
    if len(graphs) > 1:
        half = len(graphs) // 2
        return (rows_of_graphs(store, sparql, variable, graphs[:half])
                + rows_of_graphs(store, sparql, variable, graphs[half:]))
    order = " ".join(f"?{name}" for name in answer.variables)
    pages: list[tuple[Any, ...]] = []
    while True:
        try:
            page = store.select(f"{sparql}\nORDER BY {order} LIMIT {cap} OFFSET {len(pages)}", {variable: graphs}).rows
        except StoreError as e:
            raise StoreError(f"the SPARQL server cut an answer at {cap} rows (its ResultSetMaxRows) and refused "
                             f"to page through the graph {graphs[0].value} ({e}); raise ResultSetMaxRows or "
                             "MaxSortedTopRows in virtuoso.ini") from e
        pages.extend(page)
        if len(page) < cap:
            return pages

