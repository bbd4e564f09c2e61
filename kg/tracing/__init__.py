"""Tracing claims: from a sentence or an article to the works it rests on, down to the data.

The journalists' flow, in its own package: :mod:`~kg.tracing.claims` (claims, identifier mentions
and citation cues in text, a spaCy blank pipeline), :mod:`~kg.tracing.mentions` (identifiers in
text), :mod:`~kg.tracing.cues` (cues matched to works), :mod:`~kg.tracing.fetching` (on-demand
resolution through the loaders, and pages to trace), :mod:`~kg.tracing.matching` (mentions resolved
to works), :mod:`~kg.tracing.tracer` (the trace), :mod:`~kg.tracing.stored` (claims stored and
listed), :mod:`~kg.tracing.results` (the typed results) and :mod:`~kg.tracing.policy` (what a caller
may do).

The entry point is :func:`trace_text`; the CLI, the web pages, the JSON API and GraphQL all call it.

>>> from kg.store import Store
>>> found = trace_text(Store.open(None), "PMID: 33462295 says so.", policy=TracePolicy(store_claims=False))
>>> found.as_dict()["claims"][0]["mentions"][0]["status"]
'unresolved'
"""

from kg.tracing.claims import MAX_INPUT_CHARS, TraceInputError
from kg.tracing.cues import build_cue_index
from kg.tracing.fetching import ResolutionError, fetch_page
from kg.tracing.policy import (
    MAX_STORED_CLAIMS,
    MAX_URL_LENGTH,
    NOT_STORED,
    TOO_MANY,
    TracePolicy,
    WriteAccess,
    trace_text,
)
from kg.tracing.results import (
    SOURCE_KINDS,
    ClaimSummary,
    MentionResult,
    SourceKind,
    TracedClaim,
    TraceResult,
    WorkMatch,
)
from kg.tracing.stored import claim_iri, claims_about, save_claims
from kg.tracing.tracer import MAX_CLAIMS, trace

__all__ = [
    "MAX_CLAIMS", "MAX_INPUT_CHARS", "MAX_STORED_CLAIMS", "MAX_URL_LENGTH", "NOT_STORED", "SOURCE_KINDS", "TOO_MANY",
    "ClaimSummary", "MentionResult", "ResolutionError", "SourceKind", "TraceInputError", "TracePolicy",
    "TraceResult", "TracedClaim", "WorkMatch", "WriteAccess", "build_cue_index", "claim_iri", "claims_about",
    "fetch_page", "save_claims", "trace", "trace_text",
]
