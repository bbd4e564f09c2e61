"""Scholix link packages (kg.link_packages, ``g.scholix_links``, ``g.scholix_export``): every link with
its providers and dates from kg's provenance, valid against the Scholix JSON schema (the vendored
3.0 schema, tests/schemas/scholix), over the samples, a ScholeXplorer page and the real Scholix corpus."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import kg
from kg.errors import BadRequestError, IdentifierError
from kg.graph import KnowledgeGraph
from kg.link_packages import SCHOLIX_RELATIONS, scholix_relation
from kg.vocab import CITO, relations
from tests.loaders.test_realdata import corpus_files

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "samples"
SCHEMA_DIR = PROJECT / "tests" / "schemas" / "scholix"
HUB_PAGE = PROJECT / "tests" / "fixtures" / "scholix" / "links-page-1.json"


def scholix_validator() -> jsonschema.Draft6Validator:
    """The Scholix 3.0 schema as published, its one misspelt enumeration value ("unknwon") corrected
    (tests/schemas/scholix/README.md)."""
    schema = json.loads((SCHEMA_DIR / "schema.json").read_text("utf-8"))
    fixed = copy.deepcopy(schema)
    for end in ("Source", "Target"):
        names = fixed["properties"][end]["properties"]["Type"]["properties"]["Name"]["enum"]
        assert "unknwon" in names  # the correction is still needed, else drop it
        names[names.index("unknwon")] = "unknown"
    jsonschema.Draft6Validator.check_schema(fixed)
    return jsonschema.Draft6Validator(fixed)


def assert_valid(packages: list[dict[str, Any]]) -> None:
    assert packages
    validator = scholix_validator()
    for package in packages:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(package)]
        assert errors == [], json.dumps(package)[:500]


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    graph = kg.open(None)
    assert graph.load([SAMPLES]).rejected == 0
    return graph


def test_every_catalogue_relation_has_a_scholix_relationship() -> None:
    found = {r.iri.value: scholix_relation(r.iri) for r in relations()}
    assert found and all(name in SCHOLIX_RELATIONS for name, _ in found.values())
    assert scholix_relation(CITO.cites) == ("References", "Cites")
    names = {subtype: name for name, subtype in found.values()}
    assert (names["IsSupplementTo"], names["IsSupplementedBy"]) == ("IsSupplementTo", "IsSupplementedBy")
    assert (names["Cites"], names["IsCitedBy"]) == ("References", "IsReferencedBy")
    assert names["IsDerivedFrom"] == "IsRelatedTo"


def test_the_whole_export_is_valid_scholix_and_names_every_provider(g: KnowledgeGraph) -> None:
    packages = list(g.scholix_export())
    assert_valid(packages)
    assert {p["LinkProvider"][0]["name"] for p in packages} == {"Crossref", "DataCite", "PDBe", "Zenodo"}
    retrieved = {r.retrieved[:10] for r in g.work("PDB 6GV0").records if r.retrieved}
    structure = [p for p in packages if p["Source"]["Identifier"]["ID"] == "10.2210/pdb6gv0/pdb"]
    assert {p["HarvestDate"] for p in structure} <= retrieved
    kinds = {(p["RelationshipType"]["Name"], p["RelationshipType"]["SubType"]) for p in structure}
    assert ("IsSupplementTo", "IsSupplementTo") in kinds and ("IsRelatedTo", "IsDerivedFrom") in kinds


def test_a_citation_stated_as_a_relation_is_one_link_not_two(g: KnowledgeGraph) -> None:
    packages = list(g.scholix_export())
    keys = [(p["Source"]["Identifier"]["ID"], p["RelationshipType"]["Name"], p["Target"]["Identifier"]["ID"])
            for p in packages]
    assert len(keys) == len(set(keys))


def test_links_of_one_work_page_like_scholexplorer(g: KnowledgeGraph) -> None:
    first = g.scholix_links("doi:10.5555/KG-SAMPLE.ARTICLE", page_size=5)
    assert (first.current_page, first.total_pages) == (0, -(-first.total_links // 5))
    assert first.total_links > 5 and len(first.result) == 5
    ids = [p["Source"]["Identifier"]["ID"] for p in first.result]
    assert set(ids) == {"10.5555/kg-sample.article"}
    last = g.scholix_links("10.5555/kg-sample.article", page=first.total_pages - 1, page_size=5)
    assert len(last.result) == first.total_links - 5 * (first.total_pages - 1)
    beyond = g.scholix_links("10.5555/kg-sample.article", page=first.total_pages, page_size=5)
    assert beyond.result == [] and beyond.total_links == first.total_links
    assert sorted(first.as_dict()) == ["currentPage", "result", "totalLinks", "totalPages"]


def test_filters_by_target_relation_and_provider(g: KnowledgeGraph) -> None:
    to_raw = g.scholix_links(target="10.5281/zenodo.4456817")
    assert to_raw.total_links >= 1
    assert {p["Target"]["Identifier"]["ID"] for p in to_raw.result} == {"10.5281/zenodo.4456817"}
    supplements = g.scholix_links("PDB 6GV0", relation="issupplementto")
    assert [p["RelationshipType"]["Name"] for p in supplements.result] == ["IsSupplementTo"]
    derived = g.scholix_links("PDB 6GV0", relation="IsDerivedFrom")
    assert [p["RelationshipType"]["SubType"] for p in derived.result] == ["IsDerivedFrom"]
    assert g.scholix_links("PDB 6GV0", provider="pdbe").total_links == g.scholix_links("PDB 6GV0").total_links
    assert g.scholix_links("PDB 6GV0", provider="Crossref").total_links == 0


def test_bad_filters_are_clear_errors_and_an_unknown_work_has_no_links(g: KnowledgeGraph) -> None:
    assert g.scholix_links("10.1/nothing").as_dict() == {"currentPage": 0, "totalLinks": 0, "totalPages": 0,
                                                         "result": []}
    with pytest.raises(IdentifierError):
        g.scholix_links("doi:11.1/x")
    with pytest.raises(BadRequestError, match="parameter 'relation' must be one of IsSupplementTo"):
        g.scholix_links("PDB 6GV0", relation="IsFriendOf")
    with pytest.raises(BadRequestError, match="parameter 'page'"):
        g.scholix_links("PDB 6GV0", page=-1)


def test_a_hub_link_keeps_the_providers_and_date_the_hub_named() -> None:
    with kg.open(None) as graph:
        assert graph.load([HUB_PAGE]).rejected == 0
        page = graph.scholix_links("10.5555/kg.article.1", relation="IsSupplementedBy")
        assert_valid(page.result)
        hub = json.loads(HUB_PAGE.read_text())["result"][0]
        [package] = page.result
        assert [p["name"] for p in package["LinkProvider"]] == sorted(p["name"] for p in hub["LinkProvider"])
        assert package["LinkPublicationDate"] == hub["LinkPublicationDate"][:10]
        assert package["Target"]["Identifier"]["ID"] == hub["Target"]["Identifier"][0]["ID"]


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("scholix/*.json"))
def test_real_scholix_records_export_as_valid_scholix(path: Path | None) -> None:
    assert path is not None
    with kg.open(None) as graph:
        report = graph.load([path])
        assert report.loaded > 0
        packages = list(graph.scholix_export())
        if "entities" in path.name:  # a dump of entities describes works, with no links
            return
        assert_valid(packages)


def test_the_ends_name_their_creators_and_publishers(g: KnowledgeGraph) -> None:
    summary = json.loads((SAMPLES / "pdbe" / "6gv0-summary.json").read_text())
    [entry] = summary["6gv0"]
    page = g.scholix_links("PDB 6GV0")
    assert page.result
    for package in page.result:
        assert [c["Name"] for c in package["Source"]["Creator"]] == entry["entry_authors"]
    article = json.loads((SAMPLES / "crossref" / "kg-sample-article.json").read_text())["message"]
    [package, *_] = g.scholix_links(article["DOI"]).result
    assert package["Source"]["Publisher"] == [{"name": article["publisher"]}]


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/works/*.json"))
def test_real_crossref_links_carry_the_authors_and_orcids_of_their_source(path: Path | None) -> None:
    assert path is not None
    message = json.loads(path.read_text())["message"]
    with kg.open(None) as graph:
        assert graph.load([path]).rejected == 0
        page = graph.scholix_links(message["DOI"])
        if not any(ref.get("DOI") for ref in message.get("reference") or []):
            return
        assert_valid(page.result)
        authors = [a for a in message.get("author") or [] if a.get("family") or a.get("name")]
        creators = page.result[0]["Source"].get("Creator", [])
        assert [c["Name"] for c in creators] == [
            a.get("name") or ", ".join(x for x in (a.get("family"), a.get("given")) if x) for a in authors]
        orcids = [a["ORCID"].rsplit("/", 1)[-1] for a in authors if a.get("ORCID")]
        assert [c["Identifier"]["ID"] for c in creators if "Identifier" in c] == orcids
        assert page.result[0]["Source"]["Publisher"] == [{"name": message["publisher"]}]
