"""``kg bulk-load --engine qlever``: a Qleverfile for QLever's index builder beside the shards.

No QLever engine runs here (Docker image or source build only), so what is tested is what it would
read: the Qleverfile parsed as QLever's control script parses it (INI, ``${…}`` interpolation), and
its input command run by a shell, whose N-Quads must be the very quads ``kg bulk-load`` leaves in an
embedded store (and so what ``kg load`` leaves)."""

from __future__ import annotations

import json
import shlex
import stat
import subprocess
from configparser import ConfigParser, ExtendedInterpolation
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.store import Store
from loaders.bulkload import bulk_load
from loaders.bulkmap import map_inputs
from loaders.bulkqlever import CHOSEN, write_qlever_input
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_bulk import quads, summary, work


def parsed(path: Path) -> ConfigParser:
    config = ConfigParser(interpolation=ExtendedInterpolation())
    assert config.read(path) == [str(path)]
    return config


def input_quads(shards: Path) -> list[str]:
    """The N-Quads the Qleverfile's input command writes (run in its folder, as qlever index runs it)."""
    command = parsed(shards / "Qleverfile")["index"]["CAT_INPUT_FILES"]
    out = subprocess.run(["bash", "-c", command], cwd=shards, capture_output=True, check=True).stdout
    store = Store.open(None)
    store.bulk_load(BytesIO(out))
    return quads(store)


def test_the_qleverfile_names_every_shard_when_no_graph_repeats(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text("\n".join(work(f"10.5555/q.{i}") for i in range(3)) + "\n")
    (inputs / "b.jsonl").write_text("\n".join([work("10.5555/q.3"), "{not json", work("10.5555/q.4")]) + "\n")
    shards = tmp_path / "shards"
    map_inputs([inputs], shards, jobs=1)

    answer = CliRunner().invoke(cli, ["bulk-load", str(shards), "--engine", "qlever", "--json"])

    assert answer.exit_code == 1, answer.output  # the malformed line is rejected, the rest written
    config = parsed(shards / "Qleverfile")
    assert {"data", "index", "server", "runtime"} <= set(config.sections())
    assert config["data"]["NAME"] == "kg" and config["data"]["FORMAT"] == "nq"
    every_shard = sorted(p.name for p in shards.glob("*.nq.gz"))
    assert len(every_shard) == 2
    assert sorted(shlex.split(config["index"]["INPUT_FILES"])) == every_shard
    assert config["index"]["CAT_INPUT_FILES"] == "zcat " + config["index"]["INPUT_FILES"]
    assert json.loads(config["index"]["SETTINGS_JSON"])["num-triples-per-batch"] > 0
    assert int(config["server"]["PORT"]) > 0 and config["server"]["ACCESS_TOKEN"]
    assert stat.S_IMODE((shards / "Qleverfile").stat().st_mode) == 0o600  # the token is a secret
    assert not (shards / CHOSEN).exists()

    bulk = Store.open(None)
    by_bulk = bulk_load(bulk, shards)
    assert input_quads(shards) == quads(bulk)
    said = f"{len(quads(bulk)):,} quads"
    assert said in answer.stderr and said in config["data"]["DESCRIPTION"]
    printed = json.loads(answer.stdout)
    assert (printed["loaded"], printed["quads"], printed["rejected"]) == (by_bulk.loaded, by_bulk.quads,
                                                                          by_bulk.rejected) == (5, by_bulk.quads, 1)


def test_repeated_graphs_go_in_once_in_the_version_kg_load_keeps(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "1.jsonl").write_text("\n".join([
        work("10.5555/v.1", title=["Old"], indexed={"date-time": "2024-01-01T00:00:00Z"}),
        work("10.5555/v.2", title=["Newest"], indexed={"date-time": "2025-01-01T00:00:00Z"})]) + "\n")
    (inputs / "2.jsonl").write_text("\n".join([
        work("10.5555/v.1", title=["New"], indexed={"date-time": "2024-06-01T00:00:00Z"}),
        work("10.5555/v.2", title=["Older"], indexed={"date-time": "2024-06-01T00:00:00Z"})]) + "\n")
    shards = tmp_path / "shards"
    map_inputs([inputs], shards, jobs=1)

    written = write_qlever_input(shards, name="evidence")

    assert not written.as_they_are and written.inputs == [CHOSEN]
    config = parsed(written.qleverfile)
    assert config["data"]["NAME"] == "evidence"
    assert shlex.split(config["index"]["INPUT_FILES"]) == [CHOSEN]
    reference = Store.open(None)
    assert summary(written.report) == summary(load(reference, read_paths([inputs])))
    chosen = input_quads(shards)
    assert chosen == quads(reference) and written.quads == len(chosen)
    titles = [t for t in ('"New"', '"Newest"', '"Old"', '"Older"') if any(t in q for q in chosen)]
    assert titles == ['"New"', '"Newest"']
