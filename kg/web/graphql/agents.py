"""People, organisations and funders, with DataCite's profile fields where kg holds them (names,
identifiers, affiliations, citation, view and download counts summed over their works) and their works
as DataCite lists them (``works``, ``datasets``, ``publications``, ``softwares``, with DataCite's
filters and facets); a funder also with the reuse metrics of its outputs
(:func:`kg.metrics.funder_metrics`)."""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from starlette.concurrency import run_in_threadpool

from kg.batches import AgentRecord, agent_works
from kg.metrics import PortfolioMetrics
from kg.vocab import OWL, SCHEMA
from kg.web.graphql.connection import DEFAULT_FIRST
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.filters import WorkFilters
from kg.web.graphql.lists import WorkConnection, summed_citations, summed_usage, work_list
from kg.web.graphql.metadata import Affiliation, YearTotal
from kg.web.graphql.work import Work, works_of


def _identifiers(record: AgentRecord) -> list[str]:
    return sorted({record.iri, *record.props.get(SCHEMA.identifier.value, ()), *record.props.get(OWL.sameAs.value, ())})


async def _iris(agent: Agent, info: KgInfo) -> list[str]:
    return await run_in_threadpool(agent_works, info.context.store, agent.record.iri, funded=agent.funded)


async def _agent_works(self: Agent, info: KgInfo, query: str | None = None, resource_type_id: str | None = None,
                       published: str | None = None, has_citations: int | None = None,
                       has_views: int | None = None, has_downloads: int | None = None,
                       first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection:
    filters = WorkFilters(query, resource_type_id, published, has_citations, has_views, has_downloads)
    return await work_list(info, await _iris(self, info), first, after, filters)


def _works_field(description: str) -> Any:
    """The agent's ``works``, described for one kind of agent."""
    return strawberry.field(resolver=_agent_works, description=description)


def _typed(general: str) -> Any:
    """The agent's works of one resourceTypeGeneral (DataCite's ``datasets``, ``publications``, ``softwares``)."""
    async def typed(self: Agent, info: KgInfo, query: str | None = None, published: str | None = None,
                    has_citations: int | None = None, has_views: int | None = None,
                    has_downloads: int | None = None, first: int = DEFAULT_FIRST,
                    after: str | None = None) -> WorkConnection:
        filters = WorkFilters(query, general, published, has_citations, has_views, has_downloads)
        return await work_list(info, await _iris(self, info), first, after, filters)

    return strawberry.field(resolver=typed, description=f"Its works of resourceTypeGeneral {general}.")


@strawberry.interface(description="A person, organisation or funder: what they share.")
class Agent:
    record: strawberry.Private[AgentRecord]
    #: whether the agent's works are those it funded (:func:`kg.batches.agent_works`)
    funded: ClassVar[bool] = False

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.iri)

    @described('"Person", "Organization" or "Funder".')
    def type(self) -> str:
        return type(self).__name__

    @strawberry.field
    def name(self) -> str | None:
        return self.record.name

    @described("Other names any source gives.")
    def alternate_name(self) -> list[str]:
        return sorted(self.record.props.get(SCHEMA.alternateName.value, ()))

    @described("Its IRI and the identifiers naming it (kg's strings; DataCite answers objects here).")
    def identifiers(self) -> list[str]:
        return _identifiers(self.record)

    @described("Citations of its works in this graph, summed over the works.")
    async def citation_count(self, info: KgInfo) -> int:
        return await summed_citations(info, await _iris(self, info))

    @described("Views of its works as their sources reported them, summed; null when none did.")
    async def view_count(self, info: KgInfo) -> int | None:
        return await summed_usage(info, await _iris(self, info), "version_views")

    @described("Downloads of its works as their sources reported them, summed; null when none did.")
    async def download_count(self, info: KgInfo) -> int | None:
        return await summed_usage(info, await _iris(self, info), "version_downloads")

    @described("Works the agent is author, creator, affiliation, publisher or funder of.")
    async def works(self, info: KgInfo, query: str | None = None, resource_type_id: str | None = None,
                    published: str | None = None, has_citations: int | None = None, has_views: int | None = None,
                    has_downloads: int | None = None, first: int = DEFAULT_FIRST,
                    after: str | None = None) -> WorkConnection:
        return await _agent_works(self, info, query, resource_type_id, published, has_citations, has_views,
                                  has_downloads, first, after)

    datasets = _typed("Dataset")
    publications = _typed("Text")
    softwares = _typed("Software")


@strawberry.type(description="A person: an author or creator, named by ORCID or by an IRI kg minted.")
class Person(Agent):
    @strawberry.field
    def given_name(self) -> str | None:
        return self.record.first(SCHEMA.givenName)

    @strawberry.field
    def family_name(self) -> str | None:
        return self.record.first(SCHEMA.familyName)

    @described("The affiliations its works give it, by IRI.")
    async def affiliation(self, info: KgInfo) -> list[Affiliation]:
        creators = await info.context.loaders.creators.load_many(await _iris(self, info))
        found = {i: n for cs in creators for c in cs if c.agent == self.record.iri for i, n in c.affiliations}
        return [Affiliation(id=strawberry.ID(i), name=found[i]) for i in sorted(found)]

    works = _works_field("Works the person is an author or creator of.")


@strawberry.type(description="An organisation: affiliation, publisher or funder (ROR, Funder ID or an IRI kg minted).")
class Organization(Agent):
    works = _works_field("Works it is author, creator, affiliation, publisher or funder of.")


@strawberry.type(description="A count of works of one class.")
class KindCount:
    kind: str
    count: int


@strawberry.type(description="One output of a funder and its citations.")
class OutputReuse:
    work: Work
    citation_count: int
    all_versions_citation_count: int


@strawberry.type(description="Reuse of a funder's outputs: versions rolled up, citations per year, the most cited.")
class FunderMetrics:
    output_count: int
    outputs_by_kind: list[KindCount]
    reused_count: int = strawberry.field(description="Outputs cited at least once, versions rolled up.")
    citing_work_count: int = strawberry.field(description="Distinct works citing any output or any version of one.")
    citations_over_time: list[YearTotal]
    top: list[OutputReuse]
    descendants: list[str] = strawberry.field(
        description="The funders below it in the Funder Registry's hierarchy, however deep (and their ROR IDs).",
        default_factory=list)
    ancestors: list[str] = strawberry.field(
        description="The funders above it in the Funder Registry's hierarchy: their withDescendants count its outputs "
                    "too.", default_factory=list)
    with_descendants: FunderMetrics | None = strawberry.field(
        description="The same figures over the funder and every funder below it, each output once (null: the "
                    "graph knows no funder below it).", default=None)


@strawberry.type(description="A funder (Crossref Funder ID or ROR).")
class Funder(Agent):
    funded = True
    works = _works_field("Works funded: naming the funder, or with a grant from it.")

    @strawberry.field
    async def metrics(self, info: KgInfo) -> FunderMetrics:
        found = await run_in_threadpool(info.context.graph.metrics.funder, self.record.iri)
        rolled = None if found.with_descendants is None else await _funder_metrics(info, found.with_descendants)
        own = await _funder_metrics(info, found)
        own.descendants, own.with_descendants, own.ancestors = list(found.descendants), rolled, list(found.ancestors)
        return own


async def _funder_metrics(info: KgInfo, found: PortfolioMetrics) -> FunderMetrics:
    works = await works_of(info, [t.iri for t in found.top])
    return FunderMetrics(
        output_count=found.outputs, reused_count=found.reused, citing_work_count=found.citing_works,
        outputs_by_kind=[KindCount(kind=k, count=n) for k, n in found.outputs_by_kind.items()],
        citations_over_time=[YearTotal(year=int(y), total=n) for y, n in found.citations_by_year.items()
                             if y.isdigit()],
        top=[OutputReuse(work=w, citation_count=t.citations, all_versions_citation_count=t.all_versions)
             for t, w in zip(found.top, works, strict=True)])
