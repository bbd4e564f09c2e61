"""The ``traceClaim`` mutation (issue #6): traces a text through :func:`kg.tracing.trace_text` with the
service's policy (the same path as /trace and /api/trace) and answers with the claims found and the works they rest
on, as full Work objects (so a client asks each one's ``evidenceChain`` as for any work)."""

from __future__ import annotations

from functools import partial

import strawberry
from starlette.concurrency import run_in_threadpool

from kg.web.graphql.context import KgInfo, described
from kg.web.graphql.work import Work, works_of


@strawberry.type(description="An identifier written in the text and what it resolved to.")
class Mention:
    text: str
    kind: str = strawberry.field(description="doi, pdb, pmid, pmcid, arxiv or zenodo.")
    identifier: str
    status: str = strawberry.field(description="resolved or unresolved.")
    reason: str | None = strawberry.field(description="Why it is unresolved.")
    fetched: bool = strawberry.field(description="Whether it was fetched from its source for this trace.")
    work: strawberry.ID | None


@strawberry.type(description="A work a traced claim rests on, and how it was found.")
class WorkMatch:
    work: Work
    score: float
    method: str
    matched: list[str] = strawberry.field(description="The text of the claim that matched.")


@strawberry.type(description="One claim of the traced text.")
class TracedClaim:
    id: strawberry.ID
    text: str
    stored: bool = strawberry.field(description="Whether it was stored (it rests on at least one work).")
    mentions: list[Mention]
    works: list[WorkMatch]


@strawberry.type(description="What a trace found.")
class Trace:
    source_kind: str
    characters: int
    notes: list[str] = strawberry.field(description="Problems met that did not stop the trace.")
    claims: list[TracedClaim]


@strawberry.type
class ClaimMutations:
    @described("Trace the claims of a text (plain text or HTML) to the works and data they rest on; the claims "
               "are stored when the request carries the update token or the service stores every trace. "
               "sourceKind: news, academic, social or other (guessed from url when null).")
    async def trace_claim(self, info: KgInfo, text: str, url: str | None = None,
                          source_kind: str | None = None) -> Trace:
        ctx = info.context
        found = await run_in_threadpool(partial(
            ctx.graph.trace, text, url=url, source_kind=source_kind, policy=ctx.settings.trace_policy(ctx.authorized),
            writes=ctx.runner.writes if ctx.runner is not None else None))
        works = {w.record.iri: w for w in await works_of(info, sorted({w.iri for c in found.claims
                                                                       for w in c.works}))}
        return Trace(source_kind=found.source_kind, characters=found.characters, notes=list(found.notes), claims=[
            TracedClaim(id=strawberry.ID(c.iri), text=c.text, stored=c.stored,
                        mentions=[Mention(text=m.mention.text, kind=m.mention.kind, identifier=m.mention.value,
                                          status=m.status, reason=m.reason, fetched=m.fetched,
                                          work=strawberry.ID(m.work) if m.work else None) for m in c.mentions],
                        works=[WorkMatch(work=works[w.iri], score=w.score, method=w.method, matched=list(w.matched))
                               for w in c.works])
            for c in found.claims])
