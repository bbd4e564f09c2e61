"""The store's revision: a short text that changes with every write to the store, so that what is computed
from the store (answers kept by :mod:`kg.answer_cache`, HTTP ``ETag``\\ s) knows when it is stale.

:meth:`kg.store.Store.revision` gives it; how far it sees depends on the backend:

* **every store**, for writes through the same :class:`~kg.store.Store` object: at once. It is the object's
  random session id and its :attr:`~kg.store.Store.generation`, bumped after each write (a load batch, a
  SPARQL Update, saved claims, enrichment).
* **embedded on disk**: the process that opened the store read-write (it holds RocksDB's lock, so it is
  the only writer) writes its revision to the file :data:`FILE` in the store's directory when it opens
  the store and after each write (:class:`RevisionFile`). A process that opened the store read-only
  reads that file whenever its ``stat`` changes (and while it is
  younger than a second, which ``stat`` cannot tell apart). A store written by another tool
  (``oxigraph load``) gets a new revision when kg next opens it read-write.
* **remote**: nothing is written for it (the server's data stays the records'). A process reads a mark
  of the records' provenance (:data:`MARK_QUERY`: how many record graphs, and the latest retrieval) at
  most every :data:`REMOTE_EVERY` seconds, in the background after the first read (:class:`RemoteMark`).
  Records loaded, harvested, synced or enriched by other kg processes are seen within about that time;
  a SPARQL Update sent by another process, or a write by another tool that leaves the provenance as
  it was, is not seen by this one.

>>> from kg.store import Store
>>> store = Store.open(None)
>>> before = store.revision()
>>> store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'o' } }")
>>> store.revision() != before
True
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kg.errors import freed
from kg.ids import META_GRAPH

log = logging.getLogger(__name__)

#: the file in an embedded store's directory that holds its revision
FILE = "kg-revision"
#: seconds after which a revision file is taken as settled: read again only when its ``stat`` changes
SETTLED = 1.0
#: seconds between two reads of a remote store's revision mark
REMOTE_EVERY = 5.0
CONTENT_HASH = "https://w3id.org/evidence-kg/ns#contentHash"
GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"


def new_token() -> str:
    """A random token, unique enough to tell two writers (or two openings) apart.

    >>> len(new_token())
    12
    """
    return secrets.token_hex(6)


class RevisionFile:
    """The revision file of an embedded store on disk: written by its one writer, read by read-only openers."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE
        self._seen: tuple[int, int, int] | None = None
        self._text: str | None = None

    def write(self, revision: str) -> None:
        """Replace the file's content at once (a reader sees the old text or the new, never half)."""
        partial = self.path.with_name(f".{FILE}.{os.getpid()}")
        try:
            partial.write_text(revision, "ascii")
            os.replace(partial, self.path)
        except OSError as e:  # a read-only medium: other processes will not see this write
            log.warning("cannot write the store's revision to %s: %s", self.path, e)

    def read(self) -> str | None:
        """The revision written last; None when there is none. Read again when the file's ``stat`` changed,
        or while it is younger than :data:`SETTLED` seconds: two writes within the file system's clock
        tick that reuse the inode and the length look alike to ``stat``."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        seen = (found.st_ino, found.st_mtime_ns, found.st_size)
        if seen != self._seen or time.time_ns() - found.st_mtime_ns < SETTLED * 1e9:
            try:
                with open(self.path, "rb") as file:
                    text = file.read(256).decode("ascii").strip()
            except (OSError, UnicodeDecodeError):
                return self._text
            self._text, self._seen = text or self._text, seen
        return self._text


#: what a remote store's mark is read from: the record graphs' provenance in the meta graph, how many and
#: the latest retrieval, which every load, harvest, sync and enrichment by any kg process changes
MARK_QUERY = (f"SELECT (COUNT(?h) AS ?records) (MAX(STR(?t)) AS ?latest) WHERE {{ GRAPH <{META_GRAPH}> {{ "
              f"?g <{CONTENT_HASH}> ?h OPTIONAL {{ ?g <{GENERATED}> ?t }} }} }}")


class RemoteMark:
    """A remote store's mark as last read, read again at most every ``every`` seconds.

    ``read`` asks the server (it may block); only the first :meth:`current` waits for it, later ones
    start a background read when the one they have is older than ``every`` seconds and answer at once.
    """

    def __init__(self, read: Callable[[], str], every: float = REMOTE_EVERY) -> None:
        self._read, self.every = read, every
        self._mark: str | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()
        self._reading = False

    def current(self) -> str:
        if self._mark is None:
            self._refresh()
            return self._mark or "none"
        with self._lock:
            due = not self._reading and time.monotonic() - self._read_at > self.every
            self._reading = self._reading or due
        if due:
            threading.Thread(target=self._refresh, name="kg-store-revision", daemon=True).start()
        return self._mark

    def known(self, mark: str) -> None:
        """The mark read just now by other means (after this process's write)."""
        with self._lock:
            self._mark, self._read_at = mark, time.monotonic()

    def _refresh(self) -> None:
        try:
            mark = self._read()
        except Exception as e:  # noqa: BLE001 (a server down: keep the mark known, try again later)
            log.warning("cannot read the store's revision: %s", freed(e))
            mark = self._mark or "unread"
        with self._lock:
            self._mark, self._read_at, self._reading = mark, time.monotonic(), False
