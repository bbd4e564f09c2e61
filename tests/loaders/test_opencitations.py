"""The OpenCitations loader: COCI REST answers, CSV dumps (COCI and the Index v2 omid/doi form),
COCI metadata and Meta SPARQL results of our own; harvesting against a replaying server; and the
real corpus in ``../shared/realdata/opencitations``, each citation and work checked against
expectations read straight from its JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import RecordError
from kg.store import Store
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD
from loaders.base import HarvestRequest, Problem, RawRecord
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.opencitations import OCI_BASE, OpenCitationsLoader
from loaders.pipeline import load, map_record
from loaders.read import read_file, read_paths
from loaders.scholix import UnsupportedRequestError
from tests.loaders.conftest import FIXTURES, Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import (
    ABSENT,
    REALDATA,
    LoadedFile,
    corpus_files,
    load_file,
    select,
    shacl_violations,
    show,
)

ARTICLE = NamedNode("https://doi.org/10.5555/kg.article.1")
CITING = NamedNode("https://doi.org/10.5555/kg.citing.1")
OCI = "020010000083619136301026302000103630001060602-02001030701361924302723102137251614233701000005090307"


def citation(index: int = 0) -> dict[str, Any]:
    return fixture_json("opencitations/coci-citations.json")[index]


def mapped(data: dict[str, Any]) -> Edges:
    return Edges(OpenCitationsLoader.map(raw("opencitations", data)))


def csv_records(name: str) -> list[RawRecord | Problem]:
    return list(read_file(FIXTURES / "opencitations" / name))


# ---------------------------------------------------------------- citations

def test_a_citation_is_a_cites_edge_in_the_graph_named_by_its_oci() -> None:
    m = mapped(citation())
    assert m.mapped.graph.graph == NamedNode(ids.graph_iri("opencitations", OCI))
    assert m.objects(CITING, CITO.cites) == {ARTICLE}
    assert m.mapped.graph.meta.about == CITING
    assert m.objects(CITING, RDF.type) == {SCHEMA.CreativeWork}
    assert m.values(CITING, KG.doi) == {"10.5555/kg.citing.1"}


def test_the_citation_is_an_object_in_the_opencitations_data_model() -> None:
    m = mapped(citation())
    oci = NamedNode(OCI_BASE + OCI)
    assert m.objects(oci, RDF.type) == {CITO.Citation}
    assert m.objects(oci, CITO.hasCitingEntity) == {CITING}
    assert m.objects(oci, CITO.hasCitedEntity) == {ARTICLE}
    assert m.objects(oci, CITO.hasCitationCreationDate) == {Literal("2018-10-11", datatype=XSD.date)}
    assert m.objects(oci, CITO.hasCitationTimeSpan) == {Literal("P2Y6M10D", datatype=XSD.duration)}
    assert m.objects(oci, KG.journalSelfCitation) == {Literal(False)}
    assert m.objects(oci, KG.authorSelfCitation) == {Literal(True)}


@pytest.mark.parametrize(("creation", "datatype"), [("2019-02", XSD.gYearMonth), ("2016", XSD.gYear),
                                                     ("2019-02-03", XSD.date)])
def test_creation_dates_keep_their_precision(creation: str, datatype: NamedNode) -> None:
    data = citation(1) | {"creation": creation}
    m = mapped(data)
    oci = NamedNode(OCI_BASE + data["oci"])
    assert m.objects(oci, CITO.hasCitationCreationDate) == {Literal(creation, datatype=datatype)}


def test_a_negative_time_span_and_a_doi_with_angle_brackets_are_kept() -> None:
    data = fixture_json("opencitations/coci-references.json")[0]
    m = mapped(data)
    cited = NamedNode("https://doi.org/10.1002/(sici)1097-4571(198909)40:5%3C342::aid-asi7%3E3.0.co;2-u")
    assert m.objects(ARTICLE, CITO.cites) == {cited}
    assert m.objects(NamedNode(OCI_BASE + data["oci"]), CITO.hasCitationTimeSpan) == \
        {Literal("-P1M", datatype=XSD.duration)}


@pytest.mark.parametrize(("field", "value", "warning"), [
    ("creation", "soon", "field 'creation' is not a date (YYYY, YYYY-MM or YYYY-MM-DD) and was left out"),
    ("timespan", "3 years", "field 'timespan' is not an xsd:duration such as P1Y2M3D and was left out"),
    ("author_sc", "maybe", "field 'author_sc' is not yes or no and was left out"),
])
def test_a_bad_optional_value_is_left_out_with_a_warning(field: str, value: str, warning: str) -> None:
    m = mapped(citation() | {field: value})
    assert m.objects(CITING, CITO.cites) == {ARTICLE}
    assert m.mapped.warnings == [f"opencitations record {OCI}: {warning} (value: {value!r})"]


@pytest.mark.parametrize(("change", "record", "field", "message"), [
    ({"oci": "oci-0610"}, "(no OCI)", "oci", r"is not an Open Citation Identifier \(digits, '-', digits\)"),
    ({"citing": ""}, OCI, "citing", "is missing; a citation has a citing and a cited work"),
    ({"cited": "11.1/x"}, OCI, "cited", r"is not a valid DOI \(a DOI starts with '10.'"),
    ({"cited": "isbn:9780000000002"}, OCI, "cited", "names no DOI, PMID or OMID"),
    ({"cited": 12}, OCI, "cited", "is a number, expected a string"),
])
def test_a_bad_citation_is_rejected_naming_the_record_and_the_field(change: dict[str, Any], record: str,
                                                                      field: str, message: str) -> None:
    with pytest.raises(RecordError, match=message) as caught:
        OpenCitationsLoader.map(raw("opencitations", citation() | change))
    assert (caught.value.record_id, caught.value.field) == (record, field)


def test_a_work_citing_itself_is_skipped_with_a_warning() -> None:
    graph, problems = map_record(raw("opencitations", citation() | {"cited": "doi:10.5555/KG.CITING.1"}))
    assert graph is None
    assert [(p.level, p.message) for p in problems] == [(
        "warning", f"opencitations record {OCI}: field 'cited' names the citing work itself "
                   "(https://doi.org/10.5555/kg.citing.1); the citation is left out")]


# ---------------------------------------------------------------- CSV dumps

def test_a_coci_csv_dump_gives_one_citation_per_row_and_a_problem_for_a_bad_row() -> None:
    items = csv_records("coci-dump.csv")
    assert [(type(i).__name__, i.location) for i in items] == [
        ("RawRecord", "line 2"), ("RawRecord", "line 3"), ("Problem", "line 4"), ("RawRecord", "line 5")]
    problem = items[2]
    assert isinstance(problem, Problem)
    assert problem.message == "the row has 4 fields; the header has 7"
    graphs = [map_record(i)[0] for i in items if isinstance(i, RawRecord)]
    assert [g.meta.record_id for g in graphs if g] == [
        "0200101000836191363010263020001036300010606-020010000013619102210370209053701370900",
        "0200101000836191363010263020001036300010606-02001000002361028183704060300020400040006",
        "0200101000836191363010263020001036300010606-020010000073628010005070963"]


def test_an_index_row_of_omid_and_doi_lists_names_works_by_doi_and_keeps_the_omids() -> None:
    first, second = (i for i in csv_records("index-v2.csv") if isinstance(i, RawRecord))
    m = Edges(OpenCitationsLoader.map(first))
    citing = NamedNode("https://doi.org/10.5555/kg.citing.3")
    assert m.mapped.graph.graph == NamedNode(ids.graph_iri("opencitations", "06101801781-06180334099"))
    assert m.objects(citing, CITO.cites) == {ARTICLE}
    assert m.values(citing, SCHEMA.identifier) == {"omid:br/06101801781"}
    assert m.values(citing, KG.pmid) == {"33817056"}
    assert m.values(ARTICLE, SCHEMA.identifier) == {"omid:br/06180334099"}
    # no DOI: the PMID names the citing work, the OMID's Meta IRI the cited one
    m = Edges(OpenCitationsLoader.map(second))
    pubmed, meta = NamedNode("https://pubmed.ncbi.nlm.nih.gov/33817057"), \
        NamedNode("https://w3id.org/oc/meta/br/06180334100")
    assert m.objects(pubmed, CITO.cites) == {meta}
    assert m.values(meta, SCHEMA.identifier) == {"omid:br/06180334100"}
    assert m.objects(NamedNode(OCI_BASE + "06101801782-06180334100"), CITO.hasCitationCreationDate) == \
        {Literal("2021", datatype=XSD.gYear)}


# ---------------------------------------------------------------- works: metadata and Meta

def test_coci_metadata_describes_the_work_with_the_counts_the_api_reports() -> None:
    m = mapped(fixture_json("opencitations/coci-metadata.json")[0])
    assert m.mapped.graph.graph == NamedNode(ids.graph_iri("opencitations", "meta/10.5555/kg.article.1"))
    assert m.values(ARTICLE, SCHEMA.name) == {"Setting our references free"}
    assert m.objects(ARTICLE, SCHEMA.datePublished) == {Literal("2015", datatype=XSD.gYear)}
    assert m.values(ARTICLE, KG.containerTitle) == {"Journal Of Tests"}
    assert m.values(ARTICLE, KG.issn) == {"0022-0418", "1758-7379"}
    assert m.objects(ARTICLE, KG.sourceCitationCount) == {Literal(2)}
    assert m.objects(ARTICLE, KG.referenceCount) == {Literal(3)}
    assert m.objects(ARTICLE, KG.unresolvedReferenceCount) == {Literal(1)}
    assert m.objects(ARTICLE, CITO.cites) == {
        NamedNode("https://doi.org/10.1002/(sici)1097-4571(198909)40:5%3C342::aid-asi7%3E3.0.co;2-u"),
        NamedNode("https://doi.org/10.5555/kg.cited.2")}
    assert m.subjects(CITO.cites, ARTICLE) == {CITING, NamedNode("https://doi.org/10.5555/kg.citing.2")}
    assert m.mapped.warnings == ["opencitations record meta/10.5555/kg.article.1: field 'reference' holds an entry "
                                 "that is not a DOI; left out (value: 'not-a-doi')"]


def test_coci_metadata_authors_are_ordered_with_their_orcids() -> None:
    m = mapped(fixture_json("opencitations/coci-metadata.json")[0])
    slots = {next(iter(m.values(s, SCHEMA.position))): s for s in m.objects(ARTICLE, SCHEMA.author)}
    assert sorted(slots) == ["1", "2", "3"]
    assert m.objects(slots["1"], SCHEMA.author) == {NamedNode("https://orcid.org/0000-0003-0530-4305")}
    (second,) = m.objects(slots["2"], SCHEMA.author)
    assert (m.values(second, SCHEMA.givenName), m.values(second, SCHEMA.familyName)) == ({"Alexander"}, {"Dutton"})


def test_meta_sparql_results_give_one_work_per_doi_with_its_identifiers() -> None:
    document = fixture_json("opencitations/meta-sparql.json")
    records = OpenCitationsLoader.records_in(document)
    assert records is not None and len(records) == 2
    first, second = (mapped(r) for r in records)
    work = NamedNode("https://doi.org/10.5555/kg.meta.1")
    assert first.mapped.graph.graph == NamedNode(ids.graph_iri("opencitations", "meta/10.5555/kg.meta.1"))
    assert first.values(work, KG.doi) == {"10.5555/kg.meta.1"}
    assert first.values(work, KG.pmid) == {"31859689", "31857888"}
    assert first.values(work, KG.pmcid) == {"PMC6422012"}  # the "value" column: the PMC ID looked up
    assert first.values(work, SCHEMA.identifier) == {"omid:br/061103888040"}
    assert second.values(NamedNode("https://doi.org/10.5555/kg.meta.2"), KG.pmcid) == {"PMC6422012"}


def test_records_in_recognises_every_opencitations_shape_and_no_other() -> None:
    row = citation()
    assert OpenCitationsLoader.records_in(row) == [row]
    metadata = fixture_json("opencitations/coci-metadata.json")[0]
    assert OpenCitationsLoader.records_in(metadata) == [metadata]
    assert OpenCitationsLoader.records_in([row]) is None  # arrays are read item by item (loaders.read)
    assert OpenCitationsLoader.records_in(fixture_json("crossref/work-full.json")) is None
    assert OpenCitationsLoader.records_in(fixture_json("scholix/dump-entity.json")) is None
    assert OpenCitationsLoader.records_in({"head": {"vars": ["s"]}, "results": {"bindings": [
        {"s": {"type": "uri", "value": "https://example.org/x"}}]}}) is None


# ---------------------------------------------------------------- harvesting


def reply(name: str) -> Reply:
    return Reply(body=(FIXTURES / "opencitations" / name).read_bytes(), headers={"Content-Type": "application/json"})


def test_harvest_fetches_citations_and_references_of_each_doi(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/citations/10.5555/kg.article.1", reply("coci-citations.json"))
    server.add("/references/10.5555/kg.article.1", reply("coci-references.json"))
    server.add("/citations/10.5555/kg.uncited", Reply(body=b"[]"))
    server.add("/references/10.5555/kg.uncited", Reply(body=b"[]"))
    store = Store.open(None)
    config = HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01)
    request = HarvestRequest(dois=["https://doi.org/10.5555/KG.Article.1", "10.5555/kg.uncited"], api=server.base)
    report = harvest(store, OpenCitationsLoader, config, request)
    assert (report.loaded, report.rejected, report.error_count) == (3, 0, 0)
    assert [seen.path for seen in server.seen] == [
        "/citations/10.5555/kg.article.1", "/references/10.5555/kg.article.1",
        "/citations/10.5555/kg.uncited", "/references/10.5555/kg.uncited"]
    rows = select(store, "SELECT ?s ?o WHERE { ?s cito:cites ?o }")
    assert len(rows) == 3
    # offline: the cached answers, empty ones included, map again without a problem
    again = load(Store.open(None), read_paths([tmp_path / "cache"]))
    assert (again.loaded, again.rejected, again.error_count) == (3, 0, 0)


@pytest.mark.parametrize(("request_", "message"), [
    (HarvestRequest(query="open citations"), r"opencitations: --query is not supported: the OpenCitations Index "
                                             r"API looks citations up by DOI only; give --doi"),
    (HarvestRequest(filter="from:2020"), r"opencitations: --filter is not supported"),
    (HarvestRequest(), r"opencitations: a listing without --doi is not supported"),
])
def test_requests_the_index_api_cannot_answer_are_refused_clearly(request_: HarvestRequest, message: str) -> None:
    with pytest.raises(UnsupportedRequestError, match=message) as caught:
        OpenCitationsLoader.fetch(None, request_)  # type: ignore[arg-type]  # refused before any request
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------- the real corpus

CORPUS = REALDATA / "opencitations"
DATATYPE = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


FILES = corpus_files("opencitations/*/*.json")


@dataclass
class Expected:
    """What the graphs of one file must say, read straight from its JSON."""

    #: (graph, citing, cited, creation date, time span) of each citation
    citations: list[tuple[NamedNode, NamedNode, NamedNode, Literal, Literal]]
    #: (graph, work, citation count, cites edges) of each COCI metadata record
    works: list[tuple[NamedNode, NamedNode, int, set[tuple[NamedNode, NamedNode]]]]
    #: (graph, work, PMIDs) of each Meta entity and DOI
    meta: list[tuple[NamedNode, NamedNode, set[str]]]


def doi_node(text: str) -> NamedNode:
    return NamedNode(ids.doi_iri(text))


def expected(path: Path) -> Expected:
    document = json.loads(path.read_text("utf-8"))
    e = Expected([], [], [])
    if isinstance(document, dict):  # Meta SPARQL results; "value" is the identifier the query looked up
        columns = document["head"]["vars"]
        looked_up = next(v for v in ("doi", "pmid", "pmcid") if v not in columns)
        pmids: dict[tuple[str, str], set[str]] = {}
        for row in document["results"]["bindings"]:
            values = {k: v["value"] for k, v in row.items()} | {looked_up: row["value"]["value"]}
            found = pmids.setdefault((values["paper"], values["doi"]), set())
            found.update([values["pmid"]] if "pmid" in values else [])
        e.meta = [(NamedNode(ids.graph_iri("opencitations", f"meta/{ids.normalize_doi(doi)}")), doi_node(doi), p)
                  for (_, doi), p in pmids.items()]
        return e
    for item in document:
        if "oci" in item:
            creation = Literal(item["creation"], datatype=DATATYPE[len(item["creation"])])
            e.citations.append((NamedNode(ids.graph_iri("opencitations", item["oci"])), doi_node(item["citing"]),
                                doi_node(item["cited"]), creation, Literal(item["timespan"], datatype=XSD.duration)))
        else:
            work = doi_node(item["doi"])
            edges = {(work, doi_node(d)) for d in item["reference"].split("; ") if ids.normalize_doi(d, strict=False)}
            edges |= {(doi_node(d), work) for d in item["citation"].split("; ")}
            e.works.append((NamedNode(ids.graph_iri("opencitations", f"meta/{ids.normalize_doi(item['doi'])}")), work,
                            int(item["citation_count"]), edges))
    return e


@pytest.fixture(scope="module")
def corpus() -> dict[Path, LoadedFile]:
    if not CORPUS.is_dir():
        pytest.skip(ABSENT)
    return {param.values[0]: load_file(param.values[0]) for param in FILES}


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_file_loads_every_record_without_error(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    loaded, e = corpus[path], expected(path)
    assert [str(p) for p in loaded.problems if p.level == "error"] == []
    graphs = [g for g, *_ in e.citations] + [g for g, *_ in e.works] + [g for g, *_ in e.meta]
    assert graphs, f"{path.name}: no records"
    assert sorted(g.graph.value for g in loaded.graphs) == sorted(g.value for g in graphs)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_each_citation_is_a_cites_edge_and_an_oci_citation_object(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    store, wrong = corpus[path].store, []
    for graph, citing, cited, creation, span in expected(path).citations:
        edges = {(r["s"], r["o"]) for r in select(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s cito:cites ?o } }",
                                                   g=graph)}
        oci = NamedNode(OCI_BASE + graph.value.rsplit("/", 1)[-1])
        rows = select(store, "SELECT ?p ?o WHERE { GRAPH ?g { ?c ?p ?o } }", g=graph, c=oci)
        found = {(r["p"], r["o"]) for r in rows}
        want = {(RDF.type, CITO.Citation), (CITO.hasCitingEntity, citing), (CITO.hasCitedEntity, cited),
                (CITO.hasCitationCreationDate, creation)}
        # the store keeps durations in canonical form ("P11Y10M0D" is "P11Y10M"): compared by value
        spans = select(store, "SELECT ?o WHERE { GRAPH ?g { ?c cito:hasCitationTimeSpan ?o } FILTER(?o = ?span) }",
                       g=graph, c=oci, span=span)
        if edges != {(citing, cited)} or not want <= found or len(spans) != 1:
            wrong.append(f"{show(graph)}: cites {sorted(map(show, edges))}, missing {sorted(map(show, want - found))}"
                         f"{'' if spans else ', time span ' + span.value}")
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_each_work_has_the_count_and_the_citations_the_api_reports(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    store, wrong = corpus[path].store, []
    for graph, work, count, edges in expected(path).works:
        counts = [r["n"] for r in select(store, "SELECT ?n WHERE { GRAPH ?g { ?w kg:sourceCitationCount ?n } }",
                                         g=graph, w=work)]
        found = {(r["s"], r["o"]) for r in select(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s cito:cites ?o } }",
                                                  g=graph)}
        if counts != [Literal(count)] or found != edges:
            wrong.append(f"{show(work)}: counts {counts}, {len(found)} cites edges, expected {len(edges)}")
    for graph, work, pmids in expected(path).meta:
        found_pmids = {r["p"].value for r in select(store, "SELECT ?p WHERE { GRAPH ?g { ?w kg:pmid ?p } }",
                                                    g=graph, w=work)}
        if found_pmids != pmids:
            wrong.append(f"{show(work)}: PMIDs {sorted(found_pmids)}, expected {sorted(pmids)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
def test_corpus_exercises_citations_metadata_and_meta(corpus: dict[Path, LoadedFile]) -> None:
    every = [expected(p.values[0]) for p in FILES]
    assert sum(len(e.citations) for e in every) > 100
    assert sum(len(e.works) for e in every) >= 3
    assert sum(len(e.meta) for e in every) >= 5
    assert {c[3].datatype for e in every for c in e.citations} == {XSD.date, XSD.gYearMonth, XSD.gYear}


@pytest.mark.realdata
@pytest.mark.slow
def test_every_mapped_citation_and_work_passes_the_shapes(corpus: dict[Path, LoadedFile]) -> None:
    latest = {g.graph: g for loaded in corpus.values() for g in loaded.graphs}
    assert len(latest) > 100
    violations = shacl_violations(q for r in latest.values() for q in (*r.quads, *r.meta_quads()))
    assert violations == [], "\n".join(violations)
