"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import Store


def _oxigraph_binary() -> str | None:
    """The ``oxigraph`` server CLI installed with this interpreter's environment, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


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
            pytest.fail(f"oxigraph serve exited with status {process.returncode}:\n"
                        f"{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except urllib.error.HTTPError as e:  # it answered, if oddly: it is up
            e.close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"oxigraph serve did not answer at {url} within {timeout}s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server the tests started: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout=15)
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
