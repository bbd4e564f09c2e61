"""SPARQL answers written as bytes, capped: the formats, and the writers of each.

SELECT and ASK answers are written here, per the W3C specs (SPARQL 1.1 Query Results JSON, XML,
CSV and TSV), because a capped answer must say it is truncated; CONSTRUCT and DESCRIBE answers
are written by pyoxigraph. The query workers (:mod:`kg.store.workers`) write their answers with
these, so that only bytes cross the pipe. Which format a request asks for is the caller's to say
(the web negotiates it from the request's ``Accept`` header), by a key of :data:`FORMATS`.

>>> answer = write_solutions(["x"], iter([(NamedNode("https://doi.org/10.1/x"),)]), FORMATS["csv"], 10)
>>> answer.body, answer.truncated
(b'x\\r\\nhttps://doi.org/10.1/x\\r\\n', False)
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterable, Iterator, Sequence
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
    ResultFormat("turtle", "text/turtle", "graph", ("application/turtle", "application/x-turtle", "text/n3",
                                                     "text/rdf+n3", "application/n3"),
                 ("turtle", "ttl", "n3"), RdfFormat.TURTLE),
    ResultFormat("ntriples", "application/n-triples", "graph", ("text/plain",), ("ntriples", "n-triples", "nt"),
                 RdfFormat.N_TRIPLES),
    ResultFormat("nquads", "application/n-quads", "graph", (), ("nquads", "n-quads", "nq"), RdfFormat.N_QUADS),
    ResultFormat("jsonld", "application/ld+json", "graph", ("application/x-json+ld", "application/json"),
                 ("json-ld", "jsonld", "json"), RdfFormat.JSON_LD),
    ResultFormat("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml"),
                 ("rdf+xml", "rdfxml", "rdf", "xml"), RdfFormat.RDF_XML),
)
FORMATS = {f.key: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}


@dataclass(frozen=True)
class Answer:
    """A written answer: what crosses the pipe from a query worker."""

    body: bytes
    content_type: str
    #: rows or triples were left out past the cap
    truncated: bool = False


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


def write_solutions(variables: Sequence[str], rows: Iterable[tuple[Term | None, ...]], fmt: ResultFormat,
                    max_rows: int, deadline: float | None = None, seconds: float = 0) -> Answer:
    """A SELECT answer in ``fmt``, cut after ``max_rows`` rows (JSON says so in ``kg:truncated``)."""
    taken, truncated = capped(rows, max_rows, deadline, seconds)
    kept: list[tuple[Term | None, ...]] = taken  # type: ignore[assignment]
    if fmt.key == "json":
        document: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in kept]}}
        if truncated:
            document["kg:truncated"] = True
            document["kg:resultLimit"] = max_rows
        body = json.dumps(document, ensure_ascii=False).encode()
    elif fmt.key == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                 for v, t in zip(variables, row, strict=True) if t is not None) + "</result>"
            for row in kept)
        body = ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>{results}</results></sparql>\n").encode()
    elif fmt.key == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in kept)
        body = out.getvalue().encode()
    else:
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_value(t) for t in row) for row in kept]
        body = ("\n".join(lines) + "\n").encode()
    return Answer(body, fmt.content_type, truncated)


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
                deadline: float | None = None, seconds: float = 0) -> Answer:
    """A CONSTRUCT or DESCRIBE answer in ``fmt``, cut after ``max_rows`` triples."""
    taken, truncated = capped(triples, max_rows, deadline, seconds)
    kept: list[Triple] = taken  # type: ignore[assignment]
    if fmt.rdf_format is RdfFormat.N_QUADS:
        body = serialize([Quad(t.subject, t.predicate, t.object) for t in kept], format=RdfFormat.N_QUADS)
    else:
        body = serialize(kept, format=fmt.rdf_format)
    return Answer(body or b"", fmt.content_type, truncated)
