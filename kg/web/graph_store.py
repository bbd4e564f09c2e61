"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol. Whole graphs read (GET, HEAD: for everyone, in
every RDF format by ``Accept``) and written (PUT replaces, POST adds, DELETE drops: only with the update
token, as SPARQL Update).

A graph is named indirectly (``/store?graph=IRI``; ``/store?default`` for the store's own default
graph) or directly (``/store/a/b``: the graph whose IRI is that URL). POST to ``/store`` itself makes a
new graph and answers 201 with its IRI in ``Location``. Reads run as queries in the store's
:class:`~kg.store.QueryRunner` under the /sparql limits (time, rows, bytes: a graph past them is
truncated and says so, as /sparql answers do); writes go through the runner's write path
(:meth:`~kg.store.QueryRunner.write_graph`), which stops the query workers while it writes, as an
update does. A graph exists while it holds a triple: GET, HEAD and DELETE of one that holds none are 404.
"""

from __future__ import annotations

import email.parser
import email.policy
import uuid
from collections.abc import Callable
from urllib.parse import quote

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, parse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kg.errors import BadRequestError, NotAcceptableError, NotAllowedError
from kg.store import GRAPH_FORMATS, QueryJob, QueryRunner
from kg.store.graphs import DEFAULT_GRAPH, exists_query
from kg.web.config import Settings
from kg.web.errors import error_response
from kg.web.services import services
from kg.web.sparql_clients import ClientQueries
from kg.web.sparql_results import negotiate

__all__ = ["INPUT_FORMATS", "PATH", "routes"]

#: where the graph store is served
PATH = "/store"
#: the media types a graph may be sent in, and how pyoxigraph reads each (a TriG or N-Quads document may
#: hold triples of its default graph only)
INPUT_FORMATS: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE, "application/x-turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES, "text/plain": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML, "application/ld+json": RdfFormat.JSON_LD,
    "text/n3": RdfFormat.N3, "application/trig": RdfFormat.TRIG, "application/n-quads": RdfFormat.N_QUADS,
}
_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
#: characters a graph IRI's path keeps as they are (RFC 3986 pchar and '/'); the rest is percent-encoded
_IRI_SAFE = "/!$&'()*+,;=:@~"


def routes(clients: ClientQueries) -> list[BaseRoute]:
    async def indirect(request: Request) -> Response:
        return await _graph_request(request, clients, direct=False)

    async def direct(request: Request) -> Response:
        return await _graph_request(request, clients, direct=True)

    return [Route(PATH, indirect, methods=_METHODS), Route(PATH + "/{path:path}", direct, methods=_METHODS)]


def store_url(request: Request, settings: Settings) -> str:
    """The graph store's own URL: under the public base URL when one is set."""
    return (settings.base_url or str(request.base_url).rstrip("/")) + PATH


class _Target:
    """The graph a request names: ``graph`` None for the default graph; ``new`` for POST to the store."""

    def __init__(self, graph: NamedNode | None, new: bool = False) -> None:
        self.graph, self.new = graph, new

    @property
    def label(self) -> str:
        return "the default graph" if self.graph is None else f"graph {self.graph.value}"


def _target(request: Request, settings: Settings, direct: bool) -> _Target:
    if direct:  # the path as the client wrote it, percent-encoded where an IRI cannot hold a character
        path = quote(request.path_params["path"], safe=_IRI_SAFE)
        return _Target(NamedNode(f"{store_url(request, settings)}/{path}"))
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise BadRequestError("graph", "cannot come with default: name one graph")
    if len(graphs) > 1:
        raise BadRequestError("graph", "must be given once", f"{len(graphs)} times")
    if "default" in params:
        return _Target(None)
    if not graphs:
        if request.method == "POST":
            return _Target(NamedNode(f"{store_url(request, settings)}/{uuid.uuid4().hex}"), new=True)
        raise BadRequestError("graph", "is missing: name a graph (?graph=IRI) or the default graph (?default)")
    try:
        graph = NamedNode(graphs[0])
    except ValueError:
        raise BadRequestError("graph", "must be an absolute IRI", graphs[0]) from None
    if ":" not in graphs[0].split("/")[0]:
        raise BadRequestError("graph", "must be an absolute IRI", graphs[0])
    return _Target(graph)


async def _graph_request(request: Request, clients: ClientQueries, direct: bool) -> Response:
    state = services(request)
    if state.runner is None:  # pragma: no cover - only outside the app's lifespan
        raise RuntimeError("the query runner is not running")
    target = _target(request, state.settings, direct)
    if request.method in ("GET", "HEAD"):
        if target.graph is None and state.store.profile.backend == "remote":
            return error_response(501, "NotSupportedError", "this service reads a SPARQL server, which cannot be "
                                  "asked for its own default graph alone over the SPARQL 1.1 Protocol; read a named "
                                  "graph (?graph=IRI), or query /sparql")
        return await _read(request, clients, target, state.settings, state.runner)
    if state.runner.refusal is not None:  # a read-only replica: say where writes go
        raise state.runner.refusal
    if state.settings.update_token is None:
        return error_response(403, "NotAllowedError", "this service is read-only: it accepts no writes to the "
                              "graph store (an operator can enable them with an update token)")
    if not state.settings.authorizes(request.headers.get("authorization")):
        raise NotAllowedError("writing to the graph store needs the header 'Authorization: Bearer <token>' with "
                              "the service's update token")
    runner = state.runner
    if request.method == "DELETE":
        if not await run_in_threadpool(runner.drop_graph, target.graph):
            return _missing(target)
        return Response(status_code=204)
    triples = await _triples(request, target)
    if isinstance(triples, Response):
        return triples
    created = await run_in_threadpool(lambda: runner.write_graph(target.graph, triples,
                                                                 replace=request.method == "PUT"))
    if target.new:
        return Response(status_code=201, headers={"Location": target.graph.value if target.graph else ""})
    return Response(status_code=201 if created else 204)


def _missing(target: _Target) -> Response:
    return error_response(404, "NotFoundError", f"the graph store holds no {target.label}")


async def _read(request: Request, clients: ClientQueries, target: _Target, settings: Settings,
                runner: QueryRunner) -> Response:
    accept = request.headers.get("accept")
    fmt = negotiate(accept, GRAPH_FORMATS)
    if fmt is None:
        raise NotAcceptableError(f"Accept: {accept}", [f.media_type for f in GRAPH_FORMATS])
    client = request.client.host if request.client is not None else ""
    with clients.admitted(client, settings.client_query_limit):
        if target.graph is not None:
            found = await run_in_threadpool(runner.run, QueryJob(exists_query(target.graph), "json", None, "",
                                                                 timeout=settings.query_timeout))
            if b"true" not in found.body:
                return _missing(target)
            job = QueryJob(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {target.graph} {{ ?s ?p ?o }} }}", None,
                           fmt.key, f"Accept: {accept}", (), (), settings.max_rows, settings.query_timeout,
                           settings.max_answer_bytes)
        else:
            job = QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", None, fmt.key, f"Accept: {accept}", (DEFAULT_GRAPH,),
                           (), settings.max_rows, settings.query_timeout, settings.max_answer_bytes)
        answer = await run_in_threadpool(runner.run, job)
    headers = {"Content-Type": answer.content_type, "Vary": "Accept"}
    if answer.truncated:
        headers |= {"KG-Truncated": "true", "KG-Result-Limit": str(settings.max_rows)}
    return Response(answer.body, headers=headers)


async def _triples(request: Request, target: _Target) -> list[Triple] | Response:
    """The triples of the request's body, or the 415 or 400 answer saying why there are none."""
    body = await request.body()  # at most kg.web.app.MAX_BODY bytes: the app refuses more with 413
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    base = target.graph.value if target.graph is not None else str(request.url.replace(query=""))
    if media == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        triples: list[Triple] = []
        for part in message.iter_parts():
            read = _reader(part.get_content_type())
            if read is None:
                return _unsupported(part.get_content_type())
            triples += read(part.get_payload(decode=True) or b"", base)  # type: ignore[arg-type]
        return triples
    read = _reader(media)
    if read is None:
        return _unsupported(media or "(none)")
    return read(body, base)


def _reader(media: str) -> Callable[[bytes, str], list[Triple]] | None:
    rdf_format = INPUT_FORMATS.get(media)
    if rdf_format is None:
        return None

    def read(body: bytes, base: str) -> list[Triple]:
        try:
            quads = list(parse(body, format=rdf_format, base_iri=base))
        except SyntaxError as e:
            raise BadRequestError("body", f"is not valid {media}: {e}") from None
        if any(not isinstance(q.graph_name, DefaultGraph) for q in quads):
            raise BadRequestError("body", f"names graphs of its own ({media}); send the triples of one graph")
        return [q.triple for q in quads]
    return read


def _unsupported(media: str) -> Response:
    return error_response(415, "UnsupportedMediaTypeError", f"a graph cannot be read from {media}; send one of "
                          f"{', '.join(sorted({*INPUT_FORMATS, 'multipart/form-data'}))}")
