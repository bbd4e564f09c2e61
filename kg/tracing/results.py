"""What a trace finds, as typed results: each mention and what it resolved to, the works each claim
rests on and how they were matched, the claims, and the stored claims listed on a work. Each has
``as_dict()`` (JSON-ready).

>>> mention = Mention("PMID 1", "pmid", "1", None, 0, 6, "regex:pmid")
>>> MentionResult(mention, "unresolved", reason="absent").as_dict()["score"]
0.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Lit

from kg.chains import Chain
from kg.tracing.claims import MAX_CHARS, Cue
from kg.tracing.mentions import Mention
from kg.works import WorkSummary

SourceKind = Lit["news", "academic", "social", "other"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("news", "academic", "social", "other")


@dataclass(frozen=True)
class MentionResult:
    """An identifier mention and what it resolved to."""

    mention: Mention
    status: Lit["resolved", "unresolved"]
    #: the work's IRI, when resolved
    work: str | None = None
    #: why it is unresolved
    reason: str | None = None
    #: True when the work was fetched from its source for this trace
    fetched: bool = False

    def as_dict(self) -> dict[str, object]:
        m = self.mention
        return {"text": m.text, "kind": m.kind, "identifier": m.value, "iri": self.work or m.iri,
                "status": self.status, "reason": self.reason, "fetched": self.fetched,
                "score": 1.0 if self.status == "resolved" else 0.0, "method": m.method,
                "start": m.start, "end": m.end}


@dataclass(frozen=True)
class WorkMatch:
    """A work a claim rests on: how it was found and how sure the match is."""

    work: WorkSummary
    score: float
    #: "identifier:doi", "identifier:pdb", ... or "cues:title+venue+year"
    method: str
    #: the text of the claim that matched (the identifier as written, or the cue words)
    matched: tuple[str, ...]

    @property
    def iri(self) -> str:
        return self.work.iri


@dataclass(frozen=True)
class TracedClaim:
    """One claim of the text, its mentions and the works it rests on."""

    iri: str
    text: str
    start: int
    end: int
    mentions: tuple[MentionResult, ...]
    cues: tuple[Cue, ...]
    works: tuple[WorkMatch, ...]
    #: whether the claim was stored in the graph
    stored: bool = False
    #: how many times the text says this claim (the same sentence, whitespace folded); ``start`` and
    #: ``end`` are its first occurrence's
    occurrences: int = 1


@dataclass(frozen=True)
class TraceResult:
    """Everything a trace found (:func:`kg.tracing.trace_text`); :meth:`as_dict` is JSON-ready."""

    claims: tuple[TracedClaim, ...]
    #: the evidence chain of each work found, by IRI
    chains: dict[str, Chain]
    url: str | None
    source_kind: SourceKind
    #: characters of plain text traced
    characters: int
    #: problems met on the way that did not stop the trace (a fetch of a linked work failing)
    notes: tuple[str, ...] = ()
    #: distinct claims in the text (``claims`` holds at most ``max_claims`` of them)
    claims_found: int = 0
    #: the most distinct claims answered; 0 for no limit
    max_claims: int = 0

    @property
    def truncated(self) -> bool:
        """Whether claims of the text were left out of the answer (past ``max_claims``)."""
        return self.claims_found > len(self.claims)

    @property
    def works(self) -> list[WorkMatch]:
        """Every work found, once, best score first."""
        best: dict[str, WorkMatch] = {}
        for c in self.claims:
            for w in c.works:
                if w.iri not in best or w.score > best[w.iri].score:
                    best[w.iri] = w
        return sorted(best.values(), key=lambda w: (-w.score, w.iri))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready; each work's evidence chain is given once, with the first claim resting on it
        (``chain`` is null on the later ones), so the answer grows with distinct works, not claims."""
        shown: set[str] = set()

        def work(w: WorkMatch) -> dict[str, object]:
            chain = self.chains.get(w.iri) if w.iri not in shown else None
            shown.add(w.iri)
            return {**w.work.as_dict(), "score": w.score, "method": w.method, "matched": list(w.matched),
                    "chain": chain.as_dict() if chain else None}
        return {"url": self.url, "source_kind": self.source_kind, "characters": self.characters,
                "notes": list(self.notes), "truncated": self.truncated,
                "limits": {"max_claims": self.max_claims, "max_characters": MAX_CHARS,
                           "claims_found": self.claims_found},
                "claims": [{"iri": c.iri, "text": c.text, "start": c.start, "end": c.end, "stored": c.stored,
                            "occurrences": c.occurrences,
                            "mentions": [m.as_dict() for m in c.mentions],
                            "cues": [cue.as_dict() for cue in c.cues],
                            "works": [work(w) for w in c.works]} for c in self.claims]}


@dataclass(frozen=True)
class ClaimSummary:
    """A stored claim about a work, as listed on the work."""

    iri: str
    text: str
    source_kind: str
    appearance: str | None
    first_appearance: str | None
    score: float
    method: str
    graph: str

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "text": self.text, "source_kind": self.source_kind,
                "appearance": self.appearance, "first_appearance": self.first_appearance,
                "score": self.score, "method": self.method, "graph": self.graph}

