"""The one module that talks to the database.

Two backends answer the same interface: an embedded pyoxigraph store (on disk, or in memory for
tests) and any SPARQL 1.1 server (queries over the SPARQL 1.1 Protocol with SPARQLWrapper,
writes with SPARQL Update).

Writes are per record graph. :meth:`Store.write` takes a batch of :class:`RecordGraph` and, in
transactions, replaces each changed graph whole (the old triples go in the same transaction as
the new ones arrive) and skips each graph whose content hash is already stored. The provenance
of every record graph lives in the meta graph, written in the same transaction as the graph.

>>> from pyoxigraph import Quad, Literal
>>> from kg.vocab import SCHEMA
>>> store = Store.open(None)
>>> work = NamedNode("https://doi.org/10.1/x")
>>> graph = NamedNode("https://w3id.org/evidence-kg/graph/test/10.1/x")
>>> record = RecordGraph(graph, [Quad(work, SCHEMA.name, Literal("X"), graph)],
...     GraphMeta("test", "10.1/x", work, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC)))
>>> store.write([record]), store.write([record])
(WriteResult(written=1, unchanged=0), WriteResult(written=0, unchanged=1))
>>> store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work}).rows
[(<Literal value=X datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>,)]
"""

from __future__ import annotations

import ast
import hashlib
import math
import re
import time
import urllib.error
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from pyoxigraph import Store as OxStore

from kg.errors import QuerySyntaxError, QueryTimeoutError, StoreError
from kg.ids import META_GRAPH
from kg.vocab import KG, PROV, RDF, SCHEMA, XSD

Term = NamedNode | BlankNode | Literal | Triple
#: variable name -> the term it is bound to, or a list of terms (one solution each)
Bindings = Mapping[str, Term | Sequence[Term]]

#: Bumped whenever a mapper's output changes for the same input, so re-loads replace graphs.
MAPPER_VERSION = "1"

META = NamedNode(META_GRAPH)


@dataclass(frozen=True)
class GraphMeta:
    """Provenance of one record graph."""

    #: loader name, e.g. "crossref"
    source: str
    #: the record's id in its source, e.g. its DOI
    record_id: str
    #: the work the record describes
    about: NamedNode
    #: the API URL or file the record came from
    derived_from: str
    #: when the raw record was retrieved
    retrieved_at: datetime


class RecordGraph:
    """The quads one raw record maps to, all in one named graph, with their provenance.

    Made from quads, or (what the loaders do: cheaper, since the store takes N-Quads text and
    the content hash is computed from text) from ``triples``, each triple in N-Triples form as
    ``str(Triple)`` writes it. Either form is there on demand. The content hash is the same
    whichever form a record was made from.
    """

    def __init__(self, graph: NamedNode, quads: Sequence[Quad], meta: GraphMeta, content_hash: str = "") -> None:
        self.graph = graph
        self.meta = meta
        self._quads: list[Quad] | None = list(quads)
        self._triples: list[str] | None = None
        self.content_hash = content_hash or self._hash()

    @classmethod
    def from_triples(cls, graph: NamedNode, triples: list[str], meta: GraphMeta) -> RecordGraph:
        """A record graph from its triples in N-Triples form (``"<s> <p> \"o\""``, no final dot)."""
        record = cls.__new__(cls)
        record.graph, record.meta = graph, meta
        record._quads, record._triples = None, triples
        record.content_hash = record._hash()
        return record

    def _hash(self) -> str:
        lines = sorted(self.triples)
        return hashlib.sha256("\n".join([MAPPER_VERSION, *lines]).encode()).hexdigest()

    @property
    def triples(self) -> list[str]:
        """The graph's triples in N-Triples form."""
        if self._triples is None:
            self._triples = [str(q.triple) for q in self._quads or ()]
        return self._triples

    @property
    def quads(self) -> list[Quad]:
        """The graph's quads."""
        if self._quads is None:
            g = self.graph
            text = "".join(f"{t} .\n" for t in self._triples or ())
            self._quads = [Quad(q.subject, q.predicate, q.object, g) for q in parse(text, format=RdfFormat.N_TRIPLES)]
        return self._quads

    def __len__(self) -> int:
        """The number of quads in the graph (its provenance not counted)."""
        return len(self._triples) if self._triples is not None else len(self._quads or ())

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RecordGraph) and (self.graph, self.meta) == (other.graph, other.meta)
                and self.triples == other.triples)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordGraph({self.graph.value!r}, {len(self)} quads, {self.meta!r})"

    def nquads(self) -> str:
        """The graph and its provenance as N-Quads text."""
        g = self.graph
        return "".join([*(f"{t} {g} .\n" for t in self.triples), *(f"{q} .\n" for q in self.meta_quads())])

    def meta_quads(self) -> list[Quad]:
        """The meta-graph quads that describe this record graph."""
        m, g = self.meta, self.graph
        derived = (NamedNode(m.derived_from) if "://" in m.derived_from and " " not in m.derived_from
                   else Literal(m.derived_from))
        return [Quad(g, p, o, META) for p, o in (
            (RDF.type, PROV.Entity),
            (KG.source, Literal(m.source)),
            (KG.recordId, Literal(m.record_id)),
            (SCHEMA.about, m.about),
            (PROV.wasDerivedFrom, derived),
            (PROV.generatedAtTime, Literal(m.retrieved_at.astimezone(UTC).isoformat(),
                                           datatype=XSD.dateTime)),
            (KG.contentHash, Literal(self.content_hash)),
            (KG.mapperVersion, Literal(MAPPER_VERSION)),
        )]


@dataclass(frozen=True)
class WriteResult:
    written: int
    unchanged: int


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs over, as the SPARQL 1.1 Protocol's ``default-graph-uri`` and
    ``named-graph-uri`` name it: the default graph is the merge of ``default_graphs`` (empty when
    none is named) and ``GRAPH`` reaches only ``named_graphs``. Without a Dataset a query runs over
    the whole store, with the union of all graphs as its default graph.
    """

    default_graphs: tuple[NamedNode, ...] = ()
    named_graphs: tuple[NamedNode, ...] = ()


class RemoteQuerySyntaxError(QuerySyntaxError, StoreError):
    """A SPARQL server answered 400: the text does not parse (or does not fit the endpoint).

    A :class:`QuerySyntaxError` carrying the server's message, and a :class:`StoreError` naming the
    server, as every other refusal of the remote store is.
    """

    def __init__(self, endpoint: str, what: str, message: str) -> None:
        super().__init__(f"{message} (the SPARQL server at {endpoint} refused the {what})")
        self.parser_message = message


@dataclass(frozen=True)
class SelectResult:
    """The answer to a SELECT query: variable names and rows of terms (None where unbound)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def values(self) -> list[tuple[str | None, ...]]:
        """The rows as the terms' lexical values (IRIs, literal texts)."""
        return [tuple(None if t is None else getattr(t, "value", str(t)) for t in row) for row in self.rows]

    def dicts(self) -> list[dict[str, Term]]:
        """The rows as dicts of bound variables."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]


class Store(ABC):
    """A quad store holding record graphs and their provenance."""

    #: bumped by every write through this object: what is built from the store (the cue index)
    #: is stale when it was built at another generation
    generation: int = 0

    @staticmethod
    def open(location: str | Path | None) -> Store:
        """Open a store: None for memory, a directory path for disk, an http(s) URL for a server.

        >>> Store.open(None)
        EmbeddedStore(None)
        """
        if location is None:
            return EmbeddedStore(None)
        text = str(location)
        if text.startswith(("http://", "https://")):
            return RemoteStore(text)
        return EmbeddedStore(Path(text))

    @staticmethod
    def open_read_only(path: str | Path) -> EmbeddedStore:
        """Open an embedded store on disk for reading only, beside the process that has it open read-write.

        It sees the store as it was when opened. RocksDB leaves a read-only open undefined while
        another process writes: open it only while nothing writes, and reopen it after a write.
        """
        return EmbeddedStore(Path(path), read_only=True)

    # -- reads -------------------------------------------------------------------------

    @abstractmethod
    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run a query against the union of all graphs, or against ``dataset``."""

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        """Run a SELECT query; ``bindings`` fix variables to terms (never pasted into the text)."""
        result = self._query(sparql, bindings or {})
        if not isinstance(result, QuerySolutions):
            raise StoreError("select() needs a SELECT query")
        variables = [v.value for v in result.variables]
        return SelectResult(variables, [tuple(sol[v] for v in variables) for sol in result])

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        result = self._query(sparql, bindings or {})
        if not isinstance(result, QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]:
        result = self._query(sparql, bindings or {})
        if not isinstance(result, QueryTriples):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def query(self, sparql: str, bindings: Bindings | None = None, *, dataset: Dataset | None = None
              ) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run any query and return pyoxigraph's result object (solutions, boolean or triples).

        ``dataset`` replaces the union of all graphs by the graphs it names (SPARQL 1.1 Protocol).
        A malformed query raises :class:`SyntaxError` (embedded) or :class:`RemoteQuerySyntaxError`.
        """
        return self._query(sparql, bindings or {}, dataset)

    def content_hashes(self, graphs: Sequence[NamedNode]) -> dict[str, str]:
        """The stored content hash of each of ``graphs`` that is in the store."""
        if not graphs:
            return {}
        sparql = (f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {' '.join(str(g) for g in graphs)} }} "
                  f"GRAPH <{META_GRAPH}> {{ ?g <{KG.contentHash.value}> ?h }} }}")
        return {g: h for g, h in self.select(sparql).values() if g is not None and h is not None}

    # -- writes ------------------------------------------------------------------------

    def write(self, records: Sequence[RecordGraph]) -> WriteResult:
        """Store a batch of record graphs: new ones added, changed ones replaced, unchanged skipped.

        Each graph, with its provenance, is either wholly old or wholly new afterwards, whatever
        happens during the call. When a batch names the same graph twice, the last one wins.
        """
        latest = {r.graph.value: r for r in records}
        stored = self.content_hashes([r.graph for r in latest.values()])
        new = [r for g, r in latest.items() if g not in stored]
        changed = [r for g, r in latest.items() if g in stored and stored[g] != r.content_hash]
        if new:
            self._add(new)
        if changed:
            self._replace(changed)
        if new or changed:
            self.generation += 1
        return WriteResult(written=len(new) + len(changed),
                           unchanged=len(records) - len(new) - len(changed))

    def replace(self, record: RecordGraph) -> bool:
        """Store one record graph; False when the same content was already stored."""
        return self.write([record]).written == 1

    def _add(self, records: Sequence[RecordGraph]) -> None:
        """Add graphs not yet in the store, in one transaction."""
        self._replace(records)

    def _replace(self, records: Sequence[RecordGraph]) -> None:
        """Replace graphs (and their provenance), in one transaction."""
        self.update(replace_update(records))

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update, atomically."""

    @abstractmethod
    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write every quad (N-Quads, TriG) or every triple of every graph (Turtle, N-Triples)."""

    def close(self) -> None:  # noqa: B027 (a remote store has nothing to release)
        """Release the store (flushes an embedded one)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def replace_update(records: Iterable[RecordGraph]) -> str:
    """One SPARQL Update that replaces each record graph and its provenance.

    Terms are written in their N-Triples form by pyoxigraph, which escapes them.
    """
    parts: list[str] = []
    inserts: list[str] = []
    for r in records:
        parts.append(f"DROP SILENT GRAPH {r.graph} ;")
        parts.append(f"DELETE WHERE {{ GRAPH {META} {{ {r.graph} ?p ?o }} }} ;")
        body = " .\n".join(r.triples)
        meta = " .\n".join(str(q.triple) for q in r.meta_quads())
        inserts.append(f"GRAPH {r.graph} {{\n{body} }}\nGRAPH {META} {{\n{meta} }}")
    return "\n".join(parts) + "\nINSERT DATA {\n" + "\n".join(inserts) + "\n}"


class EmbeddedStore(Store):
    """pyoxigraph's embedded store, on disk (a directory) or in memory (``path=None``)."""

    def __init__(self, path: Path | None, read_only: bool = False) -> None:
        self.path = path
        #: opened with :meth:`Store.open_read_only`: reads only, a snapshot of when it was opened
        self.read_only = read_only
        self._ox: OxStore | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path) if self.path else None})"

    @property
    def ox(self) -> OxStore:
        """The pyoxigraph store, opened on first use."""
        if self._ox is None:
            try:
                if self.read_only and self.path:
                    self._ox = OxStore.read_only(str(self.path))
                else:
                    self._ox = OxStore(str(self.path)) if self.path else OxStore()
            except OSError as e:
                raise StoreError(f"cannot open the store at {self.path}: {e}") from e
        return self._ox

    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        # pyoxigraph's substitutions need the variable in the projection; a trailing VALUES
        # clause does not, and answers the same on every backend.
        text = with_values(sparql, bindings)
        result: QuerySolutions | QueryBoolean | QueryTriples
        if dataset is None:
            result = self.ox.query(text, use_default_graph_as_union=True)
        else:
            result = self.ox.query(text, default_graph=list(dataset.default_graphs),
                                   named_graphs=list(dataset.named_graphs))
        return result

    def _add(self, records: Sequence[RecordGraph]) -> None:
        # New graphs go in through Oxigraph's bulk loader, several times faster than a
        # transaction. A batch this size is one RocksDB ingestion of SST files across all
        # indexes, which RocksDB applies atomically, provenance included: each graph is wholly
        # there with its provenance, or absent. Quads in a graph without provenance (written by
        # another tool) are cleared first. The quads go in as N-Quads bytes rather than through
        # bulk_extend: pyoxigraph then loads them without holding the GIL, so a caller's other
        # thread (the pipeline mapping the next batch) runs meanwhile.
        leftovers = self.select(
            "SELECT ?g WHERE { VALUES ?g { " + " ".join(str(r.graph) for r in records)
            + " } FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }").rows
        if leftovers:
            self.update(" ".join(f"DROP SILENT GRAPH {g} ;" for (g,) in leftovers).rstrip(" ;"))
        self.ox.bulk_load(input="".join(r.nquads() for r in records).encode(), format=RdfFormat.N_QUADS)

    def update(self, sparql_update: str) -> None:
        self.generation += 1
        self.ox.update(sparql_update)

    def bulk_load_nquads(self, path: Path) -> None:
        """Load ready N-Quads with pyoxigraph's own bulk loader (no transactions, no hashes)."""
        self.generation += 1
        self.ox.bulk_load(path=str(path), format=RdfFormat.N_QUADS)

    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        if format in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            self.ox.dump(output, format=format)
            return
        triples = (q.triple for q in self.ox.quads_for_pattern(None, None, None, None)
                   if not isinstance(q.graph_name, DefaultGraph) and q.graph_name != META)
        from pyoxigraph import serialize
        serialize(triples, output, format=format)

    def close(self) -> None:
        if self._ox is not None:
            if not self.read_only:
                self._ox.flush()
            self._ox = None


class RemoteStore(Store):
    """A SPARQL 1.1 server. ``url`` is its query endpoint; the update endpoint is derived.

    Oxigraph's ``/query`` pairs with ``/update``; an endpoint named ``/sparql`` takes both.
    The server must use the union of its named graphs as the default graph (Oxigraph:
    ``--union-default-graph``; Fuseki: ``unionDefaultGraph``; Virtuoso does by default).
    """

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 300) -> None:
        self.url = url
        self.update_url = update_url or (url[: -len("/query")] + "/update" if url.endswith("/query") else url)
        #: seconds an answer may take, in all; past it the request is dropped with QueryTimeoutError
        self.timeout = timeout

    def with_timeout(self, seconds: float) -> RemoteStore:
        """The same server, with answers cut off after ``seconds``."""
        return RemoteStore(self.url, self.update_url, seconds)

    #: What may come before a query's form keyword: whitespace, comments, BASE and PREFIX.
    _PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE)
    _FORM = re.compile(r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def _wrapper(self, endpoint: str) -> Any:
        from SPARQLWrapper import SPARQLWrapper
        w = SPARQLWrapper(endpoint, agent="kg (https://w3id.org/evidence-kg)")
        w.setMethod("POST")
        w.setTimeout(math.ceil(self.timeout))
        return w

    #: what Oxigraph's server writes into an answer it had started when its own time limit stops it
    _CANCELLED = b"The SPARQL operation has been cancelled"

    def _send(self, w: Any, endpoint: str, what: str) -> tuple[bytes, str]:
        """The body and Content-Type of the server's answer; StoreError naming ``endpoint`` if none.

        Raises QueryTimeoutError past ``timeout`` seconds (waiting for the answer, or reading it).
        """
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException
        deadline = time.monotonic() + self.timeout
        try:
            with w.query().response as response:
                chunks: list[bytes] = []
                # read1 returns what has arrived, so the deadline is checked as the answer streams in
                while chunk := response.read1(1 << 16):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise QueryTimeoutError(self.timeout)
                body = b"".join(chunks)
                if self._CANCELLED in body[-200:]:
                    raise QueryTimeoutError(self.timeout)
                return body, response.headers.get("Content-Type", "")
        except QueryBadFormed as e:
            raise RemoteQuerySyntaxError(endpoint, what, _server_message(e)) from e
        except SPARQLWrapperException as e:
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: {e}") from e
        except TimeoutError as e:
            raise QueryTimeoutError(self.timeout) from e
        except urllib.error.HTTPError as e:
            e.close()
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: HTTP {e.code} {e.reason}") from e
        except OSError as e:
            if isinstance(getattr(e, "reason", None), TimeoutError):  # urllib's URLError around a timeout
                raise QueryTimeoutError(self.timeout) from e
            raise StoreError(f"cannot reach the SPARQL server at {endpoint}: {e}") from e

    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        w = self._wrapper(self.url)
        if dataset is not None:
            # The protocol's parameters; a server given only named graphs has an empty default graph.
            for graph in dataset.default_graphs:
                w.addDefaultGraph(graph.value)
            for graph in dataset.named_graphs:
                w.addNamedGraph(graph.value)
        # Not setQuery(): SPARQLWrapper takes the first keyword found anywhere for the query form,
        # so "loader" in a header comment sent a SELECT to the update endpoint as a LOAD.
        found = self._FORM.match(sparql, self._PROLOGUE.match(sparql).end())  # type: ignore[union-attr]
        form = found[1].upper() if found else "SELECT"  # not a query: the server says why
        w.queryString, w.queryType = with_values(sparql, bindings), form
        # A return format that fits the form, or SPARQLWrapper warns; the Accept header is ours.
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        w.setReturnFormat("turtle" if graph_form else "json")
        w.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9" if graph_form
                              else "application/sparql-results+json")
        body, content_type = self._send(w, self.url, "query")
        if graph_form:
            rdf_format = RdfFormat.from_media_type(content_type) or RdfFormat.N_TRIPLES
            # parse() yields quads in the default graph; construct() promises triples.
            return QueryTriplesList(q.triple for q in parse(body, format=rdf_format))  # type: ignore[return-value]
        result: QuerySolutions | QueryBoolean = parse_query_results(body, format=QueryResultsFormat.JSON)
        return result

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]:
        result = self._query(sparql, bindings or {})
        if not isinstance(result, QueryTriplesList):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def update(self, sparql_update: str) -> None:
        self.generation += 1
        w = self._wrapper(self.update_url)
        # Any update type routes the request to the update endpoint; setQuery() could take an
        # update for a query (a prefix IRI ".../ask/" read as ASK).
        w.queryString, w.queryType = sparql_update, "INSERT"
        self._send(w, self.update_url, "update")

    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        from pyoxigraph import serialize
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        if format in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            serialize((Quad(s, p, o, g) for s, p, o, g in rows), output, format=format)  # type: ignore[arg-type]
        else:
            serialize((Triple(s, p, o) for s, p, o, g in rows if g != META), output,  # type: ignore[arg-type]
                      format=format)


def _server_message(error: Exception) -> str:
    """The server's own text in a SPARQLWrapper error, which keeps it only as the repr of its bytes."""
    found = re.search(r"Response:\n(b(['\"]).*\2)\s*$", str(error), re.DOTALL)
    if found is None:
        return str(error)
    raw = ast.literal_eval(found[1])
    return raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else str(error)


class QueryTriplesList(list[Triple]):
    """CONSTRUCT results read back from a server."""


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
