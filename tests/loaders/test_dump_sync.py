"""``kg sync ror`` and ``kg sync opencitations`` by dump version (loaders/dump_sync.py), against a
local server replaying a scripted version listing (Zenodo's record, figshare's article) and tiny
dumps of our own (tests/fixtures/dumps): a new version is loaded and leaves the graph a fresh load of
it gives, the same version again asks one request and loads nothing, a sync stopped between a
dump's files goes on with the same version. Expectations come from the fixtures' JSON and CSV."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kg.errors import UnsupportedRequestError
from kg.ids import META_GRAPH, doi_iri
from kg.store import Store
from loaders.dump_sync import zenodo_version
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from loaders.sync import sync
from loaders.syncstate import SyncScope, read_state
from tests.loaders.conftest import FIXTURES
from tests.loaders.replay import ReplayServer, Reply, Seen

DUMPS = FIXTURES / "dumps"
ROR_RECORD = "/api/records/6347574"
OC_ARTICLE = "/v2/articles/24356626"


def config(tmp_path: Path) -> HttpConfig:
    return HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01, refresh=True)


def record_quads(store: Store) -> set[str]:
    return {str(q) for q in store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                                            f"FILTER(?g != <{META_GRAPH}>) }}")}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def local(document: dict[str, Any], server: ReplayServer) -> bytes:
    """A version record whose file links point at the local server."""
    text = json.dumps(document)
    for host in ("https://zenodo.org", "https://ndownloader.figshare.com"):
        text = text.replace(host, server.base)
    return text.encode()


class Releases:
    """The current version of each dump, as the server answers it; every file of every version."""

    def __init__(self, server: ReplayServer) -> None:
        self.server, self.ror, self.oc = server, "v1.1", 1
        server.handlers[ROR_RECORD] = lambda seen: Reply(body=local(
            json.loads((DUMPS / f"zenodo-ror-{self.ror}.json").read_text("utf-8")), server))
        server.handlers[OC_ARTICLE] = lambda seen: Reply(body=local(
            json.loads((DUMPS / f"figshare-opencitations-v{self.oc}.json").read_text("utf-8")), server))
        for version, date in (("v1.1", "2024-05-01"), ("v1.2", "2024-05-15")):
            stem = f"{version}-{date}-ror-data"
            v2 = (DUMPS / f"ror-{version}_schema_v2.json").read_bytes()
            # the release as ROR packs it: v1 JSON, v2 JSON and CSVs; only the v2 JSON is read
            v1 = json.dumps([{"id": "https://ror.org/00x0x0x00", "name": "Only in the v1 file"}]).encode()
            body = zipped({f"{stem}.json": v1, f"{stem}_schema_v2.json": v2, f"{stem}.csv": b"id,name\n1,x\n"})
            record = json.loads((DUMPS / f"zenodo-ror-{version}.json").read_text("utf-8"))["id"]
            server.add(f"/api/records/{record}/files/{stem}.zip/content", Reply(body=body))
        # OpenCitations: zips of CSVs, one of them nested in a zip as the Index dumps have it
        files = {90001: zipped({"inner.zip": zipped({"part.csv": (DUMPS / "opencitations-v1.csv").read_bytes()})}),
                 90011: zipped({"a.csv": (DUMPS / "opencitations-v2-part1.csv").read_bytes()}),
                 90012: zipped({"b.csv": (DUMPS / "opencitations-v2-part2.csv").read_bytes()})}
        for fid, body in files.items():
            server.add(f"/files/{fid}", Reply(body=body))

    def requested(self, path: str) -> list[Seen]:
        return self.server.paths(path)


def fresh(*files: Path) -> Store:
    store = Store.open(None)
    report = load(store, read_paths(list(files)))
    assert report.rejected == 0 and report.loaded > 0
    return store


def test_a_new_ror_release_is_loaded_and_the_same_release_again_is_not(server: ReplayServer, tmp_path: Path) -> None:
    releases, store = Releases(server), Store.open(None)
    first = sync(store, "ror", config(tmp_path), api=server.base + ROR_RECORD)
    assert first.complete and first.version == "v1.1" and first.load.loaded == 1
    state = read_state(store, "ror", "")
    assert (state.version, state.watermark) == ("v1.1", datetime(2024, 5, 1, tzinfo=UTC))
    assert record_quads(store) == record_quads(fresh(DUMPS / "ror-v1.1_schema_v2.json"))
    assert "00x0x0x00" not in str(record_quads(store))  # the v1 file of the release is passed over

    server.seen.clear()
    again = sync(store, "ror", config(tmp_path), api=server.base + ROR_RECORD)
    assert again.complete and again.requests == 1 and again.load.loaded == 0
    assert [s.path for s in server.seen] == [ROR_RECORD]  # the version record only: nothing downloaded

    releases.ror = "v1.2"
    second = sync(store, "ror", config(tmp_path), api=server.base + ROR_RECORD)
    v2 = json.loads((DUMPS / "ror-v1.2_schema_v2.json").read_text("utf-8"))
    assert second.complete and second.version == "v1.2" and second.load.loaded == len(v2)  # a change and a new one
    assert read_state(store, "ror", "").watermark == datetime(2024, 5, 15, tzinfo=UTC)
    assert record_quads(store) == record_quads(fresh(DUMPS / "ror-v1.2_schema_v2.json"))
    assert not list((tmp_path / "cache" / "dumps" / "ror").glob("v1.1*"))  # the old release's files are gone


def test_an_opencitations_dump_goes_on_file_by_file_with_the_same_version(server: ReplayServer,
                                                                         tmp_path: Path) -> None:
    releases, store = Releases(server), Store.open(None)
    first = sync(store, "opencitations", config(tmp_path), api=server.base + OC_ARTICLE)
    assert first.complete and first.version == "1" and first.load.loaded == 1  # the CSV in the zip in the zip
    releases.oc = 2
    stopped = sync(store, "opencitations", config(tmp_path), api=server.base + OC_ARTICLE, max_pages=1)
    state = read_state(store, "opencitations", "")
    assert not stopped.complete and state.in_progress and state.version == "1" and "90012" in (state.cursor or "")

    releases.oc = 1  # the listing moves (back); the unfinished version is finished first, unasked
    server.seen.clear()
    done = sync(store, "opencitations", config(tmp_path), api=server.base + OC_ARTICLE)
    assert done.complete and done.resumed and done.version == "2"
    assert [s.path for s in server.seen] == ["/files/90012"]
    assert read_state(store, "opencitations", "").version == "2"
    expected = fresh(DUMPS / "opencitations-v2-part1.csv", DUMPS / "opencitations-v2-part2.csv")
    assert record_quads(store) == record_quads(expected)
    cites = store.select("SELECT ?a ?b WHERE { ?a <http://purl.org/spar/cito/cites> ?b }").values()
    assert (doi_iri("10.5555/kg.citing.5"), doi_iri("10.5555/kg.article.2")) in {(a, b) for a, b in cites}


def test_a_version_record_that_is_not_one_is_named_and_the_state_stays(server: ReplayServer, tmp_path: Path) -> None:
    server.add(ROR_RECORD, Reply(body=b'{"hits": {"hits": []}}'))
    store = Store.open(None)
    report = sync(store, "ror", config(tmp_path), api=server.base + ROR_RECORD)
    assert not report.complete
    assert "is not a Zenodo record (no 'metadata' object)" in str(report.load.errors[0])
    assert read_state(store, "ror", "").version is None
    with pytest.raises(UnsupportedRequestError, match="ror: --prefix is not supported"):
        sync(store, "ror", config(tmp_path), scope=SyncScope(prefixes=("10.1",)))


def test_a_zenodo_record_in_inveniordms_shape_names_its_files_bytes_not_their_metadata() -> None:
    record = json.loads((DUMPS / "zenodo-ror-v1.2.json").read_text("utf-8"))
    [listed] = record["files"]
    key = listed["key"]
    record["files"] = {"count": 1, "entries": {key: {
        "key": key, "links": {"self": f"https://zenodo.org/api/records/2222222/files/{key}",
                              "content": f"https://zenodo.org/api/records/2222222/files/{key}/content"}}}}
    version = zenodo_version(record, "https://zenodo.org/api/records/6347574")
    assert (version.version, version.published.date().isoformat()) == (record["metadata"]["version"],
                                                                        record["metadata"]["publication_date"])
    assert version.files == ((key, f"https://zenodo.org/api/records/2222222/files/{key}/content"),)
