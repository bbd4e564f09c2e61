"""What the item page (``/works/{id}`` as HTML) shows beyond the work's JSON: its evidence chain
drawn, its reference list (collapsed, the first :data:`REFERENCES_SHOWN` unless all are asked for),
its counts side by side (kg's beside its sources', never summed), related items grouped by reason,
reuse rolled up over versions with a chart, the claims made about it, and a citation to copy.

Each part is computed on its own: a part that fails (a store error on one query) is left out with
a note, and the rest of the page still shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pyoxigraph import NamedNode

from kg.chains import Chain
from kg.errors import KgError
from kg.facts import side_by_side
from kg.graph import KnowledgeGraph
from kg.metrics import ItemMetrics
from kg.related import RelatedItem
from kg.repositories import repository
from kg.web.about import KEYWORDS_SHOWN, about
from kg.web.citing_years import citing_years
from kg.web.svg import bar_chart, chain_svg
from kg.web.urls import work_path
from kg.works import WorkSummary

log = logging.getLogger(__name__)
T = TypeVar("T")

#: how the page names each kind of reason, in the order it lists them
REASON_GROUPS = {"evidence": "Data, software and methods linked to it", "version": "Versions and parts",
                 "structure": "Same structure", "shared-data": "Used the same data",
                 "shared-software": "Used the same software",
                 "inferred-evidence": "Data and software it cites or is cited by (inferred)",
                 "co-citation": "Cited together with it",
                 "coupling": "Cite the same works", "link": "Cites it or cited by it, and other links"}
#: how the page names each kind of source a claim appeared in
CLAIM_GROUPS = {"academic": "Views from academia", "news": "Views from news media",
                "social": "Views from social media", "other": "Other views"}
RELATED_LIMIT = 20
#: claims listed per kind of source, best match first (the rest are counted)
CLAIMS_SHOWN = 20
CHAIN_DEPTH = 5
#: references listed unless the page is asked for all (``?refs=all``): a page stays readable with thousands
REFERENCES_SHOWN = 50
#: typed links listed unless the page is asked for all (``?links=all``); up to LINKS_OPEN the table starts open
LINKS_SHOWN = 50
LINKS_OPEN = 20
#: creators listed before the rest are folded (a HEPData record lists 1,000: the page stays readable)
CREATORS_SHOWN = 20
#: versions listed on a concept's page (its versions' names are looked up, one query for all)
VERSIONS_SHOWN = 50


def _section(notes: list[str], what: str, compute: Callable[[], T]) -> T | None:
    try:
        return compute()
    except KgError as e:
        log.warning("item page: %s failed: %s", what, e)
        notes.append(f"The {what} could not be computed just now.")
        return None


def grouped_related(found: list[RelatedItem]) -> list[tuple[str, list[RelatedItem]]]:
    """Related items under the heading of their strongest reason, the groups in page order."""
    groups: dict[str, list[RelatedItem]] = {}
    for item in found:
        kind = min((r.kind for r in item.reasons), key=list(REASON_GROUPS).index)
        groups.setdefault(kind, []).append(item)
    return [(REASON_GROUPS[k], groups[k]) for k in REASON_GROUPS if k in groups]


def _names(graph: KnowledgeGraph, work: dict[str, object], chain: Chain | None) -> dict[str, str]:
    """The display name of every work the page links to: the chain's, and the links' others that ``work``
    does not name already (its description names each linked work with an IRI by its summary, as this
    would: the page falls back on ``otherName``; not the work itself, named there by its own triples)."""
    names = {n.iri: n.work.name for n in chain.nodes} if chain else {}
    links = work.get("links")
    others = {str(link["other"]) for link in (links if isinstance(links, list) else [])
              if isinstance(link, dict) and link.get("other") and link["other"] not in names
              and (link["other"] == work.get("id") or "://" not in str(link["other"]))}
    found = graph.summaries(sorted(others))
    return {**names, **{iri: s.name for iri, s in found.items()}}


def _version_summaries(graph: KnowledgeGraph, work: dict[str, object]) -> dict[str, WorkSummary]:
    """The works ``work`` is a version of, and its first :data:`VERSIONS_SHOWN` versions, summarised: the
    page names them (and gives their version and year), never shows their bare IRIs."""
    return graph.summaries([*_iris(work, "versionOf"), *_iris(work, "versions")[:VERSIONS_SHOWN]])


def _iris(work: dict[str, object], key: str) -> list[str]:
    found = work.get(key)
    return [str(v) for v in found] if isinstance(found, list) else []


@dataclass(frozen=True)
class UsageLine:
    """What one source reports of an item's usage: this version's views and downloads (DataCite's
    viewCount and downloadCount, Zenodo's ``version_*``) and all versions' (Zenodo's ``views`` and
    ``downloads``), each as the source gives it ("12 views, 3 downloads") or None when it gives neither."""

    source: str
    this_version: str | None
    all_versions: str | None
    #: when the records giving them were retrieved (YYYY-MM-DD), one date when both are the same
    retrieved: tuple[str, ...]


def _figures(views: int | None, downloads: int | None) -> str | None:
    parts = [f"{n} {name}{'s' if n != 1 else ''}" for n, name in ((views, "view"), (downloads, "download"))
             if n is not None]
    return ", ".join(parts) or None


def usage_lines(reuse: ItemMetrics) -> list[UsageLine]:
    """One line per source: this version's figures from the item's own observation, all versions' from
    the newest observation (of the item or any node rolled up) that gives them; a figure the source does
    not give is left out, never shown as unknown.

    >>> from kg.metrics import Citations, UsageFigures
    >>> none = Citations()
    >>> own = UsageFigures("v2", "datacite", "g", "2026-01-02T00:00:00", version_views=9, version_downloads=1)
    >>> usage_lines(ItemMetrics("v2", ("v2",), none, none, usage=(own,)))
    [UsageLine(source='datacite', this_version='9 views, 1 download', all_versions=None, retrieved=('2026-01-02',))]
    """
    lines = []
    for source in sorted({u.source for u in reuse.usage}):
        found = [u for u in reuse.usage if u.source == source]
        own = next((u for u in found if u.work == reuse.item
                    and _figures(u.version_views, u.version_downloads)), None)
        whole = max((u for u in found if _figures(u.views, u.downloads)),
                    key=lambda u: (u.observed_at, u.work == reuse.item, u.graph), default=None)
        if own is None and whole is None:
            continue
        dates = tuple(dict.fromkeys(u.observed_at[:10] for u in (own, whole) if u is not None))
        lines.append(UsageLine(source, _figures(own.version_views, own.version_downloads) if own else None,
                               _figures(whole.views, whole.downloads) if whole else None, dates))
    return lines


def page_context(graph: KnowledgeGraph, node: NamedNode, work: dict[str, object], *,
                 all_references: bool = False, all_links: bool = False) -> dict[str, object]:
    """Everything the item page shows beyond ``work`` (the work's JSON); ``all_references`` lists every
    reference instead of the first :data:`REFERENCES_SHOWN`, ``all_links`` every typed link instead of
    the first :data:`LINKS_SHOWN`."""
    notes: list[str] = []
    chain = _section(notes, "evidence chain", lambda: graph.chain(node, CHAIN_DEPTH))
    # one more than shown: the page says when there are more (the JSON API lists them)
    related = _section(notes, "list of related items", lambda: graph.related(node, RELATED_LIMIT + 1)) or []
    reuse = _section(notes, "reuse metrics", lambda: graph.metrics.item(node))
    years = _section(notes, "years of citing works", lambda: citing_years(graph, reuse)) if reuse else None
    claims = (_section(notes, "list of claims", lambda: graph.claims([node])) or {}).get(node.value, [])
    names = _section(notes, "names of linked works", lambda: _names(graph, work, chain)) or {}
    refs = _section(notes, "reference list", lambda: graph.references(node)) or []
    versions = _section(notes, "names of versions", lambda: _version_summaries(graph, work)) or {}
    by_kind: dict[str, list[object]] = {}
    for c in claims:
        by_kind.setdefault(c.source_kind, []).append(c)
    return {
        "about": about(work), "keywords_shown": KEYWORDS_SHOWN,
        "chain": chain,
        "chain_svg": chain_svg(chain, lambda w: work_path(w.iri)) if chain and chain.hops else None,
        "related_groups": grouped_related(related[:RELATED_LIMIT]),
        "related_more": len(related) > RELATED_LIMIT, "related_shown": RELATED_LIMIT,
        "reuse": reuse,
        "usage_lines": usage_lines(reuse) if reuse else [],
        "reuse_chart": bar_chart(list(years.by_year.items()), "Works citing it or any of its versions, per year",
                                 "citing works", years.notes(), "no citing work's year is known" if years.unknown
                                 else "") if years else None,
        "reuse_years": years,
        "claim_groups": [(CLAIM_GROUPS[k], by_kind[k][:CLAIMS_SHOWN], len(by_kind[k]))
                         for k in CLAIM_GROUPS if k in by_kind],
        "counts": side_by_side(reuse, refs) if reuse else None,
        "references": refs if all_references else refs[:REFERENCES_SHOWN],
        "references_total": len(refs),
        # works this one cites by a DOI kg read from a reference's text (kg:doiAssertedBy "kg: ..."), for the hops
        "doi_found_in_text": {r.cited for r in refs if r.cited and (r.asserted_by or "").startswith("kg:")},
        "all_links": all_links, "links_shown": LINKS_SHOWN, "links_open": LINKS_OPEN,
        "citation": _section(notes, "citation", lambda: graph.cite(node)),
        "names": names,
        "version_summaries": versions, "versions_shown": VERSIONS_SHOWN,
        "creators_shown": CREATORS_SHOWN,
        # a work no record describes, with a data repository's DOI: the page says whose (Dryad, ...)
        "repository": None if work.get("kind") else repository(str(work.get("id", ""))),
        "notes": notes,
    }
