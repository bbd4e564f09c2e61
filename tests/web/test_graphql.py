"""/graphql over HTTP against the live service on both backends, with a plain HTTP GraphQL client
(requests POSTing JSON): every example operation of graphql/examples/ gives the sample graph's
facts (samples/README.md), and hostile documents get clear errors while the server keeps serving."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.web.conftest import SAMPLES, Live, Tab, writable_service

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql" / "examples"
D = "https://doi.org/10.5555/kg-sample.data"
NSF = "https://doi.org/10.13039/100000001"


def post(live: Live, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = requests.post(live("/graphql"), json={"query": query, "variables": variables or {}}, timeout=30)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def data(live: Live, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = post(live, query, variables)
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]
    return found


def check_portal_related_items(d: dict[str, Any]) -> None:
    related = {r["work"]["id"]: r for r in d["work"]["relatedItems"]}
    assert related, "D has related items"
    # D and the tool are cited together by P2, P3 and P4
    tool = related["https://doi.org/10.5555/kg-sample.tool"]
    assert {"kind": "co-citation", "text": "cited together by 3 works", "count": 3} in tool["reasons"]
    # P3 is supplemented by D: a direct link
    assert any(r["kind"] == "link" for r in related["https://doi.org/10.5555/kg-sample.p3"]["reasons"])
    # ... and it is evidence: P3 ranks first
    assert d["work"]["relatedItems"][0]["work"]["id"] == "https://doi.org/10.5555/kg-sample.p3"


def check_analyst_citations_over_time(d: dict[str, Any]) -> None:
    work = d["work"]
    assert work["citationCount"] == 4
    assert work["citationsOverTime"] == [{"year": 2021, "total": 1}, {"year": 2022, "total": 2},
                                         {"year": 2023, "total": 1}]
    citations = work["citations"]
    assert citations["totalCount"] == 4 and not citations["pageInfo"]["hasNextPage"]
    assert [e["node"]["doi"] for e in citations["edges"]] == [f"10.5555/kg-sample.p{n}" for n in (2, 3, 4, 5)]
    for edge in citations["edges"]:
        assert edge["relationTypes"] == ["IsCitedBy"]
        assert [p["source"] for p in edge["provenance"]] == ["crossref"]
        assert edge["provenance"][0]["retrievedAt"]


def check_commons_related_content(d: dict[str, Any]) -> None:
    # DataCite Commons' query, every filter null: D's four citing papers among everything related to it
    work = d["work"]
    assert work["doi"] == "10.5555/kg-sample.data" and work["types"]["resourceTypeGeneral"] == "Dataset"
    citing = {n["doi"] for n in work["citations"]["nodes"]}
    assert work["citations"]["totalCount"] == len(citing) == 4
    assert citing <= {n["doi"] for n in work["allRelated"]["nodes"]}


def check_funder_outputs_and_metrics(d: dict[str, Any]) -> None:
    funder = d["funder"]
    assert funder["id"] == NSF and funder["name"] == "National Science Foundation"
    # R is funded by NSF's ROR ID, one funder with its Funder ID by NSF's ROR record
    assert sorted(n["doi"] for n in funder["works"]["nodes"]) == [
        "10.5555/kg-sample.article", "10.5555/kg-sample.data", "10.5555/kg-sample.p5", "10.5555/kg-sample.tool.v1",
        "10.5555/kg-sample.tool.v2", "10.5555/kg-sample.tool.v3"]
    assert funder["works"]["totalCount"] == 6
    metrics = funder["metrics"]
    assert metrics["outputCount"] == 6
    assert metrics["top"][0] == {"work": {"doi": "10.5555/kg-sample.data"}, "citationCount": 4,
                                 "allVersionsCitationCount": 4}


def check_journalist_evidence_chain(d: dict[str, Any]) -> None:
    chain = d["work"]["evidenceChain"]
    assert [(n["work"]["doi"], n["depth"]) for n in chain["nodes"]] == [
        ("10.1038/s41598-021-81251-2", 0), ("10.2210/pdb6gv0/pdb", 1), ("10.5281/zenodo.4456817", 2)]
    hops = [(h["from"]["doi"], h["to"]["doi"], h["evidence"], h["role"]) for h in chain["hops"]]
    assert hops == [("10.1038/s41598-021-81251-2", "10.2210/pdb6gv0/pdb", "kg:reliesOnData", "data"),
                    ("10.2210/pdb6gv0/pdb", "10.5281/zenodo.4456817", "kg:reliesOnData", "data")]
    first, second = chain["hops"]
    assert [(p["source"], p["graph"]) for p in first["provenance"]] == [
        ("pdbe", "https://w3id.org/evidence-kg/graph/pdbe/6gv0/publications")]
    assert [(p["source"], p["graph"]) for p in second["provenance"]] == [
        ("pdbe", "https://w3id.org/evidence-kg/graph/pdbe/6gv0/related_experiment_data")]
    assert first["relations"][0]["property"] == "kg:isSupplementTo"
    assert all(p["retrievedAt"] and p["derivedFrom"] for h in chain["hops"] for p in h["provenance"])


def check_pdb_structure_raw_data(d: dict[str, Any]) -> None:
    entry = d["dataset"]
    assert entry["doi"] == "10.2210/pdb6gv0/pdb"
    s = entry["structure"]
    assert s["pdbId"] == "6GV0" and s["methods"] == ["X-ray diffraction"] and s["resolution"] == 2.3
    assert s["facility"]["name"] == "Example Light Source" and s["beamline"]["name"] == "BL-1"
    assert [(r["node"]["doi"], r["node"]["types"]["resourceType"]) for r in s["rawData"]] == [
        ("10.5281/zenodo.4456817", "diffraction image data")]
    assert s["rawData"][0]["relationTypes"] == ["IsDerivedFrom"]
    assert [p["source"] for p in s["rawData"][0]["provenance"]] == ["pdbe"]
    assert [p["doi"] for p in s["primaryPublications"]] == ["10.1038/s41598-021-81251-2"]


def check_software_versions_rolled_up(d: dict[str, Any]) -> None:
    tool = d["software"]
    assert tool["versionCount"] == 3
    assert [(v["doi"], v["version"], v["publicationYear"]) for v in tool["versions"]["nodes"]] == [
        ("10.5555/kg-sample.tool.v1", "1.0", 2019), ("10.5555/kg-sample.tool.v2", "1.1", 2020),
        ("10.5555/kg-sample.tool.v3", "2.0", 2022)]
    metrics = tool["metrics"]
    # P1, P2, P3, P4 cite some version; none cites the concept DOI itself
    assert metrics["citationCount"] == 0 and metrics["allVersionsCitationCount"] == 4
    assert metrics["allVersionsCitationsOverTime"] == [{"year": 2020, "total": 1}, {"year": 2021, "total": 1},
                                                       {"year": 2022, "total": 2}]
    assert len(metrics["versionsRolledUp"]) == 4


def check_dataset_search(d: dict[str, Any]) -> None:
    found = d["datasets"]
    assert found["totalCount"] == 2
    assert [n["doi"] for n in found["nodes"]] == ["10.2210/pdb6gv0/pdb", "10.5555/kg-sample.data"]
    data_set = found["nodes"][1]
    assert data_set["publisher"] == "Example Data Repository"
    assert data_set["types"] == {"resourceTypeGeneral": "Dataset", "resourceType": "sample measurements",
                                 "schemaOrg": "Dataset"}
    assert data_set["fundingReferences"] == [{"funderIdentifier": NSF, "funderName": "National Science Foundation",
                                              "awardNumber": "DEB-0000002"}]


def check_journalist_trace_claim(d: dict[str, Any]) -> None:
    found = d["traceClaim"]
    assert found["sourceKind"] == "news"
    [claim] = found["claims"]
    assert claim["stored"] is True
    assert claim["mentions"] == [{"text": "doi:10.1038/s41598-021-81251-2", "kind": "doi", "status": "resolved",
                                  "reason": None}]
    [match] = claim["works"]
    assert (match["score"], match["method"]) == (1.0, "identifier:doi")
    hops = match["work"]["evidenceChain"]["hops"]
    assert [(h["from"]["doi"], h["to"]["doi"]) for h in hops] == [
        ("10.1038/s41598-021-81251-2", "10.2210/pdb6gv0/pdb"), ("10.2210/pdb6gv0/pdb", "10.5281/zenodo.4456817")]
    assert all(h["provenance"][0]["source"] == "pdbe" for h in hops)
    assert match["work"]["claims"] == [{"text": claim["text"], "sourceKind": "news",
                                        "appearance": "https://news.example/insulin-structure",
                                        "method": "identifier:doi"}]


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    name.removeprefix("check_"): check for name, check in dict(globals()).items() if name.startswith("check_")}


def test_every_example_has_its_check() -> None:
    names = sorted(p.stem for p in EXAMPLES.glob("*.graphql"))
    assert len(names) >= 7
    assert names == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_operation_gives_the_sample_facts(tmp_path: Path, live: Live, name: str) -> None:
    operation = (EXAMPLES / f"{name}.graphql").read_text("utf-8")
    if re.search(r"^mutation\b", operation, re.MULTILINE) is None:
        CHECKS[name](data(live, operation))
        return
    # a mutation writes: it runs on a service of its own, on the same backend, not the shared read-only one
    with writable_service(live.backend, tmp_path) as service:
        CHECKS[name](data(service, operation))


def test_a_connection_pages_with_its_end_cursor(live: Live) -> None:
    query = "query($after: String) { works(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } " \
            "nodes { id } } }"
    seen: list[str] = []
    after = None
    while True:
        page = data(live, query, {"after": after})["works"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len(set(seen)) >= 14
    assert D in seen


def test_the_evidence_chain_reads_each_hop_and_counts_the_citations(live: Live) -> None:
    query = """query ($all: Boolean!) { work(id: "10.5555/kg-sample.p3") {
        evidenceChain(maxDepth: 1, allCitations: $all) { citationLimit
          nodes { citations citationsListed } hops { to { id } label basis rule } }
        relatedItems(first: 1) { tier reasons { kind text label strength } } } }"""
    work = data(live, query, {"all": False})["work"]
    chain = work["evidenceChain"]
    assert chain["citationLimit"] == 10 and chain["nodes"][0] == {"citations": 2, "citationsListed": 2}
    assert [(h["label"], h["basis"], h["rule"]) for h in chain["hops"]] == [
        ("supplemented by data", "stated", None), ("cites", "stated", None), ("cites", "stated", None)]
    assert data(live, query, {"all": True})["work"]["evidenceChain"]["citationLimit"] is None
    (first,) = work["relatedItems"]
    assert first["tier"] == "evidence"
    assert first["reasons"][0] == {"kind": "evidence", "text": "is supplement to it", "label": "is supplement to",
                                   "strength": None}


def test_graphiql_is_served_to_a_browser(live: Live) -> None:
    answer = requests.get(live("/graphql"), headers={"Accept": "text/html"}, timeout=10)
    assert answer.status_code == 200
    assert "text/html" in answer.headers["content-type"]
    assert "graphiql" in answer.text.lower()
    scripts = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
    assert len(scripts) == 5 and not [s for s in scripts if "//" in s], "no CDN: every asset is served here"
    for path in scripts:
        asset = requests.get(live("/" + path), timeout=10)
        assert asset.status_code == 200 and len(asset.content) > 500, path


HOSTILE = {
    "too deep": ("{ work(id: \"10.5555/kg-sample.data\") { citations { nodes { citations { nodes { citations { "
                 "nodes { citations { nodes { citations { nodes { id } } } } } } } } } } } }",
                 "exceeds maximum operation depth of 10"),
    "too many aliases": ("{ " + " ".join(f"a{i}: work(id: \"10.5555/kg-sample.data\") {{ id }}" for i in range(31))
                         + " }", "31 aliases found. Allowed: 30"),
    "too many tokens": ("{ " + "work(id: \"10.5555/kg-sample.data\") { id } " * 300 + "}",
                        "Document contains more than 2000 tokens"),
    "too costly": ("{ works(first: 100) { nodes { citations(first: 100) { nodes { references(first: 100) { nodes { "
                   "citations(first: 100) { nodes { id } } } } } } } } }",
                   "the query could resolve about 102,020,201 objects, more than the limit of 50,000"),
    "huge first": ("{ works(first: 1000000) { totalCount } }",
                   "parameter 'first' must be between 1 and 100 (value: 1000000)"),
    "SPARQL in an id": ("{ work(id: \"10.1/x> } ; DROP ALL #\") { id } }",
                        "nothing in the graph is named https://doi.org/10.1/x%3E%20%7D%20;%20drop%20all%20%23"),
    "quotes in an id": ("{ work(id: \"10.1/x\\\" . ?s ?p ?o '\") { id } }", "nothing in the graph is named"),
    "quotes in a search": ("{ works(query: \"x\\\")) } DROP ALL #\") { totalCount } }", None),
    "malformed document": ("{ work(id: ", "Syntax Error"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_documents_get_clear_errors_and_change_nothing(live: Live, case: str) -> None:
    query, message = HOSTILE[case]
    body = post(live, query)
    if message is None:
        assert body == {"data": {"works": {"totalCount": 0}}}
    else:
        assert len(body["errors"]) == 1 and message in body["errors"][0]["message"]
        assert "Traceback" not in str(body) and "/kg/" not in str(body)
    after = data(live, "{ works(first: 1) { totalCount } work(id: \"10.5555/kg-sample.data\") { citationCount } }")
    assert after["works"]["totalCount"] >= 14 and after["work"]["citationCount"] == 4


def test_graphiql_runs_a_query_in_a_browser(live: Live, tab: Tab) -> None:
    page = tab.page
    page.goto(live("/graphql"))
    page.wait_for_selector(".graphiql-container", timeout=20_000)
    page.click(".graphiql-execute-button")
    # a function, not an expression: the page's Content-Security-Policy refuses eval, and so an expression
    page.wait_for_function("() => document.querySelector('.graphiql-response')?.innerText.includes('citationCount')",
                           timeout=20_000)
    answer = page.inner_text(".graphiql-response")
    assert '"citationCount": 4' in answer and '"year": 2022' in answer
    assert tab.errors == []
    tab.screenshot("graphiql")


def test_source_counts_are_labelled_with_what_they_count_their_source_and_date(live: Live) -> None:
    page = json.loads((SAMPLES / "crossref" / "kg-sample-papers-page.json").read_text("utf-8"))
    record = next(i for i in page["message"]["items"] if i["DOI"] == "10.5555/kg-sample.p4")
    found = data(live, """{ work(id: "10.5555/kg-sample.p4") { referenceCount
        metrics { citationCount sourceCounts { work metric source count retrieved graph } } } }""")["work"]
    counts = found["metrics"]["sourceCounts"]
    assert [(c["metric"], c["source"], c["count"]) for c in counts] == [
        ("references", "crossref", record["reference-count"])]
    assert counts[0]["work"] == "https://doi.org/10.5555/kg-sample.p4"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", counts[0]["retrieved"])
    assert counts[0]["graph"] == "https://w3id.org/evidence-kg/graph/crossref/10.5555/kg-sample.p4"
