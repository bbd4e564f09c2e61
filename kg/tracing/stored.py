"""Claims stored in the graph: each claim that rests on at least one work goes nanopublication-style in
its own named graph (``graph/trace/{hash}``, provenance in the meta graph with ``kg:source "trace"``),
and :func:`claims_about` lists the stored claims citing a work.

- ``<claim> a schema:Claim ; schema:text ; kg:sourceKind ; schema:appearance ; schema:firstAppearance``
- ``<claim> cito:citesAsEvidence <work>`` and ``<claim> kg:reliesOn <work>``, so that the claim has
  an evidence chain like any work (not ``cito:cites``: a claim is not a citing publication and
  must not count in citation metrics);
- ``<claim> kg:evidenceMatch <match>``, each match with ``kg:matchedWork``, ``kg:matchMethod``,
  ``kg:matchedText``, ``kg:matchScore`` and ``prov:generatedAtTime``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

from pyoxigraph import Literal, NamedNode, Quad

from kg import ids
from kg.queries import load_query
from kg.store import GraphMeta, RecordGraph, Store
from kg.store.limits import select_chunked
from kg.tracing.results import ClaimSummary, TracedClaim, TraceResult
from kg.vocab import CITO, KG, PROV, RDF, SCHEMA, XSD

#: the kg:source of claim graphs, and their graph IRIs' source segment
SOURCE = "trace"
CLAIM_BASE = ids.KG_BASE + "claim/"


def save_claims(store: Store, found: TraceResult, *, published: date | None = None,
                now: datetime | None = None) -> TraceResult:
    """Store each claim of a trace that rests on at least one work, in its own graph; the same
    result with those claims marked stored. (:func:`trace` does it unless told not to; a service
    calls it apart, so that only the write waits for write access.)"""
    records = [claim_record(c, found.url, found.source_kind, published, now or datetime.now(UTC))
               for c in found.claims if c.works]
    if records:
        store.write(records)  # claims are not works: the cue index gets no rows from them
    return replace(found, claims=tuple(replace(c, stored=bool(c.works)) for c in found.claims))



def claim_iri(text: str, url: str | None) -> str:
    """The claim's IRI: a hash of where it appeared and its text (whitespace folded).

    >>> claim_iri("Insulin  glulisine is stable.", None) == claim_iri("Insulin glulisine is stable.", None)
    True
    """
    key = (url or "") + "\n" + folded(text)
    return CLAIM_BASE + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def folded(text: str) -> str:
    """The text with its whitespace folded: two claims with the same folded text are one.

    >>> folded(" Insulin\\n glulisine  is stable. ")
    'Insulin glulisine is stable.'
    """
    return " ".join(text.split())


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
    rows = select_chunked(store, load_query("claims_about_works").text, {"work": nodes}).values()
    for work, claim, text, kind, appearance, first, score, method, graph in rows:
        if work is None or claim is None or (work, claim) in seen or work not in out:
            continue
        seen.add((work, claim))
        out[work].append(ClaimSummary(claim, text or "", kind or "other", appearance, first,
                                      float(score or 0), method or "", graph or ""))
    for found in out.values():
        found.sort(key=lambda c: (-c.score, c.iri))
    return out
