"""Answers computed once per store revision: a bounded, thread-safe cache of what the Python API answers
(work descriptions, summaries, related items, chains, metrics) and of what the web renders from them.

Every entry is kept under the store's revision (:meth:`kg.store.Store.revision`), which changes with
every write: an answer is never served for another revision than the one it was computed at, and once
a newer revision is asked for, the entries of the older ones are dropped at once. The cache holds at
most ``max_entries`` entries and about ``max_bytes`` bytes (the size of a Python answer is estimated by
walking it, :func:`approximate_size`; rendered bodies count their bytes); the least recently used go
first. Two threads asking the same question at once compute it once: the second waits for the first.

>>> cache = AnswerCache(max_bytes=1 << 20)
>>> calls = []
>>> def compute():
...     calls.append(1)
...     return ["an answer"]
>>> cache.answer("rev1", ("q",), compute), cache.answer("rev1", ("q",), compute), len(calls)
(['an answer'], ['an answer'], 1)
>>> _ = cache.answer("rev2", ("q",), compute)
>>> len(calls), cache.stats().entries
(2, 1)
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
#: the default bound of a cache, in bytes (``kg serve --cache-mb``)
DEFAULT_BYTES = 256 << 20
#: entries kept at most, whatever their size
DEFAULT_ENTRIES = 100_000
#: seconds a thread waits for another computing the same answer before computing it itself
WAIT = 60.0
#: revisions remembered as retired, so that a late request at one of them does not flush the cache
_RETIRED = 64
_MISSING = object()


@dataclass(frozen=True)
class CacheStats:
    """What a cache holds and how it has served: hits and misses since it was made."""

    entries: int
    bytes: int
    max_entries: int
    max_bytes: int
    hits: int
    misses: int

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


class AnswerCache:
    """Answers by (revision, question), least recently used dropped first past either bound."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES, max_entries: int = DEFAULT_ENTRIES) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        #: an answer bigger than this is returned but not kept (it would push out many others)
        self.max_entry_bytes = max(1, max_bytes // 8)
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._revision: str | None = None
        self._retired: OrderedDict[str, None] = OrderedDict()
        self._computing: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    def __repr__(self) -> str:
        return f"AnswerCache(max_bytes={self.max_bytes}, max_entries={self.max_entries})"

    # -- reads and writes -------------------------------------------------------------------

    def get(self, revision: str, key: Hashable) -> Any:
        """The answer kept for ``key`` at ``revision``, or None (counted as a hit or a miss)."""
        with self._lock:
            found = self._lookup(revision, key)
            if found is _MISSING:
                self._misses += 1
                return None
            self._hits += 1
            return found

    def put(self, revision: str, key: Hashable, value: Any, size: int | None = None) -> None:
        """Keep ``value`` for ``key`` at ``revision`` (unless the store has moved past it, or it is too big)."""
        size = approximate_size(value) if size is None else size
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if not self._current(revision):
                return
            full = (revision, key)
            old = self._entries.pop(full, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[full] = (value, size)
            self._bytes += size
            while self._entries and (self._bytes > self.max_bytes or len(self._entries) > self.max_entries):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def answer(self, revision: str, key: Hashable, compute: Callable[[], T], size: Callable[[T], int] | None = None
               ) -> T:
        """The answer kept for ``key`` at ``revision``, else ``compute()``'s, kept. A thread asking while
        another computes the same waits for it (at most :data:`WAIT` seconds). Errors are not kept."""
        full = (revision, key)
        with self._lock:
            found = self._lookup(revision, key)
            if found is not _MISSING:
                self._hits += 1
                return found  # type: ignore[no-any-return]
            waiting = self._computing.get(full)
            if waiting is None:
                self._computing[full] = mine = threading.Event()
        if waiting is not None:
            waiting.wait(WAIT)
            with self._lock:
                found = self._lookup(revision, key)
                if found is not _MISSING:
                    self._hits += 1
                    return found  # type: ignore[no-any-return]
                self._misses += 1
            return compute()
        with self._lock:
            self._misses += 1
        try:
            value = compute()
            self.put(revision, key, value, size(value) if size is not None else None)
            return value
        finally:
            with self._lock:
                self._computing.pop(full, None)
            mine.set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self._bytes, self.max_entries, self.max_bytes, self._hits,
                              self._misses)

    # -- under the lock ---------------------------------------------------------------------

    def _current(self, revision: str) -> bool:
        """Whether ``revision`` is the store's latest seen; a new one retires the old and drops its entries."""
        if revision == self._revision:
            return True
        if revision in self._retired:
            return False
        if self._revision is not None:
            self._retired[self._revision] = None
            while len(self._retired) > _RETIRED:
                self._retired.popitem(last=False)
        self._revision = revision
        self._entries.clear()
        self._bytes = 0
        return True

    def _lookup(self, revision: str, key: Hashable) -> Any:
        if not self._current(revision):
            return _MISSING
        full = (revision, key)
        found = self._entries.get(full)
        if found is None:
            return _MISSING
        self._entries.move_to_end(full)
        return found[0]


def approximate_size(value: object) -> int:
    """The bytes a Python answer takes, about: its objects' own sizes, walked through containers,
    dataclasses and objects' attributes, each object counted once.

    >>> approximate_size("x" * 1000) > 1000, approximate_size(["x" * 1000] * 3) < 2000
    (True, True)
    """
    seen: set[int] = set()
    total = 0
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        try:
            total += sys.getsizeof(item)
        except TypeError:
            total += 64
        if isinstance(item, (str, bytes, bytearray, int, float, bool)) or item is None:
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif dataclasses.is_dataclass(item):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif hasattr(item, "__dict__"):
            stack.extend(vars(item).values())
        else:  # an RDF term, or another object whose parts Python cannot see: its text is about its size
            total += len(str(item))
    return total
