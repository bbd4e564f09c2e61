"""/sparql over an in-memory store (the Python API's create_app(Store.open(None))): the query runs in the
request's thread and the time limit is checked between result rows, so a query streaming rows past it is
stopped; the app keeps answering."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from kg.web.config import Settings
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMIT = 0.5


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    with TestClient(create_app(store, Settings(query_timeout=LIMIT, max_rows=10**9))) as c:
        yield c


def test_a_query_streaming_rows_past_the_limit_is_stopped(client: TestClient) -> None:
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 400 quads: 64 million rows
    started = time.monotonic()
    answer = client.get("/sparql", params={"query": endless}, headers={"Accept": "application/sparql-results+json"})
    elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "QueryTimeoutError"
    assert elapsed < 60  # stopped, not run to its end (which takes many minutes)


def test_the_app_answers_after_a_stopped_query(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": "ASK { ?s a <http://schema.org/Dataset> }"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True
