"""The year of a work only cited (``kg.cited_years``, :attr:`kg.works.WorkSummary.year_source`): the year its
sampled references give most often, ties the earliest, with the first citing work giving it; a work with a
record keeps its own. Read from the metrics summary's sample, or asked of the store: the same answers."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from kg.store import Store
from kg.works import CITED_AS_SAMPLE, WorkSummary, summaries
from loaders.crossref import CrossrefLoader
from tests.loaders.conftest import raw


def _citing(doi: str, *refs: dict[str, str], year: int | None = None) -> dict[str, object]:
    issued = {"issued": {"date-parts": [[year]]}, "title": [f"Work {doi}"]} if year else {}
    return {"DOI": doi, "type": "journal-article", **issued, "reference": list(refs)}


@pytest.fixture(scope="module", params=["summary", "store"])
def citers(request: pytest.FixtureRequest) -> Store:
    records = [
        _citing("10.5555/kg.a", {"DOI": "10.5555/kg.x", "article-title": "X", "year": "2015"},
                {"DOI": "10.5555/kg.tie", "year": "2012"}, {"DOI": "10.5555/kg.own", "year": "1990"},
                {"DOI": "10.5555/kg.none", "article-title": "No year given"},
                {"DOI": "10.5555/kg.odd", "year": "2004b"}),
        _citing("10.5555/kg.b", {"DOI": "10.5555/kg.x", "article-title": "X", "year": "2015"},
                {"DOI": "10.5555/kg.tie", "year": "2011"}),
        _citing("10.5555/kg.c", {"DOI": "10.5555/kg.x", "article-title": "X", "year": "2016"}),
        _citing("10.5555/kg.own", year=2001),
        # a much-cited work: its first CITED_AS_SAMPLE references by IRI give 1999, the 15 after them 2000
        *(_citing(f"10.5555/kg.s{i:02}", {"DOI": "10.5555/kg.many", "year": "1999" if i < CITED_AS_SAMPLE else "2000"})
          for i in range(CITED_AS_SAMPLE + 15)),
    ]
    s = Store.open(None)
    s.write([g for r in records if (g := CrossrefLoader.map(raw("crossref", r)).graph) is not None])
    if request.param == "store":
        s.metrics_summary.mark_stale()
        assert s.complete_summary() is None
    return s


def _years(store: Store, *dois: str) -> dict[str, tuple[int | None, str]]:
    found = summaries(store, [NamedNode(f"https://doi.org/{d}") for d in dois])
    return {iri.removeprefix("https://doi.org/"): (s.year, s.year_source) for iri, s in found.items()}


def test_a_work_only_cited_has_the_year_its_references_give_most_often(citers: Store) -> None:
    assert _years(citers, "10.5555/kg.x") == {"10.5555/kg.x": (2015, "cited-as by 10.5555/kg.a")}
    found = summaries(citers, [NamedNode("https://doi.org/10.5555/kg.x")])["https://doi.org/10.5555/kg.x"]
    assert (found.as_dict()["year"], found.as_dict()["yearSource"]) == (2015, "cited-as by 10.5555/kg.a")


def test_years_cited_as_often_go_to_the_earliest_and_a_year_with_a_letter_is_read(citers: Store) -> None:
    assert _years(citers, "10.5555/kg.tie", "10.5555/kg.odd") == {
        "10.5555/kg.tie": (2011, "cited-as by 10.5555/kg.b"), "10.5555/kg.odd": (2004, "cited-as by 10.5555/kg.a")}


def test_a_work_with_a_record_keeps_its_own_year_and_one_nobody_dates_has_none(citers: Store) -> None:
    assert _years(citers, "10.5555/kg.own", "10.5555/kg.none") == {
        "10.5555/kg.own": (2001, "record"), "10.5555/kg.none": (None, "")}
    assert WorkSummary("https://doi.org/10.1/x").as_dict()["yearSource"] is None


def test_a_much_cited_work_is_dated_from_the_sample_it_is_named_from(citers: Store) -> None:
    assert _years(citers, "10.5555/kg.many") == {"10.5555/kg.many": (1999, "cited-as by 10.5555/kg.s00")}
