"""The app factory: one Starlette app over one store, its routes contributed by the modules of kg.web.

The factory builds the :class:`~kg.web.services.Services` (the store, the settings, the Python API
over the store, the /sparql runner); every route reads them through :func:`kg.web.services.services`,
so no route module imports this one.

>>> from starlette.testclient import TestClient
>>> from kg.store import Store
>>> with TestClient(create_app(Store.open(None))) as client:
...     client.get("/healthz").json()["status"]
'ok'
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import ConfigError, KgError
from kg.store import Store, one_view
from kg.tracing.cues import cue_index
from kg.web import api, caching, graphql, pages, protocol, sparql, tracing, works
from kg.web.asof import HEADER, GraphAsOf
from kg.web.caching import HttpCaching
from kg.web.config import Settings
from kg.web.errors import error_response, http_error, kg_error, server_error
from kg.web.health import HealthProcess, healthz, watch_store
from kg.web.security import SecurityHeaders
from kg.web.services import Services
from kg.web.syncloop import ServiceSync

log = logging.getLogger(__name__)
#: bytes of request body an endpoint reads at most, unless its path has a larger limit
MAX_BODY = 1 << 20
#: seconds a request body may take to arrive, from its first read; a client dripping it slower is
#: answered 408 and dropped (issue 13, finding 8)
BODY_DEADLINE = 30.0


#: the environment variable through which ``kg serve`` hands the store and its options to
#: :func:`served_app` (a JSON object: ``store`` and the :class:`Settings` fields), so that the CLI
#: names the app by its import string and never imports the web
SERVE_ENV = "KG_SERVE"


def served_app() -> Starlette:
    """The app ``kg serve`` runs (``uvicorn kg.web.app:served_app --factory``): the store and settings
    read from :data:`SERVE_ENV`. The app owns that store and closes it when it stops. With ``read_only``
    true in it (``kg serve --read-only``, or each worker of ``kg serve --workers N`` over an embedded
    store) the store is opened read-only: a replica, following the writer's revisions, refusing writes.

    :raises ConfigError: the variable is missing or not a JSON object naming the store and settings
    """
    try:
        spec = json.loads(os.environ[SERVE_ENV])
        location = spec.pop("store")
        read_only = bool(spec.pop("read_only", False))
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()}
        settings = Settings(**fields)
    except (KeyError, ValueError, TypeError, AttributeError) as e:
        raise ConfigError(SERVE_ENV, f"must be a JSON object with the store's location and the service's "
                                     f"settings, as kg serve writes it ({e})") from None
    protocol.HEADERS_DEADLINE = settings.headers_deadline  # the deadline of the connections it serves
    store = Store.open_read_only(location) if read_only else Store.open(location)
    return create_app(store, settings, owns_store=True)


def create_app(store: Store, settings: Settings | None = None, *, owns_store: bool = False) -> Starlette:
    """The service over ``store``. The store stays the caller's (the app never closes it) unless
    ``owns_store``: then the app closes it when it stops."""
    settings = settings or Settings()
    state = Services(store, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store.open_now()  # an embedded store's lock keeps other writers out while it is served
        # requests queue for a few threads instead of thrashing 40 (anyio's default) against the event loop
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        # neither waits on the store, so a frozen one never holds the start: the watch's first check and a
        # remote store's first revision mark are read in threads of their own
        threading.Thread(target=store.revision, name="kg-store-revision", daemon=True).start()
        state.watch = watch_store(store)
        state.watch.start()
        listener = HealthProcess(settings.health_host, settings.health_port, state) if settings.health_port else None
        if listener is not None:
            listener.start()
        state.runner = store.query_runner(timeout_s=settings.query_timeout, workers=settings.query_workers,
                                          memory_mb=settings.query_memory_mb)
        # the cue index is on disk and queried: opening it is instant; a store without one (made before
        # it existed, or changed by a SPARQL Update) has it built here, beside the start, once
        threading.Thread(target=_warm_cue_index, args=(store,), name="kg-cue-index", daemon=True).start()
        syncing = ServiceSync(store, settings, state.runner) if settings.sync_every else None
        if syncing is not None:  # kg serve --sync-every: the sync loop writes through the runner's write access
            syncing.start()
        try:
            yield
        finally:
            if syncing is not None:
                syncing.stop()
            if state.watch is not None:
                state.watch.stop()
            if listener is not None:
                listener.stop()
            state.runner.close()
            state.runner = None
            if owns_store:
                store.close()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET", "HEAD"]), *caching.routes()]
    routes += sparql.routes() + graphql.routes() + works.routes() + api.routes() + pages.routes() + tracing.routes()
    middleware = [Middleware(SecurityHeaders), Middleware(GraphAsOf, store=store),
                  Middleware(BodyLimit, deadline=settings.body_deadline, default=MAX_BODY,
                             larger={"/trace": tracing.MAX_BODY, "/api/trace": tracing.MAX_BODY})]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                                     allow_headers=["Accept", "Content-Type", "Authorization"],
                                     expose_headers=["KG-Truncated", "KG-Result-Limit", "KG-Byte-Limit",
                                                     "Location", HEADER]))
    middleware += [Middleware(HttpCaching, max_age=settings.cache_max_age), Middleware(OneView)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={KgError: kg_error, HTTPException: http_error, Exception: server_error})
    app.state.services = state
    return app


class OneView:
    """Each HTTP request is one view of the store (:func:`kg.store.one_view`): a question its parts ask alike
    (the node an identifier names, whether the metrics summary is complete, a resolver's batch asked again)
    is asked once. The view follows the request into the threads its store calls run in; a write through
    the store within the request makes what is asked after it asked afresh."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with one_view():
            await self.app(scope, receive, send)


class _TooLargeError(Exception):
    pass


class _TooSlowError(Exception):
    pass


class BodyLimit:
    """Refuses a request body over the limit of its path with 413, before it is read whole: by its
    declared Content-Length, or, for a chunked body, as soon as the bytes received pass the limit.
    A body still arriving ``deadline`` seconds after the app first asked for it is answered 408."""

    def __init__(self, app: ASGIApp, default: int, larger: dict[str, int], deadline: float = BODY_DEADLINE) -> None:
        self.app, self.default, self.larger, self.deadline = app, default, larger, deadline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.default)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if b"transfer-encoding" not in headers and declared in (b"", b"0"):  # no body (HTTP/1.1): nothing to watch
            await self.app(scope, receive, send)
            return
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        received = 0
        started = False
        ends: float | None = None
        complete = False

        async def counted() -> Message:
            nonlocal received, ends, complete
            if complete:  # the body is in: what is left to wait for is the client leaving
                return await receive()
            loop = asyncio.get_running_loop()
            ends = ends if ends is not None else loop.time() + self.deadline
            try:
                message = await asyncio.wait_for(receive(), max(0.0, ends - loop.time()))
            except TimeoutError:
                raise _TooSlowError from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            received += len(message.get("body", b""))
            if received > limit:
                raise _TooLargeError
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLargeError:
            if started:
                raise
            await self._refuse(limit, scope, receive, send)
        except _TooSlowError:
            if started:
                raise
            response = error_response(408, "RequestTimeoutError", f"the request body did not arrive within "
                                      f"{self.deadline:g} s; send it at once",
                                      {"Connection": "close"})
            await response(scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "PayloadTooLargeError", f"the request body is over the limit of "
                                  f"{limit:,} bytes for {scope['path']}")
        await response(scope, receive, send)


def _warm_cue_index(store: Store) -> None:
    try:
        cue_index(store)
    except KgError as e:  # the store may not answer yet; the first trace will build it then
        log.warning("could not build the cue index at start-up: %s", e)
