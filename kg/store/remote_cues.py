"""What a remote store keeps on this machine: its cue index (issue 19) and its metrics summary (issue
18), SQLite files, never in memory, so that a process tracing against a SPARQL server of any size stays
in bounded memory, and metrics, lookups and related items read indexed rows instead of asking the
server for aggregates over the whole graph.

The files are ``cues-<hash of the query URL>.sqlite`` and ``metrics-<same hash>.sqlite`` in
``$KG_CUE_INDEX_DIR``, else in ``$XDG_CACHE_HOME/kg`` (``~/.cache/kg``); only when neither can be made
are they in memory. The cue index is built from the engine at its first use
(``queries/trace_cue_index.rq``, or ``kg index-cues`` ahead); the metrics summary by ``kg
index-metrics`` (``queries/metrics_summary_rows.rq``, a page of graphs at a time); until then metrics ask
the server, as before. Both are kept by this process's writes (:meth:`kg.store.Store.write`,
:meth:`kg.store.Store.update` graph by graph) and checked against the server's mark
(:data:`kg.store.revision.MARK_QUERY`: how many record graphs, the latest retrieval) when a process
opens them and before each of its writes: each keeps the mark it was complete at (when built, and after
each write of the process that kept it), so records loaded by another kg process, or another server
answering at the same URL, make them stale. The summary is read only while the server's mark, read
again every few seconds (:class:`kg.store.revision.RemoteMark`), is the one it keeps: a load by another
process turns it off within seconds, and ``kg index-metrics`` builds it again. A SPARQL Update by
another client, which leaves the records' provenance as it was, is not seen: ``kg index-cues`` and ``kg
index-metrics`` build them again.

>>> import tempfile
>>> cue_index_file("http://127.0.0.1:7878/query", {"KG_CUE_INDEX_DIR": tempfile.gettempdir()}).name
'cues-1d2c9731ceeca829.sqlite'
>>> cue_index_file("http://127.0.0.1:7878/query", {}) is None  # no folder named, no home
True
"""

from __future__ import annotations

import hashlib
import logging
import os
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path

from pyoxigraph import QuerySolutions

from kg.errors import StoreError, freed
from kg.store.base import Store
from kg.store.cues import CueIndexDb
from kg.store.revision import MARK_QUERY, RemoteMark
from kg.store.summary import MetricsSummaryDb

__all__ = ["FollowsMark", "cue_index_file"]

log = logging.getLogger(__name__)


def cue_index_file(url: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cue index file of the server at ``url`` (its folder made); None when no folder can be made."""
    folder = environ.get("KG_CUE_INDEX_DIR") or ""
    if not folder:
        cache = environ.get("XDG_CACHE_HOME") or (str(Path(environ["HOME"]) / ".cache") if environ.get("HOME") else "")
        if not cache:
            return None
        folder = str(Path(cache) / "kg")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        log.warning("cannot keep the cue index of %s in %s (%s): it is kept in memory", url, folder, e)
        return None
    return Path(folder) / f"cues-{hashlib.sha256(url.encode()).hexdigest()[:16]}.sqlite"


class FollowsMark(Store):
    """A server's store whose cue index and metrics summary are files on this machine, followed by the
    server's mark (this module)."""

    url: str

    def cue_index_path(self) -> Path | None:
        """A file on this machine named after the server's URL (this module); None (in
        memory) only when no folder for it can be made."""
        if "_cue_file" not in self.__dict__:
            self.__dict__["_cue_file"] = cue_index_file(self.url)
        return self.__dict__["_cue_file"]  # type: ignore[no-any-return]

    def _open_cues(self) -> CueIndexDb:
        """The index, checked against the server's mark when this process opens it (another process
        may have written to the server since it was complete)."""
        opening = self._cues is None
        cues = super()._open_cues()
        if opening and cues.path is not None:
            cues.mark_reader = self._mark_reader()
            cues.check_mark()
        return cues

    def _open_summary(self) -> MetricsSummaryDb:
        """The metrics summary, checked against the server's mark when this process opens it, as the cue
        index is; one made now for an empty server is complete at its mark."""
        opening = self._summary is None
        summary = super()._open_summary()
        if opening:
            summary.mark_reader = self._mark_reader()
            if summary.built and summary.kept_mark is None:
                summary.keep_mark()
            summary.check_mark()
        return summary

    def summary_stale(self) -> None:
        """As for every store; but a summary this process has not opened and this machine has no file of is
        left unmade (no request to the server): made later, it is complete only if the server is empty."""
        path = self.summary_path()
        if self._summary is not None or (path is not None and path.exists()):
            super().summary_stale()

    def current_mark(self) -> str:
        return self._mark.current()

    def _before_write(self) -> None:
        """Another process's write since the cue index and the metrics summary were last complete makes
        them stale before this process's rows go in (they would be taken as complete after it)."""
        mark = self._read_mark()
        for db in (self._cues, self._summary):
            if db is not None:
                db.check_mark(mark=mark)

    def _publish(self) -> None:
        """Note the server's mark with the cue index and metrics summary this write kept, so that a later
        check of them does not take this process's own write for another's (this module)."""
        kept = [db for db in (self._cues, self._summary) if db is not None and db.path is not None]
        if not kept:
            return
        try:
            mark = self._read_mark()
        except StoreError as e:  # the server gone: they are checked, and built, again later
            log.warning("cannot read the mark of %s to keep with its cue index and metrics summary: %s", self.url,
                        freed(e))
            return
        for db in kept:
            db.keep_mark(mark)
        self._mark.known(mark)

    @property
    def _mark(self) -> RemoteMark:
        found: RemoteMark | None = self.__dict__.get("_remote_mark")
        if found is None:
            found = self.__dict__["_remote_mark"] = RemoteMark(self._mark_reader())
        return found

    def _mark_reader(self) -> Callable[[], str]:
        """What reads the server's mark for what this store holds (its cue index, summary and revision),
        without holding the store: no reference cycle keeps a store, its files and its answers alive until a
        garbage collection, in whatever thread that runs (pyoxigraph refuses to free its answers elsewhere)."""
        method, url = weakref.WeakMethod(self._read_mark), self.url

        def read() -> str:
            bound = method()
            if bound is None:
                raise StoreError(f"the store of {url} is closed")
            return bound()
        return read

    def _read_mark(self) -> str:
        result = self._query(MARK_QUERY, {})  # not counted in query_count: it asks nothing of the data
        if not isinstance(result, QuerySolutions):
            return "unmarked"
        return "|".join(str(getattr(term, "value", "")) for solution in result for term in solution)

    def revision(self) -> str:
        """The mark of the server's records (read at most every few seconds: kg.store.revision) and this
        object's own revision, which its writes change at once."""
        return f"{self._mark.current()}.{super().revision()}"
