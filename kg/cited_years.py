"""The year a work without a record of its own is cited with: of the references in its cited-as sample
(the references :func:`kg.works.summaries` names it from), the year they give most often
(``kg:citedYear``: a Crossref reference's ``year``, a DataCite related item's ``publicationYear``), ties
the earliest, with the first work (by IRI) citing it with that year, so that pages mark it as cited.

>>> from kg.store import Store
>>> cited_years(Store.open(None), {"https://doi.org/10.1/x": []}, {})
{}
"""

from __future__ import annotations

from collections import Counter

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.store.summary_cited import Wording
from kg.vocab import KG


def cited_years(store: Store, refs: dict[str, list[str]], wordings: dict[str, list[tuple[str, Wording]]]
                ) -> dict[str, tuple[int, str]]:
    """(year, first citing work) for each work of ``refs`` (work -> its sampled references) whose
    references give a year; ``wordings`` gives each reference's citing works (``cited_years.rq``)."""
    summary = store.complete_summary()
    found_years: list[tuple[str | None, ...]]
    if summary is not None:  # the sample's years are kept there: no store query
        found_years = list(summary.objects(KG.citedYear.value, (r for sampled in refs.values() for r in sampled)))
    else:
        bound: list[Term] = [NamedNode(r) for sampled in refs.values() for r in sampled]
        found_years = select_chunked(store, load_query("cited_years").text, {"ref": bound}).values() if bound else []
    year_of: dict[str, set[int]] = {}
    for ref, year in found_years:
        if ref is not None and year is not None and year[:4].isdigit():
            year_of.setdefault(ref, set()).add(int(year[:4]))
    found: dict[str, tuple[int, str]] = {}
    for work, sampled in refs.items():
        if counts := Counter(y for r in sampled for y in year_of.get(r, ())):
            best = min(counts, key=lambda y: (-counts[y], y))
            citing = (c for r in sampled if best in year_of.get(r, ()) for c, _ in wordings.get(r, ()))
            if by := min(citing, default=""):
                found[work] = (best, by)
    return found
