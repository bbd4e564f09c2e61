"""DataCite Commons' "related content" query (graphql/examples/commons_related_content.graphql, its operation
text as Commons sends it) over the real corpus (``../shared/realdata``): it validates, answers with every filter
null, and each filter it sends either filters (``license``, ``repositoryId``, ``registrationAgency``: by the agency
kg knows, saying how many works it knows none of) or, given a value kg holds no data for (``fieldOfScience``,
``language``, a DataCite account ID), answers an error naming the argument, never the unfiltered list.
Expectations are read from the records' JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graphql import parse, validate
from kg.store import Store
from kg.web.config import Settings
from kg.web.graphql.schema import build_schema
from tests.loaders.test_realdata import REALDATA
from tests.web.test_graphql_datacite import execute

QUERY = (Path(__file__).resolve().parents[2] / "graphql" / "examples" / "commons_related_content.graphql").read_text(
    "utf-8")
ELIFE = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"
PANGAEA = REALDATA / "datacite" / "dois" / "10.1594_pangaea.836178.json"
CONNECTIONS = ("allRelated", "citations", "references", "parts", "partOf", "otherRelated")


def _answer(store: Store, **variables: Any) -> tuple[dict[str, Any] | None, list[str]]:
    result = execute(store, QUERY, variables)
    return (result.data or {}).get("work"), [e.message for e in result.errors or []]


def _dois(connection: dict[str, Any]) -> set[str]:
    return {n["doi"].lower() for n in connection["nodes"]}


def test_the_commons_query_validates() -> None:
    assert [e.message for e in validate(build_schema(Settings())._schema, parse(QUERY))] == []


@pytest.mark.realdata
def test_unfiltered_it_lists_what_the_records_state(corpus: Store) -> None:
    elife: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    work, errors = _answer(corpus, id=elife["DOI"])
    assert errors == [] and work is not None
    cited = {r["DOI"].lower() for r in elife["reference"] if r.get("DOI")}
    assert work["references"]["totalCount"] == len(cited) and _dois(work["references"]) <= cited
    pangaea: dict[str, Any] = json.loads(PANGAEA.read_text("utf-8"))["data"]
    work, errors = _answer(corpus, id=pangaea["attributes"]["doi"])
    assert errors == [] and work is not None
    citing = {c["id"].lower() for c in pangaea["relationships"]["citations"]["data"]}
    assert work["citations"]["totalCount"] == len(citing) == pangaea["attributes"]["citationCount"]
    assert _dois(work["citations"]) == citing


@pytest.mark.realdata
def test_license_filters_by_url_or_spdx_id(corpus: Store) -> None:
    elife: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    (supplement,) = [r["id"] for r in elife["relation"]["is-supplemented-by"]]
    (licence,) = {lc["URL"] for lc in elife["license"]}
    assert licence == "http://creativecommons.org/licenses/by/3.0/"
    for given, found in ((licence, {elife["DOI"].lower()}), ("CC-BY-3.0", {elife["DOI"].lower()}),
                         ("cc-by-4.0", set())):
        work, errors = _answer(corpus, id=supplement, license=given)
        assert errors == [] and work is not None, given
        assert _dois(work["citations"]) == found and work["citations"]["totalCount"] == len(found), given


@pytest.mark.realdata
def test_repository_id_filters_by_kgs_table_of_repositories(corpus: Store) -> None:
    elife: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    work, errors = _answer(corpus, id=elife["DOI"], repositoryId="Dryad")
    assert errors == [] and work is not None
    dryad = {r["DOI"].lower() for r in elife["reference"] if r.get("DOI", "").startswith("10.5061/")}
    assert dryad and _dois(work["references"]) == dryad and work["references"]["totalCount"] == len(dryad)
    assert all(d.startswith("10.5061/") for c in CONNECTIONS for d in _dois(work[c]))
    same, errors = _answer(corpus, id=elife["DOI"], repositoryId="10.5061")
    assert errors == [] and same == work
    # DataCite's account IDs name nothing kg holds: an error naming the argument, not every related work
    work, errors = _answer(corpus, id=elife["DOI"], repositoryId="dryad.dryad")
    assert work is None and errors and all("'repositoryId'" in e and "dryad.dryad" in e for e in errors)


@pytest.mark.realdata
@pytest.mark.parametrize(("argument", "value"), [("fieldOfScience", "Biological sciences"), ("language", "en")])
def test_a_filter_kg_holds_no_data_for_names_itself(corpus: Store, argument: str, value: str) -> None:
    work, errors = _answer(corpus, id="10.7554/elife.01567", **{argument: value})
    assert work is None and errors  # the connections are non-null: the first error nulls the work
    assert all(f"parameter {argument!r} cannot be applied" in e and value in e for e in errors)


AGENCY_QUERY = """query($id: ID!, $agency: String) { work(id: $id) {
  references(first: 100, registrationAgency: $agency) { totalCount registrationAgencyUnknown nodes { doi } } } }"""


def _agencies() -> dict[str, str]:
    """DOI or DOI prefix -> registration agency, as the corpus says: doi-ra lookups of whole DOIs (``doi:``) and of
    prefixes (``prefix:``), and the DOIs of records from Crossref's and DataCite's own APIs (``record:``)."""
    found: dict[str, str] = {}
    for path in (REALDATA / "doi-ra").glob("*.json"):
        for item in json.loads(path.read_text("utf-8")):
            if item.get("RA") and item["RA"] != "Unknown":
                kind = "prefix" if "/" not in item["DOI"] else "doi"
                found[f"{kind}:{item['DOI'].lower()}"] = item["RA"]
    for path in [*(REALDATA / "crossref").glob("works*/*.json")]:
        message = json.loads(path.read_text("utf-8"))["message"]
        for item in message.get("items", []) if "items" in message else [message]:
            found[f"record:{item['DOI'].lower()}"] = "Crossref"
    for path in [*(REALDATA / "datacite").glob("dois*/*.json")]:
        data = json.loads(path.read_text("utf-8"))["data"]
        for item in data if isinstance(data, list) else [data]:
            found[f"record:{item['attributes']['doi'].lower()}"] = "DataCite"
    return found


def _agency(doi: str, known: dict[str, str]) -> str | None:
    """The first of: the DOI's own lookup, a record of it from Crossref or DataCite, its prefix's lookup."""
    return next((known[k] for k in (f"doi:{doi}", f"record:{doi}", f"prefix:{doi.split('/', 1)[0]}") if k in known),
                None)


@pytest.mark.realdata
def test_registration_agency_filters_by_the_agency_kg_knows_and_counts_the_unknown(corpus: Store) -> None:
    elife: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    cited = sorted({r["DOI"].lower() for r in elife["reference"] if r.get("DOI")})
    known = _agencies()
    by_agency = {d: _agency(d, known) for d in cited}
    unknown = sum(1 for a in by_agency.values() if a is None)
    assert unknown and {"Crossref", "DataCite"} <= set(by_agency.values())  # the filter has each case to tell apart
    for given, agency in (("crossref", "Crossref"), ("datacite", "DataCite"), ("DataCite", "DataCite"),
                          ("medra", "mEDRA")):
        result = execute(corpus, AGENCY_QUERY, {"id": elife["DOI"], "agency": given})
        assert result.errors is None, given
        references = result.data["work"]["references"]  # type: ignore[index]
        expected = {d for d, a in by_agency.items() if a == agency}
        assert references["totalCount"] == len(expected), given
        assert {n["doi"].lower() for n in references["nodes"]} == expected, given
        assert references["registrationAgencyUnknown"] == unknown, given
    unfiltered = execute(corpus, AGENCY_QUERY, {"id": elife["DOI"]})
    assert unfiltered.data["work"]["references"]["registrationAgencyUnknown"] is None  # type: ignore[index]


@pytest.mark.realdata
def test_a_registration_agency_kg_does_not_know_of_names_the_argument(corpus: Store) -> None:
    result = execute(corpus, AGENCY_QUERY, {"id": "10.7554/elife.01567", "agency": "handle.net"})
    assert result.data is None or result.data["work"] is None
    assert result.errors and "'registrationAgency'" in result.errors[0].message
    assert "crossref, datacite" in result.errors[0].message


FIELD_QUERY = """query($id: ID!) { work(id: $id) { registrationAgency { id name }
  references(first: 100) { nodes { doi registrationAgency { id name } } } } }"""


@pytest.mark.realdata
def test_a_works_registration_agency_is_the_one_the_filter_reads(corpus: Store) -> None:
    elife: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    known = _agencies()
    result = execute(corpus, FIELD_QUERY, {"id": elife["DOI"]})
    assert result.errors is None
    work = result.data["work"]  # type: ignore[index]
    assert work["registrationAgency"] == {"id": "crossref", "name": "Crossref"}  # a record from Crossref's API
    found = {n["doi"].lower(): n["registrationAgency"] for n in work["references"]["nodes"]}
    cited = {r["DOI"].lower() for r in elife["reference"] if r.get("DOI")}
    assert set(found) == cited
    for doi, agency in found.items():
        name = _agency(doi, known)
        # DataCite's ids are its agencies' names, lower case (crossref, datacite, medra, jalc)
        assert agency == (None if name is None else {"id": name.lower(), "name": name}), doi
    assert None in found.values() and len({a["id"] for a in found.values() if a}) >= 2


LIST_QUERY = """query($ids: [ID!], $agency: String) { works(ids: $ids, first: 100, registrationAgency: $agency) {
  totalCount registrationAgencyUnknown registrationAgencies { id title count } nodes { doi } } }"""


def _record_dois() -> list[str]:
    """DOIs of works the corpus holds a record of: Crossref's, DataCite's and Zenodo's own (each a work kg
    describes), at most 100 (a page of ids)."""
    crossref = [json.loads(p.read_text("utf-8"))["message"]["DOI"] for p in sorted(
        (REALDATA / "crossref" / "works").glob("*.json"))]
    datacite = [json.loads(p.read_text("utf-8"))["data"]["attributes"]["doi"] for p in sorted(
        (REALDATA / "datacite" / "dois").glob("*.json"))]
    zenodo = [json.loads(p.read_text("utf-8"))["doi"] for p in sorted((REALDATA / "zenodo" / "records").glob("*.json"))]
    return sorted({d.lower() for d in crossref[:40] + datacite[:40] + zenodo[:20]})


@pytest.mark.realdata
def test_a_root_list_filters_by_registration_agency_with_its_facet(corpus: Store) -> None:
    dois = _record_dois()
    known = _agencies()
    by_agency = {d: _agency(d, known) for d in dois}
    assert {"Crossref", "DataCite"} <= set(by_agency.values())
    unknown = sum(1 for a in by_agency.values() if a is None)
    every = execute(corpus, LIST_QUERY, {"ids": dois})
    assert every.errors is None
    works = every.data["works"]  # type: ignore[index]
    assert works["totalCount"] == len(dois) and works["registrationAgencyUnknown"] is None
    counts = Counter(a for a in by_agency.values() if a is not None)
    assert works["registrationAgencies"] == [{"id": a.lower(), "title": a, "count": n}
                                             for a, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    for given, agency in (("crossref", "Crossref"), ("DataCite", "DataCite")):
        result = execute(corpus, LIST_QUERY, {"ids": dois, "agency": given})
        assert result.errors is None, given
        works = result.data["works"]  # type: ignore[index]
        expected = {d for d, a in by_agency.items() if a == agency}
        assert {n["doi"].lower() for n in works["nodes"]} == expected and works["totalCount"] == len(expected), given
        assert works["registrationAgencyUnknown"] == unknown, given
        assert works["registrationAgencies"] == [{"id": agency.lower(), "title": agency, "count": len(expected)}]
    wrong = execute(corpus, LIST_QUERY, {"ids": dois, "agency": "handle.net"})
    assert wrong.errors and "'registrationAgency'" in wrong.errors[0].message
