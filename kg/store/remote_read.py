"""Reading a SPARQL server's answers as the embedded store gives them: literal quirks normalised
(:meth:`kg.store.engines.Engine.term`), and answers the server cut at its row cap
(``X-SPARQL-MaxRows``, Virtuoso's ``ResultSetMaxRows``) asked for again a page at a time.

>>> fix_results(b'{"head": {"vars": ["f"]}, "results": {"bindings": [{"f": {"type": "typed-literal", '
...     b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"}}]}}', VIRTUOSO)[-40:]
b'3.org/2001/XMLSchema#boolean"}}]}}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import StoreError
from kg.store.engines import VIRTUOSO, XSD, Engine

if TYPE_CHECKING:
    from kg.store.remote import RemoteStore

#: every quad of every named graph
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {filter} }}"
#: the same, in a stable order, one page at a time
PAGE = ("SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {filter} }} "
        "ORDER BY ?g ?s ?p ?o LIMIT {size} OFFSET {start}")


def fix_results(body: bytes, engine: Engine | None) -> bytes:
    """A SPARQL JSON answer with each literal as the embedded store would write it."""
    if engine is None or engine.name != "virtuoso":
        return body
    answer = json.loads(body)
    for row in answer.get("results", {}).get("bindings", ()):
        for value in row.values():
            _fix_json_term(value)
    return json.dumps(answer).encode()


def _fix_json_term(value: dict[str, Any]) -> None:
    if value.get("type") == "typed-literal":  # SPARQL 1.0's name, still Virtuoso's
        value["type"] = "literal"
    datatype = value.get("datatype")
    if value.get("type") == "literal" and datatype in (XSD + "boolean", XSD + "duration"):
        fixed = VIRTUOSO.term(Literal(value["value"], datatype=NamedNode(datatype)))
        value["value"] = getattr(fixed, "value", value["value"])


def fix_triples(triples: Iterable[Triple], engine: Engine | None) -> Iterator[Triple]:
    """CONSTRUCT answers with each literal object as the embedded store would give it."""
    for t in triples:
        if engine is None or engine.name != "virtuoso" or not isinstance(t.object, Literal):
            yield t
        else:
            yield Triple(t.subject, t.predicate, engine.term(t.object))  # type: ignore[arg-type]


def dump_quads(store: RemoteStore) -> list[tuple[Any, ...]]:
    """Every quad outside the engine's own system graphs: in one answer, or, when the server cut it
    at its row cap, page by page until a page comes back short. A server that cuts the pages too,
    or refuses to page, is a StoreError: an export is whole or fails."""
    engine = store.engine
    filter_ = engine.graph_filter("?g")
    rows = store.select(ALL_QUADS.format(filter=filter_)).rows
    cap = store.cut_at()
    if cap is None:
        return list(rows)
    pages: list[tuple[Any, ...]] = []
    while True:
        try:
            page = store.select(PAGE.format(filter=filter_, size=cap, start=len(pages))).rows
        except StoreError as e:
            raise StoreError(f"the SPARQL server cut the export at {cap} rows (its ResultSetMaxRows) and "
                             f"refused to page through it ({e}); raise ResultSetMaxRows or MaxSortedTopRows "
                             "in virtuoso.ini") from e
        later_cap = store.cut_at()
        if later_cap is not None and later_cap < cap:
            raise StoreError(f"the SPARQL server cut a page of the export at {later_cap} rows")
        pages.extend(page)
        if len(page) < cap:
            return pages

