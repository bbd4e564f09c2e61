"""The remote store (kg/store/remote.py): opened by URL without I/O; an unreachable server named in its errors."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import Literal

from kg.errors import QueryTimeoutError, StoreError
from kg.store import RemoteStore, Store
from kg.store.limits import REMOTE_MARGIN, ServerRunner
from kg.store.remote import BACKOFF
from kg.store.remote_faults import FrozenServerError
from kg.vocab import SCHEMA
from loaders.base import RawRecord
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import _free_port, _oxigraph_binary, _wait_until_answering, stop
from tests.kg.store.conftest import record

SAMPLES = Path(__file__).resolve().parents[3] / "samples"

# -- opening ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "update_url"), [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
    ("https://example.org/ds/query", "https://example.org/ds/update"),
    ("https://example.org/sparql", "https://example.org/sparql"),
])
def test_open_an_http_url_is_a_remote_store(url: str, update_url: str) -> None:
    store = Store.open(url)  # opening does no I/O

    assert isinstance(store, RemoteStore)
    assert store.url == url
    assert store.update_url == update_url
    assert repr(store) == f"RemoteStore({url!r})"
    assert RemoteStore(url, "https://example.org/other/update").update_url == "https://example.org/other/update"


def test_a_process_that_asked_a_server_leaves_no_connection_to_the_garbage_collector(oxigraph_server: str) -> None:
    # the kept-alive connections are closed when the process exits, not left to be collected unclosed
    # ("ResourceWarning: unclosed <socket ...>": 50 lines at the end of every test run)
    asking = ("import sys; from kg.store import Store; store = Store.open(sys.argv[1]); "
              "store.select('SELECT * WHERE { ?s ?p ?o } LIMIT 1'); store.close()")
    done = subprocess.run([sys.executable, "-X", "dev", "-c", asking, oxigraph_server], capture_output=True, text=True,
                          cwd=SAMPLES.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ResourceWarning" not in done.stderr, done.stderr

# -- errors -----------------------------------------------------------------------------------


def _unused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/query"


def test_an_unreachable_server_raises_store_error_naming_the_url() -> None:
    url = _unused_url()
    store = Store.open(url)
    assert isinstance(store, RemoteStore)
    a = record("10.1/a", (SCHEMA.name, Literal("A")))

    unreachable = rf"^cannot reach the SPARQL server at {re.escape(url)}: .*refused"
    with pytest.raises(StoreError, match=unreachable):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.ask("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.write([a])
    with pytest.raises(StoreError, match=rf"^cannot reach the SPARQL server at {re.escape(store.update_url)}: "):
        store.update("CLEAR ALL")


def test_ping_of_an_unreachable_server_raises_store_error_naming_the_url() -> None:
    url = _unused_url()
    with pytest.raises(StoreError, match=rf"^cannot reach the SPARQL server at {re.escape(url)}: .*refused"):
        Store.open(url).ping()


def test_a_server_cannot_be_opened_read_only() -> None:
    with pytest.raises(StoreError, match=r"^a SPARQL server cannot be opened read-only: http://127\.0\.0\.1:7878/query$"):
        Store.open_read_only("http://127.0.0.1:7878/query")


def test_the_server_runner_cuts_its_client_off_a_margin_past_the_limit() -> None:
    store = Store.open("http://127.0.0.1:7878/query")
    runner = store.query_runner(timeout_s=2.5)  # no I/O either
    assert isinstance(runner, ServerRunner)
    assert isinstance(runner._limited, RemoteStore)
    assert (runner._limited.url, runner._limited.timeout) == (store.url, 2.5 + REMOTE_MARGIN)
    assert store.timeout == 300  # the store itself keeps its own patience


# -- faults: a server frozen, gone, dropping connections, killed mid-load (issue 13, finding 7) --------


@contextmanager
def _tcp_server(handle: Callable[[socket.socket, int], None]) -> Iterator[str]:
    """A loopback TCP server calling ``handle(connection, n)`` for its n-th connection; its query URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    done = threading.Event()

    def serve() -> None:
        n = 0
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)
            n += 1
            try:
                handle(connection, n)
            except OSError:
                pass  # the client gave up first

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    finally:
        done.set()
        thread.join()
        listener.close()
        for connection in held:
            connection.close()


def test_a_server_that_accepts_and_never_answers_is_reported_frozen_not_slow() -> None:
    with _tcp_server(lambda connection, n: None) as url:
        store = RemoteStore(url, timeout=30, first_byte=2)
        started = time.monotonic()
        with pytest.raises(FrozenServerError, match=rf"^the SPARQL server at {re.escape(url)} accepted the "
                                                    r"connection but answered nothing in 2 s$") as caught:
            store.ask("ASK { ?s ?p ?o }")
    assert not isinstance(caught.value, QueryTimeoutError)
    assert time.monotonic() - started < 10  # once: a frozen server is not tried again
    # silent for the whole time limit, and answering no trivial query either: frozen too, not slow
    with _tcp_server(lambda connection, n: None) as url, pytest.raises(
            FrozenServerError, match=r"accepted the connection but answered nothing in 2 s$") as whole:
        RemoteStore(url, timeout=2).ask("ASK { ?s ?p ?o }")
    assert not isinstance(whole.value, QueryTimeoutError) and whole.value.seconds == 2


def _silent_to_the_first_then_answer(connection: socket.socket, n: int) -> None:
    if n == 1:
        return  # the query: held, never answered (a slow query)
    connection.recv(65536)  # the trivial query asking whether the server is alive
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                       b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER))
    connection.close()


def test_silence_for_the_whole_time_limit_from_a_server_still_answering_is_the_querys_timeout() -> None:
    with _tcp_server(_silent_to_the_first_then_answer) as url, pytest.raises(QueryTimeoutError):
        RemoteStore(url, timeout=2).ask("ASK { ?s ?p ?o }")


def test_a_refused_connection_is_tried_three_times_then_reported_unreachable() -> None:
    url = _unused_url()
    started = time.monotonic()
    with pytest.raises(StoreError, match=rf"^cannot reach the SPARQL server at {re.escape(url)}: .*refused.* "
                                         r"\(tried 3 times\)$"):
        RemoteStore(url).ask("ASK { ?s ?p ?o }")
    assert time.monotonic() - started >= BACKOFF * 3  # paused 0.5 s, then 1 s


ANSWER = b'{"head": {}, "boolean": true}'


def _drop_twice_then_answer(connection: socket.socket, n: int) -> None:
    if n <= 2:
        connection.close()  # the connection lost before any answer
        return
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                       b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER))
    connection.close()


def test_a_dropped_connection_is_tried_again() -> None:
    with _tcp_server(_drop_twice_then_answer) as url:
        assert RemoteStore(url).ask("ASK { ?s ?p ?o }") is True


def _crossref_records(count: int) -> list[RawRecord]:
    sample = next(r for r in read_paths([SAMPLES / "crossref" / "s41598-021-81251-2.json"])
                  if isinstance(r, RawRecord))
    return [replace(sample, data={**sample.data, "DOI": f"10.5555/kg-fault-{i}"}) for i in range(count)]


def test_a_load_to_a_server_killed_mid_load_stops_and_counts_what_was_written(tmp_path: Path) -> None:
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server CLI is not installed (pip install 'oxigraph>=0.5,<0.6')")
    url = f"http://127.0.0.1:{_free_port()}/query"
    command = [binary, "serve", "--location", str(tmp_path / "db"), "--bind", url.split("/")[2],
               "--union-default-graph"]
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    _wait_until_answering(url, server, log_path)
    try:
        def kill_after_the_first_batch(done: int) -> None:
            if server.poll() is None:
                stop(server)

        report = load(Store.open(url), _crossref_records(60), batch_size=10, progress=kill_after_the_first_batch)
    finally:
        stop(server)
    assert report.failure is not None
    assert re.match(rf"writing to the store failed \(cannot reach the SPARQL server at {re.escape(url[:-5])}"
                    r"(query|update): .*refused \(tried 3 times\)\)$", report.failure), report.failure
    assert 10 <= report.loaded < 60
    assert f"{report.loaded} loaded" in report.summary()
    # what the report counts is what the server holds
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(url, server, log_path)
        graphs = Store.open(url).select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?w ?p ?o } "
                                        "FILTER(STRSTARTS(STR(?w), 'https://doi.org/10.5555/kg-fault-')) }")
    finally:
        stop(server)
    assert int(graphs.rows[0][0].value) == report.loaded  # type: ignore[union-attr]

