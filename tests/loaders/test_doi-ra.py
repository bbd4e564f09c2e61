"""DOI registration agencies: answers of our own mapped exactly (a prefix, a DOI, refusals);
one request per prefix against a replaying server; every real answer checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import UnsupportedRequestError
from kg.store import Store
from kg.vocab import KG, RDF
from loaders.base import HarvestRequest
from loaders.doi_ra import DoiRaLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import Edges, fixture_json, raw
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files


def test_a_prefix_answer_names_the_prefix_node_and_its_agency() -> None:
    [item] = fixture_json("doi-ra/prefix.json")
    m = Edges(DoiRaLoader.map(raw("doi-ra", item)))
    node = NamedNode("https://w3id.org/evidence-kg/doi-prefix/10.5555")
    assert m.objects(node, RDF.type) == {KG.DoiPrefix}
    assert m.values(node, KG.registrationAgency) == {"Crossref"}
    assert m.mapped.graph is not None
    assert m.mapped.graph.graph.value == "https://w3id.org/evidence-kg/graph/doi-ra/10.5555"


def test_a_doi_answer_is_about_the_doi_node() -> None:
    [item] = fixture_json("doi-ra/doi.json")
    m = Edges(DoiRaLoader.map(raw("doi-ra", item)))
    assert m.values(NamedNode("https://doi.org/10.5555/kg-sample.data"), KG.registrationAgency) == {"DataCite"}


def test_a_refusal_stores_nothing_and_says_what_the_lookup_said() -> None:
    [item] = fixture_json("doi-ra/missing.json")
    mapped = DoiRaLoader.map(raw("doi-ra", item))
    assert mapped.graph is None
    assert mapped.warnings == ["doi-ra record 10.0001: the lookup said 'DOI does not exist', so nothing is stored"]


def test_harvest_looks_each_prefix_up_once(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/ra/10.5555", Reply(body=json.dumps([{"DOI": "10.5555", "RA": "Crossref"}]).encode()))
    store = Store.open(None)
    report = harvest(store, DoiRaLoader, HttpConfig(cache_dir=tmp_path, retries=0),
                     HarvestRequest(dois=["10.5555/a", "10.5555/B", "doi:10.5555/c"], api=server.base + "/ra"))
    assert len(server.paths("/ra/10.5555")) == 1 and report.loaded == 1


def test_harvest_without_dois_is_refused_before_any_request() -> None:
    with pytest.raises(UnsupportedRequestError, match="give --doi"):
        DoiRaLoader.fetch(None, HarvestRequest(query="x"))  # type: ignore[arg-type]


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("doi-ra/*.json"))
def test_real_answer_states_the_agency_it_names(path: Path) -> None:
    [item] = json.loads(path.read_text("utf-8"))
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0
    agency = item.get("RA")
    if "status" in item or agency in (None, "Unknown"):
        assert report.loaded == 0 and report.warning_count == 1
        return
    doi = item["DOI"].lower()
    node = NamedNode(ids.doi_prefix_iri(doi) if "/" not in doi else ids.doi_iri(doi))
    rows = store.select("SELECT ?ra WHERE { ?n <https://w3id.org/evidence-kg/ns#registrationAgency> ?ra }",
                        {"n": node}).values()
    assert rows == [(agency,)]
