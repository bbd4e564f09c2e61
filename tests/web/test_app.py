"""The service as a whole: it starts under uvicorn on each backend, answers /healthz, speaks CORS to
the configured origins only, and answers errors in one JSON shape."""

from __future__ import annotations

import requests

from tests.web.conftest import Live


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
