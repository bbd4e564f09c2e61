"""The JSON endpoints over real HTTP, on both backends: related items, evidence chains, metrics (JSON
and CSV), batched work summaries, parameter checks and hostile input."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from tests.web.conftest import Live

A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"
DATA = "https://doi.org/10.5555/kg-sample.data"
PAPERS = [f"https://doi.org/10.5555/kg-sample.p{n}" for n in range(1, 6)]


def api(live: Live, path: str, **params: object) -> requests.Response:
    return requests.get(live(path), params=params, timeout=30)  # type: ignore[arg-type]


# -- related items --------------------------------------------------------------------------------


def test_related_lists_the_works_citing_a_dataset_with_reasons(live: Live) -> None:
    answer = api(live, "/api/related", id="10.5555/KG-SAMPLE.DATA", limit=50)
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == DATA and body["limit"] == 50
    assert body["items"]
    by_iri = {item["item"]["iri"]: item for item in body["items"]}
    for paper in PAPERS[1:]:
        assert "cites it" in [r["text"] for r in by_iri[paper]["reasons"]], paper
    assert by_iri[PAPERS[1]]["url"] == live("/works/10.5555/kg-sample.p2")
    # evidence first, then similarity, then plain links; by score within each
    ranks = [(["evidence", "similarity", "link"].index(item["tier"]), -item["score"]) for item in body["items"]]
    assert ranks == sorted(ranks) and body["items"][0]["item"]["iri"] == PAPERS[2]


def test_related_honours_the_limit(live: Live) -> None:
    assert len(api(live, "/api/related", id="10.5555/kg-sample.data", limit=2).json()["items"]) == 2


# -- evidence chains ------------------------------------------------------------------------------


def test_the_6gv0_chain_reaches_the_raw_data_with_each_hops_source(live: Live) -> None:
    body = api(live, "/api/chain", id="PDB 6GV0").json()
    assert body["root"] == ENTRY
    assert [n["iri"] for n in body["nodes"]] == [ENTRY, RAW]
    assert [(h["from"], h["to"], h["evidence"]) for h in body["hops"]] == [(ENTRY, RAW, "kg:reliesOnData")]
    assert [a["source"] for a in body["hops"][0]["assertions"]] == ["pdbe"]


def test_the_chain_from_the_article_goes_through_the_structure_to_the_raw_data(live: Live) -> None:
    body = api(live, "/api/chain", id="pmid:33462295", depth=2).json()
    assert body["root"] == A0 and body["max_depth"] == 2
    hops = [(h["from"], h["to"], h["depth"]) for h in body["hops"]]
    assert hops == [(A0, ENTRY, 1), (ENTRY, RAW, 2)]
    for hop in body["hops"]:
        assert {a["source"] for a in hop["assertions"]} == {"pdbe"}
        assert all(a["graph"].startswith("https://w3id.org/evidence-kg/graph/pdbe/6gv0/") for a in hop["assertions"])
    assert [n["iri"] for n in api(live, "/api/chain", id=A0, depth=1).json()["nodes"]] == [A0, ENTRY]


def test_the_chain_lists_the_strongest_citations_and_counts_them_all(live: Live) -> None:
    body = api(live, "/api/chain", id="10.5555/kg-sample.p3").json()
    assert [(h["to"], h["label"], h["basis"], h["rule"]) for h in body["hops"]] == [
        (DATA, "supplemented by data", "stated", None), (DATA, "cites", "stated", None),
        ("https://doi.org/10.5555/kg-sample.tool.v3", "cites", "stated", None)]
    assert body["citation_limit"] == 10
    assert (body["nodes"][0]["citations"], body["nodes"][0]["citations_listed"]) == (2, 2)
    assert api(live, "/api/chain", id="10.5555/kg-sample.p3", all_citations="true").json()["citation_limit"] is None


def test_the_chain_as_node_link_json(live: Live) -> None:
    body = api(live, "/api/chain", id="6gv0", format="node-link").json()
    assert {n["id"] for n in body["nodes"]} == {ENTRY, RAW}
    assert [(link["source"], link["target"]) for link in body["links"]] == [(ENTRY, RAW)]


# -- metrics --------------------------------------------------------------------------------------


def test_item_metrics_count_the_four_works_citing_the_dataset(live: Live) -> None:
    body = api(live, "/api/metrics/item", id="doi:10.5555/kg-sample.data").json()
    assert body["item"] == DATA
    assert body["citations"]["total"] == 4
    assert body["citations"]["by_year"] == {"2021": 1, "2022": 2, "2023": 1}


def test_item_metrics_list_the_citing_works_a_page_at_a_time(live: Live) -> None:
    body = api(live, "/api/metrics/item", id="10.5555/kg-sample.data", citing_limit="3", citing_offset="1").json()
    assert body["citations"]["total"] == 4  # the counts are of all four
    assert [w["iri"] for w in body["citations"]["citing"]] == [
        "https://doi.org/10.5555/kg-sample.p3", "https://doi.org/10.5555/kg-sample.p4", "https://doi.org/10.5555/kg-sample.p2"]
    assert body["citing_page"] == {"offset": 1, "limit": 3, "next": None}
    assert api(live, "/api/metrics/item", id="10.5555/kg-sample.data").json()["citing_page"]["limit"] == 20


def test_item_metrics_roll_the_tool_up_over_its_versions(live: Live) -> None:
    body = api(live, "/api/metrics/item", id="10.5555/kg-sample.tool").json()
    assert body["all_versions"]["total"] == 4
    assert body["all_versions"]["by_year"] == {"2020": 1, "2021": 1, "2022": 2}
    assert len(body["versions"]) == 4  # the concept and its three versions


def test_item_metrics_as_csv(live: Live) -> None:
    answer = api(live, "/api/metrics/item", id="10.5555/kg-sample.data", format="csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["subject", "metric", "key", "value"]
    assert [DATA, "citations.total", "", "4"] in rows


def test_funder_metrics_of_nsf(live: Live) -> None:
    body = api(live, "/api/metrics/funder", id="10.13039/100000001").json()
    # NSF's Funder ID and its ROR ID (the sample's ROR record says they are one body)
    assert body["subjects"] == ["https://doi.org/10.13039/100000001", "https://ror.org/021nxhr62"]
    assert body["outputs"] == 6
    assert body["outputs_by_kind"] == {"Dataset": 1, "ScholarlyArticle": 2, "SoftwareSourceCode": 3}
    assert body["top"][0] == {"iri": DATA, "kind": "Dataset", "citations": 4, "all_versions": 4}
    rows = list(csv.reader(io.StringIO(api(live, "/api/metrics/funder", id="funder:100000001", format="csv").text)))
    assert ["https://doi.org/10.13039/100000001 https://ror.org/021nxhr62", "outputs", "", "6"] in rows


def test_facility_metrics_by_name(live: Live) -> None:
    body = api(live, "/api/metrics/facility", id="Example Light Source").json()
    assert body["facilities"] == ["https://w3id.org/evidence-kg/facility/example-light-source"]
    assert body["entries"] == 1 and body["entries_with_raw_data"] == 1
    assert body["entry_figures"][0]["raw_data"] == [RAW]


def test_publisher_metrics_by_name(live: Live) -> None:
    body = api(live, "/api/metrics/publisher", name="example data repository").json()
    assert body["outputs"] == 1
    assert body["citing_works"] == 4


@pytest.mark.parametrize(("path", "params", "message"), [
    ("/api/metrics/funder", {"id": "10.13039/999999999"}, "nothing in the graph is named https://doi.org/10.13039/999999999"),
    ("/api/metrics/facility", {"id": "Nowhere Light Source"}, "nothing in the graph is named Nowhere Light Source"),
    ("/api/metrics/publisher", {"name": "No Such Press"}, "nothing in the graph is named No Such Press"),
    ("/api/metrics/item", {"id": "pmid:1"}, "nothing in the graph is named pmid:1"),
])
def test_metrics_of_unknown_subjects_are_404(live: Live, path: str, params: dict[str, str], message: str) -> None:
    answer = api(live, path, **params)
    assert answer.status_code == 404
    assert answer.json()["error"]["message"].startswith(message)


# -- batched summaries ----------------------------------------------------------------------------


def test_works_summarises_each_identifier_in_order_with_errors_in_place(live: Live) -> None:
    answer = requests.get(live("/api/works"), params=[("id", "PDB 6GV0"), ("id", "10.1/nothing"), ("id", "zz"),
                                                      ("id", "pmid:33462295")], timeout=30)
    works = answer.json()["works"]
    assert [w["id"] for w in works] == ["PDB 6GV0", "10.1/nothing", "zz", "pmid:33462295"]
    assert works[0]["work"]["iri"] == ENTRY and works[0]["work"]["identifiers"]["pdb"] == "6GV0"
    assert works[0]["error"] is None
    assert works[1]["work"] is None and works[1]["error"]["status"] == 404
    assert works[2]["error"]["type"] == "IdentifierError"
    assert works[3]["work"]["iri"] == A0 and works[3]["work"]["url"] == live("/works/10.1038/s41598-021-81251-2")


# -- parameter checks and hostile input -----------------------------------------------------------


@pytest.mark.parametrize(("path", "params", "message"), [
    ("/api/chain", {"id": "6gv0", "depth": "11"}, "parameter 'depth' must be a whole number between 0 and 10"),
    ("/api/chain", {"id": "6gv0", "depth": "-1"}, "parameter 'depth' must be a whole number between 0 and 10"),
    ("/api/chain", {"id": "6gv0", "fanout": "100000"}, "parameter 'fanout' must be a whole number between 1 and 100"),
    ("/api/chain", {"id": "6gv0", "format": "graphml"}, "parameter 'format' must be one of json, node-link"),
    ("/api/chain", {"id": "6gv0", "all_citations": "yes"}, "parameter 'all_citations' must be one of false, true"),
    ("/api/related", {"id": "6gv0", "limit": "1e9"}, "parameter 'limit' must be a whole number between 1 and 100"),
    ("/api/related", {"id": "6gv0", "limit": "0"}, "parameter 'limit' must be a whole number between 1 and 100"),
    ("/api/related", {}, "parameter 'id' is required"),
    ("/api/related", {"id": " "}, "parameter 'id' is required"),
    ("/api/metrics/item", {"id": "6gv0", "format": "xlsx"}, "parameter 'format' must be one of json, csv"),
    ("/api/metrics/item", {"id": "6gv0", "citing_limit": "0"},
     "parameter 'citing_limit' must be a whole number between 1 and 100"),
    ("/api/metrics/item", {"id": "6gv0", "citing_offset": "-1"}, "parameter 'citing_offset' must be a whole number"),
    ("/api/metrics/publisher", {"id": "x"}, "parameter 'name' is required: give a publisher's name or IRI"),
    ("/api/metrics/funder", {}, "parameter 'id' is required: give a Crossref Funder ID (10.13039/...) or a ROR ID"),
    ("/api/metrics/facility", {}, "parameter 'id' is required: give a facility's or instrument's name, slug or IRI"),
    ("/api/works", {}, "parameter 'id' is required"),
    ("/api/related", {"id": "6gv0", "limit": ["5", "6"]}, "parameter 'limit' is given 2 times; give it once"),
    ("/api/chain", {"id": ["6gv0", "1cbs"]}, "parameter 'id' is given 2 times; give it once"),
    ("/api/works", {"id": ["6gv0"] * 101}, "parameter 'id' is given 101 times; at most 100 are accepted"),
    ("/api/related", {"id": "10.1/" + "x" * 10_000}, "parameter 'id' is 10005 characters long; at most 2000"),
])
def test_bad_parameters_are_400_naming_the_parameter(live: Live, path: str, params: dict[str, object],
                                                     message: str) -> None:
    answer = api(live, path, **params)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "BadRequestError" and error["status"] == 400
    assert error["message"].startswith(message)


def test_a_works_doi_asked_as_a_funder_is_a_400_saying_so(live: Live) -> None:
    answer = api(live, "/api/metrics/funder", id="10.5555/kg-sample.data")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == ("not a valid Crossref Funder ID: '10.5555/kg-sample.data' (it names "
                                                 "a work, not a funder: give a Crossref Funder ID (10.13039/...) or a "
                                                 "ROR ID)")


def _snapshot(live: Live) -> list[object]:
    return [api(live, "/api/metrics/item", id="10.5555/kg-sample.data").json(),
            api(live, "/api/chain", id="pmid:33462295").json(),
            api(live, "/api/metrics/funder", id="10.13039/100000001").json()]


@pytest.mark.parametrize("path", ["/api/related", "/api/chain", "/api/metrics/item", "/api/metrics/funder",
                                  "/api/metrics/facility", "/api/works"])
@pytest.mark.parametrize("identifier", [
    "10.1/x> } ; DROP ALL #", '10.1/x" } ; DROP ALL #', "10.1/x'} ; CLEAR DEFAULT #",
    'Example" } UNION { ?s ?p ?o } #', "10.1/" + "x" * 10_000,
])
def test_hostile_identifiers_get_4xx_and_leave_the_store_unchanged(live: Live, path: str, identifier: str) -> None:
    before = _snapshot(live)
    answer = api(live, path, id=identifier)
    if path == "/api/works":
        assert answer.status_code == 200
        assert answer.json()["works"][0]["error"]["status"] in (400, 404)
    else:
        assert answer.status_code in (400, 404), answer.text
        assert set(answer.json()["error"]) == {"status", "type", "message"}
    assert _snapshot(live) == before
    assert api(live, "/healthz").json()["status"] == "ok"


def test_cors_headers_are_sent_to_the_configured_origin(live: Live) -> None:
    answer = requests.get(live("/api/chain"), params={"id": "6gv0"}, headers={"Origin": "http://portal.example"},
                          timeout=30)
    assert answer.headers["access-control-allow-origin"] == "http://portal.example"
    error = requests.get(live("/api/chain"), headers={"Origin": "http://portal.example"}, timeout=30)
    assert error.status_code == 400
    assert error.headers["access-control-allow-origin"] == "http://portal.example"
