"""Reuse of one item: its citations alone and rolled up over all versions of its concept, beside
its usage (views, downloads) and the citation counts its sources reported, never added together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pyoxigraph import NamedNode

from kg.errors import BadRequestError
from kg.metrics.counting import (
    UNKNOWN,
    Citations,
    CitingWork,
    citing_works,
    incoming,
    most_specific_kind,
    relation_counts,
    summarise_citations,
    term_int,
    term_text,
    version_scopes,
)
from kg.metrics.summarised import summary_of
from kg.metrics.versions import VersionCounts, version_counts
from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.store.summary import CITES, LINKS, STATUS, MetricsSummaryDb
from kg.store.summary_reads import Tallies, citation_tallies
from kg.vocab import KG, curie
from kg.works import WORK_CLASSES, WorkStatus, resolve, statuses


@dataclass(frozen=True)
class UsageFigures:
    """The latest usage observation one source reported for one work."""

    work: str
    source: str
    graph: str
    observed_at: str
    #: all versions together (Zenodo's concept figures)
    views: int | None = None
    downloads: int | None = None
    unique_views: int | None = None
    unique_downloads: int | None = None
    #: this version only
    version_views: int | None = None
    version_downloads: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"work": self.work, "source": self.source, "graph": self.graph, "observed_at": self.observed_at,
                "views": self.views, "downloads": self.downloads, "unique_views": self.unique_views,
                "unique_downloads": self.unique_downloads, "version_views": self.version_views,
                "version_downloads": self.version_downloads}


#: what a reported count counts, by the property holding it
REPORTED_METRICS = {KG.sourceCitationCount.value: "citations", KG.referenceCount.value: "references",
                    KG.sourceWorkCount.value: "works", KG.sourceVersionCount.value: "versions"}


@dataclass(frozen=True)
class SourceCount:
    """A count as a source reported it (not computed by kg): of citations (Crossref
    ``is-referenced-by-count``, DataCite ``citationCount``), of references (Crossref ``reference-count``)
    or of a funder's works (Crossref ``work-count``), with the record that said so and when it was retrieved."""

    #: the work (or funder) counted
    work: str
    source: str
    graph: str
    count: int
    #: "citations", "references", "works" or "versions"
    metric: str = "citations"
    #: when the record reporting it was retrieved (ISO date-time), when the provenance says
    retrieved: str | None = None
    #: when the source counted it, when that is not when it was retrieved: a Crossref record's counts are as
    #: of its indexed date (``kg:sourceModified``), which may be years before a dump file was read
    as_of: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"work": self.work, "source": self.source, "graph": self.graph, "count": self.count,
                "metric": self.metric, "retrieved": self.retrieved, "as_of": self.as_of}


@dataclass(frozen=True)
class ItemMetrics:
    """Reuse of one item: its own citations, the citations of all versions of its concept, its
    usage and the counts its sources reported."""

    item: str
    #: the nodes rolled up: the item, its concept and every version of it (just the item if none)
    versions: tuple[str, ...]
    citations: Citations
    all_versions: Citations
    #: views and downloads, latest per work and source; never citations
    usage: tuple[UsageFigures, ...] = ()
    #: citation counts as the sources reported them, for the item and each node rolled up
    source_counts: tuple[SourceCount, ...] = ()
    #: reference counts as the sources reported them (Crossref ``reference-count``), for the item and each node
    source_reference_counts: tuple[SourceCount, ...] = ()
    #: the statuses (retracted, withdrawn, ...) of the item, its versions and the citing works listed,
    #: for those that have any: a citation from a retracted paper still counts, and says so
    statuses: dict[str, tuple[WorkStatus, ...]] = field(default_factory=dict)
    #: version counts as the sources reported them (Zenodo's of a concept), beside ``versions``, never in place
    source_version_counts: tuple[SourceCount, ...] = ()
    #: the page of citing works listed (``citations.citing``, ``all_versions.citing``; the counts are of all)
    page: CitingPage | None = None
    #: its versions counted: in this graph, beside the sources' count and numbers (one answer for every view)
    version_counts: VersionCounts | None = None

    def as_dict(self) -> dict[str, object]:
        return {"item": self.item, "versions": list(self.versions), "citations": self.citations.as_dict(),
                "all_versions": self.all_versions.as_dict(), "usage": [u.as_dict() for u in self.usage],
                "source_counts": [s.as_dict() for s in self.source_counts],
                "source_reference_counts": [s.as_dict() for s in self.source_reference_counts],
                "statuses": {w: [m.as_dict() for m in marks] for w, marks in self.statuses.items()},
                "source_version_counts": [s.as_dict() for s in self.source_version_counts],
                "citing_page": self.page.as_dict() if self.page else None,
                "version_counts": self.version_counts.as_dict() if self.version_counts else None}


#: citing works listed by default (``citing_limit``): the counts are of every one
CITING_PAGE = 20


@dataclass(frozen=True)
class CitingPage:
    """Which citing works an answer lists: the ``limit`` from ``offset`` on, most recent first (by year,
    those without one last, then by IRI), in ``citations`` and in ``all_versions`` alike; ``next``, the
    offset of the next page while either list goes on (None: none does). ``limit`` None: every one."""

    offset: int = 0
    limit: int | None = CITING_PAGE
    next: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"offset": self.offset, "limit": self.limit, "next": self.next}

    def cut(self, citations: Citations) -> Citations:
        """The citations with only this page of their citing works listed (their counts untouched)."""
        ordered = sorted(citations.citing, key=lambda w: (w.year == UNKNOWN, _newest(w.year), w.iri))
        end = None if self.limit is None else self.offset + self.limit
        return replace(citations, citing=tuple(ordered[self.offset:end]))


def _newest(year: str) -> int:
    return -int(year) if year.isdigit() else 0


def usage(store: Store, works: Sequence[str]) -> tuple[UsageFigures, ...]:
    """The latest usage observation of each work from each source."""
    if not works:
        return ()
    latest: dict[tuple[str, str], UsageFigures] = {}
    for row in select_chunked(store, load_query("metrics_usage").text, {"work": [NamedNode(w) for w in works]}).rows:
        work, source, graph, observed = (term_text(t) for t in row[:4])
        if work is None or source is None or graph is None or observed is None:
            continue
        figures = UsageFigures(work, source, graph, observed, *(term_int(t) for t in row[4:]))
        kept = latest.get((work, source))
        if kept is None or (kept.observed_at, kept.graph) < (observed, graph):
            latest[(work, source)] = figures
    return tuple(latest[k] for k in sorted(latest))


def reported_counts(store: Store, works: Sequence[str]) -> tuple[SourceCount, ...]:
    """The citation and reference counts the sources reported for each work, one per record graph and metric."""
    if not works:
        return ()
    found = []
    for work, metric, source, graph, count, retrieved in select_chunked(
            store, load_query("metrics_source_counts").text, {"work": [NamedNode(w) for w in works]}).values():
        if work is not None and metric is not None and source is not None and graph is not None and count is not None:
            found.append(SourceCount(work, source, graph, int(count), REPORTED_METRICS.get(metric, metric), retrieved))
    if indexed := sorted({s.graph for s in found if s.source == "crossref"}):
        dated = {g: modified for g, modified in select_chunked(store, load_query("graph_modified").text,
                                                               {"g": [NamedNode(g) for g in indexed]}).values()}
        found = [replace(s, as_of=dated.get(s.graph)) if s.source == "crossref" else s for s in found]
    return tuple(sorted(found, key=lambda s: (s.work, s.metric, s.source, s.graph)))


def source_counts(store: Store, works: Sequence[str]) -> tuple[SourceCount, ...]:
    """The citation counts the sources reported for each work, one per record graph."""
    return tuple(s for s in reported_counts(store, works) if s.metric == "citations")


def item_metrics(store: Store, identifier: str, citing_limit: int | None = CITING_PAGE,
                 citing_offset: int = 0) -> ItemMetrics:
    """Citations of one item, alone and rolled up over all versions of its concept, beside its
    usage and the counts its sources reported. Every count is of every citing work; the citing works
    themselves are listed a page at a time (:class:`CitingPage`: ``citing_limit`` from ``citing_offset``,
    most recent first; ``citing_limit=None`` lists every one).

    :param identifier: any form :func:`kg.works.resolve` accepts (DOI, PDB ID, IRI, ...)
    :raises NotFoundError: nothing in the graph is named so
    :raises IdentifierError: the identifier is malformed
    :raises BadRequestError: ``citing_limit`` under 1 or ``citing_offset`` under 0

    >>> from kg.store import Store
    >>> item_metrics(Store.open(None), "not an id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.IdentifierError: not a valid identifier: 'not an id' (...)
    """
    if citing_limit is not None and citing_limit < 1:
        raise BadRequestError("citing_limit", "must be 1 or more (None: every citing work)", citing_limit)
    if citing_offset < 0:
        raise BadRequestError("citing_offset", "must be 0 or more", citing_offset)
    node = resolve(store, identifier)
    scope = version_scopes(store, [node])[node.value]
    reported = reported_counts(store, scope)
    summary = summary_of(store)
    if summary is not None:  # counted in SQLite, only the page's citing works read
        own, every = _summarised(store, summary, node.value, scope, citing_limit, citing_offset)
    else:
        cited = citing_works(store, scope)
        pointing = incoming(store, scope)  # once for both: the item's are among its scope's
        own, every = (summarise_citations(store, nodes, cited, scope, pointing) for nodes in ([node.value], scope))
    end = None if citing_limit is None else citing_offset + citing_limit
    page = CitingPage(citing_offset, citing_limit, end if end is not None and end < max(own.total, every.total)
                      else None)
    if summary is None:
        own, every = page.cut(own), page.cut(every)
    return ItemMetrics(
        item=node.value, versions=scope, citations=own, all_versions=every,
        usage=usage(store, scope), source_counts=tuple(r for r in reported if r.metric == "citations"),
        source_reference_counts=tuple(r for r in reported if r.metric == "references"),
        statuses=_statuses(store, [*scope, *(c.iri for c in (*own.citing, *every.citing))]), page=page,
        source_version_counts=tuple(r for r in reported if r.metric == "versions"),
        version_counts=version_counts(store, scope, [r for r in reported if r.metric == "versions"]))


def _summarised(store: Store, summary: MetricsSummaryDb, item: str, scope: Sequence[str], limit: int | None, offset: int
                ) -> tuple[Citations, Citations]:
    """The item's citations and its scope's, from the metrics summary: the citing works counted in total, by
    year and by class in SQLite (:func:`kg.store.summary_reads.citation_tallies`), the page of them listed
    read as text, the other relations (``kg:isSupplementedBy``, ...) as :func:`~kg.metrics.counting.incoming`
    reads them (few: no item is linked so as often as it is cited)."""
    own, every = citation_tallies(summary, item, scope, _CLASSES, limit, offset)
    links = summary.linking(scope, [p for p in LINKS if p != CITES])
    names = {relation: curie(relation) for relation in {r for r, _, _ in links}}
    rows = {(names[relation], work, target) for relation, work, target in links}
    cites = curie(CITES)

    def citations(tally: Tallies, nodes: Sequence[str]) -> Citations:
        by_relation = relation_counts(store, nodes, scope, rows)
        if tally.outside:
            by_relation = {k: by_relation[k] if k != cites else tally.outside
                           for k in sorted({*by_relation, cites})}
        return Citations(tally.total, _ordered({_year(y): n for y, n in tally.by_year.items()}),
                         _ordered({_kind(r): n for r, n in tally.by_rank.items()}), by_relation,
                         tuple(CitingWork(iri, _year(year), _kind(rank)) for iri, year, rank in tally.page))
    return citations(own, [item]), citations(every, scope)


#: the work classes, most specific first, as the summary keeps them (a citing work's rank is its first)
_CLASSES = [c.value for c in WORK_CLASSES]


def _year(year: str | None) -> str:
    return UNKNOWN if year is None else year


def _kind(rank: int | None) -> str:
    return UNKNOWN if rank is None else most_specific_kind([_CLASSES[rank]])


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    """The counts with their keys sorted, the unknown bucket last (as :func:`~kg.metrics.counting.count_values`)."""
    return {k: counts[k] for k in sorted(counts, key=lambda k: (k == UNKNOWN, k))}


def _statuses(store: Store, works: Sequence[str]) -> dict[str, tuple[WorkStatus, ...]]:
    """The statuses of those of ``works`` that have any: asked of the store only for the works the metrics
    summary, when complete, says have one (most have none: a much-cited item's citers are not all read)."""
    wanted = list(dict.fromkeys(works))
    summary = summary_of(store)
    if summary is not None:
        marked = {w for w, _ in summary.objects(STATUS, wanted)}
        wanted = [w for w in wanted if w in marked]
    return statuses(store, [NamedNode(w) for w in wanted]) if wanted else {}


@dataclass(frozen=True)
class CitedBy:
    """How often a work is cited: by the works in this graph (kg's count, as the item page's "Cited
    by"), beside the counts its sources reported (never added to it)."""

    work: str
    in_graph: int
    reported: tuple[SourceCount, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"work": self.work, "inGraph": self.in_graph,
                "reported": [{"source": s.source, "count": s.count, "retrieved": s.retrieved} for s in self.reported]}


def cited_by(store: Store, works: Sequence[str]) -> dict[str, CitedBy]:
    """The citation counts of each of ``works``, kg's and the sources', in two queries however many works.

    >>> from kg.store import Store
    >>> cited_by(Store.open(None), ["https://doi.org/10.1/x"])
    {'https://doi.org/10.1/x': CitedBy(work='https://doi.org/10.1/x', in_graph=0, reported=())}
    """
    works = list(dict.fromkeys(works))
    cited = citing_works(store, works)
    reported = source_counts(store, works)
    return {w: CitedBy(w, len(cited.get(w, {})), tuple(s for s in reported if s.work == w)) for w in works}
