"""The Work type: a publication, data set, software or structure, with DataCite's field names and
kg's own beyond them (metrics rolled up over versions, evidence chains, related items, provenance on
every link, structure facts).

Every field that needs the store goes through the request's DataLoaders, so a page of works costs
the same number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import strawberry
from starlette.concurrency import run_in_threadpool

from kg import ids
from kg.batches import LinkRecord, WorkRecord
from kg.errors import BadRequestError
from kg.vocab import CITO, KG, SCHEMA, inverse, relations
from kg.web.graphql.claims import Claim
from kg.web.graphql.connection import DEFAULT_FIRST, Connection, Edge, PageInfo, check_first, paginate
from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.evidence import ChainNode, EvidenceChain, Hop, Reason, RelatedItem
from kg.web.graphql.limits import MAX_CHAIN_DEPTH
from kg.web.graphql.metadata import (
    Creator,
    FundingReference,
    Identifier,
    Provenance,
    ResourceType,
    StatedRelation,
    Title,
    YearTotal,
    kind_of,
    year_of,
)
from kg.web.graphql.reuse import WorkMetrics
from kg.web.graphql.structure import Structure


def relation_type(iri: str) -> str:
    """DataCite's name of a relation: its local name capitalised (``kg:isSupplementTo`` -> IsSupplementTo).

    >>> relation_type("http://purl.org/spar/cito/cites")
    'Cites'
    """
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return local[:1].upper() + local[1:]


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


@strawberry.type(description="A related identifier, as DataCite lists them, with the provenance of the link.")
class RelatedIdentifier:
    related_identifier: str
    related_identifier_type: str
    relation_type: str
    provenance: list[Provenance]


@dataclass(frozen=True)
class _Merged:
    other: str
    relations: tuple[str, ...]
    graphs: tuple[str, ...]


def _outward(link: LinkRecord, inverse: dict[str, str]) -> str:
    """The link's relation read from the work: an inward ``isVersionOf`` is ``hasVersion``."""
    if link.relation == CITO.cites.value:
        return KG.cites.value if link.direction == "out" else KG.isCitedBy.value
    return link.relation if link.direction == "out" else inverse.get(link.relation, link.relation)


def _merge(links: Sequence[LinkRecord], keep: Callable[[LinkRecord], bool]) -> list[_Merged]:
    """The links kept, those to the same node merged (a DataCite ``Cites`` beside a ``cito:cites``), by node IRI."""
    inverse = {r.iri.value: r.inverse.value for r in relations()}
    found: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for link in links:
        if not keep(link):
            continue
        rels, graphs = found.setdefault(link.other, ({}, {}))
        rels[relation_type(_outward(link, inverse))] = None
        graphs.update(dict.fromkeys(link.graphs))
    return [_Merged(o, tuple(r), tuple(sorted(g))) for o, (r, g) in sorted(found.items())]


async def works_of(info: KgInfo, iris: Sequence[str]) -> list[Work]:
    """Work objects for IRIs, their fields fetched in one batch."""
    return [Work.from_domain(r) for r in await info.context.loaders.works.load_many(list(iris))]


async def work_connection(info: KgInfo, iris: Sequence[str], first: int, after: str | None) -> Connection[Work]:
    page = paginate(iris, first, after, info.context.settings)
    nodes = await works_of(info, page.keys)
    return Connection(total_count=page.total, page_info=page.page_info(), nodes=nodes,
                      edges=[Edge(cursor=page.cursor(i), node=n) for i, n in enumerate(nodes)])


async def _provenance(info: KgInfo, graphs: Sequence[str]) -> dict[str, Provenance]:
    records = await info.context.loaders.provenance.load_many(list(graphs))
    return {r.graph: Provenance.from_domain(r) for r in records}


async def _years(info: KgInfo, iris: Sequence[str]) -> list[YearTotal]:
    counts: dict[int, int] = {}
    for record in await info.context.loaders.works.load_many(list(iris)):
        year = year_of(record)
        if year is not None:
            counts[year] = counts.get(year, 0) + 1
    return [YearTotal(year=y, total=counts[y]) for y in sorted(counts)]


#: (relation stated from the work, relation stated towards the work) of each kind of link
_VERSIONS = ({KG.hasVersion.value}, {inverse(KG.hasVersion).value})
_VERSION_OF = ({KG.isVersionOf.value}, {inverse(KG.isVersionOf).value})
_PARTS = ({KG.hasPart.value}, {inverse(KG.hasPart).value})
_PART_OF = ({KG.isPartOf.value}, {inverse(KG.isPartOf).value})
_CITATIONS: tuple[set[str], set[str]] = (set(), {CITO.cites.value})
_REFERENCES: tuple[set[str], set[str]] = ({CITO.cites.value}, set())


@strawberry.type(description="A work: a publication, data set, software, structure entry or other creative work.")
class Work:
    record: strawberry.Private[WorkRecord]

    @classmethod
    def from_domain(cls, record: WorkRecord) -> Work:
        return cls(record=record)

    @described("The work's IRI: https://doi.org/... for anything with a DOI.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.iri)

    @described("The DOI, lower case (null for a node without one).")
    def doi(self) -> str | None:
        return self.record.first(KG.doi)

    @described("The landing page.")
    def url(self) -> str | None:
        return self.record.first(SCHEMA.url)

    @described("Identifiers of the work: DOI, PDB ID, PubMed, PMC, arXiv.")
    def identifiers(self) -> list[Identifier]:
        return Identifier.all_of(self.record)

    @described("Titles from every source describing the work, longest first.")
    def titles(self) -> list[Title]:
        names = sorted(self.record.values(SCHEMA.name), key=lambda t: (-len(t), t))
        return [Title(title=t) for t in names]

    @described("The name to show: its title, else the title (or wording) the works citing it give it most "
               "often, else its identifier with its kind (docs/data-model.md, Display names).")
    async def name(self, info: KgInfo) -> str:
        return (await info.context.loaders.names.load(self.record.iri)).name

    @described('Where the name comes from: "record", "cited-as by <citing DOI>" or "identifier".')
    async def name_source(self, info: KgInfo) -> str:
        return (await info.context.loaders.names.load(self.record.iri)).name_source

    @described("Descriptions and abstracts.")
    def descriptions(self) -> list[str]:
        return list(self.record.values(SCHEMA.description))

    @described("The publisher's name (its IRI when it has no name).")
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

    @described("Authors and creators in list order.")
    async def creators(self, info: KgInfo) -> list[Creator]:
        return [Creator.from_domain(c) for c in await info.context.loaders.creators.load(self.record.iri)]

    @strawberry.field
    async def funding_references(self, info: KgInfo) -> list[FundingReference]:
        return [FundingReference.from_domain(f) for f in await info.context.loaders.funding.load(self.record.iri)]

    async def _links(self, info: KgInfo, kinds: tuple[set[str], set[str]]) -> list[_Merged]:
        out, inward = kinds
        links = await info.context.loaders.links.load(self.record.iri)
        return _merge(links, lambda lk: lk.relation in (out if lk.direction == "out" else inward))

    async def _connection(self, info: KgInfo, kinds: tuple[set[str], set[str]], first: int,
                          after: str | None) -> LinkConnection:
        merged = await self._links(info, kinds)
        page = paginate(merged, first, after, info.context.settings)
        nodes = await works_of(info, [m.other for m in page.keys])
        provenance = await _provenance(info, sorted({g for m in page.keys for g in m.graphs}))
        edges = [Link(cursor=page.cursor(i), node=node, relation_types=list(m.relations),
                      provenance=[provenance[g] for g in m.graphs])
                 for i, (m, node) in enumerate(zip(page.keys, nodes, strict=True))]
        return LinkConnection(total_count=page.total, page_info=page.page_info(), nodes=nodes, edges=edges)

    @described("Works citing this one (cito:cites), each with the provenance of its citation.")
    async def citations(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _CITATIONS, first, after)

    @described("Distinct works citing this one.")
    async def citation_count(self, info: KgInfo) -> int:
        return len(await self._links(info, _CITATIONS))

    @described("Citing works per year of publication (those without a date left out).")
    async def citations_over_time(self, info: KgInfo) -> list[YearTotal]:
        return await _years(info, [m.other for m in await self._links(info, _CITATIONS)])

    @described("Works this one cites.")
    async def references(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _REFERENCES, first, after)

    @strawberry.field
    async def reference_count(self, info: KgInfo) -> int:
        return len(await self._links(info, _REFERENCES))

    @described("The versions of this work (of a concept DOI: all its versions).")
    async def versions(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _VERSIONS, first, after)

    @strawberry.field
    async def version_count(self, info: KgInfo) -> int:
        return len(await self._links(info, _VERSIONS))

    @described("What this work is a version of (its concept DOI).")
    async def version_of(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _VERSION_OF, first, after)

    @strawberry.field
    async def parts(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _PARTS, first, after)

    @strawberry.field
    async def part_count(self, info: KgInfo) -> int:
        return len(await self._links(info, _PARTS))

    @strawberry.field
    async def part_of(self, info: KgInfo, first: int = DEFAULT_FIRST, after: str | None = None) -> LinkConnection:
        return await self._connection(info, _PART_OF, first, after)

    @described("Every typed link of the catalogue, seen from this work, whichever side stated it.")
    async def related_identifiers(self, info: KgInfo) -> list[RelatedIdentifier]:
        links = await info.context.loaders.links.load(self.record.iri)
        merged = _merge(links, lambda lk: lk.relation != CITO.cites.value)
        provenance = await _provenance(info, sorted({g for m in merged for g in m.graphs}))
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
        raw = _merge(links, lambda lk: (lk.direction, lk.relation) in (
            ("out", KG.isDerivedFrom.value), ("in", KG.isSourceOf.value)))
        papers = _merge(links, lambda lk: (lk.direction, lk.relation) in (
            ("out", KG.isSupplementTo.value), ("in", KG.isSupplementedBy.value)))
        raw_works = await works_of(info, [m.other for m in raw])
        provenance = await _provenance(info, sorted({g for m in raw for g in m.graphs}))
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
        provenance = await _provenance(info, sorted({a.graph for h in chain.hops for a in h.assertions}))
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
