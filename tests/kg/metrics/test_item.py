"""Item metrics on the sample graph, hand-counted: citations alone and over all versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import IdentifierError, NotFoundError
from kg.metrics import Citations, item_metrics
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
        citing=citing_papers(("p2", "2021"), ("p3", "2022"), ("p4", "2022"), ("p5", "2023")))
    # D has no versions: rolled up it is the same
    assert m.versions == (S + "data",)
    assert m.all_versions == m.citations
    assert m.usage == () and m.source_counts == ()


def test_software_citations_roll_up_over_all_versions_of_the_concept(sample: Store) -> None:
    m = item_metrics(sample, "10.5555/kg-sample.tool.v1")
    assert m.versions == (S + "tool", S + "tool.v1", S + "tool.v2", S + "tool.v3")
    # T1 alone: P1 (2020) and P4 (2022); the concept's kg:hasVersion T1 is no reuse
    assert m.citations == Citations(2, {"2020": 1, "2022": 1}, {"ScholarlyArticle": 2}, {"cito:cites": 2},
                                    citing_papers(("p1", "2020"), ("p4", "2022")))
    # T1 by P1, P4; T2 by P2; T3 by P3: four distinct citing works
    assert m.all_versions == Citations(
        4, {"2020": 1, "2021": 1, "2022": 2}, {"ScholarlyArticle": 4}, {"cito:cites": 4},
        citing_papers(("p1", "2020"), ("p2", "2021"), ("p3", "2022"), ("p4", "2022")))


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
    assert [w.iri for w in m.citations.citing] == [S + "p2", S + "p4"]
    assert m.all_versions.total == 4


def test_unknown_and_malformed_items_raise(sample: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.5555/absent"):
        item_metrics(sample, "10.5555/absent")
    with pytest.raises(IdentifierError, match="not a valid identifier"):
        item_metrics(sample, "no such thing")
