"""Every metric family as one long table: subject, metric, key, value (CSV for spreadsheets)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from kg.metrics.facility import FacilityMetrics
from kg.metrics.item import ItemMetrics, SourceCount
from kg.metrics.portfolio import Award, PortfolioMetrics

Metrics = ItemMetrics | PortfolioMetrics | FacilityMetrics

#: the columns of every metrics table
CSV_COLUMNS = ("subject", "metric", "key", "value")


def _reported(s: str, counts: tuple[SourceCount, ...]) -> list[tuple[str, str, str, object]]:
    """Counts the sources reported, each keyed by what it counts, its source and its date (as of the source's own
    date for it, else its record's retrieval date)."""
    return [(s, f"source_reported_{c.metric}",
             " ".join(x for x in (c.work, c.source, (c.as_of or c.retrieved or "")[:10]) if x), c.count)
            for c in counts]


def named_iris(metrics: Metrics, awards: Sequence[Award] = ()) -> list[str]:
    """The IRIs the rows of ``metrics`` (and of a funder's ``awards``) name (subjects, outputs, entries,
    publications), each once, in row order."""
    if isinstance(metrics, ItemMetrics):
        found = [metrics.item, *metrics.versions]
    elif isinstance(metrics, PortfolioMetrics):
        rolled = metrics.with_descendants
        found = [*metrics.subjects, *(t.iri for t in metrics.top), *metrics.ancestors, *metrics.descendants,
                 *(t.iri for t in (rolled.top if rolled else ())), *(w for a in awards for w in a.outputs)]
    else:
        found = [*metrics.facilities, *(e.iri for e in metrics.entry_figures),
                 *(p for e in metrics.entry_figures for p in (*e.primary_publications, *e.raw_data))]
    return list(dict.fromkeys(found))


def metric_rows(metrics: Metrics, names: Mapping[str, str] | None = None, awards: Sequence[Award] = (),
                years: Mapping[str, int] | None = None) -> list[tuple[str, str, str, object]]:
    """The metrics as (subject, metric, key, value) rows, in the order docs/metrics.md lists them; with
    ``names`` (IRI -> title or name, e.g. the display names a page shows), first a ``name`` row for each IRI
    the rows name (:func:`named_iris`) that has one. A funder's ``awards`` (:func:`~kg.metrics.funder_awards`)
    add an ``award.title`` and ``award.output`` rows per award, keyed by its number; ``years`` (IRI -> year)
    a ``top.year`` row per most reused output that has one: what the funder's page shows."""
    rows: list[tuple[str, str, str, object]] = []
    subject = metrics.item if isinstance(metrics, ItemMetrics) else " ".join(
        metrics.subjects if isinstance(metrics, PortfolioMetrics) else metrics.facilities)
    rows.extend((subject, "name", iri, names[iri]) for iri in named_iris(metrics, awards) if names and names.get(iri))
    if isinstance(metrics, ItemMetrics):
        s = metrics.item
        for scope, c in (("citations", metrics.citations), ("all_versions", metrics.all_versions)):
            rows.append((s, f"{scope}.total", "", c.total))
            for breakdown, table in (("by_year", c.by_year), ("by_kind", c.by_kind), ("by_relation", c.by_relation)):
                rows.extend((s, f"{scope}.{breakdown}", k, v) for k, v in table.items())
        rows.extend((s, "versions", v, "") for v in metrics.versions)
        if (counted := metrics.version_counts) is not None:
            rows.append((s, "versions.in_graph", "", counted.in_graph))
            rows.extend([(s, "versions.numbered", "", counted.numbered)] if counted.numbered is not None else [])
        for u in metrics.usage:
            for name in ("views", "downloads", "unique_views", "unique_downloads", "version_views",
                         "version_downloads"):
                value = getattr(u, name)
                if value is not None:
                    rows.append((s, f"usage.{name}", f"{u.work} {u.source} {u.observed_at}", value))
        rows.extend(_reported(s, metrics.source_counts))
        rows.extend(_reported(s, metrics.source_reference_counts))
        rows.extend(_reported(s, metrics.source_version_counts))
    elif isinstance(metrics, PortfolioMetrics):
        s = " ".join(metrics.subjects)
        rows.extend(_portfolio_rows(s, metrics, "", years))
        rows.extend((s, "ancestor", a, "") for a in metrics.ancestors)
        if metrics.with_descendants is not None:
            rows.extend((s, "descendant", d, "") for d in metrics.descendants)
            rows.extend(_portfolio_rows(s, metrics.with_descendants, "with_descendants.", years))
        for a in awards:
            rows.append((s, "award.title", a.number, a.title or ""))
            rows.extend((s, "award.output", a.number, w) for w in a.outputs)
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
        for e in metrics.entry_figures:
            rows.extend([(s, "entry.deposited", e.iri, (e.deposited or "")[:10])] if e.deposited else [])
            rows.extend((s, "entry.primary_publication", e.iri, p) for p in e.primary_publications)
            rows.extend((s, "entry.raw_data", e.iri, r) for r in e.raw_data)
    return rows


def _portfolio_rows(s: str, metrics: PortfolioMetrics, prefix: str, years: Mapping[str, int] | None
                    ) -> list[tuple[str, str, str, object]]:
    """A funder's or publisher's figures as rows, each metric's name after ``prefix`` (``with_descendants.``:
    the figures with the funders below it rolled up)."""
    rows: list[tuple[str, str, str, object]] = [(s, "outputs", "", metrics.outputs)]
    rows.extend((s, "outputs.by_kind", k, v) for k, v in metrics.outputs_by_kind.items())
    rows.append((s, "reused", "", metrics.reused))
    rows.extend((s, "reused.by_kind", k, v) for k, v in metrics.reused_by_kind.items())
    rows.append((s, "citing_works", "", metrics.citing_works))
    rows.extend((s, "citing_works.by_year", k, v) for k, v in metrics.citations_by_year.items())
    rows.extend((s, "top.all_versions", t.iri, t.all_versions) for t in metrics.top)
    rows.extend((s, "top.citations", t.iri, t.citations) for t in metrics.top)
    rows.extend((s, "top.kind", t.iri, t.kind) for t in metrics.top)
    rows.extend((s, "top.year", t.iri, years[t.iri]) for t in metrics.top if years and t.iri in years)
    rows.extend(_reported(s, metrics.source_counts))
    return [(subject, prefix + metric, key, value) for subject, metric, key, value in rows]


def to_csv(metrics: Metrics, names: Mapping[str, str] | None = None, awards: Sequence[Award] = (),
           years: Mapping[str, int] | None = None) -> str:
    """The metrics as one CSV table with the columns subject, metric, key, value (see docs/metrics.md);
    with ``names``, the titles of what it names first; with a funder's ``awards``, each award and its
    outputs; with ``years``, the years of the most reused outputs (:func:`metric_rows`).

    >>> print(to_csv(PortfolioMetrics("funder", ("https://doi.org/10.13039/1",))), end="")
    subject,metric,key,value
    https://doi.org/10.13039/1,outputs,,0
    https://doi.org/10.13039/1,reused,,0
    https://doi.org/10.13039/1,citing_works,,0
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(metric_rows(metrics, names, awards, years))
    return out.getvalue()
