"""The links of a work, as DataCite's connections show them (``citations``, ``references``,
``versions``, ``parts`` ...) and kg adds to them: the relation types of each link and the record
graphs stating it, with their provenance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import strawberry

from kg.batches import LinkRecord
from kg.vocab import CITO, KG, inverse, relations
from kg.web.graphql.context import KgInfo
from kg.web.graphql.metadata import Provenance


def relation_type(iri: str) -> str:
    """DataCite's name of a relation: its local name capitalised (``kg:isSupplementTo`` -> IsSupplementTo).

    >>> relation_type("http://purl.org/spar/cito/cites")
    'Cites'
    """
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return local[:1].upper() + local[1:]


@strawberry.type(description="A related identifier, as DataCite lists them, with the provenance of the link.")
class RelatedIdentifier:
    related_identifier: str
    related_identifier_type: str
    relation_type: str
    provenance: list[Provenance]


@dataclass(frozen=True)
class Merged:
    """The links from the work to one node, merged: their relations and the graphs stating them."""

    other: str
    relations: tuple[str, ...]
    graphs: tuple[str, ...]


def _outward(link: LinkRecord, inverse: dict[str, str]) -> str:
    """The link's relation read from the work: an inward ``isVersionOf`` is ``hasVersion``."""
    if link.relation == CITO.cites.value:
        return KG.cites.value if link.direction == "out" else KG.isCitedBy.value
    return link.relation if link.direction == "out" else inverse.get(link.relation, link.relation)


def merge(links: Sequence[LinkRecord], keep: Callable[[LinkRecord], bool]) -> list[Merged]:
    """The links kept, those to the same node merged (a DataCite ``Cites`` beside a ``cito:cites``), by node IRI."""
    inverses = {r.iri.value: r.inverse.value for r in relations()}
    found: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for link in links:
        if not keep(link):
            continue
        rels, graphs = found.setdefault(link.other, ({}, {}))
        rels[relation_type(_outward(link, inverses))] = None
        graphs.update(dict.fromkeys(link.graphs))
    return [Merged(o, tuple(r), tuple(sorted(g))) for o, (r, g) in sorted(found.items())]


async def provenance_of(info: KgInfo, graphs: Sequence[str]) -> dict[str, Provenance]:
    records = await info.context.loaders.provenance.load_many(list(graphs))
    return {r.graph: Provenance.from_domain(r) for r in records}


#: (relation stated from the work, relation stated towards the work) of each kind of link
Kinds = tuple[set[str], set[str]]
VERSIONS: Kinds = ({KG.hasVersion.value}, {inverse(KG.hasVersion).value})
VERSION_OF: Kinds = ({KG.isVersionOf.value}, {inverse(KG.isVersionOf).value})
PARTS: Kinds = ({KG.hasPart.value}, {inverse(KG.hasPart).value})
PART_OF: Kinds = ({KG.isPartOf.value}, {inverse(KG.isPartOf).value})
CITATIONS: Kinds = (set(), {CITO.cites.value})
REFERENCES: Kinds = ({CITO.cites.value}, set())


@cache
def every_link() -> Kinds:
    """Every relation of the catalogue and cito:cites, either way: DataCite's ``allRelated``."""
    every = {r.iri.value for r in relations()} | {CITO.cites.value}
    return every, every


@cache
def other_links() -> Kinds:
    """Every link but citations, references, versions and parts: DataCite's ``otherRelated``."""
    skip = {CITO.cites.value, *(p.value for p in (KG.cites, KG.isCitedBy, KG.references, KG.isReferencedBy,
                                                  KG.hasVersion, KG.isVersionOf, KG.hasPart, KG.isPartOf))}
    out, inward = every_link()
    return out - skip, inward - skip
