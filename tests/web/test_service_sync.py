"""``kg serve --sync-every``: a real service over an embedded store (which it holds, so ``kg sync`` cannot
open it) syncs inside itself, against a local server replaying the scripted timeline
(tests/fixtures/sync); a record synced by the running service is then answered, by the pages and by
/sparql (whose workers see the write), and answers cached before the sync are not served after it."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import quote

from kg.store import Store
from loaders.syncstate import read_state
from tests.loaders.replay import ReplayServer, Reply, Seen
from tests.loaders.timeline import Timeline, held
from tests.web.conftest import serve, stop

COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s <http://schema.org/name> ?o } }"


def get(url: str, accept: str = "application/json") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def graphs(base: str) -> int:
    status, _, body = get(f"{base}/sparql?query={quote(COUNT)}", "application/sparql-results+json")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def wait_for(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"{what} never happened:\n{log.read_text(errors='replace')}"
        time.sleep(0.1)


def test_a_record_synced_by_the_running_service_is_answered_and_cached_answers_are_fresh(tmp_path: Path) -> None:
    with ReplayServer() as server:
        run(server, tmp_path)


def run(server: ReplayServer, tmp_path: Path) -> None:
    timeline = Timeline(server, date(2024, 6, 2))
    gate = threading.Event()
    answer = timeline.works

    def held_back(seen: Seen) -> Reply:  # the source answers once the test has asked the service first
        gate.wait(60)
        return answer(seen)

    server.handlers["/works"] = held_back
    where = tmp_path / "store"
    Store.open(where).close()
    paper = held("crossref", date(2024, 6, 2))[0]
    process, base, log = serve(str(where), tmp_path, "--sync-every", "1h", "--sync-source", "crossref",
                               "--sync-since", "2024-06-01", "--sync-api", f"crossref={server.base}",
                               "--cache-dir", str(tmp_path / "cache"), "--log-level", "info")
    try:
        wait_for(lambda: bool(server.paths("/works")), "the service's first sync request", log)
        # before the sync has stored anything: asked twice, the second from the service's cache
        assert graphs(base) == graphs(base) == 0
        assert get(f"{base}/works/{paper['DOI']}?format=json")[0] == 404
        assert "kg-graph-as-of" not in get(f"{base}/healthz")[1]
        gate.set()
        wait_for(lambda: get(f"{base}/works/{paper['DOI']}?format=json")[0] == 200, "the synced work's answer", log)
        status, headers, body = get(f"{base}/works/{paper['DOI']}?format=json")
        assert json.loads(body)["title"] == paper["title"][0]
        wait_for(lambda: "kg-graph-as-of" in get(f"{base}/healthz")[1], "the as-of date", log)
        # /sparql answers from workers that see the write, not from the answer cached before it
        assert graphs(base) == len(held("crossref", date(2024, 6, 2)))
        # /healthz reports what its background check read last (every 2 s)
        wait_for(lambda: [s["source"] for s in json.loads(get(f"{base}/healthz")[2])["sources"]] == ["crossref"],
                 "the sync in /healthz", log)
    finally:
        gate.set()
        stop(process)
    with Store.open(where) as store:
        assert read_state(store, "crossref", "").watermark is not None
