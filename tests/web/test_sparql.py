"""/sparql speaks the SPARQL 1.1 Protocol to real clients (SPARQLWrapper, rdflib's SPARQLStore, plain
HTTP) on each backend: every way of sending a query, every answer format, the dataset parameters,
the service description and the editor page."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pyoxigraph
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.web.caching import static_url
from tests.web.conftest import Live

ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
NAME = "Insulin glulisine (sample record: title is a placeholder)"
SUMMARY_GRAPH = "https://w3id.org/evidence-kg/graph/pdbe/6gv0/summary"
SCHEMA_NAME = "http://schema.org/name"
SELECT = f"SELECT DISTINCT ?name WHERE {{ <{ENTRY}> <{SCHEMA_NAME}> ?name }}"
ASK = f"ASK {{ <{ENTRY}> <{SCHEMA_NAME}> ?name }}"
CONSTRUCT = f"CONSTRUCT {{ <{ENTRY}> <{SCHEMA_NAME}> ?name }} WHERE {{ <{ENTRY}> <{SCHEMA_NAME}> ?name }}"
EXPECTED_TRIPLE = (rdflib.URIRef(ENTRY), rdflib.URIRef(SCHEMA_NAME), rdflib.Literal(NAME))


def wrapper(live: Live, query: str, return_format: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(live("/sparql"))
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    client.setTimeout(30)
    return client


# -- SELECT and ASK with SPARQLWrapper, each results format -----------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_selects_as_json(live: Live, method: str) -> None:
    result = wrapper(live, SELECT, JSON, method).queryAndConvert()
    assert result["head"]["vars"] == ["name"]
    assert [b["name"] for b in result["results"]["bindings"]] == [{"type": "literal", "value": NAME}]


@pytest.mark.parametrize("return_format, rdflib_format", [(XML, "xml"), (CSV, "csv"), (TSV, "tsv")])
def test_sparqlwrapper_selects_in_each_results_format_parsed_back_by_rdflib(
        live: Live, return_format: str, rdflib_format: str) -> None:
    answer = wrapper(live, SELECT, return_format).query()
    body = answer.response.read()
    parsed = Result.parse(io.BytesIO(body), format=rdflib_format)
    assert [str(row[0]) for row in parsed] == [NAME]
    assert [str(v) for v in parsed.vars] == ["name"]


def test_sparqlwrapper_converts_an_xml_select_to_a_dom(live: Live) -> None:
    dom = wrapper(live, SELECT, XML).queryAndConvert()
    assert [n.firstChild.data for n in dom.getElementsByTagName("literal")] == [NAME]


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_asks(live: Live, return_format: str) -> None:
    answer = wrapper(live, ASK, return_format).query()
    parsed = Result.parse(io.BytesIO(answer.response.read()), format="json" if return_format == JSON else "xml")
    assert parsed.askAnswer is True
    negative = wrapper(live, "ASK { <urn:x:nothing> ?p ?o }", JSON).queryAndConvert()
    assert negative["boolean"] is False


# -- CONSTRUCT with SPARQLWrapper and by Accept ---------------------------------------------


def triples(body: bytes, media_type: str) -> set[tuple[rdflib.term.Node, ...]]:
    """The triples of a graph answer: rdflib parses what it parses without warnings, pyoxigraph the rest."""
    if media_type in ("application/ld+json", "application/n-quads", "application/trig", "text/n3"):
        return {tuple(rdflib.URIRef(t.value) if isinstance(t, pyoxigraph.NamedNode) else rdflib.Literal(t.value)
                      for t in (q.subject, q.predicate, q.object))
                for q in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.from_media_type(media_type))}
    rdflib_format = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[media_type]
    return set(rdflib.Graph().parse(data=body, format=rdflib_format))


@pytest.mark.parametrize("return_format, media_type", [
    (TURTLE, "text/turtle"), (JSONLD, "application/ld+json"), (RDFXML, "application/rdf+xml"), (N3, "text/n3")])
def test_sparqlwrapper_constructs_in_each_graph_format(live: Live, return_format: str, media_type: str) -> None:
    answer = wrapper(live, CONSTRUCT, return_format).query()
    assert answer.response.headers["Content-Type"].split(";")[0] == media_type
    assert triples(answer.response.read(), media_type) == {EXPECTED_TRIPLE}


@pytest.mark.parametrize("media_type", ["application/n-triples", "application/n-quads", "text/turtle",
                                        "application/ld+json", "application/rdf+xml", "application/trig", "text/n3"])
def test_construct_answers_each_graph_format_by_accept(live: Live, media_type: str) -> None:
    answer = requests.get(live("/sparql"), params={"query": CONSTRUCT}, headers={"Accept": media_type}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert triples(answer.content, media_type) == {EXPECTED_TRIPLE}


@pytest.mark.parametrize("media_type", ["application/trig", "text/n3", "application/rdf+xml"])
def test_describe_answers_in_every_rdf_format(live: Live, media_type: str) -> None:
    answer = requests.get(live("/sparql"), params={"query": f"DESCRIBE <{ENTRY}>"}, headers={"Accept": media_type},
                          timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert EXPECTED_TRIPLE in triples(answer.content, media_type)


def test_relative_iris_are_read_against_the_endpoints_own_url(live: Live) -> None:
    for path, base in (("/sparql", live("/")), ("/sparql/", live("/sparql/"))):
        answer = requests.post(live(path), data=b"CONSTRUCT { <s> <p> 1 } WHERE { }", timeout=30, allow_redirects=False,
                               headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
        assert answer.status_code == 200, answer.text
        assert answer.text.strip() == (f'<{base}s> <{base}p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .')


def test_sparql_with_a_trailing_slash_answers_without_a_redirect(live: Live) -> None:
    answer = requests.get(live("/sparql/"), params={"query": ASK}, timeout=30, allow_redirects=False)
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True


def test_a_syntax_error_names_the_position_in_the_query_as_sent(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": "SELECT * {\n ?s ?p }"}, timeout=30)
    assert answer.status_code == 400
    assert "error at 2:9" in answer.json()["error"]["message"]


def test_describe_answers_triples_about_the_resource(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": f"DESCRIBE <{ENTRY}>"},
                          headers={"Accept": "application/n-triples"}, timeout=30)
    assert answer.status_code == 200
    graph = rdflib.Graph().parse(data=answer.text, format="nt")
    assert EXPECTED_TRIPLE in graph
    assert {s for s in graph.subjects()} == {rdflib.URIRef(ENTRY)}


# -- rdflib's SPARQLStore ----------------------------------------------------------------------


def test_rdflib_sparqlstore_selects_asks_and_constructs(live: Live) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live("/sparql")))
    assert [str(row[0]) for row in graph.query(SELECT)] == [NAME]
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None
    assert set(constructed) == {EXPECTED_TRIPLE}


def test_rdflib_sparqlstore_reads_triples_by_pattern(live: Live) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=live("/sparql")))
    assert {str(o) for o in graph.objects(rdflib.URIRef(ENTRY), rdflib.URIRef(SCHEMA_NAME))} == {NAME}


# -- ways of sending a query -------------------------------------------------------------------


def names(answer: requests.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [b["name"]["value"] for b in answer.json()["results"]["bindings"]]


def test_a_query_by_get_by_post_form_and_by_post_direct_answers_the_same(live: Live) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    by_get = requests.get(live("/sparql"), params={"query": SELECT}, headers=accept, timeout=30)
    by_form = requests.post(live("/sparql"), data={"query": SELECT}, headers=accept, timeout=30)
    direct = requests.post(live("/sparql"), data=SELECT.encode(), timeout=30,
                           headers={**accept, "Content-Type": "application/sparql-query"})
    assert names(by_get) == names(by_form) == names(direct) == [NAME]


@pytest.mark.parametrize("accept, media_type", [
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("", "application/sparql-results+json")])
def test_accept_with_q_values_chooses_the_results_format(live: Live, accept: str, media_type: str) -> None:
    answer = requests.get(live("/sparql"), params={"query": SELECT}, headers={"Accept": accept}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize("name, media_type", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                              ("xml", "application/sparql-results+xml")])
def test_the_format_parameter_overrides_accept(live: Live, name: str, media_type: str) -> None:
    answer = requests.get(live("/sparql"), params={"query": SELECT, "format": name},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert NAME in answer.text


def test_nothing_acceptable_is_a_406_listing_the_available_types(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": SELECT}, headers={"Accept": "image/png"}, timeout=30)
    assert answer.status_code == 406
    message = answer.json()["error"]["message"]
    assert "image/png" in message
    assert "application/sparql-results+json" in message and "text/turtle" in message


def test_a_graph_format_for_a_select_is_a_406_listing_the_results_formats(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": SELECT}, headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 406
    assert answer.json()["error"]["type"] == "NotAcceptableError"
    assert "text/csv" in answer.json()["error"]["message"]
    assert "text/turtle" not in answer.json()["error"]["message"].split("available:")[1]


# -- the dataset: default-graph-uri, named-graph-uri -------------------------------------------


def test_default_graph_uri_makes_the_default_graph_that_graph_only(live: Live) -> None:
    inside = requests.get(live("/sparql"), params={"query": SELECT, "default-graph-uri": SUMMARY_GRAPH},
                          timeout=30)
    assert names(inside) == [NAME]
    elsewhere = requests.get(live("/sparql"), timeout=30, params={
        "query": SELECT, "default-graph-uri": "https://w3id.org/evidence-kg/graph/meta"})
    assert names(elsewhere) == []


def test_named_graph_uri_limits_the_graphs_graph_reaches(live: Live) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = requests.post(live("/sparql"), data={"query": query, "named-graph-uri": SUMMARY_GRAPH}, timeout=30)
    assert answer.status_code == 200
    assert [b["g"]["value"] for b in answer.json()["results"]["bindings"]] == [SUMMARY_GRAPH]
    everything = requests.post(live("/sparql"), data={"query": query}, timeout=30).json()["results"]["bindings"]
    assert len(everything) > 1


def test_sparqlwrapper_sends_a_default_graph(live: Live) -> None:
    client = wrapper(live, SELECT, JSON)
    client.addDefaultGraph(SUMMARY_GRAPH)
    assert [b["name"]["value"] for b in client.queryAndConvert()["results"]["bindings"]] == [NAME]


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ['10.1/x> } ; DROP ALL #', 'https://example.org/a"b', "no scheme", ""])
def test_a_graph_iri_carrying_syntax_or_quotes_is_a_400(live: Live, parameter: str, value: str) -> None:
    answer = requests.get(live("/sparql"), params={"query": SELECT, parameter: value}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"] == {"status": 400, "type": "BadRequestError",
                                      "message": f"parameter {parameter!r} must be an absolute IRI (value: {value!r})"}
    assert names(requests.get(live("/sparql"), params={"query": SELECT}, timeout=30)) == [NAME]


# -- errors ------------------------------------------------------------------------------------


def test_a_malformed_query_is_a_400_with_the_parsers_message(live: Live) -> None:
    answer = requests.get(live("/sparql"), params={"query": "SELECT WHERE { ?s ?p ?o }"}, timeout=30)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "QuerySyntaxError"
    assert re.fullmatch(r"the SPARQL text does not parse: error at 1:\d+: expected .+", error["message"])
    assert "127.0.0.1" not in error["message"]  # nothing internal, such as the remote store's URL


def test_an_update_sent_as_a_query_is_a_400_and_changes_nothing(live: Live) -> None:
    update = "DROP ALL"
    answer = requests.post(live("/sparql"), data={"query": update}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "QuerySyntaxError"
    assert names(requests.get(live("/sparql"), params={"query": SELECT}, timeout=30)) == [NAME]


@pytest.mark.parametrize("data, message", [
    ({"query": [SELECT, SELECT]}, "parameter 'query' must be given once (value: '2 times')"),
    ({"query": SELECT, "update": "DROP ALL"}, "parameter 'update' cannot come with a query in the same request"),
    ({}, "parameter 'query' is missing: POST a query (query=...) or an update (update=...)"),
    ({"query": SELECT, "format": "yaml"}, "parameter 'format' must be one of ")])
def test_malformed_requests_are_400s_naming_the_parameter(live: Live, data: dict[str, object], message: str) -> None:
    answer = requests.post(live("/sparql"), data=data, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith(message)


def test_an_unknown_content_type_is_a_400(live: Live) -> None:
    answer = requests.post(live("/sparql"), data=b"{}", headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("parameter 'Content-Type' must be")


# -- service description and editor page -------------------------------------------------------


def test_get_without_a_query_and_rdf_accept_is_the_service_description(live: Live) -> None:
    answer = requests.get(live("/sparql"), headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(live("/sparql"))
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}  # read-only
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in set(
        graph.objects(service, sd.resultFormat))
    formats = rdflib.Namespace("http://www.w3.org/ns/formats/")
    assert {formats.TriG, formats.N3, formats["RDF_XML"]} <= set(graph.objects(service, sd.resultFormat))
    assert {formats.Turtle, formats["N-Triples"], formats["JSON-LD"]} <= set(graph.objects(service, sd.inputFormat))


def test_the_service_description_lists_the_named_graphs_and_counts_them(live: Live) -> None:
    answer = requests.get(live("/sparql"), headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(live("/sparql"))
    dataset, available = graph.value(service, sd.defaultDataset), graph.value(service, sd.availableGraphs)
    listed = {graph.value(g, sd.name) for g in graph.objects(dataset, sd.namedGraph)}
    assert listed == {graph.value(g, sd.name) for g in graph.objects(available, sd.namedGraph)}
    # what the store holds, asked the store itself
    stored = requests.get(live("/sparql"), params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    names = {rdflib.URIRef(b["g"]["value"]) for b in stored["results"]["bindings"]}
    assert rdflib.URIRef(SUMMARY_GRAPH) in names and len(names) > 10
    assert listed == names
    count = graph.value(dataset, rdflib.URIRef("https://w3id.org/evidence-kg/ns#namedGraphCount"))
    assert count is not None and count.toPython() == len(names)
    assert rdflib.URIRef(live("/store")) in set(graph.objects(dataset, rdflib.RDFS.seeAlso))


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.options: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img") and found.get("src"):
            self.assets.append(found["src"] or "")
        if tag == "link" and found.get("rel") in ("stylesheet", "icon"):
            self.assets.append(found.get("href") or "")
        if tag == "option" and found.get("data-query"):
            self.options.append(found)


def test_the_editor_page_offers_the_catalogue_and_loads_only_local_assets(live: Live) -> None:
    answer = requests.get(live("/sparql"), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                          timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = _Assets()
    page.feed(answer.text)
    assert sorted(page.assets) == sorted([static_url("favicon.svg"), static_url("kg.css"), "/static/sparql.css",
                                          "/static/sparql.js"])
    for asset in page.assets:
        loaded = requests.get(live(asset), timeout=30)
        assert loaded.status_code == 200 and loaded.content
    assert "<textarea" in answer.text and "Run</button>" in answer.text
    assert page.options, "no catalogue query offered as an example"
    assert "stats_sources" in {o["value"] for o in page.options}
    assert all("SELECT" in (o["data-query"] or "") or "CONSTRUCT" in (o["data-query"] or "") for o in page.options)


def test_the_service_description_claims_no_federation_it_refuses(live: Live) -> None:
    answer = requests.get(live("/sparql"), headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    assert "BasicFederatedQuery" not in answer.text
    assert "UnionDefaultGraph" in answer.text
