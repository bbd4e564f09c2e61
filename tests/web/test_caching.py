"""HTTP caching against a real ``kg serve``: an answer asked again comes from the cache (no store query),
an ``ETag`` sent back gets a 304 with no body, a SPARQL Update with the token makes every answer fresh,
and the cache stays within ``--cache-mb`` however many distinct answers are asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from kg.web.caching import IMMUTABLE, static_url
from tests.web.conftest import UPDATE_TOKEN, Live, load_samples, serve, stop, writable_service

WORK = "/works/10.2210/pdb6gv0/pdb"
ANSWERS = [f"{WORK}?format={f}" for f in ("html", "json", "jsonld", "turtle", "ntriples")] + [
    "/api/related?id=PDB%206GV0", "/api/chain?id=PDB%206GV0", "/api/metrics/item?id=PDB%206GV0",
    "/api/works?id=PDB%206GV0", "/funders/10.13039/100000001", "/embed/related?id=PDB%206GV0", "/search?q=insulin"]


def health(live: Live) -> dict[str, object]:
    found: dict[str, object] = requests.get(live("/healthz"), timeout=30).json()
    return found


def cache_figures(live: Live) -> tuple[int, int, int]:
    """Store queries asked, cache hits and cache misses, so far."""
    found = health(live)
    cache = found["cache"]
    assert isinstance(cache, dict)
    return int(str(found["store_queries"])), int(cache["hits"]), int(cache["misses"])


@pytest.mark.parametrize("path", ANSWERS)
def test_an_answer_asked_again_is_served_from_the_cache(live: Live, path: str) -> None:
    first = requests.get(live(path), timeout=60)
    assert first.status_code == 200, first.text
    queries, hits, misses = cache_figures(live)
    again = requests.get(live(path), timeout=60)
    assert again.status_code == 200 and again.content == first.content
    assert cache_figures(live) == (queries, hits + 1, misses)


@pytest.mark.parametrize("path", ANSWERS)
def test_an_etag_sent_back_is_answered_304_with_no_body(live: Live, path: str) -> None:
    first = requests.get(live(path), timeout=60)
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    assert "must-revalidate" in first.headers["cache-control"]
    queries, _, _ = cache_figures(live)
    again = requests.get(live(path), headers={"If-None-Match": tag}, timeout=60)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert cache_figures(live)[0] == queries
    other = requests.get(live(path), headers={"If-None-Match": 'W/"something-else"'}, timeout=60)
    assert other.status_code == 200 and other.content == first.content


def test_each_format_of_a_work_has_its_own_etag(live: Live) -> None:
    tags = {requests.get(live(path), timeout=60).headers["etag"] for path in ANSWERS[:5]}
    assert len(tags) == 5
    by_accept = {requests.get(live(WORK), headers={"Accept": a}, timeout=60).headers["etag"]
                 for a in ("text/html", "application/json")}
    assert len(by_accept) == 2


def test_what_is_not_an_answer_of_the_store_is_not_kept(live: Live) -> None:
    assert "etag" not in requests.get(live("/healthz"), timeout=30).headers
    missing = requests.get(live("/works/10.5555/no-such-work"), headers={"Accept": "application/json"}, timeout=30)
    assert missing.status_code == 404 and "etag" not in missing.headers
    update = requests.post(live("/sparql"), data={"update": "INSERT DATA { <urn:x:s> <urn:x:p> 1 }"}, timeout=30)
    assert update.status_code == 403 and "etag" not in update.headers


def test_static_assets_are_immutable_under_their_fingerprint(live: Live) -> None:
    page = requests.get(live(WORK), headers={"Accept": "text/html"}, timeout=60)
    assert static_url("kg.css") in page.text
    asset = requests.get(live(static_url("kg.css")), timeout=30)
    assert asset.status_code == 200 and asset.headers["cache-control"] == IMMUTABLE
    loader = requests.get(live("/static/related.js"), timeout=30)
    assert loader.headers["cache-control"] == "no-cache"
    assert requests.get(live("/static/related.js"), headers={"If-None-Match": loader.headers["etag"]},
                        timeout=30).status_code == 304


def test_a_sparql_update_with_the_token_makes_the_next_answer_fresh(writable: Live) -> None:
    path = f"{WORK}?format=json"
    before = requests.get(writable(path), timeout=60)
    assert before.status_code == 200
    assert "A title added by an update" not in before.text
    requests.get(writable(path), timeout=60)  # now kept
    page = requests.get(writable(WORK), headers={"Accept": "text/html"}, timeout=60)
    assert requests.get(writable(WORK), headers={"Accept": "text/html", "If-None-Match": page.headers["etag"]},
                        timeout=60).status_code == 304
    update = requests.post(writable("/sparql"), headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=60,
                           data={"update": "INSERT DATA { GRAPH <urn:kg-test:later> { "
                                           "<https://doi.org/10.2210/pdb6gv0/pdb> <http://schema.org/name> "
                                           "'A title added by an update' } }"})
    assert update.status_code in (200, 204), update.text
    revalidated = requests.get(writable(path), headers={"If-None-Match": before.headers["etag"]}, timeout=60)
    assert revalidated.status_code == 200
    assert "A title added by an update" in revalidated.json()["titles"]
    assert revalidated.headers["etag"] != before.headers["etag"]
    _, _, misses = cache_figures(writable)
    again = requests.get(writable(WORK), headers={"Accept": "text/html", "If-None-Match": page.headers["etag"]},
                         timeout=60)
    assert again.status_code == 200 and again.headers["etag"] != page.headers["etag"]
    assert cache_figures(writable)[2] > misses  # rendered afresh, not replayed


def test_a_stored_trace_makes_the_answers_about_its_works_fresh(writable: Live) -> None:
    page = "/works/10.1038/s41598-021-81251-2?format=html"
    kept = requests.get(writable(page), timeout=60)
    assert kept.status_code == 200 and "Insulin glulisine, a fast-acting" not in kept.text
    story = ("Insulin glulisine, a fast-acting insulin analogue, has had its crystal structure solved. The structure "
             "was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2).")
    traced = requests.post(writable("/api/trace"), json={"text": story, "url": "https://news.example/insulin"},
                           timeout=60)
    assert traced.status_code == 200 and any(c["stored"] for c in traced.json()["claims"])
    fresh = requests.get(writable(page), headers={"If-None-Match": kept.headers["etag"]}, timeout=60)
    assert fresh.status_code == 200
    assert "Insulin glulisine, a fast-acting" in fresh.text  # the page lists the claim now


def test_the_cache_stays_within_its_bound_however_many_answers(tmp_path: Path) -> None:
    with writable_service("embedded", tmp_path, "--cache-mb", "1") as service:
        for n in range(300):  # each a distinct answer (an unknown parameter is ignored by the route) of ~8 kB
            answer = requests.get(service(f"{WORK}?format=json&n={n}"), timeout=60)
            assert answer.status_code == 200
        cache = health(service)["cache"]
        assert isinstance(cache, dict)
        assert cache["max_bytes"] == 1 << 20
        assert 0 < cache["bytes"] <= 1 << 20
        assert cache["entries"] < 300


def test_without_a_cache_every_answer_asks_the_store(tmp_path: Path) -> None:
    location = str(tmp_path / "db")
    load_samples(location)
    process, url, _ = serve(location, tmp_path, "--cache-mb", "0")
    try:
        live = Live(url, "embedded", tmp_path / "kg-serve.log")
        requests.get(live(WORK), timeout=60)
        queries = int(str(health(live)["store_queries"]))
        again = requests.get(live(WORK), timeout=60)
        assert again.status_code == 200 and "etag" in again.headers  # revalidation still works
        assert int(str(health(live)["store_queries"])) > queries
        assert "cache" not in health(live)
    finally:
        stop(process)
