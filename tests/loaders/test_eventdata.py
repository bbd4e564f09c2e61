"""Crossref Event Data: event-list pages of our own mapped exactly; cursor paging against a
replaying server; the real Event Data page, each link checked against its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.errors import RecordError
from kg.store import Store
from kg.vocab import CITO, KG, RDF, SCHEMA, relation, relation_key
from loaders.base import HarvestRequest
from loaders.eventdata import EventDataLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES, Edges, fixture_json, raw
from tests.loaders.links_corpus import stated_links
from tests.loaders.replay import ReplayServer, Reply
from tests.loaders.test_realdata import REALDATA, corpus_files

ARTICLE = NamedNode("https://doi.org/10.5555/kg-sample.article")
DATA = NamedNode("https://doi.org/10.5555/kg-sample.data")
TOOL = NamedNode("https://doi.org/10.5555/kg-sample.tool.v1")


def events() -> list[dict[str, object]]:
    found: list[dict[str, object]] = fixture_json("eventdata/events-page.json")["message"]["events"]
    return found


def test_an_event_list_page_holds_its_events() -> None:
    assert EventDataLoader.records_in(fixture_json("eventdata/events-page.json")) == events()


def test_a_reference_event_is_a_citation_with_provider_date_and_classes() -> None:
    m = Edges(EventDataLoader.map(raw("eventdata", events()[0])))
    graph = m.mapped.graph
    assert graph is not None and graph.graph.value == "https://w3id.org/evidence-kg/graph/eventdata/ev-1"
    assert m.objects(ARTICLE, CITO.cites) == {DATA}
    assert m.objects(ARTICLE, RDF.type) == {SCHEMA.ScholarlyArticle}
    assert m.objects(DATA, RDF.type) == {SCHEMA.Dataset}
    assert m.values(graph.graph, KG.linkProvider) == {"crossref"}
    assert m.values(graph.graph, KG.linkDate) == {"2022-12-31"}


def test_a_supplement_event_relies_on_software() -> None:
    m = Edges(EventDataLoader.map(raw("eventdata", events()[1])))
    assert m.objects(ARTICLE, KG.reliesOnSoftware) == {TOOL}
    rel = relation("is_supplemented_by")
    assert rel is not None and m.objects(ARTICLE, rel.iri) == {TOOL}


def test_a_deleted_event_stores_nothing_and_says_why() -> None:
    mapped = EventDataLoader.map(raw("eventdata", events()[2]))
    assert mapped.graph is None
    assert mapped.warnings == ["eventdata record ev-3: field 'action' is 'delete': the source withdrew this link, "
                               "so nothing is stored"]


def test_a_relation_outside_the_catalogue_rejects_the_event_naming_the_field() -> None:
    with pytest.raises(RecordError, match=r"eventdata record ev-4: field 'relation_type_id' names a relation type "
                                          r"that is not in the catalogue"):
        EventDataLoader.map(raw("eventdata", events()[3]))


def test_a_page_loads_what_it_can_and_reports_the_rest() -> None:
    store = Store.open(None)
    report = load(store, read_paths([FIXTURES / "eventdata" / "events-page.json"]))
    assert (report.loaded, report.rejected) == (2, 1)
    assert store.ask("ASK { ?a <http://purl.org/spar/cito/cites> ?d }", {"a": ARTICLE, "d": DATA})


def test_harvest_follows_the_cursor_until_a_page_has_no_events(server: ReplayServer, tmp_path: Path) -> None:
    page = fixture_json("eventdata/events-page.json")
    last = {"status": "ok", "message-type": "event-list", "message": {"next-cursor": "c3", "events": []}}
    server.add("/v1/events", Reply(body=json.dumps(page).encode()), Reply(body=json.dumps(last).encode()))
    store = Store.open(None)
    report = harvest(store, EventDataLoader, HttpConfig(cache_dir=tmp_path, retries=0),
                     HarvestRequest(dois=["10.5555/kg-sample.data"], api=server.base + "/v1"))
    seen = server.paths("/v1/events")
    assert [s.query.get("cursor") for s in seen] == [None, ["c2"]]
    assert seen[0].query["obj-id"] == ["10.5555/kg-sample.data"]
    assert report.loaded == 2


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/eventdata/*.json"))
def test_real_event_page_states_every_link_it_holds(path: Path) -> None:
    expected = stated_links(path)
    assert expected, f"no DOI links in {path}"
    store = Store.open(None)
    report = load(store, read_paths([path]))
    assert report.rejected == 0
    for subject, key, obj in expected:
        rel = relation(key)
        assert rel is not None, key
        assert store.ask("ASK { ?s ?p ?o }", {"s": NamedNode(subject), "p": rel.iri, "o": NamedNode(obj)}), \
            (subject, key, obj)
    assert relation_key("references") in {k for _, k, _ in expected}
    assert REALDATA.is_dir()
    assert Literal("crossref") in {r[0] for r in store.select(
        "SELECT ?p WHERE { GRAPH ?g { ?g <https://w3id.org/evidence-kg/ns#linkProvider> ?p } }").rows}
