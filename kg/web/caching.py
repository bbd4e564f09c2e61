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

``/static/<fingerprint>/...`` serves ``kg/web/static`` with ``Cache-Control: public, max-age=31536000,
immutable``: the fingerprint is a hash of the files, so a changed asset has a new URL (pages name them
with :func:`static_url`). The plain ``/static/...`` URLs (the widget loader portals embed) are revalidated
on each use (``no-cache``; StaticFiles answers 304 to a matching ``ETag``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.answer_cache import AnswerCache
from kg.web.services import services

STATIC = Path(__file__).resolve().parent / "static"
#: Cache-Control of fingerprinted static assets
IMMUTABLE = "public, max-age=31536000, immutable"
#: paths whose GET answers are computed from the store, and those among them that are not (they write)
ANSWER_PREFIXES = ("/works/", "/api/", "/funders/", "/facilities/", "/embed/")
ANSWER_PATHS = frozenset({"/", "/search"})
NOT_ANSWERS = ("/api/trace",)


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
    return path in ANSWER_PATHS or path.startswith(ANSWER_PREFIXES)


#: the request headers that choose a representation (``Accept-Profile``: DCAT on /works/{id})
SELECTING = ("accept", "accept-profile")


def entity_tag(revision: str, scope: Scope, base: str) -> str:
    """The weak ETag of the answer a request asks for, at ``revision`` of the store."""
    headers = Headers(scope=scope)
    parts = [revision, scope["path"], scope.get("query_string", b"").decode("latin-1"),
             *(headers.get(name, "") for name in SELECTING), base]
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/static/") or path == "/favicon.ico":
            await self.app(scope, receive, self._revalidated(send))
            return
        if not is_answer(scope["method"], path):
            await self.app(scope, receive, send)
            return
        state = services(HTTPConnection(scope))
        cache = state.graph.cache
        revision = state.store.revision()
        base = "" if state.settings.base_url else f"{scope.get('scheme')}://{Headers(scope=scope).get('host', '')}"
        tag = entity_tag(revision, scope, base)
        control = f"public, max-age={self.max_age}, must-revalidate"
        if _matches(Headers(scope=scope).get("if-none-match"), tag):
            await send({"type": "http.response.start", "status": 304, "headers": [
                (b"etag", tag.encode()), (b"cache-control", control.encode()), (b"vary", b"Accept, Accept-Profile")]})
            await send({"type": "http.response.body", "body": b""})
            return
        key = ("http", tag)
        kept = cache.get(revision, key) if cache is not None else None
        if kept is not None:
            await self._replay(kept, scope["method"] == "HEAD", send)
            return
        await self.app(scope, receive, self._keeping(send, cache, revision, key, tag, control,
                                                     scope["method"] == "GET"))

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
