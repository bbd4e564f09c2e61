"""Namespaces, terms and the relation catalogue, read from ``ontology/kg.ttl``.

Relation semantics are written down once, in the ontology; loaders and queries both read them
from here.

>>> rel = relation("is-supplemented-by")
>>> rel.iri.value, rel.role, rel.reliance
('https://w3id.org/evidence-kg/ns#isSupplementedBy', 'data', 'subject')
>>> relation("IsSupplementedBy") is rel
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal as Lit

from pyoxigraph import NamedNode, RdfFormat, parse

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def preferred_name(names: Iterable[str] | Mapping[str, tuple[int, int]]) -> str | None:
    """The one name shown of a node that has several (two sources naming a funder, a work with a
    title and its translation). Given how many of its own records and how many records in all give
    each name (a mapping): its own record's, then the one most records give (one record's slip, or a
    project's name in a funder's place, does not outweigh the thirty records naming it right); then the
    longest, and of the longest the first in Unicode code-point order. Every view and every backend
    shows the same one, whatever order the engine answered in.

    >>> preferred_name(["NSF", "National Science Foundation", "Foundation National Science"])
    'Foundation National Science'
    >>> preferred_name({"NSFC": (0, 1), "National Natural Science Foundation of China": (0, 29),
    ...                 "key research project of Ministry of Science and Technology": (0, 1)})
    'National Natural Science Foundation of China'
    >>> preferred_name({"NSF (National Science Foundation)": (0, 3), "National Science Foundation": (1, 1)})
    'National Science Foundation'
    >>> preferred_name([]) is None
    True
    """
    if isinstance(names, Mapping):
        return min(names, key=lambda name: (-names[name][0], -names[name][1], -len(name), name), default=None)
    return min(names, key=lambda name: (-len(name), name), default=None)


class Namespace:
    """A namespace whose attributes are NamedNodes: ``SCHEMA.name``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._terms: dict[str, NamedNode] = {}

    def __getattr__(self, local: str) -> NamedNode:
        if local.startswith("_"):
            raise AttributeError(local)
        term = self[local]
        setattr(self, local, term)  # later reads are plain attribute lookups
        return term

    def __getitem__(self, local: str) -> NamedNode:
        term = self._terms.get(local)
        if term is None:
            term = self._terms[local] = NamedNode(self.base + local)
        return term


KG = Namespace("https://w3id.org/evidence-kg/ns#")
SCHEMA = Namespace("http://schema.org/")
CITO = Namespace("http://purl.org/spar/cito/")
PROV = Namespace("http://www.w3.org/ns/prov#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
#: for the DCAT description of a dataset (kg.citing); not in PREFIXES, so other exports keep their prefixes
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

#: Prefixes used in queries, exports and docs.
PREFIXES = {
    "kg": KG.base, "schema": SCHEMA.base, "cito": CITO.base, "prov": PROV.base,
    "rdf": RDF.base, "rdfs": RDFS.base, "owl": OWL.base, "xsd": XSD.base, "dcterms": DCTERMS.base,
}

Role = Lit["data", "software", "method", "citation", "version", "part", "none"]
Reliance = Lit["subject", "object"]
#: the role of an evidence edge's hops: a catalogue role, or "unspecified" for plain ``kg:reliesOn``
EvidenceRole = Lit["data", "software", "method", "unspecified", "citation"]
_EVIDENCE_ROLES: tuple[EvidenceRole, ...] = ("data", "software", "method", "unspecified", "citation")

#: The evidence edge written for each role (citation: ``cito:cites``); other roles write none.
EVIDENCE_PROPERTY: dict[str, NamedNode] = {
    "data": KG.reliesOnData,
    "software": KG.reliesOnSoftware,
    "method": KG.reliesOnMethod,
    "citation": CITO.cites,
}


@dataclass(frozen=True)
class Relation:
    """One relation of the catalogue."""

    #: the kg: property of the typed edge
    iri: NamedNode
    label: str
    #: the inverse relation's property
    inverse: NamedNode
    role: Role
    #: which end relies on the other, for roles that carry evidence
    reliance: Reliance | None
    #: the names sources use for it
    names: tuple[str, ...]

    @property
    def evidence_property(self) -> NamedNode | None:
        """The evidence edge this relation implies, or None."""
        return EVIDENCE_PROPERTY.get(self.role)


def curie(iri: str) -> str:
    """An IRI in the prefixes of :data:`PREFIXES`, else unchanged.

    >>> curie("https://w3id.org/evidence-kg/ns#reliesOnData"), curie("https://example.org/x")
    ('kg:reliesOnData', 'https://example.org/x')
    """
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def relation_key(name: str) -> str:
    """The form names are matched in: lower case, letters only.

    >>> relation_key("is-supplement-to") == relation_key("IsSupplementTo") == relation_key("isSupplementTo")
    True
    """
    return re.sub(r"[^a-z]", "", name.lower())


@cache
def _ontology() -> dict[str, dict[str, list[str]]]:
    """``ontology/kg.ttl`` as subject -> predicate -> objects (IRIs and literals by their values)."""
    props: dict[str, dict[str, list[str]]] = {}
    for t in parse(path=ONTOLOGY_DIR / "kg.ttl", format=RdfFormat.TURTLE):
        subject = getattr(t.subject, "value", "")
        props.setdefault(subject, {}).setdefault(t.predicate.value, []).append(t.object.value)
    return props


@cache
def catalogue() -> dict[str, Relation]:
    """Every relation of ``ontology/kg.ttl``, by :func:`relation_key` of each of its names."""
    props = _ontology()
    roles: tuple[Role, ...] = ("data", "software", "method", "citation", "version", "part", "none")
    role_of: dict[str, Role] = {KG[f"Role{r.capitalize()}"].value: r for r in roles}
    reliance_of: dict[str, Reliance] = {KG.SubjectRelies.value: "subject", KG.ObjectRelies.value: "object"}
    by_name: dict[str, Relation] = {}
    for subject, p in props.items():
        if KG.Relation.value not in p.get(RDF.type.value, []):
            continue
        rel = Relation(
            iri=NamedNode(subject),
            label=p[RDFS.label.value][0],
            inverse=NamedNode(p[OWL.inverseOf.value][0]),
            role=role_of[p[KG.evidenceRole.value][0]],
            reliance=reliance_of.get(p.get(KG.reliance.value, [""])[0]),
            names=tuple(sorted(p[KG.sourceName.value])),
        )
        for name in rel.names:
            key = relation_key(name)
            if key in by_name:
                raise ValueError(f"ontology/kg.ttl: the name {name!r} is given to two relations")
            by_name[key] = rel
    return by_name


def relation(name: str) -> Relation | None:
    """The catalogue relation a source calls ``name`` (any case, with or without '-' and '_')."""
    return catalogue().get(relation_key(name))


def relations() -> list[Relation]:
    """Every relation of the catalogue, once each, ordered by IRI."""
    return sorted({r.iri.value: r for r in catalogue().values()}.values(), key=lambda r: r.iri.value)


@cache
def relations_by_iri() -> dict[str, Relation]:
    """Every relation of the catalogue by its property's IRI.

    >>> relations_by_iri()[KG.isVersionOf.value].inverse.value
    'https://w3id.org/evidence-kg/ns#hasVersion'
    """
    return {r.iri.value: r for r in relations()}


def inverse(prop: NamedNode) -> NamedNode:
    """The inverse of a catalogue relation; ``cito:cites`` reads back as ``kg:isCitedBy``.

    :raises KeyError: ``prop`` is neither a relation of the catalogue nor ``cito:cites``

    >>> inverse(KG.hasPart).value, inverse(CITO.cites).value
    ('https://w3id.org/evidence-kg/ns#isPartOf', 'https://w3id.org/evidence-kg/ns#isCitedBy')
    """
    if prop == CITO.cites:
        return KG.isCitedBy
    return relations_by_iri()[prop.value].inverse


@cache
def evidence_edges() -> dict[str, EvidenceRole]:
    """The evidence edges chains walk, as ``ontology/kg.ttl`` declares them (``kg:reliesOn`` and its
    sub-properties), by IRI, each with the role it gives its hops (:data:`EVIDENCE_PROPERTY` inverted,
    "unspecified" for ``kg:reliesOn`` itself); ordered data, software, method, unspecified, citation.

    :raises ValueError: the ontology declares an evidence edge no role writes

    >>> [curie(iri) for iri in evidence_edges()]
    ['kg:reliesOnData', 'kg:reliesOnSoftware', 'kg:reliesOnMethod', 'kg:reliesOn', 'cito:cites']
    """
    role_of: dict[str, EvidenceRole] = {p.value: r for r, p in EVIDENCE_PROPERTY.items()
                                        if r in _EVIDENCE_ROLES}
    role_of[KG.reliesOn.value] = "unspecified"
    declared = [KG.reliesOn.value] + [s for s, p in _ontology().items()
                                      if KG.reliesOn.value in p.get(RDFS.subPropertyOf.value, [])]
    for edge in declared:
        if edge not in role_of:
            raise ValueError(f"ontology/kg.ttl: the evidence edge {edge} has no role in kg.vocab.EVIDENCE_PROPERTY")
    return {e: role_of[e] for e in sorted(declared, key=lambda e: _EVIDENCE_ROLES.index(role_of[e]))}
