"""Reuse metrics read from the metrics summary (:mod:`kg.store.summary`) instead of the store: the
same answers as the catalogue queries they stand for (``metrics_funder_outputs``,
``metrics_version_scope``, ``metrics_citations``), from indexed rows kept per record graph, so a
funder's figures cost what its outputs and their citations are, never a join over the whole graph.

Used when the store's summary is complete (:func:`summary_of`): an embedded store whose summary is
built and that no one else writes to. A remote store (others may write to the server unseen), or a
summary marked stale (a SPARQL Update, N-Quads bulk loaded, before ``kg index-metrics``), is asked
with the catalogue queries instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from pyoxigraph import NamedNode

from kg.ids import META_GRAPH
from kg.queries import load_query
from kg.store import Store
from kg.store.summary import (
    ADDED_IN_5,
    CITES,
    DATE,
    FUNDER,
    FUNDING,
    HAS_VERSION,
    IS_VERSION_OF,
    PREDICATES,
    TYPE,
    MetricsSummaryDb,
    term_text,
)
from kg.vocab import SCHEMA
from kg.works import WORK_CLASSES

_WORK_CLASSES = frozenset(c.value for c in WORK_CLASSES)


def summary_of(store: Store) -> MetricsSummaryDb | None:
    """The store's metrics summary when it holds every record graph and no one else writes to the store."""
    return store.complete_summary()


def funder_outputs(summary: MetricsSummaryDb, funders: Sequence[str]) -> dict[str, set[str]]:
    """The works the funders funded, each with its work classes (``metrics_funder_outputs``): those
    naming one with ``schema:funder`` that are no grant, and those naming (``schema:funding``) a node
    that names one."""
    naming = {s for _, s in summary.subjects(FUNDER, funders)}
    via_grant = {s for _, s in summary.subjects(FUNDING, naming)}
    types = summary.objects(TYPE, naming | via_grant)
    grants = {s for s, c in types if c == SCHEMA.Grant.value}
    outputs = (naming - grants) | via_grant
    found: dict[str, set[str]] = {w: set() for w in outputs}
    for work, cls in types:
        if work in found and cls in _WORK_CLASSES:
            found[work].add(cls)
    return found


def version_pairs(summary: MetricsSummaryDb, items: Sequence[str]) -> set[tuple[str, str]]:
    """(item, node) for every node an item's metrics roll up over besides itself (``metrics_version_scope``)."""
    up = _linked(summary, items, IS_VERSION_OF, HAS_VERSION)
    down = _linked(summary, items, HAS_VERSION, IS_VERSION_OF)
    below = _linked(summary, sorted({c for _, c in up}), HAS_VERSION, IS_VERSION_OF)
    versions: dict[str, set[str]] = {}
    for concept, node in below:
        versions.setdefault(concept, set()).add(node)
    return up | down | {(item, node) for item, concept in up for node in versions.get(concept, ())}


def _linked(summary: MetricsSummaryDb, nodes: Sequence[str], forward: str, backward: str) -> set[tuple[str, str]]:
    """(node, other) for ``node forward other`` and ``other backward node``."""
    return summary.objects(forward, nodes) | summary.subjects(backward, nodes)


def citation_rows(summary: MetricsSummaryDb, cited: Iterable[str]
                  ) -> list[tuple[str | None, str | None, str | None, str | None]]:
    """(cited, citing, date, class) rows as ``metrics_citations`` gives them (date and class None when
    the citing work has none)."""
    pairs = summary.subjects(CITES, cited)
    citers = sorted({c for _, c in pairs})
    dates: dict[str, list[str | None]] = {}
    for work, date in summary.objects(DATE, citers):
        dates.setdefault(work, []).append(date)
    classes: dict[str, list[str | None]] = {}
    for work, cls in summary.objects(TYPE, citers):
        if cls in _WORK_CLASSES:
            classes.setdefault(work, []).append(cls)
    return [(target, citing, date, cls) for target, citing in sorted(pairs)
            for date in dates.get(citing, [None]) for cls in classes.get(citing, [None])]


def build_summary_rows(store: Store, rows: Iterable[tuple[str, str, str, str]] | None = None) -> int:
    """Build the store's metrics summary again from every record graph in it (the embedded store's index
    scans, else ``metrics_summary_rows`` read a few graphs at a time: a server's), or from ``rows`` (graph,
    subject, predicate, object: those of the shards a server was loaded from); the number of record
    graphs with rows. Loads keep the summary current: this is for a store written around kg (``kg
    bulk-load``, SPARQL Updates, another process writing to a server) or opened with none."""
    return store.metrics_summary.rebuild(rows if rows is not None else store.summary_scan() or _store_rows(store))


def upgrade_summary(store: Store) -> bool:
    """Bring a complete metrics summary of version 4 to this version in place (:meth:`MetricsSummaryDb.upgrade`:
    the rows of the predicates it lacked, scanned from the embedded store's indexes, and the cited-as
    sample made from its rows), or one of this version without a table an earlier kg did not keep (made from
    its rows); False, nothing done, when it is of no such version or the store has no scan (then
    :func:`build_summary_rows` builds it whole)."""
    if not store.metrics_summary.upgradable:
        return False
    rows = store.summary_scan(ADDED_IN_5)
    if rows is None:
        return False
    store.metrics_summary.upgrade(rows)
    return True


def _store_rows(store: Store) -> Iterator[tuple[str, str, str, str]]:
    # the meta graph's rows are not the summary's (the query leaves them out): not asked of, a server's
    # engine would read every statement of it (half a million at 10M quads) to find none
    for graph, s, p, o in store.rows_by_graph(load_query("metrics_summary_rows").text, "graph", apart=(META_GRAPH,)):
        if isinstance(graph, NamedNode) and s is not None and isinstance(p, NamedNode) and o is not None \
                and p.value in PREDICATES:
            yield graph.value, term_text(s, graph.value), p.value, term_text(o, graph.value)
