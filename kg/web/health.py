"""``/healthz``: answered on the event loop from the last check of the store, never behind store work.

A thread of its own (:class:`StoreWatch`) pings the store every :data:`EVERY` seconds; ``/healthz`` says
what the last ping found, without a store round trip or a worker thread, so that a service busy with
200 clients still answers it at once. The store is taken for down when a ping failed, or when none has
come back for :data:`STALE` seconds (a ping stuck on a frozen store).

>>> watch = StoreWatch(lambda: None)
>>> watch.check(); watch.status(now=watch.answered_at + 1)[0]
'ok'
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg.errors import KgError
from kg.freshness import freshness
from kg.store import Store
from kg.web.services import services

log = logging.getLogger(__name__)
#: seconds between two pings of the store
EVERY = 2.0
#: seconds without an answer from the store after which it is reported down
STALE = 15.0


class StoreWatch:
    """Pings the store (``ping``) in a daemon thread every ``every`` seconds and remembers how it went."""

    def __init__(self, ping: Callable[[], None], every: float = EVERY, stale: float = STALE,
                 details: Callable[[], dict[str, object]] | None = None) -> None:
        self._ping, self.every, self.stale, self._details = ping, every, stale, details
        #: what ``details`` read at the last check that answered (e.g. each source's sync and lag)
        self.details: dict[str, object] = {}
        #: monotonic time of the last ping that came back, and the problem it had (None: it answered)
        self.answered_at = 0.0
        self.problem: str | None = "the store has not been checked yet"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> None:
        """Ping the store once, now."""
        try:
            self._ping()
            if self._details is not None:
                self.details = self._details()
        except KgError as e:
            log.error("health check: the store does not answer: %s", e)
            self.problem = "the store does not answer"
        else:
            self.problem = None
        self.answered_at = time.monotonic()

    def start(self) -> None:
        """Check now and every ``every`` seconds, in a daemon thread (until :meth:`stop`)."""
        self._thread = threading.Thread(target=self._run, name="kg-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        self.check()
        while not self._stop.wait(self.every):
            self.check()

    def status(self, now: float | None = None) -> tuple[str, str | None]:
        """("ok", None) or ("unavailable", why)."""
        age = (time.monotonic() if now is None else now) - self.answered_at
        if self.problem is not None:
            return "unavailable", self.problem
        if age > self.stale:
            return "unavailable", f"the store has not answered a check for {age:.0f} s"
        return "ok", None


def watch_store(store: Store) -> StoreWatch:
    """The service's watch: pings ``store`` and reads each source's sync and lag (:mod:`kg.freshness`)."""
    return StoreWatch(store.ping, details=lambda: freshness(store).as_dict())


async def healthz(request: Request) -> Response:
    """200 when the store answered its last check (at most a few seconds ago), 503 when not; with the
    answer cache's figures and the number of store queries asked."""
    state = services(request)
    backend = state.store.profile.backend
    if state.watch is None:  # outside the app's lifespan (a test client without it): ask now
        state.watch = watch_store(state.store)
        state.watch.check()
    status, problem = state.watch.status()
    if problem is not None:
        return JSONResponse({"status": status, "store": backend, "problem": problem}, 503)
    body: dict[str, object] = {"status": status, "store": backend, "uptime_s": round(time.time() - state.started, 1),
                               "store_queries": state.store.query_count, **state.watch.details}
    cache = state.graph.cache
    if cache is not None:
        body["cache"] = cache.stats().as_dict()
    return JSONResponse(body)
