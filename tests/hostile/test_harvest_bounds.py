"""`kg harvest` against a misbehaving server on 127.0.0.1: dripping bytes, endless and bombed
bodies, a listing whose cursor repeats, a Retry-After of days, redirects to another host. Each
harvest ends with a message naming the URL and the limit, keeps what it stored before stopping,
and caches nothing it refused."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode

from kg.cli import cli
from kg.ids import graph_iri
from kg.store import Store
from loaders.base import HarvestRequest
from loaders.crossref import CrossrefLoader
from loaders.harvest import harvest
from loaders.http import HttpConfig

WORK = {"status": "ok", "message-type": "work", "message": {
    "DOI": "10.5555/kg.ok", "type": "journal-article", "title": ["Fine"]}}


def page(n: int, cursor: str) -> bytes:
    item = {"DOI": f"10.5555/kg.page.{n}", "type": "journal-article", "title": [f"Page {n}"]}
    return json.dumps({"status": "ok", "message-type": "work-list",
                       "message": {"items": [item], "next-cursor": cursor, "total-results": 99}}).encode()


class Hostile:
    """A real HTTP server whose paths misbehave, each in its own way; every loop is bounded and
    ends at teardown."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.seen: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign,assignment]  # hang-ups
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.bomb = gzip.compress(b" " * (100 << 20))  # 100 MB of JSON white space in ~100 kB

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.seen.append(self.path)
                behaviour = getattr(server, "_" + self.path.split("/")[1].replace("-", "_"), None)
                try:
                    (behaviour or server._missing)(self)
                except OSError:
                    pass  # the client hung up, as it should

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
        h.send_response(status)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}.items():
            h.send_header(name.replace("_", "-"), value)
        h.end_headers()
        h.wfile.write(body)

    def _missing(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 404, b'{"message": "not found"}')

    def _ok(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 200, json.dumps(WORK).encode())

    def _drip(self, h: BaseHTTPRequestHandler) -> None:
        """One byte every half second, for at most five minutes."""
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(600):
            if self.release.wait(0.5):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    def _endless(self, h: BaseHTTPRequestHandler) -> None:
        """A body without a length: white space until the client hangs up (at most 1 GB)."""
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Connection", "close")
        h.end_headers()
        block = b" " * (1 << 20)
        for _ in range(1024):
            if self.release.is_set():
                return
            h.wfile.write(block)

    def _declared(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(2 << 30))
        h.end_headers()
        h.wfile.write(b"{")

    def _gzip(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 200, self.bomb, Content_Encoding="gzip")

    def _loop(self, h: BaseHTTPRequestHandler) -> None:
        """A listing whose next-cursor is always the same."""
        first = "cursor=%2A" in h.path
        self._send(h, 200, page(1 if first else 2, "again"))

    def _busy(self, h: BaseHTTPRequestHandler) -> None:
        self._send(h, 503, b'{"message": "maintenance"}', Retry_After="100000")

    def _away(self, h: BaseHTTPRequestHandler) -> None:
        rest = h.path.split("/", 2)[2]
        self._send(h, 302, b"", Location=f"http://localhost:{self.port}/ok/{rest}")

    def _near(self, h: BaseHTTPRequestHandler) -> None:
        rest = h.path.split("/", 2)[2]
        self._send(h, 301, b"", Location=f"/ok/{rest}")

    def __enter__(self) -> Hostile:
        threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    with Hostile() as running:
        yield running


Harvest = Callable[..., tuple[int, str, str]]


@pytest.fixture
def kg_harvest(tmp_path: Path) -> Harvest:
    """`kg harvest crossref` through the CLI, against ``api``, with its own store and cache."""

    def run(api: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "harvest", "crossref", "--api", api,
                                          "--cache-dir", str(tmp_path / "cache"), *args], env=env)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            result.exception
        return result.exit_code, result.stdout, result.stderr

    return run


def cached(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("*.json"))


def test_a_server_dripping_bytes_is_abandoned_at_the_deadline(hostile: Hostile, tmp_path: Path) -> None:
    config = HttpConfig(cache_dir=tmp_path / "cache", retries=1, backoff=0.01, timeout=5.0, deadline=1.0)
    report = harvest(Store.open(None), CrossrefLoader, config, HarvestRequest(dois=["10.5555/kg.ok"],
                                                                              api=hostile.base + "/drip"))
    assert (report.loaded, report.rejected) == (0, 1)
    assert [p.message for p in report.errors] == [
        f"fetching {hostile.base}/drip/works/10.5555/kg.ok failed: took longer than the 1 s one request may take in "
        "all (KG_HTTP_DEADLINE) (gave up after 2 attempts)"]
    assert len(hostile.seen) == 2
    assert cached(tmp_path) == []


def test_the_deadline_is_set_by_its_environment_variable(hostile: Hostile, kg_harvest: Harvest) -> None:
    code, out, err = kg_harvest(hostile.base + "/drip", "--doi", "10.5555/kg.ok",
                                env={"KG_HTTP_DEADLINE": "0.5", "KG_HTTP_TIMEOUT": "5"})
    assert code == 1
    assert "took longer than the 0.5 s one request may take in all (KG_HTTP_DEADLINE)" in err
    assert out.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"


@pytest.mark.parametrize(("path", "message"), [
    ("/endless", "the response body is more than 1,000,000 bytes; the limit is 1,000,000 (KG_MAX_BODY_BYTES)"),
    ("/declared", "the response body is 2,147,483,648 bytes (Content-Length); the limit is 1,000,000 "
                  "(KG_MAX_BODY_BYTES)"),
    ("/gzip", "the response body is more than 1,000,000 bytes once decompressed; the limit is 1,000,000 "
              "(KG_MAX_BODY_BYTES)"),
])
def test_a_body_over_the_limit_is_refused_at_once_and_not_cached(hostile: Hostile, kg_harvest: Harvest,
                                                                 tmp_path: Path, path: str, message: str) -> None:
    code, out, err = kg_harvest(hostile.base + path, "--doi", "10.5555/kg.ok",
                                env={"KG_MAX_BODY_BYTES": "1000000"})
    assert code == 1
    assert err.strip() == (f"error: {hostile.base}{path}/works/10.5555/kg.ok: fetching {hostile.base}{path}/works/"
                           f"10.5555/kg.ok failed: HTTP 200: {message}")
    assert out.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert len(hostile.seen) == 1  # refused, not retried
    assert cached(tmp_path) == []


def test_a_2gb_body_costs_no_more_than_the_limit(hostile: Hostile, tmp_path: Path) -> None:
    """The whole process, with the default 64 MiB limit, against an endless body."""
    peak = tmp_path / "peak.txt"
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; "
               "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
               "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", measure, str(peak), sys.executable, "-m", "kg", "--store",
                           str(tmp_path / "store"), "harvest", "crossref", "--api", hostile.base + "/endless",
                           "--doi", "10.5555/kg.ok", "--cache-dir", str(tmp_path / "cache")],
                          capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert done.returncode == 1, done.stderr
    assert "the response body is more than 67,108,864 bytes; the limit is 67,108,864 (KG_MAX_BODY_BYTES)" \
        in done.stderr
    assert int(peak.read_text()) < 600 * 1024, f"peak {int(peak.read_text()) // 1024} MB"
    assert cached(tmp_path) == []


def test_a_listing_that_repeats_its_cursor_stops_and_keeps_what_it_stored(hostile: Hostile, kg_harvest: Harvest,
                                                                          tmp_path: Path) -> None:
    code, out, err = kg_harvest(hostile.base + "/loop", "--filter", "type:journal-article", "--rows", "1")
    assert code == 1
    url = f"{hostile.base}/loop/works?rows=1&cursor=again&filter=type%3Ajournal-article"
    assert err.strip() == (f"error: {url}: fetching {url} failed: the listing asks for a page it gave already "
                           "(its cursor or next link repeats) after 2 pages; stopped there (after 2 responses, "
                           "whose records are loaded)")
    assert out.strip() == "2 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert len(hostile.seen) == 2

    # the same again from the cache: the loop is caught without the server
    code, out, err = kg_harvest(hostile.base + "/loop", "--filter", "type:journal-article", "--rows", "1")
    assert code == 1
    assert "the listing asks for a page it gave already" in err
    assert out.strip() == "0 loaded, 2 unchanged, 1 rejected (0 warnings)"
    assert len(hostile.seen) == 2


def test_a_retry_after_beyond_the_cap_gives_up_at_once(hostile: Hostile, kg_harvest: Harvest) -> None:
    code, out, err = kg_harvest(hostile.base + "/busy", "--doi", "10.5555/kg.ok")
    assert code == 1
    assert err.strip().endswith("failed: HTTP 503: Service Unavailable: the server asks kg to wait 100,000 s "
                                "(Retry-After), more than the 3,600 s kg waits for (KG_HTTP_MAX_RETRY_AFTER); "
                                "try again later")
    assert out.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert len(hostile.seen) == 1


def test_a_redirect_to_another_host_is_refused(hostile: Hostile, kg_harvest: Harvest, tmp_path: Path) -> None:
    code, out, err = kg_harvest(hostile.base + "/away", "--doi", "10.5555/kg.ok")
    assert code == 1
    assert err.strip().endswith(f"failed: HTTP 302: redirected to http://localhost:{hostile.port}/ok/works/"
                                f"10.5555/kg.ok, which is on another host; kg follows redirects only within "
                                f"127.0.0.1:{hostile.port} (allow more hosts with KG_HTTP_ALLOW_HOSTS)")
    assert hostile.seen == ["/away/works/10.5555/kg.ok"]
    assert cached(tmp_path) == []


def test_a_redirect_to_an_allowed_host_is_followed(hostile: Hostile, kg_harvest: Harvest) -> None:
    code, out, err = kg_harvest(hostile.base + "/away", "--doi", "10.5555/kg.ok",
                                env={"KG_HTTP_ALLOW_HOSTS": "localhost"})
    assert (code, out.strip()) == (0, "1 loaded, 0 unchanged, 0 rejected (0 warnings)"), err
    assert hostile.seen == ["/away/works/10.5555/kg.ok", "/ok/works/10.5555/kg.ok"]


def test_a_same_host_redirect_is_followed_and_the_answering_url_is_the_provenance(
        hostile: Hostile, tmp_path: Path) -> None:
    config = HttpConfig(cache_dir=tmp_path / "cache", retries=0)
    for _ in range(2):  # live, then from the cache
        store = Store.open(None)
        report = harvest(store, CrossrefLoader, config,
                         HarvestRequest(dois=["10.5555/kg.ok"], api=hostile.base + "/near"))
        assert (report.loaded, report.rejected) == (1, 0)
        rows = store.select("SELECT ?from WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                            "?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?from } }",
                            {"g": NamedNode(graph_iri("crossref", "10.5555/kg.ok"))}).values()
        assert [str(r[0]).strip("<>\"") for r in rows] == [f"{hostile.base}/ok/works/10.5555/kg.ok"]
    assert hostile.seen == ["/near/works/10.5555/kg.ok", "/ok/works/10.5555/kg.ok"]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("KG_HTTP_DEADLINE", "never", "KG_HTTP_DEADLINE must be a positive number of seconds, not 'never'"),
    ("KG_HTTP_MAX_RETRY_AFTER", "-1", "KG_HTTP_MAX_RETRY_AFTER must be a positive number of seconds, not '-1'"),
    ("KG_MAX_BODY_BYTES", "1.5", "KG_MAX_BODY_BYTES must be a positive whole number, not '1.5'"),
    ("KG_HTTP_TIMEOUT", "soon", "KG_HTTP_TIMEOUT must be a number of seconds, not 'soon'"),
])
def test_an_unusable_setting_fails_the_harvest_with_exit_status_2(tmp_path: Path, name: str, value: str,
                                                                  message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "kg", "--store", str(tmp_path / "store"), "harvest", "crossref",
                           "--doi", "10.5555/kg.ok", "--api", "http://127.0.0.1:9", "--cache-dir",
                           str(tmp_path / "cache")], capture_output=True, text=True,
                          env={**os.environ, name: value}, timeout=120)
    assert (done.returncode, done.stderr.strip()) == (2, f"error: {message}")
