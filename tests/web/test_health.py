"""/healthz's view of the store: the last check made in the background, never a query per probe."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from kg.errors import StoreError
from kg.store import Store
from kg.web.config import Settings
from kg.web.health import HealthListener, StoreWatch
from kg.web.services import Services
from tests.conftest import _free_port, stop
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


def test_kg_serve_answers_healthz_on_its_health_port_too(tmp_path: Path) -> None:
    location = str(tmp_path / "db")
    load_samples(location)
    port = _free_port()
    process, base, _ = serve(location, tmp_path, "--health-port", str(port))
    try:
        status, body = _ask(f"http://127.0.0.1:{port}/healthz")
        on_service = json.loads(_ask(f"{base}/healthz")[1])
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
    listener = HealthListener("127.0.0.1", _free_port(), state)
    listener.start()
    try:
        status, body = _ask(f"http://127.0.0.1:{listener.server_address[1]}/healthz")
    finally:
        listener.stop()
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "store": "embedded", "problem": "the store does not answer"}
