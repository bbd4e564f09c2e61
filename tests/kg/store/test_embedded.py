"""The embedded store (kg/store/embedded.py): in memory, and on disk where it persists."""

from __future__ import annotations

import gc
import logging
import re
import sys
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal

from kg.errors import ReadOnlyStoreError, StoreError
from kg.store import EmbeddedStore, Store, WriteResult
from kg.vocab import SCHEMA
from tests.kg.store.conftest import data_quads, record

# -- opening ----------------------------------------------------------------------------------


def test_open_none_is_an_embedded_store_in_memory() -> None:
    with Store.open(None) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path is None
        assert repr(store) == "EmbeddedStore(None)"


@pytest.mark.parametrize("as_text", [False, True], ids=["path", "str"])
def test_open_a_path_is_an_embedded_store_that_persists(tmp_path: Path, as_text: bool) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    with Store.open(str(location) if as_text else location) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path == location
        assert store.write([a]) == WriteResult(written=1, unchanged=0)

    assert location.is_dir()
    with Store.open(location) as reopened:
        assert data_quads(reopened) == set(a.quads)
        assert reopened.write([a]) == WriteResult(written=0, unchanged=1)


# -- holding the store ------------------------------------------------------------------------


def test_open_now_takes_the_lock_that_keeps_other_writers_out(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    with Store.open(location) as served:
        served.open_now()
        other = Store.open(location)
        with pytest.raises(StoreError, match=rf"^cannot open the store at {re.escape(str(location))}: .*lock"):
            other.ping()
    with Store.open(location) as after:  # closed, the lock is released
        assert after.ping() is None


def test_a_store_on_disk_opens_read_only_beside_its_writer_and_sees_what_was_written(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    with Store.open(location) as writer:
        writer.write([a])
        reader = Store.open_read_only(location)
        assert isinstance(reader, EmbeddedStore) and reader.read_only
        assert data_quads(reader) == set(a.quads)
        reader.close()


def test_a_missing_store_cannot_be_opened_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=rf"^cannot open the store at {re.escape(str(tmp_path / 'missing'))}: "):
        Store.open_read_only(tmp_path / "missing").ping()


def test_a_read_only_open_follows_what_its_writer_writes_later(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    with Store.open(location) as writer:
        writer.write([a])
        reader = Store.open_read_only(location)
        assert data_quads(reader) == set(a.quads)
        # RocksDB's read-only open is a snapshot: the reader opens again once the writer published a write
        writer.write([b])
        assert data_quads(reader) == set(a.quads) | set(b.quads)
        writer.update("DELETE WHERE { GRAPH ?g { <https://doi.org/10.1/a> ?p ?o } }")
        assert data_quads(reader) == set(b.quads)
        reader.close()


def test_a_read_while_another_thread_opens_again_waits_for_that_open(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    with Store.open(location) as writer:
        writer.write([a])
        reader = Store.open_read_only(location)
        assert isinstance(reader, EmbeddedStore) and data_quads(reader) == set(a.quads)
        writer.write([b])
        reading: list[set[object]] = []
        with reader._reopening:  # another thread is opening the store again
            thread = threading.Thread(target=lambda: reading.append(data_quads(reader)))
            thread.start()
            thread.join(0.5)
            assert thread.is_alive()  # the read waits rather than answer from the open before the write
        thread.join(30)
        # an answer read on the old open would be kept by the service under the new revision
        assert reading == [set(a.quads) | set(b.quads)]
        reader.close()


def test_a_read_only_open_answers_while_its_writer_writes_and_compacts(tmp_path: Path) -> None:
    # the writer's bulk loads and compactions replace files a read-only open may not have read yet: a
    # reader meeting one (FileNotFoundError while reading an answer's rows) reads again on a fresh open
    location = tmp_path / "kg-data"
    failures: list[BaseException] = []
    done = threading.Event()
    with Store.open(location) as writer:
        writer.write([record("10.1/0", (SCHEMA.name, Literal("0")))])
        reader = Store.open_read_only(location)

        def read() -> None:
            while not done.is_set():
                try:
                    reader.select("SELECT ?s ?o WHERE { ?s ?p ?o }")
                    reader.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
                except BaseException as e:  # noqa: BLE001 (any failure is the test's finding)
                    failures.append(e)

        thread = threading.Thread(target=read)
        thread.start()
        try:
            for batch in range(1, 41):
                writer.write([record(f"10.1/{batch}-{i}", (SCHEMA.name, Literal(f"{batch} {i}"))) for i in range(50)])
        finally:
            done.set()
            thread.join(60)
        assert failures == []
        named = reader.select("SELECT DISTINCT ?s WHERE { ?s <http://schema.org/name> ?o }").rows
        assert len(named) == 2001
        reader.close()


def test_an_open_that_fails_keeps_no_answer_of_the_reader_alive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the failed open's error, kept while retrying, made a cycle with the frames below it (the read that
    # asked for the open, holding its pyoxigraph answer once done); the garbage collector of another
    # thread dropped the answer there, and pyoxigraph raised "unsendable" in whichever test ran then
    location = tmp_path / "kg-data"
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(str(hook.exc_value)))
    # the warning's record not kept by pytest's log capture, which would keep alive what it holds
    monkeypatch.setattr(logging.getLogger("kg.store.embedded"), "propagate", False)
    with Store.open(location) as writer:
        writer.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
        reader = Store.open_read_only(location)
        assert isinstance(reader, EmbeddedStore)
        assert len(reader.select("SELECT * WHERE { ?s ?p ?o }").rows) > 0
        writer.write([record("10.1/b", (SCHEMA.name, Literal("B")))])  # the reader opens again at its next read

        def refused() -> None:
            raise OSError("No such file or directory: 000352.sst")

        monkeypatch.setattr(reader, "_open_read_only", refused)
        monkeypatch.setattr(time, "sleep", lambda seconds: None)

        def read() -> None:
            reader.select("SELECT * WHERE { ?s ?p ?o }")
            reader.construct("CONSTRUCT WHERE { ?s ?p ?o }")

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        gc.collect()  # in this thread
        assert unraisable == []
        reader.close()


@pytest.mark.parametrize("write", ["update", "write", "bulk_load"])
def test_a_read_only_store_refuses_writes_and_says_where_they_go(tmp_path: Path, write: str) -> None:
    location = tmp_path / "kg-data"
    with Store.open(location) as writer:
        writer.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    reader = Store.open_read_only(location)
    assert isinstance(reader, EmbeddedStore)
    nquads = tmp_path / "more.nq"
    nquads.write_text("<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n")
    attempts = {"update": lambda: reader.update("INSERT DATA { <urn:x:s> <urn:x:p> 1 }"),
                "write": lambda: reader.write([record("10.1/b", (SCHEMA.name, Literal("B")))]),
                "bulk_load": lambda: reader.bulk_load(nquads)}
    with pytest.raises(ReadOnlyStoreError, match=r"^this service opens the store read-only \(a replica\): writes "
                       r"go to the one process that opens it read-write, a kg serve without --read-only"):
        attempts[write]()
    assert reader.ask("ASK { <https://doi.org/10.1/b> ?p ?o }") is False
    assert reader.ask("ASK { <urn:x:s> ?p ?o }") is False
    reader.close()
