"""/healthz's view of the store: the last check made in the background, never a query per probe."""

from __future__ import annotations

import time

from kg.errors import StoreError
from kg.web.health import StoreWatch


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
