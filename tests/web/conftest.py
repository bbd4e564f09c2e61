"""Live services for the web tests: ``kg serve`` started as a real process (uvicorn) on loopback, over
the sample graph, on each backend: the embedded store on disk, and a real ``oxigraph serve``.

``live`` is parametrised over both backends, so every test that uses it runs against both. It is
read-only and shared by the session (its query time limit is short, its result cap small, so the
limit tests do not wait); ``writable`` is a separate service, with an update token, on a store of
its own.

``corpus`` is the real corpus (``../shared/realdata``) in an in-memory store, for the GraphQL tests: loaded
once a session and shared, so a test that writes to it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import _free_port, _oxigraph_binary, _wait_until_answering, answers, stop
from tests.loaders.test_realdata import ABSENT, REALDATA

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
#: the live services' limits, small so that the tests of them are quick
QUERY_TIMEOUT = 2.0
MAX_ROWS = 50
UPDATE_TOKEN = "test-token-1234"


@dataclass(frozen=True)
class Live:
    """A running service: its base URL, and the backend behind it ("embedded" or "remote")."""

    url: str
    backend: str
    log: Path

    def __call__(self, path: str) -> str:
        return self.url + path


def load_samples(location: str) -> None:
    with Store.open(location) as store:
        report = load(store, read_paths([SAMPLES]))
    assert report.rejected == 0, report.summary()


def _start(command: list[str], url: str, log_path: Path) -> subprocess.Popen[bytes] | None:
    """``command`` started, once it answers at ``url``; None when it could not listen there (another
    process took the port since it was found free)."""
    start = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log_path.read_bytes()[start:].decode(errors="replace")
            if "address already in use" in said.lower():
                return None
            pytest.fail(f"{command[:4]} exited with {process.returncode}:\n{said}")
        if answers(url, process):
            return process
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"{command[:4]} did not answer at {url}:\n{log_path.read_text(errors='replace')}")


@contextmanager
def oxigraph_with_samples(directory: Path) -> Iterator[str]:
    """A real ``oxigraph serve`` holding the sample graph, with its own query time limit (seconds)."""
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server CLI is not installed (pip install 'oxigraph>=0.5,<0.6')")
    url = f"http://127.0.0.1:{_free_port()}/query"
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(directory / "oxigraph-db"), "--bind", url.split("/")[2],
             "--union-default-graph", "--timeout-s", str(int(QUERY_TIMEOUT))],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(url, process, log)
        load_samples(url)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def remote_sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Oxigraph server behind the shared read-only ``live`` service."""
    with oxigraph_with_samples(tmp_path_factory.mktemp("oxigraph-web")) as url:
        yield url


def serve(location: str, directory: Path, *options: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start ``kg --store LOCATION serve`` on a free loopback port; its base URL and log."""
    log = directory / "kg-serve.log"
    for _ in range(3):
        url = f"http://127.0.0.1:{_free_port()}"
        # every test client is 127.0.0.1, one client to the service: it may run as many queries at once as
        # the tests send (the per-client limit has its own tests, in tests/hostile)
        command = [sys.executable, "-m", "kg", "--store", location, "serve", "--port", url.rsplit(":", 1)[1],
                   "--query-timeout", str(QUERY_TIMEOUT), "--max-rows", str(MAX_ROWS), "--log-level", "warning",
                   "--queries-per-client", "16", *options]
        process = _start(command, url + "/healthz", log)
        if process is not None:
            return process, url, log
    pytest.fail(f"three free ports were taken before kg serve could listen on them:\n{log.read_text(errors='replace')}")


@contextmanager
def serving_records(directory: Path, paths: list[Path]) -> Iterator[Live]:
    """``kg serve`` over an embedded store holding the records in ``paths`` (all loaded, none rejected)."""
    location = str(directory / "db")
    with Store.open(location) as store:
        report = load(store, read_paths(paths))
    assert report.rejected == 0, report.summary()
    process, url, log = serve(location, directory)
    try:
        yield Live(url, "embedded", log)
    finally:
        stop(process)


@pytest.fixture(scope="session", params=["embedded", pytest.param("remote", marks=pytest.mark.slow)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over the sample graph, read-only, on each backend."""
    directory = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "embedded":
        location = str(directory / "db")
        load_samples(location)
    else:
        location = request.getfixturevalue("remote_sample_store")
    process, url, log = serve(location, directory, "--cors-origin", "http://portal.example")
    try:
        yield Live(url, request.param, log)
    finally:
        stop(process)


@contextmanager
def writable_service(backend: str, directory: Path, *options: str) -> Iterator[Live]:
    """``kg serve`` with an update token, over its own copy of the sample graph, on ``backend``; it stores
    every trace unless ``options`` say otherwise (it is given them instead of ``--store-traces``)."""
    with ExitStack() as stack:
        if backend == "embedded":
            location = str(directory / "db")
            load_samples(location)
        else:
            location = stack.enter_context(oxigraph_with_samples(directory))
        process, url, log = serve(location, directory, "--update-token", UPDATE_TOKEN, *(options or ["--store-traces"]))
        try:
            yield Live(url, backend, log)
        finally:
            stop(process)


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.slow)])
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    """A service that may be written to, of its own, on each backend."""
    with writable_service(request.param, tmp_path) as service:
        yield service


# -- the real corpus, in memory, for the GraphQL tests ----------------------------------------------------


@pytest.fixture(scope="session")
def _corpus_store() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    store = Store.open(None)
    load(store, read_paths([REALDATA]))
    return store


@pytest.fixture
def corpus(_corpus_store: Store) -> Iterator[Store]:
    """The real corpus, loaded once a session. It is shared by every test that asks for it, so none may write
    to it: one that does fails here (the store's generation moves with every write), before it changes the
    others' answers unseen."""
    before = _corpus_store.generation
    yield _corpus_store
    assert _corpus_store.generation == before, "a test wrote to the shared corpus: give it a store of its own"


def unlisted_queries(folder: Path, names: list[str]) -> list[str]:
    """Those of ``names`` (query files ``NAME.graphql`` in ``folder``) that the folder's README.md does not
    list (as `` `NAME.graphql` ``, beside the query's source)."""
    readme = (folder / "README.md").read_text("utf-8")
    return [name for name in names if f"`{name}.graphql`" not in readme]


# -- a real browser for the pages ------------------------------------------------------------------------

#: where page tests write their screenshots (a CI artifact)
ARTIFACTS = Path(os.environ.get("KG_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright. Outside CI, a machine without them skips the page
    tests and says how to install them; in CI (``CI`` set, as .ci/run does) their absence fails."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        reason = "the page tests need Chromium and Playwright: apt-get install chromium; pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


#: axe-core's browser build, fetched from the npm registry by `make test`
AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "package" / "axe.min.js"


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's source, to inject into a page; outside CI its absence skips, in CI it fails."""
    if not AXE.is_file():
        reason = f"the accessibility test needs axe-core at {AXE}: run `make test` (it fetches it with npm)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text("utf-8")


@dataclass
class Tab:
    """A fresh browser page, and every console error and uncaught exception it has met."""

    page: Page
    errors: list[str]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    try:
        yield Tab(page, errors)
    finally:
        context.close()
