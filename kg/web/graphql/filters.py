"""DataCite's filters of a list of works (``query``, ``resourceTypeId``, ``published``, ``hasCitations``,
``hasViews``, ``hasDownloads``, ``license``, ``repositoryId``, ``registrationAgency`` (the agency kg knows
for a work: :meth:`kg.batches.RecordFetches.agencies`); ``fieldOfScience`` and ``language`` only as null: kg
holds none), applied to the IRIs of a list through the request's DataLoaders, and the work figures they
filter on (``viewCount``, ``downloadCount``, ``citationCount``).

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
from dataclasses import dataclass, replace
from typing import Annotated, TypeVar

import strawberry
from starlette.concurrency import run_in_threadpool

from kg.batches import LinkRecord, MetricsRecord, WorkRecord
from kg.errors import BadRequestError
from kg.repositories import repositories, repository
from kg.vocab import SCHEMA
from kg.web.graphql.context import KgInfo
from kg.web.graphql.links import CITATIONS, merge
from kg.web.graphql.metadata import kind_of, resource_type_general, text_type, year_of

T = TypeVar("T")

#: the fields of DataCite's query text kg reads
QUERY_FIELDS = ("fundingReferences.awardNumber", "types.resourceTypeGeneral")
#: the most terms a query may join with AND (each word is a search of every title)
MAX_TERMS = 10
#: DataCite's filters of a list kg holds no data for (DataCite Commons sends them, null unless chosen): given a
#: value, a list answers an error naming the filter, never the unfiltered list
NOT_HELD = {"field_of_science": ("fieldOfScience", "kg keeps no subject scheme (OECD fields of science)"),
            "language": ("language", "kg keeps no language of works")}
#: DataCite's ``registrationAgency`` values (its agencies' ids) and the names the DOI Foundation's lookup gives
AGENCIES = {"crossref": "Crossref", "datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC", "kisti": "KISTI",
            "istic": "ISTIC", "op": "OP", "airiti": "Airiti", "cnki": "CNKI"}
#: DataCite's ``license`` argument (a Python parameter ``licence``: ``license`` is a builtin)
Licence = Annotated[str | None, strawberry.argument(
    name="license", description="A licence: its URL or statement as the source gives it, or a Creative Commons "
                                "licence's SPDX id (cc-by-4.0, cc0-1.0).")]
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
    #: a licence: its URL or statement as the source gives it, or an SPDX id of a Creative Commons licence
    license: str | None = None
    #: a repository of kg's table, by DOI prefix (10.5061) or name (Dryad)
    repository_id: str | None = None
    field_of_science: str | None = None
    language: str | None = None
    registration_agency: str | None = None

    @property
    def empty(self) -> bool:
        return all(v is None or v == "" for v in (
            self.query, self.resource_type_id, self.published, self.has_citations, self.has_views,
            self.has_downloads, self.license, self.repository_id, self.field_of_science, self.language,
            self.registration_agency))


def commons(query: str | None, resource_type_id: str | None, published: str | None, field_of_science: str | None,
            language: str | None, licence: str | None, registration_agency: str | None,
            repository_id: str | None) -> WorkFilters:
    """The filters DataCite Commons sends on every connection of a work (citations, references, parts, ...)."""
    return WorkFilters(query, resource_type_id, published, license=licence, repository_id=repository_id,
                       field_of_science=field_of_science, language=language, registration_agency=registration_agency)


def licence_matches(given: tuple[str, ...], wanted: str) -> bool:
    """Whether a work's licences (URLs or statements) include ``wanted``: the same text (case-blind,
    ``http``/``https`` and a final ``/`` aside), or an SPDX id and its spdx.org URL (Zenodo's) or, for a
    Creative Commons licence (``cc-by-4.0``, ``cc0-1.0``), its creativecommons.org URL.

    >>> licence_matches(("https://creativecommons.org/licenses/by/4.0/legalcode",), "CC-BY-4.0")
    True
    >>> licence_matches(("http://creativecommons.org/publicdomain/zero/1.0/",), "cc0-1.0")
    True
    >>> licence_matches(("https://spdx.org/licenses/CC-BY-4.0",), "cc-by-4.0")
    True
    >>> licence_matches(("https://creativecommons.org/licenses/by-nc/4.0",), "cc-by-4.0")
    False
    """
    def plain(text: str) -> str:
        return re.sub(r"^https?://", "", text.strip().lower()).rstrip("/")
    want = plain(wanted)
    spdx = re.fullmatch(r"cc-([a-z-]+)-(\d\.\d)", want)
    path = (f"creativecommons.org/licenses/{spdx.group(1)}/{spdx.group(2)}" if spdx else
            "creativecommons.org/publicdomain/zero/1.0" if want == "cc0-1.0" else None)
    return any(plain(g) in (want, f"spdx.org/licenses/{want}")
               or (path is not None and (plain(g) == path or plain(g).startswith(path + "/"))) for g in given)


def repository_prefix(repository_id: str) -> str:
    """The DOI prefix of a repository of kg's table, by prefix or name; an error naming ``repositoryId``
    for others (DataCite's account IDs such as ``dryad.dryad`` name nothing kg holds)."""
    table = repositories()
    key = repository_id.strip()
    if key in table:
        return key
    found = next((r for r in table.values() if r.name.lower() == key.lower()), None)
    if found is None:
        raise BadRequestError("repositoryId", "names no repository of kg's table (a DOI prefix such as 10.5061, "
                                              "or a name such as Dryad; DataCite's account IDs are not kept)",
                              repository_id)
    return found.prefix


def check_held(filters: WorkFilters) -> None:
    """An error naming the first filter given a value that kg holds no data to apply."""
    for name, (argument, why) in NOT_HELD.items():
        value = getattr(filters, name)
        if value:
            raise BadRequestError(argument, f"cannot be applied: {why}", value)


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


def agency_of(registration_agency: str) -> str:
    """The agency DataCite's ``registrationAgency`` value names (its id, or the name, case-blind), as kg's
    lookups name it; an error naming the argument for any other.

    >>> agency_of("datacite"), agency_of(" mEDRA ")
    ('DataCite', 'mEDRA')
    """
    wanted = registration_agency.strip().lower()
    if wanted not in AGENCIES:
        raise BadRequestError("registrationAgency", f"names no DOI registration agency; one of {', '.join(AGENCIES)}",
                              registration_agency)
    return AGENCIES[wanted]


@strawberry.type(description="A DOI registration agency (DataCite's RegistrationAgency): id crossref, datacite, medra, "
                             "...; name Crossref, DataCite, mEDRA, ...")
class RegistrationAgency:
    id: strawberry.ID
    name: str

    @classmethod
    def named(cls, name: str) -> RegistrationAgency:
        """The agency as DataCite names it, from the name kg's lookups give (an agency DataCite has no id for
        keeps its name, lower case, as id)."""
        found = next((k for k, v in AGENCIES.items() if v.lower() == name.lower()), name.lower())
        return cls(id=strawberry.ID(found), name=AGENCIES.get(found, name))


async def agencies(info: KgInfo, iris: Sequence[str]) -> list[str | None]:
    """Each work's DOI registration agency as kg knows it, by name (the request's ``agencies`` DataLoader:
    :meth:`kg.batches.RecordFetches.agencies`, the one function the field, the facet and the filter read);
    None for a work kg knows no agency of."""
    return list(await info.context.loaders.agencies.load_many(list(iris)))


async def by_agency(info: KgInfo, iris: Sequence[str], registration_agency: str) -> tuple[list[str], int]:
    """The IRIs of works the agency registered, in their order, and how many of ``iris`` have no agency kg
    knows (left out: neither their DOI's nor its prefix's lookup nor a record from Crossref or DataCite)."""
    wanted = agency_of(registration_agency)
    found = await agencies(info, iris)
    return [i for i, a in zip(iris, found, strict=True) if a == wanted], sum(1 for a in found if a is None)


async def keep(info: KgInfo, iris: Sequence[str], filters: WorkFilters) -> list[str]:
    """The IRIs that pass every filter, in their order."""
    return (await keep_counted(info, iris, filters))[0]


async def keep_counted(info: KgInfo, iris: Sequence[str], filters: WorkFilters) -> tuple[list[str], int | None]:
    """The IRIs that pass every filter, in their order, and how many of those passing the others were left out
    because kg knows no registration agency of theirs (None: no ``registrationAgency`` given)."""
    if filters.registration_agency:
        agency_of(filters.registration_agency)  # a name of none answers its error before any work is done
        others = await keep(info, iris, replace(filters, registration_agency=None))
        return await by_agency(info, others, filters.registration_agency)
    found = list(iris)
    if filters.empty:
        return found, None
    check_held(filters)
    if filters.repository_id:
        prefix = repository_prefix(filters.repository_id)
        found = [i for i in found if (r := repository(i)) is not None and r.prefix == prefix]
    if not found:
        return found, None
    parsed = parse_query(filters.query)
    for word in parsed.words:
        titled = set(await run_in_threadpool(info.context.graph.find, word))
        found = [i for i in found if i in titled]
    if parsed.fields or filters.resource_type_id or filters.published or filters.license:
        records = {r.iri: r for r in await info.context.loaders.works.load_many(found)}
        types = [v for k, v in parsed.fields if k == "types.resourceTypeGeneral"]
        if filters.resource_type_id:
            types.append(filters.resource_type_id)
        found = [i for i in found if all(matches_type(records[i], t) for t in types)]
        if filters.published:
            found = [i for i in found if str(year_of(records[i])) == filters.published.strip()]
        if filters.license:
            found = [i for i in found if licence_matches(records[i].values(SCHEMA.license), filters.license)]
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
    return found, None


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
