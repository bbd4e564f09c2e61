"""``kg serve --sync-every 1h``: the sync loop inside the service, so that an embedded store held by
the service (whose lock keeps ``kg sync`` out) is kept current.

A thread runs a round of :func:`loaders.sync.sync` for each source, then waits the interval, give or
take 10% (jitter), until the service stops. Each page of a round is written inside the /sparql runner's
write access (:meth:`kg.store.limits.QueryRunner.writes`: the query workers of an embedded store are
stopped while the store is written, and start again after it, seeing the new data), as traces write;
every write moves the store's revision, so the service's cached answers and ETags are computed again
and the ``KG-Graph-As-Of`` header is read again. A round takes the same lock as ``kg sync`` (one sync
of a store at a time); a round that fails is logged, and the next one tries again.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import UTC, datetime
from pathlib import Path

from kg.errors import KgError
from kg.store import Store
from kg.store.limits import QueryRunner
from kg.web.config import Settings
from loaders.base import Problem
from loaders.http import HttpConfig
from loaders.sync import SOURCES, sync
from loaders.syncstate import SyncLock, read_states

log = logging.getLogger(__name__)


class ServiceSync:
    """The sync thread of one service; :meth:`start` at the service's start, :meth:`stop` at its end."""

    def __init__(self, store: Store, settings: Settings, runner: QueryRunner) -> None:
        self.store, self.settings, self.runner = store, settings, runner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kg-sync", daemon=True)
        #: rounds run (for tests and logs)
        self.rounds = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _loop(self) -> None:
        interval = self.settings.sync_every or 3600.0
        while not self._stop.is_set():
            self.round()
            self._stop.wait(max(1.0, interval * (1 + random.uniform(-0.1, 0.1))))

    def round(self) -> None:
        """Sync each source once; say what each did in the log."""
        settings = self.settings
        apis = dict(a.split("=", 1) for a in settings.sync_apis if "=" in a)
        since = datetime.fromisoformat(settings.sync_since).replace(tzinfo=UTC) if settings.sync_since else None
        cache = Path(settings.sync_cache_dir)
        config = HttpConfig.from_env(cache_dir=cache, refresh=True)
        lock = Path(settings.sync_lock) if settings.sync_lock else cache / "sync-service.lock"
        try:
            with SyncLock(lock):
                names = list(settings.sync_sources) or sorted(
                    {s.source for s in read_states(self.store) if s.source in SOURCES})
                for name in names:
                    if self._stop.is_set():
                        return
                    report = sync(self.store, name, config, since=since, api=apis.get(name),
                                  lists=apis.get("wwpdb"), on_problem=_logged, writes=self.runner.writes)
                    log.info("sync %s: %s to %s, %d requests, %s%s", name, report.window_from.date(),
                             report.window_until.date(), report.requests, report.load.summary(),
                             "" if report.complete else "; window unfinished, the next round goes on from there")
        except KgError as e:  # a source down, another sync running, a first sync without --sync-since
            log.warning("sync round failed: %s; the next round tries again", e)
        finally:
            self.rounds += 1


def _logged(problem: Problem) -> None:
    if problem.level == "error":
        log.warning("sync: %s", problem)
