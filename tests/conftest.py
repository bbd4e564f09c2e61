"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from kg.store import Store


@pytest.fixture(scope="session", autouse=True)
def _cue_index_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Remote stores' cue index files (kg.store.remote_cues) in the session's own folder, not the user's
    cache: the services the tests start inherit it."""
    os.environ.setdefault("KG_CUE_INDEX_DIR", str(tmp_path_factory.mktemp("cue-indexes")))


def _oxigraph_binary() -> str | None:
    """The ``oxigraph`` server CLI installed with this interpreter's environment, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: the main thread may hold a running loop already (Playwright's
    sync API keeps one there while a browser is open), where ``asyncio.run`` refuses to start."""
    found: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(asyncio.run(coroutine))
        except BaseException as error:  # noqa: BLE001 (raised again in the caller's thread)
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return found[0]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    """Return once the server answers a query; fail with its log if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with status {process.returncode}:\n"
                        f"{log.read_text(errors='replace')}")
        if answers(url + "?query=ASK%7B%7D", process):
            return
        time.sleep(0.05)
    pytest.fail(f"the server did not answer at {url} within {timeout}s:\n{log.read_text(errors='replace')}")


def answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    """Whether ``process`` (or a process it started) listens on ``url``'s port and answers there, if only
    with an error: an answer on the port before it listens is another server's that took the port."""
    port = urllib.parse.urlsplit(url).port
    try:
        owner = psutil.Process(process.pid)
        if not any(c.status == psutil.CONN_LISTEN and c.laddr.port == port
                   for p in (owner, *owner.children(recursive=True)) for c in p.net_connections("tcp")):
            return False
    except psutil.NoSuchProcess:
        return False
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError as e:  # it answered, if oddly: it is up
        e.close()
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """End a server the tests started: politely (``timeout`` seconds to finish), then for sure."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an Oxigraph server (on disk, union default graph) shared by the session.

    Tests share its data: clear it first (``Store.open(url).update("CLEAR ALL")``), as ``store`` does.
    """
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server CLI is not installed (pip install 'oxigraph>=0.5,<0.6')")
    directory = tmp_path_factory.mktemp("oxigraph")
    log_path = directory / "server.log"
    url = f"http://127.0.0.1:{_free_port()}/query"
    host_port = url.split("/")[2]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(directory / "db"), "--bind", host_port, "--union-default-graph"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_answering(url, process, log_path)
            yield url
        finally:
            stop(process)


@pytest.fixture(params=["embedded-memory", "embedded-disk", pytest.param("remote", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend: pyoxigraph in memory, pyoxigraph on disk, an Oxigraph server."""
    if request.param == "embedded-memory":
        opened = Store.open(None)
    elif request.param == "embedded-disk":
        opened = Store.open(tmp_path / "db")
    else:
        opened = Store.open(request.getfixturevalue("oxigraph_server"))
        opened.update("CLEAR ALL")
    with opened:
        yield opened


# -- a real Virtuoso (Debian's virtuoso-opensource) ----------------------------------------------------

VIRTUOSO_INSTALL = "apt-get install -y virtuoso-opensource"
#: the row cap of the tests' Virtuoso: small, so that answers past it (an export of the samples) are cut
VIRTUOSO_MAX_ROWS = 500
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
MaxQueryMem = {query_mem}
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {seconds}
MaxQueryCostEstimationTime = {cost_seconds}
"""


def virtuoso_ini(d: Path, sql_port: int, http_port: int, max_rows: int, *, buffers: int = 10_000,
                 query_mem: str = "500M", seconds: int = 60, cost_seconds: int = 400) -> str:
    """The ini of a private Virtuoso in folder ``d``: its ports, its row cap, its memory (``buffers`` of
    8 KB) and query time limits; ``CaseMode = 2``, which kg's ASK answers need."""
    return _VIRTUOSO_INI.format(d=d, sql_port=sql_port, http_port=http_port, max_rows=max_rows, buffers=buffers,
                                dirty=buffers * 3 // 5, query_mem=query_mem, seconds=seconds,
                                cost_seconds=cost_seconds)


def virtuoso_binary(*, isql: bool = False) -> str:
    """``virtuoso-t`` (and with ``isql``, Virtuoso's isql beside it); a test without them is skipped (in CI,
    where .ci/run installs them, it fails)."""
    binary = shutil.which("virtuoso-t")
    if binary is None or (isql and not (shutil.which("isql-vt") or shutil.which("isql"))):
        reason = f"needs virtuoso-t{' and isql' if isql else ''}: {VIRTUOSO_INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return binary


@dataclass(frozen=True)
class VirtuosoServer:
    """A private Virtuoso :func:`running_virtuoso` started: its folder, ports and process."""

    folder: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The store URL, with the default account: ``http://dba:dba@…/sparql-auth`` (HTTP Digest)."""
        return f"http://dba:dba@127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def sql(self) -> str:
        """The SQL address (isql's first argument)."""
        return f"127.0.0.1:{self.sql_port}"


@contextmanager
def running_virtuoso(folder: Path, max_rows: int, *, binary: str | None = None,
                     edit: Callable[[str], str] | None = None, timeout: float = 120, stop_timeout: float = 15,
                     **limits: Any) -> Iterator[VirtuosoServer]:
    """A Virtuoso of a private database in ``folder`` (the ini of :func:`virtuoso_ini` with ``max_rows`` and
    ``limits``, changed by ``edit`` if given; free ports), answering within ``timeout`` seconds; stopped on
    leaving (``stop_timeout`` seconds for its checkpoint). ``binary``: its ``virtuoso-t`` (by default
    :func:`virtuoso_binary`'s)."""
    binary = binary or virtuoso_binary()
    http_port, sql_port = _free_port(), _free_port()
    ini = virtuoso_ini(folder, sql_port, http_port, max_rows, **limits)
    (folder / "virtuoso.ini").write_text(edit(ini) if edit else ini)
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(f"http://127.0.0.1:{http_port}/sparql", process, log_path, timeout=timeout)
        yield VirtuosoServer(folder, http_port, sql_port, process)
    finally:
        stop(process, timeout=stop_timeout)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The store URL of a Virtuoso 7 server of the session's own (a private database and ini in a temp
    folder, free ports), with its default account in the URL: ``http://dba:dba@…/sparql-auth`` (HTTP
    Digest). Tests share its data: clear what they write. Without ``virtuoso-t`` the tests that use it
    are skipped (in CI, where .ci/run installs it, they fail)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), VIRTUOSO_MAX_ROWS) as server:
        yield server.url
