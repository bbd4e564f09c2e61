"""The kg sync command against the scripted timeline on a local server: its summary, --every rounds
from the watermark, kg stats with each source's sync and lag, kg chain saying a work is retracted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph import KnowledgeGraph
from kg.ids import pdb_iri
from kg.store import Store
from loaders.pdbe_sync import latest_release
from tests.loaders.replay import ReplayServer
from tests.loaders.timeline import PDB_LISTS, TIMELINE, Timeline, held


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """A real HTTP server on 127.0.0.1, answering as the sources do on the timeline's day."""
    with ReplayServer() as running:
        yield running


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def json_documents(text: str) -> list[dict[str, object]]:
    """The JSON documents printed one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        document, at = decoder.raw_decode(text, at)
        found.append(document)
        while at < len(text) and text[at].isspace():
            at += 1
    return found


def sync_args(store: Path, server: ReplayServer, tmp_path: Path, *more: str) -> list[str]:
    return ["--store", str(store), "sync", *more, "--api", f"crossref={server.base}",
            "--api", f"datacite={server.base}", "--cache-dir", str(tmp_path / "cache"), "--mailto", "kg@example.org"]


def test_sync_prints_each_window_and_stats_says_when(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, date(2024, 6, 2))
    store = tmp_path / "store"
    code, out, err = run(*sync_args(store, server, tmp_path, "crossref", "datacite", "--since", "2024-06-01"))
    assert code == 0, err
    crossref = len(held("crossref", date(2024, 6, 2)))
    datacite = len(held("datacite", date(2024, 6, 2)))
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"crossref: 2024-06-01 to {date.today().isoformat()}: ")
    assert f"{crossref} loaded, 0 unchanged, 0 rejected" in lines[0] and "watermark now" in lines[0]
    assert f"{datacite} loaded, 0 unchanged, 0 rejected" in lines[1]

    code, out, _ = run("--store", str(store), "stats")
    assert code == 0
    assert "as of: " in out and "never synced" not in out
    assert "  sync crossref: last " in out and "  sync datacite: last " in out and ", lag 0.0 h" in out
    code, out, _ = run("--store", str(store), "stats", "--json")
    stats = json.loads(out)
    assert [s["source"] for s in stats["sources"]] == ["crossref", "datacite"]
    assert stats["graphAsOf"] == max(s["watermark"] for s in stats["sources"])
    # a graph loaded from files but never synced says so
    code, out, _ = run("--store", str(tmp_path / "other"), "stats")
    assert "as of: never synced (kg sync)" in out


def test_every_runs_rounds_each_from_the_last_watermark(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, date(2024, 6, 2))
    store = tmp_path / "store"
    code, out, err = run(*sync_args(store, server, tmp_path, "crossref", "--since", "2024-06-01", "--every", "0.01s",
                                    "--rounds", "2", "--json"))
    assert code == 0, err
    first, second = (document["syncs"][0] for document in json_documents(out))
    assert first["from"].startswith("2024-06-01") and first["complete"]
    assert first["loaded"] == len(held("crossref", date(2024, 6, 2)))
    # the second window starts at the first's end: today, when the timeline changed nothing
    assert second["from"] == first["until"]
    assert (second["loaded"], second["unchanged"], second["requests"], second["complete"]) == (0, 0, 1, True)
    filters = [seen.query["filter"][0] for seen in server.paths("/works")]
    assert filters[0].startswith("from-index-date:2024-06-01,")
    assert filters[-1].startswith(f"from-index-date:{date.today().isoformat()},")


def test_sync_without_a_source_names_them(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "sync", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert ("name a source to sync: crossref, datacite, opencitations, pdbe, ror, zenodo (none was synced before)"
            in result.stderr)


@pytest.mark.parametrize("every", ["soon", "0h", "-1m"])
def test_every_needs_a_duration(tmp_path: Path, every: str) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "sync", "crossref", "--every", every])
    assert result.exit_code == 2
    assert "write a duration such as 1h, 30m or 90s" in result.stderr


def test_kg_chain_says_a_work_on_the_way_is_retracted(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, date(2024, 6, 2))
    store = tmp_path / "store"
    assert run(*sync_args(store, server, tmp_path, "crossref", "--since", "2024-06-01"))[0] == 0
    notice = next(r for r in TIMELINE["crossref"] if r.get("update-to"))
    retracted = notice["update-to"][0]["DOI"]
    citing = next(r["DOI"] for r in held("crossref", date(2024, 6, 2))
                  if any(ref.get("DOI") == retracted for ref in r.get("reference", [])) and r["DOI"] != retracted)
    code, out, _ = run("--store", str(store), "chain", citing)
    assert code == 0
    line = next(line for line in out.splitlines() if retracted in line)
    assert line.endswith(f"[retracted on 2024-06-02 (Retraction; notice {notice['DOI']})]")


def test_sync_pdbe_reads_the_weekly_lists_where_api_wwpdb_names_them(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, date(2024, 6, 5))  # ``latest`` serves the release of 2024-06-05
    store = tmp_path / "store"
    # the command's window ends at today's newest release: start it the day before, one week, read from latest
    since = (latest_release(datetime.now(UTC)) - timedelta(days=1)).date().isoformat()
    code, out, err = run("--store", str(store), "sync", "pdbe", "--since", since, "--api",
                         f"pdbe={server.base}", "--api", f"wwpdb={server.base}{PDB_LISTS}",
                         "--cache-dir", str(tmp_path / "cache"))
    assert code == 0, err
    assert out.startswith(f"pdbe: {since} to ") and "watermark now" in out
    assert server.paths(f"{PDB_LISTS}/obsolete.pdb")
    [gone] = TIMELINE["pdbe"]["releases"]["2024-06-05"]["obsolete"]
    with Store.open(store) as opened:
        assert [m.status for m in KnowledgeGraph(opened).work(pdb_iri(gone)).summary.status] == ["obsoleted"]


def test_serve_sync_every_needs_a_duration(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "serve", "--sync-every", "soon"])
    assert result.exit_code == 2 and "Invalid value for --sync-every: 'soon': write a duration" in result.stderr
