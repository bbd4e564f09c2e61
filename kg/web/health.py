"""``/healthz``: answered on the event loop from the last check of the store, never behind store work.

A thread of its own (:class:`StoreWatch`) pings the store every :data:`EVERY` seconds; ``/healthz`` says
what the last ping found, without a store round trip or a worker thread, so that a service busy with
200 clients still answers it at once. The store is taken for down when a ping failed, or when none has
come back for :data:`STALE` seconds (a ping stuck on a frozen store). ``kg serve --health-port`` also
answers it from a small process of its own (:class:`HealthProcess`, :mod:`kg.web.healthd`), which no
request of the service's makes wait.

>>> watch = StoreWatch(lambda: None)
>>> watch.check(); watch.status(now=watch.answered_at + 1)[0]
'ok'
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg.errors import ConfigError, KgError
from kg.freshness import freshness
from kg.store import Store
from kg.web import healthd
from kg.web.services import Services, services
from loaders.syncstate import SyncState, read_states

log = logging.getLogger(__name__)
#: seconds between two pings of the store
EVERY = 2.0
#: seconds without an answer from the store after which it is reported down
STALE = 15.0
#: seconds between two heartbeats the service writes for its health process (kg serve --health-port)
BEAT = 1.0


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
    """The service's watch: pings ``store`` and reads each source's sync and lag (:mod:`kg.freshness`), the
    sync states asked of the store again only when its revision changed: an idle service asks it nothing
    (``/healthz``'s ``store_queries`` counts the answers' queries)."""
    kept: dict[str, tuple[str, list[SyncState]]] = {}

    def details() -> dict[str, object]:
        revision = store.revision()
        if "states" not in kept or kept["states"][0] != revision:
            kept["states"] = (revision, read_states(store))
        return freshness(store, states=kept["states"][1]).as_dict()
    return StoreWatch(store.ping, details=details)


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


class HealthProcess:
    """``GET /healthz`` on a port of its own (``kg serve --health-port``), answered by a small process of its
    own (:mod:`kg.web.healthd`) from the heartbeat this service writes about every second on its event loop.

    The service's port answers /healthz on its event loop, behind every request in the loop's queue; a
    thread of the service would still wait for the interpreter's lock. The process waits for neither: a
    load balancer's or an orchestrator's probe is not failed by the load it balances, yet it says 503 when
    the service's event loop has not written a heartbeat for ``stale`` seconds (stuck), or when the store
    did not answer its last check. Several ``--workers`` each start one on the same port (SO_REUSEPORT).
    """

    def __init__(self, host: str, port: int, state: Services, every: float = BEAT, stale: float = healthd.STALE
                 ) -> None:
        self.host, self.port, self.state, self.every, self.stale = host, port, state, every, stale
        shm = Path("/dev/shm")
        self._directory = Path(tempfile.mkdtemp(prefix="kg-health-", dir=shm if os.access(shm, os.W_OK) else None))
        self.heartbeat = self._directory / "heartbeat.json"
        self._process: subprocess.Popen[bytes] | None = None
        self._beating: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Write the first heartbeat, start the process and wait until it listens (on the event loop: the
        heartbeat is written by a task of it, so that a stuck loop shows as a stale heartbeat).

        :raises ConfigError: the process could not listen on the port
        """
        self.beat()
        command = [sys.executable, healthd.__file__, "--host", self.host, "--port", str(self.port),
                   "--heartbeat", str(self.heartbeat), "--stale", str(self.stale), "--parent", str(os.getpid())]
        # a session of its own: where the kernel groups each session's processes for CPU (autogroup, on by
        # default on Linux desktops and many servers), its probes are not queued behind the service's threads
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         start_new_session=True)
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()  # "ready" once bound; nothing when it failed (its stderr says why)
        self._process.stdout.close()
        if ready.strip() != b"ready":
            self._process.wait()
            shutil.rmtree(self._directory, ignore_errors=True)
            raise ConfigError("--health-port", f"cannot answer /healthz on {self.host}:{self.port} "
                                               f"(the health process exited with status {self._process.returncode})")
        self._beating = asyncio.get_running_loop().create_task(self._beat_every())

    async def _beat_every(self) -> None:
        while True:
            watch = self.state.watch  # until the store's first check is in, beat often: the probe says so soon
            await asyncio.sleep(self.every if watch is None or watch.answered_at else min(self.every, 0.05))
            try:
                self.beat()
            except OSError as e:  # a full /dev/shm: the process will say the service is stale
                log.error("cannot write the health heartbeat %s: %s", self.heartbeat, e)

    def beat(self) -> None:
        """Write the service's /healthz answer, now, for the process to give (replaced at once, never half)."""
        body, status = health(self.state)
        partial = self.heartbeat.with_name(".heartbeat.json")
        partial.write_bytes(json.dumps({"at": time.monotonic(), "status": status, "body": body}).encode())
        os.replace(partial, self.heartbeat)

    def stop(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._directory, ignore_errors=True)
