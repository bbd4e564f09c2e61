"""``kg bulk-load`` on Virtuoso: the shards through its own loader (``ld_dir`` + ``rdf_loader_run`` +
``checkpoint``, called through the SPARQL endpoint) leave the same quads as ``kg load`` into the
embedded store, and the account's password is on no command line meanwhile.

A Virtuoso of this module's own (the suite's ini, with the SQL port known and a folder it may read
for the loader's files); skipped where ``virtuoso-t`` or isql (which sets up an account) is not
installed (in CI, which installs them, failed: tests.conftest.virtuoso_binary)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from kg.errors import StoreError
from kg.graph import KnowledgeGraph
from kg.store import Store, virtuoso_bulk
from kg.store.credentials import Credentials
from kg.store.engines import VIRTUOSO
from kg.store.virtuoso_bulk import VirtuosoLoader, virtuoso_bulk_load
from loaders.bulkload import bulk_load
from loaders.bulkmap import map_inputs
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import running_virtuoso, virtuoso_binary
from tests.kg.metrics.test_summary import _contents
from tests.kg.store.test_virtuoso import OURS, clear
from tests.loaders.test_bulk import PROJECT, quads, summary

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """The store URL, the SQL address and the loader's folder of a private Virtuoso."""
    binary = virtuoso_binary(isql=True)
    directory = tmp_path_factory.mktemp("virtuoso-bulk")
    (directory / "bulk").mkdir()
    with running_virtuoso(directory, 100_000, binary=binary) as server:
        yield server.url, server.sql, directory / "bulk"


def test_bulk_load_into_virtuoso_equals_kg_load(tmp_path: Path, virtuoso: tuple[str, str, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    url, sql, folder = virtuoso
    monkeypatch.setenv("KG_VIRTUOSO_BULK_DIR", str(folder))
    samples = PROJECT / "samples"
    map_inputs([samples], tmp_path / "shards", jobs=1)
    monkeypatch.setenv("KG_CUE_INDEX_DIR", str(tmp_path / "cues"))
    remote = Store.open(url)
    by_bulk = bulk_load(remote, tmp_path / "shards")
    assert not list(folder.iterdir())  # the loader's file is gone
    embedded = Store.open(None)
    assert summary(by_bulk) == summary(load(embedded, read_paths([samples])))
    # its metrics summary from the shards it was loaded from: the embedded store's
    KnowledgeGraph(remote).index_metrics(shards=tmp_path / "shards")
    assert remote.complete_summary() is not None
    assert _contents(remote.metrics_summary) == _contents(embedded.metrics_summary)
    assert load(remote, read_paths([samples])).loaded == 0
    bulk_loaded = quads(remote)
    clear(remote)
    load(remote, read_paths([samples]))
    # Virtuoso writes date-times in its own form (".711920Z", not ".71192Z"): compared with kg load on it
    assert bulk_loaded == quads(remote)
    clear(remote)


def test_two_loaders_at_once_load_what_one_loads(tmp_path: Path, virtuoso: tuple[str, str, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # two rdf_loader_run() at once deadlocked on 2 of 3 files at 100M; the files cut short are loaded again
    url, sql, folder = virtuoso
    monkeypatch.setenv("KG_VIRTUOSO_BULK_DIR", str(folder))
    monkeypatch.setattr(virtuoso_bulk, "FILE_BLOCK", 50)  # the samples' quads in 4 files, not 1
    map_inputs([PROJECT / "samples"], tmp_path / "shards", jobs=1)
    remote = Store.open(url)
    clear(remote)
    by_one = bulk_load(remote, tmp_path / "shards")
    one = quads(remote)
    clear(remote)
    monkeypatch.setenv("KG_VIRTUOSO_LOADERS", "2")
    by_two = bulk_load(remote, tmp_path / "shards")
    assert summary(by_two) == summary(by_one)
    assert quads(remote) == one and len(one) > 900
    assert not list(folder.iterdir())  # the loader's 4 files are gone
    clear(remote)


def test_a_file_a_deadlock_cut_short_is_loaded_again(tmp_path: Path, virtuoso: tuple[str, str, Path]) -> None:
    url, sql, folder = virtuoso
    remote = Store.open(url)
    clear(remote)
    path = folder / "kg-test-deadlocked.nq.gz"
    with gzip.open(path, "wb") as out:
        out.write(f"<urn:x:a> <urn:x:b> \"c\" <{OURS}deadlocked> .\n".encode())
    path.chmod(0o644)
    loader = VirtuosoLoader(url.replace("dba:dba@", ""), Credentials("dba", "dba"))
    loader.register(path)
    # as Virtuoso leaves a file another loader deadlocked with: taken, failed, part-loaded (here: none of it)
    loader.sparql.call(virtuoso_bulk._exec(
        "UPDATE DB.DBA.load_list SET ll_state = 2, ll_error = '40001 SR172: Transaction deadlocked' "
        f"WHERE ll_file LIKE '%{path.name}'"))
    try:
        loader.run_all([path], loaders=2)
        loader.finish([path])
    finally:
        path.unlink()
    assert loader.retries == 1
    assert remote.ask(f"ASK {{ GRAPH <{OURS}deadlocked> {{ <urn:x:a> <urn:x:b> \"c\" }} }}")
    clear(remote)


def test_a_number_of_loaders_that_is_none_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_VIRTUOSO_BULK_DIR", str(tmp_path))
    monkeypatch.setenv("KG_VIRTUOSO_LOADERS", "two")
    with pytest.raises(StoreError, match="KG_VIRTUOSO_LOADERS must be a number of loaders"):
        virtuoso_bulk_load("http://127.0.0.1:9/sparql-auth", iter([]), VIRTUOSO,  # type: ignore[arg-type]
                           Credentials("dba", "dba"))


def test_without_a_folder_for_the_loader_it_says_what_to_set(tmp_path: Path, virtuoso: tuple[str, str, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url, sql, _ = virtuoso
    monkeypatch.delenv("KG_VIRTUOSO_BULK_DIR", raising=False)
    map_inputs([PROJECT / "samples" / "crossref"], tmp_path / "shards", jobs=1)
    with pytest.raises(StoreError, match="KG_VIRTUOSO_BULK_DIR: a folder the server reads"):
        bulk_load(Store.open(url), tmp_path / "shards")


def command_lines() -> list[str]:
    """The command line of every process of the machine that this user may read."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
        except (OSError, ValueError):
            continue
    return found


def test_the_accounts_password_is_on_no_command_line_while_it_loads(
        tmp_path: Path, virtuoso: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, sql, folder = virtuoso
    user, password = "kgbulk", f"pw-{uuid4().hex}"
    isql = shutil.which("isql-vt") or shutil.which("isql")
    assert isql is not None
    setup = subprocess.run([isql, sql, "dba", "dba"], capture_output=True, text=True, input="\n".join([
        f"DB.DBA.USER_CREATE('{user}', '{password}');", f"GRANT SPARQL_UPDATE TO {user};",
        *[f"GRANT EXECUTE ON DB.DBA.{p} TO {user};" for p in ("ld_dir", "rdf_loader_run")],
        f"GRANT SELECT ON DB.DBA.load_list TO {user};", f"GRANT DELETE ON DB.DBA.load_list TO {user};", ""]))
    assert "Error" not in setup.stdout + setup.stderr
    monkeypatch.setenv("KG_VIRTUOSO_BULK_DIR", str(folder))
    map_inputs([PROJECT / "samples" / "crossref"], tmp_path / "shards", jobs=1)
    spawned: list[object] = []
    monkeypatch.setattr(subprocess.Popen, "__init__", lambda *a, **k: spawned.append(a) or _refused())
    remote = Store.open(url.replace("dba:dba", f"{user}:{password}"))
    seen: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.extend(line for line in command_lines() if password in line)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        report = bulk_load(remote, tmp_path / "shards")
    finally:
        done.set()
        watcher.join()
    assert report.loaded and not report.error_count
    assert spawned == [] and seen == []
    assert Store.open(url).ask(f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{OURS}")) }}')
    clear(Store.open(url))


def _refused() -> None:
    raise AssertionError("kg bulk-load started a process")


def test_a_virtuoso_without_case_mode_2_answers_asks_as_booleans(tmp_path: Path) -> None:
    """Without ``CaseMode = 2`` in its ini, Virtuoso answers every ASK as a SELECT of ``__ASK_RETVAL``
    (no row: false); kg reads it as the boolean it is (a bulk load into an empty server asks first)."""

    def without_case_mode(ini: str) -> str:
        assert "CaseMode = 2\n" in ini
        return ini.replace("CaseMode = 2\n", "")

    with running_virtuoso(tmp_path, 1000, edit=without_case_mode) as server:
        store = Store.open(server.url)
        assert store.ask("ASK { GRAPH ?g { ?s ?p ?o } }") is False
        store.update(f"INSERT DATA {{ GRAPH <{OURS}case> {{ <urn:x:a> <urn:x:b> 'c' }} }}")
        assert store.ask("ASK { GRAPH ?g { ?s ?p ?o } }") is True
