"""The trace policy: what one caller may do when tracing (fetch from the network, store the claims or
only answer them, how many) and the page of a URL fetched to be traced. :func:`trace_text` is the one
way kg's shells trace: ``kg trace``, the /trace page, ``POST /api/trace`` and GraphQL's ``traceClaim``.

A service traces for anyone (:meth:`TracePolicy.for_service`): the claims are stored only with
permission (otherwise anyone could put text on the works' pages), at most :data:`MAX_STORED_CLAIMS`
of them; a URL must be an http(s) URL; a page is fetched from public hosts only. Writes wait for the
caller's write access (``writes``): online, the whole trace holds it, since fetches store the records
they fetch at any point; offline, the trace reads beside other readers and only the claims' write
holds it.

>>> from kg.store import Store
>>> policy = TracePolicy.for_service(online=False, store_every=False, authorized=False)
>>> found = trace_text(Store.open(None), "The study (doi:10.1/absent) was in the news.", policy=policy)
>>> found.notes[-1] == NOT_STORED, [c.stored for c in found.claims]
(True, [False])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime

from kg.errors import BadRequestError
from kg.store import Store
from kg.tracing.fetching import fetch_page
from kg.tracing.results import SOURCE_KINDS, TraceResult
from kg.tracing.stored import save_claims
from kg.tracing.tracer import MAX_CLAIMS, trace
from loaders.http import HttpConfig

#: the most claims one trace stores for a service (a long article's claims beyond are answered, not stored)
MAX_STORED_CLAIMS = 100
#: the longest URL a service takes as where a text appeared
MAX_URL_LENGTH = 2_000
NOT_STORED = ("the claims were not stored: this service stores traces sent with its update token "
              "(Authorization: Bearer ...), or every trace when started with --store-traces")
TOO_MANY = f"only the first {MAX_STORED_CLAIMS} claims resting on a work were stored"
#: how a caller holds the store for writing while a trace writes (a service's query runner)
WriteAccess = Callable[[], AbstractContextManager[None]]


@dataclass(frozen=True)
class TracePolicy:
    """What a caller of :func:`trace_text` may do. The defaults are a local user's (``kg trace``).

    >>> TracePolicy.for_service(online=True, store_every=False, authorized=True).permitted
    True
    """

    #: fetch identifiers missing from the graph from their sources (and, for a service, the page at
    #: a URL sent without text)
    online: bool = False
    #: store each claim that rests on at least one work
    store_claims: bool = True
    #: whether the caller may store claims: when not, they are answered, not stored, and a note says
    #: why (:data:`NOT_STORED`)
    permitted: bool = True
    #: trace for a service's callers, anyone on the network: the URL must be an http(s) URL of at most
    #: :data:`MAX_URL_LENGTH` characters, a text left empty traces the page at the URL (public hosts
    #: only), and at most :data:`MAX_STORED_CLAIMS` claims are stored
    service: bool = False
    #: hops of each evidence chain
    max_depth: int = 5
    #: distinct claims answered at most (:data:`kg.tracing.tracer.MAX_CLAIMS`); a sentence repeated is one
    max_claims: int = MAX_CLAIMS

    @classmethod
    def for_service(cls, *, online: bool, store_every: bool, authorized: bool, max_depth: int = 5,
                    max_claims: int = MAX_CLAIMS) -> TracePolicy:
        """A service's policy: claims stored when it stores every trace or the request carries its token."""
        return cls(online=online, permitted=store_every or authorized, service=True, max_depth=max_depth,
                   max_claims=max_claims)


def trace_text(store: Store, text: str, *, url: str | None = None, source_kind: str | None = None,
               published: date | None = None, html: bool | None = None, policy: TracePolicy | None = None,
               http: HttpConfig | None = None, apis: Mapping[str, str] | None = None,
               writes: WriteAccess | None = None, now: datetime | None = None) -> TraceResult:
    """Trace the claims of ``text`` (plain text or HTML) to the works and data they rest on, as
    ``policy`` allows (:func:`kg.tracing.tracer.trace` is the analysis).

    :param url: where the text appeared (stored with each claim); for a service with an empty
        ``text``, the page to fetch and trace
    :param source_kind: news, academic, social or other; guessed from ``url`` when None
    :param published: when the text first appeared
    :param html: True for markup, False for plain text, None to guess
    :param policy: what the caller may do (fetch, store, how much); default a local user's
    :param http: the HTTP settings for fetching (default: from the environment)
    :param apis: base URLs by source name (``{"crossref": "http://127.0.0.1:8080"}``), for mirrors and tests
    :param writes: holds the store for writing while the trace writes (default: nothing to hold)
    :param now: the time recorded on matches (default: the current time)
    :raises BadRequestError: an unknown ``source_kind``; for a service, a bad ``url``, or an empty text
        with a URL when offline
    :raises TraceInputError: empty text, too long, or binary data (nothing is stored)
    :raises FetchError: the page at ``url`` could not be fetched
    """
    policy = policy or TracePolicy()
    if source_kind is not None and source_kind not in SOURCE_KINDS:
        raise BadRequestError("source_kind", f"must be one of {', '.join(SOURCE_KINDS)}", source_kind)
    if policy.service and url is not None and url.strip():
        _check_url(url)
    if policy.service and not text.strip() and url:
        if not policy.online:
            raise BadRequestError("url", "cannot be fetched: this service does not fetch pages (it runs offline); "
                                  "paste the text instead")
        text = fetch_page(url, http, public_only=True)
    writing = writes or nullcontext
    # online, fetching stores the records it fetches at any point of the trace; offline the trace reads
    # beside other readers, and only the claims' write below waits for write access
    with writing() if policy.online else nullcontext():
        found = trace(store, text, url=url or None, source_kind=source_kind or None, html=html, online=policy.online,
                      http=http, apis=apis, store_claims=False, max_depth=policy.max_depth,
                      max_claims=policy.max_claims)
    if not policy.store_claims:
        return found
    if not policy.permitted:
        return replace(found, notes=(*found.notes, NOT_STORED))
    resting = [c for c in found.claims if c.works]
    stored = resting[:MAX_STORED_CLAIMS] if policy.service else resting
    if not stored:
        return found
    with writing():
        saved = save_claims(store, replace(found, claims=tuple(stored)), published=published, now=now)
    kept = {c.iri: c for c in saved.claims}
    notes = found.notes if len(stored) == len(resting) else (*found.notes, TOO_MANY)
    return replace(found, claims=tuple(kept.get(c.iri, c) for c in found.claims), notes=notes)


def _check_url(url: str) -> None:
    if len(url) > MAX_URL_LENGTH:
        raise BadRequestError("url", f"is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are accepted")
    if not url.lower().startswith(("http://", "https://")):
        raise BadRequestError("url", "must be an http(s) URL: where the text appeared", url)
