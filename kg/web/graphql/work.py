"""The Work interface (DataCite's ``DoiItem``) and its object types as DataCite names them
(``Dataset``, ``Software``, ``JournalArticle``, ``Publication``, ``Other``): DataCite's fields
(:mod:`kg.web.graphql.work_fields`, the links and their counts here) and kg's own beside them
(metrics rolled up over versions, evidence chains, related items, provenance on every link,
structure facts, claims).

Every field that needs the store goes through the request's DataLoaders, so a page of works costs
the same number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import SelectedField, Selection

from kg import ids
from kg.batches import WorkRecord
from kg.errors import BadRequestError
from kg.vocab import CITO, KG, SCHEMA
from kg.web.citing_years import DATED_AT_MOST, other_years
from kg.web.graphql.claims import Claim
from kg.web.graphql.connection import DEFAULT_FIRST, PageInfo, check_first, paginate
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.evidence import ChainNode, EvidenceChain, Hop, Reason, RelatedItem
from kg.web.graphql.filters import Licence, WorkFilters, commons, keep_counted
from kg.web.graphql.limits import MAX_CHAIN_DEPTH
from kg.web.graphql.links import (
    CITATIONS,
    PART_OF,
    PARTS,
    REFERENCES,
    VERSION_OF,
    VERSIONS,
    Kinds,
    Merged,
    RelatedIdentifier,
    every_link,
    merge,
    other_links,
    provenance_of,
)
from kg.web.graphql.metadata import Provenance, StatedRelation, YearTotal, kind_of, text_type, year_of
from kg.web.graphql.reuse import WorkMetrics
from kg.web.graphql.structure import Structure
from kg.web.graphql.work_fields import WorkMetadata


@strawberry.type(description="A link from the work to another node: the relation, the node, and who stated it.")
class Link:
    cursor: str
    node: Work
    relation_types: list[str] = strawberry.field(
        description="The relations from the work to the node, DataCite-style (IsCitedBy, HasVersion, ...).")
    provenance: list[Provenance] = strawberry.field(description="Every record graph stating the link.")


@strawberry.type(description="Linked works, a page at a time, each with the provenance of its link.")
class LinkConnection:
    total_count: int
    page_info: PageInfo
    nodes: list[Work]
    edges: list[Link]
    registration_agency_unknown: int | None = strawberry.field(
        default=None, description="Works left out by registrationAgency because kg knows no registration agency of "
                                  "theirs (null: no registrationAgency given).")




#: the fields of a work that read its links (the ``links`` DataLoader)
LINK_FIELDS = frozenset({
    "citations", "citationCount", "citationsOverTime", "references", "referenceCount", "versions", "versionCount",
    "versionOf", "versionOfCount", "parts", "partCount", "partOf", "partOfCount", "allRelated", "allRelatedCount",
    "otherRelated", "otherRelatedCount", "relatedIdentifiers", "structure"})


def asks_for(info: KgInfo, *names: str) -> bool:
    """Whether the document selects one of ``names`` within the field being resolved (in a fragment too,
    and whatever its directives say: a field that may be skipped is computed)."""
    def within(selections: Sequence[Selection]) -> bool:
        return any(s.name in names if isinstance(s, SelectedField) else within(s.selections) for s in selections)

    return any(within(field.selections) for field in info.selected_fields)


def work_of(record: WorkRecord) -> Work:
    """The work as its DataCite object type: a data set (or structure entry), software, a journal
    article, another publication, or other."""
    kind = kind_of(record)
    if kind in ("Dataset", "StructureEntry"):
        return Dataset(record=record)
    if kind == "SoftwareSourceCode":
        return Software(record=record)
    if kind == "ScholarlyArticle" or text_type(record) is not None:
        if {"journal-article", "JournalArticle"} & set(record.values(SCHEMA.additionalType)):
            return JournalArticle(record=record)
        return Publication(record=record)
    return Other(record=record)


async def works_of(info: KgInfo, iris: Sequence[str]) -> list[Work]:
    """Work objects for IRIs, their fields fetched in one batch."""
    return [work_of(r) for r in await info.context.loaders.works.load_many(list(iris))]


async def _years(info: KgInfo, iris: Sequence[str], cited: str) -> list[YearTotal]:
    """Works citing ``cited`` per year: a work's own year, else as the page's chart dates it (the year its
    citers give it, else OpenCitations' citation date: :func:`kg.web.citing_years.other_years`)."""
    counts: dict[int, int] = {}
    undated = []
    for iri, record in zip(iris, await info.context.loaders.works.load_many(list(iris)), strict=True):
        year = year_of(record)
        if year is None:
            undated.append(iri)
        else:
            counts[year] = counts.get(year, 0) + 1
    if undated and len(undated) <= DATED_AT_MOST:  # (as the page: more are left out)
        found = await run_in_threadpool(other_years, info.context.graph, undated, [cited])
        for text, _ in found.values():
            counts[int(text)] = counts.get(int(text), 0) + 1
    return [YearTotal(year=y, total=counts[y]) for y in sorted(counts)]


@strawberry.interface(description="A work: a publication, data set, software, structure entry or other creative "
                                  "work (DataCite's DoiItem); its object types are DataCite's.")
class Work(WorkMetadata):
    async def _links(self, info: KgInfo, kinds: Kinds) -> list[Merged]:
        out, inward = kinds
        links = await info.context.loaders.links.load(self.record.iri)
        return merge(links, lambda lk: lk.relation in (out if lk.direction == "out" else inward))

    async def _connection(self, info: KgInfo, kinds: Kinds, first: int, after: str | None,
                          filters: WorkFilters | None = None) -> LinkConnection:
        merged = await self._links(info, kinds)
        unknown = None
        if filters is not None and not filters.empty:
            passed, unknown = await keep_counted(info, [m.other for m in merged], filters)
            kept = set(passed)
            merged = [m for m in merged if m.other in kept]
        page = paginate(merged, first, after, info.context.settings)
        nodes = await works_of(info, [m.other for m in page.keys])
        edges: list[Link] = []
        if asks_for(info, "edges"):  # the provenance of the links (one more store query) only when asked
            provenance = await provenance_of(info, sorted({g for m in page.keys for g in m.graphs}))
            edges = [Link(cursor=page.cursor(i), node=node, relation_types=list(m.relations),
                          provenance=[provenance[g] for g in m.graphs])
                     for i, (m, node) in enumerate(zip(page.keys, nodes, strict=True))]
        return LinkConnection(total_count=page.total, page_info=page.page_info(), nodes=nodes, edges=edges,
                              registration_agency_unknown=unknown)

    @described("Works citing this one (cito:cites), each with the provenance of its citation; DataCite's "
               "filters narrow them (resourceTypeId: Dataset, Text, ...).")
    async def citations(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
                        query: str | None = None, resource_type_id: str | None = None,
                        published: str | None = None, has_citations: int | None = None,
                        has_views: int | None = None, has_downloads: int | None = None,
                        field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
                        registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        filters = WorkFilters(query, resource_type_id, published, has_citations, has_views, has_downloads,
                              licence, repository_id, field_of_science, language, registration_agency)
        return await self._connection(info, CITATIONS, first, after, filters)

    @described("Distinct works citing this one (counted in this graph; the sources' counts are metrics.sourceCounts).")
    async def citation_count(self, info: KgInfo) -> int:
        return len(await self._links(info, CITATIONS))

    @described("Citing works per year of publication (a citing work no record dates: the year its citers give it, "
               "else OpenCitations' date of the citation; those with neither left out, counted in citationCount).")
    async def citations_over_time(self, info: KgInfo) -> list[YearTotal]:
        return await _years(info, [m.other for m in await self._links(info, CITATIONS)], self.record.iri)

    @described("Works this one cites.")
    async def references(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, REFERENCES, first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @strawberry.field
    async def reference_count(self, info: KgInfo) -> int:
        return len(await self._links(info, REFERENCES))

    @described("The versions of this work (of a concept DOI: all its versions).")
    async def versions(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, VERSIONS, first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @strawberry.field
    async def version_count(self, info: KgInfo) -> int:
        return len(await self._links(info, VERSIONS))

    @described("What this work is a version of (its concept DOI).")
    async def version_of(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, VERSION_OF, first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @described("How many works this one is a version of.")
    async def version_of_count(self, info: KgInfo) -> int:
        return len(await self._links(info, VERSION_OF))

    @strawberry.field
    async def parts(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, PARTS, first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @strawberry.field
    async def part_count(self, info: KgInfo) -> int:
        return len(await self._links(info, PARTS))

    @strawberry.field
    async def part_of(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, PART_OF, first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @described("How many works this one is a part of.")
    async def part_of_count(self, info: KgInfo) -> int:
        return len(await self._links(info, PART_OF))

    @described("Every work linked to this one, by any relation of the catalogue or a citation, either way.")
    async def all_related(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, every_link(), first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @strawberry.field
    async def all_related_count(self, info: KgInfo) -> int:
        return len(await self._links(info, every_link()))

    @described("Works linked to this one other than by citations, references, versions and parts.")
    async def other_related(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None,
            query: str | None = None, resource_type_id: str | None = None, published: str | None = None,
            field_of_science: str | None = None, language: str | None = None, licence: Licence = None,
            registration_agency: str | None = None, repository_id: str | None = None) -> LinkConnection:
        return await self._connection(info, other_links(), first, after,
            commons(query, resource_type_id, published, field_of_science, language, licence, registration_agency,
                    repository_id))

    @strawberry.field
    async def other_related_count(self, info: KgInfo) -> int:
        return len(await self._links(info, other_links()))

    @described("Every typed link of the catalogue, seen from this work, whichever side stated it.")
    async def related_identifiers(self, info: KgInfo) -> list[RelatedIdentifier]:
        links = await info.context.loaders.links.load(self.record.iri)
        merged = merge(links, lambda lk: lk.relation != CITO.cites.value)
        provenance = await provenance_of(info, sorted({g for m in merged for g in m.graphs}))
        return [RelatedIdentifier(
            related_identifier=ids.doi_or_iri(m.other, unescape=False),
            related_identifier_type="DOI" if m.other.startswith(ids.DOI_BASE) else "URL",
            relation_type=rel, provenance=[provenance[g] for g in m.graphs])
            for m in merged for rel in m.relations]

    @described("Structure facts of a PDB entry (null for other works).")
    async def structure(self, info: KgInfo) -> Structure | None:
        if kind_of(self.record) != "StructureEntry":
            return None
        links = await info.context.loaders.links.load(self.record.iri)
        raw = merge(links, lambda lk: (lk.direction, lk.relation) in (
            ("out", KG.isDerivedFrom.value), ("in", KG.isSourceOf.value)))
        papers = merge(links, lambda lk: (lk.direction, lk.relation) in (
            ("out", KG.isSupplementTo.value), ("in", KG.isSupplementedBy.value)))
        raw_works = await works_of(info, [m.other for m in raw])
        provenance = await provenance_of(info, sorted({g for m in raw for g in m.graphs}))
        raw_links = [Link(cursor=str(i), node=w, relation_types=list(m.relations),
                          provenance=[provenance[g] for g in m.graphs])
                     for i, (m, w) in enumerate(zip(raw, raw_works, strict=True))]
        return Structure.from_domain(self.record, raw_links, await works_of(info, [m.other for m in papers]))

    @described("Citations alone and rolled up over all versions, usage, and the sources' counts.")
    async def metrics(self, info: KgInfo) -> WorkMetrics:
        record = await info.context.loaders.metrics.load(self.record.iri)
        return WorkMetrics.from_domain(record)

    @described("The evidence chain from this work down to the data, max_depth hops deep.")
    async def evidence_chain(self, info: KgInfo, max_depth: int = 5, all_citations: bool = False) -> EvidenceChain:
        if not 0 <= max_depth <= MAX_CHAIN_DEPTH:
            raise BadRequestError("maxDepth", f"must be between 0 and {MAX_CHAIN_DEPTH}", max_depth)
        chain = await run_in_threadpool(partial(info.context.graph.chain, all_citations=all_citations),
                                        self.record.iri, max_depth)
        works = {w.record.iri: w for w in await works_of(info, [n.iri for n in chain.nodes])}
        provenance = await provenance_of(info, sorted({a.graph for h in chain.hops for a in h.assertions}))
        return EvidenceChain(
            root=strawberry.ID(chain.root), max_depth=chain.max_depth, truncated=chain.truncated,
            citation_limit=chain.citation_limit,
            nodes=[ChainNode(work=works[n.iri], depth=n.depth, expanded=n.expanded, citations=n.citations,
                             citations_listed=n.citations_listed) for n in chain.nodes],
            hops=[Hop(from_=works[h.from_], to=works[h.to], evidence=h.evidence, role=h.role, label=h.label,
                      basis=h.basis, rule=h.rule, depth=h.depth,
                      relations=[StatedRelation(property=r.property, subject=strawberry.ID(r.subject),
                                                object=strawberry.ID(r.object)) for r in h.relations],
                      provenance=[provenance[a.graph] for a in h.assertions]) for h in chain.hops])

    @described("Claims traced to this work (views from academia, news media, social media), best match first.")
    async def claims(self, info: KgInfo) -> list[Claim]:
        return [Claim.from_domain(c) for c in await info.context.loaders.claims.load(self.record.iri)]

    @described("Related works, best first, each with the reasons it is related.")
    async def related_items(self, info: KgInfo, first: int = 10) -> list[RelatedItem]:
        check_first(first, info.context.settings)
        found = await run_in_threadpool(info.context.graph.related, self.record.iri, first)
        works = await works_of(info, [r.item.iri for r in found])
        return [RelatedItem(work=w, tier=r.tier, score=r.score, reasons=[Reason.from_domain(x) for x in r.reasons])
                for r, w in zip(found, works, strict=True)]


@strawberry.type(description="A data set, or a structure entry (DataCite's resourceTypeGeneral Dataset).")
class Dataset(Work):
    pass


@strawberry.type(description="Software (DataCite's resourceTypeGeneral Software).")
class Software(Work):
    pass


@strawberry.type(description="A journal article (DataCite's resourceTypeGeneral JournalArticle).")
class JournalArticle(Work):
    pass


@strawberry.type(description="Another publication: a text that is no journal article (DataCite's Text).")
class Publication(Work):
    pass


@strawberry.type(description="Any other work, or a node no source types (DataCite's Other).")
class Other(Work):
    pass


#: the object types of the Work interface (the schema lists them: none is returned by name alone)
WORK_TYPES: tuple[type, ...] = (Dataset, Software, JournalArticle, Publication, Other)
