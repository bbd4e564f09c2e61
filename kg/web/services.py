"""What every endpoint may use: the :class:`Services` the app factory builds, and the one typed way
to reach them from a request (:func:`services`).

>>> from kg.store import Store
>>> from kg.web.config import Settings
>>> Services(Store.open(None), Settings()).graph
KnowledgeGraph(EmbeddedStore(None))
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

from kg.answer_cache import AnswerCache
from kg.graph import KnowledgeGraph
from kg.store import QueryRunner, Store
from kg.web.config import Settings

if TYPE_CHECKING:
    from kg.web.health import StoreWatch


@dataclass
class Services:
    """What every endpoint may use, on ``request.app.state.services``."""

    store: Store
    settings: Settings
    #: runs /sparql queries under the time limit (set while the app runs)
    runner: QueryRunner | None = None
    started: float = field(default_factory=time.time)
    #: what /healthz reports: the last check of the store, made in a thread of its own (set while the app runs)
    watch: StoreWatch | None = None
    #: the Python API over ``store``: every question the routes ask goes through it, its answers kept per
    #: store revision in a cache of ``settings.cache_mb`` megabytes (none when 0), which the web's rendered
    #: answers share (kg.web.caching)
    graph: KnowledgeGraph = field(init=False)
    #: the traces running: at most ``settings.traces_at_once`` (kg.web.tracing)
    traces: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        cache = AnswerCache(self.settings.cache_mb << 20) if self.settings.cache_mb > 0 else None
        self.graph = KnowledgeGraph(self.store, cache)
        self.traces = threading.BoundedSemaphore(self.settings.traces_at_once)


def services(connection: HTTPConnection) -> Services:
    """The services of the app a request (or websocket) reached.

    :raises TypeError: the app was not built by :func:`kg.web.app.create_app`
    """
    found = getattr(connection.app.state, "services", None)
    if not isinstance(found, Services):
        raise TypeError("this app has no kg services: build it with kg.web.app.create_app")
    return found
