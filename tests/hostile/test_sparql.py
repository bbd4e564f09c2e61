"""SPARQL queries built to exhaust the service (issue 13): a sort over a cross join that took a worker
to 6 GB, a row of nested CONCAT doublings holding 268 MB, and one client's runaway queries holding every
worker. Each is bounded: the worker's memory limit stops the first (and the worker is replaced), the
byte cap cuts the second and says so, the per-client limit refuses the third client's extra query;
/healthz answers meanwhile and nothing stored is lost."""

from __future__ import annotations

import itertools
import threading

import requests

from tests.hostile.conftest import MAX_ANSWER_BYTES, QUERY_MEMORY_MB, client, healthy, stored
from tests.web.conftest import Live

#: the issue's query: every pair of quads, sorted (on 3,400 quads: 11.6 million rows to sort)
SORTED_CROSS_JOIN = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f"
#: runs for ever: a count over all quads four times
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
_ASKED = itertools.count()
SIMPLE = "SELECT ?name WHERE { <https://doi.org/10.2210/pdb6gv0/pdb> <http://schema.org/name> ?name }"


def doublings(levels: int) -> str:
    """One row holding a string of 2^levels characters, each BIND doubling the one before."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(levels))
    return f'SELECT ?x{levels} WHERE {{ BIND("x" AS ?x0) {binds} }}'


def query(live: Live, sparql: str, session: requests.Session | None = None, **headers: str) -> requests.Response:
    return (session or requests.Session()).post(live("/sparql"), data={"query": sparql}, headers=headers, timeout=120)


def while_healthy(live: Live, attacks: list[threading.Thread]) -> bool:
    """Run the attacks, asking /healthz meanwhile: whether it answered every time."""
    for attack in attacks:
        attack.start()
    health = [healthy(live)]
    while any(a.is_alive() for a in attacks):
        health.append(healthy(live))
        for attack in attacks:
            attack.join(0.1)
    return all(health)


def simple_query_answers(live: Live, session: requests.Session | None = None) -> bool:
    """Whether a simple query is answered by a worker: each one asked differently (a comment of its own),
    so that it is run, not replayed from the answers kept."""
    answer = query(live, f"{SIMPLE} # {next(_ASKED)}", session)
    return answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 1


def test_a_query_needing_more_memory_than_a_worker_may_use_is_stopped_and_its_worker_replaced(target: Live) -> None:
    before = stored(target)
    answers: list[requests.Response] = []
    assert while_healthy(target, [threading.Thread(target=lambda: answers.append(query(target, SORTED_CROSS_JOIN)))])
    [answer] = answers
    assert answer.status_code == 503
    assert answer.json()["error"] == {
        "status": 503, "type": "QueryMemoryError",
        "message": f"the query needed more than {QUERY_MEMORY_MB} MB and was stopped; narrow it (LIMIT, more specific "
                   "patterns, no ORDER BY over everything) or ask an operator for a larger limit"}
    for _ in range(3):  # more than the workers: the stopped one was replaced
        assert simple_query_answers(target)
    assert stored(target) == before


def test_the_issues_268_mb_row_is_stopped_by_the_memory_limit(target: Live) -> None:
    """28 doublings: 268 MB in the row, twice that in the query's strings: over the 1 GB of a worker."""
    answers: list[requests.Response] = []
    assert while_healthy(target, [threading.Thread(target=lambda: answers.append(query(target, doublings(28))))])
    [answer] = answers
    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "QueryMemoryError"
    assert simple_query_answers(target)


def test_a_row_past_the_byte_cap_is_cut_and_the_answer_says_so(target: Live) -> None:
    """24 doublings: a 16 MB row, within the worker's memory, past the 1 MB answer cap."""
    answer = query(target, doublings(24))
    assert answer.status_code == 200
    assert answer.headers["KG-Truncated"] == "true"
    assert answer.headers["KG-Byte-Limit"] == str(MAX_ANSWER_BYTES)
    document = answer.json()
    assert document["results"]["bindings"] == []
    assert document["kg:truncated"] is True and document["kg:byteLimit"] == MAX_ANSWER_BYTES


def test_rows_are_kept_up_to_the_byte_cap_in_csv(target: Live) -> None:
    """Rows of 100 kB each: the answer holds the rows that fit in 1 MB, and its headers say it is cut."""
    many = ('SELECT ?big WHERE { ?s <urn:kg-test:p> ?o '
            'BIND(CONCAT(STR(?o), ":", REPLACE(STR(SHA512(STR(?o))), ".", "-")) AS ?x) '
            'BIND(SUBSTR(CONCAT(' + ", ".join(["?x"] * 800) + '), 1, 100000) AS ?big) }')
    answer = query(target, many, Accept="text/csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["KG-Truncated"] == "true"
    assert answer.headers["KG-Byte-Limit"] == str(MAX_ANSWER_BYTES)
    rows = answer.text.splitlines()[1:]
    assert len(answer.content) <= MAX_ANSWER_BYTES
    assert 5 <= len(rows) < 10 and all(len(r) == 100_000 for r in rows)


def test_one_clients_runaway_queries_cannot_hold_every_worker(target: Live) -> None:
    """Client A sends two queries that run until the time limit, as many as the workers: the second is
    refused at once; client B's query is answered while A's first still runs."""
    attacker, other = client("127.0.0.2"), client("127.0.0.3")
    answers: list[requests.Response] = []
    runaways = [threading.Thread(target=lambda: answers.append(query(target, ENDLESS, attacker))) for _ in range(2)]
    seen: list[tuple[bool, bool]] = []
    other_client = threading.Thread(target=lambda: seen.append(ask_meanwhile(target, other, runaways)))
    assert while_healthy(target, [*runaways, other_client])
    assert seen == [(True, True)], "B answered, while A's runaway still ran"
    assert sorted(a.status_code for a in answers) == [429, 503]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["Retry-After"] == "5"
    assert refused.json()["error"] == {
        "status": 429, "type": "TooManyQueriesError",
        "message": "this client already has 1 query running, the most one client may run at once; wait for it "
                   "to finish"}
    assert simple_query_answers(target, attacker)


def ask_meanwhile(live: Live, other: requests.Session, runaways: list[threading.Thread]) -> tuple[bool, bool]:
    """Once one of A's runaways is refused (the other then runs), ask as client B: whether B was answered,
    and whether A's runaway was still running then."""
    while all(r.is_alive() for r in runaways):
        runaways[0].join(0.05)
    answered = simple_query_answers(live, other)
    return answered, any(r.is_alive() for r in runaways)
