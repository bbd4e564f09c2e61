"""The bulk path: ``kg map`` (record files -> N-Quads shards, in Dask processes) then ``kg bulk-load``
(the engine's own loader) leaves a store equal to what ``kg load`` of the same inputs leaves.

Equal means every quad, provenance included: the load times in the provenance are not per run
(``prov:generatedAtTime`` is when the source answered, or the file's modification time), so no
quad is left out of the comparison.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat

from kg.cli import cli
from kg.store import Store
from loaders.bulkload import bulk_load
from loaders.bulkmap import ShardsError, map_inputs
from loaders.pipeline import load
from loaders.read import read_paths

PROJECT = Path(__file__).parents[2]
REALDATA = (PROJECT / ".." / "shared" / "realdata").resolve()
WORK = json.loads((PROJECT / "tests" / "fixtures" / "crossref" / "work-full.json").read_text())["message"]


def quads(store: Store) -> list[str]:
    out = BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return sorted(out.getvalue().decode().splitlines())


def work(doi: str, **fields: object) -> str:
    return json.dumps({**WORK, "DOI": doi, **fields})


def summary(report: object) -> tuple[int, ...]:
    return tuple(getattr(report, k) for k in ("loaded", "unchanged", "older", "rejected", "quads", "error_count",
                                              "warning_count", "skipped_count"))


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"the real corpus is not at {REALDATA}")
def test_map_and_bulk_load_of_the_real_corpus_equal_kg_load(tmp_path: Path) -> None:
    loaded = Store.open(tmp_path / "loaded")
    by_load = load(loaded, read_paths([REALDATA]))
    mapped = map_inputs([REALDATA], tmp_path / "shards", jobs=2)
    bulk = Store.open(tmp_path / "bulk")
    by_bulk = bulk_load(bulk, tmp_path / "shards")

    assert mapped.mapped_now == len(mapped.files) > 300
    assert quads(bulk) == quads(loaded)
    assert summary(by_bulk) == summary(by_load)
    assert [str(p) for p in by_bulk.problems] == [str(p) for p in by_load.problems]
    # the corpus holds records twice (in two files, and older versions): kg load's choice was made
    assert by_load.unchanged and by_load.older
    # incremental loads go on over a bulk-loaded store: the same records again change nothing
    again = load(bulk, read_paths([REALDATA]))
    assert again.loaded == 0 and again.unchanged + again.older == by_load.loaded + by_load.unchanged + by_load.older


def test_a_malformed_record_is_rejected_alone(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text("\n".join([work("10.5555/bulk.1"), work("10.5555/bulk.2", author="x"),
                                               "{not json", work("10.5555/bulk.3")]) + "\n")
    mapped = map_inputs([inputs], tmp_path / "shards", jobs=1)
    store = Store.open(None)
    report = bulk_load(store, tmp_path / "shards")

    messages = [str(p) for p in report.errors]
    assert mapped.load.rejected == report.rejected == 2
    assert any("a.jsonl, line 2: crossref record 10.5555/bulk.2: field 'author' is a string" in m for m in messages)
    assert any("a.jsonl, line 3: not valid JSON" in m for m in messages)
    assert report.loaded == 2
    assert store.ask("ASK { <https://doi.org/10.5555/bulk.3> ?p ?o }")
    assert not store.ask("ASK { <https://doi.org/10.5555/bulk.2> ?p ?o }")
    reference = Store.open(None)
    assert summary(load(reference, read_paths([inputs]))) == summary(report)
    assert quads(reference) == quads(store)


def test_repeated_and_newer_versions_are_chosen_as_kg_load_chooses(tmp_path: Path) -> None:
    """Two files with the same records: a newer version wins whatever the order, the same content
    with a newer date only moves the date forward."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "1.jsonl").write_text("\n".join([
        work("10.5555/v.1", title=["Old"], indexed={"date-time": "2024-01-01T00:00:00Z"}),
        work("10.5555/v.2", indexed={"date-time": "2024-01-01T00:00:00Z"}),
        work("10.5555/v.3", title=["Newest"], indexed={"date-time": "2025-01-01T00:00:00Z"})]) + "\n")
    (inputs / "2.jsonl").write_text("\n".join([
        work("10.5555/v.1", title=["New"], indexed={"date-time": "2024-06-01T00:00:00Z"}),
        work("10.5555/v.2", indexed={"date-time": "2024-06-01T00:00:00Z"}),
        work("10.5555/v.3", title=["Older"], indexed={"date-time": "2024-06-01T00:00:00Z"})]) + "\n")
    map_inputs([inputs], tmp_path / "shards", jobs=1)
    bulk, reference = Store.open(None), Store.open(None)
    assert summary(bulk_load(bulk, tmp_path / "shards")) == summary(load(reference, read_paths([inputs])))
    assert quads(bulk) == quads(reference)
    assert "2024-06-01" in "".join(q for q in quads(bulk) if "v.2>" in q and "sourceModified" in q)


def test_map_resumes_after_being_killed(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(12):
        (inputs / f"part-{i:02d}.jsonl").write_text("\n".join(work(f"10.5555/part.{i}.{j}") for j in range(30)) + "\n")
    shards = tmp_path / "shards"
    process = subprocess.Popen([sys.executable, "-m", "kg", "map", str(inputs), "--out", str(shards), "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(shards.glob("*.done.json")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    done_then = {p.name: p.stat().st_mtime_ns for p in shards.glob("*.done.json")}
    assert done_then
    with pytest.raises(ShardsError, match="not mapped"):
        if len(done_then) < 12:
            bulk_load(Store.open(None), shards)
        else:
            raise ShardsError("not mapped: the run ended before it was killed")

    again = map_inputs([inputs], shards, jobs=2)
    assert (again.done_before, again.mapped_now) == (len(done_then), 12 - len(done_then))
    assert all((shards / name).stat().st_mtime_ns == mtime for name, mtime in done_then.items())
    store = Store.open(None)
    assert bulk_load(store, shards).loaded == 12 * 30
    reference = Store.open(None)
    load(reference, read_paths([inputs]))
    assert quads(store) == quads(reference)


def test_kg_map_and_bulk_load_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    samples = PROJECT / "samples"
    mapped = runner.invoke(cli, ["map", str(samples), "--out", str(tmp_path / "shards"), "--jobs", "1", "--json"])
    assert mapped.exit_code == 0, mapped.output
    assert json.loads(mapped.output)["mapped_now"] > 0
    store = tmp_path / "store"
    assert runner.invoke(cli, ["--store", str(store), "load", str(samples / "zenodo")]).exit_code == 0
    reader = Store.open_read_only(store)  # a service reading the store beside the loader
    before = reader.revision()
    loaded = runner.invoke(cli, ["--store", str(store), "bulk-load", str(tmp_path / "shards")])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded" in loaded.output
    assert reader.revision() != before  # the revision moved: readers know their answers are stale
    again = runner.invoke(cli, ["--store", str(store), "load", str(samples), "--json"])
    assert json.loads(again.output)["loaded"] == 0
    with Store.open(store) as opened:
        assert opened.cues.built  # the cue index was built again after the bulk load


@pytest.mark.slow
def test_bulk_load_into_an_oxigraph_server_equals_kg_load(tmp_path: Path, oxigraph_server: str) -> None:
    samples = PROJECT / "samples"
    map_inputs([samples], tmp_path / "shards", jobs=1)
    remote = Store.open(oxigraph_server)
    remote.update("CLEAR ALL")
    by_bulk = bulk_load(remote, tmp_path / "shards")
    reference = Store.open(None)
    assert summary(by_bulk) == summary(load(reference, read_paths([samples])))
    assert quads(remote) == quads(reference)
    assert load(remote, read_paths([samples])).loaded == 0
    remote.update("CLEAR ALL")


def test_map_on_a_dask_distributed_scheduler(tmp_path: Path) -> None:
    from distributed import LocalCluster

    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(3):
        (inputs / f"part-{i}.jsonl").write_text("\n".join(work(f"10.5555/d.{i}.{j}") for j in range(5)) + "\n")
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        mapped = map_inputs([inputs], tmp_path / "shards", scheduler=cluster.scheduler_address)
    assert mapped.mapped_now == 3
    store, reference = Store.open(None), Store.open(None)
    bulk_load(store, tmp_path / "shards")
    load(reference, read_paths([inputs]))
    assert quads(store) == quads(reference)
