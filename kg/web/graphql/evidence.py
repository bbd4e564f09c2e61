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
    expanded: bool = strawberry.field(description="Whether its evidence edges were followed (false at maxDepth).")


@strawberry.type(description="One evidence edge: `from` relies on `to`, with every graph asserting it.")
class Hop:
    from_: LazyWork = strawberry.field(name="from")
    to: LazyWork
    evidence: str = strawberry.field(description="The evidence edge, e.g. kg:reliesOnData, cito:cites.")
    role: str = strawberry.field(description="data, software, method, unspecified or citation.")
    depth: int
    relations: list[StatedRelation] = strawberry.field(description="The typed relations the sources stated.")
    provenance: list[Provenance]


@strawberry.type(description="The works an evidence chain reaches from its root, and the hops between them.")
class EvidenceChain:
    root: strawberry.ID
    max_depth: int
    truncated: bool = strawberry.field(description="True when a level had more works than the fan-out cap.")
    nodes: list[ChainNode]
    hops: list[Hop]


@strawberry.type(description="Why a work is related.")
class Reason:
    kind: str = strawberry.field(
        description="link, version, structure, shared-data, shared-software, co-citation or coupling.")
    text: str
    count: int
    shared: list[strawberry.ID] = strawberry.field(description="The works or items behind the count.")
    relation: str | None
    label: str | None

    @classmethod
    def from_domain(cls, reason: related.Reason) -> Reason:
        return cls(kind=reason.kind, text=reason.text, count=reason.count,
                   shared=[strawberry.ID(s) for s in reason.shared], relation=reason.relation, label=reason.label)


@strawberry.type(description="A related work, its score and its reasons.")
class RelatedItem:
    work: LazyWork
    score: float
    reasons: list[Reason]
