"""DataCite's own queries as analysts copy them (graphql/examples/datacite/, each with its source in the README
there), run against kg on the real corpus (``../shared/realdata``): each validates and answers, or answers an
error naming each field kg holds no data for, and why (never a silently empty or unfiltered answer).
Expectations are computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graphql import parse, validate
from kg.store import Store
from kg.web.config import Settings
from kg.web.graphql.cost import Sizes, estimate
from kg.web.graphql.schema import build_schema
from kg.web.graphql.unheld import UNHELD
from tests.kg.metrics.test_real_hierarchy import _funded_by
from tests.loaders.test_realdata import REALDATA
from tests.web.conftest import unlisted_queries
from tests.web.test_graphql_commons import _agencies, _agency
from tests.web.test_graphql_datacite import execute

EXAMPLES = Path(__file__).resolve().parents[2] / "graphql" / "examples" / "datacite"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.graphql"))
#: the examples kg refuses, and the fields each is refused for (kg holds no data for them)
REFUSED = {"lupo_works_by_registration_agency": {"totalCountFromCrossref", "languages", "registered", "language"},
           "lupo_works_by_license": {"registered"},
           "commons_work_metadata": {"schemaOrg"}}


def run(store: Store, name: str) -> tuple[dict[str, Any] | None, list[str]]:
    path = EXAMPLES / f"{name}.variables.json"
    variables: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    result = execute(store, (EXAMPLES / f"{name}.graphql").read_text("utf-8"), variables)
    return result.data, [e.message for e in result.errors or []]


def _datacite(doi: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((REALDATA / "datacite" / "dois" / f"{doi.replace('/', '_')}.json").read_text(
        "utf-8"))["data"]
    return found


def test_each_example_is_listed_with_its_source() -> None:
    assert len(NAMES) >= 5
    assert unlisted_queries(EXAMPLES, NAMES) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_example_validates_or_names_what_kg_does_not_hold(name: str) -> None:
    schema = build_schema(Settings())._schema
    document = parse((EXAMPLES / f"{name}.graphql").read_text("utf-8"))
    refused = {e.message.split("'")[1] for e in validate(schema, document)}
    assert refused == REFUSED.get(name, set())
    assert refused <= set(UNHELD)
    if not refused:
        assert estimate(schema, document, Sizes()) <= Settings().graphql_max_cost // 4


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_example_says_what_kg_does_not_hold(corpus: Store, name: str) -> None:
    data, errors = run(corpus, name)
    assert data is None and len(errors) == len(REFUSED[name])
    for field in REFUSED[name]:
        (message,) = [e for e in errors if f"field '{field}'" in e]
        assert message.endswith(UNHELD[field] + "."), message


@pytest.mark.realdata
def test_a_works_relationships_are_those_its_records_state(corpus: Store) -> None:
    data, errors = run(corpus, "lupo_work_relationships")
    assert errors == [] and data is not None
    record = _datacite("10.5438/6423")
    stated = record["attributes"]["relatedIdentifiers"]
    relationships = record["relationships"]

    def related(relation: str, listed: str) -> set[str]:
        return ({r["relatedIdentifier"].lower() for r in stated if r["relationType"] == relation}
                | {d["id"].lower() for d in relationships[listed]["data"]})

    parts, citations, part_of = related("HasPart", "parts"), related("IsCitedBy", "citations"), related(
        "IsPartOf", "partOf")
    work = data["work"]
    assert work["partCount"] == len(parts) and len(work["parts"]["nodes"]) == min(25, len(parts))
    assert {n["id"].removeprefix("https://doi.org/").lower() for n in work["parts"]["nodes"]} <= parts
    assert work["citationCount"] == len(citations)
    assert {n["id"].removeprefix("https://doi.org/") for n in work["citations"]["nodes"]} == citations
    assert work["allRelatedCount"] == len(parts | citations | part_of)
    assert work["referenceCount"] == work["versionCount"] == work["otherRelatedCount"] == 0


@pytest.mark.realdata
def test_a_funders_works_are_those_its_records_name_it_in(corpus: Store) -> None:
    data, errors = run(corpus, "lupo_funder_works")
    assert errors == [] and data is not None
    funder = data["funder"]
    own = _funded_by({"100000001", "021nxhr62"})  # the NSF by its Funder ID and its ROR ID
    assert funder["id"] == "https://doi.org/10.13039/100000001"
    works = funder["works"]
    assert works["totalCount"] == len(own) and works["pageInfo"]["hasNextPage"] == (len(own) > 25)
    assert {n["id"].removeprefix("https://doi.org/") for n in works["nodes"]} <= own
    assert sum(f["count"] for f in works["resourceTypes"]) == len(own)


@pytest.mark.realdata
def test_the_lupo_queries_arguments_filter_without_the_refused_fields(corpus: Store) -> None:
    # the spec's query without the fields kg refuses: registrationAgency filters, its facet and field agree
    query = """query($first: Int, $cursor: String, $registrationAgency: String) {
      works(first: $first, after: $cursor, registrationAgency: $registrationAgency) {
        totalCount registrationAgencyUnknown registrationAgencies { id title count } repositories { id title count }
        nodes { id doi registrationAgency { id name } } } }"""
    result = execute(corpus, query, {"first": 4, "cursor": None, "registrationAgency": "datacite"})
    assert result.errors is None
    works = result.data["works"]  # type: ignore[index]
    (facet,) = works["registrationAgencies"]
    assert facet == {"id": "datacite", "title": "DataCite", "count": works["totalCount"]}
    assert all(n["registrationAgency"] == {"id": "datacite", "name": "DataCite"} for n in works["nodes"])
    known = _agencies()
    assert all(_agency(n["doi"], known) == "DataCite" for n in works["nodes"])
    datacite = {_datacite(p.stem.replace("_", "/", 1))["attributes"]["doi"].lower()
                for p in (REALDATA / "datacite" / "dois").glob("*.json")}
    assert works["totalCount"] >= len({d for d in datacite if _agency(d, known) == "DataCite"})
    assert Counter(f["id"] for f in works["repositories"])["10.5061"] <= 1


@pytest.mark.realdata
def test_a_root_list_takes_the_license_commons_sends(corpus: Store) -> None:
    query = """query($ids: [ID!], $license: String, $language: String) {
      works(ids: $ids, first: 100, license: $license, language: $language) { totalCount nodes { doi } } }"""
    zenodo = [json.loads(p.read_text("utf-8")) for p in (REALDATA / "zenodo" / "records").glob("*.json")]
    dois = sorted({z["doi"].lower() for z in zenodo})
    licensed = {z["doi"].lower() for z in zenodo if (z["metadata"].get("license") or {}).get("id") == "cc-by-4.0"}
    assert licensed and licensed != set(dois)
    result = execute(corpus, query, {"ids": dois, "license": "cc-by-4.0"})
    assert result.errors is None
    works = result.data["works"]  # type: ignore[index]
    assert {n["doi"].lower() for n in works["nodes"]} == licensed and works["totalCount"] == len(licensed)
    refused = execute(corpus, query, {"ids": dois, "language": "en"})
    assert refused.errors and "'language' cannot be applied" in refused.errors[0].message
