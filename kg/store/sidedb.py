"""A SQLite database kept beside a store, row sets per record graph: what the cue index
(:mod:`kg.store.cues`) and the metrics summary (:mod:`kg.store.summary`) share. Opening it (a file,
or in memory), the ``meta`` table of its state (complete, or a write under way), and transactions.

>>> db = SideDb(None, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);", empty_store=True)
>>> db.built, db.mark_stale(), db.built
(True, None, False)
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class SideDb:
    """A SQLite database at ``path`` (None: in memory) with ``schema`` (which has a ``meta(key, value)``
    table); a new one is complete at once when the store has nothing in it yet (``empty_store``) and
    starts with the ``fresh`` meta values. ``timeout``: seconds a writer waits for another process's."""

    def __init__(self, path: Path | None, schema: str, *, empty_store: bool, fresh: Mapping[str, str] = {},  # noqa: B006 (read only)
                 timeout: float = 5.0) -> None:
        self.path = path
        existed = path is not None and path.exists()
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, isolation_level=None,
                                   timeout=timeout)
        self._lock = threading.RLock()
        with self._lock:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(schema)
            if not existed:
                self._set("built", "1" if empty_store else "0")
                for key, value in fresh.items():
                    self._set(key, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path) if self.path else None})"

    @property
    def built(self) -> bool:
        """Whether it holds every record graph of the store (not stale, no write cut short)."""
        return self._get("built") == "1" and self._get("writing") != "1"

    def mark_stale(self) -> None:
        """The store changed in a way it did not see: build it again before using it."""
        with self._lock:
            self._set("built", "0")

    #: reads the store's mark (a remote store's: :data:`kg.store.revision.MARK_QUERY`), which the database
    #: keeps as the one it is complete at; None: the store has no other writer (embedded)
    mark_reader: Callable[[], str] | None = None
    _checked = float("-inf")

    def keep_mark(self, mark: str | None = None) -> None:
        """Note the store's mark (``mark``, else read now) as the one it is complete at (after this
        process's writes)."""
        if self.mark_reader is not None and self.built:
            mark = mark if mark is not None else self.mark_reader()
            with self._lock:
                self._set("store_mark", mark)

    def check_mark(self, every: float = 0.0, mark: str | None = None) -> None:
        """Mark it stale when the store's mark (``mark``, else read now) is not the one it was complete at:
        the store was written by another process meanwhile (or is another store at the same URL). Read
        again at most every ``every`` seconds."""
        if self.mark_reader is None or (mark is None and time.monotonic() - self._checked < every):
            return
        self._checked = time.monotonic()
        if self.built and (mark if mark is not None else self.mark_reader()) != self._get("store_mark"):
            self.mark_stale()

    @property
    def kept_mark(self) -> str | None:
        """The store's mark it was last complete at (None: none kept)."""
        return self._get("store_mark")

    def at_mark(self, mark: str) -> bool:
        """Whether it is complete, at the store's ``mark`` (a store with no other writer: complete)."""
        return self.built and (self.mark_reader is None or self._get("store_mark") == mark)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around a store write whose rows ``replace`` then writes: a write cut short between the two
        leaves it marked unfinished, not used until built again."""
        self.begin_write()
        yield  # readers go on meanwhile
        self.end_write()

    def begin_write(self) -> None:
        """A store write begins whose rows ``replace`` writes next (:meth:`writing`). One marked begun
        already was cut short (its process killed): stale, whatever this one's end says."""
        with self._lock:
            if self._get("writing") == "1":
                self._set("built", "0")
            self._set("writing", "1")

    def end_write(self) -> None:
        """The store write begun is over, its rows written (or it failed whole: nothing changed)."""
        with self._lock:
            self._set("writing", "0")

    def _get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
