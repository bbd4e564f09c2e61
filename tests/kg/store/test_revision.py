"""The store's revision changes with every write: through the same object at once, on disk for a process
that opened the store read-only (the revision file), and on a server for another client (the mark in the
meta graph, read again every few seconds)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pyoxigraph import Literal

from kg.store import Store
from kg.store.revision import FILE, RevisionFile
from kg.vocab import SCHEMA
from tests.kg.store.conftest import record

INSERT = "INSERT DATA { GRAPH <urn:kg-test:g> { <urn:kg-test:s> <urn:kg-test:p> 'o' } }"


def test_every_kind_of_write_changes_the_revision_and_reads_do_not(store: Store) -> None:
    seen = {store.revision()}
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    seen.add(store.revision())
    store.update(INSERT)
    seen.add(store.revision())
    store.select("SELECT * WHERE { ?s ?p ?o }")
    store.ask("ASK { ?s ?p ?o }")
    seen.add(store.revision())
    assert len(seen) == 3
    # an unchanged record is no write
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    assert store.revision() in seen


def test_two_stores_never_share_a_revision() -> None:
    assert Store.open(None).revision() != Store.open(None).revision()


def test_a_read_only_opener_sees_the_writers_revision_in_the_file(tmp_path: Path) -> None:
    writer = Store.open(tmp_path / "db")
    writer.update(INSERT)
    assert (tmp_path / "db" / FILE).read_text() == writer.revision()
    reader = Store.open_read_only(tmp_path / "db")
    assert reader.revision() == writer.revision()
    before = reader.revision()
    writer.write([record("10.1/b", (SCHEMA.name, Literal("B")))])
    assert reader.revision() == writer.revision() != before
    writer.close()


def test_opening_a_store_read_write_again_gives_it_a_new_revision(tmp_path: Path) -> None:
    """Another tool may have written it while kg had it closed: nothing kept before may be served after."""
    first = Store.open(tmp_path / "db")
    first.update(INSERT)
    kept = first.revision()
    first.close()
    again = Store.open(tmp_path / "db")
    again.open_now()
    assert again.revision() != kept
    assert (tmp_path / "db" / FILE).read_text() == again.revision()
    again.close()


@pytest.mark.slow
def test_another_client_of_a_server_sees_records_written_within_seconds(oxigraph_server: str) -> None:
    writer, reader = Store.open(oxigraph_server), Store.open(oxigraph_server)
    writer.update("CLEAR ALL")
    before = reader.revision()
    writer.write([record("10.1/c", (SCHEMA.name, Literal("C")))])
    deadline = time.monotonic() + 60  # read again every REMOTE_EVERY seconds, in the background
    while reader.revision() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reader.revision() != before
    # nothing of the revision is written to the server: it holds the record and its provenance only
    assert len(writer.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }").rows) == 1 + 8


def test_two_revisions_of_one_length_written_within_a_clock_tick_are_told_apart(tmp_path: Path) -> None:
    # os.replace may reuse the inode, and the file system's clock is coarse: a young file is read again
    (tmp_path / "db").mkdir()
    written, read = RevisionFile(tmp_path / "db"), RevisionFile(tmp_path / "db")
    seen = []
    for revision in ("aaaaaa.1", "aaaaaa.2", "aaaaaa.3"):
        written.write(revision)
        seen.append(read.read())
    assert seen == ["aaaaaa.1", "aaaaaa.2", "aaaaaa.3"]
