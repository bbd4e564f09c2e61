"""The remote store (kg/store/remote.py): opened by URL without I/O; an unreachable server named in its errors."""

from __future__ import annotations

import re
import socket

import pytest
from pyoxigraph import Literal

from kg.errors import StoreError
from kg.store import RemoteStore, Store
from kg.store.limits import REMOTE_MARGIN, ServerRunner
from kg.vocab import SCHEMA
from tests.kg.store.conftest import record

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
