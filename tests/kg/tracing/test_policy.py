"""kg.tracing.trace_text, the one entry of the shells: what a local user and a service may do (fetch,
store with permission, how many claims, which URLs), on the sample graph in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.errors import BadRequestError, FetchError
from kg.store import Store
from kg.tracing import (
    MAX_STORED_CLAIMS,
    MAX_URL_LENGTH,
    NOT_STORED,
    TOO_MANY,
    TracePolicy,
    TraceResult,
    claims_about,
    trace_text,
)
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[3]
A0 = "https://doi.org/10.1038/s41598-021-81251-2"
TEXT = "The structure was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2)."
#: more claims resting on a work than a service stores
MANY = " ".join(f"Finding {n} was reported in doi:10.1038/s41598-021-81251-2." for n in range(MAX_STORED_CLAIMS + 2))
SERVICE = TracePolicy.for_service(online=False, store_every=False, authorized=True)


@pytest.fixture(scope="module")
def samples() -> Iterator[Store]:
    """The sample graph, read only by the tests that store nothing."""
    s = Store.open(None)
    assert load(s, read_paths([ROOT / "samples"])).rejected == 0
    yield s
    s.close()


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open(None)
    assert load(s, read_paths([ROOT / "samples"])).rejected == 0
    yield s
    s.close()


def stored_claims(store: Store) -> int:
    return len(claims_about(store, [A0])[A0])


class Writes:
    """A caller's write access that counts how often it was held."""

    def __init__(self) -> None:
        self.held = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.held += 1
        yield


def test_a_local_user_traces_and_stores_the_claims_resting_on_a_work(store: Store) -> None:
    found = trace_text(store, TEXT)
    assert isinstance(found, TraceResult)
    assert [(c.stored, [w.iri for w in c.works]) for c in found.claims] == [(True, [A0])]
    assert found.notes == ()
    assert stored_claims(store) == 1
    assert json.loads(json.dumps(found.as_dict()))["claims"][0]["works"][0]["iri"] == A0


def test_a_local_user_may_choose_not_to_store_and_is_not_told_why(samples: Store) -> None:
    found = trace_text(samples, TEXT, policy=TracePolicy(store_claims=False))
    assert [c.stored for c in found.claims] == [False]
    assert found.notes == ()
    assert stored_claims(samples) == 0


def test_a_service_without_permission_answers_but_stores_nothing_and_says_why(samples: Store) -> None:
    policy = TracePolicy.for_service(online=False, store_every=False, authorized=False)
    found = trace_text(samples, TEXT, policy=policy)
    assert [(c.stored, [w.iri for w in c.works]) for c in found.claims] == [(False, [A0])]
    assert found.notes == (NOT_STORED,)
    assert stored_claims(samples) == 0


@pytest.mark.parametrize(("store_every", "authorized"), [(True, False), (False, True)])
def test_a_service_stores_with_the_token_or_when_it_stores_every_trace(
        store: Store, store_every: bool, authorized: bool) -> None:
    policy = TracePolicy.for_service(online=False, store_every=store_every, authorized=authorized)
    found = trace_text(store, TEXT, policy=policy)
    assert [c.stored for c in found.claims] == [True]
    assert stored_claims(store) == 1


def test_a_service_stores_at_most_the_first_claims_and_says_so(store: Store) -> None:
    text = MANY
    found = trace_text(store, text, policy=SERVICE)
    assert len(found.claims) == MAX_STORED_CLAIMS + 2
    assert [c.stored for c in found.claims] == [True] * MAX_STORED_CLAIMS + [False, False]
    assert found.notes == (TOO_MANY,)
    assert stored_claims(store) == MAX_STORED_CLAIMS


def test_a_local_user_stores_every_claim(store: Store) -> None:
    text = MANY
    found = trace_text(store, text)
    assert all(c.stored for c in found.claims) and len(found.claims) == MAX_STORED_CLAIMS + 2
    assert stored_claims(store) == MAX_STORED_CLAIMS + 2


def test_offline_only_the_claims_write_holds_the_write_access(store: Store) -> None:
    writes = Writes()
    trace_text(store, TEXT, policy=SERVICE, writes=writes)
    assert writes.held == 1


def test_online_the_trace_holds_the_write_access_too(store: Store) -> None:
    writes = Writes()
    policy = TracePolicy.for_service(online=True, store_every=True, authorized=False)
    trace_text(store, TEXT, policy=policy, writes=writes)
    assert writes.held == 2


def test_nothing_to_store_takes_no_write_access(samples: Store) -> None:
    writes = Writes()
    found = trace_text(samples, "It rained on Tuesday, and the tram was late.", policy=SERVICE, writes=writes)
    assert writes.held == 0 and all(not c.stored for c in found.claims)


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://news.example/story", "parameter 'url' must be an http(s) URL: where the text appeared"),
    ("https://news.example/" + "x" * MAX_URL_LENGTH, f"at most {MAX_URL_LENGTH:,} are accepted"),
])
def test_a_service_refuses_a_url_that_is_not_a_short_http_url(samples: Store, url: str, message: str) -> None:
    with pytest.raises(BadRequestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        trace_text(samples, TEXT, url=url, policy=SERVICE)


def test_a_local_user_may_say_where_the_text_appeared_in_words(samples: Store) -> None:
    found = trace_text(samples, TEXT, url="the evening paper", policy=TracePolicy(store_claims=False))
    assert found.url == "the evening paper" and found.source_kind == "news"


def test_offline_a_service_does_not_fetch_the_page_of_a_url_sent_without_text(samples: Store) -> None:
    with pytest.raises(BadRequestError, match="cannot be fetched: this service does not fetch pages"):
        trace_text(samples, "  ", url="https://news.example/story", policy=SERVICE)


def test_online_a_service_fetches_pages_from_public_hosts_only(samples: Store) -> None:
    policy = TracePolicy.for_service(online=True, store_every=False, authorized=False)
    with pytest.raises(FetchError, match="not on the public internet"):
        trace_text(samples, "", url="http://127.0.0.1:9/story", policy=policy)


def test_an_unknown_source_kind_is_a_bad_request(samples: Store) -> None:
    with pytest.raises(BadRequestError, match="parameter 'source_kind' must be one of news, academic, social, other"):
        trace_text(samples, TEXT, source_kind="blog")
