"""ROR: v2 and v1 records of our own mapped exactly (names, types, links, country,
relationships, Funder IDs and the one that is the organisation itself); search pages; harvesting
against a replaying server; every real record checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import RecordError
from kg.store import Store
from kg.vocab import KG, OWL, RDF, SCHEMA
from loaders.base import HarvestRequest
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from loaders.ror import RorLoader
from tests.loaders.conftest import FIXTURES, Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files

ORG = NamedNode("https://ror.org/05dxps055")
OWN = NamedNode("https://doi.org/10.13039/100006961")
FOLDED = NamedNode("https://doi.org/10.13039/100000936")


@pytest.mark.parametrize("name", ["funder-v2.json", "funder-v1.json"])
def test_a_record_describes_the_organisation_in_either_schema_version(name: str) -> None:
    m = Edges(RorLoader.map(raw("ror", fixture_json(f"ror/{name}"))))
    graph = m.mapped.graph
    assert graph is not None and graph.graph.value == "https://w3id.org/evidence-kg/graph/ror/05dxps055"
    assert m.objects(ORG, RDF.type) == {SCHEMA.Organization}
    assert m.values(ORG, SCHEMA.name) == {"KG Sample Institute of Technology"}
    assert m.values(ORG, SCHEMA.alternateName) == {"KGSIT", "Institut d'exemple"}
    assert m.values(ORG, SCHEMA.additionalType) == {"Education", "Funder"}
    assert m.values(ORG, SCHEMA.url) == {"https://www.example.edu"}
    assert m.values(ORG, SCHEMA.addressCountry) == {"US"}
    assert m.values(ORG, SCHEMA.foundingDate) == {"1891"}
    assert m.objects(ORG, SCHEMA.subOrganization) == {NamedNode("https://ror.org/027k65916")}
    assert "grid:grid.20861.3d" in m.values(ORG, SCHEMA.identifier)


@pytest.mark.parametrize("name", ["funder-v2.json", "funder-v1.json"])
def test_every_listed_funder_id_is_kept_and_the_own_one_is_the_same_body(name: str) -> None:
    m = Edges(RorLoader.map(raw("ror", fixture_json(f"ror/{name}"))))
    assert m.objects(ORG, KG.funderId) == {OWN, FOLDED}
    # v2 names its preferred Funder ID; v1 here lists it first with none preferred
    assert m.objects(ORG, OWL.sameAs) == {OWN}


def test_search_and_affiliation_pages_hold_their_organisations() -> None:
    found = RorLoader.records_in(fixture_json("ror/search-page.json"))
    assert found is not None and [r["id"] for r in found] == ["https://ror.org/05dxps055", "https://ror.org/00000000x"]


def test_a_broken_ror_id_rejects_the_record_naming_the_field() -> None:
    bad = fixture_json("ror/search-page.json")["items"][1]
    with pytest.raises(RecordError, match=r"ror record \(no ROR ID\): field 'id' is not a ROR ID: .*checksum|"
                                          r"ror record \(no ROR ID\): field 'id' is not a ROR ID"):
        RorLoader.map(raw("ror", bad))


def test_a_page_loads_the_good_record_and_reports_the_bad_one() -> None:
    store = Store.open(None)
    report = load(store, read_paths([FIXTURES / "ror" / "search-page.json"]))
    assert (report.loaded, report.rejected) == (1, 1)
    assert store.ask("ASK { ?o <http://www.w3.org/2002/07/owl#sameAs> ?f }", {"o": ORG, "f": OWN})


def test_harvest_by_id_and_search_pages(server: ReplayServer, tmp_path: Path) -> None:
    record = fixture_json("ror/funder-v2.json")
    server.add("/v2/organizations/05dxps055", Reply(body=json.dumps(record).encode()))
    page = {"number_of_results": 21, "items": [record]}
    server.add("/v2/organizations", Reply(body=json.dumps(page).encode()), Reply(body=json.dumps(page).encode()))
    config = HttpConfig(cache_dir=tmp_path, retries=0)
    by_id = harvest(Store.open(None), RorLoader, config,
                    HarvestRequest(dois=["https://ror.org/05DXPS055"], api=server.base + "/v2"))
    assert by_id.loaded == 1
    harvest(Store.open(None), RorLoader, config, HarvestRequest(query="sample", api=server.base + "/v2"))
    assert [s.query["page"] for s in server.paths("/v2/organizations")] == [["1"], ["2"]]


# ---------------------------------------------------------------- the real corpus


def expected_funders(record: dict[str, Any]) -> tuple[set[str], str | None]:
    """The Funder IDs a ROR record lists and its own one, read from either schema version."""
    external = record.get("external_ids")
    if isinstance(external, list):
        entry = next((e for e in external if e.get("type") == "fundref"), None)
    else:
        entry = (external or {}).get("FundRef")
    if not entry:
        return set(), None
    listed = [entry["all"]] if isinstance(entry["all"], str) else list(entry["all"])
    own = entry.get("preferred") or (listed[0] if listed else None)
    return {ids.funder_iri(v) for v in listed}, ids.funder_iri(own) if own else None


def expected_name(record: dict[str, Any]) -> str:
    if "names" in record:
        return next(n["value"] for n in record["names"] if "ror_display" in n["types"])
    return str(record["name"])


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("ror/organizations/*.json", "ror/organizations-lists/*.json"))
def test_real_records_name_each_organisation_and_its_funder_ids(path: Path) -> None:
    document = json.loads(path.read_text("utf-8"))
    records = [i.get("organization", i) for i in document["items"]] if "items" in document else [document]
    assert records or document.get("number_of_results") == 0, path
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0, [str(p) for p in report.problems]
    for record in records:
        org = NamedNode(ids.ror_iri(record["id"]))
        names = {r[0].value for r in store.select("SELECT ?n WHERE { ?o <http://schema.org/name> ?n }",
                                                  {"o": org}).rows if r[0] is not None}
        assert names == {expected_name(record)}, record["id"]
        listed, own = expected_funders(record)
        found = {r[0].value for r in store.select(
            "SELECT ?f WHERE { ?o <https://w3id.org/evidence-kg/ns#funderId> ?f }", {"o": org}).rows if r[0]}
        same = {r[0].value for r in store.select(
            "SELECT ?f WHERE { ?o <http://www.w3.org/2002/07/owl#sameAs> ?f }", {"o": org}).rows if r[0]}
        assert found == listed, record["id"]
        assert same == ({own} if own else set()), record["id"]
