"""A real ``kg serve`` over a remote store that is frozen (issue 13, finding 7): a server that takes
every connection and never answers. The service says the store is not answering, a 502 of its own
type and message, not "your query ran past the time limit" (a 503, the query's doing)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import _free_port, stop
from tests.kg.store.test_remote import _tcp_server


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_frozen_store_is_reported_as_not_answering_not_as_a_slow_query(tmp_path: Path) -> None:
    port = _free_port()
    with _tcp_server(lambda connection, n: None) as store_url, (tmp_path / "serve.log").open("wb") as log:
        # its health check waits on the frozen store too: the service is ready when it listens
        process = subprocess.Popen([sys.executable, "-m", "kg", "--store", store_url, "serve", "--port", str(port),
                                    "--query-timeout", "1"], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not _listening(port) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            answer = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                                  headers={"Accept": "application/sparql-results+json"}, timeout=120)
        finally:
            stop(process)
    error = answer.json()["error"]
    assert (answer.status_code, error["type"]) == (502, "FrozenServerError")
    # the service's limit (1 s) and its margin: then a trivial query went unanswered too
    assert error["message"] == ("the store is not answering: it took the connection, then sent nothing for 2 s and "
                                "answers no other query either (frozen; not your query's doing); try again later")
    assert "not answering" in (tmp_path / "serve.log").read_text()
