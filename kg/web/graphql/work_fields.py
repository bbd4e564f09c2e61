"""The metadata fields of a work, named and shaped as DataCite's ``DoiItem`` has them (``titles``,
``descriptions``, ``dates``, ``rights``, ``subjects``, ``creators``, ``fundingReferences``, ``types``,
``type``, ``repository``, ``viewCount``, ``downloadCount``), with ``null`` or an empty list where kg
holds nothing: the base of the :class:`kg.web.graphql.work.Work` interface."""

from __future__ import annotations

from contextlib import suppress
from enum import Enum
from html import escape
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from kg import ids
from kg.batches import MetricsRecord, WorkRecord
from kg.citing.record import page_bounds
from kg.errors import IdentifierError, NotFoundError
from kg.repositories import repository
from kg.vocab import KG, RDF, SCHEMA
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.filters import USAGE_SOURCES, RegistrationAgency, agencies, head, usage_figure
from kg.web.graphql.metadata import (
    Container,
    Contributor,
    Creator,
    Date,
    Description,
    FundingReference,
    Identifier,
    ResourceType,
    Rights,
    Subject,
    Title,
    year_of,
)

if TYPE_CHECKING:
    from kg.web.graphql.repository import Repository


def concept_figure(record: MetricsRecord, figure: str) -> int | None:
    """A concept's ``views`` or ``downloads``: the all-versions figure of the newest observation of one of
    its versions (Zenodo's record of every version repeats them: read, never summed over the versions);
    None when there is none."""
    found = [u for u in record.usage if u.work != record.item and u.work in record.versions
             and u.source in USAGE_SOURCES and getattr(u, figure) is not None]
    if not found:
        return None
    value: int = getattr(max(found, key=lambda u: (u.observed_at, u.graph)), figure)
    return value


@strawberry.enum(description="How formattedCitation is written: HTML (escaped) or plain text, as DataCite has it.")
class CitationFormat(Enum):
    html = "html"
    text = "text"


@strawberry.type
class WorkMetadata:
    record: strawberry.Private[WorkRecord]

    @described("The work's IRI: https://doi.org/... for anything with a DOI.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.iri)

    @described("The type of the item, DataCite's name of its object type: Dataset, Software, JournalArticle, "
               "Publication or Other.")
    def type(self) -> str:
        return type(self).__name__

    @property
    def _concept(self) -> bool:
        """Whether the work is a concept (all versions of a work, named by its concept DOI)."""
        return KG.Concept.value in self.record.values(RDF.type)

    @described("The DOI, lower case (null for a node without one); of a work only cited (no record of its own), "
               "the DOI its https://doi.org/ IRI names.")
    def doi(self) -> str | None:
        found = self.record.first(KG.doi)
        if found is None and self.record.iri.startswith(ids.DOI_BASE):
            with suppress(IdentifierError):
                return ids.doi_from_iri(self.record.iri)
        return found

    @described("The landing page.")
    def url(self) -> str | None:
        return self.record.first(SCHEMA.url)

    @described("Identifiers of the work: DOI, PDB ID, PubMed, PMC, arXiv.")
    def identifiers(self) -> list[Identifier]:
        return Identifier.all_of(self.record)

    @described("Titles from every source describing the work, longest first.")
    def titles(self, first: int | None = None) -> list[Title]:
        names = sorted(self.record.values(SCHEMA.name), key=lambda t: (-len(t), t))
        return head([Title(title=t) for t in names], first)

    @described("The name to show: its title, else the title (or wording) the works citing it give it most "
               "often, else its identifier with its kind (docs/data-model.md, Display names).")
    async def name(self, info: KgInfo) -> str:
        return (await info.context.loaders.names.load(self.record.iri)).name

    @described('Where the name comes from: "record", "cited-as by <citing DOI>" or "identifier".')
    async def name_source(self, info: KgInfo) -> str:
        return (await info.context.loaders.names.load(self.record.iri)).name_source

    @described("Abstracts (descriptionType Abstract) and other descriptions.")
    def descriptions(self, first: int | None = None) -> list[Description]:
        return head(Description.all_of(self.record), first)

    @described("Dates of the work: Issued (published) and Created, from every source.")
    def dates(self) -> list[Date]:
        return Date.all_of(self.record)

    @described("Licences and rights statements.")
    def rights(self) -> list[Rights]:
        return Rights.all_of(self.record)

    @described("Keywords and subjects.")
    def subjects(self) -> list[Subject]:
        return Subject.all_of(self.record)

    @described("The publisher's name (its IRI when it has no name); DataCite now answers an object here.")
    def publisher(self) -> str | None:
        iri = self.record.first(SCHEMA.publisher)
        return None if iri is None else self.record.labels.get(iri, iri)

    @described("The journal or book the work appeared in.")
    def container_title(self) -> str | None:
        return self.record.first(KG.containerTitle)

    @described("The earliest publication year any source gives.")
    def publication_year(self) -> int | None:
        return year_of(self.record)

    @described("The version string (software and data releases).")
    def version(self) -> str | None:
        return self.record.first(SCHEMA.version)

    @strawberry.field
    def types(self) -> ResourceType:
        return ResourceType.from_domain(self.record)

    @described("The repository holding the work, by its DOI prefix (kg's table of repositories); null for others.")
    def repository(self) -> Annotated[Repository, strawberry.lazy("kg.web.graphql.repository")] | None:
        doi = self.record.first(KG.doi)
        # the row itself: the Repository type answers from it (its module lists works, so imports this one)
        return cast("Repository | None", repository(doi) if doi else None)

    @described("The agency that registered the work's DOI, as kg knows it: its DOI's own lookup (doi-ra), else a "
               "record of it from Crossref's or DataCite's API, else its DOI prefix's lookup; null when kg knows none.")
    async def registration_agency(self, info: KgInfo) -> RegistrationAgency | None:
        name = (await agencies(info, [self.record.iri]))[0]
        return None if name is None else RegistrationAgency.named(name)

    @described("Authors and creators in list order.")
    async def creators(self, info: KgInfo, first: int | None = None) -> list[Creator]:
        found = await info.context.loaders.creators.load(self.record.iri)
        return head([Creator.from_domain(c) for c in found], first)

    @described("Editors and other contributors in list order; contributorType: kg knows only Editor, so asking for "
               "another type answers none.")
    async def contributors(self, info: KgInfo, contributor_type: str | None = None,
                           first: int | None = None) -> list[Contributor]:
        found = [Contributor.from_domain(c) for c in await info.context.loaders.contributors.load(self.record.iri)]
        return head([c for c in found if contributor_type is None or c.contributor_type == contributor_type], first)

    @described("The journal or book the work appeared in: its title and ISSN, and the work's volume, issue and pages.")
    def container(self) -> Container | None:
        title, issn, pages = (self.record.first(p) for p in (KG.containerTitle, KG.issn, SCHEMA.pagination))
        volume, issue = self.record.first(SCHEMA.volumeNumber), self.record.first(SCHEMA.issueNumber)
        if not (title or issn or volume or issue or pages):
            return None
        first, last = page_bounds(pages)
        return Container(title=title, identifier=issn, identifier_type="ISSN" if issn else None, volume=volume,
                         issue=issue, first_page=first, last_page=last)

    @strawberry.field
    async def funding_references(self, info: KgInfo) -> list[FundingReference]:
        return [FundingReference.from_domain(f) for f in await info.context.loaders.funding.load(self.record.iri)]

    @described("Views of this version, as DataCite (else Zenodo) last reported them; of a concept DOI, of all "
               "its versions as Zenodo reported them (never a sum of its versions'); null when no source did.")
    async def view_count(self, info: KgInfo) -> int | None:
        record = await info.context.loaders.metrics.load(self.record.iri)
        found = usage_figure(record, "version_views")
        return concept_figure(record, "views") if found is None and self._concept else found

    @described("Downloads of this version, as DataCite (else Zenodo) last reported them; of a concept DOI, of "
               "all its versions as Zenodo reported them (never a sum of its versions'); null when no source did.")
    async def download_count(self, info: KgInfo) -> int | None:
        record = await info.context.loaders.metrics.load(self.record.iri)
        found = usage_figure(record, "version_downloads")
        return concept_figure(record, "downloads") if found is None and self._concept else found

    @described("The work as a BibTeX entry, written from what kg holds (docs/api.md, Citations); null for a "
               "node kg knows only as a link target without a name.")
    def bibtex(self, info: KgInfo) -> str | None:
        try:
            return info.context.graph.cite(self.record.iri, "bibtex")
        except NotFoundError:
            return None

    @described("The work as a formatted citation in a CSL style (e.g. apa, vancouver, ieee) and locale, "
               "rendered with citeproc-py; an unknown style or locale is an error naming it.")
    def formatted_citation(self, info: KgInfo, format: CitationFormat = CitationFormat.html, locale: str = "en-US",
                           style: str = "apa") -> str | None:
        try:
            text = info.context.graph.cite(self.record.iri, "text", style, locale)
        except NotFoundError:
            return None
        return escape(text) if format is CitationFormat.html else text
