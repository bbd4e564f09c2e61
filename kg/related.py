"""Related items with reasons: what is linked to a work, its versions and parts, what is cited
together with it, what cites the same works, and what relies on the same data, software or
structure.

Each kind of reason is one catalogue query (``queries/related_*.rq``), so a call runs a fixed
number of queries however many candidates there are. Candidates are merged by node, scored,
and summarised in one more query.

Scoring (the weights are :data:`WEIGHTS`):

- a direct link (any catalogue relation or ``cito:cites``, either direction): 3, once
- a version or part (including sibling versions of the same concept): 3, once
- a shared dataset or software, or the same structure: 2 per shared item
- co-citation: 1 per work citing both
- bibliographic coupling: 0.5 per shared reference

>>> from kg.store import Store
>>> related_items(Store.open(None), "10.1/absent")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/absent; load or harvest its record first
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal as Lit

from pyoxigraph import NamedNode

from kg import ids
from kg.queries import load_query
from kg.store import Store, Term
from kg.vocab import CITO, KG, Relation, relations_by_iri
from kg.works import WorkSummary, resolve, summaries

ReasonKind = Lit["link", "version", "co-citation", "coupling", "shared-data", "shared-software", "structure"]

#: score of each kind of reason; "per item" kinds are multiplied by the count of shared items
WEIGHTS: dict[str, float] = {"link": 3, "version": 3, "shared-data": 2, "shared-software": 2, "structure": 2,
                             "co-citation": 1, "coupling": 0.5}
#: kinds scored once per candidate, however many relations connect the two
_ONCE = {"link", "version"}
#: how sibling versions name what they are versions of
_NOUN = {"SoftwareSourceCode": "software", "Dataset": "dataset", "StructureEntry": "structure",
         "ScholarlyArticle": "article"}
#: order reasons are listed in
_ORDER = ["link", "version", "structure", "shared-data", "shared-software", "co-citation", "coupling"]


@dataclass(frozen=True)
class Reason:
    """Why a node is related to the item."""

    kind: ReasonKind
    #: human-readable, from the related item's side: "cites it", "cited together by 3 works"
    text: str
    #: how many works or items back the reason (co-citing works, shared references, shared data)
    count: int = 1
    #: the IRIs behind the count: co-citing works, shared references or datasets, the concept
    shared: tuple[str, ...] = ()
    #: for links, versions and parts: the relation from the item to the related node
    relation: str | None = None
    #: the relation's catalogue label, from the item to the related node ("is supplemented by")
    label: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "count": self.count, "shared": list(self.shared),
                "relation": self.relation, "label": self.label}


@dataclass(frozen=True)
class RelatedItem:
    item: WorkSummary
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {"item": self.item.as_dict(), "score": self.score, "reasons": [r.as_dict() for r in self.reasons]}


def related_items(store: Store, identifier_or_node: str | NamedNode, limit: int = 20) -> list[RelatedItem]:
    """The nodes related to a work, best first (score, then IRI), each with its reasons.

    :param identifier_or_node: any identifier :func:`kg.works.resolve` accepts, or the node
    :param limit: how many to return, after merging and sorting
    :raises NotFoundError: when nothing in the graph is named so
    :raises IdentifierError: when the identifier is malformed
    """
    text = identifier_or_node.value if isinstance(identifier_or_node, NamedNode) else identifier_or_node
    item = resolve(store, text)
    found: dict[str, list[Reason]] = defaultdict(list)
    family, concepts = _versions_and_parts(store, item, found)
    _direct_links(store, item, concepts, found)
    _co_citation(store, item, family, found)
    _coupling(store, item, found)
    _shared_data(store, item, found)
    _same_structure(store, item, found)
    found.pop(item.value, None)
    if not found:
        return []
    merged = {iri: _dedupe_reasons(reasons) for iri, reasons in found.items()}
    scored = sorted(((_score(reasons), iri) for iri, reasons in merged.items()), key=lambda s: (-s[0], s[1]))[:limit]
    # summaries only for what is returned: they are the costliest part on large graphs
    works = summaries(store, [item, *(NamedNode(iri) for _, iri in scored)])
    sibling = f"another version of the same {_NOUN.get(works[item.value].kind or '', 'work')}"
    ranked = []
    for score, iri in scored:
        named = [replace(r, text=sibling) if r.kind == "version" and not r.text else r for r in merged[iri]]
        reasons = tuple(sorted(named, key=lambda r: (_ORDER.index(r.kind), r.text)))
        ranked.append(RelatedItem(works[iri], score, reasons))
    return ranked


def _score(reasons: list[Reason]) -> float:
    total = 0.0
    for kind in {r.kind for r in reasons}:
        if kind in _ONCE:
            total += WEIGHTS[kind]
        else:
            total += WEIGHTS[kind] * sum(r.count for r in reasons if r.kind == kind)
    return total


def _dedupe_reasons(reasons: list[Reason]) -> list[Reason]:
    """One reason per kind and text (a DataCite Cites and a cito:cites say the same)."""
    return list({(r.kind, r.text): r for r in reasons}.values())


def _select_rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    result = store.select(load_query(name).text, bindings)
    return [{k: getattr(t, "value", str(t)) for k, t in row.items()} for row in result.dicts()]


def _versions_and_parts(store: Store, item: NamedNode, found: dict[str, list[Reason]]
                        ) -> tuple[list[str], list[str]]:
    """Adds version and part reasons. Returns the item's version family (itself first: its
    concept and sibling versions, or, for a concept, its versions) and the concepts it is a
    version of."""
    catalogue = relations_by_iri()
    rels: list[Term] = [r.iri for r in catalogue.values() if r.role in ("version", "part")]
    family, concepts = [item.value], []
    for row in _select_rows(store, "related_versions_and_parts", {"item": item, "relation": rels}):
        other, direction, rel = row["other"], row["direction"], catalogue[row["relation"]]
        if direction == "sibling":
            # the text waits for the item's kind ("another version of the same software")
            found[other].append(Reason("version", "", 1, (row["concept"],), None,
                                       "is another version of the same concept as"))
            family += [row["concept"], other]
            continue
        outward = rel if direction == "out" else catalogue[rel.inverse.value]
        found[other].append(Reason("version", _reason_text(catalogue[outward.inverse.value]), 1, (),
                                   outward.iri.value, outward.label))
        if outward.iri == KG.isVersionOf:
            concepts.append(other)
        if outward.iri in (KG.isVersionOf, KG.hasVersion):
            family.append(other)
    return list(dict.fromkeys(family)), sorted(set(concepts))


def _reason_text(rel: Relation, suffix: str = "it") -> str:
    """A relation read from the related node's side: "cites it", "has it as part"."""
    if rel.label.startswith("has "):
        return f"has {suffix} as {rel.label[4:]}"
    return f"{rel.label} {suffix}"


def _direct_links(store: Store, item: NamedNode, concepts: list[str], found: dict[str, list[Reason]]) -> None:
    catalogue = relations_by_iri()
    cites = catalogue[KG.cites.value]
    rels: list[Term] = [r.iri for r in catalogue.values() if r.role not in ("version", "part")]
    rels.append(CITO.cites)
    items: list[Term] = [item, *(NamedNode(c) for c in concepts)]
    for row in _select_rows(store, "related_direct_links", {"item": items, "relation": rels}):
        rel = cites if row["relation"] == CITO.cites.value else catalogue[row["relation"]]
        outward = rel if row["direction"] == "out" else catalogue[rel.inverse.value]
        back = catalogue[outward.inverse.value]
        if row["item"] == item.value:
            found[row["other"]].append(Reason("link", _reason_text(back), 1, (), outward.iri.value, outward.label))
        else:
            found[row["other"]].append(Reason("link", _reason_text(back, "its concept"), 1, (row["item"],),
                                              outward.iri.value, outward.label))


def _group_values(rows: list[dict[str, str]], key: str, value: str) -> dict[str, list[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        groups[row[key]].add(row[value])
    return {k: sorted(v) for k, v in groups.items()}


def _count_of_works(n: int) -> str:
    return f"{n} work" if n == 1 else f"{n} works"


def _co_citation(store: Store, item: NamedNode, family: list[str], found: dict[str, list[Reason]]) -> None:
    targets: list[Term] = [NamedNode(n) for n in family]
    citers = {row["cited"]: row["citers"].split()
              for row in _select_rows(store, "related_co_citation", {"target": targets})}
    # A version counts for each concept it is a version of (rolled up), else for itself.
    concepts = _group_values(_select_rows(store, "related_concepts", {"version": [NamedNode(c) for c in citers]}),
                             "version", "concept") if citers else {}
    rows = [{"other": other, "citing": citing} for cited, citing_works in citers.items()
            for other in concepts.get(cited, [cited]) for citing in citing_works]
    for other, citing in _group_values(rows, "other", "citing").items():
        if other in family:
            continue
        found[other].append(Reason("co-citation", f"cited together by {_count_of_works(len(citing))}", len(citing),
                                   tuple(citing)))


def _coupling(store: Store, item: NamedNode, found: dict[str, list[Reason]]) -> None:
    for other, refs in _group_values(_select_rows(store, "related_bibliographic_coupling", {"item": item}),
                                     "other", "shared").items():
        found[other].append(Reason("coupling", f"cites {_count_of_works(len(refs))} it cites too", len(refs),
                                   tuple(refs)))


def _shared_data(store: Store, item: NamedNode, found: dict[str, list[Reason]]) -> None:
    rows = _select_rows(store, "related_shared_data_or_software", {"item": item,
                                                            "relation": [KG.reliesOnData, KG.reliesOnSoftware]})
    for rel, kind, noun, nouns in ((KG.reliesOnData, "shared-data", "dataset", "datasets"),
                                   (KG.reliesOnSoftware, "shared-software", "software", "software")):
        mine = [r for r in rows if r["relation"] == rel.value]
        for other, shared in _group_values(mine, "other", "shared").items():
            names = ", ".join(_display_id(s) for s in shared)
            text = (f"uses the same {noun} {names}" if len(shared) == 1
                    else f"uses {len(shared)} of the same {nouns}: {names}")
            found[other].append(Reason(kind, text, len(shared), tuple(shared)))  # type: ignore[arg-type]


def _same_structure(store: Store, item: NamedNode, found: dict[str, list[Reason]]) -> None:
    rows = _select_rows(store, "related_same_structure", {"item": item})
    for other, shared in _group_values(rows, "other", "shared").items():
        names = ", ".join(_display_id(s) for s in shared)
        text = (f"uses the same structure {names}" if len(shared) == 1
                else f"uses {len(shared)} of the same structures: {names}")
        found[other].append(Reason("structure", text, len(shared), tuple(shared)))


def _display_id(iri: str) -> str:
    """A DOI for a DOI IRI, else the IRI."""
    return ids.doi_or_iri(iri)
