"""Resolving identifier mentions to works: found in the graph (by IRI, by an identifier literal or
page, an accession by the IRIs sources give its record), else fetched from their sources when
network use is allowed (:mod:`kg.tracing.fetching`), else unresolved with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import KgError
from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.tracing.fetching import Resolver, fetch_mention, unfetchable
from kg.tracing.mentions import Mention
from kg.tracing.results import MentionResult
from kg.works import summaries


def resolve_mentions(store: Store, mentions: Iterable[Mention], resolver: Resolver | None,
                     notes: list[str]) -> dict[Mention, MentionResult]:
    """Each mention resolved to a work of the graph, fetched when missing and a ``resolver`` is given
    (online); problems fetching linked works are appended to ``notes``.

    >>> from kg.store import Store
    >>> from kg.tracing.mentions import find_identifiers
    >>> found = resolve_mentions(Store.open(None), find_identifiers("PMID: 33462295"), None, [])
    >>> [(r.status, r.reason) for r in found.values()]
    [('unresolved', 'no work in the graph has this PMID, and no loader fetches PubMed records')]
    """
    everyone = list(mentions)
    # an identifier written many times is resolved (and fetched) once, its answer shared
    firsts: dict[tuple[str, str], Mention] = {}
    for m in everyone:
        firsts.setdefault((m.kind, m.value), m)
    mentions = list(firsts.values())
    direct = _in_graph(store, mentions)
    # offline, a work the graph only links to (cited, no record of its own) is not "not in the graph"
    linked = _linked(store, [m.iri for m in mentions if m.iri and m not in direct]) if resolver is None else set()
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
        elif resolver is None:
            where = ("only linked to in the graph (a loaded record cites it; no record of it is loaded)"
                     if m.iri in linked else "not in the graph")
            out[m] = MentionResult(m, "unresolved", reason=f"{where}, and fetching is off (offline)")
        else:
            try:
                work = fetch_mention(store, resolver, m, notes)
            except KgError as e:
                out[m] = MentionResult(m, "unresolved", reason=str(e))
            else:
                out[m] = MentionResult(m, "resolved", work, fetched=True)
    for m in everyone:
        if m not in out:
            out[m] = replace(out[firsts[(m.kind, m.value)]], mention=m)
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
            for form in ids.zenodo_record_pages(m.value):
                by_value.setdefault(NamedNode(form), []).append(m)
            by_iri.setdefault(ids.zenodo_doi_iri(m.value), []).append(m)
        elif m.kind == "arxiv":
            by_value.setdefault(Literal(m.value), []).append(m)
            by_iri.setdefault(ids.arxiv_doi_iri(m.value), []).append(m)
        else:
            by_value.setdefault(Literal(m.value), []).append(m)
    if by_value:
        rows = select_chunked(store, load_query("trace_works_by_identifier").text, {"value": list(by_value)}).rows
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
    (:func:`kg.ids.shared_iri`). A described node is preferred. Two queries
    however many mentions."""
    candidates: dict[tuple[str, str], list[str]] = {}
    for m in mentions:
        if (m.kind, m.value) not in candidates:
            values = dict.fromkeys([m.value, m.value.split(".")[0]])
            candidates[(m.kind, m.value)] = list(dict.fromkeys([*ids.accession_iris(m.kind, m.value), *(
                ids.shared_iri("related", scheme, v) for scheme in ids.ARCHIVES[m.kind].schemes
                for v in values)]))
    every = list(dict.fromkeys(c for cs in candidates.values() for c in cs))
    if not every:
        return {}
    described = described_works(store, every)
    rows = select_chunked(store, load_query("metrics_incoming_relations").text,
                          {"target": [NamedNode(c) for c in every]})
    linked = {target for _, _, target in rows.values() if target is not None}
    found: dict[Mention, str] = {}
    for m in mentions:
        cs = candidates[(m.kind, m.value)]
        node = next((c for c in cs if c in described), None) or next((c for c in cs if c in linked), None)
        if node is not None:
            found[m] = node
    return found


def _linked(store: Store, iris: list[str]) -> set[str]:
    """Those of ``iris`` some statement of the graph points at (one query)."""
    if not iris:
        return set()
    rows = select_chunked(store, load_query("metrics_incoming_relations").text,
                          {"target": [NamedNode(i) for i in iris]})
    return {target for _, _, target in rows.values() if target is not None}


def described_works(store: Store, iris: list[str]) -> set[str]:
    """Those of ``iris`` some record describes (a class or a title), not just links to."""
    found = summaries(store, [NamedNode(i) for i in iris])
    return {i for i, s in found.items() if s.kind is not None or s.title is not None}

