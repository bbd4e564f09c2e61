"""/healthz's view of the store: the last check made in the background, never a query per probe."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.errors import ConfigError, StoreError
from kg.store import Store
from kg.web import healthd
from kg.web.config import Settings
from kg.web.health import HealthProcess, StoreWatch, watch_store
from kg.web.services import Services
from loaders.syncstate import SyncState, save_state
from tests.conftest import _free_port, run_async, stop
from tests.web.conftest import load_samples, serve


def test_a_store_that_answered_its_last_check_is_ok() -> None:
    watch = StoreWatch(lambda: None, stale=15)
    watch.check()
    assert watch.status(now=watch.answered_at + 14) == ("ok", None)


def test_a_failed_check_is_unavailable_without_naming_the_store() -> None:
    def ping() -> None:
        raise StoreError("cannot reach the SPARQL server at http://secret.example/query")

    watch = StoreWatch(ping)
    watch.check()
    assert watch.status() == ("unavailable", "the store does not answer")


def test_a_check_that_never_comes_back_makes_the_store_unavailable() -> None:
    watch = StoreWatch(lambda: None, stale=15)
    watch.check()
    status, problem = watch.status(now=watch.answered_at + 16)
    assert status == "unavailable"
    assert problem == "the store has not answered a check for 16 s"


def test_before_any_check_the_store_is_not_taken_for_up() -> None:
    assert StoreWatch(lambda: None).status()[0] == "unavailable"


def test_the_watch_checks_again_in_its_thread_until_stopped() -> None:
    calls: list[int] = []
    watch = StoreWatch(lambda: calls.append(1), every=0.01)
    watch.start()
    deadline = time.monotonic() + 60
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) >= 3
    watch.stop()
    assert watch.status()[0] == "ok"


def _ask(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.parametrize("location", ["embedded", "remote"])
def test_an_idle_service_asks_the_store_nothing_and_a_sync_is_seen_at_the_next_check(
        location: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The watch pings (uncounted) and reads the sources' sync states only when the store changed, so
    /healthz's ``store_queries`` counts the answers' queries alone; the lag is of the check's own time."""
    url = str(tmp_path / "store") if location == "embedded" else request.getfixturevalue("oxigraph_server")
    with Store.open(url) as store:
        if location == "remote":
            store.update("CLEAR ALL")
        watch = watch_store(store)
        watch.check()
        asked = store.query_count
        for _ in range(3):
            watch.check()
        assert store.query_count == asked and watch.details == {"graphAsOf": None, "sources": []}
        synced = datetime(2026, 1, 2, tzinfo=UTC)
        save_state(store, SyncState("crossref", watermark=synced, last_sync=synced))
        watch.check()
        assert [s["watermark"] for s in watch.details["sources"]] == [synced.isoformat()]  # type: ignore[union-attr]
        lag = watch.details["sources"][0]["lagSeconds"]  # type: ignore[index]
        time.sleep(1.1)
        watch.check()
        assert watch.details["sources"][0]["lagSeconds"] > lag  # type: ignore[index,operator]
        if location == "remote":
            store.update("CLEAR ALL")


def test_kg_serve_answers_healthz_on_its_health_port_too(tmp_path: Path) -> None:
    location = str(tmp_path / "db")
    load_samples(location)
    port = _free_port()
    process, base, _ = serve(location, tmp_path, "--health-port", str(port))
    try:
        on_service = json.loads(_ask(f"{base}/healthz")[1])
        status, body = _ask(f"http://127.0.0.1:{port}/healthz")
        deadline = time.monotonic() + 30
        while status != 200 and time.monotonic() < deadline:  # the heartbeat after the store's first check
            time.sleep(0.05)
            status, body = _ask(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        answer = json.loads(body)
        assert (answer["status"], answer["store"]) == ("ok", "embedded")
        assert set(answer) == set(on_service)  # the same answer as the service's port gives
        assert _ask(f"http://127.0.0.1:{port}/healthz", "HEAD") == (200, b"")
        status, body = _ask(f"http://127.0.0.1:{port}/works/10.5555/kg-sample.article")
        assert status == 404 and b"answers GET /healthz only" in body
    finally:
        stop(process)


def test_the_health_port_says_unavailable_when_the_store_does_not_answer() -> None:
    def ping() -> None:
        raise StoreError("cannot reach the SPARQL server at http://secret.example/query")

    state = Services(Store.open(None), Settings())
    state.watch = StoreWatch(ping)
    state.watch.check()

    async def probed() -> tuple[int, bytes]:
        health = HealthProcess("127.0.0.1", _free_port(), state)
        health.start()
        try:
            return await asyncio.to_thread(_ask, f"http://127.0.0.1:{health.port}/healthz")
        finally:
            health.stop()

    status, body = run_async(probed())
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "store": "embedded", "problem": "the store does not answer"}


def _healthd(heartbeat: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """The health process alone, on a free port, once it listens; its base URL."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, healthd.__file__, "--port", str(port), "--heartbeat", str(heartbeat),
                                *options], stdout=subprocess.PIPE)
    assert process.stdout is not None
    ready = process.stdout.readline().strip()
    process.stdout.close()
    assert ready == b"ready"
    return process, f"http://127.0.0.1:{port}"


def _beat(heartbeat: Path, at: float, status: int = 200) -> None:
    heartbeat.write_text(json.dumps({"at": at, "status": status, "body": {"status": "ok", "store": "embedded"}}))


def test_the_health_process_gives_the_service_s_last_heartbeat_and_503_once_it_is_stale(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat.json"
    process, base = _healthd(heartbeat, "--stale", "10", "--parent", str(os.getpid()))
    try:
        status, body = _ask(base + "/healthz")
        assert (status, json.loads(body)["problem"]) == (503, "the service has not started yet")
        _beat(heartbeat, time.monotonic())
        assert _ask(base + "/healthz") == (200, b'{"status": "ok", "store": "embedded"}')
        _beat(heartbeat, time.monotonic() - 30)  # the service's event loop has not written for 30 s: stuck
        status, body = _ask(base + "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "problem": "the service has not answered for 30 s"}
        _beat(heartbeat, time.monotonic(), status=503)  # the service's own 503 (its store) is given as it is
        assert _ask(base + "/healthz")[0] == 503
    finally:
        stop(process)


def test_the_health_process_ends_when_the_service_that_started_it_is_gone(tmp_path: Path) -> None:
    # its parent is this test's process, not the pid it was told: as after the service died, it stops,
    # and removes the heartbeat the service could not
    directory = tmp_path / "kg-health-x"
    directory.mkdir()
    _beat(directory / "heartbeat.json", time.monotonic())
    process, _ = _healthd(directory / "heartbeat.json", "--parent", str(os.getpid() + 1_000_000))
    try:
        assert process.wait(timeout=60) == 0
    finally:
        stop(process)
    assert not directory.exists()


def test_a_service_stopped_leaves_no_heartbeat_behind() -> None:
    state = Services(Store.open(None), Settings())

    async def run() -> Path:
        health = HealthProcess("127.0.0.1", _free_port(), state)
        health.start()
        health.stop()
        return health.heartbeat.parent

    assert not run_async(run()).exists()


def test_a_health_port_already_taken_is_a_clear_error() -> None:
    state = Services(Store.open(None), Settings())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def started() -> None:
            HealthProcess("127.0.0.1", port, state).start()

        before = set(Path(tempfile.gettempdir()).glob("kg-health-*")) | set(Path("/dev/shm").glob("kg-health-*"))
        with pytest.raises(ConfigError, match=f"cannot answer /healthz on 127.0.0.1:{port}"):
            run_async(started())
        after = set(Path(tempfile.gettempdir()).glob("kg-health-*")) | set(Path("/dev/shm").glob("kg-health-*"))
        assert after <= before  # its heartbeat's directory removed too
