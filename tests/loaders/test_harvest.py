"""Harvesting end to end: the loaders' fetch through the real HTTP client, against a local
server replaying API responses, into a real store; then the same again offline from the cache."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import NamedNode

from kg.ids import graph_iri
from kg.store import Store
from loaders.base import HarvestRequest
from loaders.crossref import CrossrefLoader
from loaders.datacite import DataciteLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES
from tests.loaders.replay import ReplayServer, Reply

HTTP = FIXTURES / "http"
#: a Date header the server answers with, and a Crossref record's indexed date
ANSWERED, INDEXED = datetime(2024, 12, 3, 10, tzinfo=UTC), datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)



def page(name: str, server: ReplayServer) -> Reply:
    return Reply(body=(HTTP / name).read_text().replace("{{base}}", server.base).encode(),
                 headers={"Content-Type": "application/json"})


def config(tmp_path: Path) -> HttpConfig:
    return HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01, mailto="kg@example.org")


def provenance(store: Store, source: str, record_id: str) -> str:
    rows = store.select("SELECT ?from WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                        "?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?from } }",
                        {"g": NamedNode(graph_iri(source, record_id))}).values()
    assert len(rows) == 1
    return str(rows[0][0])


def test_crossref_listing_follows_the_cursor_and_keeps_raw_pages(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/works", page("crossref-works-page-1.json", server), page("crossref-works-page-2.json", server),
               page("crossref-works-page-3.json", server))
    store = Store.open(None)
    report = harvest(store, CrossrefLoader, config(tmp_path),
                     HarvestRequest(filter="type:journal-article", rows=2, api=server.base))
    assert (report.loaded, report.rejected) == (3, 0)
    cursors = [seen.query["cursor"][0] for seen in server.paths("/works")]
    assert cursors == ["*", "DnF1ZXJ5+page/2==", "DnF1ZXJ5+page/3=="]
    assert all(seen.query["mailto"] == ["kg@example.org"] for seen in server.paths("/works"))
    assert provenance(store, "crossref", "10.1371/journal.pone.0000001").startswith(f"{server.base}/works?")

    # offline: the cached pages load again, with the API URLs as provenance
    again = Store.open(None)
    offline = load(again, read_paths([tmp_path / "cache"]))
    assert (offline.loaded, offline.rejected) == (3, 0)
    assert provenance(again, "crossref", "10.1371/journal.pone.0000001").startswith(f"{server.base}/works?")


def test_datacite_listing_follows_links_next(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/dois", page("datacite-dois-page-1.json", server), page("datacite-dois-page-2.json", server))
    store = Store.open(None)
    report = harvest(store, DataciteLoader, config(tmp_path), HarvestRequest(query="test", rows=2, api=server.base))
    assert (report.loaded, report.rejected) == (3, 0)
    assert [seen.query.get("page[number]") for seen in server.paths("/dois")] == [None, ["2"]]


def test_a_failed_doi_is_reported_and_the_others_still_load(server: ReplayServer, tmp_path: Path) -> None:
    work = (FIXTURES / "crossref" / "work-full.json").read_bytes()
    server.add("/works/10.5555/kg.test.1", Reply(body=work))
    server.add("/works/10.5555/missing", Reply(404, b'{"message": "Resource not found."}'))
    server.add("/works/10.5555/down", Reply(503, b"busy"))
    store = Store.open(None)
    report = harvest(store, CrossrefLoader, config(tmp_path),
                     HarvestRequest(dois=["10.5555/missing", "doi:10.5555/KG.TEST.1", "10.5555/down"],
                                    api=server.base))
    assert (report.loaded, report.rejected) == (1, 2)
    messages = [p.message for p in report.errors]
    assert "HTTP 404" in messages[0] and "10.5555/missing" in messages[0]
    assert "HTTP 503" in messages[1] and "after 2 attempts" in messages[1]
    assert provenance(store, "crossref", "10.5555/kg.test.1") == f"{server.base}/works/10.5555/kg.test.1"


def test_a_doi_with_reserved_characters_is_escaped_in_the_url(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/works/10.5555/a%23b%3Fc", Reply(404, b"{}"))
    harvest(Store.open(None), CrossrefLoader, config(tmp_path), HarvestRequest(dois=["10.5555/a#b?c"], api=server.base))
    assert [seen.path for seen in server.seen] == ["/works/10.5555/a%23b%3Fc"]


def test_a_harvested_record_is_dated_by_the_servers_answer_and_by_its_own_date(server: ReplayServer,
                                                                              tmp_path: Path) -> None:
    work = json.loads((FIXTURES / "crossref" / "work-full.json").read_bytes())
    work["message"]["indexed"] = {"date-time": "2024-05-06T07:08:09Z"}
    server.add("/works/10.5555/kg.test.1", Reply(body=json.dumps(work).encode(),
                                                 headers={"Date": "Tue, 03 Dec 2024 10:00:00 GMT"}))
    store = Store.open(None)
    harvest(store, CrossrefLoader, config(tmp_path), HarvestRequest(dois=["10.5555/kg.test.1"], api=server.base))
    assert dates(store, "crossref", "10.5555/kg.test.1") == (ANSWERED, INDEXED)

    # offline, from the cache: the same dates
    again = Store.open(None)
    load(again, read_paths([tmp_path / "cache"]))
    assert dates(again, "crossref", "10.5555/kg.test.1") == (ANSWERED, INDEXED)


def dates(store: Store, source: str, record_id: str) -> tuple[datetime, ...]:
    """A record graph's prov:generatedAtTime and kg:sourceModified."""
    rows = store.select("SELECT ?at ?modified WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                        "?g <http://www.w3.org/ns/prov#generatedAtTime> ?at ; "
                        "<https://w3id.org/evidence-kg/ns#sourceModified> ?modified } }",
                        {"g": NamedNode(graph_iri(source, record_id))}).values()
    assert len(rows) == 1
    return tuple(datetime.fromisoformat(str(v)) for v in rows[0])
