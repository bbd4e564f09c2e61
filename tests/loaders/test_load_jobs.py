"""``kg load --jobs N`` (loaders.mapworkers): batches mapped in worker processes, their spool text and
cue and summary rows made there, and full spools bulk-loaded in the background while the next fills,
end in the very store ``--jobs 1`` makes: the same quads (content hashes included, in the meta graph),
cue index, metrics summary and report, on the real corpus (../shared/realdata) with bad records mixed
in (each still named with its field)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import pytest

from kg.metrics.building import build_metrics_summary
from kg.store import Store, spool
from kg.store.cuerows import PREDICATES, record_cues
from kg.store.prepared import text_cue_rows, text_summary_rows
from kg.store.summary import summary_rows
from kg.tracing.cues import build_cue_index
from loaders.base import RawRecord
from loaders.pipeline import LoadReport, load, map_record
from loaders.read import read_paths
from tests.loaders.conftest import counted_loads
from tests.loaders.test_gathered import _quads, _state
from tests.loaders.test_pipeline import crossref_work

PROJECT = Path(__file__).resolve().parents[2]
REALDATA = (PROJECT / ".." / "shared" / "realdata").resolve()
pytestmark = pytest.mark.skipif(not (REALDATA / "crossref" / "works").is_dir(),
                                reason=f"the real corpus is not at {REALDATA}")

State = tuple[set[str], set[tuple[str, ...]], set[tuple[str, ...]]]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Real Crossref works and DataCite DOIs, and a file of bad records among good ones (one of them a
    newer version of a real record: replaced after it was gathered)."""
    folder = tmp_path_factory.mktemp("jobs-input")
    first = json.loads(sorted((REALDATA / "crossref" / "works").glob("*.json"))[0].read_text("utf-8"))["message"]
    newer = {**first, "title": ["A newer title"], "indexed": {"date-time": "2099-01-01T00:00:00Z"}}
    lines = [json.dumps(crossref_work("10.5555/jobs.good.1")),
             json.dumps(crossref_work("10.5555/jobs.wrong-type", title=12)),
             json.dumps(newer),
             json.dumps(crossref_work("10.5555/jobs.good.2"))[:-40],
             json.dumps(crossref_work("10.5555/jobs.good.3"))]
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n")
    return [REALDATA / "crossref" / "works", REALDATA / "datacite" / "dois", folder / "records.jsonl"]


def _load(store: Store, paths: list[Path], jobs: int) -> LoadReport:
    with patch.object(spool, "SPOOL_QUADS", 5_000):  # several spools, loaded in the background
        return load(store, read_paths(paths), batch_size=40, jobs=jobs)


def _report(report: LoadReport) -> tuple[object, ...]:
    return (report.loaded, report.unchanged, report.older, report.rejected, report.quads, report.failure,
            [(p.level, p.message, p.origin, p.location) for p in report.problems])


@pytest.fixture(scope="module")
def one_job(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[object, ...], State]:
    store = Store.open(tmp_path_factory.mktemp("jobs-1") / "store")
    report = _load(store, inputs, 1)
    assert report.loaded > 100 and report.failure is None
    return _report(report), _state(store)


def test_two_mapping_processes_make_the_store_one_makes(
        inputs: list[Path], one_job: tuple[tuple[object, ...], State], tmp_path: Path) -> None:
    report, state = one_job
    store = Store.open(tmp_path / "store")
    with counted_loads() as loads:
        two = _load(store, inputs, 2)
    assert _report(two) == report
    assert _state(store) == state
    assert len({p.name for p in loads}) > 4  # several spools, each its own files
    assert not list((tmp_path / "store").glob(spool.PREFIX + "*"))
    messages = [p.message for p in two.errors]
    assert any(m.startswith("crossref record 10.5555/jobs.wrong-type: field 'title' is a number") for m in messages)
    assert any(m.startswith("not valid JSON") for m in messages)


def test_two_mapping_processes_into_a_store_in_memory_write_what_one_writes(
        inputs: list[Path], one_job: tuple[tuple[object, ...], State]) -> None:
    report, state = one_job
    store = Store.open(None)  # nothing gathered: each batch written as it comes
    assert _report(_load(store, inputs, 2)) == report
    assert _state(store) == state


_KILLED = """
import os, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch
from kg.store import Store, spool
from kg.store.embedded import EmbeddedStore
from kg.store.cuerows import PREDICATES, record_cues
from kg.store.prepared import text_cue_rows, text_summary_rows
from kg.store.summary import summary_rows
from loaders.pipeline import load
from loaders.read import read_paths

store, paths = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
done = []
real = EmbeddedStore._load_file

def loading(self, path):
    real(self, path)
    done.append(path)
    if len(done) == 3:  # the second spool's quads loaded (in the background), not its content hashes
        os.kill(os.getpid(), signal.SIGKILL)

with patch.object(spool, "SPOOL_QUADS", 5_000), patch.object(EmbeddedStore, "_load_file", loading):
    load(Store.open(store), read_paths(paths), batch_size=40, jobs=2)
"""


def test_a_load_with_two_mapping_processes_killed_is_completed_by_the_next(
        inputs: list[Path], one_job: tuple[tuple[object, ...], State], tmp_path: Path) -> None:
    _, state = one_job
    killed = subprocess.run([sys.executable, "-c", _KILLED, str(tmp_path / "store"), *map(str, inputs)],
                            cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)}, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    store = Store.open(tmp_path / "store")
    assert _quads(store)  # the first spool stayed
    assert _load(store, inputs, 2).failure is None
    build_cue_index(store) if not store.cues.built else None
    build_metrics_summary(store) if not store.metrics_summary.built else None
    assert _state(store) == state


def test_summary_and_cue_rows_read_from_the_triples_text_equal_those_of_the_parsed_triples() -> None:
    """What a load makes of each graph's text (escapes, languages, datatypes, blank nodes) is what the
    summary and the cue index make of its parsed quads, on every record of the real corpus and one with
    escapes."""
    folders = [REALDATA / f for f in ("crossref/works", "crossref/works-lists", "datacite/dois", "datacite/dois-lists")]
    graphs = [g for r in read_paths(folders) if isinstance(r, RawRecord) for g in [map_record(r)[0]] if g is not None]
    escaped = crossref_work("10.5555/jobs.escaped", title=['A "quoted"\\ title\nover two lines'],
                            reference=[{"key": "r1", "unstructured": 'Smith, "On \\ things"\t(2020)'}])
    graphs.append(map_record(RawRecord("crossref", escaped, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC)))[0])
    assert len(graphs) > 1000 and any("\\" in t for t in graphs[-1].triples)
    for graph in graphs:
        assert text_summary_rows(graph) == summary_rows(graph), graph.graph
        assert text_cue_rows(graph) == record_cues(graph.quads_with(PREDICATES)), graph.graph
    assert any(r.kind == "title" for r in text_cue_rows(graphs[-1]))  # the escaped title, parsed
