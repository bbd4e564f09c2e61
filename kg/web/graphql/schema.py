"""The GraphQL schema: the root ``Query`` (DataCite's names: ``work``, ``works``, ``dataset``,
``datasets``, ``software``, ``softwares``, ``publications``, ``dissertations``, ``funder``, ``person``,
``people``, ``organization``, ``repository``), built from
one part per concept, and the schema with the limits of :class:`kg.web.config.Settings`.

A new concept adds its own part to :data:`QUERY_PARTS` or :data:`MUTATION_PARTS`, as claims add
the ``traceClaim`` mutation (kg.web.graphql.claims).

>>> "work(id: ID!): Work" in sdl()
True
"""

from __future__ import annotations

from functools import cache
from typing import cast

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.printer import print_schema
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graphql import GraphQLError
from kg import ids
from kg.batches import LinkRecord, WorkRecord
from kg.errors import BadRequestError, IdentifierError
from kg.search import WorkFilter
from kg.web.config import Settings
from kg.web.graphql.agents import Funder, Organization, Person
from kg.web.graphql.connection import DEFAULT_FIRST, Connection, Edge, check_first, paginate
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.filters import Licence, WorkFilters, parse_query
from kg.web.graphql.limits import extensions, should_mask
from kg.web.graphql.lists import WorkConnection, work_list
from kg.web.graphql.metadata import kind_of, text_type
from kg.web.graphql.mutations import ClaimMutations
from kg.web.graphql.repository import Repository, find_repository
from kg.web.graphql.work import LINK_FIELDS, WORK_TYPES, Dataset, Software, Work, asks_for, work_of, works_of

#: kg classes each typed lookup and list accepts
_KINDS = {"Dataset": {"Dataset", "StructureEntry"}, "Software": {"SoftwareSourceCode"}, "Text": {"ScholarlyArticle"}}


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
    graph, loaders = info.context.graph, info.context.loaders
    links = asks_for(info, *LINK_FIELDS)

    def found() -> tuple[WorkRecord, list[LinkRecord] | None]:
        iri = graph.resolve(id).value
        return graph.records.works([iri])[0], graph.records.links([iri])[0] if links else None

    # the node, its fields and (when asked for) its links in one trip to the thread pool: each trip waits
    # behind the pool's queue
    record, linked = await run_in_threadpool(found)
    loaders.works.prime(record.iri, record)
    if linked is not None:
        loaders.links.prime(record.iri, linked)
    if kinds is not None and kind_of(record) not in kinds:
        raise BadRequestError("id", f"names a {kind_of(record) or 'node'}, not a {wanted}; ask with work(id: ...)",
                              id)
    return work_of(record)


async def _works(info: KgInfo, wanted: WorkFilter, ids: list[str] | None, first: int,
                 after: str | None, filters: WorkFilters) -> WorkConnection:
    check_first(first, info.context.settings)
    if ids is not None:
        if len(ids) > info.context.settings.max_page_size:
            check_first(len(ids), info.context.settings, "ids")
        named = list(dict.fromkeys(iri_of(i) for i in ids))
        # one query for all: ids naming nothing the graph describes are left out, as DataCite does
        records = await info.context.loaders.works.load_many(named)
        kinds = _KINDS.get(wanted.type or "")
        iris = [r.iri for r in records if r.props and (kinds is None or kind_of(r) in kinds
                                                       or (wanted.type == "Text" and text_type(r) is not None))]
    else:
        # DataCite's query text is read by the filters (kg.web.graphql.filters), not as one title
        iris = await run_in_threadpool(info.context.graph.find, None, funder=wanted.funder_id,
                                       type=wanted.type, published=wanted.published)
    return await work_list(info, iris, first, after, filters)


def _filters(query: str | None, resource_type_id: str | None, has_citations: int | None, has_views: int | None,
             has_downloads: int | None, registration_agency: str | None, licence: str | None,
             field_of_science: str | None, language: str | None) -> WorkFilters:
    return WorkFilters(query=query, resource_type_id=resource_type_id, has_citations=has_citations,
                       has_views=has_views, has_downloads=has_downloads, registration_agency=registration_agency,
                       license=licence, field_of_science=field_of_science, language=language)


IDS = list[strawberry.ID] | None


@strawberry.type
class WorkQueries:
    @described("A work by any identifier: DOI (any form), PDB ID, PubMed ID, or IRI.")
    async def work(self, info: KgInfo, id: strawberry.ID) -> Work | None:
        return await _work(info, id)

    @described("Works by identifiers, or matching every filter given, in IRI order. query: DataCite query "
               "text (title words joined by AND, fundingReferences.awardNumber:..., types.resourceTypeGeneral:...);"
               " resourceTypeId: DataCite's resourceTypeGeneral; type: kg's (StructureEntry too); registrationAgency: "
               "the agency kg knows (crossref, datacite, ...; works of none left out, counted in "
               "registrationAgencyUnknown).")
    async def works(self, info: KgInfo, ids: IDS = None, query: str | None = None,
                    funder_id: str | None = None, type: str | None = None, published: str | None = None,
                    resource_type_id: str | None = None, has_citations: int | None = None,
                    has_views: int | None = None, has_downloads: int | None = None,
                    registration_agency: str | None = None,
                    licence: Licence = None, field_of_science: str | None = None, language: str | None = None,
                    first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection | None:
        filters = _filters(query, resource_type_id, has_citations, has_views, has_downloads, registration_agency,
                           licence, field_of_science, language)
        return await _works(info, WorkFilter(None, funder_id, type, published), _strs(ids), first, after, filters)

    @described("A data set (or structure entry) by identifier.")
    async def dataset(self, info: KgInfo, id: strawberry.ID) -> Dataset | None:
        return cast(Dataset, await _work(info, id, _KINDS["Dataset"], "data set"))

    @described("Data sets (and structure entries) by identifiers, or matching every filter given.")
    async def datasets(self, info: KgInfo, ids: IDS = None, query: str | None = None, funder_id: str | None = None,
                       published: str | None = None, has_citations: int | None = None,
                       has_views: int | None = None, has_downloads: int | None = None,
                       registration_agency: str | None = None,
                       licence: Licence = None, field_of_science: str | None = None, language: str | None = None,
                       first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection | None:
        filters = _filters(query, None, has_citations, has_views, has_downloads, registration_agency,
                           licence, field_of_science, language)
        return await _works(info, WorkFilter(None, funder_id, "Dataset", published), _strs(ids), first, after,
                            filters)

    @described("Software by identifier.")
    async def software(self, info: KgInfo, id: strawberry.ID) -> Software | None:
        return cast(Software, await _work(info, id, _KINDS["Software"], "software"))

    @described("Software by identifiers, or matching every filter given.")
    async def softwares(self, info: KgInfo, ids: IDS = None, query: str | None = None, funder_id: str | None = None,
                        published: str | None = None, has_citations: int | None = None,
                        has_views: int | None = None, has_downloads: int | None = None,
                        registration_agency: str | None = None,
                        licence: Licence = None, field_of_science: str | None = None, language: str | None = None,
                        first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection | None:
        filters = _filters(query, None, has_citations, has_views, has_downloads, registration_agency,
                           licence, field_of_science, language)
        return await _works(info, WorkFilter(None, funder_id, "Software", published), _strs(ids), first, after,
                            filters)

    @described("Publications (DataCite's Text: articles and other texts) by identifiers, or matching every filter.")
    async def publications(self, info: KgInfo, ids: IDS = None, query: str | None = None,
                           funder_id: str | None = None, published: str | None = None,
                           has_citations: int | None = None, has_views: int | None = None,
                           has_downloads: int | None = None, registration_agency: str | None = None,
                           licence: Licence = None, field_of_science: str | None = None, language: str | None = None,
                           first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection | None:
        filters = _filters(query, None, has_citations, has_views, has_downloads, registration_agency,
                           licence, field_of_science, language)
        return await _works(info, WorkFilter(None, funder_id, "Text", published), _strs(ids), first, after,
                            filters)

    @described("Dissertations: works their source types Dissertation (kg keeps no other thesis type).")
    async def dissertations(self, info: KgInfo, ids: IDS = None, query: str | None = None,
                            published: str | None = None, has_citations: int | None = None,
                            has_views: int | None = None, has_downloads: int | None = None,
                            registration_agency: str | None = None,
                            licence: Licence = None, field_of_science: str | None = None, language: str | None = None,
                            first: int = DEFAULT_FIRST, after: str | None = None) -> WorkConnection | None:
        filters = _filters(query, "Dissertation", has_citations, has_views, has_downloads, registration_agency,
                           licence, field_of_science, language)
        return await _works(info, WorkFilter(None, None, None, published), _strs(ids), first, after, filters)


def _strs(ids: IDS) -> list[str] | None:
    return None if ids is None else [str(i) for i in ids]


@strawberry.type
class AgentQueries:
    @described("A funder by Crossref Funder ID (10.13039/..., funder:...) or ROR ID.")
    async def funder(self, info: KgInfo, id: strawberry.ID) -> Funder | None:
        return Funder(record=await info.context.loaders.agents.load(await _node(info, id)))

    @described("A person by ORCID (with or without URL) or IRI.")
    async def person(self, info: KgInfo, id: strawberry.ID) -> Person | None:
        return Person(record=await info.context.loaders.agents.load(await _node(info, id)))

    @described("People whose names hold every word of query (words joined by AND), in IRI order.")
    async def people(self, info: KgInfo, query: str | None = None, first: int = DEFAULT_FIRST,
                     after: str | None = None) -> Connection[Person] | None:
        parsed = parse_query(query)
        if parsed.fields:
            raise BadRequestError("query", "people are found by the words of their names only", query)
        iris = await run_in_threadpool(info.context.graph.records.people, parsed.words)
        page = paginate(iris, first, after, info.context.settings)
        nodes = [Person(record=r) for r in await info.context.loaders.agents.load_many(page.keys)]
        return Connection(total_count=page.total, page_info=page.page_info(), nodes=nodes,
                          edges=[Edge(cursor=page.cursor(i), node=n) for i, n in enumerate(nodes)])

    @described("An organisation by ROR ID, Funder ID or IRI.")
    async def organization(self, info: KgInfo, id: strawberry.ID) -> Organization | None:
        return Organization(record=await info.context.loaders.agents.load(await _node(info, id)))

    @described("A repository by its DOI prefix (10.5061) or name, from kg's table of repositories; null for "
               "others (DataCite's account IDs such as gbif.gbif name nothing kg holds).")
    def repository(self, id: strawberry.ID) -> Repository | None:
        # the table's row itself: the Repository type answers from it
        return cast("Repository | None", find_repository(str(id)))


#: the parts the root Query type is merged from
QUERY_PARTS: tuple[type, ...] = (WorkQueries, AgentQueries)
Query = merge_types("Query", QUERY_PARTS)
#: the parts the root Mutation type is merged from
MUTATION_PARTS: tuple[type, ...] = (ClaimMutations,)
Mutation = merge_types("Mutation", MUTATION_PARTS)


@cache
def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits of ``settings`` (one per distinct settings)."""
    return KgSchema(query=Query, mutation=Mutation, extensions=extensions(settings), types=WORK_TYPES)


def sdl() -> str:
    """The schema in GraphQL SDL: what ``graphql/schema.graphql`` holds."""
    return print_schema(build_schema(Settings())) + "\n"


__all__ = ["Query", "build_schema", "sdl", "works_of"]
