"""DataCite events and activities: pages of our own mapped exactly (links, usage, authorship,
registration changes, included DOI records); paging against a replaying server; every real
events file, each link checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.store import Store
from kg.vocab import KG, PROV, relation
from loaders.base import HarvestRequest
from loaders.datacite_events import DataciteEventsLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES, Edges, fixture_json, raw
from tests.loaders.links_corpus import stated_links
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import corpus_files

ARTICLE = NamedNode("https://doi.org/10.5555/kg-sample.article")
DATA = NamedNode("https://doi.org/10.5555/kg-sample.data")


def events() -> list[dict[str, object]]:
    found: list[dict[str, object]] = fixture_json("datacite-events/events-page.json")["data"]
    return found


def test_a_supplement_event_makes_the_article_rely_on_the_data() -> None:
    m = Edges(DataciteEventsLoader.map(raw("datacite-events", events()[0])))
    assert m.objects(ARTICLE, KG.reliesOnData) == {DATA}
    graph = m.mapped.graph
    assert graph is not None and graph.graph.value == "https://w3id.org/evidence-kg/graph/datacite-events/de-1"
    assert m.values(graph.graph, KG.linkProvider) == {"datacite-crossref"}


def test_a_usage_event_is_a_usage_observation_never_a_citation() -> None:
    m = Edges(DataciteEventsLoader.map(raw("datacite-events", events()[1])))
    [observation] = m.objects(DATA, KG.usage)
    assert m.values(observation, KG.uniqueDownloads) == {"42"}
    assert m.values(observation, KG.observedAt) == {"2020-03-01T00:00:00Z"}
    assert not any(p.value.startswith("http://purl.org/spar/cito/") for _, p, _ in m.triples)


def test_machine_usage_and_authorship_are_left_out_with_a_reason() -> None:
    machine = DataciteEventsLoader.map(raw("datacite-events", events()[2]))
    authorship = DataciteEventsLoader.map(raw("datacite-events", events()[3]))
    assert (machine.graph, authorship.graph) == (None, None)
    assert machine.warnings == ["datacite-events record de-3: field 'attributes.relationTypeId' is "
                                "'total-dataset-investigations-machine': machine traffic is left out of usage"]
    assert "authorship is taken from the work's own record" in authorship.warnings[0]


def test_an_activities_page_holds_activities_and_its_included_doi_records() -> None:
    document = fixture_json("datacite-events/activities-page.json")
    found = DataciteEventsLoader.records_in(document)
    assert found is not None and [r["id"] for r in found] == ["act-1", "act-2", "10.5555/kg-sample.data"]


def test_an_activity_records_the_registration_state_it_set() -> None:
    data = fixture_json("datacite-events/activities-page.json")["data"]
    m = Edges(DataciteEventsLoader.map(raw("datacite-events", data[0])))
    [change] = m.objects(DATA, KG.registrationChange)
    assert m.values(change, KG.registrationState) == {"findable"}
    assert m.values(change, PROV.atTime) == {"2020-01-02T22:21:56.253Z"}
    unchanged = DataciteEventsLoader.map(raw("datacite-events", data[1]))
    assert unchanged.graph is None and "does not change the DOI's registration state" in unchanged.warnings[0]


def test_included_doi_records_are_datacite_records() -> None:
    store = Store.open(None)
    report = load(store, read_paths([FIXTURES / "datacite-events" / "activities-page.json"]))
    assert (report.loaded, report.rejected) == (2, 0)
    assert store.ask("ASK { GRAPH ?g { ?d <http://schema.org/name> 'Sample diffraction data' } }",
                     {"g": NamedNode("https://w3id.org/evidence-kg/graph/datacite/10.5555/kg-sample.data"), "d": DATA})


def test_harvest_follows_links_next(server: ReplayServer, tmp_path: Path) -> None:
    page = fixture_json("datacite-events/events-page.json")
    page["links"]["next"] = server.base + "/events?page%5Bnumber%5D=2"
    last = {"data": [], "links": {}}
    server.add("/events", Reply(body=json.dumps(page).encode()), Reply(body=json.dumps(last).encode()))
    report = harvest(Store.open(None), DataciteEventsLoader, HttpConfig(cache_dir=tmp_path, retries=0),
                     HarvestRequest(dois=["10.5555/KG-SAMPLE.DATA"], api=server.base))
    seen = server.paths("/events")
    assert seen[0].query["doi"] == ["10.5555/kg-sample.data"]
    assert [s.query.get("page[number]") for s in seen] == [None, ["2"]]
    assert report.loaded == 2


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("datacite/events/*.json"))
def test_real_events_file_loads_whole_and_states_its_links(path: Path) -> None:
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0, [str(p) for p in report.problems]
    assert report.loaded > 0 or report.warning_count > 0
    for subject, key, obj in stated_links(path):
        rel = relation(key)
        assert rel is not None, key
        assert store.ask("ASK { ?s ?p ?o }", {"s": NamedNode(subject), "p": rel.iri, "o": NamedNode(obj)}), \
            (subject, key, obj)
