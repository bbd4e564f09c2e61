"""HTTP caching: answers kept per store revision, ``ETag`` / ``If-None-Match`` -> 304, ``Cache-Control``,
and static assets under a fingerprinted path, cached for a year.

:class:`HttpCaching` wraps the whole app (no route knows of it). A ``GET`` or ``HEAD`` of an answer
computed from the store (:func:`is_answer`: ``/works/{id}`` in every format, ``/api/...`` but traces,
the pages) gets an ``ETag`` made of the store's revision (:meth:`kg.store.Store.revision`, which changes
with every write) and of what selects the representation (path, query, ``Accept``, ``Accept-Profile``, and
the host when no ``--base-url`` is set). A request whose ``If-None-Match`` holds it is answered 304 with no body and no
store work; else a 200 rendered at this revision is replayed from the :class:`~kg.answer_cache.AnswerCache`
(on the event loop, no worker thread), or computed and kept. Answers say ``Cache-Control: public,
max-age=N, must-revalidate`` (``--cache-max-age``): a browser or proxy may reuse one for N seconds, then
asks again with the ETag.

Queries are answers too: ``/sparql`` (GET, and POST of a query: by form or ``application/sparql-query``)
and ``/graphql`` (GET and POST of a query operation) are kept the same way, keyed by the normalised request
(:func:`posted_read`: a SPARQL body as sent, a GraphQL document with its variables and operation name re-
written as sorted JSON), and carry the same ``ETag``. Never kept: a SPARQL Update, a GraphQL mutation, a
GraphQL answer with errors, and any of them sent with an ``Authorization`` header.

``/static/<fingerprint>/...`` serves ``kg/web/static`` with ``Cache-Control: public, max-age=31536000,
immutable``: the fingerprint is a hash of the files, so a changed asset has a new URL (pages name them
with :func:`static_url`). The plain ``/static/...`` URLs (the widget loader portals embed) are revalidated
on each use (``no-cache``; StaticFiles answers 304 to a matching ``ETag``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from kg.answer_cache import AnswerCache
from kg.web.services import Services, services

STATIC = Path(__file__).resolve().parent / "static"
#: Cache-Control of fingerprinted static assets
IMMUTABLE = "public, max-age=31536000, immutable"
#: paths whose GET answers are computed from the store, and those among them that are not (they write)
ANSWER_PREFIXES = ("/works/", "/api/", "/funders/", "/facilities/", "/embed/")
ANSWER_PATHS = frozenset({"/", "/search"})
NOT_ANSWERS = ("/api/trace",)
#: the query endpoints: their reads are kept (GET, and a POSTed query), their writes never
SPARQL_PATHS = frozenset({"/sparql", "/sparql/"})
GRAPHQL_PATH = "/graphql"
#: whether a kept answer may be replayed: a function of its body (GraphQL: no errors in it)
Keepable = Callable[[bytes], bool]


def _fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


#: the version in the path of the static assets: a hash of their names and contents
STATIC_VERSION = _fingerprint(STATIC)


def static_url(name: str) -> str:
    """The URL of a static asset that may be cached for a year (its path changes when any asset does).

    >>> static_url("kg.css") == f"/static/{STATIC_VERSION}/kg.css"
    True
    """
    return f"/static/{STATIC_VERSION}/{name}"


class _Immutable:
    """Static files that never change at their URL: cached for a year."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["Cache-Control"] = IMMUTABLE
            await send(message)

        await self.app(scope, receive, cached)


def routes() -> list[BaseRoute]:
    """The fingerprinted static assets (before the plain ``/static`` mount, which would take them)."""
    return [Mount(f"/static/{STATIC_VERSION}", app=_Immutable(StaticFiles(directory=STATIC)))]


def is_answer(method: str, path: str) -> bool:
    """Whether a request asks for an answer computed from the store alone (so cacheable per revision).

    >>> is_answer("GET", "/works/10.1/x"), is_answer("GET", "/api/trace"), is_answer("POST", "/api/related")
    (True, False, False)
    """
    if method not in ("GET", "HEAD") or path.startswith(NOT_ANSWERS):
        return False
    return path in ANSWER_PATHS or path.startswith(ANSWER_PREFIXES) or path in SPARQL_PATHS or path == GRAPHQL_PATH


def posted_read(path: str, content_type: str, body: bytes) -> str | None:
    """The normalised text of a POSTed query to ``/sparql`` or ``/graphql`` (what its answer is kept by), or
    None when the request is not a read that may be kept (an update, a mutation is told later, by its
    answer: :func:`graphql_keepable`), or not one the endpoint reads.

    >>> posted_read("/sparql", "application/sparql-query", b"ASK {}"), posted_read("/sparql", "", b"update=x")
    ('q:ASK {}', None)
    >>> posted_read("/graphql", "application/json", b'{"variables": {}, "query": "{ a }"}')
    'g:{"operationName": null, "query": "{ a }", "variables": {}}'
    """
    media = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path in SPARQL_PATHS:
        if media == "application/sparql-query":
            return "q:" + text
        if media == "application/x-www-form-urlencoded" or not media:
            fields = parse_qsl(text, keep_blank_values=True)
            return None if any(k == "update" for k, _ in fields) else "f:" + text
        return None
    if path == GRAPHQL_PATH and media == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            return None
        return "g:" + json.dumps({k: data.get(k) for k in ("query", "variables", "operationName")}, sort_keys=True)
    return None


def graphql_keepable(document: str, operation: str | None) -> Keepable:
    """Whether the answer to a GraphQL request may be kept: its operation is a query, and the answer has no
    errors (a store that failed, a limit: the next request is computed again).

    >>> graphql_keepable("{ work { doi } }", None)(b'{"data": {"work": null}}')
    True
    >>> graphql_keepable("mutation { traceClaim(text: \\"x\\") { stored } }", None)(b'{"data": {}}')
    False
    """
    def keepable(body: bytes) -> bool:
        try:
            answer = json.loads(body)
            if not isinstance(answer, dict) or "errors" in answer:
                return False
            # a document answered without errors passed the limits (kg.web.graphql): parsing it again is cheap
            operation_ast = get_operation_ast(parse(document), operation)
        except (ValueError, GraphQLError):
            return False
        return operation_ast is not None and operation_ast.operation is OperationType.QUERY
    return keepable


def _query_keepable(scope: Scope) -> Keepable | None:
    """For a GET of /graphql: what tells whether its answer may be kept (None for other paths)."""
    if scope["path"] != GRAPHQL_PATH:
        return None
    params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if "query" not in params:  # GraphiQL's page
        return lambda body: True
    return graphql_keepable(params["query"], params.get("operationName"))


#: the request headers that choose a representation (``Accept-Profile``: DCAT on /works/{id})
SELECTING = ("accept", "accept-profile")


def entity_tag(revision: str, scope: Scope, base: str, posted: str = "", headers: Headers | None = None) -> str:
    """The weak ETag of the answer a request asks for (``posted``: the normalised query it POSTed), at
    ``revision`` of the store (``headers``: the request's, when already read)."""
    headers = headers if headers is not None else Headers(scope=scope)
    parts = [revision, scope["path"], scope.get("query_string", b"").decode("latin-1"),
             *(headers.get(name, "") for name in SELECTING), base, posted]
    return 'W/"' + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, tag: str) -> bool:
    if not if_none_match:
        return False
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


class HttpCaching:
    """The ASGI middleware: see the module's description. ``max_age`` is the answers' ``max-age``."""

    def __init__(self, app: ASGIApp, max_age: int = 10) -> None:
        self.app, self.max_age = app, max_age
        self.control = f"public, max-age={max_age}, must-revalidate"
        self._state: Services | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if path.startswith("/static/") or path == "/favicon.ico":
            await self.app(scope, receive, self._revalidated(send))
            return
        queries = path in SPARQL_PATHS or path == GRAPHQL_PATH
        headers = Headers(scope=scope)
        if queries and "authorization" in headers:  # a token may write: never kept
            await self.app(scope, receive, send)
            return
        posted, keepable = "", None
        if queries and method == "POST":
            body = await _body(receive)
            receive = _replayed(body, receive)
            found = posted_read(path, headers.get("content-type", ""), body)
            if found is None:
                await self.app(scope, receive, send)
                return
            posted = found
            if path == GRAPHQL_PATH:
                asked = json.loads(found[2:])
                name = asked["operationName"]
                keepable = graphql_keepable(asked["query"], name if isinstance(name, str) else None)
        elif is_answer(method, path):
            keepable = _query_keepable(scope)
        else:
            await self.app(scope, receive, send)
            return
        state = self._state = self._state or services(HTTPConnection(scope))  # the app's, read once
        cache = state.graph.cache
        revision = state.store.revision()
        base = "" if state.settings.base_url else f"{scope.get('scheme')}://{headers.get('host', '')}"
        tag = entity_tag(revision, scope, base, posted, headers)
        control = self.control
        if _matches(headers.get("if-none-match"), tag):
            await send({"type": "http.response.start", "status": 304, "headers": [
                (b"etag", tag.encode()), (b"cache-control", control.encode()), (b"vary", b"Accept, Accept-Profile")]})
            await send({"type": "http.response.body", "body": b""})
            return
        key = ("http", tag)
        kept = cache.get(revision, key) if cache is not None else None
        if kept is not None:
            await self._replay(kept, method == "HEAD", send)
            return
        keep = method != "HEAD"
        answering = (self._keeping(send, cache, revision, key, tag, control, keep) if keepable is None
                     else _checked(send, cache, revision, key, tag, control, keepable))
        await self.app(scope, receive, answering)

    @staticmethod
    def _revalidated(send: Send) -> Send:
        async def revalidated(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("Cache-Control", "no-cache")
            await send(message)
        return revalidated

    @staticmethod
    async def _replay(kept: tuple[list[tuple[bytes, bytes]], bytes], head: bool, send: Send) -> None:
        headers, body = kept
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})

    @staticmethod
    def _keeping(send: Send, cache: AnswerCache | None, revision: str, key: tuple[str, str], tag: str,
                 control: str, keep: bool) -> Send:
        """``send``, adding the ETag and Cache-Control to a 200, and keeping a whole 200 answer in ``cache``."""
        headers: list[tuple[bytes, bytes]] | None = None
        chunks: list[bytes] = []
        size = 0
        limit = cache.max_entry_bytes if cache is not None else 0

        async def keeping(message: Message) -> None:
            nonlocal headers, size
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    found = MutableHeaders(scope=message)
                    found["ETag"] = tag
                    found.setdefault("Cache-Control", control)
                    headers = list(message["headers"]) if keep and cache is not None else None
            elif message["type"] == "http.response.body" and headers is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > limit:
                    headers = None
                    chunks.clear()
                else:
                    chunks.append(body)
                    if not message.get("more_body", False):
                        whole = b"".join(chunks)
                        cache.put(revision, key, (headers, whole), len(whole) + 64 * (len(headers) + 1))  # type: ignore[union-attr]
            await send(message)
        return keeping


async def _body(receive: Receive) -> bytes:
    """The whole request body (its size bounded by :class:`kg.web.app.BodyLimit`, outside)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app, with the body already read given again first."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}
    return replayed


def _checked(send: Send, cache: AnswerCache | None, revision: str, key: tuple[str, str], tag: str, control: str,
             keepable: Keepable) -> Send:
    """``send`` for an answer told keepable by its body (GraphQL): held whole, then sent with the ETag and kept
    when it is a 200 that ``keepable`` accepts, sent as it is otherwise."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def checking(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        whole = b"".join(chunks)
        if start["status"] == 200 and keepable(whole):
            found = MutableHeaders(scope=start)
            found["ETag"] = tag
            found.setdefault("Cache-Control", control)
            headers = list(start["headers"])
            if cache is not None and len(whole) <= cache.max_entry_bytes:
                cache.put(revision, key, (headers, whole), len(whole) + 64 * (len(headers) + 1))
        await send(start)
        await send({"type": "http.response.body", "body": whole})
    return checking
