"""The sample graph in ``samples/``: it loads cleanly, passes the shapes, and holds the facts
``samples/README.md`` lists, each checked by hand against the sample files.

Works are named below as the README names them: A0 the Sci Rep article, the 6GV0 entry and its raw
data, T the sample tool's concept and T1..T3 its versions, D the sample data set, P1..P5 the
sample papers, R the article with a long reference list and S its supplement.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, parse

from kg.store import Store
from loaders.pipeline import LoadReport, load
from loaders.read import read_paths
from tests.loaders.test_realdata import shacl_violations

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

PREFIXES = """PREFIX kg: <https://w3id.org/evidence-kg/ns#>
PREFIX schema: <http://schema.org/>
PREFIX cito: <http://purl.org/spar/cito/>
"""
META = "https://w3id.org/evidence-kg/graph/meta"
GRAPH = "https://w3id.org/evidence-kg/graph/"

A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"
ELIFE = "https://doi.org/10.7554/elife.01567"
DRYAD = "https://doi.org/10.5061/dryad.b835k"
T = "https://doi.org/10.5555/kg-sample.tool"
T1, T2, T3 = (f"{T}.v{n}" for n in (1, 2, 3))
D = "https://doi.org/10.5555/kg-sample.data"
P1, P2, P3, P4, P5 = (f"https://doi.org/10.5555/kg-sample.p{n}" for n in range(1, 6))
NSF = "https://doi.org/10.13039/100000001"
NSF_ROR = "https://ror.org/021nxhr62"
R = "https://doi.org/10.5555/kg-sample.article"
S = "https://doi.org/10.5061/dryad.kg-sample-supplement"
REUSED = "https://doi.org/10.5061/dryad.kg-sample-reused"
COUNTS = "https://doi.org/10.5281/zenodo.kg-sample-counts"
CODE = "https://doi.org/10.5281/zenodo.kg-sample-code"


@pytest.fixture(scope="module")
def loaded() -> Iterator[tuple[Store, LoadReport]]:
    store = Store.open(None)
    report = load(store, read_paths([SAMPLES]))
    yield store, report
    store.close()


@pytest.fixture(scope="module")
def store(loaded: tuple[Store, LoadReport]) -> Store:
    return loaded[0]


def rows(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    return sorted(store.select(PREFIXES + sparql).values(), key=lambda r: tuple(v or "" for v in r))


def test_every_sample_record_loads_without_rejections_or_warnings(loaded: tuple[Store, LoadReport]) -> None:
    _, report = loaded
    assert report.problems == []
    assert (report.loaded, report.unchanged, report.rejected, report.warning_count) == (20, 0, 0, 0)


def test_the_sample_holds_one_record_graph_per_record_from_each_source(store: Store) -> None:
    assert rows(store, f"""SELECT ?source (COUNT(?g) AS ?graphs) WHERE {{
        GRAPH <{META}> {{ ?g kg:source ?source }} }} GROUP BY ?source""") == [
        ("crossref", "8"), ("datacite", "4"), ("pdbe", "4"), ("ror", "1"), ("zenodo", "3")]


def test_the_evidence_edges_are_the_6gv0_chain_p3_on_d_elife_on_dryad_and_r_on_s_each_with_its_asserting_graph(
        store: Store) -> None:
    assert rows(store, f"""SELECT ?s ?o ?g ?source WHERE {{
        GRAPH ?g {{ ?s kg:reliesOnData|kg:reliesOnSoftware|kg:reliesOnMethod ?o }}
        GRAPH <{META}> {{ ?g kg:source ?source }} }}""") == sorted([
        (A0, ENTRY, GRAPH + "pdbe/6gv0/publications", "pdbe"),
        (ENTRY, RAW, GRAPH + "pdbe/6gv0/related_experiment_data", "pdbe"),
        (P3, D, GRAPH + "crossref/10.5555/kg-sample.p3", "crossref"),
        (ELIFE, DRYAD, GRAPH + "crossref/10.7554/elife.01567", "crossref"),
        (R, S, GRAPH + "crossref/10.5555/kg-sample.article", "crossref"),
        (R, S, GRAPH + "datacite/10.5061/dryad.kg-sample-supplement", "datacite"),
    ])


def test_the_6gv0_chain_runs_from_the_article_through_the_entry_to_the_raw_data(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?entry ?raw ?type ?source1 ?source2 WHERE {{
        GRAPH ?g1 {{ <{A0}> kg:reliesOnData ?entry }}
        GRAPH ?g2 {{ ?entry kg:reliesOnData ?raw }}
        ?raw schema:additionalType ?type .
        GRAPH <{META}> {{ ?g1 kg:source ?source1 . ?g2 kg:source ?source2 }} }}""") == [
        (ENTRY, RAW, "diffraction image data", "pdbe", "pdbe")]


def test_the_article_is_a_2021_sci_rep_journal_article_citing_nothing(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?date ?pmid WHERE {{
        <{A0}> a schema:ScholarlyArticle ; schema:datePublished ?date ; kg:pmid ?pmid }}""") == [
        ("2021", "33462295")]
    assert not store.ask(PREFIXES + f"ASK {{ <{A0}> cito:cites ?x }}")


def test_the_raw_data_is_a_2021_dataset_described_by_datacite(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?date ?source WHERE {{
        GRAPH ?g {{ <{RAW}> a schema:Dataset ; schema:datePublished ?date }}
        GRAPH <{META}> {{ ?g kg:source ?source }} }}""") == [("2021", "datacite")]


def test_6gv0_was_measured_on_beamline_bl_1_of_the_example_light_source(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?method ?facility ?beamline WHERE {{
        <{ENTRY}> kg:experimentalMethod ?method ; kg:facility ?f ; kg:instrument ?i .
        ?f a kg:Facility ; schema:name ?facility .
        ?i a kg:Instrument ; schema:name ?beamline ; kg:partOfFacility ?f }}""") == [
        ("X-ray diffraction", "Example Light Source", "BL-1")]


def test_the_tool_concept_has_three_versions_with_their_version_strings_and_years(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?v ?version ?date WHERE {{
        <{T}> a kg:Concept ; kg:hasVersion ?v .
        ?v kg:isVersionOf <{T}> ; a schema:SoftwareSourceCode ; schema:version ?version ;
           schema:datePublished ?date }}""") == [
        (T1, "1.0", "2019-03-01"), (T2, "1.1", "2020-06-01"), (T3, "2.0", "2022-02-01")]


def test_d_is_a_2019_dataset_cited_by_four_works_one_in_2021_two_in_2022_one_in_2023(store: Store) -> None:
    assert rows(store, f"SELECT DISTINCT ?date WHERE {{ <{D}> a schema:Dataset ; schema:datePublished ?date }}") == [
        ("2019",)]
    assert rows(store, f"SELECT DISTINCT ?w WHERE {{ ?w cito:cites <{D}> }}") == [(P2,), (P3,), (P4,), (P5,)]
    assert rows(store, f"""SELECT ?year (COUNT(DISTINCT ?w) AS ?n) WHERE {{
        ?w cito:cites <{D}> ; schema:datePublished ?date }} GROUP BY (STR(?date) AS ?year)""") == [
        ("2021", "1"), ("2022", "2"), ("2023", "1")]


def test_the_tools_versions_are_cited_by_four_works_rolled_up_to_the_concept(store: Store) -> None:
    assert rows(store, f"SELECT DISTINCT ?v ?w WHERE {{ <{T}> kg:hasVersion ?v . ?w cito:cites ?v }}") == [
        (T1, P1), (T1, P4), (T2, P2), (T3, P3)]
    assert rows(store, f"""SELECT ?year (COUNT(DISTINCT ?w) AS ?n) WHERE {{
        <{T}> kg:hasVersion ?v . ?w cito:cites ?v ; schema:datePublished ?date }}
        GROUP BY (STR(?date) AS ?year)""") == [("2020", "1"), ("2021", "1"), ("2022", "2")]


def test_d_and_the_tool_are_cited_together_by_three_works(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?w WHERE {{
        ?w cito:cites <{D}> . <{T}> kg:hasVersion ?v . ?w cito:cites ?v }}""") == [(P2,), (P3,), (P4,)]


def test_p4_cites_p1_and_p5_cites_p2_and_p3(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?w ?cited WHERE {{
        VALUES ?w {{ <{P4}> <{P5}> }} ?w cito:cites ?cited FILTER(?cited != <{D}>) }}""") == [
        (P4, P1), (P4, T1), (P5, P2), (P5, P3)]


def test_nsf_funds_the_three_tool_versions_d_and_p5_each_through_its_award(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?w ?award WHERE {{
        ?w schema:funder <{NSF}> ; schema:funding ?grant .
        ?grant schema:funder <{NSF}> ; schema:identifier ?award }}""") == [
        (D, "DEB-0000002"), (P5, "DEB-0000002"),
        (T1, "ACI-0000001"), (T2, "ACI-0000001"), (T3, "ACI-0000001")]


def test_no_other_work_has_a_funder(store: Store) -> None:
    assert rows(store, """SELECT DISTINCT ?w WHERE {
        ?w schema:funder ?f FILTER NOT EXISTS { ?w a schema:Grant } }""") == [(R,), (D,), (P5,), (T1,), (T2,), (T3,)]


def test_the_reused_outputs_are_d_and_the_three_tool_versions(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?x WHERE {{
        VALUES ?x {{ <{D}> <{T1}> <{T2}> <{T3}> <{RAW}> <{ENTRY}> <{T}> }} ?w cito:cites ?x }}""") == [
        (D,), (T1,), (T2,), (T3,)]


def test_r_cites_30_works_and_names_10_references_only_by_their_own_metadata(store: Store) -> None:
    assert rows(store, f"""SELECT ?refs ?unresolved WHERE {{
        <{R}> kg:referenceCount ?refs ; kg:unresolvedReferenceCount ?unresolved }}""") == [("40", "10")]
    assert rows(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ <{R}> cito:cites ?x }}") == [("30",)]
    cited = [x for (x,) in rows(store, f"SELECT ?x WHERE {{ <{R}> cito:cites ?x }}")]
    assert {S, REUSED, COUNTS, CODE, P1} <= set(cited)
    assert len([x for x in cited if x and x.startswith("https://doi.org/10.5555/kg-sample.ref")]) == 25


def test_r_is_supplemented_by_s_on_dryad_and_cites_its_code_typed_software(store: Store) -> None:
    assert rows(store, f"""SELECT DISTINCT ?source WHERE {{
        GRAPH ?g {{ {{ <{R}> kg:isSupplementedBy <{S}> }} UNION {{ <{S}> kg:isSupplementTo <{R}> }} }}
        GRAPH <{META}> {{ ?g kg:source ?source }} }}""") == [("crossref",), ("datacite",)]
    assert rows(store, f"SELECT ?x WHERE {{ VALUES ?x {{ <{S}> <{CODE}> <{REUSED}> <{COUNTS}> }} ?x a ?c }}") == [
        (S,), (CODE,)]
    assert store.ask(PREFIXES + f"ASK {{ <{CODE}> a schema:SoftwareSourceCode . <{S}> a schema:Dataset }}")


def test_nsf_is_named_by_ror_in_r_and_by_funder_id_elsewhere_and_ror_says_they_are_one(store: Store) -> None:
    assert rows(store, f"SELECT DISTINCT ?w ?award WHERE {{ ?w schema:funding [ schema:funder <{NSF_ROR}> ; "
                       f"schema:identifier ?award ] }}") == [(R, "OCE-0000003")]
    assert rows(store, f"""SELECT ?g WHERE {{ GRAPH ?g {{ <{NSF_ROR}> <http://www.w3.org/2002/07/owl#sameAs> <{NSF}> ;
        kg:funderId <{NSF}> }} }}""") == [(GRAPH + "ror/021nxhr62",)]


def all_quads(store: Store) -> list[Quad]:
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return list(parse(out.getvalue(), format=RdfFormat.N_QUADS))


def test_the_whole_sample_passes_the_shapes(store: Store) -> None:
    assert shacl_violations(all_quads(store)) == []
