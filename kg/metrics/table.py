"""Every metric family as one long table: subject, metric, key, value (CSV for spreadsheets)."""

from __future__ import annotations

import csv
import io

from kg.metrics.facility import FacilityMetrics
from kg.metrics.item import ItemMetrics
from kg.metrics.portfolio import PortfolioMetrics

Metrics = ItemMetrics | PortfolioMetrics | FacilityMetrics

#: the columns of every metrics table
CSV_COLUMNS = ("subject", "metric", "key", "value")


def metric_rows(metrics: Metrics) -> list[tuple[str, str, str, object]]:
    """The metrics as (subject, metric, key, value) rows, in the order docs/metrics.md lists them."""
    rows: list[tuple[str, str, str, object]] = []
    if isinstance(metrics, ItemMetrics):
        s = metrics.item
        for scope, c in (("citations", metrics.citations), ("all_versions", metrics.all_versions)):
            rows.append((s, f"{scope}.total", "", c.total))
            for breakdown, table in (("by_year", c.by_year), ("by_kind", c.by_kind), ("by_relation", c.by_relation)):
                rows.extend((s, f"{scope}.{breakdown}", k, v) for k, v in table.items())
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
    writer.writerows(metric_rows(metrics))
    return out.getvalue()
