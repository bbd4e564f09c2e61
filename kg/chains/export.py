"""Exports of an evidence chain: a networkx graph, node-link JSON, GraphML, and its paths ranked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

import networkx as nx

from kg.chains.model import ROLE_RANK, Chain, ChainPath, Hop


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
