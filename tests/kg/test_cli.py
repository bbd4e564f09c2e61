"""The kg command: load, stats, query, export; and a load killed part way."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import Store
from tests.loaders.conftest import FIXTURES, fixture_json

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "samples"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_load_prints_a_summary_and_stats_counts_what_was_loaded(store_dir: Path) -> None:
    code, out, _ = run("--store", str(store_dir), "load", str(SAMPLES))
    assert code == 0
    assert out.strip() == "16 loaded, 0 unchanged, 0 rejected (0 warnings)"
    code, out, _ = run("--store", str(store_dir), "stats", "--json")
    stats = json.loads(out)
    assert stats["graphs_by_source"] == {"crossref": 7, "datacite": 2, "pdbe": 4, "zenodo": 3}
    assert stats["works_by_class"]["schema:ScholarlyArticle"] == 7
    assert stats["evidence_edges"] == 4
    code, out, _ = run("--store", str(store_dir), "load", str(SAMPLES))
    assert out.strip() == "0 loaded, 16 unchanged, 0 rejected (0 warnings)"


def test_load_with_rejected_records_exits_non_zero_and_writes_a_report(tmp_path: Path, store_dir: Path) -> None:
    bad = copy.deepcopy(fixture_json("crossref/work-full.json"))
    bad["message"]["title"] = {"not": "a list"}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    report = tmp_path / "report.txt"
    code, out, err = run("--store", str(store_dir), "load", str(tmp_path / "bad.json"),
                         str(FIXTURES / "datacite"), "--report", str(report))
    assert code == 1
    assert out.strip() == "1 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert "crossref record 10.5555/kg.test.1: field 'title' is an object, expected a list of strings" in err
    assert "bad.json" in report.read_text()


def test_query_runs_text_files_and_catalogue_names_in_every_format(store_dir: Path, tmp_path: Path) -> None:
    run("--store", str(store_dir), "load", str(SAMPLES))
    code, out, _ = run("--store", str(store_dir), "query", "stats_sources", "--format", "csv")
    assert out.splitlines()[:3] == ["source,graphs,newest", *out.splitlines()[1:3]]
    assert [line.split(",")[:2] for line in out.splitlines()[1:]] == [
        ["crossref", "7"], ["datacite", "2"], ["pdbe", "4"], ["zenodo", "3"]]
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?pdb WHERE { ?s <https://w3id.org/evidence-kg/ns#reliesOnData> ?pdb } ORDER BY ?pdb")
    code, out, _ = run("--store", str(store_dir), "query", str(rq), "--format", "json")
    assert [r["pdb"] for r in json.loads(out)] == [
        "https://doi.org/10.2210/pdb6gv0/pdb", "https://doi.org/10.5061/dryad.b835k",
        "https://doi.org/10.5281/zenodo.4456817", "https://doi.org/10.5555/kg-sample.data"]
    code, out, _ = run("--store", str(store_dir), "query", "ASK { ?s ?p ?o }")
    assert out.strip() == "true"
    code, out, _ = run("--store", str(store_dir), "query", "SELECT (1 AS ?one) WHERE {}")
    assert out.splitlines()[-1] == "(1 rows)"


def test_export_writes_every_quad_and_reloads_into_the_same_graph(store_dir: Path, tmp_path: Path) -> None:
    run("--store", str(store_dir), "load", str(SAMPLES))
    out = tmp_path / "all.nq"
    code, _, _ = run("--store", str(store_dir), "export", "--format", "nq", "-o", str(out))
    assert code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == json.loads(run("--store", str(store_dir), "stats", "--json")[1])["quads"]
    graphs = sum(json.loads(run("--store", str(store_dir), "stats", "--json")[1])["graphs_by_source"].values())
    assert graphs == 16
    assert sum("<https://w3id.org/evidence-kg/graph/meta> ." in line for line in lines) == graphs * 8
    copy_dir = tmp_path / "copy"
    Store.open(copy_dir).bulk_load_nquads(out)  # type: ignore[attr-defined]
    code, again, _ = run("--store", str(copy_dir), "export", "--format", "nq")
    assert sorted(again.splitlines()) == sorted(lines)
    code, ttl, _ = run("--store", str(store_dir), "export", "--format", "ttl")
    assert "evidence-kg/graph/meta" not in ttl and "reliesOnData" in ttl


def test_unknown_source_lists_the_valid_ones(store_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kg", "--store", str(store_dir), "harvest", "zenodoo"],
                            capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 2
    from loaders import REGISTRY
    assert result.stderr.strip() == f"error: unknown source 'zenodoo'; valid sources: {', '.join(sorted(REGISTRY))}"


def _records(n: int) -> str:
    base = fixture_json("crossref/work-full.json")["message"]
    lines = []
    for i in range(n):
        work = copy.deepcopy(base)
        work["DOI"] = f"10.5555/kill.{i}"
        lines.append(json.dumps(work))
    return "\n".join(lines) + "\n"


def _graph_sizes(store: Store) -> dict[str, int]:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    return {g.value: int(n.value) for g, n in rows}  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_load_killed_part_way_then_run_again_ends_complete(tmp_path: Path, store_dir: Path) -> None:
    data = tmp_path / "many.jsonl"
    data.write_text(_records(3000))
    command = [sys.executable, "-m", "kg", "-v", "--store", str(store_dir), "load", str(data),
               "--batch-size", "100"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=PROJECT)
    assert process.stderr is not None
    batches = 0
    for line in process.stderr:
        batches += line.startswith("stored a batch")
        if batches == 5:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    with Store.open(store_dir) as store:
        sizes = _graph_sizes(store)
    meta = sizes.pop("https://w3id.org/evidence-kg/graph/meta")
    assert 500 <= len(sizes) < 3000, "the kill should land part way"
    per_graph = set(sizes.values())
    assert len(per_graph) == 1, "every stored graph is complete"
    assert meta == 8 * len(sizes), "every stored graph has its provenance, once"

    again = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{3000 - len(sizes)} loaded, {len(sizes)} unchanged, 0 rejected (0 warnings)"
    with Store.open(store_dir) as store:
        sizes = _graph_sizes(store)
    meta = sizes.pop("https://w3id.org/evidence-kg/graph/meta")
    assert len(sizes) == 3000 and set(sizes.values()) == per_graph and meta == 8 * 3000


def test_harvest_fetches_through_the_api_caches_and_loads(store_dir: Path, tmp_path: Path) -> None:
    from tests.loaders.replay import ReplayServer, Reply
    work = (FIXTURES / "crossref" / "work-full.json").read_bytes()
    with ReplayServer() as server:
        server.add("/works/10.5555/kg.test.1", Reply(body=work))
        code, out, err = run("--store", str(store_dir), "harvest", "crossref", "--doi", "10.5555/KG.TEST.1",
                             "--api", server.base, "--cache-dir", str(tmp_path / "cache"), "--mailto", "a@b.org")
        assert server.seen[0].query["mailto"] == ["a@b.org"]
    assert (code, out.strip()) == (0, "1 loaded, 0 unchanged, 0 rejected (0 warnings)")
    assert len(list((tmp_path / "cache" / "crossref").rglob("*.json"))) == 1
    code, out, _ = run("--store", str(store_dir), "load", str(tmp_path / "cache"))
    assert out.strip() == "0 loaded, 1 unchanged, 0 rejected (0 warnings)"


def test_chain_prints_the_tree_and_json(store_dir: Path) -> None:
    run("--store", str(store_dir), "load", str(SAMPLES))
    code, out, _ = run("--store", str(store_dir), "chain", "doi:10.1038/S41598-021-81251-2")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("ScholarlyArticle 10.1038/s41598-021-81251-2 (2021)")
    assert lines[1].startswith("  └ uses structure [stated: pdbe] StructureEntry 10.2210/pdb6gv0/pdb")
    assert lines[2].startswith("    └ derived from data [stated: pdbe] Dataset 10.5281/zenodo.4456817")
    code, out, _ = run("--store", str(store_dir), "chain", "10.1038/s41598-021-81251-2", "--format", "json")
    assert [h["to"] for h in json.loads(out)["hops"]] == ["https://doi.org/10.2210/pdb6gv0/pdb",
                                                          "https://doi.org/10.5281/zenodo.4456817"]


def test_chain_of_an_unknown_work_is_a_clear_error(store_dir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kg", "--store", str(store_dir), "chain", "10.1/absent"],
                            capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: nothing in the graph is named https://doi.org/10.1/absent; "
                                     "load or harvest its record first")


def test_metrics_print_json_and_csv(store_dir: Path) -> None:
    run("--store", str(store_dir), "load", str(SAMPLES))
    code, out, _ = run("--store", str(store_dir), "metrics", "funder", "10.13039/100000001")
    figures = json.loads(out)
    assert code == 0 and (figures["outputs"], figures["reused"]) == (5, 4)
    code, out, _ = run("--store", str(store_dir), "metrics", "item", "10.5555/kg-sample.tool.v1", "--format", "csv")
    rows = out.splitlines()
    assert rows[0] == "subject,metric,key,value"
    assert "https://doi.org/10.5555/kg-sample.tool.v1,all_versions.total,,4" in rows


def test_related_prints_items_with_reasons(store_dir: Path) -> None:
    run("--store", str(store_dir), "load", str(SAMPLES))
    code, out, _ = run("--store", str(store_dir), "related", "10.5555/kg-sample.tool.v1", "--json")
    found = {r["item"]["iri"]: r for r in json.loads(out)}
    assert code == 0
    assert {"https://doi.org/10.5555/kg-sample.tool.v2", "https://doi.org/10.5555/kg-sample.data"} <= set(found)
    code, out, _ = run("--store", str(store_dir), "related", "10.5555/kg-sample.tool.v1")
    assert "cited together by 3 works" in out
