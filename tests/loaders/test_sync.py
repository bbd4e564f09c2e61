"""``kg sync`` against a local server replaying a scripted timeline (tests/fixtures/sync): the
window after the watermark and nothing else, change and withdrawal honoured, two syncs equal to a
fresh load, a sync killed mid-window going on where it stopped, and two syncs never at once.
Expectations come from the timeline's JSON."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kg.errors import ConfigError, StoreError, UnsupportedRequestError
from kg.graph import KnowledgeGraph
from kg.ids import META_GRAPH, doi_iri, graph_iri, pdb_iri
from kg.store import Store
from loaders.http import HttpConfig
from loaders.pdbe_sync import latest_release
from loaders.pipeline import load
from loaders.read import records_of
from loaders.sync import SyncReport, SyncScope, sync
from loaders.syncstate import read_state
from tests.loaders.conftest import fixture_json
from tests.loaders.replay import ReplayServer, Reply, Seen
from tests.loaders.timeline import PDB_LISTS, PDB_STATUS, TIMELINE, Timeline, crossref_day, held, pdbe_documents

DAY1, DAY2 = date(2024, 6, 1), date(2024, 6, 2)
EVENING1, EVENING2 = datetime(2024, 6, 1, 18, tzinfo=UTC), datetime(2024, 6, 2, 18, tzinfo=UTC)
#: the PDB is released weekly (Wednesdays): its day 2 is the release after day 1's
PDB_DAY2, PDB_EVENING2 = date(2024, 6, 5), datetime(2024, 6, 5, 18, tzinfo=UTC)
PROJECT = Path(__file__).resolve().parents[2]


def config(tmp_path: Path) -> HttpConfig:
    return HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01, mailto="kg@example.org", refresh=True)


def filters(server: ReplayServer) -> list[str]:
    return [seen.query["filter"][0] for seen in server.paths("/works")]


def record_quads(store: Store) -> set[str]:
    """Every quad outside the meta graph, as text: what a graph holds, whatever its provenance."""
    return {str(q) for q in store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                                            f"FILTER(?g != <{META_GRAPH}>) }}")}


def graphs_of(store: Store, source: str) -> set[str]:
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <https://w3id.org/evidence-kg/ns#source> "
                        f"\"{source}\" }} }}").values()
    return {str(g) for (g,) in rows}


def test_a_sync_fetches_only_the_window_after_the_watermark(server: ReplayServer, tmp_path: Path) -> None:
    timeline, store = Timeline(server, DAY1), Store.open(None)
    first = sync(store, "crossref", config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING1,
                 api=server.base, rows=2)
    assert first.complete and not first.resumed
    assert set(filters(server)) == {"from-index-date:2024-06-01,until-index-date:2024-06-01"}
    assert all(seen.query["mailto"] == ["kg@example.org"] for seen in server.paths("/works"))
    day1 = {r["DOI"] for r in held("crossref", DAY1)}
    assert graphs_of(store, "crossref") == {graph_iri("crossref", d) for d in day1}
    assert read_state(store, "crossref", "").watermark == EVENING1

    server.seen.clear()
    timeline.today = DAY2
    second = sync(store, "crossref", config(tmp_path), now=EVENING2, api=server.base, rows=2)
    assert second.complete
    # from the watermark's day (inclusive: the rest of that day), until the new one; never before
    assert set(filters(server)) == {"from-index-date:2024-06-01,until-index-date:2024-06-02"}
    changed = [r for r in held("crossref", DAY2) if crossref_day(r) >= DAY1]
    assert second.load.loaded + second.load.unchanged == len(changed)
    assert read_state(store, "crossref", "").watermark == EVENING2
    assert "paper-e" not in str(graphs_of(store, "crossref"))  # indexed on day 3: after the window


def pdbe_sync(store: Store, server: ReplayServer, tmp_path: Path, now: datetime, **more: object) -> SyncReport:
    return sync(store, "pdbe", config(tmp_path), now=now, api=server.base, lists=server.base + PDB_LISTS,
                **more)  # type: ignore[arg-type]


def test_two_syncs_leave_the_graph_a_fresh_load_of_day_two_gives(server: ReplayServer, tmp_path: Path) -> None:
    timeline, synced = Timeline(server, DAY1), Store.open(None)
    for source in ("crossref", "datacite"):
        sync(synced, source, config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING1,
             api=server.base, rows=2)
    pdbe_sync(synced, server, tmp_path, EVENING1, since=datetime(2024, 5, 28, tzinfo=UTC))
    timeline.today = DAY2
    for source in ("crossref", "datacite"):
        assert sync(synced, source, config(tmp_path), now=EVENING2, api=server.base, rows=2).complete
    timeline.today = PDB_DAY2
    assert pdbe_sync(synced, server, tmp_path, PDB_EVENING2).complete

    fresh = Store.open(None)
    documents: list[object] = [{"message-type": "work-list", "message": {"items": held("crossref", DAY2)}},
                               {"data": held("datacite", DAY2)}, *pdbe_documents(PDB_DAY2)]
    for document in documents:
        report = load(fresh, records_of(document, "file:///day2.json", EVENING2, "day2.json", ""))
        assert report.rejected == 0 and report.loaded > 0
    assert record_quads(synced) == record_quads(fresh)
    assert len(record_quads(synced)) > 50
    # and the marks are among them: the retraction, the withdrawal, the obsoleted entry
    marked = synced.select("SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s <https://w3id.org/evidence-kg/ns#statusType> "
                           "?t } }").values()
    assert {t for (t,) in marked} == {"retracted", "withdrawn", "obsoleted"}


def test_an_obsoleted_pdb_entry_is_marked_with_its_date_and_successor_and_its_chain_says_so(
        server: ReplayServer, tmp_path: Path) -> None:
    timeline, store = Timeline(server, DAY1), Store.open(None)
    first = pdbe_sync(store, server, tmp_path, EVENING1, since=datetime(2024, 5, 28, tzinfo=UTC))
    day1 = TIMELINE["pdbe"]["releases"]["2024-05-29"]
    assert first.complete and first.window_until == datetime(2024, 5, 29, tzinfo=UTC)
    assert [(s.method, s.path) for s in server.seen][:3] == [("GET", f"{PDB_LISTS}/{n}.pdb")
                                                             for n in ("added", "modified", "obsolete")]
    assert server.paths("/pdb/entry/summary/")[0].body.decode() == ",".join(day1["added"])  # a POST of the batch
    assert {g.rsplit("/", 2)[-2] for g in graphs_of(store, "pdbe")} == set(day1["added"])
    # the same week again: nothing to ask
    server.seen.clear()
    again = pdbe_sync(store, server, tmp_path, datetime(2024, 6, 4, 23, tzinfo=UTC))
    assert again.complete and again.requests == 0 and server.seen == []

    timeline.today = PDB_DAY2
    second = pdbe_sync(store, server, tmp_path, PDB_EVENING2)
    assert second.complete and read_state(store, "pdbe", "").watermark == datetime(2024, 6, 5, tzinfo=UTC)
    day2 = TIMELINE["pdbe"]["releases"]["2024-06-05"]
    [gone] = day2["obsolete"]
    status = next(e["status"] for e in TIMELINE["pdbe"]["entries"] if e["id"] == gone and "status" in e)
    assert server.paths(f"/pdb/entry/status/{gone}")  # only the obsoleted entry's status is asked
    assert not server.paths(f"/pdb/entry/summary/{gone}") and all(
        gone not in s.body.decode() for s in server.paths("/pdb/entry/summary/"))
    g = KnowledgeGraph(store)
    entry = g.work(pdb_iri(gone))
    since = status["since"]
    assert [(m.status, m.date, m.superseded_by) for m in entry.summary.status] == [
        ("obsoleted", f"{since[:4]}-{since[4:6]}-{since[6:]}", pdb_iri(status["superceded_by"][0]))]
    assert entry.summary.title is not None  # marked, never dropped
    modified = next(e for e in TIMELINE["pdbe"]["entries"] if e["id"] == day2["modified"][0]
                    and e["release"] == "2024-06-05")
    assert g.work(pdb_iri(day2["modified"][0])).summary.title == modified["summary"]["title"]
    assert g.work(pdb_iri(day2["added"][0])).summary.status == ()  # its status is REL: nothing to mark
    # the article the obsoleted entry supplements: its chain reaches the entry, marked
    article = next(e for e in TIMELINE["pdbe"]["entries"] if e["id"] == gone and "publications" in e)
    chain = g.chain(article["publications"]["doi"])
    node = chain.node(pdb_iri(gone))
    assert [m.status for m in node.work.status] == ["obsoleted"]


def test_a_retraction_notice_marks_the_retracted_work_and_its_chain_says_so(server: ReplayServer,
                                                                           tmp_path: Path) -> None:
    Timeline(server, DAY2)
    store = Store.open(None)
    sync(store, "crossref", config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING2, api=server.base)
    notice = next(r for r in TIMELINE["crossref"] if r.get("update-to"))
    update = notice["update-to"][0]
    citing = next(r for r in TIMELINE["crossref"]
                  if any(ref.get("DOI") == update["DOI"] for ref in r.get("reference", [])) and crossref_day(r) == DAY2)
    g = KnowledgeGraph(store)
    marks = g.work(update["DOI"]).summary.status
    assert [(m.status, m.date, m.reason, m.notice) for m in marks] == [
        ("retracted", update["updated"]["date-time"][:10], update["label"], doi_iri(notice["DOI"]))]
    # the retracted work keeps its record: marked, never dropped
    assert g.work(update["DOI"]).summary.title is not None
    chain = g.chain(citing["DOI"])
    node = chain.node(doi_iri(update["DOI"]))
    assert [m.status for m in node.work.status] == ["retracted"]
    assert chain.as_dict()["nodes"][1]["status"][0]["notice"] == doi_iri(notice["DOI"])
    # what the retracted work cites still counts its citation, and the metrics say whose it is
    retracted = next(r for r in TIMELINE["crossref"] if r["DOI"] == update["DOI"])
    cited = retracted["reference"][0]["DOI"]
    figures = g.metrics.item(cited)
    assert doi_iri(update["DOI"]) in {c.iri for c in figures.citations.citing}
    assert [m.status for m in figures.statuses[doi_iri(update["DOI"])]] == ["retracted"]


def test_a_datacite_doi_no_longer_findable_is_marked_withdrawn(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, DAY2)
    store = Store.open(None)
    sync(store, "datacite", config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING2, api=server.base)
    gone = [r for r in held("datacite", DAY2) if r["attributes"]["state"] != "findable"]
    assert gone
    g = KnowledgeGraph(store)
    for record in gone:
        work = g.work(record["id"])
        assert [(m.status, m.date) for m in work.summary.status] == [
            ("withdrawn", record["attributes"]["updated"][:10])]
        assert work.summary.title == record["attributes"]["titles"][0]["title"]
    kept = [r for r in held("datacite", DAY2) if r["attributes"]["state"] == "findable"]
    assert all(g.work(r["id"]).summary.status == () for r in kept)


def test_a_scoped_sync_asks_for_its_slice_and_keeps_its_own_watermark(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, DAY2)
    store = Store.open(None)
    scope = SyncScope(prefixes=("10.5555",), funders=("100000001",))
    report = sync(store, "crossref", config(tmp_path), scope=scope, since=datetime(2024, 6, 1, tzinfo=UTC),
                  now=EVENING2, api=server.base)
    assert report.scope == "prefix:10.5555;funder:100000001"
    assert filters(server)[0] == ("from-index-date:2024-06-01,until-index-date:2024-06-02,prefix:10.5555,"
                                  "funder:100000001")
    assert read_state(store, "crossref", scope.key).watermark == EVENING2
    assert read_state(store, "crossref", "").watermark is None  # the whole source was never synced
    with pytest.raises(UnsupportedRequestError, match="crossref: --community is not supported"):
        sync(store, "crossref", config(tmp_path), scope=SyncScope(community="x"), since=EVENING1, api=server.base)


def test_the_first_sync_needs_a_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--since is needed for the first sync of datacite \(prefix:10.5072\)"):
        sync(Store.open(None), "datacite", config(tmp_path), scope=SyncScope(prefixes=("10.5072",)))
    with pytest.raises(UnsupportedRequestError, match="scholix: sync is not supported: kg sync knows crossref"):
        sync(Store.open(None), "scholix", config(tmp_path))
    with pytest.raises(ConfigError, match="--since is needed for the first sync of pdbe"):
        sync(Store.open(None), "pdbe", config(tmp_path))


def test_an_expired_cursor_starts_the_window_again(server: ReplayServer, tmp_path: Path) -> None:
    timeline, store = Timeline(server, DAY2), Store.open(None)
    first = sync(store, "crossref", config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING2,
                 api=server.base, rows=1, max_pages=2)
    assert not first.complete and read_state(store, "crossref", "").cursor
    original, refused = timeline.works, []

    def expired(seen: Seen) -> Reply:  # the stored cursor, once: Crossref's cursors live five minutes
        if seen.query["cursor"][0] == "c2" and not refused:
            refused.append(seen)
            return Reply(400, b'{"message": "cursor expired"}')
        return original(seen)

    server.handlers["/works"] = expired
    again = sync(store, "crossref", config(tmp_path), api=server.base, rows=1)
    assert again.complete and again.resumed
    assert [s.query["cursor"][0] for s in server.paths("/works")][2:4] == ["c2", "*"]
    assert graphs_of(store, "crossref") == {graph_iri("crossref", r["DOI"]) for r in held("crossref", DAY2)
                                           if crossref_day(r) <= DAY2}


# ------------------------------------------------------------------ real processes


def kg_sync(store: Path, server: ReplayServer, tmp_path: Path, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "--store", str(store), "sync", "crossref", "--since", "2024-06-01",
         "--rows", "1", "--api", f"crossref={server.base}", "--cache-dir", str(tmp_path / "cache"),
         "--mailto", "kg@example.org", *more],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "KG_HTTP_DEADLINE": "600"})


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sync never got there"
        time.sleep(0.05)


def cursors(server: ReplayServer) -> list[str]:
    return [seen.query["cursor"][0] for seen in server.paths("/works")]


@pytest.mark.slow
def test_a_sync_killed_mid_window_goes_on_where_it_stopped(server: ReplayServer, tmp_path: Path) -> None:
    timeline, where = Timeline(server, DAY2), tmp_path / "store"
    timeline.stall["c2"] = 300.0  # the third page never comes: the sync is killed waiting for it
    process = kg_sync(where, server, tmp_path)
    wait_for(lambda: "c2" in cursors(server), process)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    expected = {graph_iri("crossref", r["DOI"]) for r in held("crossref", DAY2)}

    with Store.open(where) as store:
        state = read_state(store, "crossref", "")
        assert state.watermark is None and state.in_progress
        assert '"cursor": "c2"' in (state.cursor or "")
        assert len(graphs_of(store, "crossref")) == 2  # the two pages stored before the kill

    timeline.stall.clear()
    server.seen.clear()
    done = kg_sync(where, server, tmp_path, "--json")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert cursors(server)[0] == "c2"  # went on from the stored cursor, not from the start
    assert '"resumed": true' in out
    with Store.open(where) as store:
        assert graphs_of(store, "crossref") == expected  # each record once, none lost
        state = read_state(store, "crossref", "")
        assert state.watermark is not None and not state.in_progress and state.cursor is None
        assert state.records == len(expected)


@pytest.mark.slow
def test_a_second_sync_is_refused_while_one_runs(server: ReplayServer, tmp_path: Path) -> None:
    timeline, where = Timeline(server, DAY2), tmp_path / "store"
    timeline.stall["*"] = 300.0
    first = kg_sync(where, server, tmp_path)
    try:
        wait_for(lambda: bool(cursors(server)), first)
        second = kg_sync(where, server, tmp_path)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert f"another kg sync is running on this store (pid {first.pid} since " in err
        assert cursors(server) == ["*"]  # the second one asked nothing
    finally:
        first.kill()
        first.communicate()


def test_a_zenodo_sync_asks_for_the_updated_window_of_its_community(server: ReplayServer, tmp_path: Path) -> None:
    record = fixture_json("zenodo/record-rdm.json")
    first = {"hits": {"hits": [record], "total": 1}, "links": {"next": f"{server.base}/api/records?page=2&size=25"}}
    server.add("/api/records", Reply(body=json.dumps(first).encode()),
               Reply(body=json.dumps({"hits": {"hits": [], "total": 1}, "links": {}}).encode()))
    store = Store.open(None)
    report = sync(store, "zenodo", config(tmp_path), scope=SyncScope(community="lexibank"),
                  since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING2, api=server.base)
    assert (report.complete, report.requests, report.load.loaded) == (True, 2, 1)
    asked = server.paths("/api/records")[0].query
    assert (asked["q"], asked["communities"]) == (["updated:[2024-06-01 TO 2024-06-02]"], ["lexibank"])
    assert server.paths("/api/records")[1].query["page"] == ["2"]
    assert read_state(store, "zenodo", "community:lexibank").watermark == EVENING2


def test_a_page_that_fails_leaves_the_window_unfinished_and_the_watermark_where_it_was(
        server: ReplayServer, tmp_path: Path) -> None:
    timeline, store = Timeline(server, DAY1), Store.open(None)
    sync(store, "crossref", config(tmp_path), since=datetime(2024, 6, 1, tzinfo=UTC), now=EVENING1,
         api=server.base, rows=1)
    timeline.today = DAY2
    original = timeline.works
    server.handlers["/works"] = lambda seen: (Reply(404, b'{"message": "gone for now"}')
                                              if seen.query["cursor"][0] == "c1" else original(seen))
    failed = sync(store, "crossref", config(tmp_path), now=EVENING2, api=server.base, rows=1)
    assert not failed.complete and failed.load.loaded + failed.load.unchanged == 1  # the first page only
    assert "HTTP 404" in str(failed.load.errors[0]) and "the next sync goes on from there" in str(failed.load.errors[0])
    state = read_state(store, "crossref", "")
    assert state.watermark == EVENING1 and state.window_until == EVENING2 and '"cursor": "c1"' in (state.cursor or "")

    server.handlers["/works"] = original
    done = sync(store, "crossref", config(tmp_path), now=datetime(2024, 6, 5, tzinfo=UTC), api=server.base, rows=1)
    assert done.complete and done.resumed
    assert done.window_until == EVENING2  # the unfinished window first, not a new one
    assert read_state(store, "crossref", "").watermark == EVENING2
    assert graphs_of(store, "crossref") == {graph_iri("crossref", r["DOI"]) for r in held("crossref", DAY2)}


@pytest.mark.slow
def test_between_rounds_of_every_the_store_is_free_for_others(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, DAY2)
    where = tmp_path / "store"
    process = kg_sync(where, server, tmp_path, "--every", "1h", "--json")
    try:
        assert process.stdout is not None
        first_round = process.stdout.readline()  # the round's JSON starts once the round is done
        assert first_round.startswith("{"), process.stderr.read() if process.stderr else ""
        deadline = time.monotonic() + 60
        while True:  # the round closes the store just after printing
            try:
                with Store.open(where) as store:
                    store.open_now()
                    assert read_state(store, "crossref", "").watermark is not None
                break
            except StoreError:
                assert time.monotonic() < deadline, "the store stayed locked between rounds"
                time.sleep(0.1)
        assert process.poll() is None  # still waiting for its next round
    finally:
        process.kill()
        process.communicate()


def test_a_pdbe_sync_that_fails_goes_on_with_the_same_weeks_lists(server: ReplayServer, tmp_path: Path) -> None:
    timeline, store = Timeline(server, PDB_DAY2), Store.open(None)
    gone = TIMELINE["pdbe"]["releases"]["2024-06-05"]["obsolete"][0]
    original = timeline.pdbe
    server.handlers[f"/pdb/entry/status/{gone}"] = lambda seen: Reply(404, b"{}")
    failed = pdbe_sync(store, server, tmp_path, PDB_EVENING2, since=datetime(2024, 6, 1, tzinfo=UTC))
    assert not failed.complete and "HTTP 404" in str(failed.load.errors[0])
    state = read_state(store, "pdbe", "")
    assert state.watermark is None and state.in_progress and gone in (state.cursor or "")

    server.handlers[f"/pdb/entry/status/{gone}"] = original
    server.handlers[f"{PDB_LISTS}/added.pdb"] = lambda seen: Reply(500, b"the lists moved on")
    server.seen.clear()
    done = pdbe_sync(store, server, tmp_path, datetime(2024, 6, 12, 18, tzinfo=UTC))
    assert done.complete and done.resumed and done.window_until == datetime(2024, 6, 5, tzinfo=UTC)
    assert [s.path for s in server.seen] == [f"/pdb/entry/status/{gone}"]  # the lists are not read again
    assert [m.status for m in KnowledgeGraph(store).work(pdb_iri(gone)).summary.status] == ["obsoleted"]


PDB_EVENING3 = datetime(2024, 6, 12, 18, tzinfo=UTC)


def test_a_pdbe_window_of_three_weeks_reads_each_weeks_lists_oldest_first(server: ReplayServer,
                                                                          tmp_path: Path) -> None:
    Timeline(server, PDB_EVENING3.date())
    store = Store.open(None)
    report = pdbe_sync(store, server, tmp_path, PDB_EVENING3, since=datetime(2024, 5, 22, tzinfo=UTC))
    assert report.complete and not report.load.warnings
    weeks = [s.path.rsplit("/", 2)[-2] for s in server.seen if s.path.endswith("/added.pdb")]
    assert weeks == ["20240529", "20240605", "latest"]  # the older weeks by their dated folders
    releases = TIMELINE["pdbe"]["releases"]
    added = {pdb for week in releases.values() for pdb in week["added"]}
    assert {g.rsplit("/", 2)[-2] for g in graphs_of(store, "pdbe")} == added  # each week's entries
    gone = releases["2024-06-05"]["obsolete"][0]  # obsoleted in the middle week
    assert [m.status for m in KnowledgeGraph(store).work(pdb_iri(gone)).summary.status] == ["obsoleted"]
    state = read_state(store, "pdbe", "")
    assert state.watermark == datetime(2024, 6, 12, tzinfo=UTC) and state.cursor is None


def test_a_pdbe_sync_stopped_between_weeks_goes_on_with_the_next_week(server: ReplayServer,
                                                                      tmp_path: Path) -> None:
    timeline, store = Timeline(server, PDB_EVENING3.date()), Store.open(None)
    server.handlers[f"{PDB_LISTS}/added.pdb"] = lambda seen: Reply(500, b"down")  # the third week's lists
    failed = pdbe_sync(store, server, tmp_path, PDB_EVENING3, since=datetime(2024, 5, 22, tzinfo=UTC))
    assert not failed.complete and "HTTP 500" in str(failed.load.errors[0])
    state = read_state(store, "pdbe", "")
    assert state.watermark is None and state.in_progress
    assert json.loads(state.cursor or "") == {"weeks": ["20240612"], "steps": []}
    gone = TIMELINE["pdbe"]["releases"]["2024-06-05"]["obsolete"][0]
    assert [m.status for m in KnowledgeGraph(store).work(pdb_iri(gone)).summary.status] == ["obsoleted"]

    server.handlers[f"{PDB_LISTS}/added.pdb"] = timeline.pdb_list
    server.seen.clear()
    done = pdbe_sync(store, server, tmp_path, PDB_EVENING3)
    assert done.complete and done.resumed
    lists = [s.path for s in server.seen if s.path.endswith(".pdb")]
    assert lists == [f"{PDB_LISTS}/{name}.pdb" for name in ("added", "modified", "obsolete")]  # week 3 only
    assert "9xk4" in {g.rsplit("/", 2)[-2] for g in graphs_of(store, "pdbe")}
    assert read_state(store, "pdbe", "").watermark == datetime(2024, 6, 12, tzinfo=UTC)


def week_list(listed: list[str]) -> Callable[[Seen], Reply]:
    body = "".join(f"{pdb}\n" for pdb in listed).encode()
    return lambda seen: Reply(body=body, headers={"Content-Type": "text/plain"})


@pytest.mark.slow
def test_a_pdbe_sync_killed_between_weeks_goes_on_with_the_week_it_was_reading(server: ReplayServer,
                                                                               tmp_path: Path) -> None:
    timeline, where = Timeline(server, PDB_EVENING3.date()), tmp_path / "store"
    # the command's window ends at today's newest release: three weeks back from it, the timeline's
    # three releases under today's dates (the oldest two by their dated folders, the newest as latest)
    newest = latest_release(datetime.now(UTC))
    weeks = [newest - timedelta(days=14), newest - timedelta(days=7)]
    for when, release in zip(weeks, ("2024-05-29", "2024-06-05"), strict=True):
        for name in ("added", "modified", "obsolete"):
            server.handlers[f"{PDB_STATUS}/{when:%Y%m%d}/{name}.pdb"] = week_list(
                TIMELINE["pdbe"]["releases"][release][name])
    server.handlers[f"{PDB_LISTS}/added.pdb"] = lambda seen: Reply(delay=300.0)  # killed waiting for week 3
    args = [sys.executable, "-m", "kg", "--store", str(where), "sync", "pdbe", "--since",
            (newest - timedelta(days=15)).date().isoformat(), "--api", f"pdbe={server.base}",
            "--api", f"wwpdb={server.base}{PDB_LISTS}", "--cache-dir", str(tmp_path / "cache")]
    process = subprocess.Popen(args, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "KG_HTTP_DEADLINE": "600"})
    wait_for(lambda: bool(server.paths(f"{PDB_LISTS}/added.pdb")), process)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    gone = TIMELINE["pdbe"]["releases"]["2024-06-05"]["obsolete"][0]
    with Store.open(where) as store:
        state = read_state(store, "pdbe", "")
        assert state.watermark is None and state.in_progress
        assert json.loads(state.cursor or "") == {"weeks": [f"{newest:%Y%m%d}"], "steps": []}
        assert [m.status for m in KnowledgeGraph(store).work(pdb_iri(gone)).summary.status] == ["obsoleted"]

    server.handlers[f"{PDB_LISTS}/added.pdb"] = timeline.pdb_list
    server.seen.clear()
    done = subprocess.run([*args, "--json"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"resumed": true' in done.stdout
    lists = [s.path for s in server.seen if s.path.endswith(".pdb")]
    assert lists == [f"{PDB_LISTS}/{name}.pdb" for name in ("added", "modified", "obsolete")]  # week 3 only
    with Store.open(where) as store:
        added = {pdb for week in TIMELINE["pdbe"]["releases"].values() for pdb in week["added"]}
        assert {g.rsplit("/", 2)[-2] for g in graphs_of(store, "pdbe")} == added
        state = read_state(store, "pdbe", "")
        assert state.watermark == newest and state.cursor is None


def test_a_weekly_list_that_is_not_one_leaves_the_window_unfinished(server: ReplayServer, tmp_path: Path) -> None:
    Timeline(server, PDB_DAY2)
    server.handlers[f"{PDB_LISTS}/modified.pdb"] = lambda seen: Reply(200, b"9xk1\n<!DOCTYPE html>\n")
    store = Store.open(None)
    report = pdbe_sync(store, server, tmp_path, PDB_EVENING2, since=datetime(2024, 6, 1, tzinfo=UTC))
    assert not report.complete
    assert "modified.pdb failed: line 2 is not a PDB ID ('<!DOCTYPE')" in str(report.load.errors[0])
    assert read_state(store, "pdbe", "").watermark is None
