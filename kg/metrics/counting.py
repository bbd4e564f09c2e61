"""What every metric family shares: citing works, their years and classes, counts per key, and the
nodes a metric rolls up over (an item, its concept and every version of it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg.metrics.summarised import citation_rows, summary_of, version_pairs
from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.vocab import CITO, SCHEMA, curie, evidence_edges, relations
from kg.works import WORK_CLASSES

CITES = CITO.cites
#: the evidence edges counted beside the catalogue's typed relations
EVIDENCE_EDGES = tuple(NamedNode(iri) for iri in evidence_edges())
#: the year bucket of citing works without a publication date
UNKNOWN = "unknown"


#: the kinds metrics count works by, most specific first (docs/metrics.md, "Kinds of works"): the work
#: classes, with books and chapters (``Book``) and reports and theses (``Report``) told apart from the other
#: ``CreativeWork`` (their sources type them so beside it: Crossref ``monograph``, ``book-chapter``,
#: ``report``, ``dissertation``; DataCite ``Book``, ``BookChapter``, ``Report``, ``Dissertation``), before
#: articles: a source says book or report only of what is one, where DataCite's ``Text`` is any text
KINDS = ("StructureEntry", "SoftwareSourceCode", "Dataset", "Book", "Report", "ScholarlyArticle", "CreativeWork")
#: the classes written beside schema:CreativeWork that make a work a book or a report, and its kind
SPECIFIC_KINDS = {SCHEMA.Book.value: "Book", SCHEMA.Chapter.value: "Book", SCHEMA.Report.value: "Report",
                  SCHEMA.Thesis.value: "Report"}
_CLASS_KINDS = {c.value: c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in WORK_CLASSES}
_CREATIVE = SCHEMA.CreativeWork.value


def most_specific_kind(classes: Iterable[str]) -> str:
    """The most specific kind (:data:`KINDS`) the classes ``classes`` give (``unknown`` if none).

    >>> most_specific_kind(["http://schema.org/CreativeWork", "http://schema.org/Thesis"])
    'Report'
    """
    present = {k for c in classes if (k := _CLASS_KINDS.get(c) or SPECIFIC_KINDS.get(c)) is not None}
    return next((k for k in KINDS if k in present), UNKNOWN)


def specific_classes(store: Store, works: Iterable[str]) -> dict[str, set[str]]:
    """The classes among :data:`SPECIFIC_KINDS` that the graph gives ``works`` (those with any)."""
    wanted = sorted(set(works))
    found: dict[str, set[str]] = {}
    rows = select_chunked(store, load_query("metrics_specific_classes").text,
                          {"work": [NamedNode(w) for w in wanted]}).values() if wanted else []
    for work, cls in rows:
        if work is not None and cls is not None:
            found.setdefault(work, set()).add(cls)
    return found


def work_kinds(store: Store, classes: dict[str, set[str]]) -> dict[str, str]:
    """Each work's kind (:func:`most_specific_kind`) from its work classes, the articles and other works
    typed schema:CreativeWork alone asked for the classes that make them books or reports
    (:func:`specific_classes`: the metrics summary keeps the five work classes only). Every loader writes
    those classes beside schema:CreativeWork, so a work without it is none: most citing works are articles
    only, and cost no query."""
    kinds = {w: most_specific_kind(cs) for w, cs in classes.items()}
    other = [w for w, k in kinds.items() if k in ("ScholarlyArticle", "CreativeWork") and _CREATIVE in classes[w]]
    for work, specific in specific_classes(store, other).items() if other else ():
        kinds[work] = most_specific_kind(classes[work] | specific)
    return kinds


def count_values(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, keys sorted (the unknown bucket last)."""
    found: dict[str, int] = {}
    for v in values:
        found[v] = found.get(v, 0) + 1
    return {k: found[k] for k in sorted(found, key=lambda k: (k == UNKNOWN, k))}


def term_text(term: Term | None) -> str | None:
    """The lexical value of a term (None stays None)."""
    return None if term is None else str(getattr(term, "value", term))


def term_int(term: Term | None) -> int | None:
    """The term as an integer, or None if it is missing or not one."""
    text = term_text(term)
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


@dataclass(frozen=True)
class CitingWork:
    """A work citing something: its IRI, the year it was published (earliest any source gives) and
    its most specific work class."""

    iri: str
    year: str = UNKNOWN
    kind: str = UNKNOWN

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "year": self.year, "kind": self.kind}


@dataclass(frozen=True)
class Citations:
    """Citations of a set of nodes: distinct citing works, in total, per year and per class, and
    the works pointing at them per relation (typed relation or evidence edge)."""

    total: int = 0
    by_year: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    #: relation CURIE (``kg:isSupplementedBy``, ``cito:cites``) -> distinct works pointing with it
    by_relation: dict[str, int] = field(default_factory=dict)
    citing: tuple[CitingWork, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"total": self.total, "by_year": self.by_year, "by_kind": self.by_kind,
                "by_relation": self.by_relation, "citing": [c.as_dict() for c in self.citing]}


# -- the building blocks, one catalogue query each ----------------------------------------------


def version_scopes(store: Store, items: Sequence[NamedNode]) -> dict[str, tuple[str, ...]]:
    """For each item, the nodes its metrics roll up over (itself, its concept, every version), sorted."""
    if not items:
        return {}
    found: dict[str, set[str]] = {i.value: {i.value} for i in items}
    summary = summary_of(store)
    pairs = (version_pairs(summary, list(found)) if summary is not None else
             select_chunked(store, load_query("metrics_version_scope").text, {"item": list(items)}).values())
    for item, node in pairs:
        if item is not None and node is not None:
            found[item].add(node)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def citing_works(store: Store, cited: Sequence[str]) -> dict[str, dict[str, CitingWork]]:
    """For each cited node, its citing works by IRI (each with year and class)."""
    if not cited:
        return {}
    years: dict[str, set[str]] = {}
    classes: dict[str, set[str]] = {}
    pairs: set[tuple[str, str]] = set()
    summary = summary_of(store)
    rows = (citation_rows(summary, cited) if summary is not None else
            select_chunked(store, load_query("metrics_citations").text,
                           {"cited": [NamedNode(c) for c in cited]}).values())
    for target, citing, when, cls in rows:
        if target is None or citing is None:
            continue
        pairs.add((target, citing))
        if when is not None and when[:4].isdigit():
            years.setdefault(citing, set()).add(when[:4])
        if cls is not None:
            classes.setdefault(citing, set()).add(cls)
    kinds = work_kinds(store, {c: classes.get(c, set()) for _, c in pairs})
    works = {c: CitingWork(c, min(years.get(c, {UNKNOWN})), kinds[c]) for _, c in pairs}
    result: dict[str, dict[str, CitingWork]] = {c: {} for c in cited}
    for target, citing in pairs:
        result[target][citing] = works[citing]
    return result


#: a work pointing at a target: (relation CURIE, work, target)
Incoming = tuple[str, str, str]


def incoming(store: Store, targets: Sequence[str]) -> set[Incoming]:
    """The works pointing at ``targets``, per relation (typed relation or evidence edge): from the metrics
    summary when the store keeps one complete (it keeps every such link: no store query, and none that
    grows with the targets' citations), else asked of the store (a query per
    :data:`~kg.store.limits.VALUES_CHUNK` targets)."""
    if not targets:
        return set()
    summary = summary_of(store)
    if summary is not None:
        links = summary.linking(targets)
        names = {relation: curie(relation) for relation in {r for r, _, _ in links}}
        return {(names[relation], work, target) for relation, work, target in links}
    props = {getattr(p, "value", str(p)) for p in (*(r.iri for r in relations()), *EVIDENCE_EDGES)}
    # only ?target bound, the relations kept here: with ?relation bound too, Oxigraph read each
    # relation's every statement once several targets were bound (3.1 s for 238 versions at 50M, 31 ms so)
    rows = select_chunked(store, load_query("metrics_incoming_relations").text,
                          {"target": [NamedNode(t) for t in targets]}).values()
    return {(curie(relation), work, target) for relation, work, target in rows
            if relation is not None and relation in props and work is not None and target is not None}


def relation_counts(store: Store, targets: Sequence[str], inside: Iterable[str],
                    rows: set[Incoming] | None = None) -> dict[str, int]:
    """Distinct works pointing at ``targets``, per relation; works in ``inside`` (the versions
    rolled up: links between versions are no reuse) are left out. ``rows``: :func:`incoming` of targets
    including these (else asked now)."""
    inside = set(inside)
    wanted = set(targets)
    works: dict[str, set[str]] = {}
    for relation, work, target in incoming(store, targets) if rows is None else rows:
        if target in wanted and work not in inside:
            works.setdefault(relation, set()).add(work)
    return {k: len(works[k]) for k in sorted(works)}


def summarise_citations(store: Store, nodes: Sequence[str], cited: dict[str, dict[str, CitingWork]],
                        scope: Sequence[str], rows: set[Incoming] | None = None) -> Citations:
    """The citations of ``nodes`` together, from ``cited`` (:func:`citing_works` of them), and
    the works pointing at them per relation, leaving out the versions in ``scope`` (from ``rows``,
    :func:`incoming` of them, when given)."""
    citing = {iri: w for n in nodes for iri, w in cited.get(n, {}).items()}
    ordered = tuple(citing[k] for k in sorted(citing))
    return Citations(len(ordered), count_values(w.year for w in ordered), count_values(w.kind for w in ordered),
                     relation_counts(store, nodes, scope, rows), ordered)
