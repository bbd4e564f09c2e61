"""Trace a claim: from a sentence or an article to the works it rests on, and their evidence chains.

:func:`trace` extracts the claims of a text (:mod:`kg.claims`), resolves each identifier mention
to its work (fetching it through the loaders when it is not in the graph and network use is
allowed, then one hop of its links), matches the claims without identifiers against the graph
by their cues (:mod:`kg.cues`), computes the evidence chain of every work found
(:func:`kg.chains.evidence_chain`), and stores each claim with at least one work
nanopublication-style in its own named graph (``graph/trace/{hash}``, provenance in the meta
graph with ``kg:source "trace"``):

- ``<claim> a schema:Claim ; schema:text ; kg:sourceKind ; schema:appearance ; schema:firstAppearance``
- ``<claim> cito:citesAsEvidence <work>`` and ``<claim> kg:reliesOn <work>``, so that the claim has
  an evidence chain like any work (not ``cito:cites``: a claim is not a citing publication and
  must not count in citation metrics);
- ``<claim> kg:evidenceMatch <match>``, each match with ``kg:matchedWork``, ``kg:matchMethod``,
  ``kg:matchedText``, ``kg:matchScore`` and ``prov:generatedAtTime``.

>>> from kg.store import Store
>>> result = trace(Store.open(None), "The study (doi:10.1/absent) was in the news.")
>>> [(m.mention.value, m.status, m.reason) for c in result.claims for m in c.mentions]
[('10.1/absent', 'unresolved', 'not in the graph, and fetching is off (offline)')]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Literal as Lit

from pyoxigraph import Literal, NamedNode, Quad

from kg import ids
from kg.chains import Chain, evidence_chain
from kg.claims import Cue, checked_text, extract
from kg.cues import cue_index, keep_cue_index
from kg.errors import KgError
from kg.mentions import Mention
from kg.ondemand import Resolver, fetch_mention, unfetchable
from kg.queries import load_query
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import CITO, KG, PROV, RDF, SCHEMA, XSD
from kg.works import WorkSummary, summaries
from loaders.builder import RecordBuilder
from loaders.http import HttpConfig

#: the kg:source of claim graphs, and their graph IRIs' source segment
SOURCE = "trace"
CLAIM_BASE = ids.KG_BASE + "claim/"
SourceKind = Lit["news", "academic", "social", "other"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("news", "academic", "social", "other")
_SOCIAL_HOSTS = ("twitter.com", "x.com", "bsky.app", "mastodon", "facebook.com", "reddit.com", "threads.net",
                 "linkedin.com")
_ACADEMIC_HOSTS = ("doi.org", "arxiv.org", "biorxiv.org", "medrxiv.org", "ncbi.nlm.nih.gov", "europepmc.org",
                   "nature.com", "sciencedirect.com", "springer.com", "wiley.com", "plos.org", "elifesciences.org")


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


@dataclass(frozen=True)
class TraceResult:
    """Everything :func:`trace` found; :meth:`as_dict` is JSON-ready."""

    claims: tuple[TracedClaim, ...]
    #: the evidence chain of each work found, by IRI
    chains: dict[str, Chain]
    url: str | None
    source_kind: SourceKind
    #: characters of plain text traced
    characters: int
    #: problems met on the way that did not stop the trace (a fetch of a linked work failing)
    notes: tuple[str, ...] = ()

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
        def work(w: WorkMatch) -> dict[str, object]:
            chain = self.chains.get(w.iri)
            return {**w.work.as_dict(), "score": w.score, "method": w.method, "matched": list(w.matched),
                    "chain": chain.as_dict() if chain else None}
        return {"url": self.url, "source_kind": self.source_kind, "characters": self.characters,
                "notes": list(self.notes),
                "claims": [{"iri": c.iri, "text": c.text, "start": c.start, "end": c.end, "stored": c.stored,
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


@dataclass
class _Run:
    """The state of one trace: works fetched, notes, the store."""

    store: Store
    online: bool
    resolver: Resolver | None
    notes: list[str] = field(default_factory=list)
    described: dict[str, bool] = field(default_factory=dict)


def trace(store: Store, text: str, *, url: str | None = None, source_kind: str | None = None,
          published: date | None = None, html: bool | None = None, online: bool = False,
          http: HttpConfig | None = None, apis: Mapping[str, str] | None = None, store_claims: bool = True,
          max_depth: int = 5, now: datetime | None = None) -> TraceResult:
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
    :param now: the time recorded on matches (default: the current time)
    :raises TraceInputError: empty text, too long, or binary data (nothing is stored)
    :raises ValueError: an unknown ``source_kind``
    """
    kind = _source_kind(source_kind, url)
    plain = checked_text(text, html=html)
    index = cue_index(store)
    extraction = extract(plain, index.names(), index.names_a_title)
    run = _Run(store, online, _resolver(http, apis) if online else None)
    resolved = _resolve_mentions(run, extraction.mentions)
    claims: list[TracedClaim] = []
    for span in extraction.claims:
        mentions = tuple(resolved[m] for m in span.mentions)
        found: dict[str, tuple[float, str, tuple[str, ...]]] = {}
        for r in mentions:
            if r.work and r.work not in found:
                found[r.work] = (1.0, f"identifier:{r.mention.kind}", (r.mention.text,))
        if not span.mentions:
            for m in index.match(span):
                found.setdefault(m.iri, (m.score, m.method, m.matched))
        claims.append(TracedClaim(claim_iri(span.text, url), span.text, span.start, span.end, mentions,
                                  span.cues, tuple(WorkMatch(WorkSummary(iri), *v) for iri, v in found.items())))
    works = summaries(store, [NamedNode(w.iri) for c in claims for w in c.works])
    claims = [TracedClaim(c.iri, c.text, c.start, c.end, c.mentions, c.cues,
                          tuple(WorkMatch(works[w.iri], w.score, w.method, w.matched) for w in c.works))
              for c in claims]
    chains = {iri: evidence_chain(store, NamedNode(iri), max_depth) for iri in works}
    result = TraceResult(tuple(claims), chains, url, kind, len(plain), tuple(run.notes))
    return save_claims(store, result, published=published, now=now) if store_claims else result


def save_claims(store: Store, found: TraceResult, *, published: date | None = None,
                now: datetime | None = None) -> TraceResult:
    """Store each claim of a trace that rests on at least one work, in its own graph; the same
    result with those claims marked stored. (:func:`trace` does it unless told not to; a service
    calls it apart, so that only the write waits for write access.)"""
    records = [claim_record(c, found.url, found.source_kind, published, now or datetime.now(UTC))
               for c in found.claims if c.works]
    if records:
        generation = store.generation
        store.write(records)
        keep_cue_index(store, generation)  # claims are not works: the cue index still holds
    return replace(found, claims=tuple(replace(c, stored=bool(c.works)) for c in found.claims))


def _source_kind(kind: str | None, url: str | None) -> SourceKind:
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


def claim_iri(text: str, url: str | None) -> str:
    """The claim's IRI: a hash of where it appeared and its text (whitespace folded).

    >>> claim_iri("Insulin  glulisine is stable.", None) == claim_iri("Insulin glulisine is stable.", None)
    True
    """
    key = (url or "") + "\n" + " ".join(text.split())
    return CLAIM_BASE + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def claim_record(claim: TracedClaim, url: str | None, kind: str, published: date | None,
                 when: datetime) -> RecordGraph:
    """The claim's own named graph: the claim, the works it cites as evidence, each match's provenance."""
    local = claim.iri.removeprefix(CLAIM_BASE)
    graph = NamedNode(ids.graph_iri(SOURCE, local))
    node = NamedNode(claim.iri)
    triples: list[tuple[NamedNode, NamedNode, NamedNode | Literal]] = [
        (node, RDF.type, SCHEMA.Claim), (node, SCHEMA.text, Literal(claim.text)),
        (node, KG.sourceKind, Literal(kind))]
    if url:
        triples.append((node, SCHEMA.appearance, NamedNode(url) if _is_iri(url) else Literal(url)))
    if published:
        triples.append((node, SCHEMA.firstAppearance, Literal(published.isoformat(), datatype=XSD.date)))
    stamp = Literal(when.astimezone(UTC).isoformat(), datatype=XSD.dateTime)
    for i, w in enumerate(claim.works, start=1):
        work, match = NamedNode(w.iri), NamedNode(f"{claim.iri}#match-{i}")
        triples += [(node, CITO.citesAsEvidence, work), (node, KG.reliesOn, work), (node, KG.evidenceMatch, match),
                    (match, KG.matchedWork, work), (match, KG.matchMethod, Literal(w.method)),
                    (match, KG.matchScore, Literal(f"{w.score:.3f}", datatype=XSD.decimal)),
                    (match, PROV.generatedAtTime, stamp)]
        triples += [(match, KG.matchedText, Literal(t)) for t in w.matched]
    quads = [Quad(s, p, o, graph) for s, p, o in triples]
    return RecordGraph(graph, quads, GraphMeta(SOURCE, local, node, url or "text", when))


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://")) and not any(c in text for c in ' <>"{}|\\^`')


# ------------------------------------------------------------------------------ resolution


def _resolve_mentions(run: _Run, mentions: Iterable[Mention]) -> dict[Mention, MentionResult]:
    """Each mention resolved to a work of the graph, fetched when missing and allowed."""
    mentions = list(mentions)
    direct = _in_graph(run.store, mentions)
    out: dict[Mention, MentionResult] = {}
    for m in mentions:
        work = direct.get(m)
        if work is not None:
            out[m] = MentionResult(m, "resolved", work)
        elif m.kind in ids.ARCHIVES:
            out[m] = MentionResult(m, "unresolved", reason=unfetchable(m.kind))
        elif m.kind in ("pmid", "pmcid"):
            out[m] = MentionResult(m, "unresolved", reason=f"no work in the graph has this {m.kind.upper()}, "
                                                           "and no loader fetches PubMed records")
        elif not run.online or run.resolver is None:
            out[m] = MentionResult(m, "unresolved", reason="not in the graph, and fetching is off (offline)")
        else:
            try:
                work = fetch_mention(run.store, run.resolver, m, run.notes)
            except KgError as e:
                out[m] = MentionResult(m, "unresolved", reason=str(e))
            else:
                out[m] = MentionResult(m, "resolved", work, fetched=True)
    return out


def _in_graph(store: Store, mentions: list[Mention]) -> dict[Mention, str]:
    """The described works the mentions name, found by IRI or by identifier literal or URL."""
    by_iri: dict[str, list[Mention]] = {}
    by_value: dict[Literal | NamedNode, list[Mention]] = {}
    found = _accession_nodes(store, [m for m in mentions if m.kind in ids.ARCHIVES])
    for m in mentions:
        if m.kind in ids.ARCHIVES:
            continue
        if m.iri:
            by_iri.setdefault(m.iri, []).append(m)
        elif m.kind == "zenodo":
            for form in (f"https://zenodo.org/records/{m.value}", f"https://zenodo.org/record/{m.value}"):
                by_value.setdefault(NamedNode(form), []).append(m)
            by_iri.setdefault(ids.doi_iri(f"10.5281/zenodo.{m.value}"), []).append(m)
        elif m.kind == "arxiv":
            by_value.setdefault(Literal(m.value), []).append(m)
            bare = m.value.rsplit("v", 1)[0] if "v" in m.value.split("/")[-1] else m.value
            by_iri.setdefault(ids.doi_iri(f"10.48550/arxiv.{bare}"), []).append(m)
        else:
            by_value.setdefault(Literal(m.value), []).append(m)
    if by_value:
        rows = store.select(load_query("trace_works_by_identifier").text, {"value": list(by_value)}).rows
        for work, value in rows:
            if isinstance(work, NamedNode) and isinstance(value, (Literal, NamedNode)):
                for m in by_value.get(value, []):
                    found.setdefault(m, work.value)
    if by_iri:
        described = described_works(store, list(by_iri))
        for iri, ms in by_iri.items():
            for m in ms:
                if iri in described:
                    found.setdefault(m, iri)
    return found


def _accession_nodes(store: Store, mentions: list[Mention]) -> dict[Mention, str]:
    """The nodes of the graph the accession mentions name: no loader fetches an archive's records, so
    such a node is there when a record links to it, under one of the IRIs sources give it (the
    archive's page, identifiers.org, ...) or as a related item named by its scheme and value
    (:meth:`loaders.builder.RecordBuilder.shared_iri`). A described node is preferred. Two queries
    however many mentions."""
    candidates: dict[tuple[str, str], list[str]] = {}
    for m in mentions:
        if (m.kind, m.value) not in candidates:
            values = dict.fromkeys([m.value, m.value.split(".")[0]])
            candidates[(m.kind, m.value)] = list(dict.fromkeys([*ids.accession_iris(m.kind, m.value), *(
                RecordBuilder.shared_iri("related", scheme, v) for scheme in ids.ARCHIVES[m.kind].schemes
                for v in values)]))
    every = list(dict.fromkeys(c for cs in candidates.values() for c in cs))
    if not every:
        return {}
    described = described_works(store, every)
    rows = store.select(load_query("metrics_incoming_relations").text, {"target": [NamedNode(c) for c in every]})
    linked = {target for _, _, target in rows.values() if target is not None}
    found: dict[Mention, str] = {}
    for m in mentions:
        cs = candidates[(m.kind, m.value)]
        node = next((c for c in cs if c in described), None) or next((c for c in cs if c in linked), None)
        if node is not None:
            found[m] = node
    return found


def described_works(store: Store, iris: list[str]) -> set[str]:
    """Those of ``iris`` some record describes (a class or a title), not just links to."""
    found = summaries(store, [NamedNode(i) for i in iris])
    return {i for i, s in found.items() if s.kind is not None or s.title is not None}


def _resolver(http: HttpConfig | None, apis: Mapping[str, str] | None) -> Resolver:
    return Resolver.make(http, apis)


# ------------------------------------------------------------------------------ claims on works


def claims_about(store: Store, works: Iterable[str | NamedNode]) -> dict[str, list[ClaimSummary]]:
    """The stored claims citing each work as evidence, best match first (one query for all works).

    Every work asked about has an entry, empty when no claim cites it.

    >>> claims_about(Store.open(None), ["https://doi.org/10.1/x"])
    {'https://doi.org/10.1/x': []}
    """
    nodes = [w if isinstance(w, NamedNode) else NamedNode(w) for w in works]
    out: dict[str, list[ClaimSummary]] = {n.value: [] for n in nodes}
    if not nodes:
        return out
    seen: set[tuple[str, str]] = set()
    rows = store.select(load_query("claims_about_works").text, {"work": nodes}).values()
    for work, claim, text, kind, appearance, first, score, method, graph in rows:
        if work is None or claim is None or (work, claim) in seen or work not in out:
            continue
        seen.add((work, claim))
        out[work].append(ClaimSummary(claim, text or "", kind or "other", appearance, first,
                                      float(score or 0), method or "", graph or ""))
    for found in out.values():
        found.sort(key=lambda c: (-c.score, c.iri))
    return out
