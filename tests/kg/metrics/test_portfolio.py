"""Funder and publisher metrics on the sample graph, hand-counted."""

from __future__ import annotations

import pytest

from kg.errors import NotFoundError
from kg.metrics import OutputReuse, PortfolioMetrics, funder_awards, funder_metrics, publisher_metrics
from kg.store import Store
from tests.kg.metrics.conftest import NSF, S


def test_nsf_metrics_match_the_hand_count(sample: Store) -> None:
    m = funder_metrics(sample, "10.13039/100000001")
    # outputs: T1, T2, T3 (grant ACI-0000001), D (funding reference), P5 (funder list), and R (funder
    # list, NSF named by its ROR ID, which NSF's ROR record says is the same funder)
    # reused (versions rolled up): D (P2..P5), T1, T2, T3 (each P1..P4 over the concept); P5, R uncited
    # citing works of any output: P1 2020 (T1); P2 2021 (T2, D); P3 2022 (T3, D); P4 2022 (T1, D);
    # P5 2023 (D) -> 2020:1, 2021:1, 2022:2, 2023:1, five in all
    assert m == PortfolioMetrics(
        of="funder", subjects=(NSF, "https://ror.org/021nxhr62"), outputs=6,
        outputs_by_kind={"Dataset": 1, "ScholarlyArticle": 2, "SoftwareSourceCode": 3},
        reused=4, reused_by_kind={"Dataset": 1, "SoftwareSourceCode": 3},
        citing_works=5, citations_by_year={"2020": 1, "2021": 1, "2022": 2, "2023": 1},
        # all four have 4 citing works rolled up; ties go by IRI
        top=(OutputReuse(S + "data", "Dataset", 4, 4), OutputReuse(S + "tool.v1", "SoftwareSourceCode", 2, 4),
             OutputReuse(S + "tool.v2", "SoftwareSourceCode", 1, 4),
             OutputReuse(S + "tool.v3", "SoftwareSourceCode", 1, 4)))


@pytest.mark.parametrize("text", ["funder:100000001", "https://doi.org/10.13039/100000001", NSF])
def test_any_funder_id_form_gives_the_same_figures(sample: Store, text: str) -> None:
    assert funder_metrics(sample, text) == funder_metrics(sample, "10.13039/100000001")


def test_an_organisation_that_funded_nothing_gets_zeros(sample: Store) -> None:
    m = funder_metrics(sample, "https://id.crossref.org/member/297")
    assert m == PortfolioMetrics("funder", ("https://id.crossref.org/member/297",))
    assert (m.outputs, m.reused, m.citing_works, m.top) == (0, 0, 0, ())


def test_an_unknown_funder_raises(sample: Store) -> None:
    with pytest.raises(NotFoundError, match=r"https://doi.org/10.13039/501100000780"):
        funder_metrics(sample, "10.13039/501100000780")


def test_publisher_metrics_by_name_count_its_papers(sample: Store) -> None:
    m = publisher_metrics(sample, "example PUBLISHER")
    # P1..P5 and R; reused: P1 (by P4 and R), P2 and P3 (by P5); citing works P4 2022, P5 2023, R 2024
    assert (m.outputs, m.outputs_by_kind, m.reused, m.citing_works, m.citations_by_year) == (
        6, {"ScholarlyArticle": 6}, 3, 3, {"2022": 1, "2023": 1, "2024": 1})
    assert [(t.iri, t.all_versions) for t in m.top] == [(S + "p1", 2), (S + "p2", 1), (S + "p3", 1)]


def test_publisher_metrics_by_iri(sample: Store) -> None:
    m = publisher_metrics(sample, "https://id.crossref.org/member/297")
    assert (m.subjects, m.outputs, m.outputs_by_kind, m.reused) == (
        ("https://id.crossref.org/member/297",), 1, {"ScholarlyArticle": 1}, 0)
    with pytest.raises(NotFoundError, match="No Such Press"):
        publisher_metrics(sample, "No Such Press")


@pytest.mark.parametrize("text", ["funder:100000001", "021nxhr62"])
def test_a_funders_awards_list_their_outputs_across_both_of_its_identities(sample: Store, text: str) -> None:
    # the sample's NSF awards: ACI-0000001 (the three tool versions, by Funder ID, with a grant title),
    # DEB-0000002 (the data set and p5, by Funder ID), OCE-0000003 (the article, which names NSF by ROR)
    awards = funder_awards(sample, text)
    assert [(a.number, a.title, a.outputs) for a in awards] == [
        ("ACI-0000001", "Sample software grant (invented)", (S + "tool.v1", S + "tool.v2", S + "tool.v3")),
        ("DEB-0000002", None, (S + "data", S + "p5")),
        ("OCE-0000003", None, (S + "article",))]
