"""The kg command: load, stats, query, export, chain, metrics, related; the one --format/--json convention; the
CLI reference; and a load killed part way."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli.reference import cli_reference
from kg.store import Store
from kg.vocab import KG
from tests.kg.test_link_packages import assert_valid
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
    assert out.strip() == "20 loaded, 0 unchanged, 0 rejected (0 warnings)"
    code, out, _ = run("--store", str(store_dir), "stats", "--json")
    stats = json.loads(out)
    assert stats["graphs_by_source"] == {"crossref": 8, "datacite": 4, "pdbe": 4, "ror": 1, "zenodo": 3}
    assert stats["works_by_class"]["schema:ScholarlyArticle"] == 8
    # R on its supplement S is stated by two records (R's and S's), so counted twice
    assert stats["evidence_edges"] == 6
    code, out, _ = run("--store", str(store_dir), "load", str(SAMPLES))
    assert out.strip() == "0 loaded, 20 unchanged, 0 rejected (0 warnings)"


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
        ["crossref", "8"], ["datacite", "4"], ["pdbe", "4"], ["ror", "1"], ["zenodo", "3"]]
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?pdb WHERE { ?s <https://w3id.org/evidence-kg/ns#reliesOnData> ?pdb } ORDER BY ?pdb")
    code, out, _ = run("--store", str(store_dir), "query", str(rq), "--format", "json")
    assert [r["pdb"] for r in json.loads(out)] == [
        "https://doi.org/10.2210/pdb6gv0/pdb", "https://doi.org/10.5061/dryad.b835k",
        # stated by two records, so once per record graph
        "https://doi.org/10.5061/dryad.kg-sample-supplement", "https://doi.org/10.5061/dryad.kg-sample-supplement",
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
    assert graphs == 20
    # eight provenance quads per graph, and the record's own date (kg:sourceModified) where it has one
    dated = sum("<https://w3id.org/evidence-kg/ns#sourceModified>" in line for line in lines)
    assert sum("<https://w3id.org/evidence-kg/graph/meta> ." in line for line in lines) == graphs * 8 + dated
    copy_dir = tmp_path / "copy"
    with out.open("rb") as nquads:
        Store.open(copy_dir).bulk_load(nquads)
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
    # the new graphs gathered are loaded every 2,000 quads (about 20 records): the kill lands part way
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                               env={**os.environ, "KG_SPOOL_QUADS": "2000"})
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
        hashed = len(store.select(f"SELECT ?g WHERE {{ GRAPH ?m {{ ?g {KG.contentHash} ?h }} }}").rows)
    meta = sizes.pop("https://w3id.org/evidence-kg/graph/meta")
    assert 400 <= len(sizes) < 3000, "the kill should land part way"
    per_graph = set(sizes.values())
    assert len(per_graph) == 1, "every stored graph is complete"
    # every stored graph has its provenance, once; its content hash too, but for the last ones gathered
    # when the kill fell between their quads and their hashes (kg.store.spool): written again below
    assert len(sizes) - 30 <= hashed <= len(sizes) and meta == 7 * len(sizes) + hashed

    again = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{3000 - hashed} loaded, {hashed} unchanged, 0 rejected (0 warnings)"
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
    assert code == 0 and lines[0].startswith("Article 10.1038/s41598-021-81251-2 (2021)")
    assert lines[1].startswith("  └ uses structure [stated: pdbe] PDB entry 10.2210/pdb6gv0/pdb")
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
    assert code == 0 and (figures["outputs"], figures["reused"]) == (6, 4)
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


# -- the one output convention: --format, and --json for --format json ------------------------------

STORY = "Insulin glulisine's structure was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2)."
#: every command that prints results, with arguments that give a result on the sample graph
PRINTING = {
    "load": [str(SAMPLES)],
    "stats": [],
    "query": ["stats_sources"],
    "export": [],
    "chain": ["10.1038/s41598-021-81251-2"],
    "metrics": ["funder", "10.13039/100000001"],
    "related": ["10.5555/kg-sample.tool.v1"],
    "cite": ["PDB 6GV0"],
    "trace": ["--offline", "--no-store", STORY],
    "index-cues": [],
    "index-metrics": [],
    "map": [],  # needs records and an output folder: tests/loaders/test_bulk.py
    "bulk-load": [],  # needs shards: tests/loaders/test_bulk.py
    "harvest": [],  # needs a replayed API: test_harvest_summary_as_json
    "enrich": [],  # needs a replayed API: test_enrich_and_follow_links_summaries_as_json
    "sync": [],  # needs a replayed API: tests/kg/test_cli_sync.py
}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("cli") / "store")
    code, out, _ = run("--store", location, "load", str(SAMPLES))
    assert (code, out.strip()) == (0, "20 loaded, 0 unchanged, 0 rejected (0 warnings)")
    return location


def test_every_command_but_serve_takes_format_and_json() -> None:
    ctx = click.Context(cli, info_name="kg")
    names = cli.list_commands(ctx)
    assert set(names) == {*PRINTING, "serve"}, "a new command: decide its formats and add it to PRINTING"
    for name in PRINTING:
        command = cli.get_command(ctx, name)
        assert command is not None
        options = {o: p for p in command.params for o in p.opts}
        assert isinstance(options["--format"].type, click.Choice), name
        assert "json" in options["--format"].type.choices, name
        assert options["--json"].is_flag, name  # type: ignore[attr-defined]


def _json_of(location: str, name: str, *flags: str) -> object:
    code, out, err = run("--store", location, name, *PRINTING[name], *flags)
    assert code == 0, err
    return json.loads(out)


def _facts(name: str, found: object) -> object:
    """The facts each command's JSON must hold on the sample graph."""
    if name == "load":
        assert isinstance(found, dict)
        return found["loaded"], found["unchanged"], found["rejected"]
    if name == "stats":
        assert isinstance(found, dict)
        return found["graphs_by_source"]
    if name == "query":
        assert isinstance(found, list)
        return [(r["source"], r["graphs"]) for r in found]
    if name == "export":
        assert isinstance(found, list)
        return {"https://doi.org/10.2210/pdb6gv0/pdb", "https://doi.org/10.5555/kg-sample.data"} <= {
            node["@id"] for node in found}
    if name == "chain":
        assert isinstance(found, dict)
        return [h["to"] for h in found["hops"]]
    if name == "metrics":
        assert isinstance(found, dict)
        return found["outputs"], found["reused"], found["citing_works"]
    if name == "related":
        assert isinstance(found, list)
        return {"https://doi.org/10.5555/kg-sample.tool.v2", "https://doi.org/10.5555/kg-sample.data"} <= {
            r["item"]["iri"] for r in found}
    assert isinstance(found, dict)
    if name == "index-cues":
        return found["works"]
    if name == "index-metrics":
        return found["graphs"]
    return [w["iri"] for c in found["claims"] for w in c["works"]]


EXPECTED = {
    "load": (0, 20, 0),
    "stats": {"crossref": 8, "datacite": 4, "pdbe": 4, "ror": 1, "zenodo": 3},
    "query": [("crossref", 8), ("datacite", 4), ("pdbe", 4), ("ror", 1), ("zenodo", 3)],
    "export": True,
    "chain": ["https://doi.org/10.2210/pdb6gv0/pdb", "https://doi.org/10.5281/zenodo.4456817"],
    "metrics": (6, 4, 5),
    "related": True,
    "trace": ["https://doi.org/10.1038/s41598-021-81251-2"],
    "index-cues": 17,
    "index-metrics": 20,  # every record graph of the sample (each has at least the work its record is about)
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_json_and_format_json_print_the_same_facts(sample_store: str, name: str) -> None:
    short = _json_of(sample_store, name, "--json")
    assert _facts(name, short) == EXPECTED[name]
    assert _json_of(sample_store, name, "--format", "json") == short
    assert _json_of(sample_store, name, "--format", "json", "--json") == short


def test_harvest_summary_as_json(store_dir: Path, tmp_path: Path) -> None:
    from tests.loaders.replay import ReplayServer, Reply
    work = (FIXTURES / "crossref" / "work-full.json").read_bytes()
    with ReplayServer() as server:
        server.add("/works/10.5555/kg.test.1", Reply(body=work))
        code, out, _ = run("--store", str(store_dir), "harvest", "crossref", "--doi", "10.5555/KG.TEST.1",
                           "--api", server.base, "--cache-dir", str(tmp_path / "cache"), "--format", "json")
        _, again, _ = run("--store", str(store_dir), "harvest", "crossref", "--doi", "10.5555/KG.TEST.1",
                          "--api", server.base, "--cache-dir", str(tmp_path / "cache"), "--json")
    assert code == 0
    assert {k: json.loads(out)[k] for k in ("loaded", "unchanged", "rejected", "errors")} == {
        "loaded": 1, "unchanged": 0, "rejected": 0, "errors": 0}
    assert (json.loads(again)["loaded"], json.loads(again)["unchanged"]) == (0, 1)


def test_enrich_and_follow_links_summaries_as_json(store_dir: Path, tmp_path: Path) -> None:
    from tests.loaders.replay import ReplayServer, Reply
    article = json.loads((FIXTURES / "crossref" / "work-full.json").read_text("utf-8"))
    cited = sorted({r["DOI"].lower() for r in article["message"]["reference"] if "DOI" in r})
    page = {"status": "ok", "message-type": "work-list", "message": {"items": [
        {"DOI": cited[0], "type": "journal-article", "title": ["A cited work"]}]}}
    with ReplayServer() as server:
        server.add("/works/10.5555/kg.test.1", Reply(body=json.dumps(article).encode()))
        server.add("/works", *[Reply(body=json.dumps(page).encode())] * 2)
        server.add("/dois", *[Reply(body=b'{"data": []}')] * 2)
        code, out, err = run("--store", str(store_dir), "harvest", "crossref", "--doi", "10.5555/kg.test.1",
                             "--api", server.base, "--cache-dir", str(tmp_path / "cache"), "--follow-links", "1",
                             "--link-api", f"datacite={server.base}", "--json")
        assert code == 0, err
        assert json.loads(out)["loaded"] == 2  # the article, then the one cited work a source had
        [asked] = [s.query["filter"][0].split(",") for s in server.paths("/works") if "filter" in s.query]
        assert f"doi:{cited[0]}" in asked
        code, out, err = run("--store", str(store_dir), "enrich", "--api", f"crossref={server.base}",
                             "--api", f"datacite={server.base}", "--cache-dir", str(tmp_path / "cache"), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["found"] == {} and summary["missing"] == 0  # what no source had is remembered, not asked again
    assert summary["candidates"] == len(asked) - 1


def test_json_with_another_format_is_a_usage_error(sample_store: str) -> None:
    code, out, err = run("--store", sample_store, "metrics", "funder", "10.13039/100000001", "--format", "csv",
                         "--json")
    assert (code, out) == (2, "")
    assert "Error: --json means --format json; it contradicts --format csv" in err


def test_query_prints_construct_results_as_rdf_or_rows(sample_store: str, store_dir: Path) -> None:
    construct = ("CONSTRUCT { ?s <https://w3id.org/evidence-kg/ns#reliesOnData> ?o } "
                 "WHERE { ?s <https://w3id.org/evidence-kg/ns#reliesOnData> ?o }")
    code, out, _ = run("--store", sample_store, "query", construct, "--format", "ntriples")
    assert code == 0
    assert ("<https://doi.org/10.2210/pdb6gv0/pdb> <https://w3id.org/evidence-kg/ns#reliesOnData> "
            "<https://doi.org/10.5281/zenodo.4456817> .") in out.splitlines()
    code, out, _ = run("--store", sample_store, "query", construct, "--json")
    assert {"subject": "https://doi.org/10.2210/pdb6gv0/pdb",
            "predicate": "https://w3id.org/evidence-kg/ns#reliesOnData",
            "object": "https://doi.org/10.5281/zenodo.4456817"} in json.loads(out)
    code, out, _ = run("--store", sample_store, "query", construct, "--format", "tsv")
    assert out.splitlines()[0] == "subject\tpredicate\tobject" and len(out.splitlines()) == 6
    # a store of its own: the error's traceback, kept by CliRunner, holds the query result and its store's lock
    code, _, err = run("--store", str(store_dir), "query", "SELECT (1 AS ?one) WHERE {}", "--format", "turtle")
    assert code == 2 and "--format turtle prints a CONSTRUCT or DESCRIBE result" in err


def test_metrics_table_and_related_csv(sample_store: str) -> None:
    code, out, _ = run("--store", sample_store, "metrics", "funder", "10.13039/100000001", "--format", "table")
    lines = out.splitlines()
    # 24 rows: with each top output's own citations and type, as the dashboard shows them
    assert code == 0 and lines[0].split(" | ")[1].strip() == "metric" and lines[-1] == "(24 rows)"
    code, out, _ = run("--store", sample_store, "related", "10.5555/kg-sample.tool.v1", "--format", "csv")
    assert out.splitlines()[0] == "score,iri,kind,class,identifier,title,reasons"
    rows = {r["iri"]: r for r in csv.DictReader(io.StringIO(out))}
    # the kind in words, as the text lines give it; the class the record states, as its IRI
    data, tool = rows["https://doi.org/10.5555/kg-sample.data"], rows["https://doi.org/10.5555/kg-sample.tool.v2"]
    assert (data["kind"], data["class"], data["reasons"]) == ("Dataset", "http://schema.org/Dataset",
                                                              "cited together by 3 works")
    assert (tool["kind"], tool["class"]) == ("Software", "http://schema.org/SoftwareSourceCode")
    assert rows["https://doi.org/10.5555/kg-sample.tool"]["kind"] == "Software, all versions"


# -- help and the CLI reference -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted([*PRINTING, "serve"]))
def test_every_command_help_shows_examples(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0
    examples = out.split("Examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith("    ") for line in examples if line), examples
    assert any(f"kg {name}" in line or "| kg" in line for line in examples)


def test_the_cli_reference_matches_the_help() -> None:
    expected = cli_reference()
    assert "## kg chain" in expected and "--json" in expected
    assert (PROJECT / "docs" / "cli.md").read_text("utf-8") == expected, (
        "docs/cli.md is stale: run python -m kg.cli.reference > docs/cli.md")


def test_cite_prints_a_formatted_citation_and_every_record_format(store_dir: Path) -> None:
    assert run("--store", str(store_dir), "load", str(SAMPLES))[0] == 0
    code, out, _ = run("--store", str(store_dir), "cite", "PDB 6GV0", "--style", "apa")
    assert code == 0
    assert out == ("Sample, A., & Example, B. (2019). Insulin glulisine (sample record: title is a placeholder) "
                   "[Dataset]. https://doi.org/10.2210/pdb6gv0/pdb\n")
    code, out, _ = run("--store", str(store_dir), "cite", "PDB 6GV0", "--format", "bibtex")
    assert code == 0 and out.startswith("@misc{Sample2019,\n")
    code, out, _ = run("--store", str(store_dir), "cite", "PDB 6GV0", "--json")
    assert code == 0 and json.loads(out)[0]["type"] == "dataset"
    code, out, _ = run("--store", str(store_dir), "cite", "PDB 6GV0", "--format", "ris")
    assert code == 0 and out.startswith("TY  - DATA\n")
    result = CliRunner().invoke(cli, ["--store", str(store_dir), "cite", "10.1/nothing"])
    assert result.exit_code != 0
    assert "nothing in the graph is named https://doi.org/10.1/nothing" in str(result.exception)


def test_export_scholix_writes_one_valid_link_package_per_line(store_dir: Path, tmp_path: Path) -> None:
    assert run("--store", str(store_dir), "load", str(SAMPLES))[0] == 0
    out_file = tmp_path / "links.jsonl"
    code, _, _ = run("--store", str(store_dir), "export", "--format", "scholix", "-o", str(out_file))
    assert code == 0
    packages = [json.loads(line) for line in out_file.read_text("utf-8").splitlines()]
    assert_valid(packages)
    code, out, _ = run("--store", str(store_dir), "export", "--format", "scholix")
    assert code == 0 and [json.loads(line) for line in out.splitlines()] == packages


def test_query_json_gives_numbers_and_booleans_as_json_and_unbound_as_null(sample_store: str) -> None:
    """`kg query --json` gave every value as a string ("graphs": "799", "true") and unbound as "", which an empty
    literal also is."""
    code, out, _ = run("--store", sample_store, "query", "stats_sources", "--json")
    rows = json.loads(out)
    assert code == 0 and rows and all(isinstance(r["graphs"], int) and r["graphs"] > 0 for r in rows)
    code, out, _ = run("--store", sample_store, "query",
                       'SELECT ?a ?b ?c ?d WHERE { BIND(true AS ?a) BIND(2.5 AS ?b) BIND("" AS ?c) }', "--json")
    assert json.loads(out) == [{"a": True, "b": 2.5, "c": "", "d": None}]
