"""Crossref's data citations: pages of our own mapped exactly; page-number paging against a
replaying server; every real page, each link checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.errors import RecordError
from kg.store import Store
from kg.vocab import CITO, KG, RDF, SCHEMA, relation
from loaders.base import HarvestRequest
from loaders.datacitations import DataCitationsLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.links import link_id
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import Edges, fixture_json, raw
from tests.loaders.links_corpus import stated_links
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files

ARTICLE = NamedNode("https://doi.org/10.5555/kg-sample.article")
DATA = NamedNode("https://doi.org/10.5555/kg-sample.data")
ENTRY = NamedNode("https://doi.org/10.2210/pdb6gv0/pdb")


def items() -> list[dict[str, object]]:
    found: list[dict[str, object]] = fixture_json("crossref-datacitations/page-0.json")["message"]["items"]
    return found


def test_a_link_is_named_by_its_ends_and_relation() -> None:
    assert DataCitationsLoader.record_id(items()[0]) == link_id(
        "doi:10.5555/kg-sample.article", "is_supplemented_by", "doi:10.5555/kg-sample.data")


def test_a_supplement_link_relies_on_the_dataset() -> None:
    m = Edges(DataCitationsLoader.map(raw("crossref-datacitations", items()[0])))
    assert m.objects(ARTICLE, KG.reliesOnData) == {DATA}
    assert m.objects(DATA, RDF.type) == {SCHEMA.Dataset}
    graph = m.mapped.graph
    assert graph is not None
    assert m.values(graph.graph, KG.linkProvider) == {"crossref"}
    assert m.values(graph.graph, KG.linkDate) == {"2018-01-04"}


def test_a_reference_to_a_pdb_entry_cites_the_structure() -> None:
    m = Edges(DataCitationsLoader.map(raw("crossref-datacitations", items()[1])))
    assert m.objects(ARTICLE, CITO.cites) == {ENTRY}
    assert m.objects(ENTRY, RDF.type) == {KG.StructureEntry}
    assert m.values(ENTRY, KG.pdbId) == {"6GV0"}


def test_a_link_without_an_object_id_is_rejected_naming_the_field() -> None:
    with pytest.raises(RecordError, match=r"crossref-datacitations record \(no link id\): field 'object.id' is "
                                          r"missing; a data citation links a subject to an object"):
        DataCitationsLoader.map(raw("crossref-datacitations", items()[2]))


def test_harvest_pages_by_number_until_a_page_is_empty(server: ReplayServer, tmp_path: Path) -> None:
    page = fixture_json("crossref-datacitations/page-0.json")
    last = {"status": "ok", "message": {"next-page": 2, "items": []}}
    server.add("/beta/datacitations", Reply(body=json.dumps(page).encode()), Reply(body=json.dumps(last).encode()))
    report = harvest(Store.open(None), DataCitationsLoader, HttpConfig(cache_dir=tmp_path, retries=0),
                     HarvestRequest(filter="from-created-date:2018-01-04", api=server.base + "/beta/datacitations"))
    seen = server.paths("/beta/datacitations")
    assert [s.query["page"] for s in seen] == [["0"], ["1"]]
    assert seen[0].query["from-created-date"] == ["2018-01-04"]
    assert (report.loaded, report.rejected) == (2, 1)


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/beta-datacitations/*.json"))
def test_real_page_states_every_link_it_holds(path: Path) -> None:
    expected = stated_links(path)
    assert expected, f"no DOI links in {path}"
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0
    assert report.loaded == len(set(expected))
    for subject, key, obj in expected:
        rel = relation(key)
        assert rel is not None, key
        assert store.ask("ASK { ?s ?p ?o }", {"s": NamedNode(subject), "p": rel.iri, "o": NamedNode(obj)}), \
            (subject, key, obj)
