"""Whole graphs written as the Graph Store HTTP Protocol writes them: replaced (PUT), added to (POST) or
dropped (DELETE), as one SPARQL Update each, so that every backend applies them the same way and in one
transaction. The triples come parsed (pyoxigraph's terms) and are written in N-Triples form, which
pyoxigraph escapes: what a client sends never becomes update syntax.

``graph`` None is the store's own default graph (the one an update without ``GRAPH`` writes to, which
queries see as part of their union default graph); kg's loaders write only named graphs.

>>> from pyoxigraph import Literal
>>> g, s = NamedNode("http://example/g"), NamedNode("http://example/s")
>>> graph_update(g, [Triple(s, s, Literal("x"))], replace=True)
'DROP SILENT GRAPH <http://example/g> ;\\nINSERT DATA { GRAPH <http://example/g> {\\n<http://example/s> \
<http://example/s> "x" .\\n} }'
>>> graph_update(None, [], replace=True)
'DROP SILENT DEFAULT'
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import NamedNode, Triple

__all__ = ["DEFAULT_GRAPH", "drop_update", "exists_query", "graph_update"]

#: how a :class:`~kg.store.QueryJob` names the store's own default graph among its ``default_graphs``
#: (no IRI is empty): a query over it alone, not the union of all graphs
DEFAULT_GRAPH = ""


def graph_update(graph: NamedNode | None, triples: Sequence[Triple], *, replace: bool) -> str:
    """The update that puts ``triples`` in ``graph``: in place of what it held (``replace``) or beside it."""
    operations = []
    if replace:
        operations.append(f"DROP SILENT GRAPH {graph}" if graph is not None else "DROP SILENT DEFAULT")
    if triples:
        lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        operations.append(f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}" if graph is not None
                          else f"INSERT DATA {{\n{lines}\n}}")
    return " ;\n".join(operations)  # empty: nothing to do


def drop_update(graph: NamedNode | None) -> str:
    """The update that empties ``graph``."""
    return f"DROP GRAPH {graph}" if graph is not None else "DROP SILENT DEFAULT"


def exists_query(graph: NamedNode) -> str:
    """The ASK query true when ``graph`` holds a triple (a graph without triples is not kept)."""
    return f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
