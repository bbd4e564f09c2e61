"""A repository, as DataCite's ``repository`` names one: in kg, a row of the table of repositories by
DOI prefix (``ontology/repositories.csv``, :mod:`kg.repositories`), its works those whose DOIs have
its prefix. DataCite's repository IDs (``gbif.gbif``) are DataCite accounts kg does not hold: a
repository is asked for by its DOI prefix (``10.15468``) or its name."""

from __future__ import annotations

import strawberry
from starlette.concurrency import run_in_threadpool

from kg import ids
from kg.repositories import Repository as RepositoryRow
from kg.repositories import repositories
from kg.web.graphql.connection import DEFAULT_FIRST
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.filters import WorkFilters
from kg.web.graphql.lists import WorkConnection, summed_citations, summed_usage, work_list


def find_repository(id: str) -> RepositoryRow | None:
    """The repository of a DOI prefix (``10.5061``, or its kg IRI) or of a name (case-blind); None for others."""
    table = repositories()
    key = id.strip().removeprefix(ids.doi_prefix_iri(""))
    if key in table:
        return table[key]
    return next((r for r in table.values() if r.name.lower() == key.lower()), None)


async def _works(info: KgInfo, prefix: str) -> list[str]:
    every = await run_in_threadpool(info.context.graph.find)
    start = f"{ids.DOI_BASE}{prefix}/"
    return [i for i in every if i.startswith(start)]


@strawberry.type(description="A repository registering DOIs under one prefix (kg's table of repositories). "
                             "Resolvers answer it from a row of the table (kg.repositories.Repository) itself.")
class Repository:
    name: str
    prefix: str = strawberry.field(description="The DOI prefix (kg's own field).")
    holds: str = strawberry.field(description="What it holds (kg's own field): data, raw-data, structure or mixed.")

    @described("The DOI prefix's kg IRI, e.g. https://w3id.org/evidence-kg/doi-prefix/10.5061.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.doi_prefix_iri(self.prefix))

    @described("Other names: none in kg's table.")
    def alternate_name(self) -> list[str]:
        return []

    @described("Citations of its works in this graph, summed over the works.")
    async def citation_count(self, info: KgInfo) -> int:
        return await summed_citations(info, await _works(info, self.prefix))

    @described("Views of its works as their sources reported them, summed; null when none did.")
    async def view_count(self, info: KgInfo) -> int | None:
        return await summed_usage(info, await _works(info, self.prefix), "version_views")

    @described("Downloads of its works as their sources reported them, summed; null when none did.")
    async def download_count(self, info: KgInfo) -> int | None:
        return await summed_usage(info, await _works(info, self.prefix), "version_downloads")

    @described("Its works in this graph (DOIs under its prefix), filtered as DataCite filters them.")
    async def works(self, info: KgInfo, query: str | None = None, resource_type_id: str | None = None,
                    published: str | None = None, has_citations: int | None = None, has_views: int | None = None,
                    has_downloads: int | None = None, first: int = DEFAULT_FIRST,
                    after: str | None = None) -> WorkConnection:
        filters = WorkFilters(query, resource_type_id, published, has_citations, has_views, has_downloads)
        return await work_list(info, await _works(info, self.prefix), first, after, filters)
