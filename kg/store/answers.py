"""SPARQL answers written as bytes, capped: the formats, and the writers of each.

SELECT and ASK answers are written here, per the W3C specs (SPARQL 1.1 Query Results JSON, XML,
CSV and TSV), because a capped answer must say it is truncated; CONSTRUCT and DESCRIBE answers
are written by pyoxigraph. Two caps: rows (``max_rows``) and bytes (``max_bytes``), since one row
can hold a string of hundreds of megabytes (kg issue 13). The query workers
(:mod:`kg.store.workers`) write their answers with these, so that only bytes cross the pipe. Which
format a request asks for is the caller's to say (the web negotiates it from the request's
``Accept`` header), by a key of :data:`FORMATS`.

>>> answer = write_solutions(["x"], iter([(NamedNode("https://doi.org/10.1/x"),)]), FORMATS["csv"], 10)
>>> answer.body, answer.truncated
(b'x\\r\\nhttps://doi.org/10.1/x\\r\\n', False)
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Triple, serialize

from kg.errors import QueryTimeoutError
from kg.store.terms import Term
from kg.vocab import XSD


@dataclass(frozen=True)
class ResultFormat:
    """One answer format: its media type, the other media types and ``format=`` names asking for it."""

    key: str
    media_type: str
    #: "solutions" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)
    kind: str
    aliases: tuple[str, ...] = ()
    #: values of the ``format`` (or ``output``) parameter that choose it (SPARQLWrapper sends its own)
    names: tuple[str, ...] = ()
    #: how pyoxigraph writes it (graph formats)
    rdf_format: RdfFormat | None = None

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")


SOLUTION_FORMATS = (
    ResultFormat("json", "application/sparql-results+json", "solutions",
                 ("application/json", "text/javascript", "application/javascript"), ("json", "srj")),
    ResultFormat("xml", "application/sparql-results+xml", "solutions", ("application/xml", "text/xml"),
                 ("xml", "srx")),
    ResultFormat("csv", "text/csv", "solutions", (), ("csv",)),
    ResultFormat("tsv", "text/tab-separated-values", "solutions", (), ("tsv",)),
)
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", "graph", ("application/turtle", "application/x-turtle"),
                 ("turtle", "ttl"), RdfFormat.TURTLE),
    ResultFormat("ntriples", "application/n-triples", "graph", ("text/plain",), ("ntriples", "n-triples", "nt"),
                 RdfFormat.N_TRIPLES),
    ResultFormat("nquads", "application/n-quads", "graph", (), ("nquads", "n-quads", "nq"), RdfFormat.N_QUADS),
    ResultFormat("trig", "application/trig", "graph", ("application/x-trig",), ("trig",), RdfFormat.TRIG),
    ResultFormat("jsonld", "application/ld+json", "graph", ("application/x-json+ld", "application/json"),
                 ("json-ld", "jsonld", "json"), RdfFormat.JSON_LD),
    ResultFormat("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml"),
                 ("rdf+xml", "rdfxml", "rdf", "xml"), RdfFormat.RDF_XML),
    ResultFormat("n3", "text/n3", "graph", ("text/rdf+n3", "application/n3"), ("n3",), RdfFormat.N3),
)
FORMATS = {f.key: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}


@dataclass(frozen=True)
class Answer:
    """A written answer: what crosses the pipe from a query worker."""

    body: bytes
    content_type: str
    #: rows or triples were left out past the cap
    truncated: bool = False
    #: the byte cap, when it is what cut the answer
    byte_limit: int | None = None


def _deadline_passed(deadline: float | None, seconds: float) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeoutError(seconds)


def capped(items: Iterable[tuple[Term | None, ...]] | Iterable[Triple], max_rows: int,
           deadline: float | None = None, seconds: float = 0) -> tuple[list[object], bool]:
    """At most ``max_rows`` items, and whether there were more; the deadline is checked between items."""
    taken: list[object] = []
    iterator: Iterator[object] = iter(items)
    for item in iterator:
        _deadline_passed(deadline, seconds)
        if len(taken) == max_rows:
            return taken, True
        taken.append(item)
    return taken, False


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    found: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype != XSD.string:
        found["datatype"] = term.datatype.value
    return found


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value


def _tsv_value(term: Term | None) -> str:
    # N-Triples form, which escapes quotes, backslashes and line breaks; a tab would end the field
    return "" if term is None else str(term).replace("\t", "\\t")


def _raw(term: Term | None) -> int:
    """Characters of a term's text: no writer spends fewer bytes on it (escapes only add)."""
    if term is None:
        return 0
    return len(str(term)) if isinstance(term, Triple) else len(term.value)


@dataclass(frozen=True)
class _Layout:
    """How one results format writes a SELECT answer: its start, one row, between rows, its end."""

    head: str
    row: Callable[[tuple[Term | None, ...]], str]
    separator: str
    tail: Callable[[bool, bool], str]


def _layout(variables: Sequence[str], fmt: ResultFormat, max_rows: int, max_bytes: int | None) -> _Layout:
    if fmt.key == "json":
        def json_tail(truncated: bool, by_bytes: bool) -> str:
            extra = f', "kg:truncated": true, "kg:resultLimit": {max_rows}' if truncated else ""
            return "]}" + extra + (f', "kg:byteLimit": {max_bytes}' if by_bytes else "") + "}"
        return _Layout('{"head": ' + json.dumps({"vars": list(variables)}, ensure_ascii=False)
                       + ', "results": {"bindings": [',
                       lambda row: json.dumps({v: _json_term(t) for v, t in zip(variables, row, strict=True)
                                               if t is not None}, ensure_ascii=False), ", ", json_tail)
    if fmt.key == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        return _Layout('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                       f"<head>{head}</head><results>",
                       lambda row: "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                                        for v, t in zip(variables, row, strict=True)
                                                        if t is not None) + "</result>",
                       "", lambda truncated, by_bytes: "</results></sparql>\n")
    if fmt.key == "csv":
        def csv_row(values: Sequence[str]) -> str:
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerow(values)
            return out.getvalue()
        return _Layout(csv_row(variables), lambda row: csv_row([_csv_value(t) for t in row]), "",
                       lambda truncated, by_bytes: "")
    return _Layout("\t".join(f"?{v}" for v in variables) + "\n",
                   lambda row: "\t".join(_tsv_value(t) for t in row) + "\n", "", lambda truncated, by_bytes: "")


#: bytes kept free for the end of an answer (the JSON end that says it is truncated is the longest)
_TAIL_ROOM = 128


def write_solutions(variables: Sequence[str], rows: Iterable[tuple[Term | None, ...]], fmt: ResultFormat,
                    max_rows: int, deadline: float | None = None, seconds: float = 0,
                    max_bytes: int | None = None) -> Answer:
    """A SELECT answer in ``fmt``, cut after ``max_rows`` rows, or before the row that would take it
    past ``max_bytes`` bytes (JSON says so in ``kg:truncated``, and ``kg:byteLimit`` for the bytes).

    A row is measured before it is written: a term longer than the bytes left is never encoded.

    >>> from pyoxigraph import Literal
    >>> big = [(Literal("x" * 1000),), (Literal("y"),)]
    >>> answer = write_solutions(["v"], iter(big), FORMATS["csv"], 10, max_bytes=500)
    >>> answer.body, answer.truncated, answer.byte_limit
    (b'v\\r\\n', True, 500)
    """
    taken, truncated = capped(rows, max_rows, deadline, seconds)
    kept: list[tuple[Term | None, ...]] = taken  # type: ignore[assignment]
    layout = _layout(variables, fmt, max_rows, max_bytes)
    pieces = [layout.head.encode()]
    room = None if max_bytes is None else max_bytes - len(pieces[0]) - _TAIL_ROOM
    by_bytes = False
    for index, row in enumerate(kept):
        separator = layout.separator if index else ""
        if room is not None and sum(map(_raw, row)) + len(separator) > room:
            by_bytes = True
            break
        piece = (separator + layout.row(row)).encode()
        if room is not None:
            if len(piece) > room:
                by_bytes = True
                break
            room -= len(piece)
        pieces.append(piece)
    truncated = truncated or by_bytes
    pieces.append(layout.tail(truncated, by_bytes).encode())
    return Answer(b"".join(pieces), fmt.content_type, truncated, max_bytes if by_bytes else None)


def write_boolean(value: bool, fmt: ResultFormat) -> Answer:
    """An ASK answer in ``fmt`` (CSV and TSV hold the bare word, as Oxigraph writes them)."""
    word = "true" if value else "false"
    if fmt.key == "json":
        body = json.dumps({"head": {}, "boolean": value}).encode()
    elif fmt.key == "xml":
        body = ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    else:
        body = word.encode()
    return Answer(body, fmt.content_type)


def write_graph(triples: Iterable[Triple], fmt: ResultFormat, max_rows: int,
                deadline: float | None = None, seconds: float = 0, max_bytes: int | None = None) -> Answer:
    """A CONSTRUCT or DESCRIBE answer in ``fmt``, cut after ``max_rows`` triples, or to the triples
    that fit in ``max_bytes`` bytes as written."""
    taken, truncated = capped(triples, max_rows, deadline, seconds)
    kept: list[Triple] = taken  # type: ignore[assignment]
    by_bytes = False
    if max_bytes is not None:
        # first by their N-Triples form; then, for a format that writes them longer, halved until they fit
        size = 0
        for count, triple in enumerate(kept):
            size += len(str(triple)) + 3
            if size > max_bytes:
                kept, by_bytes = kept[:count], True
                break
    body = _serialized(kept, fmt)
    while max_bytes is not None and len(body) > max_bytes:
        kept, by_bytes = kept[:len(kept) // 2], True
        body = _serialized(kept, fmt)
    return Answer(body, fmt.content_type, truncated or by_bytes, max_bytes if by_bytes else None)


def _serialized(triples: list[Triple], fmt: ResultFormat) -> bytes:
    if fmt.rdf_format in (RdfFormat.N_QUADS, RdfFormat.TRIG):  # the triples are the default graph's
        body = serialize([Quad(t.subject, t.predicate, t.object) for t in triples], format=RdfFormat.N_QUADS)
    else:
        body = serialize(triples, format=fmt.rdf_format)
    return body or b""
