"""The as-of date's reads (kg.web.asof): a write through the store dates the very next answer anew, and a
date whose few seconds ran out is read again behind the requests, which are answered with the one read
last meanwhile (no request waits for the store, /healthz included)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from kg.store import Store
from kg.web import asof
from kg.web.asof import HEADER, GraphAsOf
from loaders.syncstate import SyncState, save_state

FIRST = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = datetime(2024, 6, 7, 8, 9, 10, tzinfo=UTC)


def dated_app(store: Store, ttl_s: float) -> Starlette:
    """An app answering "hi", behind the middleware under test (one event loop for all requests)."""
    async def hi(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hi")
    return Starlette(routes=[Route("/", hi)], middleware=[Middleware(GraphAsOf, store=store, ttl_s=ttl_s)])


def synced(store: Store, when: datetime) -> None:
    save_state(store, SyncState("crossref", "", watermark=when, last_sync=when, records=1, requests=1))


def test_a_write_through_the_store_dates_the_next_answer_anew() -> None:
    store = Store.open(None)
    with TestClient(dated_app(store, 3600)) as client:
        assert HEADER not in client.get("/").headers  # never synced
        synced(store, FIRST)
        assert client.get("/").headers[HEADER] == FIRST.isoformat()
        synced(store, LATER)
        assert client.get("/").headers[HEADER] == LATER.isoformat()


def test_a_stale_date_is_read_again_behind_the_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(None)
    synced(store, FIRST)
    release, reading = threading.Event(), threading.Event()

    def slow_freshness(store: Store) -> SimpleNamespace:
        reading.set()
        release.wait(60)  # held until the test has had its answer
        return SimpleNamespace(as_of=LATER)

    with TestClient(dated_app(store, 0.0)) as client:
        assert client.get("/").headers[HEADER] == FIRST.isoformat()  # the first read, waited for
        monkeypatch.setattr(asof, "freshness", slow_freshness)
        # its 0 s are up: read again, in the background (a read begun before the patch may still be under
        # way: asked until the patched one starts), each answered with the date read last, not waiting
        for _ in range(600):
            assert client.get("/").headers[HEADER] == FIRST.isoformat()
            if reading.wait(0.1):
                break
        assert reading.is_set()
        release.set()
        for _ in range(600):  # the read, once done, dates the answers after it
            if client.get("/").headers.get(HEADER) == LATER.isoformat():
                break
            time.sleep(0.05)
        assert client.get("/").headers[HEADER] == LATER.isoformat()
