"""People, organisations and funders, with their names, identifiers and works (a connection); a
funder also with the reuse metrics of its outputs (:func:`kg.metrics.funder_metrics`)."""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from starlette.concurrency import run_in_threadpool

from kg.batches import AgentRecord, agent_works
from kg.vocab import OWL, SCHEMA
from kg.web.graphql.connection import DEFAULT_FIRST, Connection
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.metadata import YearTotal
from kg.web.graphql.work import Work, work_connection, works_of


def _identifiers(record: AgentRecord) -> list[str]:
    return sorted({record.iri, *record.props.get(SCHEMA.identifier.value, ()), *record.props.get(OWL.sameAs.value, ())})


async def _agent_works(self: Agent, info: KgInfo, first: int = DEFAULT_FIRST,
                       after: str | None = None) -> Connection[Work]:
    iris = await run_in_threadpool(agent_works, info.context.store, self.record.iri, funded=self.funded)
    return await work_connection(info, iris, first, after)


def _works_field(description: str) -> Any:
    """The agent's ``works``, described for one kind of agent."""
    return strawberry.field(resolver=_agent_works, description=description)


@strawberry.interface(description="A person, organisation or funder: what they share.")
class Agent:
    record: strawberry.Private[AgentRecord]
    #: whether the agent's works are those it funded (:func:`kg.batches.agent_works`)
    funded: ClassVar[bool] = False

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.iri)

    @strawberry.field
    def name(self) -> str | None:
        return self.record.first(SCHEMA.name)

    @strawberry.field
    def identifiers(self) -> list[str]:
        return _identifiers(self.record)

    @described("Works the agent is author, creator, affiliation, publisher or funder of.")
    async def works(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> Connection[Work]:
        return await _agent_works(self, info, first, after)


@strawberry.type(description="A person: an author or creator, named by ORCID or by an IRI kg minted.")
class Person(Agent):
    @strawberry.field
    def given_name(self) -> str | None:
        return self.record.first(SCHEMA.givenName)

    @strawberry.field
    def family_name(self) -> str | None:
        return self.record.first(SCHEMA.familyName)

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


@strawberry.type(description="A funder (Crossref Funder ID or ROR).")
class Funder(Agent):
    funded = True
    works = _works_field("Works funded: naming the funder, or with a grant from it.")

    @strawberry.field
    async def metrics(self, info: KgInfo) -> FunderMetrics:
        found = await run_in_threadpool(info.context.graph.metrics.funder, self.record.iri)
        works = await works_of(info, [t.iri for t in found.top])
        return FunderMetrics(
            output_count=found.outputs, reused_count=found.reused, citing_work_count=found.citing_works,
            outputs_by_kind=[KindCount(kind=k, count=n) for k, n in found.outputs_by_kind.items()],
            citations_over_time=[YearTotal(year=int(y), total=n) for y, n in found.citations_by_year.items()
                                 if y.isdigit()],
            top=[OutputReuse(work=w, citation_count=t.citations, all_versions_citation_count=t.all_versions)
                 for t, w in zip(found.top, works, strict=True)])
