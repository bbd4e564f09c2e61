"""Evidence chains: from any work down the evidence edges to the data it rests on.

:func:`evidence_chain` walks ``kg:reliesOnData``, ``kg:reliesOnSoftware``, ``kg:reliesOnMethod``,
``kg:reliesOn`` and ``cito:cites`` (the evidence edges of docs/data-model.md) breadth first, one
catalogue query (``queries/evidence_hops.rq``) per level whatever the fan-out, and returns a
:class:`Chain`: the works reached, with their summaries, and the hops between them. Each hop says
which evidence edge it is, its role, the typed relations the source stated between the same two
works, and every record graph that asserts it with the graph's source and retrieval time.

networkx assembles the chain for ranking its paths (:func:`paths`) and for export
(:func:`to_node_link`, :func:`to_graphml`).

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.update('''INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
...     <https://doi.org/10.1/a> <https://w3id.org/evidence-kg/ns#reliesOnData> <https://doi.org/10.1/d> } }''')
>>> chain = evidence_chain(store, "10.1/A")
>>> [(h.from_, h.to, h.role) for h in chain.hops]
[('https://doi.org/10.1/a', 'https://doi.org/10.1/d', 'data')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import networkx as nx
from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store
from kg.vocab import CITO, KG, PREFIXES, Relation, relations
from kg.works import WorkSummary, resolve, summaries

ChainRole = Literal["data", "software", "method", "unspecified", "citation"]

#: the evidence edges a chain follows, with the role each gives its hop
EVIDENCE_ROLE: dict[str, ChainRole] = {
    KG.reliesOnData.value: "data",
    KG.reliesOnSoftware.value: "software",
    KG.reliesOnMethod.value: "method",
    KG.reliesOn.value: "unspecified",
    CITO.cites.value: "citation",
}
#: hops are ordered data, software, method, plain kg:reliesOn, then citations
ROLE_RANK: dict[str, int] = {"data": 0, "software": 1, "method": 2, "unspecified": 3, "citation": 4}
#: the catalogue roles whose typed relations an evidence edge of each role can come from (a
#: data-role relation to a work known to be software is written as kg:reliesOnSoftware)
_TYPED_ROLES: dict[ChainRole, frozenset[str]] = {
    "data": frozenset({"data"}),
    "software": frozenset({"data", "software"}),
    "method": frozenset({"method"}),
    "unspecified": frozenset({"data", "software", "method"}),
    "citation": frozenset({"citation"}),
}
#: among hops of one role, those to data come first, then those to software
_KIND_RANK = {"StructureEntry": 0, "Dataset": 0, "SoftwareSourceCode": 1}
#: the most new works kept at one level (the rest, and the hops to them, are left out)
DEFAULT_FANOUT = 200


def curie(iri: str) -> str:
    """An IRI in the prefixes of :data:`kg.vocab.PREFIXES`, else unchanged.

    >>> curie("https://w3id.org/evidence-kg/ns#reliesOnData")
    'kg:reliesOnData'
    """
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


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

    def as_dict(self) -> dict[str, object]:
        return {"graph": self.graph, "source": self.source, "retrieved": self.retrieved,
                "relations": [r.as_dict() for r in self.relations]}


@dataclass(frozen=True)
class Hop:
    """One evidence edge of the chain: ``from_`` relies on ``to``."""

    from_: str
    to: str
    #: the evidence edge, e.g. "kg:reliesOnData", "cito:cites"
    evidence: str
    role: ChainRole
    #: the level it was found at: 1 for hops leaving the root
    depth: int
    #: every record graph asserting it, by graph IRI
    assertions: tuple[Assertion, ...]

    @property
    def relations(self) -> tuple[StatedRelation, ...]:
        """The typed relations stated by any asserting graph, each once."""
        return tuple(dict.fromkeys(r for a in self.assertions for r in a.relations))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({a.source for a in self.assertions if a.source is not None}))

    def as_dict(self) -> dict[str, object]:
        return {"from": self.from_, "to": self.to, "evidence": self.evidence, "role": self.role,
                "depth": self.depth, "relations": [r.as_dict() for r in self.relations],
                "assertions": [a.as_dict() for a in self.assertions]}


@dataclass(frozen=True)
class ChainNode:
    """A work of the chain, with its depth (fewest hops from the root)."""

    work: WorkSummary
    depth: int
    #: whether its evidence edges were looked up (False at the depth limit)
    expanded: bool

    @property
    def iri(self) -> str:
        return self.work.iri

    def as_dict(self) -> dict[str, object]:
        return {**self.work.as_dict(), "depth": self.depth, "expanded": self.expanded}


@dataclass(frozen=True)
class Chain:
    """The works an evidence chain reaches from ``root`` and the hops between them, in order."""

    root: str
    max_depth: int
    #: the root first, then by depth, each level in the order of the hops reaching it
    nodes: tuple[ChainNode, ...]
    #: by depth, then by the order of the node they leave, then data, software, method, citation
    hops: tuple[Hop, ...]
    #: True when some level had more new works than the fan-out cap and some were left out
    truncated: bool = False

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
                "nodes": [n.as_dict() for n in self.nodes], "hops": [h.as_dict() for h in self.hops]}


@dataclass(frozen=True)
class ChainPath:
    """One path from the root to a work with nothing further in the chain."""

    nodes: tuple[str, ...]
    #: the best role of each step (data before software, method, citation)
    roles: tuple[ChainRole, ...]

    def as_dict(self) -> dict[str, object]:
        return {"nodes": list(self.nodes), "roles": list(self.roles)}


def evidence_chain(store: Store, identifier_or_node: str | NamedNode, max_depth: int = 5, *,
                   fanout: int = DEFAULT_FANOUT) -> Chain:
    """The evidence chain from a work down to the data, at most ``max_depth`` hops deep.

    One query per level: the level's works are bound as a list to ``?node`` of
    ``queries/evidence_hops.rq``; then one query for the summaries of all works reached. Each work
    is expanded once (cycles end there, but the hop closing a cycle is kept); a hop from a work to
    itself is left out. At most ``fanout`` new works are kept per level, those reached by data and
    software hops first; the chain is then ``truncated``.

    :param identifier_or_node: a DOI, PDB ID, PMID or IRI in any form :mod:`kg.ids` reads, or a node
    :param max_depth: how many hops to follow from the root (0: the root alone)
    :raises IdentifierError: the identifier is malformed
    :raises NotFoundError: the graph has nothing about it
    :raises ValueError: ``max_depth`` or ``fanout`` is negative

    >>> from kg.store import Store
    >>> evidence_chain(Store.open(None), "10.1/absent")
    Traceback (most recent call last):
    kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/absent; load or harvest its record first
    """
    if max_depth < 0 or fanout < 0:
        raise ValueError(f"max_depth and fanout must be 0 or more, not {max_depth} and {fanout}")
    text = identifier_or_node.value if isinstance(identifier_or_node, NamedNode) else identifier_or_node
    root = resolve(store, text)
    depth_of: dict[str, int] = {root.value: 0}
    by_level: list[list[Hop]] = []
    frontier = [root]
    truncated = False
    query = load_query("evidence_hops").text
    while frontier and len(by_level) < max_depth:
        level = len(by_level) + 1
        found = _hops(store, query, frontier, level)
        order = {n.value: i for i, n in enumerate(frontier)}
        found.sort(key=lambda h: (ROLE_RANK[h.role], order[h.from_], h.to))
        new = list(dict.fromkeys(h.to for h in found if h.to not in depth_of))
        if len(new) > fanout:
            truncated = True
            dropped = set(new[fanout:])
            new = new[:fanout]
            found = [h for h in found if h.to not in dropped]
        depth_of.update((iri, level) for iri in new)
        by_level.append(found)
        frontier = [NamedNode(iri) for iri in new]
    works = summaries(store, [NamedNode(iri) for iri in depth_of])
    nodes, hops = _ordered(root.value, by_level, works)
    return Chain(root.value, max_depth,
                 tuple(ChainNode(works[iri], depth_of[iri], depth_of[iri] < max_depth) for iri in nodes),
                 tuple(hops), truncated)


def _hops(store: Store, query: str, frontier: list[NamedNode], level: int) -> list[Hop]:
    """The hops leaving the frontier works, each with every graph asserting it."""
    catalogue = _catalogue()
    # (from, to, evidence) -> graph -> (source, retrieved, typed relations)
    found: dict[tuple[str, str, str], dict[str, tuple[str | None, str | None, dict[StatedRelation, None]]]] = {}
    rows = store.select(query, {"node": list(frontier)}).values()
    graphs = sorted({g for *_, g, _rel, _fw in rows if g is not None})
    provenance = {g: (source, retrieved) for g, source, retrieved in store.select(
        load_query("graph_provenance").text, {"g": [NamedNode(g) for g in graphs]}).values() if g} if graphs else {}
    for node, evidence, target, graph, rel, forward in rows:
        if node is None or evidence is None or target is None or graph is None or node == target:
            continue
        role = EVIDENCE_ROLE[evidence]
        per_graph = found.setdefault((node, target, evidence), {})
        entry = per_graph.setdefault(graph, (*provenance.get(graph, (None, None)), {}))
        typed = catalogue.get(rel or "")
        if typed is None or typed.role not in _TYPED_ROLES[role]:
            continue
        if forward == "true" and typed.reliance == "subject":
            entry[2][StatedRelation(curie(typed.iri.value), node, target)] = None
        elif forward == "false" and typed.reliance == "object":
            entry[2][StatedRelation(curie(typed.iri.value), target, node)] = None
    return [Hop(node, target, curie(evidence), EVIDENCE_ROLE[evidence], level,
                tuple(Assertion(g, source, retrieved, tuple(sorted(rels, key=lambda r: r.property)))
                      for g, (source, retrieved, rels) in sorted(per_graph.items())))
            for (node, target, evidence), per_graph in found.items()]


def _catalogue() -> dict[str, Relation]:
    return {r.iri.value: r for r in relations()}


def _ordered(root: str, by_level: list[list[Hop]], works: dict[str, WorkSummary]) -> tuple[list[str], list[Hop]]:
    """Nodes and hops in chain order: level by level, each level by the node it leaves, then role,
    then hops to data before hops to software before others, then by IRI."""
    index = {root: 0}
    hops: list[Hop] = []
    for found in by_level:
        found = sorted(found, key=lambda h: (index[h.from_], ROLE_RANK[h.role],
                                             _KIND_RANK.get(works[h.to].kind or "", 2), h.to, h.evidence))
        for h in found:
            index.setdefault(h.to, len(index))
        hops.extend(found)
    return list(index), hops


# ---------------------------------------------------------------- assembly and export


def to_digraph(chain: Chain) -> nx.DiGraph[str]:
    """The chain as a networkx DiGraph: one edge per pair of works, holding all its hops.

    Node attributes are the node's :meth:`ChainNode.as_dict`; edge attributes ``role`` (the best
    role of its hops), ``evidence`` (their evidence edges) and ``hops`` (their dicts).
    """
    graph: nx.DiGraph[str] = nx.DiGraph(root=chain.root, max_depth=chain.max_depth, truncated=chain.truncated)
    for n in chain.nodes:
        graph.add_node(n.iri, **n.as_dict())
    for h in chain.hops:
        if graph.has_edge(h.from_, h.to):
            edge = graph.edges[h.from_, h.to]
            edge["hops"].append(h.as_dict())
            edge["evidence"].append(h.evidence)
            if ROLE_RANK[h.role] < ROLE_RANK[edge["role"]]:
                edge["role"] = h.role
        else:
            graph.add_edge(h.from_, h.to, role=h.role, evidence=[h.evidence], hops=[h.as_dict()])
    return graph


def to_node_link(chain: Chain) -> dict[str, object]:
    """The chain as networkx node-link JSON (``nodes``, ``links``), JSON-ready."""
    data: dict[str, object] = nx.node_link_data(to_digraph(chain), edges="links")
    return data


def to_graphml(chain: Chain, path_or_file: str | Path | IO[bytes]) -> None:
    """Write the chain as GraphML. Attributes are flattened to text: a node's identifiers as
    ``doi=...;pmid=...``; an edge's evidence edges, typed relations, sources and graphs each
    space-separated; unknown values left out."""
    flat: nx.DiGraph[str] = nx.DiGraph()
    flat.graph.update(root=chain.root, max_depth=chain.max_depth, truncated=chain.truncated)
    for n in chain.nodes:
        attrs: dict[str, object] = {"kind": n.work.kind, "title": n.work.title, "year": n.work.year,
                                    "name": n.work.name, "version": n.work.version, "depth": n.depth,
                                    "expanded": n.expanded,
                                    "identifiers": ";".join(f"{k}={v}" for k, v in n.work.identifiers.items())}
        flat.add_node(n.iri, **{k: v for k, v in attrs.items() if v not in (None, "")})
    for (a, b), edge_hops in _edges(chain).items():
        best = min(edge_hops, key=lambda h: ROLE_RANK[h.role])
        flat.add_edge(a, b, role=best.role, evidence=" ".join(h.evidence for h in edge_hops),
                      relations=" ".join(dict.fromkeys(r.property for h in edge_hops for r in h.relations)),
                      sources=" ".join(dict.fromkeys(s for h in edge_hops for s in h.sources)),
                      graphs=" ".join(dict.fromkeys(a.graph for h in edge_hops for a in h.assertions)))
    nx.write_graphml(flat, path_or_file)


def _edges(chain: Chain) -> dict[tuple[str, str], list[Hop]]:
    edges: dict[tuple[str, str], list[Hop]] = {}
    for h in chain.hops:
        edges.setdefault((h.from_, h.to), []).append(h)
    return edges


def paths(chain: Chain, limit: int = 100) -> list[ChainPath]:
    """Paths from the root to each work with no further hop off the path, best first.

    A path with fewer plain citations comes first, then one with fewer method hops, then one with
    more data and software hops, then the shorter, then by IRIs. At most ``limit`` paths are
    returned, chosen from at most 100 times as many enumerated.
    """
    best = {pair: min((h.role for h in hs), key=ROLE_RANK.__getitem__) for pair, hs in _edges(chain).items()}
    graph = to_digraph(chain)
    found: list[ChainPath] = []
    for trail in _simple_paths(graph, chain.root, limit * 100):
        roles = tuple(best[a, b] for a, b in zip(trail, trail[1:], strict=False))
        found.append(ChainPath(tuple(trail), roles))

    def rank(p: ChainPath) -> tuple[int, int, int, int, tuple[str, ...]]:
        strong = sum(r in ("data", "software") for r in p.roles)
        return (sum(r == "citation" for r in p.roles), sum(r in ("method", "unspecified") for r in p.roles),
                -strong, len(p.roles), p.nodes)

    return sorted(found, key=rank)[:limit]


def _simple_paths(graph: nx.DiGraph[str], root: str, cap: int) -> Iterator[list[str]]:
    """Depth-first: every path from ``root`` that ends where no hop leads off the path."""
    count = 0
    stack: list[list[str]] = [[root]]
    while stack and count < cap:
        trail = stack.pop()
        onward = [n for n in graph.successors(trail[-1]) if n not in trail]
        if not onward:
            count += 1
            yield trail
        stack.extend([*trail, n] for n in reversed(onward))
