"""Item metrics on the sample graph, hand-counted: citations alone and over all versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import BadRequestError, IdentifierError, NotFoundError
from kg.metrics import Citations, CitingPage, item_metrics
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.conftest import SAMPLES, S, citing_papers


def test_dataset_citations_count_each_citing_paper_once_per_year_and_type(sample: Store) -> None:
    m = item_metrics(sample, "doi:10.5555/KG-SAMPLE.DATA")
    # cited by P2 (2021), P3 (2022), P4 (2022), P5 (2023); P3 also states is-supplemented-by D,
    # with its evidence edge kg:reliesOnData: a relation, not a second citation.
    assert m.citations == Citations(
        total=4, by_year={"2021": 1, "2022": 2, "2023": 1}, by_kind={"ScholarlyArticle": 4},
        by_relation={"cito:cites": 4, "kg:isSupplementedBy": 1, "kg:reliesOnData": 1},
        citing=citing_papers(("p5", "2023"), ("p3", "2022"), ("p4", "2022"), ("p2", "2021")))  # most recent first
    # D has no versions: rolled up it is the same
    assert m.versions == (S + "data",)
    assert m.all_versions == m.citations
    assert m.usage == () and m.source_counts == ()


def test_software_citations_roll_up_over_all_versions_of_the_concept(sample: Store) -> None:
    m = item_metrics(sample, "10.5555/kg-sample.tool.v1")
    assert m.versions == (S + "tool", S + "tool.v1", S + "tool.v2", S + "tool.v3")
    # T1 alone: P1 (2020) and P4 (2022); the concept's kg:hasVersion T1 is no reuse
    assert m.citations == Citations(2, {"2020": 1, "2022": 1}, {"ScholarlyArticle": 2}, {"cito:cites": 2},
                                    citing_papers(("p4", "2022"), ("p1", "2020")))
    # T1 by P1, P4; T2 by P2; T3 by P3: four distinct citing works
    assert m.all_versions == Citations(
        4, {"2020": 1, "2021": 1, "2022": 2}, {"ScholarlyArticle": 4}, {"cito:cites": 4},
        citing_papers(("p3", "2022"), ("p4", "2022"), ("p2", "2021"), ("p1", "2020")))


def test_the_concept_rolls_up_the_same_as_any_of_its_versions(sample: Store) -> None:
    concept = item_metrics(sample, "10.5555/kg-sample.tool")
    assert concept.citations.total == 0
    assert concept.all_versions == item_metrics(sample, "10.5555/kg-sample.tool.v3").all_versions
    assert concept.all_versions.total == 4


def test_a_work_citing_two_versions_counts_once(tmp_path: Path) -> None:
    # P4 cites T1; a copy of the papers page where P4 also cites T2 must still give 4 citing works
    page = json.loads((SAMPLES / "crossref" / "kg-sample-papers-page.json").read_text("utf-8"))
    p4 = next(i for i in page["message"]["items"] if i["DOI"].lower() == "10.5555/kg-sample.p4")
    p4["reference"].append({"key": "extra", "DOI": "10.5555/kg-sample.tool.v2"})
    (tmp_path / "papers.json").write_text(json.dumps(page), "utf-8")
    s = Store.open(None)
    load(s, read_paths([SAMPLES, tmp_path / "papers.json"]))
    m = item_metrics(s, "10.5555/kg-sample.tool.v2")
    assert [w.iri for w in m.citations.citing] == [S + "p4", S + "p2"]
    assert m.all_versions.total == 4


def test_unknown_and_malformed_items_raise(sample: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.5555/absent"):
        item_metrics(sample, "10.5555/absent")
    with pytest.raises(IdentifierError, match="not a valid identifier"):
        item_metrics(sample, "no such thing")


def test_citing_works_are_listed_a_page_at_a_time_most_recent_first_and_counted_in_full(sample: Store) -> None:
    every = item_metrics(sample, "10.5555/kg-sample.data", citing_limit=None)
    assert [w.iri for w in every.citations.citing] == [S + "p5", S + "p3", S + "p4", S + "p2"]
    assert every.page == CitingPage(0, None, None)
    first = item_metrics(sample, "10.5555/kg-sample.data", citing_limit=2)
    second = item_metrics(sample, "10.5555/kg-sample.data", citing_limit=2, citing_offset=2)
    assert [w.iri for w in first.citations.citing] == [S + "p5", S + "p3"] and first.page == CitingPage(0, 2, 2)
    assert [w.iri for w in second.citations.citing] == [S + "p4", S + "p2"] and second.page == CitingPage(2, 2, None)
    for page in (first, second):  # the counts are of every citing work, whichever page is listed
        assert (page.citations.total, page.citations.by_year, page.citations.by_kind, page.citations.by_relation) == (
            every.citations.total, every.citations.by_year, every.citations.by_kind, every.citations.by_relation)
    assert item_metrics(sample, "10.5555/kg-sample.data", citing_offset=10).citations.citing == ()
    assert first.as_dict()["citing_page"] == {"offset": 0, "limit": 2, "next": 2}


def test_the_page_goes_on_while_either_list_does(sample: Store) -> None:
    # T1 has 2 citing works of its own, 4 over all versions: the page after 2 lists only the roll-up's
    m = item_metrics(sample, "10.5555/kg-sample.tool.v1", citing_limit=2)
    assert m.page == CitingPage(0, 2, 2)
    after = item_metrics(sample, "10.5555/kg-sample.tool.v1", citing_limit=2, citing_offset=2)
    assert after.citations.citing == () and len(after.all_versions.citing) == 2 and after.page.next is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("limit", "offset", "message"), [
    (0, 0, "parameter 'citing_limit' must be 1 or more"), (5, -1, "parameter 'citing_offset' must be 0 or more")])
def test_a_page_out_of_range_says_which_parameter(sample: Store, limit: int, offset: int, message: str) -> None:
    with pytest.raises(BadRequestError, match=message):
        item_metrics(sample, "10.5555/kg-sample.data", citing_limit=limit, citing_offset=offset)
