"""Links between works as Scholix Link Information Packages, the way ScholeXplorer's ``Links`` API
answers them, each with who stated it and when, from kg's provenance.

A package is one link (source, relation, target) however many record graphs state it: its
``LinkProvider`` lists each provider (the hub a Scholix link was harvested from names its own
providers; any other link is provided by the source kg loaded it from: Crossref, DataCite,
Zenodo, ...), its ``LinkPublicationDate`` is the earliest date any of them gives (the hub's link
date, else the record's own date, else when kg retrieved it), and ``HarvestDate`` is when kg
retrieved the newest record stating it. Links are the relations of the catalogue
(``ontology/kg.ttl``) and ``cito:cites``; a ``cito:cites`` a record writes beside a citation
relation it states between the same works is that relation, not a second link.

Scholix 3.0 names five relationships: ``IsSupplementTo``/``IsSupplementedBy``, ``References``/
``IsReferencedBy`` (kg's citation relations, by which end cites) and ``IsRelatedTo`` for every
other; the DataCite name of kg's relation is the ``SubType``. Object types are ``literature``
(articles), ``dataset`` (datasets, structure entries and software, which Scholix 3.0 counts as
data) and ``unknown``; kg's class is the ``SubType``. Each end has its title, creators (with their
ORCIDs), year and publishers when a record gives them.

>>> from kg.vocab import KG
>>> scholix_relation(CITO.cites), scholix_relation(KG.isDerivedFrom)
(('References', 'Cites'), ('IsRelatedTo', 'IsDerivedFrom'))
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg import ids
from kg.errors import BadRequestError, IdentifierError
from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.vocab import CITO, relation_key, relations, relations_by_iri
from kg.works import WorkSummary, summaries

#: links per page of /api/scholix/links, as ScholeXplorer pages them
PAGE_SIZE = 100
#: the Scholix 3.0 relationship names
SCHOLIX_RELATIONS = ("IsSupplementTo", "IsSupplementedBy", "References", "IsReferencedBy", "IsRelatedTo")
#: how a provider is named when kg loaded the link itself (loader name -> provider)
PROVIDERS = {"crossref": "Crossref", "crossref-datacitations": "Crossref", "crossref-funders": "Crossref",
             "datacite": "DataCite", "datacite-events": "DataCite Event Data", "eventdata": "Crossref Event Data",
             "doi-ra": "DOI registration agencies", "opencitations": "OpenCitations", "pdbe": "PDBe",
             "ror": "ROR", "scholix": "ScholeXplorer", "zenodo": "Zenodo"}
#: kg's classes (WorkSummary.kind) -> Scholix 3.0 object types
OBJECT_TYPES = {"ScholarlyArticle": "literature", "Dataset": "dataset", "StructureEntry": "dataset",
                "SoftwareSourceCode": "dataset"}
_CAMEL = re.compile(r"^[A-Z][A-Za-z]+$")


def scholix_relation(prop: NamedNode) -> tuple[str, str]:
    """The Scholix relationship name of a link property and its DataCite name (the SubType)."""
    if prop == CITO.cites:
        return "References", "Cites"
    rel = relations_by_iri()[prop.value]
    subtype = next((n for n in rel.names if _CAMEL.match(n)), rel.label)
    key = relation_key(subtype)
    if key in ("issupplementto", "issupplementedby"):
        return ("IsSupplementTo" if key == "issupplementto" else "IsSupplementedBy"), subtype
    if rel.role == "citation":
        return ("References" if rel.reliance == "subject" else "IsReferencedBy"), subtype
    return "IsRelatedTo", subtype


@dataclass(frozen=True)
class LinkPackage:
    """One link and everyone who stated it."""

    source: str
    target: str
    #: the property's IRI
    relation: str
    name: str
    subtype: str
    providers: tuple[str, ...]
    #: the earliest date a provider gives the link
    date: str
    #: when kg retrieved the newest record stating it
    harvested: str
    graphs: tuple[str, ...] = field(default=())


def link_packages(store: Store, source: NamedNode | None = None, target: NamedNode | None = None,
                  relation: str | None = None, provider: str | None = None) -> list[LinkPackage]:
    """The links (of one work, when ``source`` or ``target`` is given), in (source, relation name,
    target) order; ``relation`` matches the Scholix name or the DataCite SubType, ``provider`` a
    provider's name (both case-blind)."""
    bindings: dict[str, NamedNode | list[NamedNode]] = {"p": [CITO.cites, *(r.iri for r in relations())]}
    if source is not None:
        bindings["source"] = source
    if target is not None:
        bindings["target"] = target
    rows = store.select(load_query("scholix_links").text, bindings).values()
    citing = {(g, frozenset((s, o))) for s, p, o, g, *_ in rows
              if s and p and o and g and p != CITO.cites.value and relations_by_iri()[p].role == "citation"}
    found: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for s, p, o, g, loader, retrieved, modified, named, link_date in rows:
        if not (s and p and o and g and retrieved) or (p == CITO.cites.value and (g, frozenset((s, o))) in citing):
            continue
        entry = found.setdefault((s, p, o), {"graphs": set(), "providers": set(), "dates": set(), "harvested": set()})
        entry["graphs"].add(g)
        entry["providers"].add(named or PROVIDERS.get(loader or "", loader or "unknown"))
        entry["dates"].add((link_date or modified or retrieved)[:10])
        entry["harvested"].add(retrieved[:10])
    packages = []
    wanted = relation_key(relation) if relation else None
    for (s, p, o), entry in found.items():
        name, subtype = scholix_relation(NamedNode(p))
        if wanted and wanted not in (relation_key(name), relation_key(subtype)):
            continue
        if provider and provider.casefold() not in {x.casefold() for x in entry["providers"]}:
            continue
        packages.append(LinkPackage(s, o, p, name, subtype, tuple(sorted(entry["providers"])), min(entry["dates"]),
                                    max(entry["harvested"]), tuple(sorted(entry["graphs"]))))
    return sorted(packages, key=lambda k: (k.source, k.name, k.subtype, k.target))


@dataclass
class _Ends:
    """The creators (name, ORCID) and publishers of the works at the ends of links."""

    creators: dict[str, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    publishers: dict[str, set[str]] = field(default_factory=dict)


def _ends(store: Store, iris: Sequence[str]) -> _Ends:
    found = _Ends()
    if not iris:
        return found
    works = {"work": [NamedNode(i) for i in iris]}
    for work, name in select_chunked(store, load_query("scholix_link_publishers").text, works).values():
        if work and name:
            found.publishers.setdefault(work, set()).add(name)

    def place(position: str | None) -> int:
        return int(position) if position and position.isdigit() else 1 << 30

    seen: set[tuple[str, str]] = set()
    rows = select_chunked(store, load_query("scholix_link_creators").text, works).values()
    # lowest place first, so an agent two sources list is kept at its first place
    for work, position, name, agent in sorted(rows, key=lambda r: (str(r[0]), place(r[1]), str(r[2]))):
        if work and name and agent and (work, agent) not in seen:
            seen.add((work, agent))
            orcid = agent if agent.startswith(ids.ORCID_BASE) else None
            found.creators.setdefault(work, []).append((place(position), name, orcid))
    return found


def _object(iri: str, summary: WorkSummary | None, ends: _Ends) -> dict[str, object]:
    try:
        doi = ids.doi_from_iri(iri) if iri.startswith(ids.DOI_BASE) else None
    except IdentifierError:
        doi = None
    identifier = {"ID": doi, "IDScheme": "doi", "IDURL": iri} if doi else {"ID": iri, "IDScheme": "url", "IDURL": iri}
    kind = summary.kind if summary else None
    found: dict[str, object] = {"Identifier": identifier,
                                "Type": {"Name": OBJECT_TYPES.get(kind or "", "unknown"),
                                         **({"SubType": kind} if kind else {})}}
    if summary and summary.title:
        found["Title"] = [summary.title]
    creators = [{"Name": name, **({"Identifier": {"ID": orcid[len(ids.ORCID_BASE):], "IDScheme": "orcid",
                                                  "IDURL": orcid}} if orcid else {})}
                for _, name, orcid in sorted(ends.creators.get(iri, []), key=lambda c: c[0])]
    if creators:
        found["Creator"] = creators
    if summary and summary.year:
        found["PublicationDate"] = str(summary.year)
    if ends.publishers.get(iri):
        found["Publisher"] = [{"name": name} for name in sorted(ends.publishers[iri])]
    return found


def scholix(store: Store, packages: Sequence[LinkPackage]) -> list[dict[str, object]]:
    """The packages as Scholix JSON (the shape of the Scholix 3.0 JSON schema), their ends described
    by what the graph holds (identifier, type, title, creators, year, publishers: three queries for them all)."""
    iris = list(dict.fromkeys(i for p in packages for i in (p.source, p.target)))
    about = summaries(store, [NamedNode(i) for i in iris])
    ends = _ends(store, iris)
    return [{
        "LinkPublicationDate": p.date,
        "LinkProvider": [{"name": name} for name in p.providers],
        "RelationshipType": {"Name": p.name, "SubType": p.subtype, "SubTypeSchema": "DataCite"},
        "HarvestDate": p.harvested,
        "Source": _object(p.source, about.get(p.source), ends),
        "Target": _object(p.target, about.get(p.target), ends),
    } for p in packages]


@dataclass(frozen=True)
class LinksPage:
    """One page of links, as ScholeXplorer's ``Links`` API answers (pages count from 0)."""

    current_page: int
    total_links: int
    total_pages: int
    result: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        return {"currentPage": self.current_page, "totalLinks": self.total_links, "totalPages": self.total_pages,
                "result": self.result}


def links_page(store: Store, *, source: NamedNode | None = None, target: NamedNode | None = None,
               relation: str | None = None, provider: str | None = None, page: int = 0,
               page_size: int = PAGE_SIZE) -> LinksPage:
    """One page of the links matching every filter given.

    :raises BadRequestError: a negative page, or a relation that is no Scholix or catalogue name
    """
    if page < 0:
        raise BadRequestError("page", "must be 0 or more (pages count from 0)", page)
    if relation and not _known_relation(relation):
        raise BadRequestError("relation", f"must be one of {', '.join(SCHOLIX_RELATIONS)} or a DataCite "
                                          "relation type (IsDerivedFrom, Cites, ...)", relation)
    found = link_packages(store, source, target, relation, provider)
    pages = -(-len(found) // page_size)
    return LinksPage(page, len(found), pages, scholix(store, found[page * page_size:(page + 1) * page_size]))


def all_links(store: Store, chunk: int = 500) -> Iterator[dict[str, object]]:
    """Every link of the graph as Scholix JSON, in (source, relation, target) order."""
    found = link_packages(store)
    for start in range(0, len(found), chunk):
        yield from scholix(store, found[start:start + chunk])


def _known_relation(name: str) -> bool:
    key = relation_key(name)
    return key in {relation_key(n) for n in SCHOLIX_RELATIONS} or key in {
        relation_key(scholix_relation(r.iri)[1]) for r in relations()} or key == "cites"


__all__ = ["OBJECT_TYPES", "PAGE_SIZE", "PROVIDERS", "SCHOLIX_RELATIONS", "LinkPackage", "LinksPage",
           "all_links", "link_packages", "links_page", "scholix", "scholix_relation"]
