"""Lists of works as DataCite answers them: a connection (``totalCount``, ``pageInfo``, ``nodes``,
``edges``) with DataCite's facets over the whole list (``published``, ``years``, ``resourceTypes``,
``licenses``, ``affiliations``, ``fieldsOfScience``), each a list of ``{id title count}``, counted
only when asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import strawberry

from kg.repositories import repository
from kg.vocab import CITO, KG, SCHEMA
from kg.web.graphql.connection import Edge, PageInfo, paginate
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.filters import RegistrationAgency, WorkFilters, agencies, keep_counted, usage_figure
from kg.web.graphql.metadata import Facet, resource_type_general, year_of
from kg.web.graphql.work import Work, works_of


def _facets(counts: Counter[tuple[str, str]], by_title: bool = False) -> list[Facet]:
    """Facets by count (most first), or by title, newest first (years)."""
    order = sorted(counts.items(), key=lambda kv: (kv[0][1] if by_title else -kv[1], kv[0][1]),
                   reverse=by_title)
    return [Facet(id=i, title=t, count=n) for (i, t), n in order]


@strawberry.type(description="A list of works, a page at a time, with DataCite's facets over the whole list.")
class WorkConnection:
    iris: strawberry.Private[list[str]]
    total_count: int = strawberry.field(description="Items in the whole list, not just this page.")
    page_info: PageInfo
    nodes: list[Work]
    edges: list[Edge[Work]]
    registration_agency_unknown: int | None = strawberry.field(
        default=None, description="Works left out by registrationAgency because kg knows no registration agency of "
                                  "theirs (null: no registrationAgency given).")

    async def _years(self, info: KgInfo) -> list[Facet]:
        records = await info.context.loaders.works.load_many(self.iris)
        years = Counter((str(y), str(y)) for r in records if (y := year_of(r)) is not None)
        return _facets(years, by_title=True)

    @described("Works per publication year, newest first.")
    async def published(self, info: KgInfo) -> list[Facet]:
        return await self._years(info)

    @described("Works per publication year, newest first (DataCite's name on people's and repositories' lists).")
    async def years(self, info: KgInfo) -> list[Facet]:
        return await self._years(info)

    @described("Works per DataCite resourceTypeGeneral (id: its name lower case).")
    async def resource_types(self, info: KgInfo) -> list[Facet]:
        records = await info.context.loaders.works.load_many(self.iris)
        kinds = Counter((g.lower(), g) for r in records if (g := resource_type_general(r)) is not None)
        return _facets(kinds)

    @described("Works per licence (id and title: the licence's URL or statement as the source gives it).")
    async def licenses(self, info: KgInfo) -> list[Facet]:
        records = await info.context.loaders.works.load_many(self.iris)
        found = Counter((v, v) for r in records for v in set(r.values(SCHEMA.license)))
        return _facets(found)

    @described("Works per affiliation of their creators (id: its ROR or kg IRI).")
    async def affiliations(self, info: KgInfo) -> list[Facet]:
        creators = await info.context.loaders.creators.load_many(self.iris)
        found = Counter(a for cs in creators for a in {(i, n or i) for c in cs for i, n in c.affiliations})
        return _facets(found)

    @described("Works per DOI registration agency as kg knows it (id: DataCite's, crossref, datacite, ...; works "
               "of no agency kg knows are not counted).")
    async def registration_agencies(self, info: KgInfo) -> list[Facet]:
        found = [RegistrationAgency.named(a) for a in await agencies(info, self.iris) if a is not None]
        return _facets(Counter((str(a.id), a.name) for a in found))

    @described("Works per repository of kg's table, by DOI prefix (id: the prefix, title: the repository's name; "
               "works under no prefix of the table are not counted; DataCite's ids are its account IDs).")
    async def repositories(self, info: KgInfo) -> list[Facet]:
        records = await info.context.loaders.works.load_many(self.iris)
        found = Counter((r.prefix, r.name) for w in records
                        if (doi := w.first(KG.doi)) is not None and (r := repository(doi)) is not None)
        return _facets(found)

    @described("OECD fields of science: always empty, kg keeps no subject scheme.")
    def fields_of_science(self) -> list[Facet]:
        return []


async def work_list(info: KgInfo, iris: Sequence[str], first: int, after: str | None,
                    filters: WorkFilters | None = None) -> WorkConnection:
    """One page of the works that pass ``filters``, with the facets of all of them."""
    kept, unknown = await keep_counted(info, iris, filters or WorkFilters())
    page = paginate(kept, first, after, info.context.settings)
    nodes = await works_of(info, page.keys)
    return WorkConnection(iris=kept, total_count=page.total, page_info=page.page_info(), nodes=nodes,
                          edges=[Edge(cursor=page.cursor(i), node=n) for i, n in enumerate(nodes)],
                          registration_agency_unknown=unknown)


async def summed_citations(info: KgInfo, iris: Sequence[str]) -> int:
    """DataCite's citationCount of a person, organisation or repository: its works' counts, summed."""
    links = await info.context.loaders.links.load_many(list(iris))
    return sum(len({lk.other for lk in found if lk.direction == "in" and lk.relation == CITO.cites.value})
               for found in links)


async def summed_usage(info: KgInfo, iris: Sequence[str], figure: str) -> int | None:
    """DataCite's viewCount (``version_views``) or downloadCount of a person, organisation or repository:
    its works' figures, summed; None when no source reported one for any of them."""
    found = [f for m in await info.context.loaders.metrics.load_many(list(iris))
             if (f := usage_figure(m, figure)) is not None]
    return sum(found) if found else None
