"""Trace a claim: from a sentence or an article to the works it rests on, and their evidence chains.

:func:`trace` extracts the claims of a text (:mod:`kg.tracing.claims`), resolves each identifier
mention to its work (:mod:`kg.tracing.matching`: fetching it through the loaders when it is not in
the graph and network use is allowed, then one hop of its links), matches the claims without
identifiers against the graph by their cues (:mod:`kg.tracing.cues`), computes the evidence chain of
every work found (:func:`kg.chains.evidence_chain`), and stores each claim with at least one work in
its own named graph (:mod:`kg.tracing.stored`).

This is the analysis; what a caller may do (fetch, store, how much) is :func:`kg.tracing.trace_text`'s.

>>> from kg.store import Store
>>> result = trace(Store.open(None), "The study (doi:10.1/absent) was in the news.")
>>> [(m.mention.value, m.status, m.reason) for c in result.claims for m in c.mentions]
[('10.1/absent', 'unresolved', 'not in the graph, and fetching is off (offline)')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from pyoxigraph import NamedNode

from kg.chains import evidence_chain
from kg.store import Store
from kg.tracing.claims import ClaimSpan, checked_text, extract
from kg.tracing.cues import cue_index
from kg.tracing.fetching import Resolver
from kg.tracing.matching import resolve_mentions
from kg.tracing.results import SOURCE_KINDS, SourceKind, TracedClaim, TraceResult, WorkMatch
from kg.tracing.stored import claim_iri, folded, save_claims
from kg.works import WorkSummary, summaries
from loaders.http import HttpConfig

_SOCIAL_HOSTS = ("twitter.com", "x.com", "bsky.app", "mastodon", "facebook.com", "reddit.com", "threads.net",
                 "linkedin.com")
_ACADEMIC_HOSTS = ("doi.org", "arxiv.org", "biorxiv.org", "medrxiv.org", "ncbi.nlm.nih.gov", "europepmc.org",
                   "nature.com", "sciencedirect.com", "springer.com", "wiley.com", "plos.org", "elifesciences.org")
#: distinct claims one trace answers at most: a long text's answer stays small (issue 13, finding 3)
MAX_CLAIMS = 200


def trace(store: Store, text: str, *, url: str | None = None, source_kind: str | None = None,
          published: date | None = None, html: bool | None = None, online: bool = False,
          http: HttpConfig | None = None, apis: Mapping[str, str] | None = None, store_claims: bool = True,
          max_depth: int = 5, max_claims: int = MAX_CLAIMS, now: datetime | None = None) -> TraceResult:
    """Trace the claims of ``text`` (plain text or HTML) to the works and data they rest on.

    :param url: where the text appeared (stored as ``schema:appearance``)
    :param source_kind: news, academic, social or other; guessed from ``url`` when None
    :param published: when the text first appeared (``schema:firstAppearance``)
    :param html: True for markup, False for plain text, None to guess
    :param online: fetch identifiers missing from the graph from their sources
    :param http: the :class:`loaders.http.HttpConfig` for fetching (default: from the environment)
    :param apis: base URLs by source name (``{"crossref": "http://127.0.0.1:8080"}``), for mirrors and tests
    :param store_claims: store each claim that rests on at least one work
    :param max_depth: hops of each evidence chain
    :param max_claims: distinct claims answered at most (a sentence repeated counts once, with its
        ``occurrences``); those past it are left out, ``truncated`` and a note say so
    :param now: the time recorded on matches (default: the current time)
    :raises TraceInputError: empty text, too long, or binary data (nothing is stored)
    :raises ValueError: an unknown ``source_kind``
    """
    kind = _source_kind(source_kind, url)
    plain = checked_text(text, html=html)
    index = cue_index(store)
    extraction = extract(plain, index, index.names_a_title, index.quotes_an_abstract)
    # a sentence repeated is one claim: its first occurrence, with a count of them all
    repeats: dict[str, list[ClaimSpan]] = {}
    for span in extraction.claims:
        repeats.setdefault(folded(span.text), []).append(span)
    distinct = list(repeats.values())
    kept = distinct[:max_claims]
    notes: list[str] = []
    if len(distinct) > max_claims:
        notes.append(f"only the first {max_claims:,} of {len(distinct):,} distinct claims are answered "
                     f"(trace a shorter text for the rest)")
    resolved = resolve_mentions(store, [m for spans in kept for m in spans[0].mentions],
                                Resolver.make(http, apis) if online else None, notes)
    claims: list[TracedClaim] = []
    for spans in kept:
        span = spans[0]
        mentions = tuple(resolved[m] for m in span.mentions)
        found: dict[str, tuple[float, str, tuple[str, ...]]] = {}
        for r in mentions:
            if r.work and r.work not in found:
                found[r.work] = (1.0, f"identifier:{r.mention.kind}", (r.mention.text,))
        if not span.mentions:
            for m in index.match(span):
                found.setdefault(m.iri, (m.score, m.method, m.matched))
        claims.append(TracedClaim(claim_iri(span.text, url), span.text, span.start, span.end, mentions,
                                  span.cues, tuple(WorkMatch(WorkSummary(iri), *v) for iri, v in found.items()),
                                  occurrences=len(spans)))
    works = summaries(store, [NamedNode(w.iri) for c in claims for w in c.works])
    claims = [replace(c, works=tuple(WorkMatch(works[w.iri], w.score, w.method, w.matched) for w in c.works))
              for c in claims]
    # one chain per work, however many claims rest on it
    chains = {iri: evidence_chain(store, NamedNode(iri), max_depth) for iri in works}
    result = TraceResult(tuple(claims), chains, url, kind, len(plain), tuple(notes),
                         claims_found=len(distinct), max_claims=max_claims)
    return save_claims(store, result, published=published, now=now) if store_claims else result


def _source_kind(kind: str | None, url: str | None) -> SourceKind:
    """The kind given, checked, or guessed from where the text appeared.

    >>> _source_kind(None, "https://bsky.app/profile/x"), _source_kind(None, "https://news.example/a")
    ('social', 'news')
    """
    if kind is not None:
        if kind not in SOURCE_KINDS:
            raise ValueError(f"source kind must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
        return kind
    host = (url or "").split("://", 1)[-1].split("/", 1)[0].lower()
    if any(host == h or host.endswith("." + h) or h in host for h in _SOCIAL_HOSTS):
        return "social"
    if any(host == h or host.endswith("." + h) for h in _ACADEMIC_HOSTS):
        return "academic"
    return "news" if host else "other"

