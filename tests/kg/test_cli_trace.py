"""kg trace: text, a file, stdin; the claims, works with scores and chain trees; --json; --offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.tracing.claims import TraceInputError
from tests.loaders.replay import ReplayServer, Reply

PROJECT = Path(__file__).resolve().parents[2]
STORY = ("Insulin glulisine has had its crystal structure solved, researchers wrote in Scientific Reports in 2021. "
         "The raw images are at https://zenodo.org/record/4456817 and doi:10.5555/kg-claims.absent is elsewhere.")


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    location = str(tmp_path / "store")
    result = CliRunner().invoke(cli, ["--store", location, "load", str(PROJECT / "samples")], catch_exceptions=False)
    assert result.exit_code == 0
    return location


def run(store_dir: str, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", store_dir, "trace", *args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_trace_prints_each_claim_its_works_with_scores_and_the_chain_as_a_tree(store_dir: str) -> None:
    code, out, _ = run(store_dir, "--offline", STORY)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("claim 1: Insulin glulisine has had its crystal structure solved, researchers wrote in "
                        "Scientific Reports in 2021.")
    assert lines[1] == "  0.96 cues:title+venue+year [crystal, glulisine, Insulin, structure, Scientific Reports, 2021]"
    assert lines[2].startswith("    Article 10.1038/s41598-021-81251-2 (2021): ")
    assert lines[3].startswith("      └ uses structure [stated: pdbe] PDB entry 10.2210/pdb6gv0/pdb (2019): ")
    assert lines[4].startswith("        └ derived from data [stated: pdbe] Dataset 10.5281/zenodo.4456817 (2021): ")
    assert lines[5].startswith("  stored as https://w3id.org/evidence-kg/claim/")
    assert lines[7:9] == ["  zenodo 4456817 -> https://doi.org/10.5281/zenodo.4456817",
                          "  doi 10.5555/kg-claims.absent unresolved: not in the graph, and fetching is off (offline)"]


def test_trace_json_reads_a_file_and_no_store_leaves_the_graph_alone(store_dir: str, tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(f"<html><script>x=1</script><body><p>{STORY}</p></body></html>", "utf-8")
    code, out, _ = run(store_dir, "--offline", "--no-store", "--json", "--file", str(page))
    assert code == 0
    found = json.loads(out)
    assert [c["stored"] for c in found["claims"]] == [False, False]
    assert found["claims"][0]["works"][0]["iri"] == "https://doi.org/10.1038/s41598-021-81251-2"
    assert [m["status"] for m in found["claims"][1]["mentions"]] == ["resolved", "unresolved"]
    stats = CliRunner().invoke(cli, ["--store", store_dir, "stats", "--json"], catch_exceptions=False)
    assert json.loads(stats.stdout)["graphs_by_source"] == {"crossref": 8, "datacite": 4, "pdbe": 4, "ror": 1,
                                                             "zenodo": 3}


def test_trace_reads_stdin_and_says_when_there_is_no_claim(store_dir: str) -> None:
    code, out, _ = run(store_dir, "--offline", "-", stdin=b"The tram line opens on Tuesday.")
    assert (code, out) == (0, "no research claims found in 31 characters\n")


def test_trace_online_fetches_through_the_api_given(store_dir: str) -> None:
    with ReplayServer() as server:
        server.add("/works/10.5555/kg-claims.absent", Reply(404, b'{"message": "Resource not found."}'))
        server.add("/dois/10.5555/kg-claims.absent", Reply(404, b'{"errors": []}'))
        code, out, _ = run(store_dir, "--json", "--api", f"crossref={server.base}", "--api",
                           f"datacite={server.base}", "A study (doi:10.5555/kg-claims.absent) says so.")
    assert code == 0
    [mention] = json.loads(out)["claims"][0]["mentions"]
    assert mention["status"] == "unresolved"
    assert mention["reason"].startswith("cannot fetch DOI 10.5555/kg-claims.absent: crossref: fetching ")


def test_trace_refuses_binary_input_with_a_clear_error(store_dir: str) -> None:
    result = CliRunner().invoke(cli, ["--store", store_dir, "trace", "-"], input=b"\x00\x01\x02\xff" * 100)
    assert isinstance(result.exception, TraceInputError)
    assert str(result.exception).startswith("cannot trace this input: it looks like binary data")


@pytest.mark.parametrize(("args", "message"), [
    ((), "give TEXT, '-' for stdin, or --file FILE"),
    (("--offline", "https://news.example.org/story"), "fetching a URL needs the network"),
    (("--api", "crossref", "text"), "expected SOURCE=URL"),
])
def test_trace_usage_errors_say_what_to_give(store_dir: str, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(store_dir, *args)
    assert code == 2 and message in err


def test_trace_fetches_a_url_and_stores_the_claims_with_it_as_their_appearance(store_dir: str) -> None:
    page = f"<html><head><script>alert('10.9999/x')</script></head><body><p>{STORY}</p></body></html>"
    with ReplayServer() as server:
        url = server.add("/news/insulin", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
        server.add("/works/10.5555/kg-claims.absent", Reply(404, b'{"message": "Resource not found."}'))
        server.add("/dois/10.5555/kg-claims.absent", Reply(404, b'{"errors": []}'))
        code, out, _ = run(store_dir, "--json", "--api", f"crossref={server.base}", "--api",
                           f"datacite={server.base}", url)
    assert code == 0
    found = json.loads(out)
    assert (found["url"], found["source_kind"]) == (url, "news")
    assert [c["stored"] for c in found["claims"]] == [True, True]
    assert "10.9999/x" not in out


def test_index_cues_builds_the_index_again_and_traces_then_use_it(store_dir: str) -> None:
    (Path(store_dir) / "cues.sqlite").unlink()
    result = CliRunner().invoke(cli, ["--store", store_dir, "index-cues"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"cue index of {store_dir}: 17 works, built in ")
    assert (Path(store_dir) / "cues.sqlite").is_file()
    code, out, _ = run(store_dir, "--offline", "--no-store", STORY)
    assert code == 0 and out.splitlines()[1].startswith("  0.96 cues:title+venue+year")
