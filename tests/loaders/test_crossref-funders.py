"""Crossref's Funder Registry: a funder and a search page of our own mapped exactly; offset
paging against a replaying server; every real funder checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import RecordError
from kg.store import Store
from kg.vocab import DCTERMS, KG, RDF, SCHEMA
from loaders.base import HarvestRequest
from loaders.crossref_funders import CrossrefFundersLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES, Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files

FUNDER = NamedNode("https://doi.org/10.13039/501100000780")


def funder() -> dict[str, Any]:
    found: dict[str, Any] = fixture_json("crossref-funders/funder.json")["message"]
    return found


def test_a_funder_has_its_names_country_and_the_source_count() -> None:
    m = Edges(CrossrefFundersLoader.map(raw("crossref-funders", funder())))
    assert m.objects(FUNDER, RDF.type) == {SCHEMA.Organization}
    assert m.values(FUNDER, SCHEMA.name) == {"KG Sample Research Council"}
    assert m.values(FUNDER, SCHEMA.alternateName) == {"KGSRC", "Sample Council"}
    assert m.values(FUNDER, SCHEMA.location) == {"United Kingdom"}
    assert m.values(FUNDER, KG.sourceWorkCount) == {"1234"}


def test_replaced_ids_and_the_hierarchy_around_the_funder() -> None:
    m = Edges(CrossrefFundersLoader.map(raw("crossref-funders", funder())))
    assert m.objects(FUNDER, DCTERMS.replaces) == {NamedNode("https://doi.org/10.13039/100007522")}
    parent = NamedNode("https://doi.org/10.13039/100000001")
    assert m.objects(FUNDER, SCHEMA.parentOrganization) == {parent}
    assert m.values(parent, SCHEMA.name) == {"KG Sample Ministry"}
    assert m.objects(FUNDER, SCHEMA.subOrganization) == {NamedNode("https://doi.org/10.13039/501100000735"),
                                                         NamedNode("https://doi.org/10.13039/501100001659")}


def test_the_whole_sub_tree_and_its_work_count_are_kept() -> None:
    data = funder()
    m = Edges(CrossrefFundersLoader.map(raw("crossref-funders", data)))
    assert m.objects(FUNDER, KG.descendantOrganization) == {NamedNode(f"https://doi.org/10.13039/{d}")
                                                            for d in data["descendants"]}
    assert m.values(FUNDER, KG.sourceDescendantWorkCount) == {str(data["descendant-work-count"])}


def test_a_search_page_loads_the_good_funder_and_rejects_the_broken_id() -> None:
    store = Store.open(None)
    report = load(store, read_paths([FIXTURES / "crossref-funders" / "search-page.json"]))
    assert (report.loaded, report.rejected) == (1, 1)
    item = fixture_json("crossref-funders/search-page.json")["message"]["items"][1]
    with pytest.raises(RecordError, match=r"crossref-funders record not-a-funder: field 'id' is not a Crossref "
                                          r"Funder ID"):
        CrossrefFundersLoader.map(raw("crossref-funders", item))


def test_harvest_by_id_and_by_offset_pages(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/funders/501100000780", Reply(body=json.dumps(fixture_json("crossref-funders/funder.json")).encode()))
    page = fixture_json("crossref-funders/search-page.json")
    server.add("/funders", Reply(body=json.dumps(page).encode()), Reply(body=json.dumps(page).encode()))
    config = HttpConfig(cache_dir=tmp_path, retries=0)
    by_id = harvest(Store.open(None), CrossrefFundersLoader, config,
                    HarvestRequest(dois=["funder:501100000780"], api=server.base))
    assert by_id.loaded == 1
    harvest(Store.open(None), CrossrefFundersLoader, config, HarvestRequest(query="sample", rows=2, api=server.base))
    assert [s.query["offset"] for s in server.paths("/funders")] == [["0"], ["2"]]


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/funders/*.json", "crossref/funders-lists/*.json"))
def test_real_funders_have_their_name_and_replacements(path: Path) -> None:
    message = json.loads(path.read_text("utf-8"))["message"]
    items = message.get("items", [message]) if "items" in message else [message]
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0
    assert report.loaded == len(items)
    for item in items:
        node = NamedNode(ids.funder_iri(item["id"]))
        names = {r[0] for r in store.select("SELECT ?n WHERE { GRAPH ?g { ?f <http://schema.org/name> ?n } }",
                                            {"f": node, "g": NamedNode(ids.graph_iri("crossref-funders", item["id"]))}
                                            ).values()}
        assert names == {item["name"]}
        replaced = {r[0] for r in store.select("SELECT ?o WHERE { ?f <http://purl.org/dc/terms/replaces> ?o }",
                                               {"f": node}).values()}
        assert replaced == {ids.funder_iri(v) for v in item["replaces"]}
