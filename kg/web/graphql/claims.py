"""Claims (issue #6): the claims traced to a work (``Work.claims``). The ``traceClaim`` mutation,
which stores them, is :mod:`kg.web.graphql.mutations`."""

from __future__ import annotations

import strawberry

from kg import tracing


@strawberry.type(description="A claim stored in the graph that cites a work as its evidence.")
class Claim:
    id: strawberry.ID
    text: str
    source_kind: str = strawberry.field(description="news, academic, social or other.")
    appearance: str | None = strawberry.field(description="Where the claim appeared (a URL or document).")
    first_appearance: str | None = strawberry.field(description="When it first appeared, when known.")
    score: float = strawberry.field(description="How sure the match to this work is (1.0 for an identifier).")
    method: str = strawberry.field(description="How it was matched: identifier:doi, cues:title+year, ...")
    graph: strawberry.ID = strawberry.field(description="The claim's own named graph.")

    @classmethod
    def from_domain(cls, found: tracing.ClaimSummary) -> Claim:
        return cls(id=strawberry.ID(found.iri), text=found.text, source_kind=found.source_kind,
                   appearance=found.appearance, first_appearance=found.first_appearance, score=found.score,
                   method=found.method, graph=strawberry.ID(found.graph))
