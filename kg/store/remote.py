"""A SPARQL 1.1 server as the store: queries over the SPARQL 1.1 Protocol with SPARQLWrapper, writes
with SPARQL Update.

Others may write to the server too (:attr:`~kg.store.StoreProfile.sees_outside_writes`); its own
time limit stops a query (``stops_queries == "server"``).

>>> store = RemoteStore.open("http://127.0.0.1:7878/query")
>>> store, store.update_url, store.profile.sees_outside_writes
(RemoteStore('http://127.0.0.1:7878/query'), 'http://127.0.0.1:7878/update', True)
"""

from __future__ import annotations

import ast
import http.client
import logging
import math
import re
import threading
import time
import urllib.error
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from pyoxigraph import (
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
    serialize,
)

from kg.errors import QueryTimeoutError, StoreError
from kg.store.base import StoreProfile
from kg.store.credentials import Credentials, credentials_of, install, install_digest
from kg.store.engines import Engine, engine_of
from kg.store.limits import REMOTE_MARGIN, QueryRunner, ServerRunner
from kg.store.records import META, RecordGraph, Refusal
from kg.store.remote_bulk import server_bulk_load
from kg.store.remote_cues import FollowsMark
from kg.store.remote_faults import (
    ConnectionLostError,
    FrozenServerError,
    RemoteQuerySyntaxError,
    RemoteUpdateSyntaxError,
    accepts,
    answers,
)
from kg.store.remote_read import GRAPH_BATCH, dump_quads, fix_results, fix_triples, graph_lists, rows_of_graphs
from kg.store.terms import Bindings, Dataset, with_values
from kg.store.updates import UpdateRefusedError, short, write_records

log = logging.getLogger(__name__)
#: tries of a request whose connection is refused, reset or dropped, and the first pause between them
#: (doubled each time)
TRIES = 3
BACKOFF = 0.5
#: seconds a server may stay silent before it is taken for frozen (at most the store's time limit)
FIRST_BYTE = 60.0


class RemoteStore(FollowsMark):
    """A SPARQL 1.1 server. ``url`` is its query endpoint; the update endpoint is derived.

    Oxigraph's ``/query`` pairs with ``/update``; an endpoint named ``/sparql`` (Virtuoso's
    ``/sparql-auth``) takes both. The server must use the union of its named graphs as the default
    graph (Oxigraph: ``--union-default-graph``; Fuseki: ``unionDefaultGraph``; Virtuoso does by
    default). Credentials come from the URL's user part or the environment
    (:mod:`kg.store.credentials`); the engine from the ``Server`` header of its first answer
    (:mod:`kg.store.engines`).
    """

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 300,
                 first_byte: float | None = None, credentials: Credentials | None = None,
                 engine: Engine | None = None) -> None:
        url, found = credentials_of(url) if credentials is None else (url, credentials)
        self.credentials = found
        self._engine = engine
        #: per thread: the row cap the server said (X-SPARQL-MaxRows) it cut the last answer at
        self._cut = threading.local()
        self.url = url
        self.update_url = update_url or (url[: -len("/query")] + "/update" if url.endswith("/query") else url)
        #: seconds an answer may take, in all; past it the request is dropped with QueryTimeoutError
        self.timeout = timeout
        #: seconds the server may stay silent (before the answer starts, or between its parts); past them
        #: it is taken for frozen (:class:`FrozenServerError`), not slow. Silent for all of ``timeout``
        #: (``first_byte`` not shorter), it is the query's doing (QueryTimeoutError) if the server
        #: answers a trivial query meanwhile, else frozen
        self.first_byte = first_byte if first_byte is not None else min(timeout, FIRST_BYTE)

    def with_timeout(self, seconds: float, first_byte: float | None = None) -> RemoteStore:
        """The same server, with answers cut off after ``seconds`` (and silence after ``first_byte``)."""
        return RemoteStore(self.url, self.update_url, seconds, first_byte, credentials=self.credentials,
                           engine=self._engine)

    @property
    def engine(self) -> Engine:
        """The engine behind the endpoint, learnt from the ``Server`` header (asked with ``ASK {}`` if
        nothing was sent yet)."""
        if self._engine is None:
            self.ping()
        return self._engine or engine_of(None)

    def _known_engine(self) -> Engine:
        """The engine, or the generic one when the server cannot say (the request that follows will)."""
        try:
            return self.engine
        except StoreError:
            return engine_of(None)

    def cut_at(self) -> int | None:
        """The row cap the server cut this thread's last answer at, or None when it sent it whole."""
        cut: int | None = getattr(self._cut, "rows", None)
        return cut

    #: What may come before a query's form keyword: whitespace, comments, BASE and PREFIX.
    _PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE)
    _FORM = re.compile(r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)

    @classmethod
    def at(cls, location: str | Path | None, read_only: bool = False) -> RemoteStore | None:
        """The server whose query endpoint is the http(s) URL ``location``; None for anything else."""
        if location is None or not str(location).startswith(("http://", "https://")):
            return None
        if read_only:
            raise StoreError(f"a SPARQL server cannot be opened read-only: {location}")
        return cls(str(location))

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    @property
    def profile(self) -> StoreProfile:
        engine = self._known_engine().name  # not answering: generic, until it answers
        return StoreProfile(backend="remote", on_disk=False, read_only_open=False, bulk_write=False,
                            stops_queries="server", sees_outside_writes=True, engine=engine,
                            cue_index="file" if self.cue_index_path() is not None else "memory")

    def query_runner(self, timeout_s: float, workers: int = 2, memory_mb: int = 0) -> QueryRunner:
        """The server's own limit stops a query (``oxigraph serve --timeout-s``); our client stops waiting
        ``REMOTE_MARGIN`` seconds after ``timeout_s``. ``workers`` and ``memory_mb`` are not used: the
        server has its own."""
        return ServerRunner(self, self.with_timeout(timeout_s + REMOTE_MARGIN))

    def _wrapper(self, endpoint: str) -> Any:
        from SPARQLWrapper import BASIC, SPARQLWrapper
        w = SPARQLWrapper(endpoint, agent="kg (https://w3id.org/evidence-kg)")
        w.setMethod("POST")
        w.setTimeout(math.ceil(self.first_byte))  # the socket's: connecting, and each read
        install(endpoint)  # kept-alive connections (kg.store.remote_http)
        if self.credentials is not None and self.credentials.scheme == "digest":
            install_digest(endpoint, self.credentials)
        elif self.credentials is not None:
            w.setHTTPAuth(BASIC)
            w.setCredentials(self.credentials.user, self.credentials.password)
        return w

    #: what Oxigraph's server writes into an answer it had started when its own time limit stops it
    _CANCELLED = b"The SPARQL operation has been cancelled"

    def _send(self, w: Any, endpoint: str, what: str) -> tuple[bytes, str]:
        """The body and Content-Type of the server's answer; StoreError naming ``endpoint`` if none.

        A connection refused, reset or dropped is tried again, :data:`TRIES` times in all with a doubling
        pause (kg's updates insert whole graphs or replace them, so sending one twice stores the same).
        Raises QueryTimeoutError past ``timeout`` seconds (a slow query), FrozenServerError when the
        server accepted the connection but sent nothing for ``first_byte`` seconds, shorter than
        ``timeout`` (or for all of ``timeout`` while answering no trivial query either: silence then
        is the server's, not the query's), and StoreError "cannot reach" when no connection can be made.
        """
        for attempt in range(1, TRIES + 1):
            try:
                return self._send_once(w, endpoint, what)
            except ConnectionLostError as e:
                if attempt == TRIES:
                    raise StoreError(f"cannot reach the SPARQL server at {endpoint}: {e.__cause__} "
                                     f"(tried {TRIES} times)") from e.__cause__
                log.warning("the SPARQL server at %s refused or dropped the %s (%s); trying again",
                            endpoint, what, e.__cause__)
                time.sleep(BACKOFF * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, w: Any, endpoint: str, what: str) -> tuple[bytes, str]:
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized
        deadline = time.monotonic() + self.timeout
        try:
            response = w.query().response
        except QueryBadFormed as e:
            message = _server_message(e)
            engine_failed = self._engine is not None and not self._engine.is_syntax_error(message)
            if what == "update":  # refused: malformed, or past a limit of the engine's (Virtuoso's SP031)
                if engine_failed:
                    raise UpdateRefusedError.saying(endpoint, message) from e
                raise RemoteUpdateSyntaxError(endpoint, message) from e
            if engine_failed:
                raise StoreError(f"the SPARQL server at {endpoint} failed on the {what}: {short(message)}") from e
            raise RemoteQuerySyntaxError(endpoint, what, message) from e
        except Unauthorized as e:
            who = "without credentials" if self.credentials is None else f"as {self.credentials.user}"
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what} {who} (HTTP 401): give "
                             "credentials in the store URL or KG_STORE_USER and KG_STORE_PASSWORD") from e
        except SPARQLWrapperException as e:
            message = short(_server_message(e))
            if what == "update":
                raise UpdateRefusedError.saying(endpoint, message) from e
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: {message}") from e
        except urllib.error.HTTPError as e:
            e.close()
            if e.code == 401:
                raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: HTTP 401 (credentials)") from e
            if what == "update":
                raise UpdateRefusedError.saying(endpoint, f"HTTP {e.code} {e.reason}") from e
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: HTTP {e.code} {e.reason}") from e
        except (OSError, http.client.HTTPException) as e:
            cause = getattr(e, "reason", e)
            if isinstance(cause, TimeoutError):  # nothing came back: is anyone there?
                if not accepts(endpoint):
                    raise StoreError(f"cannot reach the SPARQL server at {endpoint}: no connection within "
                                     f"{self.first_byte:g} s") from e
                if self.first_byte >= self.timeout:
                    # silent for the whole time limit: the query's doing if the server answers another
                    raise self._silence(endpoint, started=False) from e
                raise FrozenServerError(endpoint, self.first_byte) from e
            if isinstance(cause, (ConnectionError, http.client.HTTPException)):
                raise ConnectionLostError from cause
            raise StoreError(f"cannot reach the SPARQL server at {endpoint}: {cause}") from e
        if self._engine is None:
            self._engine = engine_of(response.headers.get("Server"))
        cap = response.headers.get("X-SPARQL-MaxRows")
        self._cut.rows = int(cap) if cap and cap.isdigit() else None
        try:
            with response:
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
        except TimeoutError as e:  # the answer had started, then stalled
            if time.monotonic() > deadline or self.first_byte >= self.timeout:
                raise self._silence(endpoint, started=True) from e
            raise FrozenServerError(endpoint, self.first_byte, started=True) from e
        except (ConnectionError, http.client.HTTPException) as e:
            raise ConnectionLostError from e

    def _silence(self, endpoint: str, *, started: bool) -> QueryTimeoutError | FrozenServerError:
        """What silence for the whole time limit means: the query is slow when the server answers a
        trivial query meanwhile (QueryTimeoutError), else the server is frozen (FrozenServerError)."""
        if answers(self.url, min(5.0, self.timeout)):
            return QueryTimeoutError(self.timeout)
        return FrozenServerError(endpoint, self.timeout, started=started)

    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        engine = self.engine if sparql.strip() != "ASK { }" else self._engine
        w = self._wrapper(self.url)
        if dataset is not None:
            # The protocol's parameters; a server given only named graphs has an empty default graph.
            for graph in dataset.default_graphs:
                if not isinstance(graph, NamedNode):
                    raise StoreError(f"the SPARQL server at {self.url} has no way to be asked for its own default "
                                     "graph alone over the SPARQL 1.1 Protocol")
                w.addDefaultGraph(graph.value)
            for graph in dataset.named_graphs:
                w.addNamedGraph(graph.value)
        # Not setQuery(): SPARQLWrapper takes the first keyword found anywhere for the query form,
        # so "loader" in a header comment sent a SELECT to the update endpoint as a LOAD.
        found = self._FORM.match(sparql, self._PROLOGUE.match(sparql).end())  # type: ignore[union-attr]
        form = found[1].upper() if found else "SELECT"  # not a query: the server says why
        text = with_values(sparql, bindings)
        if engine is not None and form == "DESCRIBE" and (construct := engine.describe_text(text)) is not None:
            text, form = construct, "CONSTRUCT"
        w.queryString, w.queryType = (engine.query_text(text) if engine else text), form
        # A return format that fits the form, or SPARQLWrapper warns; the Accept header is ours.
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        w.setReturnFormat("turtle" if graph_form else "json")
        w.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9" if graph_form
                              else "application/sparql-results+json")
        body, content_type = self._send(w, self.url, "query")
        if graph_form:
            rdf_format = RdfFormat.from_media_type(content_type) or RdfFormat.N_TRIPLES
            # parse() yields quads in the default graph; construct() promises triples.
            triples = (q.triple for q in parse(body, format=rdf_format))
            return QueryTriplesList(fix_triples(triples, engine))  # type: ignore[return-value]
        result: QuerySolutions | QueryBoolean = parse_query_results(fix_results(body, engine),
                                                                    format=QueryResultsFormat.JSON)
        return result

    def _construct(self, sparql: str, bindings: Bindings) -> list[Triple]:
        """A CONSTRUCT or DESCRIBE query's triples, parsed from the server's answer."""
        self.query_count += 1
        result = self._query(sparql, bindings)
        if not isinstance(result, QueryTriplesList):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def _update(self, sparql_update: str) -> None:
        """Send a SPARQL Update to the update endpoint (UpdateRefusedError when the server refuses it)."""
        try:
            self._send_update(self._known_engine().update_text(sparql_update))
        finally:
            self._written()

    def _send_update(self, text: str) -> None:
        w = self._wrapper(self.update_url)
        # Any update type routes the request to the update endpoint; setQuery() could take an
        # update for a query (a prefix IRI ".../ask/" read as ASK).
        w.queryString, w.queryType = text, "INSERT"
        self._send(w, self.update_url, "update")

    def _replace(self, records: Sequence[RecordGraph]) -> list[Refusal]:
        """Replace graphs in updates the engine takes (:mod:`kg.store.updates`); the records it refused."""
        return write_records(records, self._send_update, self._known_engine())

    def bulk_load(self, nquads: IO[bytes]) -> None:
        """Add N-Quads through the server's own bulk loader (:func:`kg.store.remote_bulk.server_bulk_load`)."""
        try:
            server_bulk_load(self.url, nquads, self.engine, self.credentials, self.timeout)
        finally:
            self._written()
            self.cues.mark_stale()
            self.summary_stale()

    def rows_by_graph(self, sparql: str, variable: str, apart: Collection[str] = ()) -> Iterator[tuple[Any, ...]]:
        """A batch of graphs at a time (:func:`kg.store.remote_read.graph_lists`, cut answers split), the
        server given all of the store's time limit before its first byte: listing the graphs of a large
        store is a scan (past a minute on Virtuoso at 10M quads with the machine busy)."""
        patient = self.with_timeout(self.timeout, first_byte=self.timeout)
        for listed in graph_lists(patient):
            graphs = [g for g in listed if g.value not in apart]
            for start in range(0, len(graphs), GRAPH_BATCH):
                yield from rows_of_graphs(patient, sparql, variable, graphs[start:start + GRAPH_BATCH])

    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write every quad (N-Quads, TriG) or every triple outside the meta graph (Turtle, N-Triples).

        An answer the server cut (``X-SPARQL-MaxRows``) is asked for again a page at a time."""
        rows = dump_quads(self)
        if format in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            serialize((Quad(s, p, o, g) for s, p, o, g in rows), output, format=format)
        else:
            serialize((Triple(s, p, o) for s, p, o, g in rows if g != META), output, format=format)


def _server_message(error: Exception) -> str:
    """The server's own text in a SPARQLWrapper error, which keeps it only as the repr of its bytes."""
    found = re.search(r"Response:\n(b(['\"]).*\2)\s*$", str(error), re.DOTALL)
    if found is None:
        return str(error)
    raw = ast.literal_eval(found[1])
    return raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else str(error)


class QueryTriplesList(list[Triple]):
    """CONSTRUCT results read back from a server."""
