"""A served replica's snapshots of an embedded store (kg/store/snapshot.py) and its following of the
writer's revisions off the request path (EmbeddedStore.open_now on a read-only store)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal
from pyoxigraph import Store as OxStore

from kg.store import EmbeddedStore, Store, embedded, snapshot
from kg.store.limits import QueryJob
from kg.store.revision import RevisionFile
from kg.vocab import SCHEMA
from tests.kg.store.conftest import data_quads, record


def _written(location: Path, batches: int) -> None:
    with Store.open(location) as writer:
        for batch in range(batches):
            writer.write([record(f"10.1/{batch}-{i}", (SCHEMA.name, Literal(f"{batch} {i}"))) for i in range(20)])


def _replica(location: Path) -> EmbeddedStore:
    replica = Store.open_read_only(location)
    assert isinstance(replica, EmbeddedStore)
    replica.open_now()
    return replica


def _until(done: object, what: str) -> None:
    """Wait for ``done()`` (a thread of the replica's does the work): up to a minute, on a busy machine."""
    for _ in range(1200):
        if done():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"not within a minute: {what}")


def _mine() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{snapshot.PREFIX}{os.getpid()}-*"))


def test_a_snapshot_links_every_table_file_and_opens_as_the_store(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    _written(location, 3)
    folder = snapshot.take(location)
    assert folder is not None and folder.parent == Path(tempfile.gettempdir())
    tables = sorted(location.glob("*.sst"))
    assert tables
    assert [os.stat(folder / t.name).st_ino for t in tables] == [os.stat(t).st_ino for t in tables]
    assert (folder / "CURRENT").read_text() == (location / "CURRENT").read_text()
    opened = OxStore.read_only(str(folder))
    assert len(list(opened.quads_for_pattern(None, SCHEMA.name, None, None))) == 60
    del opened
    snapshot.remove(folder)
    assert not folder.exists() and sorted(location.glob("*.sst")) == tables  # the store's files stay


def test_a_served_replica_opens_a_snapshot_that_outlives_the_writers_compaction(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    _written(location, 5)
    replica = _replica(location)
    try:
        folder = replica._snapshot
        assert folder is not None and folder.is_dir()
        with Store.open(location) as writer:
            assert isinstance(writer, EmbeddedStore)
            before = {t.name for t in location.glob("*.sst")}
            writer.ox.optimize()  # a compaction: new table files replace the old, which the writer removes
            _until(lambda: not before <= {t.name for t in location.glob("*.sst")}, "the writer removes a file")
        # every file the snapshot's manifest names is still there: it opens anew and answers every row
        again = OxStore.read_only(str(folder))
        assert len(list(again.quads_for_pattern(None, SCHEMA.name, None, None))) == 100
        del again
        assert len(replica.select("SELECT ?s WHERE { ?s <http://schema.org/name> ?o }").rows) == 100
    finally:
        replica.close()
    assert _mine() == set()


def test_a_served_replica_opens_the_writers_new_revision_before_it_is_asked(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "RETIRED_FOR", 0.0)
    location = tmp_path / "kg-data"
    first = record("10.1/a", (SCHEMA.name, Literal("A")))
    later = record("10.1/b", (SCHEMA.name, Literal("B")))
    with Store.open(location) as writer:
        writer.write([first])
        replica = _replica(location)
        try:
            opened, folder = replica._opened_at, replica._snapshot
            assert opened == writer.revision() and folder is not None
            asked = replica.query_count
            writer.write([later])
            # the replica's own thread opens the new revision, in a new snapshot; no one asks meanwhile
            _until(lambda: replica._opened_at == writer.revision(), "the replica opens the new revision")
            assert replica.query_count == asked and replica._snapshot not in (None, folder)
            assert data_quads(replica) == set(first.quads) | set(later.quads)
            _until(lambda: not folder.exists(), "the replaced snapshot is removed")
        finally:
            replica.close()
    assert _mine() == set()


def test_a_new_revision_that_fails_to_open_leaves_the_open_before_in_use(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    location = tmp_path / "kg-data"
    _written(location, 1)
    replica = _replica(location)
    try:
        opened, folder = replica._opened_at, replica._snapshot

        def refused(path: Path) -> Path:
            raise FileNotFoundError(f"{path}/MANIFEST-000099")  # the writer replaced its manifest meanwhile

        monkeypatch.setattr(snapshot, "take", refused)
        monkeypatch.setattr(embedded, "_OPEN_TRIES", 1)
        RevisionFile(location).write("written-elsewhere")
        time.sleep(20 * embedded.FOLLOW_EVERY)  # the thread's looks fail meanwhile
        assert (replica._opened_at, replica._snapshot) == (opened, folder) and folder is not None and folder.is_dir()
        assert len(replica.select("SELECT ?s WHERE { ?s <http://schema.org/name> ?o }").rows) == 20
    finally:
        replica.close()


def test_a_snapshot_left_by_a_process_that_is_gone_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    left = Path(tempfile.mkdtemp(prefix=f"{snapshot.PREFIX}{gone}-"))
    (left / "000001.sst").write_bytes(b"")
    ours = Path(tempfile.mkdtemp(prefix=f"{snapshot.PREFIX}{os.getpid()}-"))
    location = tmp_path / "kg-data"
    _written(location, 1)
    monkeypatch.setattr(snapshot, "_swept", False)
    folder = snapshot.take(location)
    assert folder is not None
    assert not left.exists() and ours.is_dir()
    for made in (folder, ours):
        snapshot.remove(made)


def test_a_query_worker_answers_every_row_after_the_writers_compaction_removed_files(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    for session in range(20):  # a flush per session: many table files, most of them read lazily
        with Store.open(location) as writer:
            writer.write([record(f"10.1/{session}-{i}", (SCHEMA.name, Literal(f"{session} {i}")))
                          for i in range(20)])
    names = "SELECT ?o WHERE { ?s <http://schema.org/name> ?o }"
    with Store.open_read_only(location) as replica:
        runner = replica.query_runner(timeout_s=60, workers=1)
        try:
            every = runner.run(QueryJob("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "csv", None, ""))
            assert int(every.body.split(b"\r\n")[1]) > 400  # the worker's open is in use
            worker = runner._idle.queue[0].process.pid
            made = list(Path(tempfile.gettempdir()).glob(f"{snapshot.PREFIX}{worker}-*"))
            before = {t.name for t in location.glob("*.sst")}
            assert len(made) == 1 and {t.name for t in made[0].glob("*.sst")} <= before  # links to the store's files
            # the writer compacts (pyoxigraph's own open: no new revision is published, the worker's open stays)
            compacting = OxStore(str(location))
            compacting.optimize()
            _until(lambda: not before <= {t.name for t in location.glob("*.sst")}, "the writer removes a file")
            del compacting
            answer = runner.run(QueryJob(names, "csv", None, "", timeout=60))
        finally:
            runner.close()
    assert not made[0].exists()  # the worker removed its snapshot when it stopped
    rows = answer.body.decode().split("\r\n")[1:-1]
    assert sorted(rows) == sorted(f"{session} {i}" for session in range(20) for i in range(20))
    assert _mine() == set()
