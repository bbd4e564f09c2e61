"""Tests of loaders/http.py against a real HTTP server on 127.0.0.1 replaying scripted answers."""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

import kg
from kg.errors import FetchError
from loaders.http import MAX_REDIRECTS, HttpClient, HttpConfig, Response, get_page
from tests.loaders.replay import ReplayServer, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "http"



class Waits(list[float]):
    """A ``sleep`` that records instead of sleeping, and the clock it moves on (nothing else does: a
    request's own time does not count, however slow the machine)."""

    now = 0.0

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def waits() -> Waits:
    return Waits()


def fixture(name: str, base: str = "") -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{{base}}", base.encode())


def client(waits: Waits, **config: object) -> HttpClient:
    settings: dict[str, object] = {"retries": 5, "backoff": 1.0, **config}
    return HttpClient("test", HttpConfig(**settings), sleep=waits)  # type: ignore[arg-type]


def json_reply(data: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data).encode(),
                 {"Content-Type": "application/json", **(headers or {})})


# 1, 2: paging

def crossref_next(page: Response) -> tuple[str, Mapping[str, str | int]] | None:
    message = page.data["message"]
    if not message["items"]:
        return None
    return page.url.split("?")[0], {"rows": 2, "cursor": message["next-cursor"]}


def test_paged_follows_crossref_cursor_until_items_are_empty(server: ReplayServer,
                                                             waits: Waits) -> None:
    url = server.add("/works", *(Reply(body=fixture(f"crossref-works-page-{n}.json"))
                                 for n in (1, 2, 3)))
    with client(waits) as http:
        pages = list(http.paged(url, {"rows": 2, "cursor": "*"}, crossref_next))
    assert len(pages) == 3
    assert [seen.query["cursor"] for seen in server.paths("/works")] == [
        ["*"], ["DnF1ZXJ5+page/2=="], ["DnF1ZXJ5+page/3=="]]
    dois = [item["DOI"] for page in pages for item in page.data["message"]["items"]]
    assert dois == [f"10.1371/journal.pone.000000{n}" for n in (1, 2, 3)]
    assert pages[1].url == f"{url}?rows=2&cursor=DnF1ZXJ5%2Bpage%2F2%3D%3D"
    assert waits == []


def test_paged_follows_datacite_links_next(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/dois", Reply(body=fixture("datacite-dois-page-1.json", server.base)),
                     Reply(body=fixture("datacite-dois-page-2.json", server.base)))

    def links_next(page: Response) -> tuple[str, None] | None:
        nxt = page.data["links"].get("next")
        return (nxt, None) if nxt else None

    with client(waits) as http:
        pages = list(http.paged(url, {"page[size]": 2, "page[number]": 1}, links_next))
    ids = [record["id"] for page in pages for record in page.data["data"]]
    assert ids == ["10.5281/zenodo.1000001", "10.5281/zenodo.1000002", "10.5281/zenodo.1000003"]
    assert [seen.query for seen in server.paths("/dois")] == [
        {"page[size]": ["2"], "page[number]": ["1"]}, {"page[number]": ["2"], "page[size]": ["2"]}]
    assert pages[1].url == f"{server.base}/dois?page%5Bnumber%5D=2&page%5Bsize%5D=2"


def test_paged_stops_at_max_pages(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", *(Reply(body=fixture(f"crossref-works-page-{n}.json"))
                                 for n in (1, 2, 3)))
    with client(waits) as http:
        pages = list(http.paged(url, {"cursor": "*"}, crossref_next, max_pages=2))
    assert len(pages) == 2
    assert len(server.paths("/works")) == 2


# 3, 4: 429 and Retry-After

def test_retry_after_seconds_after_429_is_the_wait(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", json_reply({"error": "slow down"}, 429, {"Retry-After": "2"}),
                     json_reply({"ok": True}))
    with client(waits) as http:
        answer = http.get_json(url)
        assert http.interval == 0.1  # a 429 also slows every later request down
    assert answer.data == {"ok": True}
    assert waits == [2.0]
    assert len(server.paths("/works")) == 2


@pytest.mark.parametrize(("ahead", "low", "high"), [(30, 28.0, 30.0), (3600, 120.0, 120.0)])
def test_retry_after_http_date_is_honoured_and_capped(server: ReplayServer, waits: Waits,
                                                      ahead: int, low: float, high: float) -> None:
    when = email.utils.formatdate(time.time() + ahead, usegmt=True)
    url = server.add("/works", json_reply({}, 429, {"Retry-After": when}), json_reply([1]))
    with client(waits) as http:
        assert http.get_json(url).data == [1]
    assert len(waits) == 1
    assert low <= waits[0] <= high


# 5: server errors

def test_503_twice_then_200_succeeds(server: ReplayServer, waits: Waits,
                                     caplog: pytest.LogCaptureFixture) -> None:
    url = server.add("/works", Reply(503, b"busy"), Reply(503, b"busy"), json_reply({"n": 3}))
    with caplog.at_level(logging.DEBUG, logger="kg.http"), client(waits) as http:
        assert http.get_json(url).data == {"n": 3}
    assert len(server.paths("/works")) == 3
    assert len(waits) == 2
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0  # backoff * 2**n, jittered
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "HTTP 503 Service Unavailable; retry 1 of 5 in" in warnings[0]
    assert sum(r.levelno == logging.DEBUG for r in caplog.records) == 3


def test_503_forever_raises_fetch_error_with_attempt_count(server: ReplayServer,
                                                           waits: Waits) -> None:
    url = server.add("/works", Reply(503, b"busy"))
    with client(waits, max_wait=10.0) as http, pytest.raises(FetchError) as caught:
        http.get_json(url, {"rows": 5})
    assert str(caught.value) == (f"fetching {url}?rows=5 failed: HTTP 503: Service Unavailable "
                                 "(gave up after 6 attempts)")
    assert caught.value.status == 503
    assert len(server.paths("/works")) == 6
    assert len(waits) == 5
    for n, wait in enumerate(waits):  # backoff * 2**n with jitter in [0.5, 1], capped by max_wait
        assert min(0.5 * 2**n, 10.0) <= wait <= min(2.0**n, 10.0)


# 6, 7: timeouts and broken bodies

def test_timeout_is_retried_then_reported(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/slow", Reply(body=b"{}", delay=5.0))
    with client(waits, timeout=0.2, retries=1) as http:
        with pytest.raises(FetchError, match=r"timed out after 0\.2s \(gave up after 2 attempts\)"):
            http.get_json(url)
    assert len(server.paths("/slow")) == 2
    assert len(waits) == 1


def test_truncated_body_is_retried(server: ReplayServer, waits: Waits,
                                  caplog: pytest.LogCaptureFixture) -> None:
    whole = fixture("crossref-works-page-2.json")
    url = server.add("/works", Reply(body=whole, truncate=True), Reply(body=whole))
    with caplog.at_level(logging.WARNING, logger="kg.http"), client(waits) as http:
        answer = http.get_json(url)
    assert answer.data == json.loads(whole)
    assert len(server.paths("/works")) == 2
    assert [r.getMessage().split(": ", 1)[1].split(";")[0] for r in caplog.records] == [
        "response body ended early (truncated)"]


def test_invalid_json_is_retried_then_reported(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", Reply(body=b'{"message": {"items": ['))
    with client(waits, retries=2) as http:
        with pytest.raises(FetchError, match=r"HTTP 200: response body is not valid JSON "
                                             r"\(truncated\?\) \(gave up after 3 attempts\)"):
            http.get_json(url)
    assert len(server.paths("/works")) == 3


def test_invalid_json_then_whole_json_succeeds(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", Reply(body=b"<html>oops"), json_reply({"whole": 1}))
    with client(waits) as http:
        assert http.get_json(url).data == {"whole": 1}
    assert len(waits) == 1


# 8: client errors

def test_404_raises_at_once_with_body_excerpt(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works/10.1/none", Reply(404, b"Resource not found."))
    with client(waits) as http, pytest.raises(FetchError) as caught:
        http.get_json(url)
    assert str(caught.value) == f"fetching {url} failed: HTTP 404: Not Found: Resource not found."
    assert caught.value.status == 404
    assert len(server.seen) == 1
    assert waits == []


def test_400_body_excerpt_is_shortened(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", Reply(400, b'{"message": "bad filter ' + b"x" * 500 + b'"}'))
    with client(waits) as http, pytest.raises(FetchError, match=r"HTTP 400: Bad Request: "
                                                                r'\{"message": "bad filter x+\.\.\.$'):
        http.get_json(url)
    assert len(server.seen) == 1


# 9: politeness

def test_user_agent_and_mailto_parameter_are_sent(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", json_reply({}))
    config = HttpConfig(mailto="kg@example.org")
    with HttpClient("crossref", config, mailto_param=True, sleep=waits) as http:
        answer = http.get_json(url, {"rows": 1})
    with HttpClient("datacite", config, sleep=waits) as http:
        http.get_json(url)
    crossref, datacite = server.seen
    assert crossref.headers["User-Agent"] == (
        f"kg/{kg.__version__} (https://w3id.org/evidence-kg; mailto:kg@example.org)")
    assert crossref.headers["Accept"] == "application/json"
    assert crossref.query == {"rows": ["1"], "mailto": ["kg@example.org"]}
    assert answer.url == f"{url}?rows=1"  # the address stays out of provenance
    assert datacite.query == {}


def test_user_agent_without_mailto_and_accept_override(server: ReplayServer,
                                                       waits: Waits) -> None:
    url = server.add("/dois", json_reply({}))
    headers = {"Accept": "application/vnd.api+json"}
    with HttpClient("datacite", HttpConfig(), headers=headers, sleep=waits) as http:
        http.get_json(url)
    assert server.seen[0].headers["User-Agent"] == (
        f"kg/{kg.__version__} (https://w3id.org/evidence-kg)")
    assert server.seen[0].headers["Accept"] == "application/vnd.api+json"


def test_min_interval_spaces_request_starts(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/works", json_reply({}))
    with HttpClient("test", HttpConfig(), min_interval=5.0, sleep=waits, clock=waits.clock) as http:
        for _ in range(3):
            http.get_json(url)
    assert len(server.seen) == 3
    assert waits == [5.0, 5.0]


def test_rate_limit_headers_tighten_the_interval(server: ReplayServer, waits: Waits) -> None:
    limits = {"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s"}
    url = server.add("/works", json_reply({}, headers=limits))
    with HttpClient("crossref", HttpConfig(), sleep=waits, clock=waits.clock) as http:
        assert http.interval == 0.0
        http.get_json(url)
        assert http.interval == pytest.approx(0.02)
        http.get_json(url)
    with HttpClient("crossref", HttpConfig(), min_interval=0.5, sleep=waits, clock=waits.clock) as http:
        http.get_json(url)
        assert http.interval == 0.5  # headers never loosen the configured interval
    assert waits == [pytest.approx(0.02)]


# 10: the raw cache

def test_retrieved_at_is_the_servers_date_and_a_replay_from_the_cache_keeps_it(
        server: ReplayServer, waits: Waits, tmp_path: Path) -> None:
    url = server.add("/works", json_reply({"ok": True}, headers={"Date": "Tue, 03 Dec 2024 10:00:00 GMT"}))
    with client(waits, cache_dir=tmp_path) as http:
        first = http.get_json(url)
        replayed = http.get_json(url)
    assert first.retrieved_at == datetime(2024, 12, 3, 10, 0, tzinfo=UTC)
    assert replayed.from_cache and replayed.retrieved_at == first.retrieved_at
    assert first.cache_path is not None
    assert json.loads(first.cache_path.with_suffix(".meta").read_text())["retrieved_at"] == "2024-12-03T10:00:00+00:00"


@pytest.mark.parametrize("date", ["not a date", ""])
def test_retrieved_at_is_the_local_clock_when_the_date_header_is_unreadable(
        server: ReplayServer, waits: Waits, date: str) -> None:
    url = server.add("/works", json_reply({"ok": True}, headers={"Date": date}))
    before = datetime.now(UTC)
    with client(waits) as http:
        answered = http.get_json(url).retrieved_at
    assert before <= answered <= datetime.now(UTC)


def test_cache_serves_identical_requests_without_the_network(server: ReplayServer, waits: Waits,
                                                             tmp_path: Path) -> None:
    body = fixture("crossref-works-page-1.json")
    url = server.add("/works", Reply(body=body, headers={"Content-Type": "application/json",
                                                         "ETag": '"v1"'}))
    with client(waits, cache_dir=tmp_path) as http:
        first = http.get_json(url, {"rows": 2, "cursor": "*"})
        second = http.get_json(url, {"cursor": "*", "rows": 2})  # same params, other order
    assert len(server.seen) == 1
    assert not first.from_cache and second.from_cache
    assert second.data == first.data == json.loads(body)
    assert second.retrieved_at == first.retrieved_at
    assert first.cache_path is not None and first.cache_path == second.cache_path
    assert first.cache_path.read_bytes() == body
    assert first.cache_path.parent.parent == tmp_path / "test"
    assert first.cache_path.parent.name == first.cache_path.name[:2]
    meta = json.loads(first.cache_path.with_suffix(".meta").read_text())
    assert meta["url"] == first.url and meta["method"] == "GET" and meta["status"] == 200
    assert meta["retrieved_at"] == first.retrieved_at.isoformat()
    assert meta["headers"]["etag"] == '"v1"'
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["test", first.cache_path.parent.name, first.cache_path.name,
         first.cache_path.with_suffix(".meta").name])  # no temporary files left behind


def test_refresh_fetches_again_and_rewrites_the_cache(server: ReplayServer, waits: Waits,
                                                      tmp_path: Path) -> None:
    url = server.add("/works", json_reply({"v": 1}), json_reply({"v": 2}))
    with client(waits, cache_dir=tmp_path) as http:
        http.get_json(url)
    with client(waits, cache_dir=tmp_path, refresh=True) as http:
        fresh = http.get_json(url)
    with client(waits, cache_dir=tmp_path) as http:
        cached = http.get_json(url)
    assert len(server.seen) == 2
    assert not fresh.from_cache and fresh.data == {"v": 2}
    assert cached.from_cache and cached.data == {"v": 2}


def test_failed_requests_are_not_cached(server: ReplayServer, waits: Waits,
                                        tmp_path: Path) -> None:
    url = server.add("/works", Reply(404, b"Resource not found."))
    with client(waits, cache_dir=tmp_path) as http, pytest.raises(FetchError, match="HTTP 404"):
        http.get_json(url)
    assert list(tmp_path.rglob("*.json")) == []


# 11: POST

def test_post_json_sends_pdbe_id_list_as_text(server: ReplayServer, waits: Waits,
                                              tmp_path: Path) -> None:
    url = server.add("/api/pdb/entry/summary/", Reply(body=fixture("pdbe-entry-summary.json")))
    with client(waits, cache_dir=tmp_path) as http:
        answer = http.post_json(url, "1cbs,6gv0")
        again = http.post_json(url, "1cbs,6gv0")
        http.post_json(url, "1cbs")
    assert sorted(answer.data) == ["1cbs", "6gv0"]
    assert again.from_cache
    first = server.seen[0]
    assert (first.method, first.body, first.headers["Content-Type"]) == (
        "POST", b"1cbs,6gv0", "text/plain")
    assert [seen.body for seen in server.seen] == [b"1cbs,6gv0", b"1cbs"]


def test_post_json_sends_a_mapping_as_json(server: ReplayServer, waits: Waits) -> None:
    url = server.add("/search", json_reply({"hits": 0}))
    with client(waits) as http:
        http.post_json(url, {"ids": ["1cbs"]})
        http.post_json(url, b"<q/>", content_type="application/xml")
    assert server.seen[0].headers["Content-Type"] == "application/json"
    assert json.loads(server.seen[0].body) == {"ids": ["1cbs"]}
    assert (server.seen[1].headers["Content-Type"], server.seen[1].body) == (
        "application/xml", b"<q/>")


# configuration

def test_config_from_env_reads_variables_and_overrides_win(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("KG_MAILTO", "kg@example.org")
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KG_HTTP_TIMEOUT", "7.5")
    assert HttpConfig.from_env() == HttpConfig(mailto="kg@example.org", timeout=7.5,
                                               cache_dir=tmp_path)
    assert HttpConfig.from_env(timeout=1.0, refresh=True).timeout == 1.0
    monkeypatch.setenv("KG_HTTP_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="KG_HTTP_TIMEOUT must be a number of seconds, not 'soon'"):
        HttpConfig.from_env()


def test_unusable_url_raises_fetch_error(waits: Waits) -> None:
    with client(waits) as http, pytest.raises(FetchError, match="not a usable URL"):
        http.get_json("api.crossref.org/works")


# --- pages (get_page) -------------------------------------------------------------------------


def test_a_page_is_read_as_text_in_its_declared_encoding() -> None:
    with ReplayServer() as server:
        url = server.add("/p", Reply(body="caf\u00e9".encode("latin-1"),
                                     headers={"Content-Type": "text/plain; charset=iso-8859-1"}))
        assert get_page(url, HttpConfig(), max_chars=100) == "caf\u00e9"


def test_a_page_that_is_not_text_is_refused() -> None:
    with ReplayServer() as server:
        url = server.add("/p.pdf", Reply(body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}))
        with pytest.raises(FetchError, match="the page is application/pdf, not text or HTML"):
            get_page(url, HttpConfig(), max_chars=100)


def test_a_page_longer_than_allowed_is_refused() -> None:
    with ReplayServer() as server:
        url = server.add("/long", Reply(body=b"x" * 500, headers={"Content-Type": "text/plain"}))
        with pytest.raises(FetchError, match="the page is over 100 characters"):
            get_page(url, HttpConfig(), max_chars=100)


def test_a_page_redirecting_in_a_loop_is_given_up() -> None:
    with ReplayServer() as server:
        url = server.add("/loop", Reply(status=302, headers={"Location": "/loop"}))
        with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
            get_page(url, HttpConfig(), max_chars=100)
