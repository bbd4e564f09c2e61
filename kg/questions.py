"""Asking the graph anything: a query of the catalogue by its name (``queries/<name>.rq``) or SPARQL
text, with values bound to its variables (never pasted into the text), answered as one typed
:class:`Answer` whatever the query form (SELECT, ASK, CONSTRUCT or DESCRIBE).

A bound value may be a term (``NamedNode``, ``Literal``), a plain string (an ``http(s)://`` or
``urn:`` string is read as an IRI, any other as a literal), a number or a boolean, or a list of
those (bound as ``VALUES``, so the query runs once for all of them).

>>> from kg.store import Store
>>> ask(Store.open(None), "SELECT ?x WHERE { }", x="https://doi.org/10.1/x").values()
[('https://doi.org/10.1/x',)]
>>> ask(Store.open(None), "ASK { ?s ?p ?o }").as_dict()
{'boolean': False}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from kg.queries import load_query
from kg.store import Store, Term, read_here

#: what may be bound to a variable: a term, a plain value, or a list of them
Value = Term | str | int | float | bool
_IRI_SCHEMES = ("http://", "https://", "urn:")


def term_of(value: Value) -> Term:
    """The RDF term a bound value stands for.

    >>> term_of("https://doi.org/10.1/x")
    <NamedNode value=https://doi.org/10.1/x>
    >>> term_of("insulin").value, term_of(2021).datatype.value
    ('insulin', 'http://www.w3.org/2001/XMLSchema#integer')
    """
    if isinstance(value, (NamedNode, BlankNode, Literal, Triple)):
        return value
    if isinstance(value, str):
        return NamedNode(value) if value.startswith(_IRI_SCHEMES) else Literal(value)
    return Literal(value)


def query_text(name_or_text: str) -> str:
    """The SPARQL of a catalogue query named ``name_or_text``, or the text itself when it is no name.

    :raises QueryNotFoundError: a name that is not in the catalogue (the error lists those that are)
    """
    return load_query(name_or_text).text if name_or_text.isidentifier() else name_or_text


@dataclass(frozen=True)
class Answer:
    """The answer to one query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    #: the variables of a SELECT, in order
    variables: tuple[str, ...] = ()
    #: the rows of a SELECT: one term (or None where unbound) per variable
    rows: tuple[tuple[Term | None, ...], ...] = ()
    #: the answer to an ASK (None for other forms)
    boolean: bool | None = None
    #: the triples of a CONSTRUCT or DESCRIBE
    triples: tuple[Triple, ...] = ()

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as the terms' lexical values (IRIs, literal texts)."""
        return [tuple(None if t is None else str(getattr(t, "value", t)) for t in row) for row in self.rows]

    def dicts(self) -> list[dict[str, str]]:
        """The rows as dicts of the bound variables' lexical values."""
        return [{v: x for v, x in zip(self.variables, row, strict=True) if x is not None} for row in self.values()]

    def as_dict(self) -> dict[str, object]:
        if self.boolean is not None:
            return {"boolean": self.boolean}
        if self.variables or not self.triples:
            return {"variables": list(self.variables), "rows": self.dicts()}
        return {"triples": [[str(getattr(t, "value", t)) for t in (x.subject, x.predicate, x.object)]
                            for x in self.triples]}


def ask(store: Store, name_or_text: str, **bindings: Value | Sequence[Value]) -> Answer:
    """Run a catalogue query (by name) or SPARQL text with ``bindings`` bound to its variables.

    :raises QueryNotFoundError: an unknown catalogue name
    :raises SyntaxError: malformed SPARQL (a :class:`kg.errors.QuerySyntaxError` from a remote store)
    """
    bound: dict[str, Term | list[Term]] = {}
    for name, value in bindings.items():
        if isinstance(value, str) or not isinstance(value, Sequence):
            bound[name] = term_of(value)
        else:
            bound[name] = [term_of(v) for v in value]
    return read_here(store.query(query_text(name_or_text), bound), _answer)


def _answer(result: QuerySolutions | QueryBoolean | QueryTriples) -> Answer:
    if isinstance(result, QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        return Answer(variables, tuple(tuple(sol[v] for v in variables) for sol in result))
    return Answer(triples=tuple(result))
