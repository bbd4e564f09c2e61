"""Reuse metrics: citations of an item (alone and rolled up over its versions), of a funder's or a
publisher's outputs, and of the structures measured at a facility or instrument.

Every figure comes from the catalogue queries ``queries/metrics_*.rq``; this package binds their
parameters and counts their rows. A citation is a distinct citing work (``cito:cites``), so a
work citing two versions of one piece of software counts once in the roll-up. Usage (views,
downloads) and the counts the sources report are kept apart, never added to kg's own counts.
See docs/metrics.md for what each figure counts and what it does not.

The modules: ``counting`` (citing works, roll-up scopes, counts shared by all), ``item``,
``portfolio`` (funders and publishers), ``facility`` and ``table`` (the CSV form); ``summarised``
the same figures read from the metrics summary kept beside an embedded store (:mod:`kg.store.summary`).

>>> from kg.store import Store
>>> item_metrics(Store.open(None), "10.1/nothing")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/nothing; load or harvest its record first
"""

from kg.metrics.building import build_metrics_summary
from kg.metrics.counting import EVIDENCE_EDGES, UNKNOWN, Citations, CitingWork, citing_works, version_scopes
from kg.metrics.facility import EntryFigures, FacilityMetrics, facility_metrics
from kg.metrics.item import (
                             CITING_PAGE,
                             REPORTED_METRICS,
                             CitedBy,
                             CitingPage,
                             ItemMetrics,
                             SourceCount,
                             UsageFigures,
                             cited_by,
                             item_metrics,
                             reported_counts,
                             source_counts,
                             usage,
)
from kg.metrics.portfolio import (
                             TOP,
                             Award,
                             OutputReuse,
                             PortfolioMetrics,
                             funder_awards,
                             funder_metrics,
                             publisher_metrics,
)
from kg.metrics.table import CSV_COLUMNS, Metrics, metric_rows, named_iris, to_csv
from kg.metrics.versions import VersionCounts, version_counts

__all__ = [
    "CITING_PAGE", "CSV_COLUMNS", "Award", "CitedBy", "CitingPage",
    "EVIDENCE_EDGES", "REPORTED_METRICS", "TOP", "UNKNOWN", "Citations",
    "CitingWork", "EntryFigures",
    "FacilityMetrics", "ItemMetrics", "Metrics", "OutputReuse", "PortfolioMetrics", "SourceCount", "UsageFigures",
    "VersionCounts",
    "build_metrics_summary", "cited_by", "citing_works", "facility_metrics", "funder_awards", "funder_metrics",
    "item_metrics", "metric_rows",
    "named_iris", "publisher_metrics", "reported_counts", "source_counts", "to_csv", "usage",
    "version_counts", "version_scopes",
]
