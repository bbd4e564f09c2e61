"""GraphQL documents built to make validation take exponential time (issue 13): named fragments each
spreading the next twice. A 22-level one (under 1 KB) froze every endpoint for 21 s; 30 levels, for
more than ten minutes. They are refused from one linear pass over the document, before any validation
rule walks it, while /healthz keeps answering; nothing stored is lost."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.hostile.conftest import healthy, stored
from tests.web.conftest import Live


def fragment_bomb(levels: int) -> str:
    """Fragment i spreads fragment i+1 twice; the last one asks for a work: 2^levels works, 2^(levels+1) fields."""
    spreads = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return "\n".join(["query Bomb { ...F0 }", *spreads,
                      f'fragment F{levels} on Query {{ work(id: "10.5555/kg-sample.data") {{ id }} }}'])


def post(live: Live, document: str) -> requests.Response:
    return requests.post(live("/graphql"), json={"query": document}, timeout=60)


@pytest.mark.parametrize("levels", [22, 30])
def test_a_fragment_bomb_is_refused_with_400_while_healthz_answers(target: Live, levels: int) -> None:
    before = stored(target)
    answers: list[requests.Response] = []
    attackers = [threading.Thread(target=lambda: answers.extend(post(target, fragment_bomb(levels)) for _ in range(5)))
                 for _ in range(4)]
    for attacker in attackers:
        attacker.start()
    health = [healthy(target)]
    while any(a.is_alive() for a in attackers):
        health.append(healthy(target))
        for attacker in attackers:
            attacker.join(0.05)
    assert all(health)

    assert len(answers) == 20
    expanded = 2 ** (levels + 1)
    for answer in answers:
        assert answer.status_code == 400
        [error] = answer.json()["errors"]
        assert error["message"] == (
            f"the document expands to {expanded:,} field selections once its fragments are spread, more than "
            "the limit of 5,000 (graphql_max_fields): spread each fragment where it is needed, not fragments "
            "spreading fragments many times")
        assert error["extensions"] == {"code": "DOCUMENT_TOO_LARGE", "limit": "graphql_max_fields",
                                       "maximum": 5000, "value": expanded}
        assert answer.json()["data"] is None
    assert stored(target) == before


def test_fragments_spreading_each_other_in_a_cycle_are_refused(target: Live) -> None:
    cycle = ('{ work(id: "10.5555/kg-sample.data") { ...A } } fragment A on Work { id ...B ...B } '
             "fragment B on Work { ...C ...C } fragment C on Work { ...A ...A }")
    answer = post(target, cycle)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["message"] == ("the fragments spread each other in a cycle: A -> B -> C -> A: the document is "
                                "refused before validation")
    assert healthy(target)


def test_a_document_reusing_fragments_within_the_limit_is_answered(target: Live) -> None:
    """Fragments spreading fragments are fine while the expansion stays small: 2^8 copies of one work."""
    answer = post(target, fragment_bomb(8).replace("{ id }", "{ citationCount }"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"work": {"citationCount": 4}}}
