"""DataCite's filters of a list of works (``query``, ``resourceTypeId``, ``published``, ``hasCitations``,
``hasViews``, ``hasDownloads``), applied to the IRIs of a list through the request's DataLoaders, and
the work figures they filter on (``viewCount``, ``downloadCount``, ``citationCount``).

DataCite's ``query`` is Elasticsearch query text; kg reads the part of it its notebooks use: words
that a title contains (``"Machine learning"``), joined by ``AND``, and the fields
``fundingReferences.awardNumber:...`` and ``types.resourceTypeGeneral:...``. Anything else names
what it does not read.

>>> parse_query('fundingReferences.awardNumber:777523 AND "lake malawi"')
Query(words=('lake malawi',), fields=(('fundingReferences.awardNumber', '777523'),))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from kg.batches import LinkRecord, MetricsRecord, WorkRecord
from kg.errors import BadRequestError
from kg.vocab import SCHEMA
from kg.web.graphql.context import KgInfo
from kg.web.graphql.links import CITATIONS, merge
from kg.web.graphql.metadata import kind_of, resource_type_general, text_type, year_of

T = TypeVar("T")

#: the fields of DataCite's query text kg reads
QUERY_FIELDS = ("fundingReferences.awardNumber", "types.resourceTypeGeneral")
#: the most terms a query may join with AND (each word is a search of every title)
MAX_TERMS = 10
#: the sources whose usage figures are DataCite's viewCount and downloadCount, preferred first
USAGE_SOURCES = ("datacite", "zenodo")


@dataclass(frozen=True)
class Query:
    """DataCite query text, read: the words titles contain, and field:value terms."""

    words: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


def parse_query(text: str | None) -> Query:
    """The words and fields of DataCite query text (terms joined by ``AND``)."""
    if not text or not text.strip():
        return Query()
    words: list[str] = []
    fields: list[tuple[str, str]] = []
    terms = re.split(r"\s+AND\s+", text.strip())
    if len(terms) > MAX_TERMS:
        raise BadRequestError("query", f"joins {len(terms)} terms with AND; at most {MAX_TERMS}", text)
    for term in terms:
        found = re.fullmatch(r"([A-Za-z][\w.]*):(.+)", term)
        if found and ("." in found.group(1) or found.group(1) in QUERY_FIELDS):
            if found.group(1) not in QUERY_FIELDS:
                raise BadRequestError("query", f"kg reads only these fields of a query: {', '.join(QUERY_FIELDS)}",
                                      text)
            fields.append((found.group(1), found.group(2).strip().strip('"')))
        elif term.strip().strip('"'):
            words.append(term.strip().strip('"').lower())
    return Query(tuple(words), tuple(fields))


@dataclass(frozen=True)
class WorkFilters:
    """DataCite's filters of a list of works; None filters nothing."""

    query: str | None = None
    resource_type_id: str | None = None
    published: str | None = None
    has_citations: int | None = None
    has_views: int | None = None
    has_downloads: int | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.query, self.resource_type_id, self.published, self.has_citations,
                                       self.has_views, self.has_downloads))


def usage_figure(record: MetricsRecord, figure: str) -> int | None:
    """DataCite's viewCount (``version_views``) or downloadCount (``version_downloads``) of a work: the
    figure of this version alone, from the newest observation of DataCite's record (else Zenodo's);
    None when no source reported one (DataCite's 0 for a repository sending no reports is not kept)."""
    found = [u for u in record.usage if u.work == record.item and u.source in USAGE_SOURCES
             and getattr(u, figure) is not None]
    if not found:
        return None
    best = max(found, key=lambda u: (-USAGE_SOURCES.index(u.source), u.observed_at))
    value: int = getattr(best, figure)
    return value


def matches_type(record: WorkRecord, resource_type_id: str) -> bool:
    """Whether a work is of DataCite's resourceTypeGeneral ``resource_type_id`` (case-blind); ``Text``
    takes in journal articles, and ``Dissertation`` is a work its source types so."""
    wanted = resource_type_id.replace("_", "").replace("-", "").lower()
    general = (resource_type_general(record) or "").lower()
    own = {t.replace(" ", "").lower() for t in record.values(SCHEMA.additionalType)}
    if wanted == "text":
        return kind_of(record) == "ScholarlyArticle" or text_type(record) is not None
    return wanted == general or wanted in own


async def keep(info: KgInfo, iris: Sequence[str], filters: WorkFilters) -> list[str]:
    """The IRIs that pass every filter, in their order."""
    found = list(iris)
    if filters.empty or not found:
        return found
    parsed = parse_query(filters.query)
    for word in parsed.words:
        titled = set(await run_in_threadpool(info.context.graph.find, word))
        found = [i for i in found if i in titled]
    if parsed.fields or filters.resource_type_id or filters.published:
        records = {r.iri: r for r in await info.context.loaders.works.load_many(found)}
        types = [v for k, v in parsed.fields if k == "types.resourceTypeGeneral"]
        if filters.resource_type_id:
            types.append(filters.resource_type_id)
        found = [i for i in found if all(matches_type(records[i], t) for t in types)]
        if filters.published:
            found = [i for i in found if str(year_of(records[i])) == filters.published.strip()]
    awards = [v for k, v in parsed.fields if k == "fundingReferences.awardNumber"]
    if awards and found:
        funding = await info.context.loaders.funding.load_many(found)
        found = [i for i, fs in zip(found, funding, strict=True)
                 if all(any(f.award == a for f in fs) for a in awards)]
    if (filters.has_views or filters.has_downloads) and found:
        figures = await info.context.loaders.metrics.load_many(found)
        for least, figure in ((filters.has_views, "version_views"), (filters.has_downloads, "version_downloads")):
            if least:
                kept = [(i, m) for i, m in zip(found, figures, strict=True) if (usage_figure(m, figure) or 0) >= least]
                found, figures = [i for i, _ in kept], [m for _, m in kept]
    if filters.has_citations and found:
        links = await info.context.loaders.links.load_many(found)
        found = [i for i, lk in zip(found, links, strict=True) if len(merge(lk, _cited)) >= filters.has_citations]
    return found


def _cited(link: LinkRecord) -> bool:
    out, inward = CITATIONS
    return link.relation in (out if link.direction == "out" else inward)


def head(items: list[T], first: int | None) -> list[T]:
    """The first ``first`` items (all of them for None): DataCite's ``titles(first:)``, ``creators(first:)``."""
    if first is None:
        return items
    if first < 0:
        raise BadRequestError("first", "must not be negative", first)
    return items[:first]
