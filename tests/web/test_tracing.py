"""Tracing over HTTP: POST /api/trace and the /trace page, against a live server on the sample graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.web.conftest import UPDATE_TOKEN, Live, Tab, writable_service

#: the 6GV0 story as a news report would tell it (no identifier but the journal's DOI)
STORY = ("Insulin glulisine, a fast-acting insulin analogue, has had its crystal structure solved. "
         "The structure was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2) and "
         "deposited in the Protein Data Bank.")
RAW = "https://doi.org/10.5281/zenodo.4456817"


def _count_claim_graphs(live: Live) -> int:
    query = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://schema.org/Claim> }"
    answer = requests.get(live("/sparql"), params={"query": query}, timeout=30,
                          headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_the_api_traces_the_6gv0_story_to_the_raw_data(writable: Live) -> None:
    answer = requests.post(writable("/api/trace"), json={"text": STORY, "url": "https://news.example/insulin"},
                           timeout=60)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["source_kind"] == "news"
    works = [w for c in found["claims"] for w in c["works"]]
    article = next(w for w in works if w["iri"] == "https://doi.org/10.1038/s41598-021-81251-2")
    hops = article["chain"]["hops"]
    assert any(h["to"] == RAW and h["assertions"][0]["source"] == "pdbe" for h in hops)
    assert all(h["assertions"] for h in hops)
    # the claim is stored and queries see it (the /sparql workers were restarted after the write)
    assert _count_claim_graphs(writable) == 1


def test_a_trace_without_the_token_is_answered_but_not_stored(live: Live) -> None:
    """Anyone may trace; only the operator's token (or --store-traces) puts claims on the works' pages."""
    answer = requests.post(live("/api/trace"), json={"text": STORY, "url": "https://spam.example/"}, timeout=60)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [c["stored"] for c in found["claims"]] == [False]
    assert any("not stored" in note for note in found["notes"])
    assert found["claims"][0]["works"][0]["iri"] == "https://doi.org/10.1038/s41598-021-81251-2"
    assert _count_claim_graphs(live) == 0


def test_with_a_token_but_not_store_traces_only_token_bearing_traces_are_stored(tmp_path: Path) -> None:
    with writable_service("embedded", tmp_path, "--log-level", "warning") as service:
        anonymous = requests.post(service("/api/trace"), json={"text": STORY}, timeout=60).json()
        assert [c["stored"] for c in anonymous["claims"]] == [False]
        assert _count_claim_graphs(service) == 0
        signed = requests.post(service("/api/trace"), json={"text": STORY}, timeout=60,
                               headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}).json()
        assert [c["stored"] for c in signed["claims"]] == [True]
        assert _count_claim_graphs(service) == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "https://x.example/" + "a" * 3000])
def test_a_url_that_is_no_web_address_or_too_long_is_a_400(writable: Live, url: str) -> None:
    answer = requests.post(writable("/api/trace"), json={"text": STORY, "url": url}, timeout=60)
    assert answer.status_code == 400
    assert "parameter 'url'" in answer.json()["error"]["message"]
    assert _count_claim_graphs(writable) == 0


@pytest.mark.parametrize(("body", "kind", "message"), [
    ({"text": ""}, "application/json", "there is no text in it"),
    ({"text": 42}, "application/json", "parameter 'text' must be a string"),
    ("not json", "application/json", "parameter 'body' is not valid JSON"),
    ({"text": "A study.", "source_kind": "tabloid"}, "application/json", "parameter 'source_kind' must be one of"),
    ({"text": "", "url": "https://news.example/x"}, "application/json", "this service does not fetch pages"),
    ({"text": "\x00\x01\x02\x03" * 1000}, "application/json", "binary"),
])
def test_bad_input_gets_a_clear_400_and_stores_nothing(writable: Live, body: object, kind: str,
                                                       message: str) -> None:
    data = body if isinstance(body, str) else json.dumps(body)
    answer = requests.post(writable("/api/trace"), data=data, headers={"Content-Type": kind}, timeout=60)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["error"]["message"]
    assert _count_claim_graphs(writable) == 0


def test_a_body_over_the_limit_is_refused_before_it_is_read(writable: Live) -> None:
    answer = requests.post(writable("/api/trace"), data=b"x" * 21_000_000, headers={"Content-Type": "text/plain"},
                           timeout=120)
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "PayloadTooLargeError"
    assert requests.get(writable("/healthz"), timeout=10).status_code == 200


@pytest.mark.slow
def test_the_trace_page_resolves_the_6gv0_paragraph_and_draws_its_chain(writable: Live, tab: Tab) -> None:
    page = tab.page
    page.goto(writable("/trace"))
    page.get_by_label("A sentence, a paragraph or a whole article (plain text or HTML)").fill(STORY)
    page.get_by_label("Kind of source").select_option("news")
    page.get_by_role("button", name="Trace").click()
    page.wait_for_selector("section.trace-result")
    work = page.locator("li.work[data-iri='https://doi.org/10.1038/s41598-021-81251-2']")
    assert work.count() == 1
    drawn = work.locator("svg.chain a.node")
    assert sorted(drawn.evaluate_all("nodes => nodes.map(n => n.dataset.iri)")) == [
        "https://doi.org/10.1038/s41598-021-81251-2", "https://doi.org/10.2210/pdb6gv0/pdb", RAW]
    assert work.locator("svg.chain g.hop").count() == 2
    tab.screenshot("trace")
    assert tab.errors == []
