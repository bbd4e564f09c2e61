"""Related items with reasons: what is linked to a work, its versions and parts, what is cited
together with it, what cites the same works, and what relies on the same data, software or structure.

Each kind of reason is one catalogue query (``queries/related_*.rq``), a fixed number a call, or, where the store
keeps its metrics summary complete, an indexed read of it with the same rows (:mod:`kg.related_reads`). Co-citation
reads a sample of the item's citers (:data:`CO_CITATION_SAMPLE`); at most :data:`CANDIDATES` candidates are ranked
with their standing (``queries/work_standing.rq``) and the best summarised: bounds that keep a much-cited item as
cheap as a little-cited one (docs/data-model.md, "Bounds").

Ranking: evidence first. Each item falls in the tier of its strongest reason (:data:`TIER`):

1. ``evidence``: a stated data, software or method link between the two, either way round
   (supplements, derived from, requires ...: the catalogue relations with those roles), the same
   data, software or structure used, a version or a part; then, below all of these, an *inferred*
   data citation (reason kind ``inferred-evidence``): one cites the other and the cited one is a
   DOI of a data repository by the repository-prefix rule (:func:`kg.repositories.inferred_citation`,
   the rule evidence chains use; its name is the reason's ``rule``). An item whose only evidence is
   inferred ranks after every item with stated evidence, whatever the scores; a citation already
   stated as evidence is not inferred again;
2. ``similarity``: co-citation and bibliographic coupling, each normalised by Salton's cosine
   (works citing both / sqrt(works citing one x works citing the other); shared references /
   sqrt(references of one x of the other)), so a pair of much-cited works is not related by
   one co-citation as strongly as a pair cited only together (under :data:`SIMILAR`: a ``link``);
3. ``link``: a plain citation (cites it, is cited by it) or another stated link (reviews,
   comments, corrections, related material).

Within a tier, by score (the sum over its reasons of :data:`WEIGHTS`: stated evidence link 4, version or part 3,
each shared item 2, inferred data citation 2, co-citation and coupling 1 x their cosine, plain link 1), then by how
many works in the graph cite the item, then by year, newest first (of a work no record dates, as its citers date
it); the IRI only keeps the output stable where all of these tie, never the alphabet before them.

>>> from kg.store import Store
>>> related_items(Store.open(None), "10.1/absent")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/absent; load or harvest its record first
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal as Lit

from pyoxigraph import NamedNode

from kg import ids
from kg import related_reads as reads
from kg.repositories import inferred_citation, repositories
from kg.standing import Standing, standings
from kg.store import Store, Term
from kg.store.summary import MetricsSummaryDb
from kg.vocab import CITO, KG, Relation, relations_by_iri
from kg.works import WorkSummary, resolve, summaries

ReasonKind = Lit["evidence", "inferred-evidence", "link", "version", "co-citation", "coupling", "shared-data",
                 "shared-software", "structure"]
Tier = Lit["evidence", "similarity", "link"]

#: score of each kind of reason; "per item" kinds are multiplied by the count of shared items, the
#: normalised kinds by their cosine (0 to 1)
WEIGHTS: dict[str, float] = {"evidence": 4, "inferred-evidence": 2, "version": 3, "shared-data": 2,
                             "shared-software": 2, "structure": 2,
                             "co-citation": 1, "coupling": 1, "link": 1}
#: the tier of each kind of reason, best first; an item ranks in the tier of its best reason
TIER: dict[str, Tier] = {"evidence": "evidence", "inferred-evidence": "evidence", "version": "evidence",
                         "structure": "evidence",
                         "shared-data": "evidence", "shared-software": "evidence",
                         "co-citation": "similarity", "coupling": "similarity", "link": "link"}
_TIERS: list[Tier] = ["evidence", "similarity", "link"]
#: kinds scored once per candidate, however many relations connect the two
_ONCE = {"evidence", "inferred-evidence", "link", "version"}
#: kinds scored by their cosine (Reason.strength)
_NORMALISED = {"co-citation", "coupling"}
#: works citing the item whose other references are read for co-citation: the first by IRI
#: (docs/data-model.md, "Bounds"); the real corpus has at most 9 works citing one work
CO_CITATION_SAMPLE = 10
#: candidates ranked with their standing in the graph (at least 5 x the limit): the strongest by their
#: reasons alone, so that a much-cited item costs what a little-cited one does
CANDIDATES = 100
#: the least cosine for the similarity tier: one reference shared among 27 and 20 (0.04) is a link
SIMILAR = 0.1
#: catalogue roles whose relations are stated evidence links
_EVIDENCE_ROLES = ("data", "software", "method")
#: how sibling versions name what they are versions of
_NOUN = {"SoftwareSourceCode": "software", "Dataset": "dataset", "StructureEntry": "structure",
         "ScholarlyArticle": "article"}
#: order reasons are listed in
_ORDER = ["evidence", "inferred-evidence", "version", "structure", "shared-data", "shared-software", "co-citation",
          "coupling", "link"]


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
    #: for links, versions and parts: the relation from the related node to the item, as ``text`` reads
    relation: str | None = None
    #: the relation's catalogue label, from the related node to the item ("is supplement to")
    label: str | None = None
    #: for co-citation and coupling: Salton's cosine, 0 to 1; else None
    strength: float | None = None
    #: for an inferred reason: the rule that inferred it ("repository-prefix:10.5061"); else None
    rule: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "count": self.count, "shared": list(self.shared),
                "relation": self.relation, "label": self.label, "strength": self.strength, "rule": self.rule}


@dataclass(frozen=True)
class RelatedItem:
    item: WorkSummary
    #: the strength within its tier (see the module's docs)
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    #: the tier of its best reason: evidence, similarity or link
    tier: Tier = "link"

    def as_dict(self) -> dict[str, object]:
        return {"item": self.item.as_dict(), "tier": self.tier, "score": self.score,
                "reasons": [r.as_dict() for r in self.reasons]}


def related_items(store: Store, identifier_or_node: str | NamedNode, limit: int = 20) -> list[RelatedItem]:
    """The nodes related to a work, best first (tier, score, citations in the graph, year), each
    with its reasons.

    :param identifier_or_node: any identifier :func:`kg.works.resolve` accepts, or the node
    :param limit: how many to return, after merging and sorting
    :raises NotFoundError: when nothing in the graph is named so
    :raises IdentifierError: when the identifier is malformed
    """
    text = identifier_or_node.value if isinstance(identifier_or_node, NamedNode) else identifier_or_node
    item = resolve(store, text)
    found: dict[str, list[Reason]] = defaultdict(list)
    summary = store.complete_summary()  # citations read there when complete (kg.related_reads)
    family, concepts = _versions_and_parts(store, summary, item, found)
    citers = _direct_links(store, summary, item, concepts, found)  # the item's own, read once (as text)
    _shared_data(store, summary, item, found)
    _same_structure(store, summary, item, found)
    item_citers = _similar(store, summary, item, family, found, max(CANDIDATES, 5 * limit),  # last: it cuts
                           citers if summary is not None and family == [item.value] else None)
    found.pop(item.value, None)
    if not found:
        return []
    found = _strongest(item.value, found, max(CANDIDATES, 5 * limit))
    standing = standings(store, [item, *(NamedNode(iri) for iri in found)])
    merged = {iri: _normalised(_dedupe_reasons(_inferred(item.value, iri, reasons, standing)), standing[item.value],
                               standing[iri], item_citers)
              for iri, reasons in found.items()}

    def key(s: tuple[Tier, float, str], year: int | None = None) -> tuple[object, ...]:
        return (_TIERS.index(s[0]), _inferred_only(merged[s[2]]), -s[1], *_standing_key(standing[s[2]], year), s[2])
    scored = sorted(((_tier(reasons), _score(reasons), iri) for iri, reasons in merged.items()), key=key)[:limit]
    # summaries only of what is returned (costliest at scale); the item's own when a sibling's text names its kind
    siblings = any(r.kind == "version" and not r.text for *_, iri in scored for r in merged[iri])
    works = summaries(store, [*([item] if siblings else []), *(NamedNode(iri) for *_, iri in scored)])
    scored.sort(key=lambda s: key(s, works[s[2]].year))  # a work no record dates: as its citers date it
    sibling = f"another version of the same {_NOUN.get(works[item.value].kind or '', 'work')}" if siblings else ""
    ranked = []
    for tier, score, iri in scored:
        named = [replace(r, text=sibling) if r.kind == "version" and not r.text else r for r in merged[iri]]
        reasons = tuple(sorted(named, key=lambda r: (_ORDER.index(r.kind), r.text)))
        ranked.append(RelatedItem(works[iri], score, reasons, tier))
    return ranked


def _tier(reasons: list[Reason]) -> Tier:
    return min(("link" if r.strength is not None and r.strength < SIMILAR else TIER[r.kind] for r in reasons),
               key=_TIERS.index)


def _inferred_only(reasons: list[Reason]) -> bool:
    """Whether the item's evidence is all inferred: it then ranks after the items with stated evidence.

    >>> _inferred_only([Reason("inferred-evidence", "cites it as data"), Reason("co-citation", "")])
    True
    >>> _inferred_only([Reason("inferred-evidence", "cites it as data"), Reason("version", "")])
    False
    """
    return {r.kind for r in reasons if TIER[r.kind] == "evidence"} == {"inferred-evidence"}


def _inferred(item: str, other: str, reasons: list[Reason], standing: dict[str, Standing]) -> list[Reason]:
    """The reasons with each citation between the item and ``other`` (the item's own, not its
    concept's) that the repository-prefix rule reads as a data citation made an ``inferred-evidence``
    reason naming the rule; none when a stated evidence link joins the two already."""
    if any(r.kind == "evidence" for r in reasons):
        return reasons
    catalogue = relations_by_iri()
    out = []
    for r in reasons:
        rel = catalogue.get(r.relation or "")
        if r.kind == "link" and not r.shared and rel is not None and rel.role == "citation":
            cited = standing[item if rel.reliance == "subject" else other]
            found = inferred_citation(cited.iri, cited.classes, cited.records)
            if found is not None:
                r = replace(r, kind="inferred-evidence", rule=found.rule,
                            text=f"{r.text} as {found.label.removeprefix('cites ')}")
        out.append(r)
    return out


def _standing_key(s: Standing, year: int | None = None) -> tuple[int, int, bool]:
    """Ties within a score: the more cited in the graph, the newer (``year``: as citers date it), one with a record."""
    return (-s.citers, -(year or s.year or 0), s.records == 0)


@dataclass(frozen=True)
class _Citers:
    """How many works cite the item (or its version family), and how many of them co-citation read."""

    total: int
    sampled: int

    def estimate(self, count: int) -> float:  # the co-citing works among all citers, from those sampled
        return count * self.total / self.sampled if self.sampled < self.total else count


def _normalised(reasons: list[Reason], item: Standing, other: Standing, item_citers: _Citers) -> list[Reason]:
    """Co-citation and coupling with their Salton cosine: the count over the geometric mean of the
    two works' citing works (co-citation) or references (coupling). A co-citation counted over a sample
    of the item's citers is scaled up to all of them first."""
    out = []
    for r in reasons:
        if r.kind == "co-citation":
            shared = item_citers.estimate(r.count)
            r = replace(r, strength=_cosine(shared, max(item_citers.total, shared), max(other.citers, shared)))
        elif r.kind == "coupling":
            r = replace(r, strength=_cosine(r.count, max(item.references, r.count), max(other.references, r.count)))
        out.append(r)
    return out


def _cosine(shared: float, one: float, other: float) -> float:
    """
    >>> _cosine(2, 4, 4), _cosine(1, 1, 100)
    (0.5, 0.1)
    """
    return round(shared / math.sqrt(one * other), 4) if one and other else 0.0


def _strongest(item: str, found: dict[str, list[Reason]], keep: int) -> dict[str, list[Reason]]:
    """At most ``keep`` candidates, the strongest by their reasons alone (before their standing is read):
    by tier (a citation of or by a DOI of a data repository counting as evidence, as it may be inferred
    so), then by score with co-citation and coupling weighted by their counts, then by IRI."""
    if len(found) <= keep:
        return found
    held = {ids.DOI_BASE + prefix for prefix in repositories()}  # a canonical DOI IRI's prefix, read unparsed
    data = "/".join(item.split("/", 4)[:4]) in held

    def key(iri: str) -> tuple[int, float, str]:
        reasons = found[iri]
        if len(reasons) == 1 and reasons[0].kind == "link":  # most candidates of a much-cited item: a citer
            return (0 if data or "/".join(iri.split("/", 4)[:4]) in held else 2, -float(WEIGHTS["link"]), iri)
        linked = any(r.kind == "link" for r in reasons)
        tier = "evidence" if linked and (data or "/".join(iri.split("/", 4)[:4]) in held) else _tier(reasons)
        score = sum(WEIGHTS[r.kind] * r.count for r in reasons if r.kind in _NORMALISED)
        return (_TIERS.index(tier), -score - _score([r for r in reasons if r.kind not in _NORMALISED]), iri)

    return {iri: found[iri] for iri in sorted(found, key=key)[:keep]}


def _score(reasons: list[Reason]) -> float:
    total = 0.0
    for kind in {r.kind for r in reasons}:
        of_kind = [r for r in reasons if r.kind == kind]
        if kind in _ONCE:
            total += WEIGHTS[kind]
        elif kind in _NORMALISED:
            total += WEIGHTS[kind] * sum(r.strength or 0.0 for r in of_kind)
        else:
            total += WEIGHTS[kind] * sum(r.count for r in of_kind)
    return round(total, 4)


def _dedupe_reasons(reasons: list[Reason]) -> list[Reason]:
    """One reason per kind and text (a DataCite Cites and a cito:cites say the same)."""
    return list({(r.kind, r.text): r for r in reasons}.values())


def _versions_and_parts(store: Store, summary: MetricsSummaryDb | None, item: NamedNode,
                        found: dict[str, list[Reason]]) -> tuple[list[str], list[str]]:
    """Adds version and part reasons. Returns the item's version family (itself first: its
    concept and sibling versions, or, for a concept, its versions) and the concepts it is a
    version of."""
    catalogue = relations_by_iri()
    rels: list[Term] = [r.iri for r in catalogue.values() if r.role in ("version", "part")]
    family, concepts = [item.value], []
    for row in reads.versions_and_parts(store, summary, item.value, rels):
        other, direction, rel = row["other"], row["direction"], catalogue[row["relation"]]
        if direction == "sibling" and other == item.value:
            continue
        if direction == "sibling":
            # the text waits for the item's kind ("another version of the same software")
            found[other].append(Reason("version", "", 1, (row["concept"],), None,
                                       "is another version of the same concept as"))
            family += [row["concept"], other]
            continue
        outward = rel if direction == "out" else catalogue[rel.inverse.value]
        back = catalogue[outward.inverse.value]  # from the related node to the item, as the text reads
        found[other].append(Reason("version", _reason_text(back), 1, (), back.iri.value, back.label))
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


def _direct_links(store: Store, summary: MetricsSummaryDb | None, item: NamedNode, concepts: list[str],
                  found: dict[str, list[Reason]]) -> list[str]:
    """Adds the links between the item (or its concepts) and others; returns the works citing the item."""
    catalogue = relations_by_iri()
    cites = catalogue[KG.cites.value]
    rels: list[Term] = [r.iri for r in catalogue.values() if r.role not in ("version", "part")]
    rels.append(CITO.cites)
    made: dict[tuple[str, str, str], Reason] = {}  # one reason a relation, direction and node (frozen: shared)
    rows = reads.direct_links(store, summary, [item.value, *concepts], rels)
    for row in rows:
        key = (row["relation"], row["direction"], row["item"])
        reason = made.get(key)
        if reason is None:
            rel = cites if row["relation"] == CITO.cites.value else catalogue[row["relation"]]
            outward = rel if row["direction"] == "out" else catalogue[rel.inverse.value]
            back = catalogue[outward.inverse.value]  # from the related node to the item, as the text reads
            kind: ReasonKind = "evidence" if back.role in _EVIDENCE_ROLES else "link"
            shared, whose = ((), "it") if row["item"] == item.value else ((row["item"],), "its concept")
            reason = made[key] = Reason(kind, _reason_text(back, whose), 1, shared, back.iri.value, back.label)
        found[row["other"]].append(reason)
    mine = (CITO.cites.value, "in", item.value)
    return sorted({r["other"] for r in rows if (r["relation"], r["direction"], r["item"]) == mine})


def _group_values(rows: list[dict[str, str]], key: str, value: str) -> dict[str, list[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        groups[row[key]].add(row[value])
    return {k: sorted(v) for k, v in groups.items()}


def _count_of_works(n: int) -> str:
    return f"{n} work" if n == 1 else f"{n} works"


def _similar(store: Store, summary: MetricsSummaryDb | None, item: NamedNode, family: list[str],
             found: dict[str, list[Reason]], keep: int, citing: list[str] | None = None) -> _Citers:
    """Adds bibliographic coupling and co-citation reasons, co-citation counted among the first
    :data:`CO_CITATION_SAMPLE` works (by IRI) citing the item or its version family; returns how many works
    cite those and how many were read. Of the works with no other reason, only the ``keep`` with the most
    shared references and co-citing works (then by IRI) are added (:func:`kg.related_reads.similar`):
    :func:`_strongest` ranks those alike (tier, that sum, IRI), so no other could be kept, and an item
    whose citers cite thousands, or whose references are cited by thousands, costs less."""
    citing = reads.citing_works(store, summary, family) if citing is None else citing
    sample = citing[:CO_CITATION_SAMPLE]
    coupled, cocited = reads.similar(store, summary, item.value, sample, list(found), family, keep)
    for other, refs in coupled.items():
        found[other].append(Reason("coupling", f"cites {_count_of_works(len(refs))} it cites too", len(refs),
                                   tuple(sorted(refs))))
    for other, by in cocited.items():
        found[other].append(Reason("co-citation", f"cited together by {_count_of_works(len(by))}", len(by),
                                   tuple(sorted(by))))
    return _Citers(len(citing), len(sample))


def _shared_data(store: Store, summary: MetricsSummaryDb | None, item: NamedNode,
                 found: dict[str, list[Reason]]) -> None:
    rows = reads.shared_uses(store, summary, item.value, [KG.reliesOnData, KG.reliesOnSoftware])
    for rel, kind, noun, nouns in ((KG.reliesOnData, "shared-data", "dataset", "datasets"),
                                   (KG.reliesOnSoftware, "shared-software", "software", "software")):
        mine = [r for r in rows if r["relation"] == rel.value]
        for other, shared in _group_values(mine, "other", "shared").items():
            names = ", ".join(ids.doi_or_iri(s) for s in shared)
            text = (f"uses the same {noun} {names}" if len(shared) == 1
                    else f"uses {len(shared)} of the same {nouns}: {names}")
            found[other].append(Reason(kind, text, len(shared), tuple(shared)))  # type: ignore[arg-type]


def _same_structure(store: Store, summary: MetricsSummaryDb | None, item: NamedNode,
                    found: dict[str, list[Reason]]) -> None:
    rows = reads.same_structure(store, summary, item.value)
    for other, shared in _group_values(rows, "other", "shared").items():
        names = ", ".join(ids.doi_or_iri(s) for s in shared)
        text = (f"uses the same structure {names}" if len(shared) == 1
                else f"uses {len(shared)} of the same structures: {names}")
        found[other].append(Reason("structure", text, len(shared), tuple(shared)))
