"""What :class:`kg.store.Store` holds of its metrics summary (:mod:`kg.store.summary`): opened on first use,
beside the cue index, and whether it may be read: complete, at the store's mark.

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.complete_summary() is store.metrics_summary, list(store.rows_by_graph("SELECT ?graph WHERE { }", "graph"))
(True, [(None,)])
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from kg.store.kept import kept_in_view
from kg.store.summary import MetricsSummaryDb
from kg.store.terms import SelectResult

#: one summary is opened for a store however many threads ask at once
_OPENING = threading.RLock()


class KeepsSummary:
    """What :class:`kg.store.Store` holds of its metrics summary (opened on first use, beside the cue index)."""

    _summary: MetricsSummaryDb | None = None
    #: the store's writes through this object (:attr:`kg.store.Store.generation`)
    generation: int = 0
    #: created empty by this process (a store in memory): its new cue index and summary are complete
    _fresh: bool = False

    def cue_index_path(self) -> Path | None:
        """Where the cue index is kept (None: in memory), as the profile's ``cue_index`` says."""
        return None

    def summary_scan(self, only: Collection[str] | None = None) -> Iterator[tuple[str, str, str, str]] | None:
        """Every row the metrics summary keeps (graph, subject, predicate, object; of the predicates
        ``only``) read from the store's own indexes (:func:`kg.store.summary_build.scan_rows`), or None:
        this store has none to scan (a remote one), the rows are asked with ``metrics_summary_rows``."""
        return None

    def ask(self, sparql: str) -> bool:
        raise NotImplementedError

    def select(self, sparql: str) -> SelectResult:
        raise NotImplementedError

    def rows_by_graph(self, sparql: str, variable: str, apart: Collection[str] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sparql`` over the whole store, each of one graph (bound to ``variable``): in one
        answer, or, from a server, a few graphs at a time (memory bounded, whatever its row cap), the graphs
        ``apart`` not asked of (``sparql`` must leave their rows out itself)."""
        return iter(self.select(sparql).rows)

    @property
    def metrics_summary(self) -> MetricsSummaryDb:
        """The metrics summary of this store (:mod:`kg.store.summary`), opened on first use: a new one is
        complete at once when the store is empty; otherwise it is built by ``kg index-metrics``. A store
        others write to (a remote one) keeps it in a file on this machine beside its cue index, complete
        at the store's mark (:meth:`complete_summary`)."""
        with _OPENING:
            return self._open_summary()

    def summary_path(self) -> Path | None:
        """Where the metrics summary is kept: beside the cue index (None: in memory)."""
        cues = self.cue_index_path()
        return cues.with_name(cues.name.replace("cues", "metrics", 1)) if cues is not None else None

    def summary_stale(self) -> None:
        """The store changed in a way the summary cannot see into (a SPARQL Update, a bulk load): it is built
        again (``kg index-metrics``) before questions read it."""
        self.metrics_summary.mark_stale()

    def _open_summary(self) -> MetricsSummaryDb:
        if self._summary is None:
            path = self.summary_path()
            if path is not None and not path.exists() and getattr(self, "read_only", False):
                path = None  # a store opened read-only gets no file written beside it
            empty = self._fresh or not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }")
            self._summary = MetricsSummaryDb(path, empty_store=empty,
                                             keeps_rollups=not getattr(self, "read_only", False))
        return self._summary

    def current_mark(self) -> str:
        """The store's mark as last read (a remote store's, read again every few seconds); "" for a store
        with no other writer."""
        return ""

    def complete_summary(self) -> MetricsSummaryDb | None:
        """The metrics summary when it holds every record graph, at the store's current mark (a remote
        store written by another process since is not read from until built again): what questions may
        read instead of the store."""
        summary, mark = self.metrics_summary, self.current_mark()
        # asked by every part of a view (three SQLite reads, and under load a queue for its connection): once
        built = kept_in_view(("summary built", id(self), self.generation, mark), lambda: summary.at_mark(mark))
        return summary if built else None

    @property
    def profile(self) -> Any:
        raise NotImplementedError

    def close_summary(self) -> None:
        with _OPENING:
            if self._summary is not None:
                self._summary.close()
                self._summary = None
