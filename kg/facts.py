"""What the graph knows about a work beyond its titles and links: the venue it appeared in, its
publishers, its funders with their awards, a PDB entry's structure facts (method, resolution,
facility, beamline, primary publications, raw data), and its counts side by side: the counts kg
computes from the graph beside the counts its sources report, each with its source and the date its
record was retrieved, never added together.

>>> from kg.metrics import Citations
>>> x = "https://doi.org/10.1/x"
>>> c = side_by_side(ItemMetrics(x, (x,), Citations(3), Citations(3),
...     source_counts=(SourceCount(x, "crossref", "g", 77, "citations", "2024-05-01T10:00:00Z"),)), [])
>>> c.cited_by, [(r.source, r.count) for r in c.reported_citations]
(3, [('crossref', 77)])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg import ids
from kg.metrics import ItemMetrics, SourceCount, UsageFigures, item_metrics
from kg.queries import load_query
from kg.store import Store
from kg.vocab import KG, RDF, SCHEMA, preferred_name
from kg.works import Reference, references, resolve, summaries
from kg.works import names as node_names


@dataclass(frozen=True)
class Named:
    """A node the work points to (a publisher, a facility, a primary publication) and its name."""

    iri: str
    name: str | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.iri, "name": self.name}


@dataclass(frozen=True)
class Award:
    """One grant of a funder: its number and title, as the record gives them."""

    number: str | None
    title: str | None

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "title": self.title}


@dataclass(frozen=True)
class Funding:
    """A funder of the work and the awards (grants) the work names from it."""

    #: the funder's IRI (a Crossref Funder DOI, a ROR ID, or one minted in the record)
    funder: str | None
    name: str | None
    awards: tuple[Award, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"funder": self.funder, "name": self.name, "awards": [a.as_dict() for a in self.awards]}


@dataclass(frozen=True)
class StructureFacts:
    """What PDBe says about how a structure entry was determined, and the works around it."""

    pdb_id: str | None
    methods: tuple[str, ...] = ()
    #: in Ångström
    resolution: float | None = None
    deposited: str | None = None
    facility: Named | None = None
    #: the beamline or instrument (an electron microscope)
    beamline: Named | None = None
    #: the articles the entry supplements (kg:isSupplementTo)
    primary_publications: tuple[Named, ...] = ()
    #: the raw data the entry was derived from (kg:isDerivedFrom), its EM maps aside
    raw_data: tuple[Named, ...] = ()
    #: the EMDB maps a cryo-EM model was built into (kg:isDerivedFrom too): processed maps, not raw data
    em_maps: tuple[Named, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"pdbId": self.pdb_id, "methods": list(self.methods), "resolution": self.resolution,
                "deposited": self.deposited, "facility": self.facility.as_dict() if self.facility else None,
                "beamline": self.beamline.as_dict() if self.beamline else None,
                "primaryPublications": [p.as_dict() for p in self.primary_publications],
                "rawData": [r.as_dict() for r in self.raw_data], "emMaps": [m.as_dict() for m in self.em_maps]}


@dataclass(frozen=True)
class WorkFacts:
    """The venue, publishers, funding and structure facts of a work, as its records give them."""

    #: the journals or books it appeared in, as each source names them
    venues: tuple[str, ...] = ()
    #: where in the venue, as the records write them (the first of several)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publishers: tuple[Named, ...] = ()
    funding: tuple[Funding, ...] = ()
    #: for a PDB entry (None for other works)
    structure: StructureFacts | None = None

    def as_dict(self) -> dict[str, object]:
        return {"venues": list(self.venues), "volume": self.volume, "issue": self.issue, "pages": self.pages,
                "publishers": [p.as_dict() for p in self.publishers],
                "funding": [f.as_dict() for f in self.funding],
                "structure": self.structure.as_dict() if self.structure else None}


def work_facts(store: Store, node: NamedNode, props: Mapping[str, tuple[str, ...]], names: Mapping[str, str],
               out_links: Mapping[str, tuple[str, ...]]) -> WorkFacts:
    """The facts of a work from its statements (``props``: property IRI -> values), the names of the
    nodes it points to, and its outgoing typed links (property IRI -> targets); the funding with one
    query (``work_funding``: only of a work stating a funder or a grant), a structure entry's publications
    and raw data named with one more."""
    def named(iri: str | None) -> Named | None:
        return None if iri is None else Named(iri, names.get(iri))

    structure = None
    if KG.StructureEntry.value in props.get(RDF.type.value, ()):
        papers = out_links.get(KG.isSupplementTo.value, ())
        raw = out_links.get(KG.isDerivedFrom.value, ())
        found = summaries(store, [NamedNode(i) for i in (*papers, *raw)])
        resolution = next(iter(props.get(KG.resolution.value, ())), None)
        structure = StructureFacts(
            pdb_id=next(iter(props.get(KG.pdbId.value, ())), None), methods=props.get(KG.experimentalMethod.value, ()),
            resolution=float(resolution) if resolution else None,
            deposited=next(iter(props.get(KG.depositionDate.value, ())), None),
            facility=named(next(iter(props.get(KG.facility.value, ())), None)),
            beamline=named(next(iter(props.get(KG.instrument.value, ())), None)),
            primary_publications=tuple(Named(p, found[p].name) for p in papers),
            raw_data=tuple(Named(r, found[r].name) for r in raw if not r.startswith(ids.EMDB_BASE)),
            em_maps=tuple(Named(r, found[r].name if found[r].title else r.removeprefix(ids.EMDB_BASE))
                          for r in raw if r.startswith(ids.EMDB_BASE)))
    def one(prop: NamedNode) -> str | None:
        return min(props.get(prop.value, ()), default=None)

    return WorkFacts(venues=props.get(KG.containerTitle.value, ()), volume=one(SCHEMA.volumeNumber),
                     issue=one(SCHEMA.issueNumber), pages=one(SCHEMA.pagination),
                     publishers=tuple(Named(p, names.get(p)) for p in props.get(SCHEMA.publisher.value, ())),
                     funding=funding(store, node) if SCHEMA.funding.value in props or SCHEMA.funder.value in props
                     else (), structure=structure)


def funding(store: Store, node: NamedNode) -> tuple[Funding, ...]:
    """The work's funders, each once with its awards (number, title), funders by name then IRI.

    >>> funding(Store.open(None), NamedNode("https://doi.org/10.1/x"))
    ()
    """
    links: dict[tuple[str, str], dict[str, set[str]]] = {}
    named: dict[str | None, set[str]] = {}  # funders' names, as the records stating the links give them
    for _, link, x, part, value, funder in store.select(load_query("work_funding").text, {"work": [node]}).values():
        if link is None or x is None or part is None:
            continue
        parts = links.setdefault((link, x), {})
        if part == "funderName" and value is not None:
            named.setdefault(funder, set()).add(value)
        elif value is not None:
            parts.setdefault(part, set()).add(value)
    funders: dict[str | None, str | None] = {}
    awards: dict[str | None, set[Award]] = {}
    for (link, x), parts in links.items():
        if link == SCHEMA.funder.value:
            named.setdefault(x, set()).update(parts.get("name", ()))
            funders[x] = None
            continue
        for funder in parts.get("funder") or [None]:  # a grant: its funders, or none
            funders[funder] = None
            awards.setdefault(funder, set()).update(
                Award(number, title) for number in parts.get("award") or [None] for title in parts.get("name") or [None]
                if number or title)
    funders = {f: preferred_name(named.get(f, ())) for f in funders}
    unnamed = [f for f, name in funders.items() if f is not None and name is None]
    funders.update(node_names(store, unnamed) if unnamed else {})  # named by no record of the work: by any
    order = sorted(funders, key=lambda f: ((funders[f] or "").casefold(), f or ""))
    return tuple(Funding(f, funders[f], tuple(sorted(awards.get(f, ()), key=lambda a: (a.number or "", a.title or ""))))
                 for f in order)


@dataclass(frozen=True)
class CountsSideBySide:
    """A work's counts as kg computes them from the graph, beside the counts its sources report
    (each with its source and the date its record was retrieved): shown together, never summed."""

    work: str
    #: distinct works in this graph citing the work itself
    cited_by: int
    #: distinct works in this graph citing the work, its concept or any version of it
    cited_by_all_versions: int
    #: the references the graph's records list for the work (kg:citedAs), with a DOI or not
    references_listed: int
    #: the distinct cited works among them: references with a DOI
    references_with_doi: int
    #: citation counts the sources report for the work itself
    reported_citations: tuple[SourceCount, ...] = ()
    #: reference counts the sources report for the work itself
    reported_references: tuple[SourceCount, ...] = ()
    #: views and downloads, latest per work and source
    usage: tuple[UsageFigures, ...] = ()

    def as_dict(self) -> dict[str, object]:
        def reported(found: tuple[SourceCount, ...]) -> list[dict[str, object]]:
            return [{"source": s.source, "count": s.count, "retrieved": s.retrieved, "asOf": s.as_of, "graph": s.graph}
                    for s in found]
        return {
            "citedBy": {"inGraph": self.cited_by, "inGraphAllVersions": self.cited_by_all_versions,
                        "reported": reported(self.reported_citations)},
            "references": {"inGraph": self.references_listed, "inGraphWithDoi": self.references_with_doi,
                           "reported": reported(self.reported_references)},
            "usage": [u.as_dict() for u in self.usage]}


def side_by_side(reuse: ItemMetrics, refs: Sequence[Reference]) -> CountsSideBySide:
    """The counts side by side from the item's metrics and its reference list (no query)."""
    work = reuse.item
    return CountsSideBySide(
        work, reuse.citations.total, reuse.all_versions.total, len(refs), len({r.cited for r in refs if r.cited}),
        tuple(s for s in reuse.source_counts if s.work == work),
        tuple(s for s in reuse.source_reference_counts if s.work == work), reuse.usage)


def counts(store: Store, identifier: str | NamedNode) -> CountsSideBySide:
    """A work's counts side by side: kg's (citing works, references) beside its sources' (module docs).

    :raises NotFoundError: nothing in the graph is named so
    :raises IdentifierError: the identifier is malformed
    """
    node = resolve(store, identifier)
    return side_by_side(item_metrics(store, node.value), references(store, node))

