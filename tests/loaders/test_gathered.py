"""Gathered writes (kg.store.spool): a load into an embedded store on disk bulk-loads its new record
graphs a few at a time, and ends in the store, cue index and metrics summary that writing them batch
by batch gives; killed at any point of it, the next load completes it."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest

from kg.metrics.building import build_metrics_summary
from kg.store import Store, spool
from kg.store.embedded import EmbeddedStore
from kg.tracing.cues import build_cue_index
from kg.vocab import KG
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES, counted_loads, fixture_json

PROJECT = Path(__file__).resolve().parents[2]


def _inputs(folder: Path) -> list[Path]:
    """Crossref and DataCite records over several files: new ones, one repeated unchanged, one changed
    in a later file (the gathered version is loaded before it is replaced)."""
    folder.mkdir()
    work = fixture_json("crossref/work-full.json")
    lines = []
    for i in range(12):
        copied = copy.deepcopy(work["message"])
        copied["DOI"] = f"10.5555/gathered.{i}"
        lines.append(json.dumps(copied))
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    changed = copy.deepcopy(work["message"])
    changed["DOI"], changed["title"] = "10.5555/gathered.3", ["Changed after it was gathered"]
    changed["indexed"] = {"date-time": "2099-01-01T00:00:00Z"}
    (folder / "b.jsonl").write_text(lines[5] + "\n" + json.dumps(changed) + "\n")
    return [FIXTURES / "crossref", FIXTURES / "datacite", folder / "a.jsonl", folder / "b.jsonl"]


def _quads(store: Store) -> set[str]:
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {" ".join(str(t) for t in row) for row in rows}


def _cues(store: Store) -> set[tuple[str, ...]]:
    return set(store.cues._db.execute(
        "SELECT g.iri, w.iri, c.kind, c.value, c.position, c.family FROM cue c JOIN graph g ON g.id = c.graph "
        "JOIN work w ON w.id = c.work").fetchall())


def _summary(store: Store) -> set[tuple[str, ...]]:
    db = store.metrics_summary._db
    return set(db.execute("SELECT g.iri, s.text, f.p, o.text FROM fact f JOIN graph g ON g.id = f.graph "
                          "JOIN term s ON s.id = f.s JOIN term o ON o.id = f.o").fetchall()) | set(
        db.execute("SELECT 'sample', w.text, r.text FROM cited_sample c JOIN term w ON w.id = c.work "
                   "JOIN term r ON r.id = c.ref").fetchall()) | set(
        db.execute("SELECT 'citers', w.text, c.n FROM cited_count c JOIN term w ON w.id = c.work").fetchall())


def _state(store: Store) -> tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]:
    assert store.cues.built and store.metrics_summary.built
    return _quads(store), _cues(store), _summary(store)


@pytest.fixture
def reference(tmp_path: Path) -> tuple[list[Path], tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]]:
    """The inputs, and the store they make written batch by batch (in memory: nothing gathered)."""
    paths = _inputs(tmp_path / "in")
    store = Store.open(None)
    report = load(store, read_paths(paths), batch_size=4)
    assert report.loaded > 12 and report.unchanged >= 1
    return paths, _state(store)


def test_a_load_on_disk_gathers_new_graphs_and_ends_as_one_written_batch_by_batch(
        tmp_path: Path, reference: tuple[list[Path], tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]]
) -> None:
    paths, expected = reference
    store = Store.open(tmp_path / "store")
    with patch.object(spool, "SPOOL_QUADS", 400), counted_loads() as loads:
        report = load(store, read_paths(paths), batch_size=4)
    assert report.failure is None
    assert 2 < len(loads) < 2 * report.loaded  # several bulk loads (two files each), not one a batch
    assert _state(store) == expected
    assert not list((tmp_path / "store").glob(spool.PREFIX + "*"))  # the spool's files are gone
    again = load(store, read_paths(paths), batch_size=4)
    assert again.loaded == 0 and _state(store) == expected  # an unchanged reload writes nothing
    build_cue_index(store)  # the kept rows equal rows built from the store
    build_metrics_summary(store)
    assert _state(store) == expected


def test_a_load_ending_in_one_bulk_load_equals_one_written_batch_by_batch(
        tmp_path: Path, reference: tuple[list[Path], tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]]
) -> None:
    paths, expected = reference
    store = Store.open(tmp_path / "store")
    with counted_loads() as loads:
        assert load(store, read_paths(paths), batch_size=4).failure is None
    # one load of quads, one of hashes: the record changed in a later batch was spooled again, its
    # first version left out of the load
    assert len(loads) == 2
    assert _state(store) == expected
    store.close()
    assert _state(Store.open(tmp_path / "store")) == expected


_KILLED = """
import os, signal, sys
from pathlib import Path
from unittest.mock import patch
from kg.store import Store, spool
from kg.store.embedded import EmbeddedStore
from loaders.pipeline import load
from loaders.read import read_paths

store, point, paths = Path(sys.argv[1]), sys.argv[2], [Path(p) for p in sys.argv[3:]]
done = []
real = EmbeddedStore._load_file

def loading(self, path):
    if point == "before" or (point == "between" and done):
        os.kill(os.getpid(), signal.SIGKILL)
    real(self, path)
    done.append(path)
    if point == "rows" and len(done) == 2:
        os.kill(os.getpid(), signal.SIGKILL)

with patch.object(spool, "SPOOL_QUADS", 10_000_000), patch.object(EmbeddedStore, "_load_file", loading):
    load(Store.open(store), read_paths(paths), batch_size=4)
"""


@pytest.mark.parametrize("point", ["before", "between", "rows"])
def test_a_load_killed_while_loading_what_it_gathered_is_completed_by_the_next(
        tmp_path: Path, point: str,
        reference: tuple[list[Path], tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]]) -> None:
    """Killed (SIGKILL) before the quads go in, between the quads and their content hashes, or before
    the side rows: reopened, the same load again gives the store a load never killed gives."""
    paths, expected = reference
    first, second = paths[:2], paths
    store_dir = tmp_path / "store"
    stored = load(Store.open(store_dir), read_paths(first[:1]), batch_size=4)  # some stored before
    assert stored.loaded > 0
    killed = subprocess.run([sys.executable, "-c", _KILLED, str(store_dir), point, *map(str, second)],
                            cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)}, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    store = Store.open(store_dir)
    if point == "before":
        assert _quads(store) == _quads(_loaded(first[:1]))  # the store as it was
    report = load(store, read_paths(second), batch_size=4)
    assert report.failure is None
    build_cue_index(store) if not store.cues.built else None
    build_metrics_summary(store) if not store.metrics_summary.built else None
    assert _state(store) == expected


def _loaded(paths: list[Path]) -> Store:
    store = Store.open(None)
    load(store, read_paths(paths), batch_size=4)
    return store


def test_a_store_failing_to_load_what_was_gathered_stops_the_load_and_the_report_says_so(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")

    def failing(self: EmbeddedStore, path: Path) -> None:
        raise OSError("No space left on device")

    with patch.object(EmbeddedStore, "_load_file", failing):
        report = load(store, read_paths([FIXTURES / "crossref" / "work-full.json"]))
    assert report.failure == "writing to the store failed (No space left on device)"
    assert (report.loaded, report.quads) == (0, 0)
    assert [p.message for p in report.errors] == [f"{report.failure}; the load stopped"]
    assert not _quads(store) and not list((tmp_path / "store").glob(spool.PREFIX + "*"))
    assert load(store, read_paths([FIXTURES / "crossref" / "work-full.json"])).loaded == 1  # loaded again


def test_a_spool_failing_to_load_in_the_background_stops_the_load_and_counts_only_what_went_in(
        tmp_path: Path, reference: tuple[list[Path], tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]]
) -> None:
    """The second spool's load (in the background, while the third fills) fails: the load stops, the
    report says why and counts as loaded the graphs the store holds; the same load again completes it."""
    paths, expected = reference
    store = Store.open(tmp_path / "store")
    with patch.object(spool, "SPOOL_QUADS", 400), counted_loads(fail_at=3):
        report = load(store, read_paths(paths), batch_size=4)
    assert report.failure == "writing to the store failed (No space left on device)"
    hashed = store.select(f"SELECT (COUNT(?g) AS ?n) WHERE {{ GRAPH ?m {{ ?g {KG.contentHash} ?h }} }}")
    assert 0 < report.loaded == int(hashed.rows[0][0].value)  # type: ignore[union-attr]
    assert not list((tmp_path / "store").glob(spool.PREFIX + "*"))
    assert load(store, read_paths(paths), batch_size=4).failure is None
    build_cue_index(store) if not store.cues.built else None
    build_metrics_summary(store) if not store.metrics_summary.built else None
    assert _state(store) == expected
