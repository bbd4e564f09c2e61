"""The PaNOSC "publications per instrument" figures: entries measured at a facility, beamline or
instrument, their primary publications and the citations of those, the share of entries with raw
data linked, and days from deposition to publication."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import NotFoundError
from kg.metrics.counting import citing_works, count_values
from kg.queries import load_query
from kg.store import Store
from kg.works import resolve


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


def _facility_nodes(store: Store, facility_id: str) -> list[NamedNode]:
    """The facility or instrument nodes named by an IRI, a name or the slug of an IRI."""
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


def _full_date(text: str | None) -> date | None:
    """The date of an ISO ``YYYY-MM-DD...`` value; None for a year or month alone, or no date."""
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
    facilities = _facility_nodes(store, facility_id)
    deposited: dict[str, set[str]] = {}
    articles: dict[str, set[str]] = {}
    published: dict[str, set[str]] = {}
    raw: dict[str, set[str]] = {}
    rows = store.select(load_query("metrics_facility_entries").text, {"facility": facilities}).values()
    for entry, dep, article, pub, data in rows:
        if entry is None:
            continue
        data = None if data is not None and data.startswith(ids.EMDB_BASE) else data  # a map: not raw data
        for table, key, value in ((deposited, entry, dep), (articles, entry, article), (raw, entry, data),
                                  (published, article, pub)):
            if key is not None:
                table.setdefault(key, set()).update([value] if value is not None else [])
    figures = []
    for entry in sorted(deposited):
        dep = min(deposited[entry], default=None)
        start = _full_date(dep)
        pubs = sorted(articles.get(entry, ()))
        days = sorted(d for a in pubs for d in (_full_date(p) for p in published.get(a, ())) if d is not None)
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
        names, len(figures), len(pubs), len(citing), count_values(w.year for w in citing.values()),
        with_raw, with_raw / len(figures), statistics.median(spans) if spans else None, tuple(figures))
