"""Evidence chains: what a work rests on, from the work down to the raw data.

:func:`evidence_chain` walks breadth first, one catalogue query (``queries/evidence_hops.rq``) per
level whatever the fan-out, and returns a :class:`Chain`: the works reached, with their summaries,
and the hops between them. From each work it lists first its **evidence hops** (``kg:reliesOnData``,
``kg:reliesOnSoftware``, ``kg:reliesOnMethod``, ``kg:reliesOn``: the data, software, structures,
methods and supplements it rests on), then its **plain citations** (``cito:cites``). Only evidence
hops are followed further: citations are counted (:attr:`ChainNode.citations`) and only the
strongest :data:`CITATIONS_LISTED` are listed unless all are asked for. The strongest are cited
works that are data or software, then those with a record of their own in the graph, then the
most cited in the graph, then the most recent (:mod:`kg.standing`).

Each hop is ``stated`` (a source asserts it: every record graph asserting it is listed with the
graph's source and retrieval time, and the typed relations it states between the two works) or
``inferred`` (a rule of ours, named in :attr:`Hop.rule`). The one rule so far is the repository
prefix (:mod:`kg.chains.inferred`): a plain citation of a DOI of a data, raw-data or structure
repository (Dryad, PANGAEA, the PDB ...; ``ontology/repositories.csv``), or of a mixed one (Zenodo,
figshare, OSF) when a record types the cited work data or software and none an article (or nothing
at all is known of it), is an inferred evidence hop: listed after the stated evidence hops and
before the plain citations, and followed further like them. Each hop reads in the direction of
reliance (:attr:`Hop.label`: "relies on data", "uses structure", "supplemented by data", "cites
data (inferred: Dryad DOI)", "cites").

networkx assembles the chain for ranking its paths (:func:`paths`) and for export
(:func:`to_node_link`, :func:`to_graphml`).

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.update('''INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
...     <https://doi.org/10.1/a> <https://w3id.org/evidence-kg/ns#reliesOnData> <https://doi.org/10.1/d> } }''')
>>> chain = evidence_chain(store, "10.1/A")
>>> [(h.from_, h.to, h.role, h.basis, h.label) for h in chain.hops]
[('https://doi.org/10.1/a', 'https://doi.org/10.1/d', 'data', 'stated', 'relies on data')]
"""

from __future__ import annotations

from dataclasses import replace

from pyoxigraph import NamedNode

from kg.chains.export import paths, to_digraph, to_graphml, to_node_link
from kg.chains.inferred import infer_citations
from kg.chains.model import (
    BASIS_RANK,
    EVIDENCE_ROLE,
    ROLE_RANK,
    Assertion,
    Basis,
    Chain,
    ChainNode,
    ChainPath,
    ChainRole,
    Hop,
    StatedRelation,
    hop_label,
)
from kg.queries import load_query
from kg.standing import Standing, standings
from kg.store import Store
from kg.store.limits import select_chunked
from kg.vocab import curie, relations_by_iri
from kg.works import WorkSummary, resolve, summaries

__all__ = ["BASIS_RANK", "CITATIONS_LISTED", "DEFAULT_FANOUT", "EVIDENCE_ROLE", "ROLE_RANK", "Assertion", "Basis",
           "Chain", "ChainNode", "ChainPath", "ChainRole", "Hop", "StatedRelation", "curie", "evidence_chain",
           "paths", "to_digraph", "to_graphml", "to_node_link"]

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
#: the plain citations listed per work unless all are asked for (the strongest; all are counted)
CITATIONS_LISTED = 10


def evidence_chain(store: Store, identifier_or_node: str | NamedNode, max_depth: int = 5, *,
                   fanout: int = DEFAULT_FANOUT, all_citations: bool = False) -> Chain:
    """The evidence chain from a work down to the data, at most ``max_depth`` hops deep.

    One query per level: the level's works are bound as a list to ``?node`` of
    ``queries/evidence_hops.rq``; one query for the standing of the works they cite (to choose
    the strongest citations); then one query for the summaries of all works kept. Each work is
    expanded once (cycles end there, but the hop closing a cycle is kept); a hop from a work to
    itself is left out. Only works reached by an evidence hop are expanded. At most ``fanout``
    new works are kept per level, those reached by evidence hops first; the chain is then
    ``truncated``.

    :param identifier_or_node: a DOI, PDB ID, PMID or IRI in any form :mod:`kg.ids` reads, or a node
    :param max_depth: how many hops to follow from the root (0: the root alone)
    :param all_citations: list every plain citation, not only the :data:`CITATIONS_LISTED` strongest
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
    limit = None if all_citations else CITATIONS_LISTED
    depth_of: dict[str, int] = {root.value: 0}
    looked_up: set[str] = set()
    cited: dict[str, tuple[int, int]] = {}  # expanded work -> (citations, listed)
    standing: dict[str, Standing] = {}
    by_level: list[list[Hop]] = []
    frontier = [root]
    truncated = False
    query = load_query("evidence_hops").text
    while frontier and len(by_level) < max_depth:
        level = len(by_level) + 1
        looked_up.update(n.value for n in frontier)
        found = _next_hops(store, query, frontier, level)
        standing.update(standings(store, [NamedNode(h.to) for h in found if h.is_citation and h.to not in standing]))
        found = infer_citations(found, standing)
        found = _strongest_citations(found, standing, limit, cited, _cited_years(store, found, standing, limit))
        order = {n.value: i for i, n in enumerate(frontier)}
        found.sort(key=lambda h: (h.is_citation, BASIS_RANK[h.basis], ROLE_RANK[h.role], order[h.from_]))
        new = list(dict.fromkeys(h.to for h in found if h.to not in depth_of))
        if len(new) > fanout:
            truncated = True
            dropped = set(new[fanout:])
            new = new[:fanout]
            found = [h for h in found if h.to not in dropped]
        depth_of.update((iri, level) for iri in new)
        by_level.append(found)
        # a work first met as a citation is still expanded once an evidence hop reaches it
        onward = dict.fromkeys(h.to for h in found if not h.is_citation and h.to not in looked_up)
        frontier = [NamedNode(iri) for iri in onward]
    works = summaries(store, [NamedNode(iri) for iri in depth_of])
    nodes, hops = _in_chain_order(root.value, by_level, works, standing)
    return Chain(root.value, max_depth,
                 tuple(ChainNode(works[iri], depth_of[iri], iri in looked_up,
                                 *cited.get(iri, (0, 0))) for iri in nodes),
                 tuple(hops), truncated, limit)


def _strength(standing: Standing, year: int | None = None) -> tuple[bool, bool, int, int]:
    """Sort key of a cited work, strongest first: data or software, with a record of its own,
    most cited in the graph, most recent (``year``: of a work no record dates, as the citing work's reference
    dates it)."""
    return (not standing.is_data_or_software, standing.records == 0, -standing.citers,
            -(standing.year or year or 0))


def _cited_years(store: Store, found: list[Hop], standing: dict[str, Standing],
                 limit: int | None) -> dict[tuple[str, str], int]:
    """(citing, cited) -> the year the citing work's reference gives the cited one, for the works whose citations
    are cut (more than ``limit``) and that cite works no record dates (``queries/chain_cited_years.rq``)."""
    citing: dict[str, int] = {}
    for h in found:
        if h.is_citation:
            citing[h.from_] = citing.get(h.from_, 0) + 1
    cut = [NamedNode(w) for w, n in citing.items() if limit is not None and n > limit]
    if not cut or not any(h.is_citation and standing[h.to].year is None for h in found):
        return {}
    return {(w, c): int(y[:4]) for w, c, y in select_chunked(store, load_query("chain_cited_years").text,
                                                              {"work": cut}).values()
            if w and c and y and y[:4].isdigit()}


def _strongest_citations(found: list[Hop], standing: dict[str, Standing], limit: int | None,
                         cited: dict[str, tuple[int, int]], years: dict[tuple[str, str], int]) -> list[Hop]:
    """The evidence hops and, from each work, its strongest ``limit`` plain citations (all when
    None); records in ``cited`` how many works each work cites and how many are kept (a citation
    inferred to be of data is counted, and always kept, as an evidence hop)."""
    by_work: dict[str, list[Hop]] = {}
    inferred: dict[str, int] = {}
    for h in found:
        if h.is_citation:
            by_work.setdefault(h.from_, []).append(h)
        elif h.basis == "inferred":
            inferred[h.from_] = inferred.get(h.from_, 0) + 1
    kept = [h for h in found if not h.is_citation]
    for work in dict.fromkeys([*by_work, *inferred]):
        hops = sorted(by_work.get(work, []), key=lambda h: (
            _strength(standing.get(h.to, Standing(h.to)), years.get((h.from_, h.to))), h.to))
        listed = hops if limit is None else hops[:limit]
        cited[work] = (len(hops) + inferred.get(work, 0), len(listed) + inferred.get(work, 0))
        kept.extend(listed)
    return kept


def _next_hops(store: Store, query: str, frontier: list[NamedNode], level: int) -> list[Hop]:
    """The hops leaving the frontier works, each with every graph asserting it."""
    catalogue = relations_by_iri()
    # (from, to, evidence) -> graph -> (source, retrieved, typed relations)
    found: dict[tuple[str, str, str], dict[str, tuple[str | None, str | None, dict[StatedRelation, None]]]] = {}
    rows = select_chunked(store, query, {"node": list(frontier)}).values()
    graphs = sorted({g for *_, g, _rel, _fw in rows if g is not None})
    bound = {"g": [NamedNode(g) for g in graphs]}
    provenance = {g: (source, retrieved) for g, source, retrieved in select_chunked(
        store, load_query("graph_provenance").text, bound).values() if g} if graphs else {}
    modified = {g: when for g, when in select_chunked(store, load_query("graph_modified").text, bound).values()
                if g} if graphs else {}
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
                tuple(Assertion(g, source, retrieved, tuple(sorted(rels, key=lambda r: r.property)), modified.get(g))
                      for g, (source, retrieved, rels) in sorted(per_graph.items())))
            for (node, target, evidence), per_graph in found.items()]



def _in_chain_order(root: str, by_level: list[list[Hop]], works: dict[str, WorkSummary],
             standing: dict[str, Standing]) -> tuple[list[str], list[Hop]]:
    """Nodes and hops in chain order, each hop with its label: level by level, each level by the
    node it leaves; from each node its stated evidence hops by role (to data before software
    before others), then its inferred ones, then its citations, strongest first. An inferred hop
    keeps the label its rule gave it."""
    index = {root: 0}
    hops: list[Hop] = []
    for found in by_level:
        found = sorted(found, key=lambda h: (index[h.from_], h.is_citation, BASIS_RANK[h.basis], ROLE_RANK[h.role],
                                             _KIND_RANK.get(works[h.to].kind or "", 2),
                                             _strength(standing.get(h.to, Standing(h.to)),
                                                       works[h.to].year if h.is_citation else None), h.to, h.evidence))
        for h in found:
            index.setdefault(h.to, len(index))
        hops.extend(h if h.basis == "inferred" else replace(h, label=hop_label(h.role, h.relations, works[h.to].kind))
                    for h in found)
    return list(index), hops
