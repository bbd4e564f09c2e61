"""The expansion of a GraphQL document (kg.web.graphql.expansion): measured once per fragment, so a
document of fragments each spreading the next twice is measured in one pass; cycles are named; and
the endpoint's deadline answers a request that runs past it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from graphql import parse
from kg.store import Store
from kg.web.app import create_app
from kg.web.config import Settings
from kg.web.graphql.expansion import Expansion, FragmentCycleError, measure, refusal


def test_fields_and_depth_count_every_spread_fragment_and_inline_fragment() -> None:
    document = parse('query A { work(id: "x") { id ...Names ... on Work { titles { title } } } } '
                     'query B { work(id: "y") { ...Names } } '
                     "fragment Names on Work { creators { name } }")
    assert measure(document) == Expansion(fields=6 + 3, depth=3)


def test_a_fragment_spreading_the_next_twice_is_measured_without_expanding_it() -> None:
    levels = 2_000  # 2^2000 fields: only a linear pass can count them
    spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    document = parse(f"{{ ...F0 }} {spreads} fragment F{levels} on Query {{ __typename }}")
    assert measure(document) == Expansion(fields=2 ** levels, depth=1)


def test_a_spread_of_an_unknown_fragment_counts_nothing() -> None:
    assert measure(parse("{ __typename ...Missing }")) == Expansion(fields=1, depth=1)


def test_a_cycle_of_fragments_is_named() -> None:
    document = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }")
    with pytest.raises(FragmentCycleError, match=r"^the fragments spread each other in a cycle: A -> B -> A$"):
        measure(document)


def test_the_refusal_names_the_limit_and_the_figure() -> None:
    error = refusal(parse("{ a: __typename b: __typename c: __typename }"), max_fields=2)
    assert error is not None and error.message.startswith(
        "the document expands to 3 field selections once its fragments are spread, more than the limit of 2 ")
    assert error.extensions == {"code": "DOCUMENT_TOO_LARGE", "limit": "graphql_max_fields", "maximum": 2, "value": 3}
    assert refusal(parse("{ __typename }"), max_fields=2) is None


def test_a_request_past_the_graphql_time_limit_is_answered_with_503() -> None:
    # a limit no request can meet: validation alone leaves the event loop for a worker thread
    with TestClient(create_app(Store.open(None), Settings(graphql_timeout=1e-9))) as client:
        answer = client.post("/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 503
    [error] = answer.json()["errors"]
    assert error["message"].startswith("the request ran past the 1e-09 s time limit (graphql_timeout)")
