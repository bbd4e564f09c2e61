"""A SPARQL 1.1 server as the store: queries over the SPARQL 1.1 Protocol with SPARQLWrapper, writes
with SPARQL Update.

Others may write to the server too (:attr:`~kg.store.StoreProfile.sees_outside_writes`); its own
time limit stops a query (``stops_queries == "server"``).

>>> store = Store.open("http://127.0.0.1:7878/query")
>>> store, store.update_url, store.profile.sees_outside_writes
(RemoteStore('http://127.0.0.1:7878/query'), 'http://127.0.0.1:7878/update', True)
"""

from __future__ import annotations

import ast
import hashlib
import http.client
import logging
import math
import os
import re
import socket
import time
import urllib.error
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from pyoxigraph import (
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

from kg.errors import QuerySyntaxError, QueryTimeoutError, StoreError
from kg.store.base import Store, StoreProfile
from kg.store.limits import REMOTE_MARGIN, QueryRunner, ServerRunner
from kg.store.records import META
from kg.store.terms import Bindings, Dataset, with_values

log = logging.getLogger(__name__)
#: tries of a request whose connection is refused, reset or dropped, and the first pause between them
#: (doubled each time)
TRIES = 3
BACKOFF = 0.5
#: seconds a server may stay silent before it is taken for frozen (at most the store's time limit)
FIRST_BYTE = 60.0


class RemoteQuerySyntaxError(QuerySyntaxError, StoreError):
    """A SPARQL server answered 400: the text does not parse (or does not fit the endpoint).

    A :class:`QuerySyntaxError` carrying the server's message, and a :class:`StoreError` naming the
    server, as every other refusal of the remote store is.
    """

    def __init__(self, endpoint: str, what: str, message: str) -> None:
        super().__init__(f"{message} (the SPARQL server at {endpoint} refused the {what})")
        self.parser_message = message



class FrozenServerError(StoreError):
    """The SPARQL server took the connection, then sent nothing for ``seconds``: it is stuck, not slow.

    >>> str(FrozenServerError("http://127.0.0.1:7878/query", 30))
    'the SPARQL server at http://127.0.0.1:7878/query accepted the connection but answered nothing in 30 s'
    """

    def __init__(self, endpoint: str, seconds: float, *, started: bool = False) -> None:
        self.endpoint, self.seconds = endpoint, seconds
        said = "started its answer, then sent nothing more for" if started else "answered nothing in"
        super().__init__(f"the SPARQL server at {endpoint} accepted the connection but {said} {seconds:g} s")


class _ConnectionLostError(Exception):
    """The connection was refused, reset or dropped (its cause is the socket's error): worth another try."""


def _accepts(endpoint: str, seconds: float = 5.0) -> bool:
    """Whether the server's host takes a TCP connection within ``seconds``."""
    where = urlsplit(endpoint)
    port = where.port or (443 if where.scheme == "https" else 80)
    try:
        with socket.create_connection((where.hostname or "", port), timeout=seconds):
            return True
    except OSError:
        return False


class RemoteStore(Store):
    """A SPARQL 1.1 server. ``url`` is its query endpoint; the update endpoint is derived.

    Oxigraph's ``/query`` pairs with ``/update``; an endpoint named ``/sparql`` takes both.
    The server must use the union of its named graphs as the default graph (Oxigraph:
    ``--union-default-graph``; Fuseki: ``unionDefaultGraph``; Virtuoso does by default).
    """

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 300,
                 first_byte: float | None = None) -> None:
        self.url = url
        self.update_url = update_url or (url[: -len("/query")] + "/update" if url.endswith("/query") else url)
        #: seconds an answer may take, in all; past it the request is dropped with QueryTimeoutError
        self.timeout = timeout
        #: seconds the server may stay silent (before the answer starts, or between its parts); past them
        #: it is taken for frozen (:class:`FrozenServerError`), not slow. Silent for all of ``timeout``
        #: (``first_byte`` not shorter), it may be the query: QueryTimeoutError
        self.first_byte = first_byte if first_byte is not None else min(timeout, FIRST_BYTE)

    def with_timeout(self, seconds: float) -> RemoteStore:
        """The same server, with answers cut off after ``seconds``."""
        return RemoteStore(self.url, self.update_url, seconds)

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
        return StoreProfile(backend="remote", on_disk=False, read_only_open=False, bulk_write=False,
                            stops_queries="server", sees_outside_writes=True,
                            cue_index="file" if os.environ.get("KG_CUE_INDEX_DIR") else "memory")

    def cue_index_path(self) -> Path | None:
        """A file named after the server's URL in ``$KG_CUE_INDEX_DIR`` when that is set, else None
        (in memory): the index is built from the engine on first use, and kept by this object's writes."""
        folder = os.environ.get("KG_CUE_INDEX_DIR")
        if not folder:
            return None
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder) / f"cues-{hashlib.sha256(self.url.encode()).hexdigest()[:16]}.sqlite"

    def query_runner(self, timeout_s: float, workers: int = 2, memory_mb: int = 0) -> QueryRunner:
        """The server's own limit stops a query (``oxigraph serve --timeout-s``); our client stops waiting
        ``REMOTE_MARGIN`` seconds after ``timeout_s``. ``workers`` and ``memory_mb`` are not used: the
        server has its own."""
        return ServerRunner(self, self.with_timeout(timeout_s + REMOTE_MARGIN))

    def _wrapper(self, endpoint: str) -> Any:
        from SPARQLWrapper import SPARQLWrapper
        w = SPARQLWrapper(endpoint, agent="kg (https://w3id.org/evidence-kg)")
        w.setMethod("POST")
        w.setTimeout(math.ceil(self.first_byte))  # the socket's: connecting, and each read
        return w

    #: what Oxigraph's server writes into an answer it had started when its own time limit stops it
    _CANCELLED = b"The SPARQL operation has been cancelled"

    def _send(self, w: Any, endpoint: str, what: str) -> tuple[bytes, str]:
        """The body and Content-Type of the server's answer; StoreError naming ``endpoint`` if none.

        A connection refused, reset or dropped is tried again, :data:`TRIES` times in all with a doubling
        pause (kg's updates insert whole graphs or replace them, so sending one twice stores the same).
        Raises QueryTimeoutError past ``timeout`` seconds (a slow query), FrozenServerError when the
        server accepted the connection but sent nothing for ``first_byte`` seconds, shorter than
        ``timeout``, and StoreError "cannot reach" when no connection can be made.
        """
        for attempt in range(1, TRIES + 1):
            try:
                return self._send_once(w, endpoint, what)
            except _ConnectionLostError as e:
                if attempt == TRIES:
                    raise StoreError(f"cannot reach the SPARQL server at {endpoint}: {e.__cause__} "
                                     f"(tried {TRIES} times)") from e.__cause__
                log.warning("the SPARQL server at %s refused or dropped the %s (%s); trying again",
                            endpoint, what, e.__cause__)
                time.sleep(BACKOFF * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, w: Any, endpoint: str, what: str) -> tuple[bytes, str]:
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException
        deadline = time.monotonic() + self.timeout
        try:
            response = w.query().response
        except QueryBadFormed as e:
            raise RemoteQuerySyntaxError(endpoint, what, _server_message(e)) from e
        except SPARQLWrapperException as e:
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: {e}") from e
        except urllib.error.HTTPError as e:
            e.close()
            raise StoreError(f"the SPARQL server at {endpoint} refused the {what}: HTTP {e.code} {e.reason}") from e
        except (OSError, http.client.HTTPException) as e:
            cause = getattr(e, "reason", e)
            if isinstance(cause, TimeoutError):  # nothing came back: is anyone there?
                if not _accepts(endpoint):
                    raise StoreError(f"cannot reach the SPARQL server at {endpoint}: no connection within "
                                     f"{self.first_byte:g} s") from e
                if self.first_byte >= self.timeout:  # silent for the whole time limit: the query's, it may be
                    raise QueryTimeoutError(self.timeout) from e
                raise FrozenServerError(endpoint, self.first_byte) from e
            if isinstance(cause, (ConnectionError, http.client.HTTPException)):
                raise _ConnectionLostError from cause
            raise StoreError(f"cannot reach the SPARQL server at {endpoint}: {cause}") from e
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
                raise QueryTimeoutError(self.timeout) from e
            raise FrozenServerError(endpoint, self.first_byte, started=True) from e
        except (ConnectionError, http.client.HTTPException) as e:
            raise _ConnectionLostError from e

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
        """Run a CONSTRUCT or DESCRIBE query."""
        result = self._query(sparql, bindings or {})
        if not isinstance(result, QueryTriplesList):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def _update(self, sparql_update: str) -> None:
        """Send a SPARQL Update to the update endpoint."""
        self.generation += 1
        w = self._wrapper(self.update_url)
        # Any update type routes the request to the update endpoint; setQuery() could take an
        # update for a query (a prefix IRI ".../ask/" read as ASK).
        w.queryString, w.queryType = sparql_update, "INSERT"
        self._send(w, self.update_url, "update")

    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write every quad (N-Quads, TriG) or every triple outside the meta graph (Turtle, N-Triples)."""
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
