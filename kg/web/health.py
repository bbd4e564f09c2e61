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

import json
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg.errors import KgError
from kg.freshness import freshness
from kg.store import Store
from kg.web.services import Services, services

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


def health(state: Services) -> tuple[dict[str, object], int]:
    """``/healthz``'s answer and status: 200 when the store answered its last check (at most a few
    seconds ago), 503 when not; with the answer cache's figures and the number of store queries asked."""
    backend = state.store.profile.backend
    if state.watch is None:  # outside the app's lifespan (a test client without it): ask now
        state.watch = watch_store(state.store)
        state.watch.check()
    status, problem = state.watch.status()
    if problem is not None:
        return {"status": status, "store": backend, "problem": problem}, 503
    body: dict[str, object] = {"status": status, "store": backend, "uptime_s": round(time.time() - state.started, 1),
                               "store_queries": state.store.query_count, **state.watch.details}
    cache = state.graph.cache
    if cache is not None:
        body["cache"] = cache.stats().as_dict()
    return body, 200


async def healthz(request: Request) -> Response:
    body, status = health(services(request))
    return JSONResponse(body, status)


class HealthListener(ThreadingHTTPServer):
    """``GET /healthz`` on a port of its own (``kg serve --health-port``), answered by a thread of its own.

    The service's port answers /healthz on its event loop, behind every request in the loop's queue: at
    200 clients that is a second. A probe on this port waits for nothing but the interpreter's turn, so a
    load balancer or an orchestrator's liveness probe is not failed by the load it balances. Several
    ``--workers`` share the port (SO_REUSEPORT): each probe is answered by one of them, for itself.
    """

    daemon_threads = True
    allow_reuse_address = True
    allow_reuse_port = True

    def __init__(self, host: str, port: int, state: Services) -> None:
        self.state = state
        super().__init__((host, port), _HealthRequest)

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, name="kg-health-port", daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _HealthRequest(BaseHTTPRequestHandler):
    server: HealthListener

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.split("?", 1)[0] != "/healthz":
            self._send(404, {"status": "not found", "problem": "this port answers GET /healthz only"})
            return
        body, status = health(self.server.state)
        self._send(status, body)

    do_HEAD = do_GET  # noqa: N815

    def _send(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        log.debug("health port: " + format, *args)
