"""/sparql under load and attack, on each backend: a query built to run for minutes is stopped at the
time limit while everything else keeps answering; a long answer is capped and says so; updates need
the token, and with it are seen by the next query."""

from __future__ import annotations

import http.server
import threading

import pytest
import requests

from tests.web.conftest import MAX_ROWS, QUERY_TIMEOUT, UPDATE_TOKEN, Live

#: a cross join counting over all quads four times: about 10^10 combinations on the sample graph
ENDLESS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
           "GRAPH ?g3 { ?h ?i ?j } GRAPH ?g4 { ?k ?l ?m } }")
SIMPLE = "SELECT DISTINCT ?name WHERE { <https://doi.org/10.2210/pdb6gv0/pdb> <http://schema.org/name> ?name }"
MARKER = "ASK { GRAPH <urn:kg-test:added> { <urn:kg-test:s> <urn:kg-test:p> 'added' } }"
INSERT = "INSERT DATA { GRAPH <urn:kg-test:added> { <urn:kg-test:s> <urn:kg-test:p> 'added' } }"


def ask(live: Live, query: str) -> bool:
    answer = requests.post(live("/sparql"), data={"query": query}, timeout=30)
    assert answer.status_code == 200, answer.text
    found: bool = answer.json()["boolean"]
    return found


def simple_query_answers(live: Live) -> bool:
    answer = requests.post(live("/sparql"), data={"query": SIMPLE}, timeout=30)
    return answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 1


# -- time limit --------------------------------------------------------------------------------


def test_a_query_built_to_run_for_minutes_is_stopped_while_the_service_keeps_serving(live: Live) -> None:
    answers: list[requests.Response] = []
    endless = threading.Thread(target=lambda: answers.append(
        requests.post(live("/sparql"), data={"query": ENDLESS}, timeout=120)))
    endless.start()
    served_meanwhile = []
    while endless.is_alive():
        health = requests.get(live("/healthz"), timeout=30)
        served_meanwhile.append(health.status_code == 200 and simple_query_answers(live))
        endless.join(0.2)
    assert served_meanwhile and all(served_meanwhile)

    [stopped] = answers
    assert stopped.status_code == 503
    assert stopped.json()["error"] == {
        "status": 503, "type": "QueryTimeoutError",
        "message": f"the query ran past the {QUERY_TIMEOUT:g} s time limit and was stopped; narrow it "
                   "(LIMIT, more specific patterns) or ask an operator for a longer limit"}
    assert requests.get(live("/healthz"), timeout=30).status_code == 200
    assert simple_query_answers(live)


def test_the_service_answers_queries_after_several_timeouts(live: Live) -> None:
    for _ in range(3):  # more than the workers: each stopped worker must have been replaced
        answer = requests.get(live("/sparql"), params={"query": ENDLESS}, timeout=120)
        assert answer.status_code == 503
    assert simple_query_answers(live)


# -- result cap --------------------------------------------------------------------------------


ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_a_select_past_the_cap_is_truncated_and_says_so_in_headers_and_json(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": ALL_QUADS}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["KG-Truncated"] == "true"
    assert answer.headers["KG-Result-Limit"] == str(MAX_ROWS)
    document = answer.json()
    assert len(document["results"]["bindings"]) == MAX_ROWS
    assert document["kg:truncated"] is True


@pytest.mark.parametrize("accept, lines", [("text/csv", MAX_ROWS + 1), ("text/tab-separated-values", MAX_ROWS + 1)])
def test_a_capped_csv_or_tsv_answer_is_flagged_in_its_headers(live: Live, accept: str, lines: int) -> None:
    answer = requests.get(live("/sparql"), params={"query": ALL_QUADS}, headers={"Accept": accept}, timeout=30)
    assert answer.headers["KG-Truncated"] == "true"
    assert len(answer.text.splitlines()) == lines


def test_a_construct_past_the_cap_is_truncated_and_says_so(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/n-triples"}, timeout=30)
    assert answer.headers["KG-Truncated"] == "true"
    assert answer.headers["KG-Result-Limit"] == str(MAX_ROWS)
    assert len(answer.text.splitlines()) == MAX_ROWS


def test_an_answer_within_the_cap_is_not_flagged(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": f"{ALL_QUADS} LIMIT {MAX_ROWS}"}, timeout=30)
    assert "KG-Truncated" not in answer.headers
    assert "kg:truncated" not in answer.json()
    assert len(answer.json()["results"]["bindings"]) == MAX_ROWS


def test_the_cap_headers_are_exposed_to_browsers(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": ALL_QUADS}, timeout=30,
                          headers={"Origin": "http://portal.example"})
    assert "KG-Truncated" in answer.headers["access-control-expose-headers"]


# -- updates -----------------------------------------------------------------------------------


def test_a_read_only_service_refuses_updates_with_403(live: Live) -> None:
    for request in ({"data": {"update": INSERT}},
                    {"data": INSERT.encode(), "headers": {"Content-Type": "application/sparql-update"}},
                    {"data": {"update": INSERT}, "headers": {"Authorization": f"Bearer {UPDATE_TOKEN}"}}):
        answer = requests.post(live("/sparql"), timeout=30, **request)  # type: ignore[arg-type]
        assert answer.status_code == 403
        assert answer.json()["error"]["message"].startswith("this service is read-only")
    assert not ask(live, MARKER)


def test_an_update_by_get_is_a_400(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"update": INSERT}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "parameter 'update' must be sent by POST (SPARQL 1.1 Protocol)"


@pytest.mark.slow
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": UPDATE_TOKEN},
                                     {"Authorization": f"Basic {UPDATE_TOKEN}"}])
def test_an_update_without_the_token_is_a_401_and_changes_nothing(writable: Live, headers: dict[str, str]) -> None:
    answer = requests.post(writable("/sparql"), data={"update": "DROP ALL"}, headers=headers, timeout=30)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.json()["error"]["type"] == "NotAllowedError"
    assert simple_query_answers(writable)


@pytest.mark.slow
def test_an_update_with_the_token_is_applied_and_seen_by_the_next_query(writable: Live) -> None:
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    assert not ask(writable, MARKER)
    answer = requests.post(writable("/sparql"), data={"update": INSERT}, headers=auth, timeout=60)
    assert answer.status_code == 204, answer.text
    assert ask(writable, MARKER)

    direct = requests.post(writable("/sparql"), data=b"DROP GRAPH <urn:kg-test:added>", timeout=60,
                           headers={**auth, "Content-Type": "application/sparql-update"})
    assert direct.status_code == 204
    assert not ask(writable, MARKER)
    assert simple_query_answers(writable)


@pytest.mark.slow
def test_a_query_sent_as_an_update_and_a_malformed_update_are_400s(writable: Live) -> None:
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    for update in (SIMPLE, "INSERT DATA { <urn:kg-test:s> }"):
        answer = requests.post(writable("/sparql"), data={"update": update}, headers=auth, timeout=60)
        assert answer.status_code == 400
        assert answer.json()["error"]["type"] == "QuerySyntaxError"
        assert "error at 1:" in answer.json()["error"]["message"]
    assert simple_query_answers(writable)
    assert requests.post(writable("/sparql"), data={"query": INSERT}, timeout=30).status_code == 400
    assert not ask(writable, MARKER)


@pytest.mark.parametrize("service", ["SERVICE", "service SILENT", "\\u0053ERVICE", "# a comment ends at CR\rSERVICE"])
def test_a_federated_query_is_refused_and_the_service_calls_no_other_host(live: Live, service: str) -> None:
    """SERVICE would let anyone make the service send requests to any host, internal ones included."""
    calls: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            calls.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    try:
        query = f"SELECT * WHERE {{ {service} <http://127.0.0.1:{target.server_port}/sparql> {{ ?s ?p ?o }} }}"
        answer = requests.get(live("/sparql"), params={"query": query}, timeout=30)
        assert answer.status_code == 400
        assert "uses SERVICE (a federated query)" in answer.json()["error"]["message"]
        assert calls == []
    finally:
        target.shutdown()
        target.server_close()


def test_queries_updates_and_traces_at_once_all_succeed(writable: Live) -> None:
    """Each write stops the query workers and starts new ones, while other clients keep querying: no
    request may fail for it (a read-only open racing the writer's compaction is retried)."""
    codes: list[str] = []
    auth = {"Authorization": f"Bearer {UPDATE_TOKEN}"}

    def query() -> None:
        for _ in range(10):
            answer = requests.get(writable("/sparql"), params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                                  timeout=60)
            codes.append(f"query {answer.status_code}")

    def update(n: int) -> None:
        for i in range(5):
            answer = requests.post(writable("/sparql"), headers=auth, timeout=60, data={
                "update": f"INSERT DATA {{ GRAPH <http://example.org/g{n}> {{ <http://example.org/s{i}> "
                          f"<http://example.org/p> {i} }} }}"})
            codes.append(f"update {answer.status_code}")

    def trace(n: int) -> None:
        for i in range(3):
            answer = requests.post(writable("/api/trace"), headers=auth, timeout=120, json={
                "text": f"The structure (doi:10.1038/s41598-021-81251-2) was described again, run {n}.{i}."})
            codes.append(f"trace {answer.status_code}")

    threads = [threading.Thread(target=f, args=a) for n in range(3)
               for f, a in ((query, ()), (update, (n,)), (trace, (n,)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(codes)) == ["query 200", "trace 200", "update 204"]
    assert len(codes) == 3 * (10 + 5 + 3)
    count = requests.get(writable("/sparql"), timeout=30, headers={"Accept": "text/csv"}, params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }"})
    assert count.text.splitlines()[1] == "15"
