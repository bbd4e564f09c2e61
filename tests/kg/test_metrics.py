"""Reuse metrics on the sample graph (hand-counted) and on the real corpus."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from kg.errors import IdentifierError, NotFoundError
from kg.ids import graph_iri
from kg.metrics import (
    Citations,
    CitingWork,
    OutputReuse,
    PortfolioMetrics,
    facility_metrics,
    funder_metrics,
    item_metrics,
    publisher_metrics,
    to_csv,
)
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
REALDATA = ROOT.parent / "shared" / "realdata"
DOI = "https://doi.org/"
S = f"{DOI}10.5555/kg-sample."
NSF = f"{DOI}10.13039/100000001"


@pytest.fixture(scope="module")
def sample() -> Store:
    s = Store.open(None)
    load(s, read_paths([SAMPLES]))
    return s


def _works(*names_years: tuple[str, str]) -> tuple[CitingWork, ...]:
    return tuple(CitingWork(S + n, y, "ScholarlyArticle") for n, y in names_years)


# -- item metrics --------------------------------------------------------------------------------


def test_dataset_citations_count_each_citing_paper_once_per_year_and_type(sample: Store) -> None:
    m = item_metrics(sample, "doi:10.5555/KG-SAMPLE.DATA")
    # cited by P2 (2021), P3 (2022), P4 (2022), P5 (2023); P3 also states is-supplemented-by D,
    # with its evidence edge kg:reliesOnData: a relation, not a second citation.
    assert m.citations == Citations(
        total=4, by_year={"2021": 1, "2022": 2, "2023": 1}, by_kind={"ScholarlyArticle": 4},
        by_relation={"cito:cites": 4, "kg:isSupplementedBy": 1, "kg:reliesOnData": 1},
        citing=_works(("p2", "2021"), ("p3", "2022"), ("p4", "2022"), ("p5", "2023")))
    # D has no versions: rolled up it is the same
    assert m.versions == (S + "data",)
    assert m.all_versions == m.citations
    assert m.usage == () and m.source_counts == ()


def test_software_citations_roll_up_over_all_versions_of_the_concept(sample: Store) -> None:
    m = item_metrics(sample, "10.5555/kg-sample.tool.v1")
    assert m.versions == (S + "tool", S + "tool.v1", S + "tool.v2", S + "tool.v3")
    # T1 alone: P1 (2020) and P4 (2022); the concept's kg:hasVersion T1 is no reuse
    assert m.citations == Citations(2, {"2020": 1, "2022": 1}, {"ScholarlyArticle": 2}, {"cito:cites": 2},
                                    _works(("p1", "2020"), ("p4", "2022")))
    # T1 by P1, P4; T2 by P2; T3 by P3: four distinct citing works
    assert m.all_versions == Citations(
        4, {"2020": 1, "2021": 1, "2022": 2}, {"ScholarlyArticle": 4}, {"cito:cites": 4},
        _works(("p1", "2020"), ("p2", "2021"), ("p3", "2022"), ("p4", "2022")))


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


# -- funder and publisher metrics ----------------------------------------------------------------


def test_nsf_metrics_match_the_hand_count(sample: Store) -> None:
    m = funder_metrics(sample, "10.13039/100000001")
    # outputs: T1, T2, T3 (grant ACI-0000001), D (funding reference), P5 (funder list)
    # reused (versions rolled up): D (P2..P5), T1, T2, T3 (each P1..P4 over the concept); P5 uncited
    # citing works of any output: P1 2020 (T1); P2 2021 (T2, D); P3 2022 (T3, D); P4 2022 (T1, D);
    # P5 2023 (D) -> 2020:1, 2021:1, 2022:2, 2023:1, five in all
    assert m == PortfolioMetrics(
        of="funder", subjects=(NSF,), outputs=5,
        outputs_by_kind={"Dataset": 1, "ScholarlyArticle": 1, "SoftwareSourceCode": 3},
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
    # P1..P5; reused: P1 (by P4), P2 and P3 (by P5); citing works P4 2022, P5 2023
    assert (m.outputs, m.outputs_by_kind, m.reused, m.citing_works, m.citations_by_year) == (
        5, {"ScholarlyArticle": 5}, 3, 2, {"2022": 1, "2023": 1})
    assert [(t.iri, t.all_versions) for t in m.top] == [(S + "p1", 1), (S + "p2", 1), (S + "p3", 1)]


def test_publisher_metrics_by_iri(sample: Store) -> None:
    m = publisher_metrics(sample, "https://id.crossref.org/member/297")
    assert (m.subjects, m.outputs, m.outputs_by_kind, m.reused) == (
        ("https://id.crossref.org/member/297",), 1, {"ScholarlyArticle": 1}, 0)
    with pytest.raises(NotFoundError, match="No Such Press"):
        publisher_metrics(sample, "No Such Press")


# -- facility metrics ----------------------------------------------------------------------------

ELS = "https://w3id.org/evidence-kg/facility/example-light-source"


@pytest.mark.parametrize("text", ["Example Light Source", "example-light-source", ELS])
def test_facility_metrics_of_the_example_light_source(sample: Store, text: str) -> None:
    m = facility_metrics(sample, text)
    assert m.facilities == (ELS,)
    # 6GV0, its primary article A0 (which cites nothing and nothing in the sample cites), its raw data
    assert (m.entries, m.primary_publications, m.citing_works, m.entries_with_raw_data, m.raw_data_share) == (
        1, 1, 0, 1, 1.0)
    (entry,) = m.entry_figures
    assert entry.primary_publications == (f"{DOI}10.1038/s41598-021-81251-2",)
    assert entry.raw_data == (f"{DOI}10.5281/zenodo.4456817",)
    # the sample gives the article's year only (2021): no day count
    assert (entry.deposited, entry.days_to_publication, m.median_days_to_publication) == ("2018-06-21", None, None)


def test_a_beamline_counts_its_entries(sample: Store) -> None:
    m = facility_metrics(sample, "example-light-source/bl-1")
    assert (m.facilities, m.entries) == ((ELS + "/bl-1",), 1)


def test_days_from_deposition_to_publication_use_the_full_date(tmp_path: Path) -> None:
    record = json.loads((SAMPLES / "crossref" / "s41598-021-81251-2.json").read_text("utf-8"))
    record["message"]["published"] = {"date-parts": [[2021, 1, 18]]}
    record["message"]["issued"] = {"date-parts": [[2021, 1, 18]]}
    (tmp_path / "a0.json").write_text(json.dumps(record), "utf-8")
    s = Store.open(None)
    load(s, read_paths([SAMPLES, tmp_path / "a0.json"]))
    m = facility_metrics(s, "example-light-source")
    # deposited 2018-06-21, published 2021-01-18: 365 + 366 (2020 is a leap year) + 211 = 942 days
    assert (date(2021, 1, 18) - date(2018, 6, 21)).days == 942
    assert m.entry_figures[0].days_to_publication == 942
    assert m.median_days_to_publication == 942


def test_an_unknown_facility_raises(sample: Store) -> None:
    with pytest.raises(NotFoundError, match="Nowhere Synchrotron"):
        facility_metrics(sample, "Nowhere Synchrotron")


# -- CSV -----------------------------------------------------------------------------------------


def test_funder_metrics_export_as_one_csv_table(sample: Store) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(funder_metrics(sample, "10.13039/100000001")))))
    assert rows[0] == ["subject", "metric", "key", "value"]
    assert [r[1:] for r in rows[1:]] == [
        ["outputs", "", "5"], ["outputs.by_kind", "Dataset", "1"], ["outputs.by_kind", "ScholarlyArticle", "1"],
        ["outputs.by_kind", "SoftwareSourceCode", "3"], ["reused", "", "4"], ["reused.by_kind", "Dataset", "1"],
        ["reused.by_kind", "SoftwareSourceCode", "3"], ["citing_works", "", "5"],
        ["citing_works.by_year", "2020", "1"], ["citing_works.by_year", "2021", "1"],
        ["citing_works.by_year", "2022", "2"], ["citing_works.by_year", "2023", "1"],
        ["top.all_versions", S + "data", "4"], ["top.all_versions", S + "tool.v1", "4"],
        ["top.all_versions", S + "tool.v2", "4"], ["top.all_versions", S + "tool.v3", "4"]]
    assert {r[0] for r in rows[1:]} == {NSF}


def test_item_and_facility_metrics_export_as_csv(sample: Store) -> None:
    item = list(csv.DictReader(io.StringIO(to_csv(item_metrics(sample, "10.5555/kg-sample.tool.v1")))))
    assert [(r["metric"], r["key"], r["value"]) for r in item if r["metric"].startswith("all_versions.by_year")] == [
        ("all_versions.by_year", "2020", "1"), ("all_versions.by_year", "2021", "1"),
        ("all_versions.by_year", "2022", "2")]
    facility = list(csv.DictReader(io.StringIO(to_csv(facility_metrics(sample, "example-light-source")))))
    assert {r["metric"]: r["value"] for r in facility}["raw_data_share"] == "1.0"


# -- the real corpus -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    s = Store.open(None)
    load(s, read_paths([REALDATA]))
    return s


def _first_dois(folder: str, count: int) -> list[str]:
    dois = []
    for path in sorted((REALDATA / folder).glob("*.json"))[:count]:
        data = json.loads(path.read_text("utf-8"))
        dois.append(data["message"]["DOI"] if "message" in data else data.get("doi") or data["data"]["id"])
    return dois


@pytest.mark.realdata
def test_item_metrics_of_twenty_real_records_run(corpus: Store) -> None:
    dois = _first_dois("crossref/works", 8) + _first_dois("datacite/dois", 6) + _first_dois("zenodo/records", 6)
    assert len(dois) == 20
    for doi in dois:
        m = item_metrics(corpus, doi)
        assert m.citations.total == len(m.citations.citing) <= m.all_versions.total, doi
        assert m.item in m.versions, doi


@pytest.mark.realdata
def test_zenodo_usage_is_usage_never_citations(corpus: Store) -> None:
    m = item_metrics(corpus, "10.5281/zenodo.4927605")
    (usage,) = [u for u in m.usage if u.work == m.item]
    # the record's stats: views 5419, downloads 5075, version_views 5393, version_downloads 5053
    assert (usage.source, usage.views, usage.downloads, usage.version_views, usage.version_downloads) == (
        "zenodo", 5419, 5075, 5393, 5053)
    assert usage.graph == graph_iri("zenodo", "4927605")
    assert m.citations.total == 0 and "kg:usage" not in m.citations.by_relation
    assert all(s.source != "zenodo" for s in m.source_counts)
    # the old record form gives all versions' views as version_views: 140 (see docs/data-model.md)
    old = item_metrics(corpus, "10.5281/zenodo.7752775")
    assert [(u.views, u.version_views) for u in old.usage if u.work == old.item] == [(140, 9)]
    assert old.citations.total == 0


SOURCE_COUNTED = [("crossref", "10.1371_journal.pone.0020476"), ("crossref", "10.1016_j.neurobiolaging.2010.03.024"),
                  ("crossref", "10.1038_srep16696"), ("datacite", "10.17182_hepdata.77274.v1"),
                  ("datacite", "10.1594_pangaea.836178")]


@pytest.mark.realdata
@pytest.mark.parametrize(("source", "name"), SOURCE_COUNTED)
def test_source_reported_counts_are_the_records_own(corpus: Store, source: str, name: str) -> None:
    if source == "crossref":
        message = json.loads((REALDATA / "crossref" / "works" / f"{name}.json").read_text("utf-8"))["message"]
        doi, count = message["DOI"].lower(), message["is-referenced-by-count"]
    else:
        attributes = json.loads((REALDATA / "datacite" / "dois" / f"{name}.json").read_text("utf-8"))["data"][
            "attributes"]
        doi, count = attributes["doi"].lower(), attributes["citationCount"]
    m = item_metrics(corpus, doi)
    assert [(s.source, s.graph, s.count) for s in m.source_counts if s.work == m.item] == [
        (source, graph_iri(source, doi), count)]
