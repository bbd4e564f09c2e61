"""The PDBe loader: its record shapes, the mapping of each endpoint on responses of our own, the
6GV0 evidence chain (article -> entry -> raw diffraction images), one node with Crossref, bad
input, HTTP against a replaying server, and the real recorded corpus (../shared/realdata/pdbe)."""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from kg.errors import IdentifierError, RecordError
from kg.ids import META_GRAPH, graph_iri
from kg.store import RecordGraph, Store
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD
from loaders.base import HarvestRequest, RawRecord
from loaders.harvest import harvest
from loaders.http import HttpClient, HttpConfig
from loaders.pdbe import PdbeLoader
from loaders.pipeline import load, map_record
from loaders.read import read_file, read_paths, records_of
from tests.loaders.conftest import FIXTURES, WHEN, Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files, load_file, shacl_violations

ENTRY = NamedNode("https://doi.org/10.2210/pdb6gv0/pdb")
ARTICLE = NamedNode("https://doi.org/10.1038/s41598-021-81251-2")
RAW_DATA = NamedNode("https://doi.org/10.5281/zenodo.4456817")
METHODS = NamedNode("https://doi.org/10.5555/kg.pdbe.methods")
PDBE = FIXTURES / "pdbe"
CHAIN_FILES = [PDBE / f"6gv0-{e}.json" for e in ("summary", "publications", "related_experiment_data", "experiment")]
META = NamedNode(META_GRAPH)
PREFIXES = "PREFIX kg: <https://w3id.org/evidence-kg/ns#>\nPREFIX schema: <http://schema.org/>\n"


def records(name: str) -> list[dict[str, Any]]:
    found = PdbeLoader.records_in(fixture_json(f"pdbe/{name}.json"))
    assert found
    return found


def mapped(record: dict[str, Any]) -> Edges:
    return Edges(PdbeLoader.map(raw("pdbe", record)))


def only(name: str) -> Edges:
    [record] = records(name)
    return mapped(record)


def select(store: Store, sparql: str, **bindings: NamedNode) -> list[dict[str, Any]]:
    return store.select(PREFIXES + sparql, bindings).dicts()


# ---------------------------------------------------------------- shapes recognised

@pytest.mark.parametrize(("name", "endpoint"), [
    ("6gv0-summary", "summary"), ("6gv0-publications", "publications"),
    ("6gv0-related_experiment_data", "related_experiment_data"), ("6gv0-experiment", "experiment"),
    ("9xkg-summary", "summary"), ("9xkg-experiment", "experiment"),
])
def test_each_endpoint_is_told_by_its_items_keys(name: str, endpoint: str) -> None:
    [record] = records(name)
    assert (record["pdb_id"], record["endpoint"]) == (name[:4], endpoint)
    assert PdbeLoader.record_id(record) == f"{name[:4]}/{endpoint}"


def test_a_post_response_gives_one_record_per_entry() -> None:
    document = {**fixture_json("pdbe/6gv0-summary.json"), **fixture_json("pdbe/9xkg-summary.json")}
    assert [PdbeLoader.record_id(r) for r in PdbeLoader.records_in(document) or []] == \
        ["6gv0/summary", "9xkg/summary"]


def test_a_search_document_and_a_solr_response_are_recognised() -> None:
    doc = {"pdb_id": "3nxv", "title": "T", "experimental_method": ["X-ray diffraction"], "resolution": 1.9}
    assert PdbeLoader.records_in(doc) == [{"pdb_id": "3nxv", "endpoint": "search", "items": [doc]}]
    solr = {"responseHeader": {"status": 0}, "response": {"numFound": 2, "docs": [doc, {**doc, "pdb_id": "1cbs"}]}}
    assert [PdbeLoader.record_id(r) for r in PdbeLoader.records_in(solr) or []] == ["3nxv/search", "1cbs/search"]


@pytest.mark.parametrize("document", [
    {}, {"6gv0": []}, {"title": [{"release_date": "20190101"}]}, {"6gv0": [{"unknown": 1}]},
    fixture_json("pdbe/crossref-6gv0.json"), [{"6gv0": []}],
])
def test_other_shapes_are_not_taken_for_pdbe(document: Any) -> None:
    assert PdbeLoader.records_in(document) is None


# ---------------------------------------------------------------- summary

def test_summary_names_dates_and_types_the_entry_by_its_doi() -> None:
    m = only("6gv0-summary")
    assert m.mapped.graph.graph.value == "https://w3id.org/evidence-kg/graph/pdbe/6gv0/summary"
    assert m.mapped.graph.meta.about == ENTRY
    assert m.objects(ENTRY, RDF.type) == {KG.StructureEntry}
    assert m.values(ENTRY, KG.doi) == {"10.2210/pdb6gv0/pdb"}
    assert m.values(ENTRY, KG.pdbId) == {"6GV0"}
    assert m.values(ENTRY, SCHEMA.name) == {"Insulin glulisine"}
    assert m.objects(ENTRY, SCHEMA.datePublished) == {Literal("2019-02-13", datatype=XSD.date)}
    assert m.objects(ENTRY, KG.depositionDate) == {Literal("2018-06-21", datatype=XSD.date)}
    assert m.objects(ENTRY, SCHEMA.dateModified) == {Literal("2021-02-03", datatype=XSD.date)}
    assert m.values(ENTRY, KG.experimentalMethod) == {"X-ray diffraction"}
    assert m.objects(ENTRY, KG.assemblyCount) == {Literal(1)}


def test_summary_authors_are_ordered_roles_named_as_printed() -> None:
    m = only("6gv0-summary")
    slots = {next(iter(m.values(s, SCHEMA.position))): s for s in m.objects(ENTRY, SCHEMA.author)}
    assert sorted(slots) == ["1", "2"]
    (first,) = m.objects(slots["1"], SCHEMA.author)
    assert m.values(slots["1"], SCHEMA.name) == {"Example, A.B."}
    assert (m.values(first, SCHEMA.familyName), m.values(first, SCHEMA.givenName)) == ({"Example"}, {"A.B."})


def test_the_em_volume_behind_a_model_is_data_it_relies_on_and_other_volumes_are_only_related() -> None:
    m = only("9xkg-summary")
    entry = NamedNode("https://doi.org/10.2210/pdb9xkg/pdb")
    volume, other = NamedNode("https://www.ebi.ac.uk/emdb/EMD-99999"), NamedNode("https://www.ebi.ac.uk/emdb/EMD-99998")
    assert m.objects(entry, KG.isDerivedFrom) == {volume}
    assert m.objects(entry, KG.reliesOnData) == {volume}
    assert m.objects(entry, KG.isRelatedTo) == {other}
    assert m.objects(entry, KG.assemblyCount) == {Literal(2)}


# ---------------------------------------------------------------- publications

def test_the_primary_citation_relies_on_the_entry_as_data() -> None:
    m = only("6gv0-publications")
    assert m.objects(ENTRY, KG.isSupplementTo) == {ARTICLE}
    assert m.subjects(KG.reliesOnData, ENTRY) == {ARTICLE}
    assert m.objects(ARTICLE, RDF.type) == {SCHEMA.ScholarlyArticle}
    assert m.values(ARTICLE, KG.doi) == {"10.1038/s41598-021-81251-2"}
    assert m.values(ARTICLE, KG.pmid) == {"33462295"}
    assert m.objects(ARTICLE, SCHEMA.datePublished) == {Literal("2021", datatype=XSD.gYear)}
    assert m.values(ARTICLE, KG.containerTitle) == {"Sci Rep"}
    assert m.values(ARTICLE, SCHEMA.abstract) == {"A kg test abstract."}


def test_article_authors_belong_to_the_article_not_the_entry() -> None:
    m = only("6gv0-publications")
    assert m.objects(ENTRY, SCHEMA.author) == set()
    slots = m.objects(ARTICLE, SCHEMA.author)
    names = {next(iter(m.values(s, SCHEMA.position))): m.values(s, SCHEMA.name) for s in slots}
    assert names == {"1": {"Example AB"}, "2": {"Sample C"}}


def test_other_citations_are_references_the_entry_cites() -> None:
    m = only("6gv0-publications")
    assert m.objects(ENTRY, KG.references) == {METHODS}
    assert m.objects(ENTRY, CITO.cites) == {METHODS}
    assert m.subjects(KG.reliesOnData, METHODS) == set()
    assert m.values(METHODS, KG.containerTitle) == {"Test J"}


def test_a_citation_without_doi_is_named_by_its_pubmed_id_or_minted() -> None:
    [record] = records("6gv0-publications")
    record["items"][0]["doi"] = None
    record["items"][1].update(doi=None, title="To be published")
    record["items"][1]["journal_info"]["pdb_abbreviation"] = "To be published"
    m = mapped(record)
    pubmed = NamedNode("https://pubmed.ncbi.nlm.nih.gov/33462295")
    assert m.subjects(KG.reliesOnData, ENTRY) == {pubmed}
    (unpublished,) = m.objects(ENTRY, KG.references)
    assert re.fullmatch(re.escape(graph_iri("pdbe", "6gv0/publications")) + r"#publication-\d+", unpublished.value)
    assert m.values(unpublished, KG.containerTitle) == set()


# ---------------------------------------------------------------- related experiment data

def test_the_entry_relies_on_its_raw_data_set() -> None:
    m = only("6gv0-related_experiment_data")
    assert m.objects(ENTRY, KG.isDerivedFrom) == {RAW_DATA}
    assert m.objects(ENTRY, KG.reliesOnData) == {RAW_DATA}
    assert m.objects(RAW_DATA, RDF.type) == {SCHEMA.Dataset}
    assert m.values(RAW_DATA, SCHEMA.additionalType) == {"diffraction image data"}
    assert m.values(RAW_DATA, KG.doi) == {"10.5281/zenodo.4456817"}


def test_references_in_doi_and_url_forms_with_metadata_and_details() -> None:
    [record] = records("6gv0-related_experiment_data")
    record["items"] = [
        {"data_reference": "doi:10.15785/SBGRID/449", "metadata_reference": "https://doi.org/10.5555/kg.meta",
         "dataset_type": "diffraction image data", "details": "Collected at 100 K"},
        {"data_reference": "https://example.org/images/6gv0", "metadata_reference": None,
         "dataset_type": "other data", "details": None},
        {"data_reference": None, "dataset_type": "diffraction image data"},
    ]
    m = mapped(record)
    sbgrid, url = NamedNode("https://doi.org/10.15785/sbgrid/449"), NamedNode("https://example.org/images/6gv0")
    assert m.objects(ENTRY, KG.reliesOnData) == {sbgrid, url}
    assert m.objects(sbgrid, KG.hasMetadata) == {NamedNode("https://doi.org/10.5555/kg.meta")}
    assert m.values(sbgrid, SCHEMA.description) == {"Collected at 100 K"}
    assert m.mapped.warnings == ["pdbe record 6gv0/related_experiment_data: field '6gv0[2].data_reference' "
                                 "is missing, so this related data set was left out"]


# ---------------------------------------------------------------- experiment

def test_experiment_gives_method_resolution_facility_and_beamline() -> None:
    m = only("6gv0-experiment")
    facility = NamedNode("https://w3id.org/evidence-kg/facility/example-light-source")
    beamline = NamedNode("https://w3id.org/evidence-kg/facility/example-light-source/bl-1-2")
    assert m.values(ENTRY, KG.experimentalMethod) == {"X-ray diffraction"}
    assert m.objects(ENTRY, KG.resolution) == {Literal("2.3", datatype=XSD.decimal)}
    assert m.objects(ENTRY, KG.facility) == {facility}
    assert m.objects(ENTRY, KG.instrument) == {beamline}
    assert (m.objects(facility, RDF.type), m.values(facility, SCHEMA.name)) == ({KG.Facility}, {"Example Light Source"})
    assert (m.objects(beamline, RDF.type), m.values(beamline, SCHEMA.name)) == ({KG.Instrument}, {"BL 1.2"})
    assert m.objects(beamline, KG.partOfFacility) == {facility}


def test_an_em_experiment_names_its_microscope_model() -> None:
    m = only("9xkg-experiment")
    entry, microscope = NamedNode("https://doi.org/10.2210/pdb9xkg/pdb"), NamedNode(
        "https://w3id.org/evidence-kg/instrument/example-krios")
    assert m.objects(entry, KG.instrument) == {microscope}
    assert m.objects(entry, KG.facility) == set()
    assert m.values(microscope, SCHEMA.additionalType) == {"electron microscope"}
    assert m.objects(entry, KG.resolution) == {Literal("3.1", datatype=XSD.decimal)}


def test_a_beamline_without_its_site_is_left_out_with_a_warning() -> None:
    [record] = records("6gv0-experiment")
    record["items"][0]["diffraction_experiment"][0]["synchrotron_site"] = None
    m = mapped(record)
    assert m.objects(ENTRY, KG.instrument) == set()
    assert m.mapped.warnings == ["pdbe record 6gv0/experiment: field '6gv0[0].diffraction_experiment[0]."
                                 "synchrotron_beamline' has no synchrotron_site, so it was left out (value: 'BL 1.2')"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.update(items={"title": "x"}),
     r"pdbe record 6gv0/experiment: field '6gv0' is an object, expected a list"),
    (lambda r: r.update(items=["x"]),
     r"pdbe record 6gv0/experiment: field '6gv0\[0\]' is a string, expected an object"),
    (lambda r: r["items"][0].update(resolution="2.3 A"),
     r"pdbe record 6gv0/experiment: field '6gv0\[0\].resolution' is a string, expected a number of Ångström"),
    (lambda r: r["items"][0].update(resolution=-1.0),
     r"field '6gv0\[0\].resolution' must be a positive number of Ångström \(value: -1.0\)"),
    (lambda r: r.update(pdb_id="6gv0x"),
     r"pdbe record 6gv0x/experiment: field '6gv0x' is a response key that is not a PDB ID \(a PDB ID is"),
    (lambda r: r.update(endpoint="files"), r"field 'endpoint' is not one kg maps"),
])
def test_a_bad_record_is_rejected_naming_the_record_and_the_field(change: Any, message: str) -> None:
    [record] = records("6gv0-experiment")
    record = copy.deepcopy(record)
    change(record)
    with pytest.raises(RecordError, match=message):
        PdbeLoader.map(raw("pdbe", record))


def test_an_obsolete_status_marks_the_entry_with_its_date_and_successors() -> None:
    edges = only("9xkg-status")
    entry = NamedNode("https://doi.org/10.2210/pdb9xkg/pdb")
    [node] = edges.objects(entry, KG.status)
    assert edges.values(node, KG.statusType) == {"obsoleted"}
    assert edges.values(node, KG.statusDate) == {"2024-06-05"}
    assert edges.values(node, KG.supersededBy) == {"https://doi.org/10.2210/pdb9xkh/pdb",
                                                   "https://doi.org/10.2210/pdb9xki/pdb"}
    assert records("9xkg-status")[0]["endpoint"] == "status"


def test_a_released_status_marks_nothing_and_a_bad_one_is_named() -> None:
    [record] = records("9xkg-status")
    released = copy.deepcopy(record)
    released["items"][0].update(status_code="REL", superceded_by=[])
    assert Edges(PdbeLoader.map(raw("pdbe", released))).objects(
        NamedNode("https://doi.org/10.2210/pdb9xkg/pdb"), KG.status) == set()
    odd = copy.deepcopy(record)
    odd["items"][0].update(superceded_by=[None, "not an id"])
    mapped_odd = PdbeLoader.map(raw("pdbe", odd))
    assert any("superceded_by[1]' is not a PDB ID" in str(w) for w in mapped_odd.warnings)
    del odd["items"][0]["status_code"]
    with pytest.raises(RecordError, match=r"pdbe record 9xkg/status: field '9xkg\[0\].status_code' is missing"):
        PdbeLoader.map(raw("pdbe", odd))


def test_in_a_batch_the_bad_entries_are_rejected_and_the_good_ones_load() -> None:
    good = fixture_json("pdbe/6gv0-experiment.json")["6gv0"]
    document = {"6gv0": good, "abcde": good, "9xkg": {"resolution": 3.1},
                "1cbs": [{**good[0], "resolution": "high"}]}
    store = Store.open(None)
    report = load(store, records_of(document, "file:///batch.json", WHEN, "batch.json", ""))
    assert (report.loaded, report.rejected) == (1, 3)
    assert [p.message.split(":")[0] for p in report.errors] == \
        ["pdbe record abcde/experiment", "pdbe record 9xkg/experiment", "pdbe record 1cbs/experiment"]
    assert [p.location for p in report.errors] == ["item 2", "item 3", "item 4"]


# ---------------------------------------------------------------- across records and sources

@pytest.fixture
def chain_store() -> Store:
    store = Store.open(None)
    report = load(store, read_paths(CHAIN_FILES))
    assert (report.loaded, report.rejected, report.warning_count) == (4, 0, 0)
    return store


def test_the_6gv0_chain_runs_from_article_to_entry_to_raw_data_each_hop_with_its_source(chain_store: Store) -> None:
    rows = select(chain_store, """SELECT ?entry ?raw ?g1 ?s1 ?g2 ?s2 WHERE {
        GRAPH ?g1 { ?article kg:reliesOnData ?entry }
        GRAPH ?g2 { ?entry kg:reliesOnData ?raw }
        GRAPH ?meta { ?g1 kg:source ?s1 . ?g2 kg:source ?s2 } }""", article=ARTICLE, meta=META)
    assert rows == [{"entry": ENTRY, "raw": RAW_DATA,
                     "g1": NamedNode(graph_iri("pdbe", "6gv0/publications")), "s1": Literal("pdbe"),
                     "g2": NamedNode(graph_iri("pdbe", "6gv0/related_experiment_data")), "s2": Literal("pdbe")}]


def test_the_entry_gathers_every_endpoint_on_one_node(chain_store: Store) -> None:
    rows = select(chain_store, """SELECT ?name ?res ?facility ?title WHERE {
        ?entry schema:name ?name ; kg:resolution ?res ; kg:facility/schema:name ?facility .
        ?article kg:reliesOnData ?entry ; schema:name ?title }""", entry=ENTRY)
    assert [(r["name"].value, Decimal(r["res"].value), r["facility"].value) for r in rows] == \
        [("Insulin glulisine", Decimal("2.3"), "Example Light Source")]


def test_crossref_and_pdbe_records_of_a_pdb_doi_meet_on_one_node() -> None:
    store = Store.open(None)
    report = load(store, read_paths([PDBE / "crossref-6gv0.json", PDBE / "6gv0-summary.json"]))
    assert (report.loaded, report.rejected) == (2, 0)
    entries = select(store, 'SELECT DISTINCT ?e WHERE { ?e kg:pdbId "6GV0" }')
    assert entries == [{"e": ENTRY}]
    sources = select(store, "SELECT ?source WHERE { GRAPH ?meta { ?g schema:about ?e ; kg:source ?source } }",
                     e=ENTRY, meta=META)
    assert sorted(r["source"].value for r in sources) == ["crossref", "pdbe"]
    people = select(store, "SELECT DISTINCT ?p WHERE { ?e schema:author/schema:author ?p }", e=ENTRY)
    assert len(people) == 2
    assert {r["c"] for r in select(store, "SELECT ?c WHERE { ?e a ?c }", e=ENTRY)} == {KG.StructureEntry}


def test_mapped_fixtures_pass_the_shapes() -> None:
    graphs: list[RecordGraph] = []
    for path in [*CHAIN_FILES, PDBE / "9xkg-summary.json", PDBE / "9xkg-experiment.json"]:
        for item in read_file(path):
            assert isinstance(item, RawRecord)
            graph, problems = map_record(item)
            assert graph is not None and problems == []
            graphs.append(graph)
    assert shacl_violations(q for g in graphs for q in (*g.quads, *g.meta_quads())) == []


# ---------------------------------------------------------------- HTTP


def config(tmp_path: Path) -> HttpConfig:
    return HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01)


def body(*names: str) -> Reply:
    merged: dict[str, Any] = {}
    for name in names:
        merged.update(fixture_json(f"pdbe/{name}.json"))
    return Reply(body=json.dumps(merged).encode(), headers={"Content-Type": "application/json"})


def test_one_id_is_fetched_with_a_get_per_endpoint(server: ReplayServer, tmp_path: Path) -> None:
    for endpoint in PdbeLoader.endpoints:
        server.add(f"/pdb/entry/{endpoint}/6gv0", body(f"6gv0-{endpoint}"))
    store = Store.open(None)
    report = harvest(store, PdbeLoader, config(tmp_path), HarvestRequest(dois=["PDB 6GV0"], api=server.base))
    assert (report.loaded, report.rejected) == (4, 0)
    assert [(s.method, s.path) for s in server.seen] == [("GET", f"/pdb/entry/{e}/6gv0") for e in PdbeLoader.endpoints]
    derived = select(store, "SELECT ?from WHERE { GRAPH ?meta { ?g ?derived ?from } }", meta=META,
                     g=NamedNode(graph_iri("pdbe", "6gv0/related_experiment_data")),
                     derived=NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert derived == [{"from": NamedNode(f"{server.base}/pdb/entry/related_experiment_data/6gv0")}]
    # offline, from the cache: the same four records, unchanged
    assert load(store, read_paths([tmp_path / "cache"])).unchanged == 4


def test_an_endpoint_without_data_is_skipped_but_a_missing_entry_is_an_error(server: ReplayServer,
                                                                               tmp_path: Path) -> None:
    server.add("/pdb/entry/summary/6gv0", body("6gv0-summary"))
    server.add("/pdb/entry/experiment/6gv0", body("6gv0-experiment"))
    store = Store.open(None)
    found = harvest(store, PdbeLoader, config(tmp_path), HarvestRequest(dois=["6gv0"], api=server.base))
    assert (found.loaded, found.rejected, found.errors) == (2, 0, [])
    missing = harvest(store, PdbeLoader, config(tmp_path), HarvestRequest(dois=["1abc"], api=server.base))
    assert (missing.loaded, missing.rejected) == (0, 1)
    [error] = missing.errors
    assert error.origin == f"{server.base}/pdb/entry/summary/1abc" and "HTTP 404" in error.message
    assert [s.path for s in server.seen][-1] == "/pdb/entry/summary/1abc"


def test_a_503_is_retried_then_the_entry_loads(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/pdb/entry/summary/6gv0", Reply(503, b"busy"), body("6gv0-summary"))
    for endpoint in PdbeLoader.endpoints[1:]:
        server.add(f"/pdb/entry/{endpoint}/6gv0", body(f"6gv0-{endpoint}"))
    report = harvest(Store.open(None), PdbeLoader, config(tmp_path), HarvestRequest(dois=["6gv0"], api=server.base))
    assert (report.loaded, report.rejected) == (4, 0)
    assert len(server.paths("/pdb/entry/summary/6gv0")) == 2


def test_several_ids_are_posted_as_one_text_list_per_endpoint(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/pdb/entry/summary/", body("6gv0-summary", "9xkg-summary"))
    server.add("/pdb/entry/publications/", body("6gv0-publications"))
    server.add("/pdb/entry/related_experiment_data/", body("6gv0-related_experiment_data"))
    server.add("/pdb/entry/experiment/", body("6gv0-experiment", "9xkg-experiment"))
    store = Store.open(None)
    request = HarvestRequest(dois=["6GV0", "doi:10.2210/pdb9xkg/pdb", "6gv0"], api=server.base)
    report = harvest(store, PdbeLoader, config(tmp_path), request)
    assert (report.loaded, report.rejected) == (6, 0)
    assert [(s.method, s.body, s.headers["Content-Type"]) for s in server.seen] == \
        [("POST", b"6gv0,9xkg", "text/plain")] * 4
    assert [s.path for s in server.seen] == [f"/pdb/entry/{e}/" for e in PdbeLoader.endpoints]


def test_posts_hold_at_most_a_hundred_ids(server: ReplayServer, tmp_path: Path) -> None:
    for endpoint in PdbeLoader.endpoints:
        server.add(f"/pdb/entry/{endpoint}/", Reply(body=b"{}"))
    pdb_ids = [f"1{n:03d}" for n in range(150)]
    with HttpClient("pdbe", config(tmp_path)) as client:
        answers = list(PdbeLoader.fetch(client, HarvestRequest(dois=pdb_ids, api=server.base)))
    assert len(answers) == 8
    assert [s.body.decode().split(",") for s in server.paths("/pdb/entry/summary/")] == [pdb_ids[:100], pdb_ids[100:]]


@pytest.mark.parametrize(("dois", "message"), [
    ([], r"PDBe is harvested by entry: name one or more PDB IDs"),
    (["6gv0", "10.1038/x"], r"not a valid PDB ID: '10.1038/x'"),
])
def test_fetch_needs_pdb_ids(dois: list[str], message: str, tmp_path: Path) -> None:
    with HttpClient("pdbe", config(tmp_path)) as client, pytest.raises(IdentifierError, match=message):
        PdbeLoader.fetch(client, HarvestRequest(dois=dois, api="http://127.0.0.1:9"))


# ---------------------------------------------------------------- the real corpus

FILES = corpus_files("pdbe/*.json")


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def expected_entries(path: Path) -> dict[str, dict[str, Any]]:
    """What each entry's graph must say, read straight from the JSON: PDB id -> expectations."""
    document = json.loads(path.read_text("utf-8"))
    items = {document["pdb_id"]: [document]} if "pdb_id" in document else document
    expected: dict[str, dict[str, Any]] = {}
    for pdb_id, entries in items.items():
        e: dict[str, Any] = {"methods": set(), "resolution": set(), "facilities": set(), "instruments": set(),
                             "articles": set()}
        for item in entries:
            method = item.get("experimental_method")
            e["methods"].update(method if isinstance(method, list) else [method] if method else [])
            if isinstance(item.get("resolution"), (int, float)):
                e["resolution"].add(Decimal(str(item["resolution"])))
            for source in item.get("diffraction_experiment") or []:
                if source.get("synchrotron_site"):
                    site = "https://w3id.org/evidence-kg/facility/" + slug_of(source["synchrotron_site"])
                    e["facilities"].add(site)
                    if source.get("synchrotron_beamline"):
                        e["instruments"].add(f"{site}/{slug_of(source['synchrotron_beamline'])}")
            for imaging in item.get("imaging") or []:
                if imaging.get("microscope"):
                    e["instruments"].add("https://w3id.org/evidence-kg/instrument/" + slug_of(imaging["microscope"]))
            if item.get("citation_doi"):
                e["articles"].add("https://doi.org/" + item["citation_doi"].lower())
        expected[pdb_id.lower()] = e
    return expected


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_real_file_loads_each_entry_with_its_method_resolution_and_facility(path: Path) -> None:
    loaded = load_file(path)
    graphs, problems, store = loaded.graphs, loaded.problems, loaded.store
    assert [str(p) for p in problems] == []
    expected = expected_entries(path)
    assert expected
    assert sorted(g.meta.record_id.split("/")[0] for g in graphs) == sorted(expected)
    for pdb_id, e in expected.items():
        entry = NamedNode(f"https://doi.org/10.2210/pdb{pdb_id}/pdb")
        [graph] = [g.graph for g in graphs if g.meta.about == entry]

        def values(prop: NamedNode, graph: NamedNode = graph, entry: NamedNode = entry) -> set[str]:
            rows = select(store, "SELECT ?v WHERE { GRAPH ?g { ?e ?p ?v } }", g=graph, e=entry, p=prop)
            return {r["v"].value for r in rows}

        assert values(RDF.type) == {KG.StructureEntry.value}
        assert values(KG.pdbId) == {pdb_id.upper()}
        assert values(KG.experimentalMethod) == e["methods"]
        assert {Decimal(v) for v in values(KG.resolution)} == e["resolution"]
        assert values(KG.facility) == e["facilities"]
        assert values(KG.instrument) == e["instruments"]
        relying = select(store, "SELECT ?a WHERE { GRAPH ?g { ?a kg:reliesOnData ?e } }", g=graph, e=entry)
        assert {r["a"].value for r in relying} == e["articles"]


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_real_file_passes_the_shapes(path: Path) -> None:
    graphs = load_file(path).graphs
    assert graphs
    assert shacl_violations(q for g in graphs for q in (*g.quads, *g.meta_quads())) == []
