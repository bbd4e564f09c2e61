"""Queries in worker processes (kg/store/workers.py): a query past the limit is killed and its worker replaced;
an update waits for the workers to stop and the new ones see it; a store no worker can open is a StoreError."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from kg.errors import QuerySyntaxError, QueryTimeoutError, StoreError
from kg.store import Store
from kg.store.limits import QueryJob
from kg.store.workers import ProcessRunner

#: 100 quads in 100 graphs
GRAPHS = " ".join(f"GRAPH <urn:kg-test:g{i}> {{ <urn:kg-test:s{i}> <urn:kg-test:p> {i} }}" for i in range(100))
#: a cross join counting over all quads four times: 10^8 combinations, computed before the one row
ENDLESS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
           "GRAPH ?g3 { ?h ?i ?j } GRAPH ?g4 { ?k ?l ?m } }")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[ProcessRunner]:
    with Store.open(tmp_path / "kg-data") as store:
        store.update(f"INSERT DATA {{ {GRAPHS} }}")
        started = store.query_runner(timeout_s=1.0, workers=1)
        assert isinstance(started, ProcessRunner)
        try:
            yield started
        finally:
            started.close()


def test_a_query_past_the_limit_is_killed_and_the_next_query_answers(runner: ProcessRunner) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"^the query ran past the 1 s time limit and was stopped"):
        runner.run(QueryJob(ENDLESS, "json", None, "", timeout=1.0))
    assert time.monotonic() - started < 30
    assert runner.run(QueryJob(COUNT, "csv", None, "", timeout=1.0)).body == b"n\r\n100\r\n"


def test_an_update_is_seen_by_the_workers_started_after_it(runner: ProcessRunner) -> None:
    assert runner.run(QueryJob(COUNT, "csv", None, "")).body == b"n\r\n100\r\n"
    runner.update("DROP GRAPH <urn:kg-test:g0>")
    assert runner.run(QueryJob(COUNT, "csv", None, "")).body == b"n\r\n99\r\n"
    with runner.writes():
        runner.store.update("DROP GRAPH <urn:kg-test:g1>")
    assert runner.run(QueryJob(COUNT, "csv", None, "")).body == b"n\r\n98\r\n"


def test_a_workers_error_comes_back_as_a_kg_error(runner: ProcessRunner) -> None:
    with pytest.raises(QuerySyntaxError, match=r"^the SPARQL text does not parse: error at 1:\d+: expected"):
        runner.run(QueryJob("SELECT WHERE { ?s ?p ?o }", "json", None, ""))
    assert runner.run(QueryJob("ASK { ?s ?p 5 }", "json", None, "")).body == b'{"head": {}, "boolean": true}'


def test_a_store_no_worker_can_open_is_a_store_error(tmp_path: Path) -> None:
    with Store.open(None) as beside, pytest.raises(
            StoreError, match=r"^no query worker could open the store read-only \(see the log\)$"):
        ProcessRunner(beside, partial(Store.open_read_only, tmp_path / "missing"), 1)
