"""The GraphQL schema: the root ``Query`` (DataCite's names: ``work``, ``works``, ``dataset``,
``datasets``, ``software``, ``softwares``, ``funder``, ``person``, ``organization``), built from
one part per concept, and the schema with the limits of :class:`kg.web.config.Settings`.

A new concept adds its own part to :data:`QUERY_PARTS` or :data:`MUTATION_PARTS`, as claims add
the ``traceClaim`` mutation (kg.web.graphql.claims).

>>> "work(id: ID!): Work" in sdl()
True
"""

from __future__ import annotations

from functools import cache

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.printer import print_schema
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graphql import GraphQLError
from kg import ids
from kg.errors import BadRequestError, IdentifierError
from kg.search import WorkFilter
from kg.web.config import Settings
from kg.web.graphql.agents import Funder, Organization, Person
from kg.web.graphql.connection import DEFAULT_FIRST, Connection, check_first
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.limits import extensions, should_mask
from kg.web.graphql.metadata import kind_of
from kg.web.graphql.mutations import ClaimMutations
from kg.web.graphql.work import Work, work_connection, works_of

#: kg classes each typed lookup accepts
_DATASET = {"Dataset", "StructureEntry"}
_SOFTWARE = {"SoftwareSourceCode"}


class KgSchema(strawberry.Schema):
    """Logs only unexpected errors: kg's own (a malformed or unknown identifier, a page too large)
    are the client's and are answered, not logged with a traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [e for e in errors if should_mask(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def iri_of(identifier: str) -> str:
    """The IRI an identifier names (any form kg.ids reads, or an IRI), without asking the store."""
    try:
        iri = ids.parse_identifier(identifier).iri
    except IdentifierError:
        if not identifier.startswith(("http://", "https://")):
            raise
        iri = identifier
    if iri is None:
        raise IdentifierError("identifier", identifier, "it names no node here; give a DOI, a PDB ID or an IRI")
    return iri


async def _node(info: KgInfo, id: str) -> str:
    node = await run_in_threadpool(info.context.graph.resolve, id)
    return node.value


async def _work(info: KgInfo, id: str, kinds: set[str] | None = None, wanted: str = "") -> Work:
    iri = await _node(info, id)
    record = await info.context.loaders.works.load(iri)
    if kinds is not None and kind_of(record) not in kinds:
        raise BadRequestError("id", f"names a {kind_of(record) or 'node'}, not a {wanted}; ask with work(id: ...)",
                              id)
    return Work.from_domain(record)


async def _works(info: KgInfo, wanted: WorkFilter, ids: list[str] | None, first: int,
                 after: str | None) -> Connection[Work]:
    check_first(first, info.context.settings)
    if ids is not None:
        if len(ids) > info.context.settings.max_page_size:
            check_first(len(ids), info.context.settings, "ids")
        named = list(dict.fromkeys(iri_of(i) for i in ids))
        # one query for all: ids naming nothing the graph describes are left out, as DataCite does
        iris = [r.iri for r in await info.context.loaders.works.load_many(named) if r.props]
    else:
        iris = await run_in_threadpool(info.context.graph.find, wanted.query, funder=wanted.funder_id,
                                       type=wanted.type, published=wanted.published)
    return await work_connection(info, iris, first, after)


@strawberry.type
class WorkQueries:
    @described("A work by any identifier: DOI (any form), PDB ID, PubMed ID, or IRI.")
    async def work(self, info: KgInfo, id: strawberry.ID) -> Work | None:
        return await _work(info, id)

    @described("Works by identifiers, or matching every filter given, in IRI order.")
    async def works(self, info: KgInfo, ids: list[strawberry.ID] | None = None, query: str | None = None,
                    funder_id: str | None = None, type: str | None = None, published: str | None = None,
                    first: int = DEFAULT_FIRST, after: str | None = None) -> Connection[Work] | None:
        wanted = WorkFilter(query, funder_id, type, published)
        return await _works(info, wanted, None if ids is None else [str(i) for i in ids], first, after)

    @described("A data set (or structure entry) by identifier.")
    async def dataset(self, info: KgInfo, id: strawberry.ID) -> Work | None:
        return await _work(info, id, _DATASET, "data set")

    @described("Data sets (and structure entries) matching every filter given.")
    async def datasets(self, info: KgInfo, query: str | None = None, funder_id: str | None = None,
                       published: str | None = None, first: int = DEFAULT_FIRST,
                       after: str | None = None) -> Connection[Work] | None:
        return await _works(info, WorkFilter(query, funder_id, "Dataset", published), None, first, after)

    @described("Software by identifier.")
    async def software(self, info: KgInfo, id: strawberry.ID) -> Work | None:
        return await _work(info, id, _SOFTWARE, "software")

    @described("Software matching every filter given.")
    async def softwares(self, info: KgInfo, query: str | None = None, funder_id: str | None = None,
                        published: str | None = None, first: int = DEFAULT_FIRST,
                        after: str | None = None) -> Connection[Work] | None:
        return await _works(info, WorkFilter(query, funder_id, "Software", published), None, first, after)


@strawberry.type
class AgentQueries:
    @described("A funder by Crossref Funder ID (10.13039/..., funder:...) or ROR ID.")
    async def funder(self, info: KgInfo, id: strawberry.ID) -> Funder | None:
        return Funder(record=await info.context.loaders.agents.load(await _node(info, id)))

    @described("A person by ORCID (with or without URL) or IRI.")
    async def person(self, info: KgInfo, id: strawberry.ID) -> Person | None:
        return Person(record=await info.context.loaders.agents.load(await _node(info, id)))

    @described("An organisation by ROR ID, Funder ID or IRI.")
    async def organization(self, info: KgInfo, id: strawberry.ID) -> Organization | None:
        return Organization(record=await info.context.loaders.agents.load(await _node(info, id)))


#: the parts the root Query type is merged from
QUERY_PARTS: tuple[type, ...] = (WorkQueries, AgentQueries)
Query = merge_types("Query", QUERY_PARTS)
#: the parts the root Mutation type is merged from
MUTATION_PARTS: tuple[type, ...] = (ClaimMutations,)
Mutation = merge_types("Mutation", MUTATION_PARTS)


@cache
def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits of ``settings`` (one per distinct settings)."""
    return KgSchema(query=Query, mutation=Mutation, extensions=extensions(settings))


def sdl() -> str:
    """The schema in GraphQL SDL: what ``graphql/schema.graphql`` holds."""
    return print_schema(build_schema(Settings())) + "\n"


__all__ = ["Query", "build_schema", "sdl", "works_of"]
