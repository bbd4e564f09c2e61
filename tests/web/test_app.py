"""The service as a whole: it starts under uvicorn on each backend, answers /healthz, speaks CORS to
the configured origins only, and answers errors in one JSON shape."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import requests

from tests.web.conftest import SAMPLES, Live, load_samples, serve, stop


def test_healthz_says_ok_and_names_the_backend(live: Live) -> None:
    answer = requests.get(live("/healthz"), timeout=10)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["store"] == live.backend


def test_an_unknown_path_is_a_json_404(live: Live) -> None:
    answer = requests.get(live("/no/such/page"), timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {"error": {"status": 404, "type": "HTTPError", "message": "Not Found"}}


def test_cors_allows_the_configured_origin_only(live: Live) -> None:
    allowed = requests.get(live("/healthz"), headers={"Origin": "http://portal.example"}, timeout=10)
    assert allowed.headers["access-control-allow-origin"] == "http://portal.example"
    other = requests.get(live("/healthz"), headers={"Origin": "http://elsewhere.example"}, timeout=10)
    assert "access-control-allow-origin" not in other.headers
    preflight = requests.options(live("/healthz"), timeout=10, headers={
        "Origin": "http://portal.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_a_served_embedded_store_cannot_be_written_by_another_process(tmp_path: Path) -> None:
    """kg serve holds the store's lock from the start, so a concurrent `kg load` fails at once and clearly."""
    location = str(tmp_path / "db")
    load_samples(location)
    process, url, _ = serve(location, tmp_path)
    try:
        loading = subprocess.run([sys.executable, "-m", "kg", "--store", location, "load", str(SAMPLES)],
                                 capture_output=True, text=True, timeout=60)
        assert loading.returncode == 2
        assert f"cannot open the store at {location}" in loading.stderr
        assert "LOCK" in loading.stderr
        assert requests.get(url + "/healthz", timeout=10).json()["status"] == "ok"
    finally:
        stop(process)


def test_a_body_over_the_limit_is_refused_with_413_declared_or_chunked(live: Live) -> None:
    too_big = b'{"query": "{ works { totalCount } }", "variables": {"x": "' + b"a" * (2 << 20) + b'"}}'
    declared = requests.post(live("/graphql"), data=too_big, headers={"Content-Type": "application/json"},
                             timeout=30)
    assert declared.status_code == 413
    assert declared.json()["error"]["type"] == "PayloadTooLargeError"

    def chunks() -> Iterator[bytes]:
        yield too_big[: 1 << 19]
        yield too_big[1 << 19:]

    chunked = requests.post(live("/graphql"), data=chunks(), headers={"Content-Type": "application/json"},
                            timeout=30)
    assert chunked.status_code == 413
    assert requests.get(live("/healthz"), timeout=10).status_code == 200


def test_healthz_of_an_unreachable_store_says_so_without_naming_it(tmp_path: Path) -> None:
    hidden = "http://127.0.0.1:9/query"
    process, url, _ = serve(hidden, tmp_path)
    try:
        answer = requests.get(url + "/healthz", timeout=30)
        assert answer.status_code == 503
        assert answer.json() == {"status": "unavailable", "store": "remote", "problem": "the store does not answer"}
    finally:
        stop(process)


def test_the_service_options_set_its_limits(tmp_path: Path) -> None:
    location = str(tmp_path / "db")
    load_samples(location)
    process, url, _ = serve(location, tmp_path, "--graphql-max-cost", "2", "--max-page-size", "3")
    try:
        costly = requests.post(url + "/graphql", json={"query": "{ works(first: 3) { nodes { doi } } }"}, timeout=30)
        assert "more than the limit of 2" in costly.json()["errors"][0]["message"]
        page = requests.get(url + "/api/related", params={"id": "10.5555/kg-sample.data", "limit": 4}, timeout=30)
        assert page.status_code == 400
        assert "between 1 and 3" in page.json()["error"]["message"]
    finally:
        stop(process)
