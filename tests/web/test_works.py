"""Item URLs over real HTTP: /works/{id} redirects every identifier form to one canonical URL, and
the canonical URL answers HTML, JSON, JSON-LD, Turtle and N-Triples by Accept or ?format=."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg import ids
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import KG, SCHEMA
from kg.web.works import work_path
from tests.web.conftest import UPDATE_TOKEN, Live, serve, stop

A0 = "https://doi.org/10.1038/s41598-021-81251-2"
A0_PATH = "/works/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"
#: DOIs holding what a URL path cannot carry as it is: '#', '?', '%', spaces, '<>', quotes, non-ASCII
ODD_DOIS = ["10.5555/odd#1?x=%41 b", "10.5555/odd<2>", '10.5555/say "hi" & {3}', "10.5555/café|4^", "10.5555/a;b/c:d@e"]


def get(url: str, accept: str | None = None, **kwargs: object) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


def varies(answer: requests.Response) -> list[str]:
    """The request headers an answer says it varies by (CORS adds Origin to ours)."""
    return [h.strip() for h in answer.headers.get("vary", "").split(",")]


def works_url(live: Live, identifier: str) -> str:
    """The /works URL of an identifier as a user would type it, percent-encoded for the path."""
    return live("/works/" + quote(identifier, safe="/:"))


# -- redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("identifier", "canonical"), [
    ("doi:10.1038/S41598-021-81251-2", A0_PATH),
    ("https://doi.org/10.1038/s41598-021-81251-2", A0_PATH),
    ("http://dx.doi.org/10.1038/S41598-021-81251-2", A0_PATH),
    ("10.1038/S41598-021-81251-2", A0_PATH),
    ("pmid:33462295", A0_PATH),
    ("PDB 6GV0", "/works/10.2210/pdb6gv0/pdb"),
    ("6gv0", "/works/10.2210/pdb6gv0/pdb"),
    ("https://doi.org/10.2210/PDB6GV0/PDB", "/works/10.2210/pdb6gv0/pdb"),
    ("funder:100000001", "/works/10.13039/100000001"),
])
def test_every_identifier_form_redirects_permanently_to_the_canonical_url(
        live: Live, identifier: str, canonical: str) -> None:
    answer = get(works_url(live, identifier), allow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == canonical
    assert "Accept" in varies(answer)
    assert get(live(canonical), allow_redirects=False).status_code == 200


def test_the_redirect_keeps_the_query_string(live: Live) -> None:
    answer = get(works_url(live, "PDB 6GV0") + "?format=turtle", allow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == "/works/10.2210/pdb6gv0/pdb?format=turtle"
    followed = get(works_url(live, "PDB 6GV0") + "?format=turtle")
    assert followed.headers["content-type"] == "text/turtle; charset=utf-8"
    assert followed.history[0].status_code == 308


# -- content negotiation --------------------------------------------------------------------------


def test_html_is_a_summary_page_linking_the_chain_and_related_items(live: Live) -> None:
    answer = get(live(A0_PATH), "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in varies(answer)
    page = answer.text
    assert "<h1>The crystal structure of insulin glulisine (sample record: title paraphrased)</h1>" in page
    assert "ScholarlyArticle" in page and "2021" in page and "33462295" in page
    assert '/api/chain?id=10.1038%2Fs41598-021-81251-2"' in page
    assert '/api/related?id=10.1038%2Fs41598-021-81251-2"' in page
    assert 'href="/works/10.2210/pdb6gv0/pdb"' in page  # the typed link to the structure


def test_html_lists_creators_in_order_and_the_versions_of_a_concept(live: Live) -> None:
    entry = get(live("/works/10.2210/pdb6gv0/pdb"), "text/html").text
    assert entry.index("Sample, A.") < entry.index("Example, B.")
    concept = get(live("/works/10.5555/kg-sample.tool"), "text/html").text
    for version in ("v1", "v2", "v3"):
        assert f'href="/works/10.5555/kg-sample.tool.{version}"' in concept


def test_json_has_the_summary_identifiers_typed_links_and_their_sources(live: Live) -> None:
    answer = get(live(A0_PATH), "application/json")
    assert answer.headers["content-type"] == "application/json"
    work = answer.json()
    assert work["id"] == A0 and work["kind"] == "ScholarlyArticle" and work["year"] == 2021
    assert work["identifiers"] == {"doi": "10.1038/s41598-021-81251-2", "pmid": "33462295"}
    assert work["url"] == live(A0_PATH)
    relies = [link for link in work["links"] if link["relation"] == "kg:reliesOnData"]
    assert relies == [{"relation": "kg:reliesOnData", "direction": "out", "other": ENTRY,
                       "otherName": "Insulin glulisine (sample record: title is a placeholder)",
                       "otherNameSource": "record", "otherUrl": live("/works/10.2210/pdb6gv0/pdb"), "sources": ["pdbe"],
                       "graphs": ["https://w3id.org/evidence-kg/graph/pdbe/6gv0/publications"]}]
    names = [s for s in work["statements"] if s["property"] == "schema:name"]
    assert names and names[0]["sources"] == ["crossref", "pdbe"]
    assert {r["source"] for r in work["records"]} == {"crossref", "pdbe"}
    assert work["api"]["chain"] == live("/api/chain?id=10.1038%2Fs41598-021-81251-2")


def test_json_names_versions_and_what_a_version_is_a_version_of(live: Live) -> None:
    concept = get(live("/works/10.5555/kg-sample.tool"), "application/json").json()
    assert concept["versions"] == [f"https://doi.org/10.5555/kg-sample.tool.v{n}" for n in (1, 2, 3)]
    version = get(live("/works/10.5555/kg-sample.tool.v2"), "application/json").json()
    assert version["versionOf"] == ["https://doi.org/10.5555/kg-sample.tool"]
    assert version["version"] == "1.1"
    assert version["creators"] and version["creators"][0]["role"] == "creator"


def _triples(body: bytes, rdf_format: RdfFormat) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in parse(body, format=rdf_format)}


@pytest.mark.parametrize(("accept", "media", "rdf_format"), [
    ("text/turtle", "text/turtle; charset=utf-8", RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", RdfFormat.JSON_LD),
    ("application/n-quads", "application/n-quads", RdfFormat.N_QUADS),
    ("application/trig", "application/trig", RdfFormat.TRIG),
    ("application/rdf+xml", "application/rdf+xml", RdfFormat.RDF_XML),
    ("text/n3", "text/n3; charset=utf-8", RdfFormat.N3),
])
def test_rdf_formats_parse_and_hold_the_same_statements(live: Live, accept: str, media: str,
                                                        rdf_format: RdfFormat) -> None:
    answer = get(live(A0_PATH), accept)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media
    triples = _triples(answer.content, rdf_format)
    assert (f"<{A0}>", f"<{KG.reliesOnData.value}>", f"<{ENTRY}>") in triples
    assert (f"<{A0}>", f"<{KG.pmid.value}>", '"33462295"') in triples
    reference = _triples(get(live(A0_PATH), "application/n-triples").content, RdfFormat.N_TRIPLES)
    assert triples == reference


def test_json_ld_uses_the_schema_org_context(live: Live) -> None:
    document = get(live("/works/10.5555/kg-sample.tool.v1"), "application/ld+json").json()
    assert document["@context"]["@vocab"] == "http://schema.org/"
    node = next(n for n in document["@graph"] if n["@id"] == "https://doi.org/10.5555/kg-sample.tool.v1")
    assert node["@type"] == ["SoftwareSourceCode"]
    assert node["name"] == ["Sample tool 1.0 (invented sample software)"]
    assert node["kg:isVersionOf"] == [{"@id": "https://doi.org/10.5555/kg-sample.tool"}]


def test_rdf_includes_the_creator_roles_and_names(live: Live) -> None:
    triples = _triples(get(live("/works/10.2210/pdb6gv0/pdb"), "application/n-triples").content,
                       RdfFormat.N_TRIPLES)
    positions = {o for s, p, o in triples if p == f"<{SCHEMA.position.value}>"}
    assert positions == {'"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
                         '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    assert any(o == '"Sample, A."' for s, p, o in triples if p == f"<{SCHEMA.name.value}>")


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/turtle;q=0.4, application/ld+json;q=0.9", "application/ld+json"),
    ("application/*", "application/json"),
    ("application/*;q=0.5, application/n-triples", "application/n-triples"),
    ("text/*;q=0.9, text/turtle", "text/turtle; charset=utf-8"),
    ("*/*", "text/html; charset=utf-8"),
    ("image/png, text/turtle;q=0.1", "text/turtle; charset=utf-8"),
])
def test_accept_q_values_choose_the_format(live: Live, accept: str, expected: str) -> None:
    assert get(live(A0_PATH), accept).headers["content-type"] == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("json", "application/json"), ("jsonld", "application/ld+json"), ("turtle", "text/turtle; charset=utf-8"),
    ("ttl", "text/turtle; charset=utf-8"), ("ntriples", "application/n-triples"), ("html", "text/html; charset=utf-8"),
])
def test_the_format_parameter_overrides_accept(live: Live, value: str, expected: str) -> None:
    answer = get(live(f"{A0_PATH}?format={value}"), "image/png")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == expected


def test_an_accept_nothing_matches_is_406_listing_what_is_available(live: Live) -> None:
    answer = get(live(A0_PATH), "image/png, text/html;q=0")
    assert answer.status_code == 406
    error = answer.json()["error"]
    assert error["type"] == "NotAcceptableError"
    for media in ("text/html", "application/json", "application/ld+json", "text/turtle", "application/n-triples",
                  "application/n-quads", "application/trig", "application/rdf+xml", "text/n3", "application/x-bibtex",
                  "text/x-bibliography", "application/vnd.datacite.datacite+json"):
        assert media in error["message"]


def test_an_unknown_format_value_is_400_naming_the_parameter(live: Live) -> None:
    answer = get(live(f"{A0_PATH}?format=xml"))
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "parameter 'format' must be one of html, json, jsonld, turtle, ntriples, nquads, trig, rdfxml, n3, bibtex, "
        "ris, csl-json, text, datacite-json, schemaorg, dcat (value: 'xml')")


# -- errors ---------------------------------------------------------------------------------------


def test_a_valid_but_unknown_identifier_is_404_as_json_or_html(live: Live) -> None:
    as_json = get(works_url(live, "10.1/nothing"), "application/json")
    assert as_json.status_code == 404
    assert as_json.json() == {"error": {"status": 404, "type": "NotFoundError", "message":
                                        "nothing in the graph is named https://doi.org/10.1/nothing; "
                                        "load or harvest its record first"}}
    as_html = get(works_url(live, "pmid:1"), "text/html")
    assert as_html.status_code == 404
    assert as_html.headers["content-type"] == "text/html; charset=utf-8"
    assert "nothing in the graph is named pmid:1" in as_html.text


def test_a_malformed_identifier_is_400_with_the_parser_message(live: Live) -> None:
    answer = get(works_url(live, "11.1/x"), "application/json")
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "IdentifierError"
    assert answer.json()["error"]["message"].startswith("not a valid identifier: '11.1/x' (expected a DOI")
    page = get(works_url(live, "10.1/\tx"), "text/html")
    assert page.status_code == 400
    assert "control characters" in page.text


def _snapshot(live: Live) -> list[bytes]:
    return [get(live(path), "application/n-triples").content
            for path in (A0_PATH, "/works/10.2210/pdb6gv0/pdb", "/works/10.5555/kg-sample.data")]


@pytest.mark.parametrize("identifier", [
    "10.1/x> } ; DROP ALL #", '10.1/x" } ; DROP ALL #', "10.1/x'); DROP ALL; --", "10.1/" + "x" * 10_000,
    "<https://doi.org/10.1/x>", "pmid:1' OR '1'='1", "\" UNION { ?s ?p ?o }",
])
def test_hostile_identifiers_get_4xx_and_leave_the_store_unchanged(live: Live, identifier: str) -> None:
    before = _snapshot(live)
    answer = get(live("/works/" + quote(identifier, safe="")), "application/json")
    assert answer.status_code in (400, 404)
    assert set(answer.json()["error"]) == {"status", "type", "message"}
    assert _snapshot(live) == before
    assert get(live("/healthz")).json()["status"] == "ok"


def test_cors_headers_are_sent_to_the_configured_origin(live: Live) -> None:
    answer = requests.get(live(A0_PATH), headers={"Origin": "http://portal.example", "Accept": "application/json"},
                          timeout=30)
    assert answer.headers["access-control-allow-origin"] == "http://portal.example"
    redirect = requests.get(works_url(live, "PDB 6GV0"), headers={"Origin": "http://portal.example"},
                            allow_redirects=False, timeout=30)
    assert redirect.headers["access-control-allow-origin"] == "http://portal.example"
    assert "location" in redirect.headers["access-control-expose-headers"].lower()


# -- DOIs that need percent-encoding --------------------------------------------------------------


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over a store holding works whose DOIs need escaping in a URL."""
    directory = tmp_path_factory.mktemp("odd-dois")
    location = str(directory / "db")
    with Store.open(location) as store:
        for n, doi in enumerate(ODD_DOIS):
            work = NamedNode(ids.doi_iri(doi))
            graph = NamedNode(ids.graph_iri("test", doi))
            store.write([RecordGraph(graph, [Quad(work, SCHEMA.name, Literal(f"Odd work {n}"), graph),
                                             Quad(work, KG.doi, Literal(ids.normalize_doi(doi)), graph)],
                                     GraphMeta("test", doi, work, "file:///odd.json",
                                               datetime(2026, 1, 1, tzinfo=UTC)))])
    process, url, log = serve(location, directory)
    try:
        yield Live(url, "embedded", Path(log))
    finally:
        stop(process)


@pytest.mark.parametrize("doi", ODD_DOIS)
def test_dois_with_url_unsafe_characters_round_trip(odd: Live, doi: str) -> None:
    iri = ids.doi_iri(doi)
    canonical = work_path(iri)
    answer = get(odd(canonical), "application/json", allow_redirects=False)
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == iri
    assert answer.json()["url"] == odd(canonical)
    shouted = "".join(c.upper() if c.isascii() else c for c in doi)  # DOIs are case-blind for ASCII only
    for form in ("doi:" + shouted, "https://doi.org/" + quote(doi, safe="/")):
        redirect = get(odd("/works/" + quote(form, safe="")), allow_redirects=False)
        assert redirect.status_code == 308, redirect.text
        assert redirect.headers["location"] == canonical
    followed = get(odd("/works/" + quote("doi:" + doi, safe="")) + "?format=jsonld")
    document = json.loads(followed.content)
    assert [n["@id"] for n in document["@graph"]] == [iri]


def test_html_error_pages_escape_what_the_client_sent(live: Live) -> None:
    page = get(works_url(live, "11.1/<script>alert(1)</script>"), "text/html")
    assert page.status_code == 400
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_head_answers_like_get_without_a_body(live: Live) -> None:
    answer = requests.head(live(A0_PATH), headers={"Accept": "text/turtle"}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    assert answer.content == b""


def test_a_creator_iri_that_is_no_web_address_is_not_a_link(writable: Live) -> None:
    """An agent IRI from the graph becomes a link only when it is http(s): never ``javascript:``."""
    update = """PREFIX schema: <http://schema.org/>
    INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/hostile> {
      <https://doi.org/10.5555/hostile> a schema:ScholarlyArticle ; schema:name "Hostile" ;
        schema:author <https://w3id.org/evidence-kg/test/role> .
      <https://w3id.org/evidence-kg/test/role> a schema:Role ; schema:author <javascript:alert(1)> ;
        schema:name "Eve" ; schema:position 1 . } }"""
    done = requests.post(writable("/sparql"), data={"update": update},
                         headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=60)
    assert done.status_code == 204, done.text
    page = get(writable("/works/10.5555/hostile"), "text/html")
    assert page.status_code == 200
    assert "<li>Eve" in page.text
    assert 'href="javascript:' not in page.text
