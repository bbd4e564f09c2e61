"""Where ``kg sync`` stands: one state per source and scope in the meta graph, and the lock that
keeps two syncs from running at once.

A state holds the *watermark* (the end of the last window synced completely: the source's changes
up to it are in the graph) and, while a window is in progress, the window and the *cursor* of its
next page. Each page's records are stored before the cursor moves past them, so a sync that dies
goes on from its cursor; the watermark moves only when the window is complete.

>>> from datetime import UTC, datetime
>>> from kg.store import Store
>>> store = Store.open(None)
>>> state = SyncState("crossref", "prefix:10.1371", watermark=datetime(2024, 1, 1, tzinfo=UTC))
>>> save_state(store, state)
>>> [(s.source, s.scope, s.watermark.date().isoformat()) for s in read_states(store)]
[('crossref', 'prefix:10.1371', '2024-01-01')]
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import FetchError, SyncBusyError, UnsupportedRequestError
from kg.ids import META_GRAPH
from kg.queries import load_query
from kg.store import Store
from kg.store.records import date_literal
from kg.vocab import KG, RDF
from loaders.base import Problem
from loaders.pipeline import LoadReport

#: what a sync enters around each page's writes: a service's write access (kg.store.workers), or nothing
WriteGuard = Callable[[], AbstractContextManager[object]]


@dataclass
class SyncState:
    """Where the sync of one source and scope stands."""

    source: str
    #: what of the source is kept ("" for all of it; "prefix:10.1371", "funder:...", ...)
    scope: str = ""
    #: the end of the last complete window; None before the first one
    watermark: datetime | None = None
    #: when the last complete window finished
    last_sync: datetime | None = None
    #: the window in progress, None when none is
    window_from: datetime | None = None
    window_until: datetime | None = None
    #: the next page of the window in progress, as JSON ``{"url": ..., "params": ...}``
    cursor: str | None = None
    #: records and requests of the window in progress (of the last one, once complete)
    records: int = 0
    requests: int = 0
    #: the version of the data dump loaded last (sources synced by dump: ROR, OpenCitations)
    version: str | None = None

    @property
    def iri(self) -> NamedNode:
        """The state's node in the meta graph, named by its source and scope."""
        return NamedNode(ids.shared_iri("sync", self.source, self.scope))

    @property
    def in_progress(self) -> bool:
        return self.window_until is not None


def read_states(store: Store) -> list[SyncState]:
    """Every sync state the store holds, by source and scope."""
    states = []
    for _, source, scope, watermark, last, w_from, w_until, cursor, records, requests, version in \
            store.select(load_query("sync_states").text).values():
        if source is None:
            continue
        states.append(SyncState(source, scope or "", _when(watermark), _when(last), _when(w_from),
                                _when(w_until), cursor, int(records or 0), int(requests or 0), version))
    return states


def read_state(store: Store, source: str, scope: str) -> SyncState:
    """The state of ``source`` and ``scope``; a new one when it has never been synced."""
    return next((s for s in read_states(store) if (s.source, s.scope) == (source, scope)),
                SyncState(source, scope))


def save_state(store: Store, state: SyncState) -> None:
    """Write ``state`` over the stored one, in one update."""
    s = state.iri
    pairs: list[tuple[NamedNode, NamedNode | Literal]] = [
        (RDF.type, KG.SyncState), (KG.syncSource, Literal(state.source)), (KG.syncScope, Literal(state.scope)),
        (KG.syncRecords, Literal(state.records)), (KG.syncRequests, Literal(state.requests))]
    for p, when in ((KG.watermark, state.watermark), (KG.lastSync, state.last_sync),
                    (KG.windowFrom, state.window_from), (KG.windowUntil, state.window_until)):
        if when is not None:
            pairs.append((p, date_literal(when)))
    if state.cursor is not None:
        pairs.append((KG.cursor, Literal(state.cursor)))
    if state.version is not None:
        pairs.append((KG.syncVersion, Literal(state.version)))
    body = " .\n".join(f"{s} {p} {o}" for p, o in pairs)
    store.update(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {s} ?p ?o }} }} ;\n"
                 f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{\n{body} }} }}", meta_only=True)


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SyncScope:
    """The slice of a source a user keeps; empty: all of it.

    >>> SyncScope(prefixes=("10.1371",), dois=("10.1/B", "10.1/a")).key
    'prefix:10.1371;doi:10.1/a,10.1/b'
    """

    prefixes: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    dois: tuple[str, ...] = ()
    community: str | None = None

    @property
    def key(self) -> str:
        """The scope as text, the same whatever the order it was given in: names its sync state."""
        parts = [("prefix", sorted(p.lower() for p in self.prefixes)), ("funder", sorted(self.funders)),
                 ("doi", sorted(d.lower() for d in self.dois)),
                 ("community", [self.community] if self.community else [])]
        return ";".join(f"{name}:{','.join(values)}" for name, values in parts if values)


@dataclass
class SyncReport:
    """What one sync of one source and scope did."""

    source: str
    scope: str
    window_from: datetime
    window_until: datetime
    #: requests sent by this run
    requests: int = 0
    #: the window was synced to its end and the watermark moved to ``window_until``
    complete: bool = False
    #: this run went on with a window an earlier run left unfinished
    resumed: bool = False
    load: LoadReport = field(default_factory=LoadReport)
    #: the dump version synced (sources synced by dump version)
    version: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "scope": self.scope, "from": self.window_from.isoformat(),
                "until": self.window_until.isoformat(), "complete": self.complete, "resumed": self.resumed,
                "requests": self.requests, "loaded": self.load.loaded, "unchanged": self.load.unchanged,
                "rejected": self.load.rejected, "failure": self.load.failure,
                **({"version": self.version} if self.version is not None else {})}


def refuse(source: str, scope: SyncScope, supported: set[str]) -> None:
    given = {"--prefix": scope.prefixes, "--funder": scope.funders, "--doi": scope.dois,
             "--community": scope.community}
    for option, value in given.items():
        if value and option not in supported:
            raise UnsupportedRequestError(source, option, f"a {source} sync can be scoped by "
                                          f"{', '.join(sorted(supported)) or 'nothing'}")



def fail(report: SyncReport, on_problem: Callable[[Problem], None] | None, error: FetchError) -> None:
    problem = Problem("error", f"{error}; the window is left unfinished, the next sync goes on from there",
                      error.url)
    report.load.add(problem)
    if on_problem:
        on_problem(problem)



class SyncLock:
    """An exclusive lock on a file, held while a sync runs; the system releases it when the
    process ends, however it ends (``kill -9`` included), so a dead sync never blocks the next.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "sync.lock"
    >>> with SyncLock(path):
    ...     SyncLock(path).__enter__()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.SyncBusyError: another kg sync is running on this store (pid ...
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def __enter__(self) -> SyncLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise SyncBusyError(str(self.path), holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._file = handle
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            self._file.close()  # closing the file releases the lock
            self._file = None
