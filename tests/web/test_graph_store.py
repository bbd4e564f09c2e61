"""/store speaks the SPARQL 1.1 Graph Store HTTP Protocol: graphs read by anyone in every RDF format,
written only with the update token, through the same write path as SPARQL Update (the query workers see
each write). The W3C's own tests of it are in test_w3c_sparql.py; these are kg's."""

from __future__ import annotations

import pyoxigraph
import pytest
import requests
from pyoxigraph import Literal, NamedNode

from kg.store import QueryJob, Store
from kg.store.limits import InProcessRunner
from kg.web.sparql_description import LISTED_GRAPHS, GraphFigures, service_description
from tests.web.conftest import UPDATE_TOKEN, Live

ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
NAME = "Insulin glulisine (sample record: title is a placeholder)"
SUMMARY_GRAPH = "https://w3id.org/evidence-kg/graph/pdbe/6gv0/summary"
AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
NAMED = (NamedNode(ENTRY), NamedNode("http://schema.org/name"), Literal(NAME))
MEDIA_TYPES = ["text/turtle", "application/n-triples", "application/n-quads", "application/trig",
               "application/ld+json", "application/rdf+xml", "text/n3"]


def _triples(body: bytes, media_type: str) -> set[tuple[object, object, object]]:
    quads = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.from_media_type(media_type))
    return {(q.subject, q.predicate, q.object) for q in quads}


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_a_record_graph_is_read_in_every_rdf_format(live: Live, media_type: str) -> None:
    answer = requests.get(live("/store"), params={"graph": SUMMARY_GRAPH}, headers={"Accept": media_type}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert NAMED in _triples(answer.content, media_type)


def test_head_answers_as_get_without_the_body_and_404_for_a_graph_not_there(live: Live) -> None:
    answer = requests.head(live("/store"), params={"graph": SUMMARY_GRAPH}, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    assert answer.content == b""
    missing = requests.head(live("/store"), params={"graph": "https://w3id.org/evidence-kg/graph/none"}, timeout=30)
    assert missing.status_code == 404
    got = requests.get(live("/store"), params={"graph": "https://w3id.org/evidence-kg/graph/none"}, timeout=30)
    assert got.status_code == 404
    assert got.json()["error"]["message"] == "the graph store holds no graph https://w3id.org/evidence-kg/graph/none"


@pytest.mark.parametrize("params, message", [
    ({}, "parameter 'graph' is missing: name a graph (?graph=IRI) or the default graph (?default)"),
    ({"graph": "not an iri"}, "parameter 'graph' must be an absolute IRI (value: 'not an iri')"),
    ({"graph": ["urn:x:a", "urn:x:b"]}, "parameter 'graph' must be given once (value: '2 times')"),
])
def test_a_request_naming_no_graph_or_a_bad_one_is_a_400(live: Live, params: dict[str, object], message: str) -> None:
    answer = requests.get(live("/store"), params=params, timeout=30)  # type: ignore[arg-type]
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == message


def test_the_default_graph_is_the_stores_own_or_a_501_behind_a_sparql_server(live: Live) -> None:
    answer = requests.get(live("/store"), params={"default": ""}, headers={"Accept": "application/n-triples"},
                          timeout=30)
    if live.backend == "remote":
        assert answer.status_code == 501
        assert "cannot be asked for its own default graph" in answer.json()["error"]["message"]
    else:  # kg's loaders write only named graphs
        assert (answer.status_code, answer.text) == (200, "")


def test_an_unacceptable_format_is_a_406(live: Live) -> None:
    answer = requests.get(live("/store"), params={"graph": SUMMARY_GRAPH}, headers={"Accept": "image/png"}, timeout=30)
    assert answer.status_code == 406


def test_a_read_only_service_refuses_every_write_with_403(live: Live) -> None:
    for method in ("PUT", "POST", "DELETE"):
        answer = requests.request(method, live("/store"), params={"graph": SUMMARY_GRAPH},
                                  data=b"<urn:x:s> <urn:x:p> 1 .", timeout=30,
                                  headers={**AUTH, "Content-Type": "text/turtle"})
        assert answer.status_code == 403, method
    still = requests.get(live("/store"), params={"graph": SUMMARY_GRAPH}, headers={"Accept": "text/turtle"}, timeout=30)
    assert NAMED in _triples(still.content, "text/turtle")


def _ask(live: Live, query: str) -> bool:
    answer = requests.get(live("/sparql"), params={"query": query}, timeout=60)
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


def test_writes_need_the_token_and_each_is_seen_by_the_next_query(writable: Live) -> None:
    graph = {"graph": "urn:kg-test:gsp"}
    body = b"<urn:kg-test:s> <urn:kg-test:p> 'one' ."
    turtle = {"Content-Type": "text/turtle"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        refused = requests.put(writable("/store"), params=graph, data=body, headers={**turtle, **headers}, timeout=30)
        assert refused.status_code == 401
    assert not _ask(writable, "ASK { GRAPH <urn:kg-test:gsp> { ?s ?p ?o } }")

    made = requests.put(writable("/store"), params=graph, data=body, headers={**AUTH, **turtle}, timeout=60)
    assert made.status_code == 201
    assert _ask(writable, "ASK { <urn:kg-test:s> <urn:kg-test:p> 'one' }")  # the query workers see it
    replaced = requests.put(writable("/store"), params=graph, data=b"<urn:kg-test:s> <urn:kg-test:p> 'two' .",
                            headers={**AUTH, **turtle}, timeout=60)
    assert replaced.status_code == 204
    assert not _ask(writable, "ASK { <urn:kg-test:s> <urn:kg-test:p> 'one' }")
    added = requests.post(writable("/store"), params=graph, data=b'{"@id": "urn:kg-test:s", "urn:kg-test:q": "three"}',
                          headers={**AUTH, "Content-Type": "application/ld+json"}, timeout=60)
    assert added.status_code == 204
    assert _ask(writable, "ASK { <urn:kg-test:s> <urn:kg-test:p> 'two' ; <urn:kg-test:q> 'three' }")

    assert requests.delete(writable("/store"), params=graph, headers=AUTH, timeout=60).status_code == 204
    assert not _ask(writable, "ASK { GRAPH <urn:kg-test:gsp> { ?s ?p ?o } }")
    assert requests.delete(writable("/store"), params=graph, headers=AUTH, timeout=60).status_code == 404
    assert _ask(writable, f"ASK {{ <{ENTRY}> <http://schema.org/name> ?n }}")  # the rest is untouched


def test_a_body_in_an_unknown_type_is_a_415_and_a_malformed_one_a_400(writable: Live) -> None:
    graph = {"graph": "urn:kg-test:gsp"}
    csv = requests.put(writable("/store"), params=graph, data=b"a,b", headers={**AUTH, "Content-Type": "text/csv"},
                       timeout=30)
    assert csv.status_code == 415
    assert csv.json()["error"]["message"].startswith("a graph cannot be read from text/csv; send one of ")
    bad = requests.put(writable("/store"), params=graph, data=b"<urn:x:s> <urn:x:p> .",
                       headers={**AUTH, "Content-Type": "text/turtle"}, timeout=30)
    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith("parameter 'body' is not valid text/turtle")
    assert not _ask(writable, "ASK { GRAPH <urn:kg-test:gsp> { ?s ?p ?o } }")


def test_post_to_the_store_makes_a_new_graph_named_in_location(writable: Live) -> None:
    made = requests.post(writable("/store"), data=b'<urn:kg-test:new> <urn:kg-test:p> "1" .',
                         headers={**AUTH, "Content-Type": "application/n-triples"}, timeout=60)
    assert made.status_code == 201
    location = made.headers["location"]
    assert location.startswith(writable("/store/"))
    direct = requests.get(location, headers={"Accept": "application/n-triples"}, timeout=30)
    assert direct.status_code == 200
    assert direct.text.strip() == '<urn:kg-test:new> <urn:kg-test:p> "1" .'


def test_the_description_lists_a_bounded_number_of_graphs_and_says_how_many_there_are() -> None:
    kg_store = Store.open(None)
    kg_store.update("INSERT DATA { " + " ".join(f"GRAPH <urn:x:g{n}> {{ <urn:x:s> <urn:x:p> {n} }}"
                                               for n in range(LISTED_GRAPHS + 50)) + " }")
    graphs = GraphFigures().read(InProcessRunner(kg_store), timeout=30)
    assert graphs is not None
    assert (len(graphs.graphs), graphs.count) == (LISTED_GRAPHS, LISTED_GRAPHS + 50)
    described = service_description("http://localhost/sparql", False, graphs=graphs)
    comments = [t.object.value for t in described if t.predicate.value.endswith("#comment")]
    assert comments == [f"{LISTED_GRAPHS} of the {LISTED_GRAPHS + 50} named graphs are listed here; list them all with "
                        "the query SELECT ?graph WHERE { GRAPH ?graph { } } (rdfs:seeAlso), or read one with the "
                        "graph store"]
    assert InProcessRunner(kg_store).run(QueryJob("ASK { GRAPH <urn:x:g0> { ?s ?p ?o } }", "json", None, "")).body \
        == b'{"head": {}, "boolean": true}'
