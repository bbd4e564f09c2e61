"""Reuse metrics of a work: its citations alone and rolled up over every version of its concept,
its usage and the counts the sources reported (from the building blocks of :mod:`kg.metrics`)."""

from __future__ import annotations

import strawberry
from starlette.concurrency import run_in_threadpool

from kg import metrics
from kg.batches import MetricsRecord
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.metadata import YearTotal


def years(citing: dict[str, str]) -> list[YearTotal]:
    """Citing works per year, years without a date left out."""
    counts: dict[int, int] = {}
    for year in citing.values():
        if year.isdigit():
            counts[int(year)] = counts.get(int(year), 0) + 1
    return [YearTotal(year=y, total=counts[y]) for y in sorted(counts)]


@strawberry.type(description="Views and downloads one source reported (never counted as citations).")
class Usage:
    work: strawberry.ID
    source: str
    observed_at: str
    views: int | None
    downloads: int | None
    unique_views: int | None
    unique_downloads: int | None
    version_views: int | None
    version_downloads: int | None

    @classmethod
    def from_domain(cls, u: metrics.UsageFigures) -> Usage:
        return cls(work=strawberry.ID(u.work), source=u.source, observed_at=u.observed_at, views=u.views,
                   downloads=u.downloads, unique_views=u.unique_views, unique_downloads=u.unique_downloads,
                   version_views=u.version_views, version_downloads=u.version_downloads)


@strawberry.type(description="A count as a source reported it, not computed by kg: shown beside kg's own counts "
                             "(citationCount, referenceCount), never added to them.")
class SourceCount:
    work: strawberry.ID
    metric: str = strawberry.field(description='What it counts: "citations" (Crossref is-referenced-by-count, '
                                               'DataCite citationCount), "references" (Crossref reference-count) '
                                               'or "versions" (Zenodo\'s count of a concept\'s versions).')
    source: str = strawberry.field(description='The source that reported it, e.g. "crossref".')
    count: int
    retrieved: str | None = strawberry.field(description="When the record reporting it was retrieved (ISO date-time).")
    graph: strawberry.ID = strawberry.field(description="The record graph stating it.")
    as_of: str | None = strawberry.field(default=None, description=(
        "When the source counted it, when that is not when it was retrieved: a Crossref record's counts are as "
        "of its indexed date (ISO date-time)."))

    @classmethod
    def from_domain(cls, s: metrics.SourceCount) -> SourceCount:
        return cls(work=strawberry.ID(s.work), metric=s.metric, source=s.source, count=s.count,
                   retrieved=s.retrieved, graph=strawberry.ID(s.graph), as_of=s.as_of)


@strawberry.type(description="How many versions a work has: kg's count of the versions in this graph beside what "
                             "the sources say (the highest number one gives a loaded version, the counts they "
                             "report), each labelled, never mixed: the item page's and the metrics JSON's answer.")
class VersionCounts:
    in_graph: int = strawberry.field(description="Versions in this graph: the work and every version of it its "
                                                 "citations roll up over (versionsRolledUp), the concept not counted.")
    concept: bool = strawberry.field(description="Whether its concept (Zenodo's 'all versions' DOI) is in this graph.")
    numbered: int | None = strawberry.field(
        description="The highest number a source gives a version in this graph (kg:versionIndex, from 1): at least "
                    "that many versions exist, however many are loaded; null when no source numbers them.")
    reported: list[SourceCount] = strawberry.field(
        description='The counts of versions the sources report (metric "versions": Zenodo\'s of the concept), each '
                    "with its source, record and date; never added to inGraph.")

    @classmethod
    def from_domain(cls, v: metrics.VersionCounts) -> VersionCounts:
        return cls(in_graph=v.in_graph, concept=v.concept, numbered=v.numbered,
                   reported=[SourceCount.from_domain(s) for s in v.reported])


@strawberry.type(description="Citations of the work alone and of all its versions together.")
class WorkMetrics:
    citation_count: int
    citations_over_time: list[YearTotal]
    all_versions_citation_count: int = strawberry.field(
        description="Distinct works citing the work, its concept or any version of it.")
    all_versions_citations_over_time: list[YearTotal]
    versions_rolled_up: list[strawberry.ID] = strawberry.field(
        description="The nodes rolled up: the work, its concept and every version.")
    usage: list[Usage]
    source_counts: list[SourceCount] = strawberry.field(
        description="Citation and reference counts as the sources reported them, each with its source and date.")
    record: strawberry.Private[MetricsRecord]

    @described("How many versions the work has: kg's count beside the sources' (item metrics' version_counts).")
    async def version_counts(self, info: KgInfo) -> VersionCounts:
        # a query only for a work with versions or a reported count (most works: none)
        found = await run_in_threadpool(metrics.version_counts, info.context.store, self.record.versions,
                                        [s for s in self.record.source_counts if s.metric == "versions"])
        return VersionCounts.from_domain(found)

    @classmethod
    def from_domain(cls, record: MetricsRecord) -> WorkMetrics:
        return cls(citation_count=len(record.citing), citations_over_time=years(record.citing),
                   all_versions_citation_count=len(record.all_versions_citing),
                   all_versions_citations_over_time=years(record.all_versions_citing),
                   versions_rolled_up=[strawberry.ID(v) for v in record.versions],
                   usage=[Usage.from_domain(u) for u in record.usage],
                   source_counts=[SourceCount.from_domain(s) for s in record.source_counts], record=record)
