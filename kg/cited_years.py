"""The year a work without a record of its own is cited with: of the references in its cited-as sample
(the references :func:`kg.works.summaries` names it from), the year they give most often
(``kg:citedYear``: a Crossref reference's ``year``, a DataCite related item's ``publicationYear``), ties
the earliest, with the first work (by IRI) citing it with that year, so that pages mark it as cited.

>>> from kg.store import Store
>>> cited_years(Store.open(None), {"https://doi.org/10.1/x": []}, {})
{}
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.store.summary_cited import Wording
from kg.store.summary_names import best_years
from kg.vocab import KG


def cited_years(store: Store, refs: dict[str, list[str]], wordings: dict[str, list[tuple[str, Wording]]],
                asked: list[tuple[str | None, str | None]] | None = None) -> dict[str, tuple[int, str]]:
    """(year, first citing work) for each work of ``refs`` (work -> its sampled references) whose
    references give a year; ``wordings`` gives each reference's citing works (``cited_years.rq``).
    ``asked``: the (reference, year) rows already read with the references' titles
    (``work_cited_as_titles.rq``; on a remote store each term bound costs: the list is not sent twice)."""
    summary = store.complete_summary()
    found_years: list[tuple[str | None, ...]]
    if asked is not None:
        found_years = list(asked)
    elif summary is not None:  # the sample's years are kept there: no store query
        found_years = list(summary.objects(KG.citedYear.value, (r for sampled in refs.values() for r in sampled)))
    else:
        bound: list[Term] = [NamedNode(r) for sampled in refs.values() for r in sampled]
        found_years = select_chunked(store, load_query("cited_years").text, {"ref": bound}).values() if bound else []
    return best_years(refs, wordings, found_years)  # type: ignore[arg-type]
