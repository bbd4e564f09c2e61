"""The app factory: one Starlette app over one store, its routes contributed by the modules of kg.web.

>>> from starlette.testclient import TestClient
>>> from kg.store import Store
>>> with TestClient(create_app(Store.open(None))) as client:
...     client.get("/healthz").json()["status"]
'ok'
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kg.cues import cue_index
from kg.errors import KgError
from kg.store import EmbeddedStore, RemoteStore, Store
from kg.web import api, graphql, pages, sparql, tracing, works
from kg.web.config import Settings
from kg.web.errors import http_error, kg_error, server_error

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What every endpoint may use, on ``request.app.state.services``."""

    store: Store
    settings: Settings
    #: runs /sparql queries under the time limit (set while the app runs)
    runner: sparql.QueryRunner | None = None
    started: float = field(default_factory=time.time)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def create_app(store: Store, settings: Settings | None = None) -> Starlette:
    """The service over ``store``. The store stays the caller's: the app never closes it."""
    settings = settings or Settings()
    state = Services(store, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if isinstance(store, EmbeddedStore):
            store.ask("ASK { }")  # open it now: its lock keeps other writers out while it is served
        state.runner = sparql.make_runner(store, settings)
        # the first trace would read the cue index (40 s on 10M quads): read it now, beside the start
        threading.Thread(target=_warm_cue_index, args=(store,), name="kg-cue-index", daemon=True).start()
        try:
            yield
        finally:
            state.runner.close()
            state.runner = None

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET", "HEAD"])]
    routes += sparql.routes() + graphql.routes() + works.routes() + api.routes() + pages.routes() + tracing.routes()
    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                                     allow_headers=["Accept", "Content-Type", "Authorization"],
                                     expose_headers=["KG-Truncated", "KG-Result-Limit", "Location"]))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={KgError: kg_error, HTTPException: http_error, Exception: server_error})
    app.state.services = state
    return app


def _warm_cue_index(store: Store) -> None:
    try:
        cue_index(store)
    except KgError as e:  # the store may not answer yet; the first trace will read it then
        log.warning("could not read the cue index at start-up: %s", e)


def healthz(request: Request) -> Response:
    """200 when the store answers a query, 503 when it does not."""
    state = services(request)
    backend = "remote" if isinstance(state.store, RemoteStore) else "embedded"
    try:
        state.store.ask("ASK { }")
    except KgError as e:
        return JSONResponse({"status": "unavailable", "store": backend, "problem": str(e)}, 503)
    return JSONResponse({"status": "ok", "store": backend, "uptime_s": round(time.time() - state.started, 1)})
