"""``/sparql`` (and ``/sparql/``): the SPARQL 1.1 Protocol endpoint, its service description and its
editor page; the graph store's routes (:mod:`kg.web.graph_store`) come with it.

Queries come by GET (``?query=``), POST form (``query=``) or POST ``application/sparql-query``;
updates by POST form (``update=``) or POST ``application/sparql-update``, with the update token (and
``using-graph-uri``, ``using-named-graph-uri``). Relative IRIs in either are read against the
endpoint's own URL (:mod:`kg.web.sparql_update`).
The answer's format is negotiated from ``Accept`` or named by ``format`` (``output``). Queries run
in the store's :class:`~kg.store.QueryRunner`, under the time limit, the row and byte caps
(docs/sparql.md says how, per backend), and at most ``client_query_limit`` at once per client
address (:mod:`kg.web.sparql_clients`).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import NamedNode, serialize
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from kg.errors import BadRequestError, NotAcceptableError, NotAllowedError, QuerySyntaxError
from kg.queries import analyst_queries
from kg.store import GRAPH_FORMATS, SOLUTION_FORMATS, QueryJob, QueryRunner, ResultFormat, Store
from kg.web import graph_store
from kg.web.caching import static_url
from kg.web.config import Settings
from kg.web.errors import error_response
from kg.web.services import services
from kg.web.sparql_clients import ClientQueries
from kg.web.sparql_description import GraphFigures, service_description
from kg.web.sparql_results import by_name, negotiate
from kg.web.sparql_update import base_message, with_base, with_using

__all__ = ["routes", "service_description"]

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"),
                                            autoescape=select_autoescape(default=True)))
TEMPLATES.env.globals["static_url"] = static_url
#: graphs a request may name in default-graph-uri and named-graph-uri together
MAX_GRAPHS = 100
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HTML = ResultFormat("html", "text/html", "page", ("application/xhtml+xml",))
#: threads waiting for a query worker's answer: they hold no interpreter time while they wait, so they
#: are not the request threads (``--threads``), which a few slow queries would otherwise all hold
QUERY_WAITERS = 64
_WAITERS: RunVar[CapacityLimiter] = RunVar("kg_sparql_waiters")


def _waiters() -> CapacityLimiter:
    try:
        return _WAITERS.get()
    except LookupError:
        limiter = CapacityLimiter(QUERY_WAITERS)
        _WAITERS.set(limiter)
        return limiter



def routes() -> list[BaseRoute]:
    # one count of running queries per app, shared with the graph store's reads
    clients = ClientQueries()
    answer = partial(endpoint, clients=clients, figures=GraphFigures())
    # /sparql/ answers as /sparql does, not by a redirect: some clients (the W3C tests) use it
    return [Route("/sparql", answer, methods=["GET", "POST"]), Route("/sparql/", answer, methods=["GET", "POST"]),
            *graph_store.routes(clients),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static")]


def endpoint_iri(request: Request, settings: Settings) -> str:
    """The endpoint's own IRI: the base IRI of relative IRIs in queries and updates, and the service's name."""
    return (settings.base_url + request.url.path) if settings.base_url else str(request.url.replace(query=""))


def _services(request: Request) -> tuple[Store, Settings, QueryRunner]:
    state = services(request)
    if state.runner is None:  # pragma: no cover - only outside the app's lifespan
        raise RuntimeError("the query runner is not running")
    return state.store, state.settings, state.runner


async def _parameters(request: Request) -> tuple[list[tuple[str, str]], str | None, str | None]:
    """The request's parameters, and the query or update sent as the whole POST body."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params, None, None
    body = await request.body()  # at most kg.web.app.MAX_BODY bytes: the app refuses more with 413
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("body", "must be UTF-8 text") from None
    if media == "application/x-www-form-urlencoded" or (not body and not media):
        return params + parse_qsl(text, keep_blank_values=True), None, None
    if media == "application/sparql-query":
        return params, text, None
    if media == "application/sparql-update":
        return params, None, text
    raise BadRequestError("Content-Type", "must be application/x-www-form-urlencoded, application/sparql-query "
                          "or application/sparql-update", media or "(none)")


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadRequestError(name, "must be given once", f"{len(values)} times")
    return values[0] if values else None


def _graphs(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    graphs = tuple(v for k, v in params if k == name)
    for graph in graphs:
        try:
            if not _SCHEME.match(graph):
                raise ValueError("no scheme")
            NamedNode(graph)
        except ValueError:
            raise BadRequestError(name, "must be an absolute IRI", graph) from None
    return graphs


async def endpoint(request: Request, clients: ClientQueries, figures: GraphFigures) -> Response:
    """GET or POST a query (or POST an update); GET alone: the editor page or the service description."""
    store, settings, runner = _services(request)
    params, body_query, body_update = await _parameters(request)
    query = body_query if body_query is not None else _one(params, "query")
    update = body_update if body_update is not None else _one(params, "update")
    if query is not None and update is not None:
        raise BadRequestError("update", "cannot come with a query in the same request")
    if update is not None:
        if request.method != "POST":
            raise BadRequestError("update", "must be sent by POST (SPARQL 1.1 Protocol)")
        return await _update(request, settings, runner, update, params)
    if query is None:
        if request.method == "POST":
            raise BadRequestError("query", "is missing: POST a query (query=...) or an update (update=...)")
        return await _describe(request, settings, runner, figures)
    if not settings.allow_federation and uses_service(query):
        raise BadRequestError("query", "uses SERVICE (a federated query), which this endpoint does not run: it "
                              "would make the service call other hosts. Query the other endpoint yourself, or ask "
                              "an operator to start kg serve with --allow-federation")
    job = _job(request, settings, query, params)
    client = request.client.host if request.client is not None else ""
    with clients.admitted(client, settings.client_query_limit):
        try:
            answer = await anyio.to_thread.run_sync(runner.run, job, limiter=_waiters())
        except QuerySyntaxError as e:
            raise base_message(e) from None
    headers = {"Content-Type": answer.content_type, "Vary": "Accept"}
    if answer.truncated:
        headers |= {"KG-Truncated": "true", "KG-Result-Limit": str(settings.max_rows)}
    if answer.byte_limit is not None:
        headers["KG-Byte-Limit"] = str(answer.byte_limit)
    return Response(answer.body, headers=headers)


#: what may hide a keyword: long and short strings, IRIs, comments
_NOT_KEYWORDS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                           r'|<[^<>"{}|^`\\\s]*>|#[^\r\n]*')  # a comment ends at CR or LF
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def uses_service(query: str) -> bool:
    """Whether a query has a SERVICE clause (outside strings, IRIs and comments; ``\\u`` escapes, which
    SPARQL decodes before parsing, decoded first).

    >>> uses_service("SELECT * { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" ; <http://x/SERVICE> ?service } # SERVICE')
    False
    >>> uses_service(r"SELECT * { \\u0053ERVICE <http://10.0.0.1/> { ?s ?p ?o } }")
    True
    """
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    return _SERVICE.search(_NOT_KEYWORDS.sub(" ", decoded)) is not None


def _job(request: Request, settings: Settings, query: str, params: list[tuple[str, str]]) -> QueryJob:
    """The query with the formats the request asks for (406 here when no answer could fit)."""
    # SPARQLWrapper repeats its choice in format and output, some as a name and a media type
    names = [v for k, v in params if k in ("format", "output") and v]
    accept = request.headers.get("accept")
    if names:
        known = [n for n in names if by_name(n, SOLUTION_FORMATS) or by_name(n, GRAPH_FORMATS)]
        if not known:
            choices = sorted({n for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS) for n in f.names})
            raise BadRequestError("format", f"must be one of {', '.join(choices)} or a media type", names[0])
        solutions, graph = by_name(known[0], SOLUTION_FORMATS), by_name(known[0], GRAPH_FORMATS)
        asked = f"format={known[0]}"
    else:
        solutions, graph = negotiate(accept, SOLUTION_FORMATS), negotiate(accept, GRAPH_FORMATS)
        asked = f"Accept: {accept}"
        if solutions is None and graph is None:
            raise NotAcceptableError(asked, [f.media_type for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)])
    default_graphs = _graphs(params, "default-graph-uri")
    named_graphs = _graphs(params, "named-graph-uri")
    if len(default_graphs) + len(named_graphs) > MAX_GRAPHS:
        raise BadRequestError("named-graph-uri", f"with default-graph-uri may name at most {MAX_GRAPHS} graphs",
                              len(default_graphs) + len(named_graphs))
    return QueryJob(with_base(query, endpoint_iri(request, settings)), solutions.key if solutions else None,
                    graph.key if graph else None, asked[:200],
                    default_graphs, named_graphs, settings.max_rows, settings.query_timeout,
                    settings.max_answer_bytes)


async def _update(request: Request, settings: Settings, runner: QueryRunner, update: str,
                  params: list[tuple[str, str]]) -> Response:
    if runner.refusal is not None:  # a read-only replica: say where writes go
        raise runner.refusal
    if settings.update_token is None:
        return error_response(403, "NotAllowedError", "this service is read-only: it accepts no SPARQL Update "
                              "(an operator can enable updates with an update token)")
    if not settings.authorizes(request.headers.get("authorization")):
        raise NotAllowedError("SPARQL Update needs the header 'Authorization: Bearer <token>' with the "
                              "service's update token")
    using, using_named = _graphs(params, "using-graph-uri"), _graphs(params, "using-named-graph-uri")
    if len(using) + len(using_named) > MAX_GRAPHS:
        raise BadRequestError("using-named-graph-uri", f"with using-graph-uri may name at most {MAX_GRAPHS} graphs",
                              len(using) + len(using_named))
    text = with_base(with_using(update, using, using_named), endpoint_iri(request, settings))
    try:
        await run_in_threadpool(runner.update, text)
    except QuerySyntaxError as e:
        raise base_message(e) from None
    return Response(status_code=204)


async def _describe(request: Request, settings: Settings, runner: QueryRunner, figures: GraphFigures) -> Response:
    """The editor page for a browser, else the SPARQL 1.1 Service Description (Turtle first)."""
    accept = request.headers.get("accept")
    fmt = negotiate(accept, (GRAPH_FORMATS[0], _HTML, *GRAPH_FORMATS[1:]))
    if fmt is None:
        raise NotAcceptableError(f"Accept: {accept}", ["text/html", *(f.media_type for f in GRAPH_FORMATS)])
    iri = endpoint_iri(request, settings)
    if fmt is _HTML:
        return TEMPLATES.TemplateResponse(request, "sparql.html", {
            "endpoint": iri, "examples": analyst_queries(), "max_rows": settings.max_rows,
            "graph_store": graph_store.store_url(request, settings),
            "timeout": settings.query_timeout, "writable": settings.update_token is not None},
            headers={"Vary": "Accept"})
    graphs = await run_in_threadpool(figures.read, runner, settings.query_timeout)
    described = service_description(iri, settings.update_token is not None, settings.allow_federation, graphs,
                                    graph_store.store_url(request, settings))
    body = serialize(described, format=fmt.rdf_format)
    return Response(body, headers={"Content-Type": fmt.content_type, "Vary": "Accept"})
