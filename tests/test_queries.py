"""Every query of the catalogue parses and has its header."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Store

import kg
from kg.graph import KnowledgeGraph
from kg.queries import QueryNotFoundError, StoredQuery, all_queries, analyst_queries, load_query

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_the_catalogue_is_not_empty() -> None:
    assert len(all_queries()) >= 3


@pytest.mark.parametrize("query", all_queries(), ids=lambda q: q.name)
def test_query_has_a_header_and_parses(query) -> None:
    assert query.title and query.description and query.parameters and query.example
    assert query.name in query.example
    Store().query(query.text)  # raises SyntaxError when the query does not parse


def test_unknown_query_names_the_ones_there_are() -> None:
    with pytest.raises(QueryNotFoundError, match=r"no query named 'nope' .*there are: .*stats_sources"):
        load_query("nope")


@pytest.fixture(scope="module")
def sample_graph() -> Iterator[KnowledgeGraph]:
    with kg.open(None) as graph:
        assert graph.load([SAMPLES]).rejected == 0
        yield graph


def test_the_editor_offers_the_analysts_questions_and_none_of_the_services_helpers() -> None:
    names = {q.name for q in analyst_queries()}
    assert {"analyst_funder_dataset_citations_by_year", "analyst_raw_data_behind_structures",
            "analyst_software_reuse_across_versions", "stats_sources"} <= names
    assert not {n for n in names if n.startswith(("gql_", "trace_", "related_", "metrics_", "work_"))}


@pytest.mark.parametrize("query", analyst_queries(), ids=lambda q: q.name)
def test_each_analyst_question_runs_as_it_is_and_answers_on_the_sample_graph(
        sample_graph: KnowledgeGraph, query: StoredQuery) -> None:
    answer = sample_graph.query(query.name)
    assert answer.rows, f"{query.name} answers nothing on the sample graph"


def test_a_funders_dataset_citations_by_year_count_the_citing_works_of_each_year(sample_graph: KnowledgeGraph) -> None:
    rows = sample_graph.query("analyst_funder_dataset_citations_by_year").dicts()
    # the sample's NSF-funded data set is cited by p2 (2021), p3 and p4 (2022), p5 (2023); tool v1 by p1 (2020)
    assert {r["year"]: int(r["citingWorks"]) for r in rows} == {"2020": 1, "2021": 1, "2022": 2, "2023": 1}


def test_the_raw_data_behind_pdb_6gv0_is_its_zenodo_deposit(sample_graph: KnowledgeGraph) -> None:
    rows = sample_graph.query("analyst_raw_data_behind_structures").dicts()
    assert [(r["pdbId"], r["rawData"]) for r in rows] == [("6GV0", "https://doi.org/10.5281/zenodo.4456817")]
