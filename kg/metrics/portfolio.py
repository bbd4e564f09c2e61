"""Reuse of a portfolio: the outputs of a funder or a publisher, how many were reused, their
citations per year (versions rolled up) and the most cited."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from typing import Literal as Lit

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, NotFoundError
from kg.metrics.counting import citing_works, count_values, version_scopes, work_kinds
from kg.metrics.item import SourceCount
from kg.metrics.summarised import funder_outputs, summary_of
from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.store.summary import MetricsSummaryDb
from kg.works import resolve

#: how many outputs ``top`` lists
TOP = 10
#: what one award number in a list of several looks like: a digit, no more than two spaces
_AWARD = re.compile(r"(?=[^ ]*\d|[^ ]* [^ ]*\d|[^ ]* [^ ]* [^ ]*\d)[^ ]+( [^ ]+){0,2}")
#: a word of text in an award field: three or more lower-case letters ("program", "grant")
_WORD = re.compile(r"(?<![^ ])[a-z]{3,}(?![^ ])")
#: the IRIs of Crossref Funder IDs: the nodes of the Funder Registry's hierarchy
FUNDER_IDS = "https://doi.org/10.13039/"
#: the kinds a kept rollup counts by: rollups kept before books and reports were told apart from other
#: works (no ``kinds`` in their body) are computed again, not read
ROLLUP_KINDS = 2


@dataclass(frozen=True)
class OutputReuse:
    """One output and its citations: distinct citing works of it alone, and of all its versions."""

    iri: str
    kind: str
    citations: int
    all_versions: int

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "kind": self.kind, "citations": self.citations, "all_versions": self.all_versions}


@dataclass(frozen=True)
class PortfolioMetrics:
    """Reuse of the outputs of a funder or a publisher."""

    of: Lit["funder", "publisher"]
    #: the funder's or publisher's IRIs (a publisher name may name several nodes)
    subjects: tuple[str, ...]
    outputs: int = 0
    outputs_by_kind: dict[str, int] = field(default_factory=dict)
    #: outputs cited at least once, versions rolled up
    reused: int = 0
    reused_by_kind: dict[str, int] = field(default_factory=dict)
    #: distinct works citing any output or any version of one, in total and per year
    citing_works: int = 0
    citations_by_year: dict[str, int] = field(default_factory=dict)
    #: the most cited outputs (versions rolled up), most first, ties by IRI
    top: tuple[OutputReuse, ...] = ()
    #: the works the sources count for the funder (Crossref ``work-count``; in ``with_descendants``, its
    #: ``descendant-work-count``): beside ``outputs``, never added
    source_counts: tuple[SourceCount, ...] = ()
    #: a funder's nodes below it in its hierarchy (its directorates, divisions, ...), however deep
    descendants: tuple[str, ...] = ()
    #: the same figures over the funder and its ``descendants`` together, each output once (None: the
    #: graph knows no funder below it)
    with_descendants: PortfolioMetrics | None = None
    #: the funders above it in its hierarchy: their figures with descendants count its outputs too
    ancestors: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "of": self.of, "subjects": list(self.subjects), "outputs": self.outputs,
            "outputs_by_kind": self.outputs_by_kind, "reused": self.reused,
            "reused_by_kind": self.reused_by_kind, "citing_works": self.citing_works,
            "citations_by_year": self.citations_by_year, "top": [t.as_dict() for t in self.top],
            "source_counts": [c.as_dict() for c in self.source_counts]}
        if self.of == "funder":  # a funder's figures say whether any funder below it was rolled up
            rolled = None if self.with_descendants is None else {
                k: v for k, v in self.with_descendants.as_dict().items()
                if k not in ("descendants", "with_descendants", "ancestors")}
            found.update(descendants=list(self.descendants), with_descendants=rolled, ancestors=list(self.ancestors))
        return found


def _portfolio_metrics(store: Store, of: Lit["funder", "publisher"], subjects: Sequence[NamedNode]
                       ) -> PortfolioMetrics:
    if of == "publisher":
        return _figures(store, of, subjects, None)
    reported = funder_work_counts(store, subjects)
    own = replace(_counted(store, subjects), source_counts=tuple(c for c in reported if c.metric == "works"),
                  ancestors=tuple(funder_ancestors(store, subjects)))
    below = funder_descendants(store, subjects)
    if not below:
        return own
    rolled = replace(_counted(store, [*subjects, *below]),
                     source_counts=tuple(c for c in reported if c.metric == "works_with_descendants"))
    return replace(own, descendants=tuple(n.value for n in below), with_descendants=rolled)


def _counted(store: Store, funders: Sequence[NamedNode]) -> PortfolioMetrics:
    """A funder's figures over ``funders`` (its nodes, with or without its descendants): its rollup when
    the store keeps a metrics summary, else asked of the store."""
    summary = summary_of(store)
    return _figures(store, "funder", funders, None) if summary is None else _rollup(store, summary, funders)


#: levels of a funder hierarchy followed at most (a bound, should a hierarchy loop)
LEVELS = 12


def funder_ancestors(store: Store, funders: Sequence[NamedNode]) -> list[str]:
    """The Funder IDs above a funder's nodes in the Funder Registry's hierarchy (``funder_ancestors``), by IRI."""
    registered = [f for f in funders if f.value.startswith(FUNDER_IDS)]
    if not registered:
        return []
    return sorted(n.value for n in _walk(store, "funder_ancestors", registered) - {*funders})


def funder_descendants(store: Store, funders: Sequence[NamedNode]) -> list[NamedNode]:
    """The funders below a funder's nodes ``funders`` in the Funder Registry's hierarchy, however deep
    (``funder_descendants``: Crossref Funder IDs; ROR's children are bodies a funder may only fund), with
    the nodes naming the same bodies (their ROR IDs, replaced Funder IDs), by IRI; never the funder's own."""
    registered = [f for f in funders if f.value.startswith(FUNDER_IDS)]
    if not registered:
        return []
    below = sorted(_walk(store, "funder_descendants", registered) - {*funders}, key=lambda n: n.value)
    if not below:
        return []
    same = {r for (r,) in store.select(load_query("funder_identities").text, {"funder": below}).rows
            if isinstance(r, NamedNode)}
    return sorted({*below, *same} - {*funders}, key=lambda n: n.value)


def _walk(store: Store, query: str, start: list[NamedNode]) -> set[NamedNode]:
    """The funders ``query`` (one level of the hierarchy) reaches from ``start``, level by level, at most
    :data:`LEVELS` deep: a transitive path bound by ``VALUES`` is refused by Virtuoso."""
    found: set[NamedNode] = set()
    level = list(start)
    for _ in range(LEVELS):
        rows = select_chunked(store, load_query(query).text, {"funder": level}).rows
        level = list({r for (r,) in rows if isinstance(r, NamedNode)} - found - {*start})
        if not level:
            break
        found.update(level)
    return found


def _rollup(store: Store, summary: MetricsSummaryDb, funders: Sequence[NamedNode]) -> PortfolioMetrics:
    """A funder's figures as its rollup keeps them (:mod:`kg.store.rollups`); computed from the summary
    and kept when none is (the first time, or after a write that could change them)."""
    names = tuple(f.value for f in funders)
    key = " ".join(sorted(names))
    body = summary.rollup(key)
    kept = None if body is None else json.loads(body)
    if kept is not None and kept.get("kinds") == ROLLUP_KINDS:
        return _decoded(names, kept)
    with summary.holding():  # no write lands between reading the rows and keeping what they gave
        figures = _figures(store, "funder", funders, summary)
        if summary_of(store) is summary:
            summary.keep_rollup(key, names, json.dumps({**{k: v for k, v in figures.as_dict().items()
                                                           if k not in ("of", "subjects", "source_counts")},
                                                        "kinds": ROLLUP_KINDS}))
    return figures


def _decoded(names: tuple[str, ...], kept: dict[str, Any]) -> PortfolioMetrics:
    return PortfolioMetrics("funder", names, kept["outputs"], kept["outputs_by_kind"], kept["reused"],
                            kept["reused_by_kind"], kept["citing_works"], kept["citations_by_year"],
                            tuple(OutputReuse(**t) for t in kept["top"]))


def _figures(store: Store, of: Lit["funder", "publisher"], subjects: Sequence[NamedNode],
             summary: MetricsSummaryDb | None) -> PortfolioMetrics:
    """The figures of a funder's or publisher's outputs (no reported counts), from the summary when given."""
    classes: dict[str, set[str]] = {}
    if summary is not None:
        classes = funder_outputs(summary, [s.value for s in subjects])
    else:
        query = load_query(f"metrics_{of}_outputs").text
        for subject in subjects:
            for work, cls in store.select(query, {of: subject}).values():
                if work is not None:
                    classes.setdefault(work, set()).update([cls] if cls is not None else [])
    names = tuple(s.value for s in subjects)
    if not classes:
        return PortfolioMetrics(of, names)
    outputs = sorted(classes)
    kinds = work_kinds(store, classes)
    scopes = version_scopes(store, [NamedNode(w) for w in outputs])
    cited = citing_works(store, sorted({n for s in scopes.values() for n in s}))
    reuse = [OutputReuse(w, kinds[w], len(cited.get(w, {})),
                         len({c for n in scopes[w] for c in cited.get(n, {})})) for w in outputs]
    reused = [r for r in reuse if r.all_versions]
    citing = {c: cw for w in outputs for n in scopes[w] for c, cw in cited.get(n, {}).items()}
    return PortfolioMetrics(
        of, names, len(outputs), count_values(kinds.values()), len(reused), count_values(r.kind for r in reused),
        len(citing), count_values(w.year for w in citing.values()),
        tuple(sorted(reused, key=lambda r: (-r.all_versions, r.iri))[:TOP]))


def build_funder_rollups(store: Store) -> int:
    """Compute and keep the rollup of every funder the metrics summary names (``schema:funder`` objects,
    each with the nodes naming the same body, :func:`funder_nodes`), and of each with its descendants
    (:func:`funder_descendants`) when it has any: what ``kg index-metrics`` does
    after building the summary. The number of funders whose rollups were kept; 0 without a complete summary."""
    summary = summary_of(store)
    if summary is None:
        return 0
    done: set[str] = set()
    funders = 0
    for funder in summary.funders():
        try:
            nodes = funder_nodes(store, funder)
        except (IdentifierError, NotFoundError):  # a node no identifier names (resolve refuses it): asked for by no one
            continue
        funders += " ".join(sorted(n.value for n in nodes)) not in done
        for scope in (nodes, [*nodes, *funder_descendants(store, nodes)]):
            key = " ".join(sorted(n.value for n in scope))
            if key not in done:
                done.add(key)
                _rollup(store, summary, scope)
    return funders


def funder_work_counts(store: Store, funders: Sequence[NamedNode]) -> tuple[SourceCount, ...]:
    """The works the sources count for each funder, one per record graph: ``metric`` "works"
    (``kg:sourceWorkCount``) and "works_with_descendants" (``kg:sourceDescendantWorkCount``)."""
    if not funders:
        return ()
    found = [SourceCount(funder, source, graph, int(count), metric or "works", retrieved)
             for funder, source, graph, count, retrieved, metric in store.select(
                 load_query("funder_source_counts").text, {"funder": list(funders)}).values()
             if funder is not None and source is not None and graph is not None and count is not None]
    return tuple(sorted(found, key=lambda s: (s.work, s.source, s.graph)))


def funder_metrics(store: Store, funder_id: str) -> PortfolioMetrics:
    """Outputs of a funder by class, how many were reused, their citations per year, the most cited.

    :param funder_id: a Crossref Funder ID (``10.13039/100000001``, ``funder:100000001``, its DOI
        URL) or a ROR ID, in any form :mod:`kg.ids` accepts
    :raises NotFoundError: the graph does not name the funder
    :raises IdentifierError: the identifier is malformed

    A funder the graph names but with no outputs gets zeros. One body named two ways is one
    funder: its ROR ID and its own Funder ID (``owl:sameAs``), a Funder ID and the one that
    replaced it (``dcterms:replaces``) are counted together, whichever is asked for; ``subjects``
    lists them all.

    Its figures are its own: the outputs naming a funder below it in its hierarchy (an NSF
    directorate) are not among them. ``with_descendants`` gives the same figures over the funder and
    every funder below it (``descendants``: Crossref's sub-tree of the funder, ROR's children), each
    output once however many of them funded it; None when the graph knows no funder below it.
    """
    return _portfolio_metrics(store, "funder", funder_nodes(store, funder_id))


#: the DOIs of funders: Crossref Funder IDs (another DOI names a work; an organisation's other IRIs are asked)
_FUNDER_DOIS = ids.DOI_BASE + "10.13039/"


def funder_nodes(store: Store, funder_id: str) -> list[NamedNode]:
    """The nodes that name one funder: the one asked for first, then those ``funder_identities`` joins to it.

    :raises NotFoundError: the graph does not name the funder
    :raises IdentifierError: the identifier names a work, not a funder (a mistyped ID answered zeros)
    """
    node = resolve(store, funder_id)
    if node.value.startswith(ids.DOI_BASE) and not node.value.startswith(_FUNDER_DOIS):
        raise IdentifierError("funder", funder_id.strip(), "it names a work, not a funder: give a Crossref Funder "
                                                            "ID (10.13039/...) or a ROR ID")
    same = {r.value for (r,) in store.select(load_query("funder_identities").text, {"funder": node}).rows
            if isinstance(r, NamedNode)}
    return [node, *(NamedNode(iri) for iri in sorted(same - {node.value}))]


def publisher_metrics(store: Store, publisher: str) -> PortfolioMetrics:
    """The same figures as :func:`funder_metrics` over the works of a publisher.

    :param publisher: the publisher's IRI (``https://id.crossref.org/member/297``) or its name
        (compared case-blind; every publisher node with that name is counted)
    :raises NotFoundError: no publisher has that IRI or name
    """
    if publisher.startswith(("http://", "https://")):
        return _portfolio_metrics(store, "publisher", [resolve(store, publisher)])
    rows = store.select(load_query("metrics_publisher_by_name").text,
                        {"lname": Literal(publisher.strip().lower())}).rows
    nodes = [r[0] for r in rows if isinstance(r[0], NamedNode)]
    if not nodes:
        raise NotFoundError(publisher)
    return _portfolio_metrics(store, "publisher", nodes)


@dataclass(frozen=True)
class Award:
    """One award of a funder (grants named by the same number in several records are one), and its outputs."""

    #: the award number, or the grant's node when no record gives one
    number: str
    title: str | None
    outputs: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "title": self.title, "outputs": list(self.outputs)}


def award_numbers(text: str) -> list[str]:
    """The award numbers one award field holds, each once: a publisher may deposit several in one, joined by
    commas or semicolons ("0833612, 0833612, 0848962"; 4% of the corpus's award fields). Split only when
    every part looks like an award number (a digit, at most two spaces, no word in lower case:
    "CMMI-1934438", "BE 1042/7-1"), so that text with a comma ("Cluster of Excellence UniCat, EXC 314-2,
    grant STR") stays one award.

    >>> award_numbers("0833612, 0833612, 0848962"), award_numbers("R13-MH066849, and R01 DA016558")
    (['0833612', '0848962'], ['R13-MH066849', 'R01 DA016558'])
    >>> award_numbers("Cluster of Excellence UniCat, EXC 314-2")
    ['Cluster of Excellence UniCat, EXC 314-2']

    A part holding a word in lower case is text, not a number (DFG's "Priority program SPP1613, grant
    DA402/7-2" is one award):

    >>> award_numbers("Priority program SPP1613, grant DA402/7-2")
    ['Priority program SPP1613, grant DA402/7-2']
    """
    whole = text.strip()
    parts = [re.sub(r"^and\s+", "", p.strip()) for p in re.split(r"[,;]", whole)]
    if len(parts) < 2 or not all(_AWARD.fullmatch(p) and not _WORD.search(p) for p in parts):
        return [whole]
    return list(dict.fromkeys(parts))


def funder_awards(store: Store, funder_id: str) -> list[Award]:
    """Each award of a funder (over every node that names it) with the works it funded, most outputs first;
    an award field listing several numbers is each of them (:func:`award_numbers`).

    :raises NotFoundError: the graph does not name the funder
    """
    found: dict[str, tuple[set[str | None], set[str]]] = {}
    for grant, number, title, work in store.select(load_query("metrics_funder_awards").text,
                                                   {"funder": list(funder_nodes(store, funder_id))}).values():
        if grant is None or work is None:
            continue
        numbers = award_numbers(number) if number else [grant.strip()]
        for key in numbers:
            titles, works = found.setdefault(key, (set(), set()))
            titles.add(title if len(numbers) == 1 else None)  # a title names the grant, not each award listed
            works.add(work)
    awards = [Award(key, min((t for t in titles if t), default=None), tuple(sorted(works)))
              for key, (titles, works) in found.items()]
    return sorted(awards, key=lambda a: (-len(a.outputs), a.number))
