"""The query endpoints' answers kept per store revision, against a real ``kg serve``: a /sparql query (GET,
POSTed form, POSTed ``application/sparql-query``) and a GraphQL query (GET, POST) asked again are replayed
from the cache with the ``ETag`` of the first; a 304 has no body; a SPARQL Update, a GraphQL mutation, an
answer with errors and any request with an ``Authorization`` header are never kept; after an update or a
stored trace, the same questions are answered afresh."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import requests

from tests.web.conftest import UPDATE_TOKEN, Live
from tests.web.test_caching import cache_figures

WORK = "https://doi.org/10.2210/pdb6gv0/pdb"
TITLES = f"SELECT ?title WHERE {{ <{WORK}> <http://schema.org/name> ?title }} ORDER BY ?title"
GRAPHQL = '{ work(id: "10.2210/pdb6gv0/pdb") { doi titles { title } } }'
JSON = {"Accept": "application/sparql-results+json"}

Ask = Callable[[Live, dict[str, str]], requests.Response]


def sparql_get(live: Live, headers: dict[str, str], query: str = TITLES) -> requests.Response:
    return requests.get(live("/sparql"), params={"query": query}, headers={**JSON, **headers}, timeout=60)


def sparql_form(live: Live, headers: dict[str, str], query: str = TITLES) -> requests.Response:
    return requests.post(live("/sparql"), data={"query": query}, headers={**JSON, **headers}, timeout=60)


def sparql_body(live: Live, headers: dict[str, str], query: str = TITLES) -> requests.Response:
    return requests.post(live("/sparql"), data=query.encode(), timeout=60,
                         headers={**JSON, "Content-Type": "application/sparql-query", **headers})


def graphql_post(live: Live, headers: dict[str, str], query: str = GRAPHQL) -> requests.Response:
    return requests.post(live("/graphql"), json={"query": query}, headers=headers, timeout=60)


def graphql_get(live: Live, headers: dict[str, str], query: str = GRAPHQL) -> requests.Response:
    return requests.get(live("/graphql"), params={"query": query}, headers={"Accept": "application/json", **headers},
                        timeout=60)


ASKS: dict[str, Ask] = {"sparql GET": sparql_get, "sparql form": sparql_form, "sparql body": sparql_body,
                        "graphql POST": graphql_post, "graphql GET": graphql_get}


@pytest.mark.parametrize("how", sorted(ASKS))
def test_a_query_asked_again_is_replayed_from_the_cache(live: Live, how: str) -> None:
    ask = ASKS[how]
    first = ask(live, {})
    assert first.status_code == 200, first.text
    assert first.headers["etag"].startswith('W/"')
    _, hits, misses = cache_figures(live)
    again = ask(live, {})
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert cache_figures(live)[1:] == (hits + 1, misses)


@pytest.mark.parametrize("how", sorted(ASKS))
def test_its_etag_sent_back_is_answered_304_with_no_body(live: Live, how: str) -> None:
    tag = ASKS[how](live, {}).headers["etag"]
    again = ASKS[how](live, {"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag


def test_the_same_graphql_request_written_otherwise_is_the_same_answer(live: Live) -> None:
    query = json.dumps(GRAPHQL)
    first = requests.post(live("/graphql"), data=f'{{"query": {query}, "variables": {{}}}}',
                          headers={"Content-Type": "application/json"}, timeout=60)
    other = requests.post(live("/graphql"), data=f'{{"variables": {{}},\n  "query": {query}}}',
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert first.status_code == other.status_code == 200
    assert first.headers["etag"] == other.headers["etag"]


def test_formats_and_queries_have_their_own_answers(live: Live) -> None:
    tags = {sparql_get(live, {"Accept": accept}).headers["etag"] for accept in ("text/csv", "application/json")}
    tags.add(sparql_get(live, {}, TITLES.replace("?title", "?t")).headers["etag"])
    tags.add(sparql_form(live, {}).headers["etag"])
    tags.add(graphql_post(live, {}, GRAPHQL.replace("doi ", "")).headers["etag"])
    tags.add(graphql_post(live, {}).headers["etag"])
    assert len(tags) == 6


def test_a_graphql_answer_with_errors_is_not_kept(live: Live) -> None:
    query = '{ work(id: "10.5555/no-such-work-at-all") { doi } nothing }'
    first = graphql_post(live, {}, query)
    assert first.json().get("errors")
    assert "etag" not in first.headers
    _, hits, _ = cache_figures(live)
    assert "etag" not in graphql_post(live, {}, query).headers
    assert cache_figures(live)[1] == hits


def test_requests_with_a_token_updates_and_mutations_are_never_kept(writable: Live) -> None:
    token = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    for ask in ASKS.values():
        assert "etag" not in ask(writable, token).headers
    _, hits, _ = cache_figures(writable)
    for ask in ASKS.values():
        ask(writable, token)
    assert cache_figures(writable)[1] == hits
    mutation = 'mutation { traceClaim(text: "A study (doi:10.2210/pdb6gv0/pdb).") { stored } }'
    traced = graphql_post(writable, {}, mutation)
    assert traced.status_code == 200 and "etag" not in traced.headers
    update = requests.post(writable("/sparql"), data={"update": "INSERT DATA { <urn:x:s> <urn:x:p> 1 }"}, timeout=60)
    assert update.status_code == 401 and "etag" not in update.headers


@pytest.mark.parametrize("how", sorted(ASKS))
def test_a_sparql_update_makes_the_next_answer_fresh(writable: Live, how: str) -> None:
    ask = ASKS[how]
    before = ask(writable, {})
    assert before.status_code == 200 and "A title added by an update" not in before.text
    assert ask(writable, {}).content == before.content  # kept
    update = requests.post(writable("/sparql"), headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=60,
                           data={"update": f"INSERT DATA {{ GRAPH <urn:kg-test:later> {{ <{WORK}> "
                                           "<http://schema.org/name> 'A title added by an update' } }"})
    assert update.status_code in (200, 204), update.text
    after = ask(writable, {"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "A title added by an update" in after.text
    assert after.headers["etag"] != before.headers["etag"]


def test_a_stored_trace_makes_the_graphql_answer_about_its_work_fresh(writable: Live) -> None:
    query = '{ work(id: "10.1038/s41598-021-81251-2") { claims { text } } }'
    before = graphql_post(writable, {}, query)
    assert before.status_code == 200 and "Insulin glulisine, a fast-acting" not in before.text, before.text
    assert "etag" in before.headers
    story = ("Insulin glulisine, a fast-acting insulin analogue, has had its crystal structure solved. The structure "
             "was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2).")
    traced = requests.post(writable("/api/trace"), json={"text": story, "url": "https://news.example/insulin"},
                           timeout=60)
    assert traced.status_code == 200 and any(c["stored"] for c in traced.json()["claims"])
    after = graphql_post(writable, {"If-None-Match": before.headers["etag"]}, query)
    assert after.status_code == 200
    assert "Insulin glulisine, a fast-acting" in after.text
