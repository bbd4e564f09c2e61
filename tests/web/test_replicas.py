"""Read replicas and ``kg serve --workers N``: several real ``kg serve`` processes over one store.

An embedded store has one writer (RocksDB's lock); the replicas open it read-only, follow the revision
the writer publishes after each write, and refuse writes with 403 naming where writes go. Over a SPARQL
server every process is a full service. Each test starts real processes and asks them over real HTTP.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import stop
from tests.web.conftest import SAMPLES, UPDATE_TOKEN, oxigraph_with_samples, serve

#: loaded after the replicas started: the record they must come to answer
LATE = SAMPLES / "zenodo"
LATE_DOI = json.loads((LATE / "kg-sample-tool-v1.json").read_text("utf-8"))["metadata"]["doi"]
#: the URL the replicas are reached by, behind a load balancer
PUBLIC = "http://kg.example"
#: the samples loaded before the replicas start: all but LATE
EARLY = sorted(p for p in SAMPLES.iterdir() if p.is_dir() and p != LATE)


def _kind(url: str) -> object:
    """The kind of work /works/{LATE_DOI} answers: None while only records citing it are loaded."""
    status, body = _get(f"{url}/works/{LATE_DOI}")
    assert status == 200, body
    return json.loads(body).get("kind")


def _get(url: str, accept: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


def _update(url: str, update: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url + "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                                     headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {}
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())


def _select(url: str, query: str) -> bytes:
    status, body = _get(url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                        "application/sparql-results+json")
    assert status == 200, body
    return body


def _early_store(location: Path) -> None:
    assert EARLY and LATE.is_dir()
    with Store.open(str(location)) as store:
        report = load(store, read_paths(EARLY))
    assert report.rejected == 0 and report.loaded > 0, report.summary()


@contextmanager
def _served(location: str, directory: Path, *options: str) -> Iterator[str]:
    directory.mkdir(parents=True, exist_ok=True)
    process, url, _ = serve(location, directory, "--query-workers", "1", *options)
    try:
        yield url
    finally:
        stop(process)


def _kg_load(location: Path, path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "kg", "--store", str(location), "load", str(path), "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_two_read_only_replicas_answer_a_record_kg_load_wrote_beside_them(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _early_store(db)
    with ExitStack() as stack:
        # one public URL, as behind a load balancer: the answers' links are the same from either replica
        urls = [stack.enter_context(_served(str(db), tmp_path / f"replica-{n}", "--read-only", "--base-url",
                                            PUBLIC, "--update-token", UPDATE_TOKEN)) for n in (1, 2)]
        assert [_kind(url) for url in urls] == [None, None]
        # no server holds the write lock: kg load takes it, writes, publishes the new revision
        assert _kg_load(db, LATE)["loaded"] == 3
        answers = [_get(f"{url}/works/{LATE_DOI}") for url in urls]
        assert [status for status, _ in answers] == [200, 200]
        assert answers[0][1] == answers[1][1]
        assert json.loads(answers[0][1])["kind"] == "SoftwareSourceCode"
        # the SPARQL endpoint's worker processes follow too
        query = f"ASK {{ <https://doi.org/{LATE_DOI}> ?p ?o }}"
        assert [json.loads(_select(url, query))["boolean"] for url in urls] == [True, True]

        status, error = _update(urls[0], "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'o' } }")
    assert status == 403
    assert error["error"] == {
        "status": 403, "type": "ReadOnlyStoreError",
        "message": "this service opens the store read-only (a replica): writes go to the one process that opens "
                   "it read-write, a kg serve without --read-only and with --workers 1, or kg load / kg sync while "
                   "no server holds it"}


def test_a_replica_beside_the_writing_service_answers_its_updates_and_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _early_store(db)
    query = "SELECT ?o WHERE { <urn:x:s> <urn:x:p> ?o }"
    with (_served(str(db), tmp_path / "writer", "--update-token", UPDATE_TOKEN) as writer,
          _served(str(db), tmp_path / "replica", "--read-only", "--update-token", UPDATE_TOKEN) as replica):
        assert json.loads(_select(replica, query))["results"]["bindings"] == []
        assert _update(writer, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'written' } }") == (204, {})
        answers = [_select(url, query) for url in (writer, replica)]
        assert answers[0] == answers[1]
        assert json.loads(answers[1])["results"]["bindings"] == [{"o": {"type": "literal", "value": "written"}}]

        status, error = _update(replica, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'refused' } }")
        assert (status, error["error"]["type"]) == (403, "ReadOnlyStoreError")
        request = urllib.request.Request(replica + "/store?graph=urn:x:h", data=b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                                         headers={"Authorization": f"Bearer {UPDATE_TOKEN}",
                                                  "Content-Type": "application/n-triples"}, method="PUT")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        with refused.value as answer:
            assert (answer.code, json.loads(answer.read())["error"]["type"]) == (403, "ReadOnlyStoreError")
        # nothing the replica was sent got in
        assert json.loads(_select(writer, query))["results"]["bindings"] == [
            {"o": {"type": "literal", "value": "written"}}]


def test_serve_with_two_workers_over_a_directory_serves_what_kg_load_writes(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _early_store(db)
    with _served(str(db), tmp_path / "served", "--workers", "2") as url:
        assert _kind(url) is None
        assert _kg_load(db, LATE)["loaded"] == 3  # the workers hold no lock: each is a read-only replica
        # each request on a new connection: the kernel hands them to either worker
        answers = {_get(f"{url}/works/{LATE_DOI}") for _ in range(8)}
        assert len(answers) == 1
        status, body = answers.pop()
        assert status == 200 and json.loads(body)["kind"] == "SoftwareSourceCode"
        assert _update(url, "INSERT DATA { <urn:x:s> <urn:x:p> 1 }")[0] == 403


@pytest.mark.slow
def test_serve_with_two_workers_over_oxigraph_serve_is_a_full_service_in_each(tmp_path: Path) -> None:
    with (oxigraph_with_samples(tmp_path) as endpoint,
          _served(endpoint, tmp_path / "served", "--workers", "2", "--update-token", UPDATE_TOKEN) as url):
        assert _update(url, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'remote' } }") == (204, {})
        answers = {_select(url, "SELECT ?o WHERE { <urn:x:s> <urn:x:p> ?o }") for _ in range(6)}
        assert len(answers) == 1
        assert json.loads(answers.pop())["results"]["bindings"] == [{"o": {"type": "literal", "value": "remote"}}]


def test_read_only_is_refused_over_a_sparql_server() -> None:
    done = subprocess.run([sys.executable, "-m", "kg", "--store", "http://127.0.0.1:9/query", "serve", "--read-only"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "--read-only is for a store directory: over a SPARQL server, run as many kg serve" in done.stderr


def test_a_replica_under_load_answers_every_request_while_kg_load_writes_beside_it(tmp_path: Path) -> None:
    # the replica opens each new revision in a snapshot of its own, off the request path: the writer's
    # compactions cannot take a file away from an open in use (500s with 'No such file ... .sst' else)
    db = tmp_path / "db"
    _early_store(db)
    versions = sorted(LATE.iterdir())
    assert len(versions) == 3
    dois = [json.loads(v.read_text("utf-8"))["metadata"]["doi"] for v in versions]
    failed: list[tuple[str, int, bytes]] = []
    done = threading.Event()
    with _served(str(db), tmp_path / "replica", "--read-only") as url:
        paths = [f"/works/{LATE_DOI}", f"/api/works?id={LATE_DOI}&id={dois[1]}", f"/works/{dois[-1]}"]

        def ask() -> None:
            while not done.is_set():
                for path in paths:
                    status, body = _get(url + path)
                    if status not in (200, 404):
                        failed.append((path, status, body[:300]))

        askers = [threading.Thread(target=ask) for _ in range(4)]
        for asker in askers:
            asker.start()
        try:
            for version, doi in zip(versions, dois, strict=True):
                folder = tmp_path / version.stem
                folder.mkdir()
                (folder / version.name).write_bytes(version.read_bytes())
                assert _kg_load(db, folder)["loaded"] == 1
                # no answer from before the write once kg load returned: the version it loaded is known
                status, body = _get(f"{url}/works/{doi}")
                assert status == 200 and json.loads(body)["kind"] == "SoftwareSourceCode", body[:300]
        finally:
            done.set()
            for asker in askers:
                asker.join(60)
    assert failed == []
