"""What queries take and give: terms, bindings, the dataset a query runs over, SELECT answers.

Bound values never become query syntax: :func:`with_values` writes them as a ``VALUES`` block in
their N-Triples form, which pyoxigraph escapes.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from kg.errors import StoreError, raised_from

_R = TypeVar("_R")
_T = TypeVar("_T")

Term = NamedNode | BlankNode | Literal | Triple
#: variable name -> the term it is bound to, or a list of terms (one solution each)
Bindings = Mapping[str, Term | Sequence[Term]]


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs over, as the SPARQL 1.1 Protocol's ``default-graph-uri`` and
    ``named-graph-uri`` name it: the default graph is the merge of ``default_graphs`` (empty when
    none is named) and ``GRAPH`` reaches only ``named_graphs``. Without a Dataset a query runs over
    the whole store, with the union of all graphs as its default graph. ``DefaultGraph()`` among
    ``default_graphs`` is the store's own default graph (an embedded store's; a SPARQL server's cannot
    be named over the protocol).
    """

    default_graphs: tuple[NamedNode | DefaultGraph, ...] = ()
    named_graphs: tuple[NamedNode, ...] = ()


@dataclass(frozen=True)
class SelectResult:
    """The answer to a SELECT query: variable names and rows of terms (None where unbound).

    >>> result = SelectResult(["w", "n"], [(NamedNode("https://doi.org/10.1/x"), None)])
    >>> result.values(), result.dicts()
    ([('https://doi.org/10.1/x', None)], [{'w': <NamedNode value=https://doi.org/10.1/x>}])
    """

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as the terms' lexical values (IRIs, literal texts)."""
        return [tuple(map(_lexical, row)) for row in self.rows]

    def dicts(self) -> list[dict[str, Term]]:
        """The rows as dicts of bound variables."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]


def _lexical(term: Term | None) -> str | None:
    # a quoted triple has no lexical value: its N-Triples form stands for it
    return None if term is None else str(term) if isinstance(term, Triple) else term.value


_BODY = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: Bindings) -> str:
    """The query with a ``VALUES`` block binding each variable, first in its WHERE clause.

    A variable bound to a list of terms gets one row per term (one block per such variable).

    Placed there, the bound values join the whole pattern before any aggregation (a trailing
    VALUES clause would join only after it), and the engine starts from them. The terms are
    written by pyoxigraph in N-Triples form, which escapes them, so user input never becomes
    query syntax. A query without a WHERE clause gets a trailing VALUES clause.

    >>> with_values("SELECT (COUNT(*) AS ?n) WHERE { ?w ?p ?t }", {"w": NamedNode("https://doi.org/10.1/x")})
    'SELECT (COUNT(*) AS ?n) WHERE { VALUES (?w) { (<https://doi.org/10.1/x>) } ?w ?p ?t }'
    """
    if not bindings:
        return sparql
    single = {k: v for k, v in bindings.items() if not isinstance(v, (list, tuple))}
    blocks = [f"VALUES ?{k} {{ {' '.join(str(t) for t in v)} }}" for k, v in bindings.items()
              if isinstance(v, (list, tuple))]
    if single:
        names = " ".join(f"?{k}" for k in single)
        blocks.insert(0, f"VALUES ({names}) {{ ({' '.join(str(v) for v in single.values())}) }}")
    block = " ".join(blocks)
    body = _BODY.search(sparql)
    if body is None:
        return f"{sparql}\n{block}"
    return f"{sparql[:body.end()]} {block}{sparql[body.end():]}"


def read_here(result: _R, read: Callable[[_R], _T]) -> _T:
    """``read(result)``: pyoxigraph's answer ``result`` read, and freed in this thread whatever happens.

    pyoxigraph refuses to drop an answer in another thread than the one that made it ("PyQueryTriples is
    unsendable, but is being dropped on another thread": a RuntimeError raised wherever the garbage
    collector happened to run, and the answer kept). An error raised while the answer is read carries a
    traceback whose frames hold it, and whichever thread collects that error last would drop it; so the
    frames below this one are cleared of their locals before the error goes on (its lines stay). The
    caller passes the answer straight in, never keeping it in a variable of its own.

    >>> from pyoxigraph import Store
    >>> read_here(Store().query("SELECT ?x { VALUES ?x { 1 } }"), lambda answer: [s[0].value for s in answer])
    ['1']
    """
    try:
        return read(result)
    except BaseException as error:
        for found in raised_from(error):
            traceback.clear_frames(found.__traceback__)
        raise
    finally:
        del result


def read_solutions(result: QuerySolutions | QueryBoolean | QueryTriples) -> SelectResult:
    """A SELECT query's answer as a SelectResult (StoreError for another kind of query)."""
    if not isinstance(result, QuerySolutions):
        raise StoreError("select() needs a SELECT query")
    # a solution iterates over its terms in the order of the variables (None where unbound): one
    # C call a row, where looking each variable up by name was most of the rows' conversion
    return SelectResult([v.value for v in result.variables], [tuple(solution) for solution in result])


def read_triples(result: QuerySolutions | QueryBoolean | QueryTriples) -> list[Triple]:
    """A CONSTRUCT or DESCRIBE query's triples (StoreError for another kind of query)."""
    if not isinstance(result, QueryTriples):
        raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
    return list(result)
