"""The Zenodo loader: both JSON forms, versions and concepts, usage observations, one node per DOI
across sources, bad input, harvesting over HTTP, and the real recorded corpus."""

from __future__ import annotations

import copy
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, RecordError
from kg.ids import META_GRAPH
from kg.store import Store
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD, relation, relations
from loaders.base import HarvestRequest, RawRecord
from loaders.harvest import harvest
from loaders.http import HttpClient, HttpConfig
from loaders.pipeline import load
from loaders.read import detect, read_paths
from loaders.zenodo import ZenodoLoader
from tests.loaders.conftest import FIXTURES, WHEN, Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import ABSENT, REALDATA, corpus_files, load_file, shacl_violations

ZENODO = FIXTURES / "zenodo"
META = NamedNode(META_GRAPH)
PREFIXES = ("PREFIX kg: <https://w3id.org/evidence-kg/ns#>\nPREFIX schema: <http://schema.org/>\n"
            "PREFIX prov: <http://www.w3.org/ns/prov#>\n")


def doi(value: str) -> NamedNode:
    return NamedNode(ids.doi_iri(value))


WORK, CONCEPT = doi("10.5281/zenodo.990001"), doi("10.5281/zenodo.990000")
RDM, RDM_CONCEPT = doi("10.5281/zenodo.990011"), doi("10.5281/zenodo.990010")
VERSIONS = [doi(f"10.5281/zenodo.99003{n}") for n in (1, 2, 3)]
JANE = NamedNode("https://orcid.org/0000-0002-1825-0097")


def record(name: str) -> dict[str, Any]:
    return copy.deepcopy(fixture_json(f"zenodo/{name}.json"))


def mapped(data: dict[str, Any]) -> Edges:
    return Edges(ZenodoLoader.map(raw("zenodo", data)))


def slots(m: Edges, work: NamedNode, role: NamedNode) -> dict[int, NamedNode]:
    found = {int(next(iter(m.values(s, SCHEMA.position)))): s for s in m.objects(work, role)}
    assert found, f"no {role.value} of {work.value}"
    return found


def select(store: Store, sparql: str, **bindings: NamedNode) -> list[dict[str, Any]]:
    return store.select(PREFIXES + sparql, bindings).dicts()


# ---------------------------------------------------------------- mapping our own records


def test_legacy_record_is_typed_titled_dated_licensed_and_placed() -> None:
    m = mapped(record("record-legacy"))
    assert m.mapped.graph.graph == NamedNode(ids.graph_iri("zenodo", "990001"))
    assert m.objects(WORK, RDF.type) == {SCHEMA.SoftwareSourceCode}
    assert m.values(WORK, SCHEMA.additionalType) == {"software"}
    assert m.values(WORK, SCHEMA.name) == {"kgtool: a test tool"}
    assert m.objects(WORK, SCHEMA.datePublished) == {Literal("2024-03-05", datatype=XSD.date)}
    assert m.values(WORK, SCHEMA.description) == {"A tool & its tests. Second paragraph.", "Cite the paper too."}
    assert m.values(WORK, SCHEMA.version) == {"v2.0.1"}
    assert m.values(WORK, SCHEMA.keywords) == {"knowledge graphs", "provenance", "Computer science"}
    assert m.objects(WORK, SCHEMA.license) == {NamedNode("https://spdx.org/licenses/MIT")}
    assert m.values(WORK, KG.community) == {"kg-test"}
    assert m.values(WORK, KG.pmcid) == {"PMC1234567"}
    assert m.objects(WORK, SCHEMA.url) == {NamedNode("https://zenodo.org/records/990001")}


def test_inveniordm_record_is_read_from_its_own_form() -> None:
    m = mapped(record("record-rdm"))
    assert m.mapped.graph.graph == NamedNode(ids.graph_iri("zenodo", "990011"))
    assert m.objects(RDM, RDF.type) == {SCHEMA.Dataset}
    assert m.values(RDM, SCHEMA.additionalType) == {"dataset"}
    assert m.objects(RDM, SCHEMA.datePublished) == {Literal("2024-06", datatype=XSD.gYearMonth)}
    assert (m.values(RDM, SCHEMA.alternateName), m.values(RDM, SCHEMA.alternativeHeadline)) == \
        ({"Test data for kg"}, {"measured twice"})
    assert (m.values(RDM, SCHEMA.description), m.values(RDM, SCHEMA.abstract)) == ({"Data for kg."}, {"An abstract."})
    assert m.values(RDM, SCHEMA.keywords) == {"linked data", "computer science"}
    assert m.objects(RDM, SCHEMA.license) == {NamedNode("https://creativecommons.org/licenses/by/4.0/legalcode"),
                                              NamedNode("https://spdx.org/licenses/CC0-1.0")}
    assert m.values(RDM, KG.pmid) == {"33462295"}
    assert m.values(RDM, KG.containerTitle) == {"Journal of Tests"}
    assert m.values(RDM, KG.community) == {"kg-test"}
    (publisher,) = m.objects(RDM, SCHEMA.publisher)
    assert m.values(publisher, SCHEMA.name) == {"Zenodo"}


def test_creators_and_contributors_of_the_legacy_form() -> None:
    m = mapped(record("record-legacy"))
    creators = slots(m, WORK, SCHEMA.creator)
    assert sorted(creators) == [1, 2]
    assert m.objects(creators[1], SCHEMA.creator) == {JANE}
    (university,) = m.objects(creators[1], SCHEMA.affiliation)
    assert m.values(university, SCHEMA.name) == {"Test University"}
    (richard,) = m.objects(creators[2], SCHEMA.creator)
    assert richard.value.startswith(ids.KG_BASE + "person/") and m.values(richard, SCHEMA.name) == {"Roe, Richard"}
    assert m.objects(slots(m, WORK, SCHEMA.contributor)[1], SCHEMA.contributor) == \
        {NamedNode("https://orcid.org/0000-0001-5109-3700")}


def test_creators_and_contributors_of_the_inveniordm_form() -> None:
    m = mapped(record("record-rdm"))
    creators = slots(m, RDM, SCHEMA.creator)
    assert m.objects(creators[1], SCHEMA.creator) == {JANE}
    assert m.objects(creators[1], SCHEMA.affiliation) == {NamedNode("https://ror.org/05gq02987")}
    lab = NamedNode("https://ror.org/01ggx4157")
    assert m.objects(creators[2], SCHEMA.creator) == {lab}
    assert m.objects(lab, RDF.type) == {SCHEMA.Organization}
    (sam,) = m.objects(slots(m, RDM, SCHEMA.contributor)[1], SCHEMA.contributor)
    assert (m.values(sam, SCHEMA.givenName), m.values(sam, SCHEMA.familyName)) == ({"Sam"}, {"Smith"})


@pytest.mark.parametrize(("name", "work", "funder"), [
    ("record-legacy", WORK, "https://doi.org/10.13039/501100000780"),
    ("record-rdm", RDM, "https://ror.org/00k4n6c32"),
])
def test_grants_name_the_funder_by_its_identifier(name: str, work: NamedNode, funder: str) -> None:
    m = mapped(record(name))
    assert m.objects(work, SCHEMA.funder) == {NamedNode(funder)}
    (grant,) = m.objects(work, SCHEMA.funding)
    assert (m.values(grant, SCHEMA.identifier), m.values(grant, SCHEMA.name)) == ({"101004728"}, {"PaNOSC"})
    assert m.objects(grant, SCHEMA.funder) == {NamedNode(funder)}
    assert m.values(NamedNode(funder), SCHEMA.name) == {"European Commission"}


def test_related_identifiers_of_every_scheme_go_through_the_catalogue() -> None:
    m = mapped(record("record-legacy"))
    article, data, release = doi("10.5555/kg.article.1"), doi("10.5555/kg.data.1"), \
        NamedNode("https://github.com/example/kgtool/tree/v2.0.1")
    arxiv, pubmed = NamedNode("https://arxiv.org/abs/2101.00001"), NamedNode("https://pubmed.ncbi.nlm.nih.gov/33462295")
    assert m.objects(WORK, KG.isSupplementTo) == {article, release}
    # the article relies on this record, which is software; the GitHub release it archives does not
    assert m.objects(article, KG.reliesOnSoftware) == {WORK} and m.objects(release, KG.reliesOnSoftware) == set()
    assert m.objects(WORK, KG.isDerivedFrom) == {data} and m.objects(WORK, KG.reliesOnData) == {data}
    assert m.objects(WORK, KG.cites) == {arxiv} and m.objects(WORK, KG.references) == {pubmed}
    assert m.objects(WORK, CITO.cites) == {arxiv, pubmed}
    (part,) = m.objects(WORK, KG.hasPart)
    assert m.values(part, SCHEMA.identifier) == {"lsid:urn:lsid:example.org:act:1"}
    assert m.objects(WORK, KG.isPartOf) == {CONCEPT}


def test_an_alternate_identifier_among_related_identifiers_is_an_identifier_not_a_link() -> None:
    data = record("record-legacy")
    data["metadata"]["related_identifiers"] = [
        {"identifier": "2101.00002", "relation": "isAlternateIdentifier", "scheme": "arxiv"}]
    m = mapped(data)
    assert m.values(WORK, KG.arxiv) == {"2101.00002"}
    assert not [t for t in m.triples if t[0] == WORK and t[1] in {r.iri for r in relations()} - {KG.isVersionOf}]


def test_inveniordm_relation_type_ids_go_through_the_catalogue() -> None:
    m = mapped(record("record-rdm"))
    assert m.objects(RDM, KG.isSupplementTo) == {doi("10.5555/kg.article.2")}
    assert m.objects(doi("10.5555/kg.article.2"), KG.reliesOnData) == {RDM}
    code, release = doi("10.5555/kg.code.1"), NamedNode("https://github.com/example/kgdata/tree/release%2F2024.06")
    assert m.objects(RDM, KG.requires) == {WORK}
    assert m.objects(RDM, KG.isDerivedFrom) == {code, release}
    # derived from data, except where the target's resource type says it is software
    assert m.objects(RDM, KG.reliesOnSoftware) == {WORK, code} and m.objects(RDM, KG.reliesOnData) == {release}


@pytest.mark.parametrize(("name", "work", "repository", "tag"), [
    ("record-legacy", WORK, "https://github.com/example/kgtool", "v2.0.1"),
    ("record-rdm", RDM, "https://github.com/example/kgdata", "release/2024.06"),
])
def test_a_github_release_keeps_its_repository_and_tag(name: str, work: NamedNode, repository: str,
                                                       tag: str) -> None:
    m = mapped(record(name))
    assert m.objects(work, SCHEMA.codeRepository) == {NamedNode(repository)}
    assert m.values(work, KG.releaseTag) == {tag}


@pytest.mark.parametrize(("name", "work", "concept", "cls", "index"), [
    ("record-legacy", WORK, CONCEPT, SCHEMA.SoftwareSourceCode, 2),  # legacy index 1, counted from 0
    ("record-rdm", RDM, RDM_CONCEPT, SCHEMA.Dataset, 3),  # InvenioRDM counts from 1
])
def test_the_version_and_its_concept_link_in_the_versions_own_graph(name: str, work: NamedNode,
                                                                     concept: NamedNode, cls: NamedNode,
                                                                     index: int) -> None:
    m = mapped(record(name))
    assert m.objects(work, KG.isVersionOf) == {concept}
    assert m.objects(concept, KG.hasVersion) == {work}
    assert m.objects(concept, RDF.type) == {KG.Concept, cls}
    assert m.values(concept, KG.doi) == {concept.value.removeprefix(ids.DOI_BASE)}
    assert m.values(concept, SCHEMA.name) == m.values(work, SCHEMA.name)
    assert m.objects(work, KG.versionIndex) == {Literal(index)}


@pytest.mark.parametrize(("is_last", "count", "warned"), [
    (True, 2, False), ("True", 2, False),  # the last of index 1 (from 0): two versions; real records write "True"
    (False, None, False), ("False", None, False), (None, None, False),
    ("yes", None, True),  # neither: read as not the last, with a warning naming the field
])
def test_the_last_versions_number_is_zenodos_count_of_versions(is_last: object, count: int | None,
                                                                warned: bool) -> None:
    data = record("record-legacy")  # relations.version[0]: index 1, no count
    version = data["metadata"]["relations"]["version"][0]
    assert "count" not in version and version["index"] == 1
    if is_last is None:
        del version["is_last"]
    else:
        version["is_last"] = is_last
    m = mapped(data)
    assert m.objects(CONCEPT, KG.sourceVersionCount) == ({Literal(count)} if count else set())
    assert m.objects(WORK, KG.versionIndex) == {Literal(2)}
    notes = [n for n in m.mapped.warnings if "relations.version[0].is_last" in n]
    assert notes == (["zenodo record 990001: field 'metadata.relations.version[0].is_last' is a string, "
                      "expected true or false; read as false"] if warned else [])


def test_the_latest_inveniordm_versions_number_is_zenodos_count_of_versions() -> None:
    data = record("record-rdm")  # versions: index 3, is_latest
    assert data["versions"]["is_latest"] is True
    assert mapped(data).objects(RDM_CONCEPT, KG.sourceVersionCount) == {Literal(3)}
    data["versions"]["is_latest"] = False
    assert mapped(data).objects(RDM_CONCEPT, KG.sourceVersionCount) == set()


USAGE = ("views", "downloads", "uniqueViews", "uniqueDownloads",
         "versionViews", "versionDownloads", "versionUniqueViews", "versionUniqueDownloads")


@pytest.mark.parametrize(("name", "work", "figures"), [
    # today's legacy form: views = all versions, version_views = this version
    ("record-legacy", WORK, (120, 30, 100, 25, 40, 10, 35, 9)),
    # the old Zenodo's legacy form (no recid, floats): the reverse
    ("version-1", VERSIONS[0], (70, 21, 60, 20, 8, 3, 7, 3)),
    ("record-rdm", RDM, (50, 20, 40, 15, 12, 5, 10, 4)),
])
def test_stats_are_a_usage_observation_dated_when_harvested_never_citations(name: str, work: NamedNode,
                                                                             figures: tuple[int, ...]) -> None:
    m = mapped(record(name))
    (usage,) = m.objects(work, KG.usage)
    assert usage.value.startswith(m.mapped.graph.graph.value + "#")
    assert m.objects(usage, RDF.type) == {KG.UsageObservation}
    assert {p: m.objects(usage, KG[p]) for p in USAGE} == {p: {Literal(n)} for p, n in zip(USAGE, figures, strict=True)}
    assert m.objects(usage, KG.observedAt) == {Literal(WHEN.isoformat(), datatype=XSD.dateTime)}
    assert not [t for t in m.triples if t[1] == KG.sourceCitationCount]


def test_a_record_without_stats_has_no_usage_observation() -> None:
    data = record("record-legacy")
    del data["stats"]
    assert mapped(data).objects(WORK, KG.usage) == set()


# ---------------------------------------------------------------- recognising and rejecting


def test_records_and_search_pages_are_recognised_and_other_sources_are_not() -> None:
    legacy, rdm = record("record-legacy"), record("record-rdm")
    assert ZenodoLoader.records_in(legacy) == [legacy] and ZenodoLoader.records_in(rdm) == [rdm]
    page = {"hits": {"hits": [legacy, rdm], "total": 2}, "links": {}}
    assert ZenodoLoader.records_in(page) == [legacy, rdm]
    assert ZenodoLoader.records_in({"hits": {"hits": [], "total": 0}}) == []
    others: list[Any] = [fixture_json("crossref/work-full.json"), fixture_json("datacite/software-full.json"),
                         record("datacite-same-doi"), {"hits": {"hits": [{"_source": {}}]}}]
    assert [ZenodoLoader.records_in(other) for other in others] == [None] * 4
    assert [getattr(detect(d)[0], "name", None) for d in (legacy, rdm, page, record("datacite-same-doi"))] == \
        ["zenodo", "zenodo", "zenodo", "datacite"]


def _relation(r: dict[str, Any], value: object) -> None:
    r["metadata"]["related_identifiers"][0]["relation"] = value


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda r: r.pop("doi") and r["metadata"].pop("doi"), "doi", "is missing; kg names a work by its DOI"),
    (lambda r: r.update(doi="11.1/x"), "doi", "is not a valid DOI"),
    (lambda r: r["metadata"].update(title=5), "metadata.title", "is a number, expected a string"),
    (lambda r: r["metadata"].update(creators="Doe"), "metadata.creators", "is a string, expected a list"),
    (lambda r: r["stats"].update(views="many"), "stats.views", "is a string, expected a whole number"),
    (lambda r: r["stats"].update(downloads=2.5), "stats.downloads", "is a fraction, expected a whole number"),
    (lambda r: _relation(r, "isFrobnicatedBy"), r"metadata.related_identifiers\[0\].relation",
     r"names a relation type that is not in the catalogue \(add it to ontology/kg.ttl\)"),
    (lambda r: _relation(r, None), r"metadata.related_identifiers\[0\].relation", "is missing"),
], ids=["no-doi", "bad-doi", "title-number", "creators-string", "stats-string", "stats-fraction",
        "unknown-relation", "no-relation"])
def test_bad_record_is_rejected_naming_the_record_and_the_field(change: Any, field: str, message: str) -> None:
    bad = record("record-legacy")
    change(bad)
    with pytest.raises(RecordError, match=rf"^zenodo record 990001: field '{field}' {message}"):
        ZenodoLoader.map(raw("zenodo", bad))


def test_bad_inveniordm_relation_and_missing_id_are_rejected() -> None:
    bad = record("record-rdm")
    bad["metadata"]["related_identifiers"][0]["relation_type"] = {"id": "isfrobnicatedby"}
    with pytest.raises(RecordError, match=r"^zenodo record 990011: field "
                                          r"'metadata.related_identifiers\[0\].relation_type' names a relation"):
        ZenodoLoader.map(raw("zenodo", bad))
    del bad["id"]
    with pytest.raises(RecordError, match=r"^zenodo record \(no id\): field 'id' is missing or is not a record"):
        ZenodoLoader.map(raw("zenodo", bad))


def test_a_bad_record_in_a_search_page_is_reported_and_the_others_load(tmp_path: Path) -> None:
    bad = record("record-legacy")
    bad["metadata"]["title"] = ["not", "a", "string"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"hits": {"hits": [bad, record("record-rdm"), record("version-2")]}}))
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert (report.loaded, report.rejected) == (2, 1)
    (error,) = report.errors
    assert error.location == "item 1"
    assert error.message == "zenodo record 990001: field 'metadata.title' is a list, expected a string " \
                            "(value: ['not', 'a', 'string'])"


def test_a_bad_concept_doi_is_left_out_with_a_warning() -> None:
    data = record("record-legacy")
    data["conceptdoi"] = "zenodo.990000"
    result = ZenodoLoader.map(raw("zenodo", data))
    assert result.warnings == ["zenodo record 990001: field 'conceptdoi' is not a valid DOI and was left out "
                               "(value: 'zenodo.990000')"]
    assert Edges(result).objects(WORK, KG.isVersionOf) == set()


# ---------------------------------------------------------------- versions, and one node per DOI


def load_files(store: Store, *names: str) -> None:
    report = load(store, read_paths([ZENODO / f"{n}.json" for n in names]))
    assert (report.loaded, report.rejected, report.warning_count) == (len(names), 0, 0)


@pytest.mark.parametrize("order", [(1, 2, 3), (3, 1, 2), (2, 3, 1)])
def test_versions_loaded_in_any_order_meet_on_one_concept(order: tuple[int, ...]) -> None:
    concept = doi("10.5281/zenodo.990030")
    store = Store.open(None)
    load_files(store, f"version-{order[0]}")
    assert {r["v"] for r in select(store, "SELECT ?v WHERE { ?c kg:hasVersion ?v }", c=concept)} == \
        {VERSIONS[order[0] - 1]}
    load_files(store, *(f"version-{n}" for n in order[1:]))
    assert [r["c"] for r in select(store, "SELECT DISTINCT ?c WHERE { ?c a kg:Concept }")] == [concept]
    assert {r["v"] for r in select(store, "SELECT ?v WHERE { ?c kg:hasVersion ?v }", c=concept)} == set(VERSIONS)
    assert {r["v"] for r in select(store, "SELECT ?v WHERE { ?v kg:isVersionOf ?c }", c=concept)} == set(VERSIONS)
    assert {r["t"] for r in select(store, "SELECT DISTINCT ?t WHERE { ?c a ?t }", c=concept)} == \
        {KG.Concept, SCHEMA.SoftwareSourceCode}
    indexes = select(store, "SELECT ?v ?i WHERE { ?v kg:isVersionOf ?c ; kg:versionIndex ?i }", c=concept)
    assert {(r["v"], int(r["i"].value)) for r in indexes} == {(v, n) for n, v in enumerate(VERSIONS, start=1)}


def test_the_same_doi_from_zenodo_and_datacite_is_one_node_with_both_sources() -> None:
    store = Store.open(None)
    load_files(store, "record-legacy", "datacite-same-doi")
    sources = select(store, "SELECT ?g ?source WHERE { GRAPH ?meta { ?g schema:about ?work ; kg:source ?source } }",
                     work=WORK, meta=META)
    assert {(r["g"].value, r["source"].value) for r in sources} == {
        (ids.graph_iri("zenodo", "990001"), "zenodo"), (ids.graph_iri("datacite", "10.5281/zenodo.990001"), "datacite")}
    assert {r["t"] for r in select(store, "SELECT DISTINCT ?t WHERE { ?work a ?t }", work=WORK)} == \
        {SCHEMA.SoftwareSourceCode}
    # four places in two creator lists, two people
    assert len(select(store, "SELECT ?slot WHERE { ?work schema:creator ?slot }", work=WORK)) == 4
    agents = select(store, "SELECT DISTINCT ?agent WHERE { ?work schema:creator/schema:creator ?agent }", work=WORK)
    assert len(agents) == 2 and JANE in {r["agent"] for r in agents}
    catalogue = " ".join(f"<{r.iri.value}>" for r in relations())
    links = select(store, f"SELECT DISTINCT ?rel ?target WHERE {{ ?work ?rel ?target VALUES ?rel {{ {catalogue} }} }}",
                   work=WORK)
    lsid = next(r["target"] for r in links if r["rel"] == KG.hasPart)
    assert sorted((r["rel"].value, r["target"].value) for r in links) == sorted((p.value, o.value) for p, o in [
        (KG.isSupplementTo, doi("10.5555/kg.article.1")),
        (KG.isSupplementTo, NamedNode("https://github.com/example/kgtool/tree/v2.0.1")),
        (KG.isDerivedFrom, doi("10.5555/kg.data.1")), (KG.cites, NamedNode("https://arxiv.org/abs/2101.00001")),
        (KG.references, NamedNode("https://pubmed.ncbi.nlm.nih.gov/33462295")), (KG.hasPart, lsid),
        (KG.isVersionOf, CONCEPT), (KG.isPartOf, CONCEPT)])
    assert {r["f"] for r in select(store, "SELECT DISTINCT ?f WHERE { ?work schema:funder ?f }", work=WORK)} == \
        {doi("10.13039/501100000780")}
    # DataCite's citation count stays the only one; Zenodo's views and downloads are not counted in
    counts = select(store, "SELECT ?n WHERE { ?work kg:sourceCitationCount ?n }", work=WORK)
    assert [int(r["n"].value) for r in counts] == [2]


@pytest.mark.parametrize("names", [("record-legacy", "record-rdm"), ("version-1", "version-2", "version-3")])
def test_our_records_pass_the_shapes(names: tuple[str, ...]) -> None:
    graphs = [ZenodoLoader.map(RawRecord("zenodo", record(n), "file:///x.json", WHEN)).graph for n in names]
    violations = shacl_violations(q for g in graphs for q in (*g.quads, *g.meta_quads()))
    assert violations == [], "\n".join(violations)


# ---------------------------------------------------------------- harvesting over HTTP



def config(tmp_path: Path) -> HttpConfig:
    return HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01)


def reply(document: Any) -> Reply:
    return Reply(body=json.dumps(document).encode(), headers={"Content-Type": "application/json"})


def search_page(hits: list[dict[str, Any]], following: str | None = None) -> Reply:
    return reply({"hits": {"hits": hits, "total": 3}, "links": {"next": following} if following else {}})


def test_harvest_fetches_records_by_zenodo_doi_number_and_other_doi(server: ReplayServer, tmp_path: Path) -> None:
    external = record("version-2")
    external.update(doi="10.5555/kg.external.1", id=990099)
    server.add("/api/records/990001", reply(record("record-legacy")))
    server.add("/api/records/990011", reply(record("record-rdm")))
    server.add("/api/records", search_page([external]))
    store = Store.open(None)
    report = harvest(store, ZenodoLoader, config(tmp_path), HarvestRequest(
        dois=["https://doi.org/10.5281/ZENODO.990001", "990011", "doi:10.5555/KG.External.1"], api=server.base))
    assert (report.loaded, report.rejected) == (3, 0)
    assert [s.path for s in server.seen] == ["/api/records/990001", "/api/records/990011", "/api/records"]
    assert server.seen[2].query == {"q": ['doi:"10.5555/kg.external.1"'], "size": ["25"]}
    derived = select(store, "SELECT ?from WHERE { GRAPH ?meta { ?g prov:wasDerivedFrom ?from } }",
                     g=NamedNode(ids.graph_iri("zenodo", "990001")), meta=META)
    assert [r["from"].value for r in derived] == [f"{server.base}/api/records/990001"]


def test_search_follows_links_next_at_most_25_a_page_and_keeps_the_rate(server: ReplayServer,
                                                                        tmp_path: Path) -> None:
    following = f"{server.base}/api/records?page=2&q=kgtool&size=25&type=software"
    server.add("/api/records", search_page([record("record-legacy"), record("record-rdm")], following),
               search_page([record("version-2")]))
    started = time.monotonic()
    report = harvest(Store.open(None), ZenodoLoader, config(tmp_path),
                     HarvestRequest(query="kgtool", rows=100, filter="type:software", api=server.base))
    assert (report.loaded, report.rejected) == (3, 0)
    assert [s.query for s in server.seen] == [
        {"q": ["kgtool"], "size": ["25"], "type": ["software"]},
        {"page": ["2"], "q": ["kgtool"], "size": ["25"], "type": ["software"]}]
    assert time.monotonic() - started >= ZenodoLoader.min_interval


def test_versions_are_paged_through_harvest(server: ReplayServer, tmp_path: Path) -> None:
    following = f"{server.base}/api/records/990033/versions?page=2&size=25"
    server.add("/api/records/990033/versions", search_page([record("version-3"), record("version-2")], following),
               search_page([record("version-1")]))
    store = Store.open(None)
    report = harvest(store, ZenodoLoader, config(tmp_path),
                     HarvestRequest(dois=["10.5281/zenodo.990033"], filter="versions", api=server.base))
    assert (report.loaded, report.rejected) == (3, 0)
    assert [s.query.get("page") for s in server.seen] == [None, ["2"]]
    rows = select(store, "SELECT ?v WHERE { ?c kg:hasVersion ?v }", c=doi("10.5281/zenodo.990030"))
    assert {r["v"] for r in rows} == set(VERSIONS)


def test_fetch_versions_needs_a_record_number_or_a_zenodo_doi(tmp_path: Path) -> None:
    with HttpClient("zenodo", config(tmp_path)) as client, \
            pytest.raises(IdentifierError, match=r"expected a record number or a Zenodo DOI"):
        ZenodoLoader.fetch_versions(client, "10.5555/kg.external.1")


def test_a_429_is_retried_after_the_wait_retry_after_asks(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/api/records/990001", Reply(429, b'{"status": 429, "message": "Too many requests"}',
                                            headers={"Retry-After": "2"}), reply(record("record-legacy")))
    started = time.monotonic()
    report = harvest(Store.open(None), ZenodoLoader, config(tmp_path),
                     HarvestRequest(dois=["10.5281/zenodo.990001"], api=server.base))
    assert (report.loaded, report.rejected, len(server.seen)) == (1, 0, 2)
    assert time.monotonic() - started >= 2.0


# ---------------------------------------------------------------- the real corpus (../shared/realdata)

FOLDERS = ("zenodo/records", "zenodo/records-lists")
CATALOGUE = {r.iri for r in relations()}
RESOURCE_CLASS = {"dataset": SCHEMA.Dataset, "software": SCHEMA.SoftwareSourceCode,
                  "workflow": SCHEMA.SoftwareSourceCode, "publication": SCHEMA.ScholarlyArticle}
#: publication subtypes that are books, chapters, reports and theses (a CreativeWork with this class beside)
PUBLICATION_CLASS = {"book": SCHEMA.Book, "section": SCHEMA.Chapter, "report": SCHEMA.Report,
                     "deliverable": SCHEMA.Report, "thesis": SCHEMA.Thesis}


FILES = corpus_files(*(f"{folder}/*.json" for folder in FOLDERS))


@dataclass
class Expected:
    """What one record's graph must say, read straight from its JSON."""

    work: NamedNode
    graph: NamedNode
    cls: set[NamedNode]
    concept: NamedNode | None
    #: (catalogue property, DOI IRI) of every related identifier that is a DOI
    links: set[tuple[NamedNode, NamedNode]] = field(default_factory=set)
    orcids: set[tuple[NamedNode, NamedNode]] = field(default_factory=set)
    funders: set[NamedNode] = field(default_factory=set)
    usage: bool = False
    #: the views and downloads of all versions, as the record's form gives them (the concept's)
    whole: tuple[int | None, int | None] = (None, None)
    #: how many versions Zenodo counts (the legacy form's relations.version[0].count; else the latest
    #: version's number, counted from 1)
    version_count: int | None = None


def items_of(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text("utf-8"))
    return document["hits"]["hits"] if "hits" in document else [document]


def expect(item: dict[str, Any]) -> Expected:
    md = item["metadata"]
    kind = md["resource_type"].get("id") or md["resource_type"]["type"]
    sub = kind.split("-")[1] if "-" in kind else md["resource_type"].get("subtype")
    specific = PUBLICATION_CLASS.get(sub or "") if kind.startswith("publication") else None
    own = ids.normalize_doi(item.get("doi") or item["pids"]["doi"]["identifier"])
    concept = item.get("conceptdoi") or item.get("parent", {}).get("pids", {}).get("doi", {}).get("identifier")
    e = Expected(doi(own), NamedNode(ids.graph_iri("zenodo", str(item["id"]))),
                 {SCHEMA.CreativeWork, specific} if specific else {RESOURCE_CLASS.get(kind.split("-")[0],
                                                                                      SCHEMA.CreativeWork)},
                 doi(concept) if concept else None)
    if e.concept is not None:
        e.links.add((KG.isVersionOf, e.concept))
    for rel in md.get("related_identifiers", []):
        name = rel.get("relation") or rel.get("relation_type", {}).get("id")
        target = ids.normalize_doi(rel["identifier"], strict=False)
        if (rel.get("scheme") == "doi" or rel["identifier"].startswith("10.")) and target and target != own:
            e.links.add((relation(name).iri, doi(target)))  # type: ignore[union-attr]
    for role, key in ((SCHEMA.creator, "creators"), (SCHEMA.contributor, "contributors")):
        for agent in md.get(key, []):
            orcid = agent.get("orcid") or next((i["identifier"] for i in agent.get("person_or_org", {}).get(
                "identifiers", []) if i["scheme"] == "orcid"), None)
            if orcid and ids.normalize_orcid(orcid, strict=False):
                e.orcids.add((role, NamedNode(ids.orcid_iri(orcid))))
    e.funders = {NamedNode(ids.funder_iri(g["funder"]["doi"])) for g in md.get("grants", []) if g["funder"].get("doi")}
    e.funders |= {NamedNode(ids.ror_iri(f["funder"]["id"])) for f in md.get("funding", []) if f["funder"].get("id")}
    e.usage = bool(item.get("stats"))
    stats = item.get("stats") or {}
    if "all_versions" in stats:
        whole = stats["all_versions"]
    elif "recid" in item:  # today's legacy form: views are all versions'
        whole = stats
    else:  # the old form (no recid): version_views are all versions'
        whole = {"views": stats.get("version_views"), "downloads": stats.get("version_downloads")}
    e.whole = (None if whole.get("views") is None else int(whole["views"]),
               None if whole.get("downloads") is None else int(whole["downloads"]))
    e.version_count = zenodos_count(item)
    return e


def zenodos_count(item: dict[str, Any]) -> int | None:
    """How many versions of its concept Zenodo holds, as a record says: the legacy form's ``count``, else the
    number of the last version (``is_last``, from 0; "True" in real records; InvenioRDM's ``is_latest``, from
    1); None when it does not say."""
    version = ((item.get("metadata") or {}).get("relations") or {}).get("version") or [{}]
    if version[0].get("count"):
        return int(version[0]["count"])
    if version[0].get("is_last") in (True, "True"):
        return int(version[0]["index"]) + 1
    latest = item.get("versions") or {}
    return int(latest["index"]) if latest.get("is_latest") else None


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_real_file_loads_every_record_without_error(path: Path) -> None:
    result = load_file(path)
    assert [str(p) for p in result.problems] == []
    assert [g.graph for g in result.graphs] == [expect(i).graph for i in items_of(path)]


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_real_record_has_its_class_concept_links_people_and_funders(path: Path) -> None:
    store, wrong = load_file(path).store, []
    for e in map(expect, items_of(path)):
        def rows(sparql: str, **more: NamedNode) -> set[Any]:
            return {tuple(r.values()) for r in select(store, sparql, work=e.work, g=e.graph, **more)}  # noqa: B023
        checks = {
            "class": (rows("SELECT ?t WHERE { GRAPH ?g { ?work a ?t } }"), {(c,) for c in e.cls}),
            "graph": (rows("SELECT ?x WHERE { GRAPH ?m { ?x schema:about ?work } }", m=META), {(e.graph,)}),
            "concept": (rows("SELECT ?c WHERE { GRAPH ?g { ?c kg:hasVersion ?work ; a kg:Concept } }"),
                        {(e.concept,)} if e.concept else set()),
            "links": ({(p, o) for p, o in rows("SELECT ?p ?o WHERE { GRAPH ?g { ?work ?p ?o } }")
                       if p in CATALOGUE and o.value.startswith(ids.DOI_BASE)}, e.links),
            "orcids": ({(r, a) for r, a in rows("SELECT ?r ?a WHERE { GRAPH ?g { ?work ?r ?s . ?s ?r ?a } }")
                        if a.value.startswith(ids.ORCID_BASE)}, e.orcids),
            "funders": ({f for (f,) in rows("SELECT ?f WHERE { GRAPH ?g { ?work schema:funder ?f } }")
                         if not f.value.startswith(ids.KG_BASE)}, e.funders),
            "usage": (len(rows("SELECT ?u WHERE { GRAPH ?g { ?work kg:usage ?u . ?u a kg:UsageObservation } }")),
                      int(e.usage)),
            "citation counts": (rows("SELECT ?n WHERE { ?s kg:sourceCitationCount ?n }"), set()),
            # the all-versions figures as the record's form gives them (GraphQL reads them for the concept)
            "all versions": ({(int(v.value), int(d.value)) for v, d in rows(
                "SELECT ?v ?d WHERE { GRAPH ?g { ?work kg:usage ?u . ?u kg:views ?v ; kg:downloads ?d } }")},
                             {e.whole} if e.usage and e.whole != (None, None) else set()),
            "no concept usage": (rows("SELECT ?u WHERE { GRAPH ?g { ?c kg:hasVersion ?work ; kg:usage ?u } }"),
                                 set()),
            "version count": (rows("SELECT ?n WHERE { GRAPH ?g { ?c kg:hasVersion ?work ; "
                                   "kg:sourceVersionCount ?n } }"),
                              {(Literal(e.version_count),)} if e.concept and e.version_count else set()),
        }
        wrong += [f"{e.graph.value} {name}: {actual} != {expected}"
                  for name, (actual, expected) in checks.items() if actual != expected]
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
def test_real_corpus_exercises_every_expectation_and_passes_the_shapes() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    every = [expect(i) for p in FILES for i in items_of(p.values[0])]
    assert len(every) >= 25
    assert sum(len(e.links) for e in every) > 100 and sum(len(e.orcids) for e in every) >= 5
    assert sum(e.concept is not None for e in every) > 20 and sum(e.usage for e in every) > 20
    assert {c for e in every for c in e.cls} == {SCHEMA.Dataset, SCHEMA.SoftwareSourceCode, SCHEMA.ScholarlyArticle,
                                                 SCHEMA.CreativeWork, SCHEMA.Report}
    assert sum(e.whole != (None, None) and e.concept is not None for e in every) > 20
    assert sum(bool(e.version_count) and e.concept is not None for e in every) >= 3
    for folder in FOLDERS:  # a record is in both folders: validate each folder on its own
        graphs = [g for p in FILES if p.values[0].parent == REALDATA / folder for g in load_file(p.values[0]).graphs]
        violations = shacl_violations(q for g in graphs for q in (*g.quads, *g.meta_quads()))
        assert violations == [], "\n".join(violations)


ZOOTAXA = REALDATA / "zenodo" / "records" / "15482.json"


@pytest.mark.realdata
@pytest.mark.skipif(not ZOOTAXA.exists(), reason=ABSENT)
def test_a_records_reference_list_is_its_references_each_citing_the_doi_its_text_names() -> None:
    """The page said "0 references in this graph, 0 with a DOI · Zenodo lists 69" beside a chain citing 23 works."""
    data = json.loads(ZOOTAXA.read_text("utf-8"))
    texts = data["metadata"]["references"]
    m = mapped(data)
    work = NamedNode(f"https://doi.org/{data['doi'].lower()}")
    nodes = {int(next(iter(m.values(n, SCHEMA.position)))): n for n in m.objects(work, KG.citedAs)}
    assert sorted(nodes) == list(range(1, len(texts) + 1)) and len(texts) == 69
    for position, text in enumerate(texts, start=1):
        assert m.values(nodes[position], KG.unstructured) == {text.strip()}
        link = re.search(r"(?:https?://(?:dx\.)?doi\.org/)(10\.\S+?)[.,;]?(?:\s|$)", text)
        cited = {NamedNode(f"https://doi.org/{link.group(1).lower()}")} if link else set()
        assert m.objects(nodes[position], KG.citedWork) == cited, text
    with_doi = sum(1 for n in nodes.values() if m.objects(n, KG.citedWork))
    assert m.objects(work, KG.unresolvedReferenceCount) == {Literal(len(texts) - with_doi)} and with_doi > 10


def test_an_inveniordm_reference_is_read_from_its_reference_field() -> None:
    data = record("record-rdm")
    data["metadata"]["references"] = [{"reference": "Smith J (2020) Data. https://doi.org/10.5555/Ref.1"},
                                      {"identifier": "no text"}, "Doe J (2019) Text only."]
    m = mapped(data)
    nodes = {int(next(iter(m.values(n, SCHEMA.position)))): n for n in m.objects(RDM, KG.citedAs)}
    assert m.objects(nodes[1], KG.citedWork) == {NamedNode("https://doi.org/10.5555/ref.1")}
    assert m.values(nodes[3], KG.unstructured) == {"Doe J (2019) Text only."}
    assert m.values(nodes[2], KG.unstructured) == set() and m.objects(RDM, KG.referenceCount) == {Literal(3)}
