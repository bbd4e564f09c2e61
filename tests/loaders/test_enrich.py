"""Enrichment against a replaying server: linked works without records are routed to their
agency, fetched in batches, loaded; what no source has is remembered; the budget holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import NamedNode

from kg.store import Store
from loaders.base import RawRecord
from loaders.enrich import MISSING_FILE, candidates, enrich
from loaders.http import HttpConfig
from loaders.pipeline import load
from tests.loaders.replay import ReplayServer, Reply

CITING = {"DOI": "10.5555/kg-enrich.article", "type": "journal-article", "title": ["An article citing three works"],
          "reference": [{"key": "r1", "DOI": "10.5555/kg-enrich.crossref"},
                        {"key": "r2", "DOI": "10.5281/kg-enrich.datacite"},
                        {"key": "r3", "DOI": "10.5555/kg-enrich.nowhere"},
                        {"key": "r4", "DOI": "10.1392/kg-enrich.medra"}]}
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def crossref_page(*dois: str) -> bytes:
    items = [{"DOI": d, "type": "journal-article", "title": [f"Work {d}"]} for d in dois]
    return json.dumps({"status": "ok", "message-type": "work-list", "message": {"items": items}}).encode()


def datacite_page(*dois: str) -> bytes:
    data = [{"id": d, "type": "dois", "attributes": {"doi": d, "titles": [{"title": f"Data {d}"}],
                                                    "types": {"resourceTypeGeneral": "Dataset"}}} for d in dois]
    return json.dumps({"data": data}).encode()


def store_with_citations() -> Store:
    store = Store.open(None)
    records = [RawRecord("crossref", CITING, "file:///citing.json", WHEN),
               RawRecord("doi-ra", {"DOI": "10.5281", "RA": "DataCite"}, "file:///ra.json", WHEN),
               RawRecord("doi-ra", {"DOI": "10.1392", "RA": "mEDRA"}, "file:///ra2.json", WHEN)]
    load(store, iter(records))
    return store


def test_candidates_are_the_linked_dois_without_records_with_their_agency() -> None:
    found = dict(candidates(store_with_citations(), 100))
    assert found == {"10.5555/kg-enrich.crossref": None, "10.5281/kg-enrich.datacite": "DataCite",
                     "10.5555/kg-enrich.nowhere": None, "10.1392/kg-enrich.medra": "mEDRA"}


def test_enrich_routes_batches_loads_and_remembers_what_no_source_has(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/works", Reply(body=crossref_page("10.5555/kg-enrich.crossref")))
    server.add("/dois", Reply(body=datacite_page("10.5281/kg-enrich.datacite")), Reply(body=datacite_page()))
    store = store_with_citations()
    config = HttpConfig(cache_dir=tmp_path, retries=0)
    apis = {"crossref": server.base, "datacite": server.base}
    report = enrich(store, config, apis=apis)
    assert report.candidates == 4
    assert report.found == {"datacite": 1, "crossref": 1}
    assert report.missing == ["10.5555/kg-enrich.nowhere"]
    assert report.unsupported == {"mEDRA": 1}
    assert report.requests == 3 and report.load.loaded == 2
    crossref_asked = server.paths("/works")[0].query["filter"]
    assert crossref_asked == ["doi:10.5555/kg-enrich.crossref,doi:10.5555/kg-enrich.nowhere"]
    datacite_asked = [s.query["query"] for s in server.paths("/dois")]
    assert datacite_asked == [['doi:("10.5281/kg-enrich.datacite")'], ['doi:("10.5555/kg-enrich.nowhere")']]
    assert store.ask("ASK { ?w <http://schema.org/name> 'Data 10.5281/kg-enrich.datacite' }",
                     {"w": NamedNode("https://doi.org/10.5281/kg-enrich.datacite")})
    assert json.loads((tmp_path / MISSING_FILE).read_text()) == ["10.5555/kg-enrich.nowhere"]
    again = enrich(store, config, apis=apis)
    assert (again.candidates, again.requests, again.found) == (2, 0, {})


def test_the_request_budget_leaves_the_rest_for_the_next_run(server: ReplayServer, tmp_path: Path) -> None:
    server.add("/dois", Reply(body=datacite_page("10.5281/kg-enrich.datacite")))
    store = store_with_citations()
    report = enrich(store, HttpConfig(cache_dir=tmp_path, retries=0), max_requests=1,
                    apis={"crossref": server.base, "datacite": server.base})
    assert report.requests == 1 and report.found == {"datacite": 1}
    assert report.left == 2 and report.missing == []
    assert not (tmp_path / MISSING_FILE).exists()
