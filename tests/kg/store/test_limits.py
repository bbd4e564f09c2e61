"""Queries under a time limit in the caller's thread (kg/store/limits.py): an in-memory store's runner stops a
query streaming rows past the limit; a job's dataset, format and row cap are honoured."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import pytest

from kg.errors import NotAcceptableError, QueryTimeoutError
from kg.store import Store, read_here
from kg.store.limits import InProcessRunner, QueryJob, execute

#: 200 quads in 200 graphs
GRAPHS = " ".join(f"GRAPH <urn:kg-test:g{i}> {{ <urn:kg-test:s{i}> <urn:kg-test:p> {i} }}" for i in range(200))
#: 200^3 = 8 million rows, streamed one by one
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def memory() -> Store:
    store = Store.open(None)
    store.update(f"INSERT DATA {{ {GRAPHS} }}")
    return store


def test_a_query_streaming_rows_past_the_limit_is_stopped_between_rows(memory: Store) -> None:
    runner = memory.query_runner(timeout_s=0.2)
    assert isinstance(runner, InProcessRunner)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"^the query ran past the 0\.2 s time limit and was stopped"):
        runner.run(QueryJob(ENDLESS, "json", None, "Accept: */*", max_rows=10**9, timeout=0.2))
    assert time.monotonic() - started < 30  # stopped, not run to its end
    assert runner.run(QueryJob("ASK { ?s ?p 7 }", "json", None, "")).body == b'{"head": {}, "boolean": true}'


def test_the_jobs_graphs_make_its_dataset(memory: Store) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert execute(memory, QueryJob(count, "csv", None, "")).body == b"n\r\n200\r\n"
    only = QueryJob(count, "csv", None, "", default_graphs=("urn:kg-test:g1", "urn:kg-test:g2"))
    assert execute(memory, only).body == b"n\r\n2\r\n"
    named = QueryJob("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "csv", None, "", named_graphs=("urn:kg-test:g3",))
    assert execute(memory, named).body == b"g\r\nurn:kg-test:g3\r\n"


def test_an_answer_that_fits_no_format_asked_for_is_not_acceptable(memory: Store) -> None:
    with pytest.raises(NotAcceptableError, match=r"^cannot answer in a format the request accepts \(format=turtle\); "
                       r"available: application/sparql-results\+json, application/sparql-results\+xml, text/csv, "
                       r"text/tab-separated-values$"):
        execute(memory, QueryJob("SELECT * WHERE { ?s ?p ?o }", None, "turtle", "format=turtle"))


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_an_answer_stopped_in_a_thread_is_freed_there_whoever_keeps_the_error(
        memory: Store, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A web worker thread stops an answer past its limit; the error goes on to another thread (a log
    handler, the server's loop) and is dropped there. pyoxigraph's answer must not go with it: dropped
    in another thread it raises "unsendable" wherever the garbage collector runs (a later test failed so)."""
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(str(hook.exc_value)))
    kept: list[BaseException] = []

    def run(ask: Callable[[], object]) -> None:
        try:
            ask()
        except Exception as e:  # kept, as a handler in another thread would
            kept.append(e)

    job = QueryJob(query, "json", "ntriples", "", max_rows=10)
    asks: list[Callable[[], object]] = [
        lambda: execute(memory, job, deadline=time.monotonic() - 1),
        lambda: read_here(memory.query(query), lambda answer: [1 / 0 for _ in answer])]
    for ask in asks:
        thread = threading.Thread(target=run, args=(ask,))
        thread.start()
        thread.join()
    assert [type(e) for e in kept] == [QueryTimeoutError, ZeroDivisionError]
    kept.clear()  # dropped in this thread
    assert unraisable == []
