"""Reuse metrics: citations of an item (alone and rolled up over its versions), of a funder's or a
publisher's outputs, and of the structures measured at a facility or instrument.

Every figure comes from the catalogue queries ``queries/metrics_*.rq``; this module binds their
parameters and counts their rows. A citation is a distinct citing work (``cito:cites``), so a
work citing two versions of one piece of software counts once in the roll-up. Usage (views,
downloads) and the counts the sources report are kept apart, never added to kg's own counts.
See docs/metrics.md for what each figure counts and what it does not.

>>> from kg.store import Store
>>> item_metrics(Store.open(None), "10.1/nothing")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/nothing; load or harvest its record first
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal as Lit

from pyoxigraph import Literal, NamedNode

from kg.errors import NotFoundError
from kg.queries import load_query
from kg.store import Store, Term
from kg.vocab import CITO, KG, PREFIXES, relations
from kg.works import WORK_CLASSES, resolve

#: the evidence edges counted beside the catalogue's typed relations
EVIDENCE_EDGES = (CITO.cites, KG.reliesOn, KG.reliesOnData, KG.reliesOnSoftware, KG.reliesOnMethod)
#: the year bucket of citing works without a publication date
UNKNOWN = "unknown"
#: how many outputs ``top`` lists
TOP = 10


def _kind(classes: Iterable[str]) -> str:
    present = set(classes)
    return next((c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in WORK_CLASSES if c.value in present), UNKNOWN)


def _curie(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def _counts(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, keys sorted (the unknown bucket last)."""
    found: dict[str, int] = {}
    for v in values:
        found[v] = found.get(v, 0) + 1
    return {k: found[k] for k in sorted(found, key=lambda k: (k == UNKNOWN, k))}


def _text(term: Term | None) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def _int(term: Term | None) -> int | None:
    text = _text(term)
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


# -- the typed records ---------------------------------------------------------------------


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


@dataclass(frozen=True)
class UsageFigures:
    """The latest usage observation one source reported for one work."""

    work: str
    source: str
    graph: str
    observed_at: str
    #: all versions together (Zenodo's concept figures)
    views: int | None = None
    downloads: int | None = None
    unique_views: int | None = None
    unique_downloads: int | None = None
    #: this version only
    version_views: int | None = None
    version_downloads: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"work": self.work, "source": self.source, "graph": self.graph, "observed_at": self.observed_at,
                "views": self.views, "downloads": self.downloads, "unique_views": self.unique_views,
                "unique_downloads": self.unique_downloads, "version_views": self.version_views,
                "version_downloads": self.version_downloads}


@dataclass(frozen=True)
class SourceCount:
    """A citation count as a source reported it (not computed by kg)."""

    work: str
    source: str
    graph: str
    count: int

    def as_dict(self) -> dict[str, object]:
        return {"work": self.work, "source": self.source, "graph": self.graph, "count": self.count}


@dataclass(frozen=True)
class ItemMetrics:
    """Reuse of one item: its own citations, the citations of all versions of its concept, its
    usage and the counts its sources reported."""

    item: str
    #: the nodes rolled up: the item, its concept and every version of it (just the item if none)
    versions: tuple[str, ...]
    citations: Citations
    all_versions: Citations
    #: views and downloads, latest per work and source; never citations
    usage: tuple[UsageFigures, ...] = ()
    #: citation counts as the sources reported them, for the item and each node rolled up
    source_counts: tuple[SourceCount, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"item": self.item, "versions": list(self.versions), "citations": self.citations.as_dict(),
                "all_versions": self.all_versions.as_dict(), "usage": [u.as_dict() for u in self.usage],
                "source_counts": [s.as_dict() for s in self.source_counts]}


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

    def as_dict(self) -> dict[str, object]:
        return {"of": self.of, "subjects": list(self.subjects), "outputs": self.outputs,
                "outputs_by_kind": self.outputs_by_kind, "reused": self.reused,
                "reused_by_kind": self.reused_by_kind, "citing_works": self.citing_works,
                "citations_by_year": self.citations_by_year, "top": [t.as_dict() for t in self.top]}


@dataclass(frozen=True)
class EntryFigures:
    """One structure entry measured at a facility."""

    iri: str
    deposited: str | None
    primary_publications: tuple[str, ...]
    raw_data: tuple[str, ...]
    #: days from deposition to the earliest primary publication with a full date
    days_to_publication: int | None

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "deposited": self.deposited, "primary_publications": list(self.primary_publications),
                "raw_data": list(self.raw_data), "days_to_publication": self.days_to_publication}


@dataclass(frozen=True)
class FacilityMetrics:
    """The PaNOSC "publications per instrument" figures of a facility, beamline or instrument."""

    facilities: tuple[str, ...]
    entries: int = 0
    primary_publications: int = 0
    #: distinct works citing the primary publications, in total and per year
    citing_works: int = 0
    citations_by_year: dict[str, int] = field(default_factory=dict)
    entries_with_raw_data: int = 0
    #: entries_with_raw_data / entries (0.0 without entries)
    raw_data_share: float = 0.0
    median_days_to_publication: float | None = None
    entry_figures: tuple[EntryFigures, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"facilities": list(self.facilities), "entries": self.entries,
                "primary_publications": self.primary_publications, "citing_works": self.citing_works,
                "citations_by_year": self.citations_by_year, "entries_with_raw_data": self.entries_with_raw_data,
                "raw_data_share": self.raw_data_share,
                "median_days_to_publication": self.median_days_to_publication,
                "entry_figures": [e.as_dict() for e in self.entry_figures]}


Metrics = ItemMetrics | PortfolioMetrics | FacilityMetrics


# -- the building blocks, one catalogue query each ----------------------------------------------


def version_scopes(store: Store, items: Sequence[NamedNode]) -> dict[str, tuple[str, ...]]:
    """For each item, the nodes its metrics roll up over (itself, its concept, every version), sorted."""
    if not items:
        return {}
    found: dict[str, set[str]] = {i.value: {i.value} for i in items}
    for item, node in store.select(load_query("metrics_version_scope").text, {"item": list(items)}).values():
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
    rows = store.select(load_query("metrics_citations").text, {"cited": [NamedNode(c) for c in cited]}).values()
    for target, citing, when, cls in rows:
        if target is None or citing is None:
            continue
        pairs.add((target, citing))
        if when is not None and when[:4].isdigit():
            years.setdefault(citing, set()).add(when[:4])
        if cls is not None:
            classes.setdefault(citing, set()).add(cls)
    works = {c: CitingWork(c, min(years.get(c, {UNKNOWN})), _kind(classes.get(c, ()))) for _, c in pairs}
    result: dict[str, dict[str, CitingWork]] = {c: {} for c in cited}
    for target, citing in pairs:
        result[target][citing] = works[citing]
    return result


def _relation_counts(store: Store, targets: Sequence[str], inside: Iterable[str]) -> dict[str, int]:
    """Distinct works pointing at ``targets``, per relation; works in ``inside`` (the versions
    rolled up: links between versions are no reuse) are left out."""
    props = [*(r.iri for r in relations()), *EVIDENCE_EDGES]
    inside = set(inside)
    works: dict[str, set[str]] = {}
    rows = store.select(load_query("metrics_incoming_relations").text,
                        {"relation": props, "target": [NamedNode(t) for t in targets]}).values()
    for relation, work, _ in rows:
        if relation is not None and work is not None and work not in inside:
            works.setdefault(_curie(relation), set()).add(work)
    return {k: len(works[k]) for k in sorted(works)}


def _citations(store: Store, nodes: Sequence[str], cited: dict[str, dict[str, CitingWork]],
               scope: Sequence[str]) -> Citations:
    citing = {iri: w for n in nodes for iri, w in cited.get(n, {}).items()}
    ordered = tuple(citing[k] for k in sorted(citing))
    return Citations(len(ordered), _counts(w.year for w in ordered), _counts(w.kind for w in ordered),
                     _relation_counts(store, nodes, scope), ordered)


def usage(store: Store, works: Sequence[str]) -> tuple[UsageFigures, ...]:
    """The latest usage observation of each work from each source."""
    if not works:
        return ()
    latest: dict[tuple[str, str], UsageFigures] = {}
    for row in store.select(load_query("metrics_usage").text, {"work": [NamedNode(w) for w in works]}).rows:
        work, source, graph, observed = (_text(t) for t in row[:4])
        if work is None or source is None or graph is None or observed is None:
            continue
        figures = UsageFigures(work, source, graph, observed, *(_int(t) for t in row[4:]))
        kept = latest.get((work, source))
        if kept is None or (kept.observed_at, kept.graph) < (observed, graph):
            latest[(work, source)] = figures
    return tuple(latest[k] for k in sorted(latest))


def source_counts(store: Store, works: Sequence[str]) -> tuple[SourceCount, ...]:
    """The citation counts the sources reported for each work, one per record graph."""
    if not works:
        return ()
    found = []
    for work, source, graph, count in store.select(load_query("metrics_source_counts").text,
                                                   {"work": [NamedNode(w) for w in works]}).values():
        if work is not None and source is not None and graph is not None and count is not None:
            found.append(SourceCount(work, source, graph, int(count)))
    return tuple(sorted(found, key=lambda s: (s.work, s.source, s.graph)))


# -- the four metric families ------------------------------------------------------------------


def item_metrics(store: Store, identifier: str) -> ItemMetrics:
    """Citations of one item, alone and rolled up over all versions of its concept, beside its
    usage and the counts its sources reported.

    :param identifier: any form :func:`kg.works.resolve` accepts (DOI, PDB ID, IRI, ...)
    :raises NotFoundError: nothing in the graph is named so
    :raises IdentifierError: the identifier is malformed

    >>> from kg.store import Store
    >>> item_metrics(Store.open(None), "not an id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.IdentifierError: not a valid identifier: 'not an id' (...)
    """
    node = resolve(store, identifier)
    scope = version_scopes(store, [node])[node.value]
    cited = citing_works(store, scope)
    return ItemMetrics(
        item=node.value, versions=scope,
        citations=_citations(store, [node.value], cited, scope),
        all_versions=_citations(store, scope, cited, scope),
        usage=usage(store, scope), source_counts=source_counts(store, scope))


def _portfolio(store: Store, of: Lit["funder", "publisher"], subjects: Sequence[NamedNode]) -> PortfolioMetrics:
    classes: dict[str, set[str]] = {}
    query = load_query(f"metrics_{of}_outputs").text
    for subject in subjects:
        for work, cls in store.select(query, {of: subject}).values():
            if work is not None:
                classes.setdefault(work, set()).update([cls] if cls is not None else [])
    names = tuple(s.value for s in subjects)
    if not classes:
        return PortfolioMetrics(of, names)
    outputs = sorted(classes)
    kinds = {w: _kind(classes[w]) for w in outputs}
    scopes = version_scopes(store, [NamedNode(w) for w in outputs])
    cited = citing_works(store, sorted({n for s in scopes.values() for n in s}))
    reuse = [OutputReuse(w, kinds[w], len(cited.get(w, {})),
                         len({c for n in scopes[w] for c in cited.get(n, {})})) for w in outputs]
    reused = [r for r in reuse if r.all_versions]
    citing = {c: cw for w in outputs for n in scopes[w] for c, cw in cited.get(n, {}).items()}
    return PortfolioMetrics(
        of, names, len(outputs), _counts(kinds.values()), len(reused), _counts(r.kind for r in reused),
        len(citing), _counts(w.year for w in citing.values()),
        tuple(sorted(reused, key=lambda r: (-r.all_versions, r.iri))[:TOP]))


def funder_metrics(store: Store, funder_id: str) -> PortfolioMetrics:
    """Outputs of a funder by class, how many were reused, their citations per year, the most cited.

    :param funder_id: a Crossref Funder ID (``10.13039/100000001``, ``funder:100000001``, its DOI
        URL) or a ROR ID, in any form :mod:`kg.ids` accepts
    :raises NotFoundError: the graph does not name the funder
    :raises IdentifierError: the identifier is malformed

    A funder the graph names but with no outputs gets zeros.
    """
    return _portfolio(store, "funder", [resolve(store, funder_id)])


def publisher_metrics(store: Store, publisher: str) -> PortfolioMetrics:
    """The same figures as :func:`funder_metrics` over the works of a publisher.

    :param publisher: the publisher's IRI (``https://id.crossref.org/member/297``) or its name
        (compared case-blind; every publisher node with that name is counted)
    :raises NotFoundError: no publisher has that IRI or name
    """
    if publisher.startswith(("http://", "https://")):
        return _portfolio(store, "publisher", [resolve(store, publisher)])
    rows = store.select(load_query("metrics_publisher_by_name").text,
                        {"lname": Literal(publisher.strip().lower())}).rows
    nodes = [r[0] for r in rows if isinstance(r[0], NamedNode)]
    if not nodes:
        raise NotFoundError(publisher)
    return _portfolio(store, "publisher", nodes)


def _facilities(store: Store, facility_id: str) -> list[NamedNode]:
    text = facility_id.strip()
    if text.startswith(("http://", "https://")):
        return [resolve(store, text)]
    slug = text.lower()
    rows = store.select(load_query("metrics_facility_lookup").text, {
        "lname": Literal(slug), "suffix": [Literal(f"/facility/{slug}"), Literal(f"/instrument/{slug}")]}).rows
    nodes = sorted({r[0].value for r in rows if isinstance(r[0], NamedNode)})
    if not nodes:
        raise NotFoundError(facility_id)
    return [NamedNode(n) for n in nodes]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text is not None and len(text) >= 10 else None
    except ValueError:
        return None


def facility_metrics(store: Store, facility_id: str) -> FacilityMetrics:
    """Entries measured at a facility, beamline or instrument; their primary publications and the
    citations of those; the share of entries with raw data linked; days from deposition to publication.

    :param facility_id: a kg:Facility or kg:Instrument IRI, its name ("Example Light Source") or the
        slug of its IRI ("example-light-source", "example-light-source/bl-1")
    :raises NotFoundError: no facility or instrument is named so
    """
    facilities = _facilities(store, facility_id)
    deposited: dict[str, set[str]] = {}
    articles: dict[str, set[str]] = {}
    published: dict[str, set[str]] = {}
    raw: dict[str, set[str]] = {}
    rows = store.select(load_query("metrics_facility_entries").text, {"facility": facilities}).values()
    for entry, dep, article, pub, data in rows:
        if entry is None:
            continue
        for table, key, value in ((deposited, entry, dep), (articles, entry, article), (raw, entry, data),
                                  (published, article, pub)):
            if key is not None:
                table.setdefault(key, set()).update([value] if value is not None else [])
    figures = []
    for entry in sorted(deposited):
        dep = min(deposited[entry], default=None)
        start = _day(dep)
        pubs = sorted(articles.get(entry, ()))
        days = sorted(d for a in pubs for d in (_day(p) for p in published.get(a, ())) if d is not None)
        figures.append(EntryFigures(entry, dep, tuple(pubs), tuple(sorted(raw.get(entry, ()))),
                                    (days[0] - start).days if start and days else None))
    names = tuple(f.value for f in facilities)
    if not figures:
        return FacilityMetrics(names)
    pubs = sorted({a for f in figures for a in f.primary_publications})
    cited = citing_works(store, pubs)
    citing = {c: w for a in pubs for c, w in cited.get(a, {}).items()}
    with_raw = sum(1 for f in figures if f.raw_data)
    spans = [f.days_to_publication for f in figures if f.days_to_publication is not None]
    return FacilityMetrics(
        names, len(figures), len(pubs), len(citing), _counts(w.year for w in citing.values()),
        with_raw, with_raw / len(figures), statistics.median(spans) if spans else None, tuple(figures))


# -- CSV -------------------------------------------------------------------------------------------

#: the columns of every metrics table
CSV_COLUMNS = ("subject", "metric", "key", "value")


def _rows(metrics: Metrics) -> list[tuple[str, str, str, object]]:
    rows: list[tuple[str, str, str, object]] = []
    if isinstance(metrics, ItemMetrics):
        s = metrics.item
        for scope, c in (("citations", metrics.citations), ("all_versions", metrics.all_versions)):
            rows.append((s, f"{scope}.total", "", c.total))
            for part, table in (("by_year", c.by_year), ("by_kind", c.by_kind), ("by_relation", c.by_relation)):
                rows.extend((s, f"{scope}.{part}", k, v) for k, v in table.items())
        rows.extend((s, "versions", v, "") for v in metrics.versions)
        for u in metrics.usage:
            for name in ("views", "downloads", "unique_views", "unique_downloads", "version_views",
                         "version_downloads"):
                value = getattr(u, name)
                if value is not None:
                    rows.append((s, f"usage.{name}", f"{u.work} {u.source} {u.observed_at}", value))
        rows.extend((s, "source_reported_citations", f"{c.work} {c.source}", c.count) for c in metrics.source_counts)
    elif isinstance(metrics, PortfolioMetrics):
        s = " ".join(metrics.subjects)
        rows.append((s, "outputs", "", metrics.outputs))
        rows.extend((s, "outputs.by_kind", k, v) for k, v in metrics.outputs_by_kind.items())
        rows.append((s, "reused", "", metrics.reused))
        rows.extend((s, "reused.by_kind", k, v) for k, v in metrics.reused_by_kind.items())
        rows.append((s, "citing_works", "", metrics.citing_works))
        rows.extend((s, "citing_works.by_year", k, v) for k, v in metrics.citations_by_year.items())
        rows.extend((s, "top.all_versions", t.iri, t.all_versions) for t in metrics.top)
    else:
        s = " ".join(metrics.facilities)
        rows.extend([(s, "entries", "", metrics.entries), (s, "primary_publications", "", metrics.primary_publications),
                     (s, "citing_works", "", metrics.citing_works)])
        rows.extend((s, "citing_works.by_year", k, v) for k, v in metrics.citations_by_year.items())
        rows.extend([(s, "entries_with_raw_data", "", metrics.entries_with_raw_data),
                     (s, "raw_data_share", "", metrics.raw_data_share),
                     (s, "median_days_to_publication", "",
                      "" if metrics.median_days_to_publication is None else metrics.median_days_to_publication)])
        rows.extend((s, "days_to_publication", e.iri, e.days_to_publication) for e in metrics.entry_figures
                    if e.days_to_publication is not None)
    return rows


def to_csv(metrics: Metrics) -> str:
    """The metrics as one CSV table with the columns subject, metric, key, value (see docs/metrics.md).

    >>> print(to_csv(PortfolioMetrics("funder", ("https://doi.org/10.13039/1",))), end="")
    subject,metric,key,value
    https://doi.org/10.13039/1,outputs,,0
    https://doi.org/10.13039/1,reused,,0
    https://doi.org/10.13039/1,citing_works,,0
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_rows(metrics))
    return out.getvalue()
