"""What the SPARQL 1.1 Protocol adds to an update's text: the base IRI for its relative IRIs, and the
dataset of its ``using-graph-uri`` and ``using-named-graph-uri`` parameters.

The store runs SPARQL text (the same on every backend), so both become text: ``BASE <endpoint>``
before the request's own prologue (a ``BASE`` of its own still wins, coming later), and a ``USING``
(``USING NAMED``) clause for each parameter before the ``WHERE`` of each ``DELETE``/``INSERT``
operation, which is what the protocol says the parameters mean. The IRIs are checked absolute IRIs
written in N-Triples form by pyoxigraph, so a parameter never becomes other syntax. An update that
names its own dataset (``USING``, ``WITH``) as well as the parameters is refused (the protocol's
rule). A ``DELETE WHERE`` takes no ``USING``: the parameters leave it as it is.

>>> with_using("INSERT { ?s a <urn:x:T> } WHERE { ?s ?p ?o }", ("http://example/g",), ())
'INSERT { ?s a <urn:x:T> } USING <http://example/g> WHERE { ?s ?p ?o }'
>>> with_base("SELECT * { <s> ?p ?o }", "http://localhost/sparql")
'BASE <http://localhost/sparql>\\nSELECT * { <s> ?p ?o }'
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from kg.errors import BadRequestError, QuerySyntaxError

__all__ = ["base_message", "with_base", "with_using"]

#: what may hide a keyword: long and short strings, IRIs, comments
_HIDING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\r\n]*')
_TOKEN = re.compile(r"[{}]|(?<![\w:?$])(WHERE|USING|WITH|DELETE)(?![\w:-])", re.IGNORECASE)
_POSITION = re.compile(r"\berror at (\d+):(\d+)")


def with_base(text: str, base_iri: str) -> str:
    """``text`` with ``base_iri`` as its base IRI, on a line of its own before it."""
    return f"BASE {NamedNode(base_iri)}\n{text}"


def base_message(error: QuerySyntaxError) -> QuerySyntaxError:
    """The parser's error about a text given :func:`with_base`, its position moved back to the text as sent.

    >>> base_message(QuerySyntaxError("error at 2:9: expected one of LATERAL")).parser_message
    'error at 1:9: expected one of LATERAL'
    """
    moved = _POSITION.sub(lambda m: f"error at {max(1, int(m[1]) - 1)}:{m[2]}", error.parser_message, count=1)
    return QuerySyntaxError(moved)


def with_using(update: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    """The update with ``USING`` and ``USING NAMED`` clauses for the graphs before each operation's ``WHERE``.

    :raises BadRequestError: the update names its own dataset (``USING``, ``WITH``) besides the parameters

    >>> with_using("WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", (), ("http://example/people",))
    Traceback (most recent call last):
    ...
    kg.errors.BadRequestError: parameter 'using-named-graph-uri' cannot come with USING or WITH in the update: \
the protocol leaves no way to merge them (value: 'http://example/people')
    """
    if not using and not using_named:
        return update
    clauses = " ".join([*(f"USING {NamedNode(g)}" for g in using),
                        *(f"USING NAMED {NamedNode(g)}" for g in using_named)])
    masked = _HIDING.sub(lambda m: " " * len(m[0]), update)
    depth, previous, cuts = 0, "", []
    for found in _TOKEN.finditer(masked):
        token = found[0].upper()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            if token in ("USING", "WITH"):
                name = "using-graph-uri" if using else "using-named-graph-uri"
                raise BadRequestError(name, "cannot come with USING or WITH in the update: the protocol leaves "
                                      "no way to merge them", (using or using_named)[0])
            if token == "WHERE" and previous != "DELETE":
                cuts.append(found.start())
        previous = token
    for cut in reversed(cuts):
        update = f"{update[:cut]}{clauses} {update[cut:]}"
    return update
