"""Beyond DataCite: an evidence chain (from :mod:`kg.chains`) and related items with their reasons
(from :mod:`kg.related`), as GraphQL types. Works in them are full :class:`~kg.web.graphql.work.Work`
objects, fetched in one batch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from kg import related
from kg.web.graphql.metadata import Provenance, StatedRelation

if TYPE_CHECKING:
    from kg.web.graphql.work import Work

LazyWork = Annotated["Work", strawberry.lazy("kg.web.graphql.work")]


@strawberry.type(description="A work the chain reaches, with its depth (fewest hops from the root).")
class ChainNode:
    work: LazyWork
    depth: int
    expanded: bool = strawberry.field(
        description="Whether its hops were looked up (false at maxDepth, and for works only cited).")
    citations: int = strawberry.field(default=0, description="How many works it cites (an expanded work).")
    citations_listed: int = strawberry.field(
        default=0, description="How many of them the chain lists: the strongest, or all with allCitations.")


@strawberry.type(description="One hop: `from` relies on `to` (or cites it), with every graph asserting it.")
class Hop:
    from_: LazyWork = strawberry.field(name="from")
    to: LazyWork
    evidence: str = strawberry.field(description="The evidence edge, e.g. kg:reliesOnData, cito:cites.")
    role: str = strawberry.field(description="data, software, method, unspecified or citation.")
    label: str = strawberry.field(
        description="How it reads in the direction of reliance: relies on data, uses structure, supplemented by "
                    "data, cites.")
    basis: str = strawberry.field(
        description="stated (a source asserts it: see provenance) or inferred (a rule of ours: see rule).")
    rule: str | None = strawberry.field(description="The rule that inferred it; null when stated.")
    depth: int
    relations: list[StatedRelation] = strawberry.field(description="The typed relations the sources stated.")
    provenance: list[Provenance]


@strawberry.type(description="The works an evidence chain reaches from its root, and the hops between them.")
class EvidenceChain:
    root: strawberry.ID
    max_depth: int
    truncated: bool = strawberry.field(description="True when a level had more works than the fan-out cap.")
    citation_limit: int | None = strawberry.field(
        description="The most plain citations listed per work; null when all are (allCitations).")
    nodes: list[ChainNode]
    hops: list[Hop]


@strawberry.type(description="Why a work is related.")
class Reason:
    kind: str = strawberry.field(
        description="evidence, inferred-evidence, version, structure, shared-data, shared-software, co-citation, "
                    "coupling or link.")
    text: str = strawberry.field(description="From the related work's side: 'is supplement to it', 'cites it'.")
    count: int
    shared: list[strawberry.ID] = strawberry.field(description="The works or items behind the count.")
    relation: str | None = strawberry.field(description="The relation from the related work to this one.")
    label: str | None = strawberry.field(description="Its catalogue label, read as the text reads.")
    strength: float | None = strawberry.field(
        default=None, description="For co-citation and coupling: Salton's cosine, 0 to 1.")
    rule: str | None = strawberry.field(
        default=None, description="For inferred-evidence: the rule that inferred it; null otherwise.")

    @classmethod
    def from_domain(cls, reason: related.Reason) -> Reason:
        return cls(kind=reason.kind, text=reason.text, count=reason.count,
                   shared=[strawberry.ID(s) for s in reason.shared], relation=reason.relation, label=reason.label,
                   strength=reason.strength, rule=reason.rule)


@strawberry.type(description="A related work, its tier and score, and its reasons.")
class RelatedItem:
    work: LazyWork
    tier: str = strawberry.field(description="evidence, similarity or link: the tier of its best reason.")
    score: float = strawberry.field(description="Its strength within its tier.")
    reasons: list[Reason]
