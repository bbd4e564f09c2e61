"""The years of the item page's chart of works citing a work (or any of its versions): each citing work's
year from its own record, as the item metrics count it; a citing work no record dates (one a link service
such as OpenCitations or ScholeXplorer names, its record not loaded), by what else the graph knows of it:
the year other works' references cite it with (``kg.cited_years``: "as cited") or the date OpenCitations
gives the citation (``cito:hasCitationCreationDate``, ``queries/citation_dates.rq``). The rest are counted
as "year not known", never drawn as a bar called "unknown".

>>> from kg.metrics import Citations, ItemMetrics
>>> reuse = ItemMetrics("a", ("a",), Citations(), Citations(3, {"2015": 2, "unknown": 1}))
>>> citing_years(None, reuse, dated={"c": ("2016", AS_CITED)})  # type: ignore[arg-type]
CitingYears(by_year={'2015': 2, '2016': 1}, dated={'2016': {'as cited': 1}}, unknown=0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg.graph import KnowledgeGraph
from kg.metrics import ItemMetrics
from kg.metrics.counting import UNKNOWN

#: how a year not from the citing work's own record was found, as the page words it
AS_CITED = "as cited"
CITATION_DATE = "OpenCitations' citation date"
#: the most citing works without a year of their own a page dates (more are counted as year not known)
DATED_AT_MOST = 500


@dataclass(frozen=True)
class CitingYears:
    """Citing works per year (their records' years and the years found otherwise, together); of them, per
    year, how many were dated otherwise and how; and how many have no year the graph knows."""

    by_year: dict[str, int]
    dated: dict[str, dict[str, int]] = field(default_factory=dict)
    unknown: int = 0

    def notes(self) -> dict[str, str]:
        """Per year, what its bar's tooltip adds: how many of its works were dated otherwise."""
        return {year: "; ".join(f"{n} dated {'' if how == AS_CITED else 'by '}{how}" for how, n in sorted(ways.items()))
                for year, ways in self.dated.items()}

    def ways(self) -> dict[str, int]:
        """How many citing works were dated each way, over all years."""
        found: Counter[str] = Counter()
        for ways in self.dated.values():
            found.update(ways)
        return dict(sorted(found.items()))


def undated_years(graph: KnowledgeGraph, reuse: ItemMetrics) -> dict[str, tuple[str, str]]:
    """The year (and how it was found) of each work citing ``reuse``'s item or its versions that its own
    record does not date, when the graph knows it otherwise; none when more than :data:`DATED_AT_MOST`."""
    unknown = reuse.all_versions.by_year.get(UNKNOWN, 0)
    if not unknown or unknown > DATED_AT_MOST:
        return {}
    # the citing works without a year are listed last (kg.metrics.CitingPage): the last page of them
    listed = graph.metrics.item(NamedNode(reuse.item), citing_limit=unknown,
                                citing_offset=max(0, reuse.all_versions.total - unknown))
    return other_years(graph, [c.iri for c in listed.all_versions.citing if c.year == UNKNOWN], reuse.versions)


def other_years(graph: KnowledgeGraph, citing: Sequence[str], cited: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The year (and how it was found) of each of the ``citing`` works (its own record giving none) that the
    graph knows otherwise: as other works' references cite it, else by OpenCitations' date of its citation
    of one of ``cited`` (a work and its versions). GraphQL's ``citationsOverTime`` dates them so too."""
    found = {iri: (str(s.year), AS_CITED) for iri, s in graph.summaries(list(citing)).items()
             if s.year and s.year_source.startswith("cited-as")}
    if rest := [NamedNode(i) for i in citing if i not in found]:
        for work, created in graph.query("citation_dates", citing=rest, cited=[NamedNode(v) for v in cited]).values():
            if work and created and created[:4].isdigit():
                found[work] = (created[:4], CITATION_DATE)
    return found


def citing_years(graph: KnowledgeGraph, reuse: ItemMetrics,
                 dated: Mapping[str, tuple[str, str]] | None = None) -> CitingYears:
    """The chart's years: ``reuse``'s citing works per year, those without a year of their own dated by
    :func:`undated_years` (or ``dated``, citing work -> (year, how)) where the graph knows one."""
    found = undated_years(graph, reuse) if dated is None else dated
    counts = Counter({y: n for y, n in reuse.all_versions.by_year.items() if y != UNKNOWN})
    ways: dict[str, Counter[str]] = {}
    for year, how in found.values():
        counts[year] += 1
        ways.setdefault(year, Counter())[how] += 1
    unknown = reuse.all_versions.by_year.get(UNKNOWN, 0) - len(found)
    return CitingYears(dict(sorted(counts.items())), {y: dict(w) for y, w in sorted(ways.items())}, unknown)
