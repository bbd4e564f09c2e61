"""What an evidence chain is made of: its works (:class:`ChainNode`), the hops between them
(:class:`Hop`), each with the record graphs asserting it (:class:`Assertion`) and the typed
relations they state (:class:`StatedRelation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kg.vocab import EvidenceRole, evidence_edges
from kg.works import WorkSummary

ChainRole = EvidenceRole
#: a hop is stated (a source asserts it) or inferred (a rule of ours, named in ``Hop.rule``)
Basis = Literal["stated", "inferred"]

#: the evidence edges a chain follows, with the role each gives its hop
EVIDENCE_ROLE: dict[str, ChainRole] = evidence_edges()
#: hops are ordered data, software, method, plain kg:reliesOn, then citations
ROLE_RANK: dict[str, int] = {"data": 0, "software": 1, "method": 2, "unspecified": 3, "citation": 4}
#: stated evidence hops (of any role) before inferred ones
BASIS_RANK: dict[str, int] = {"stated": 0, "inferred": 1}
#: how a hop reads, from the work that relies to the work relied upon, by role
ROLE_LABEL: dict[str, str] = {"data": "relies on data", "software": "relies on software",
                              "method": "relies on method", "unspecified": "relies on", "citation": "cites"}
#: how a hop reads when the source stated one of these relations (either way round) between the two
RELATION_LABEL: dict[str, str] = {"kg:isSupplementedBy": "supplemented by", "kg:isSupplementTo": "supplemented by",
                                  "kg:isDerivedFrom": "derived from", "kg:isSourceOf": "derived from",
                                  "kg:isBasedOnData": "based on", "kg:isDataBasisFor": "based on",
                                  "kg:requires": "requires", "kg:isRequiredBy": "requires"}


@dataclass(frozen=True)
class StatedRelation:
    """A typed edge as the source stated it, e.g. ``<dataset> kg:isSupplementTo <article>``."""

    property: str
    subject: str
    object: str

    def as_dict(self) -> dict[str, str]:
        return {"property": self.property, "subject": self.subject, "object": self.object}


@dataclass(frozen=True)
class Assertion:
    """One record graph asserting a hop: its source, when it was retrieved, the typed relations it states."""

    graph: str
    #: the graph's kg:source and prov:generatedAtTime; None for a graph without provenance
    source: str | None
    retrieved: str | None
    relations: tuple[StatedRelation, ...] = ()
    #: when the source last changed the record (kg:sourceModified: Crossref's indexed date, DataCite's and
    #: Zenodo's updated), None when the record does not say
    modified: str | None = None

    @property
    def when(self) -> str:
        """The date the assertion is as of, in words: the record's own date, else when it was retrieved.

        >>> Assertion("g", "crossref", "2026-12-06T10:00:00Z", (), "2021-05-27T09:24:03Z").when
        'its record of 2021-05-27'
        >>> Assertion("g", "pdbe", "2026-12-06T10:00:00Z").when
        'retrieved 2026-12-06'
        """
        if self.modified:
            return f"its record of {self.modified[:10]}"
        return f"retrieved {self.retrieved[:10]}" if self.retrieved else ""

    def as_dict(self) -> dict[str, object]:
        return {"graph": self.graph, "source": self.source, "retrieved": self.retrieved, "modified": self.modified,
                "relations": [r.as_dict() for r in self.relations]}


@dataclass(frozen=True)
class Hop:
    """One edge of the chain: ``from_`` relies on ``to`` (or, for a citation, cites it)."""

    from_: str
    to: str
    #: the evidence edge, e.g. "kg:reliesOnData", "cito:cites"
    evidence: str
    role: ChainRole
    #: the level it was found at: 1 for hops leaving the root
    depth: int
    #: every record graph asserting it, by graph IRI (for a stated hop, at least one)
    assertions: tuple[Assertion, ...]
    #: "stated": a source asserts it (see ``assertions``); "inferred": a rule of ours (``rule``) does
    basis: Basis = "stated"
    #: the name of the rule that inferred it; None for a stated hop
    rule: str | None = None
    #: how it reads in the direction of reliance: "relies on data", "uses structure", "supplemented by data"
    label: str = ""

    @property
    def relations(self) -> tuple[StatedRelation, ...]:
        """The typed relations stated by any asserting graph, each once."""
        return tuple(dict.fromkeys(r for a in self.assertions for r in a.relations))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({a.source for a in self.assertions if a.source is not None}))

    @property
    def is_citation(self) -> bool:
        """A plain citation: counted and listed, never followed further."""
        return self.role == "citation"

    def as_dict(self) -> dict[str, object]:
        return {"from": self.from_, "to": self.to, "evidence": self.evidence, "role": self.role,
                "label": self.label or self.evidence, "basis": self.basis, "rule": self.rule,
                "depth": self.depth, "relations": [r.as_dict() for r in self.relations],
                "assertions": [a.as_dict() for a in self.assertions]}


def hop_label(role: ChainRole, relations: tuple[StatedRelation, ...], target_kind: str | None) -> str:
    """How a hop reads from the work relying to the work relied upon.

    >>> hop_label("data", (StatedRelation("kg:isSupplementTo", "d", "a"),), "Dataset")
    'supplemented by data'
    >>> hop_label("data", (StatedRelation("kg:isSupplementTo", "e", "a"),), "StructureEntry")
    'uses structure'
    >>> hop_label("citation", (), "Dataset")
    'cites'
    """
    if role == "citation":
        return "cites"
    if role == "data" and target_kind == "StructureEntry":
        return "uses structure"
    stated = next((RELATION_LABEL[r.property] for r in relations if r.property in RELATION_LABEL), None)
    if stated is None or role == "unspecified":
        return ROLE_LABEL[role]
    return f"{stated} {role}"


@dataclass(frozen=True)
class ChainNode:
    """A work of the chain, with its depth (fewest hops from the root)."""

    work: WorkSummary
    depth: int
    #: whether its hops were looked up (False at the depth limit, and for works reached only by citations)
    expanded: bool
    #: how many works it cites (for an expanded work), and how many of those the chain lists
    citations: int = 0
    citations_listed: int = 0

    @property
    def iri(self) -> str:
        return self.work.iri

    @property
    def citation_note(self) -> str | None:
        """"cites 229 works (the 10 strongest shown)", or None when it cites nothing.

        >>> ChainNode(WorkSummary("x"), 0, True, 229, 10).citation_note
        'cites 229 works (the 10 strongest shown)'
        >>> ChainNode(WorkSummary("x"), 0, True, 1, 1).citation_note
        'cites 1 work'
        """
        if not self.citations:
            return None
        works = "1 work" if self.citations == 1 else f"{self.citations} works"
        if self.citations_listed >= self.citations:
            return f"cites {works}"
        return f"cites {works} (the {self.citations_listed} strongest shown)"

    def as_dict(self) -> dict[str, object]:
        return {**self.work.as_dict(), "depth": self.depth, "expanded": self.expanded,
                "citations": self.citations, "citations_listed": self.citations_listed}


@dataclass(frozen=True)
class Chain:
    """The works an evidence chain reaches from ``root`` and the hops between them, in order."""

    root: str
    max_depth: int
    #: the root first, then by depth, each level in the order of the hops reaching it
    nodes: tuple[ChainNode, ...]
    #: by depth, then by the node they leave; from each node its stated evidence hops (data,
    #: software, method), then its inferred ones, then its strongest citations
    hops: tuple[Hop, ...]
    #: True when some level had more new works than the fan-out cap and some were left out
    truncated: bool = False
    #: the most plain citations listed per work; None when all are
    citation_limit: int | None = None

    def node(self, iri: str) -> ChainNode:
        """The chain's node with this IRI (KeyError if the chain does not reach it)."""
        for n in self.nodes:
            if n.iri == iri:
                return n
        raise KeyError(iri)

    def hops_from(self, iri: str) -> tuple[Hop, ...]:
        return tuple(h for h in self.hops if h.from_ == iri)

    def as_dict(self) -> dict[str, object]:
        return {"root": self.root, "max_depth": self.max_depth, "truncated": self.truncated,
                "citation_limit": self.citation_limit,
                "nodes": [n.as_dict() for n in self.nodes], "hops": [h.as_dict() for h in self.hops]}


@dataclass(frozen=True)
class ChainPath:
    """One path from the root to a work with nothing further in the chain."""

    nodes: tuple[str, ...]
    #: the best role of each step (data before software, method, citation)
    roles: tuple[ChainRole, ...]

    def as_dict(self) -> dict[str, object]:
        return {"nodes": list(self.nodes), "roles": list(self.roles)}
