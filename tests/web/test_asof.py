"""Every answer dated, and statuses shown: a real ``kg serve`` over a graph synced from the scripted
timeline (tests/fixtures/sync). /healthz reports each source's sync and lag; every response carries
``KG-Graph-As-Of``; the retracted work's page says so, and so does the chain of a work resting on it;
likewise a PDB entry obsoleted, with its successor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from kg.store import Store
from loaders.pipeline import load
from loaders.read import records_of
from loaders.syncstate import SyncState, save_state
from tests.loaders.timeline import TIMELINE, held, pdbe_documents
from tests.web.conftest import serve, stop

WATERMARK = datetime(2024, 6, 2, 18, tzinfo=UTC)
PDB_DAY2 = date(2024, 6, 5)
[OBSOLETE] = TIMELINE["pdbe"]["releases"]["2024-06-05"]["obsolete"]
OBSOLETED = next(e for e in TIMELINE["pdbe"]["entries"] if e["id"] == OBSOLETE and "status" in e)["status"]
ARTICLE = next(e for e in TIMELINE["pdbe"]["entries"] if e["id"] == OBSOLETE and "publications" in e)
NOTICE = next(r for r in TIMELINE["crossref"] if r.get("update-to"))
RETRACTED = NOTICE["update-to"][0]["DOI"]
CITING = next(r["DOI"] for r in TIMELINE["crossref"]
              if any(ref.get("DOI") == RETRACTED for ref in r.get("reference", [])) and r["DOI"] != RETRACTED
              and r["indexed"]["date-time"] >= NOTICE["indexed"]["date-time"][:10])


@dataclass(frozen=True)
class Synced:
    url: str


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    directory = tmp_path_factory.mktemp("synced")
    location = str(directory / "db")
    with Store.open(location) as store:
        document = {"message-type": "work-list", "message": {"items": held("crossref", WATERMARK.date())}}
        assert load(store, records_of(document, "file:///day2.json", WATERMARK, "day2.json", "")).rejected == 0
        for answer in pdbe_documents(PDB_DAY2):  # PDBe's week: an entry obsoleted, superseded by another
            assert load(store, records_of(answer, "file:///pdbe.json", WATERMARK, "pdbe.json", "")).rejected == 0
        save_state(store, SyncState("crossref", "", watermark=WATERMARK, last_sync=WATERMARK, records=4, requests=3))
    process, url, _ = serve(location, directory)
    try:
        yield Synced(url)
    finally:
        stop(process)


def test_healthz_reports_each_sources_last_sync_and_lag(synced: Synced) -> None:
    answer = requests.get(synced.url + "/healthz", timeout=10).json()
    assert answer["status"] == "ok"
    assert answer["graphAsOf"] == WATERMARK.isoformat()
    [crossref] = answer["sources"]
    assert (crossref["source"], crossref["scope"], crossref["lastSync"], crossref["inProgress"]) == (
        "crossref", "", WATERMARK.isoformat(), False)
    assert crossref["lagSeconds"] >= (datetime(2026, 1, 1, tzinfo=UTC) - WATERMARK).total_seconds()


@pytest.mark.parametrize("path", ["/healthz", f"/api/chain?id={quote(CITING)}", f"/works/{RETRACTED}", "/sparql"])
def test_every_answer_carries_the_graphs_as_of_date(synced: Synced, path: str) -> None:
    answer = requests.get(synced.url + path, timeout=30, headers={"Accept": "application/json"})
    assert answer.headers["KG-Graph-As-Of"] == WATERMARK.isoformat()


def test_the_retracted_works_page_says_so(synced: Synced) -> None:
    page = requests.get(f"{synced.url}/works/{RETRACTED}", headers={"Accept": "text/html"}, timeout=30).text
    update = NOTICE["update-to"][0]
    assert (f'<p class="status-badge" role="status"><strong>Retracted</strong> on {update["updated"]["date-time"][:10]}'
            f': {update["label"]} (notice <a href="/works/{NOTICE["DOI"]}">https://doi.org/{NOTICE["DOI"]}</a>)</p>'
            ) in page


def test_a_chain_through_the_retracted_work_says_so(synced: Synced) -> None:
    chain = requests.get(f"{synced.url}/api/chain?id={quote(CITING)}", timeout=30).json()
    marked = {n["iri"]: n["status"] for n in chain["nodes"] if n["status"]}
    assert list(marked) == [f"https://doi.org/{RETRACTED}"]
    assert marked[f"https://doi.org/{RETRACTED}"][0]["status"] == "retracted"
    page = requests.get(f"{synced.url}/works/{CITING}", headers={"Accept": "text/html"}, timeout=30).text
    assert "This chain passes through" in page and "retracted on 2024-06-02 (Retraction; notice " in page
    assert 'data-status="retracted"' in page  # the drawing's box


def test_the_obsoleted_pdb_entrys_page_and_the_chain_through_it_say_so(synced: Synced) -> None:
    entry, successor = f"10.2210/pdb{OBSOLETE}/pdb", f"10.2210/pdb{OBSOLETED['superceded_by'][0]}/pdb"
    page = requests.get(f"{synced.url}/works/{entry}", headers={"Accept": "text/html"}, timeout=30).text
    since = OBSOLETED["since"]
    assert (f'<strong>Obsoleted</strong> on {since[:4]}-{since[4:6]}-{since[6:]}: PDB entry obsoleted (PDBe status '
            f'OBS); superseded by <a href="/works/{successor}">https://doi.org/{successor}</a></p>') in page
    chain = requests.get(f"{synced.url}/api/chain?id={quote(ARTICLE['publications']['doi'])}", timeout=30).json()
    marked = {n["iri"]: n["status"] for n in chain["nodes"] if n["status"]}
    assert [(m["status"], m["supersededBy"]) for m in marked[f"https://doi.org/{entry}"]] == [
        ("obsoleted", f"https://doi.org/{successor}")]


def test_a_graph_never_synced_sends_no_date(tmp_path: Path) -> None:
    location = str(tmp_path / "db")
    Store.open(location).close()
    process, url, _ = serve(location, tmp_path)
    try:
        answer = requests.get(url + "/healthz", timeout=10)
        assert answer.json()["graphAsOf"] is None and answer.json()["sources"] == []
        assert "KG-Graph-As-Of" not in answer.headers
    finally:
        stop(process)
