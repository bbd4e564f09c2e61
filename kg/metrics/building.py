"""Building the metrics summary of a store whole (``kg index-metrics``, ``g.index_metrics()``): its rows
per record graph (:func:`kg.metrics.summarised.build_summary_rows`), then the rollup of every funder it
names (:func:`kg.metrics.portfolio.build_funder_rollups`); or, for a complete summary of the version
before, only what that version lacked (:func:`kg.metrics.summarised.upgrade_summary`).

>>> from kg.store import Store
>>> build_metrics_summary(Store.open(None))
0
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.metrics.portfolio import build_funder_rollups
from kg.metrics.summarised import build_summary_rows, upgrade_summary
from kg.store import Store


def build_metrics_summary(store: Store, *, rollups_only: bool = False,
                          rows: Iterable[tuple[str, str, str, str]] | None = None) -> int:
    """Build the store's metrics summary again from every record graph in it, then its funders'
    rollups; the number of record graphs with rows. Loads keep the summary current: this is for a store
    written around kg (``kg bulk-load``, SPARQL Updates, other processes writing to a server) or opened
    with none; a server's is a file on this machine (:mod:`kg.store.remote_cues`). A complete summary of
    version 4 is upgraded in place instead (its rows and rollups kept: minutes, not a full build); one of
    this version without the kept cited-as names gets only those (seconds). ``rollups_only``: the
    summary's rows kept, only the funders' rollups an earlier kg kept (counted by other kinds) computed
    again; the number of funders. ``rows``: built whole from these (:func:`build_summary_rows`)."""
    if rollups_only:
        return build_funder_rollups(store)
    if rows is None and upgrade_summary(store):
        return store.metrics_summary.graph_count()
    graphs = build_summary_rows(store, rows)
    build_funder_rollups(store)
    return graphs
