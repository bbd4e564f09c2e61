"""Each request is one view of the store (kg.web.app.OneView, kg.store.one_view): whatever its parts ask,
the same question (query text and bindings) reaches the store at most once in a request, and the answers
are those of a service asking every time. GraphQL asks the provenance of a page of links only when the
document selects its edges, and a document asked again is parsed and validated once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from kg.queries import load_query
from kg.store import Bindings, EmbeddedStore
from kg.web.app import create_app
from kg.web.config import Settings
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DATA = "10.5555/kg-sample.data"
PAPER = "10.5555/kg-sample.p3"
#: the GraphQL work of benchmarks/http_load.py: no edges asked, so no provenance
WORK = ("query($id: ID!) { work(id: $id) { doi titles { title } citationCount "
        "references(first: 10) { totalCount nodes { doi } } } }")
WITH_EDGES = ("query($id: ID!) { work(id: $id) { citations(first: 10) { totalCount "
              "edges { node { doi } provenance { source } } } } }")
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", f"/works/{PAPER}", {"headers": {"Accept": "text/html"}}),
    ("GET", f"/works/{DATA}", {"headers": {"Accept": "text/html"}}),
    ("GET", f"/works/{DATA}", {"headers": {"Accept": "application/json"}}),
    ("GET", f"/works/{DATA}?format=bibtex", {}),
    ("GET", "/api/related", {"params": {"id": DATA, "limit": 20}}),
    ("GET", "/api/chain", {"params": {"id": PAPER, "depth": 4}}),
    ("GET", "/api/metrics/item", {"params": {"id": DATA}}),
    ("POST", "/graphql", {"json": {"query": WORK, "variables": {"id": PAPER}}}),
    ("POST", "/graphql", {"json": {"query": WITH_EDGES, "variables": {"id": DATA}}}),
]


class AskedStore(EmbeddedStore):
    """A store in memory noting every question asked of it: the query's text and its bindings."""

    def __init__(self) -> None:
        super().__init__(None)
        self.asked: list[tuple[str, str]] = []

    def _query(self, sparql: str, bindings: Bindings, dataset: Any = None) -> Any:
        self.asked.append((sparql, repr(sorted((k, str(v)) for k, v in bindings.items()))))
        return super()._query(sparql, bindings, dataset)


@pytest.fixture(scope="module")
def service() -> Any:
    store = AskedStore()
    assert load(store, read_paths([SAMPLES])).rejected == 0
    with TestClient(create_app(store, Settings(cache_mb=0))) as client:
        yield store, client


@pytest.mark.parametrize(("method", "path", "options"), REQUESTS, ids=[f"{m} {p}" for m, p, _ in REQUESTS])
def test_no_question_reaches_the_store_twice_in_one_request(service: Any, method: str, path: str,
                                                           options: dict[str, Any]) -> None:
    store, client = service
    client.request(method, path, **options)  # the service's own first reads (the as-of date) out of the way
    store.asked.clear()
    answer = client.request(method, path, **options)
    assert answer.status_code == 200, answer.text
    assert "errors" not in answer.text[:20]
    assert store.asked, "the answer was computed (no answer cache)"
    twice = {question[0][:80]: n for question, n in Counter(store.asked).items() if n > 1}
    assert twice == {}
    # the same answer again: nothing kept from one request to the next changes it
    store.asked.clear()
    assert client.request(method, path, **options).content == answer.content
    assert store.asked


def test_graphql_asks_the_provenance_of_links_only_for_their_edges(service: Any) -> None:
    store, client = service
    provenance = load_query("gql_provenance").text
    store.asked.clear()
    nodes = client.post("/graphql", json={"query": WORK, "variables": {"id": PAPER}}).json()
    assert nodes["data"]["work"]["references"]["nodes"]
    assert provenance not in {sparql for sparql, _ in store.asked}
    store.asked.clear()
    edges = client.post("/graphql", json={"query": WITH_EDGES, "variables": {"id": DATA}}).json()
    assert provenance in {sparql for sparql, _ in store.asked}
    found = edges["data"]["work"]["citations"]["edges"]
    assert found and all(e["provenance"] == [{"source": "crossref"}] for e in found)


def test_a_graphql_document_asked_again_gets_the_same_verdict(service: Any) -> None:
    _, client = service
    wrong = "{ work(id: \"10.5555/kg-sample.data\") { doi noSuchField } }"
    first, again = (client.post("/graphql", json={"query": wrong}).json() for _ in range(2))
    assert first == again and "noSuchField" in json.dumps(first["errors"])
    deep = "{ work(id: \"x\") { " + "citations { nodes { " * 12 + "doi" + " } }" * 12 + " } }"
    first, again = (client.post("/graphql", json={"query": deep}) for _ in range(2))
    assert first.status_code == again.status_code and first.json() == again.json() and "errors" in first.json()
    ok = [client.post("/graphql", json={"query": WORK, "variables": {"id": i}}).json() for i in (PAPER, DATA)]
    assert ok[0]["data"]["work"]["doi"] == PAPER and ok[1]["data"]["work"]["doi"] == DATA
