"""/api/scholix/links: links as Scholix packages, shaped like ScholeXplorer's ``Links`` API (the app in
process over the samples), valid against the Scholix JSON schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.test_link_packages import assert_valid

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = Store.open(None)
    assert load(store, read_paths([SAMPLES])).rejected == 0
    with TestClient(create_app(store)) as c:
        yield c


def test_the_links_of_a_source_pid_are_one_page_of_scholix(client: TestClient) -> None:
    answer = client.get("/api/scholix/links", params={"sourcePid": "PDB 6GV0"})
    assert answer.status_code == 200
    body = answer.json()
    assert sorted(body) == ["currentPage", "result", "totalLinks", "totalPages"]
    assert (body["currentPage"], body["totalPages"]) == (0, 1)
    assert body["totalLinks"] == len(body["result"]) >= 2
    assert_valid(body["result"])
    assert {p["LinkProvider"][0]["name"] for p in body["result"]} == {"PDBe"}


def test_target_relation_provider_and_page_filter_the_links(client: TestClient) -> None:
    body = client.get("/api/scholix/links", params={"targetPid": "10.5555/kg-sample.data",
                                                    "relation": "References"}).json()
    assert body["totalLinks"] >= 1
    assert {p["RelationshipType"]["Name"] for p in body["result"]} == {"References"}
    assert {p["Target"]["Identifier"]["ID"] for p in body["result"]} == {"10.5555/kg-sample.data"}
    by_provider = client.get("/api/scholix/links", params={"sourcePid": "10.5555/kg-sample.tool",
                                                           "linkProvider": "zenodo"}).json()
    assert by_provider["totalLinks"] == 3
    assert all(any(p["name"] == "Zenodo" for p in x["LinkProvider"]) for x in by_provider["result"])
    assert client.get("/api/scholix/links", params={"sourcePid": "10.5555/kg-sample.tool",
                                                    "linkProvider": "Crossref"}).json()["totalLinks"] == 0
    beyond = client.get("/api/scholix/links", params={"sourcePid": "PDB 6GV0", "page": 5}).json()
    assert (beyond["currentPage"], beyond["result"]) == (5, [])


@pytest.mark.parametrize(("params", "parameter"), [
    ({}, "sourcePid"), ({"linkProvider": "Crossref"}, "sourcePid"), ({"sourcePid": "doi:11.1/x"}, None),
    ({"sourcePid": "PDB 6GV0", "page": "-1"}, "page"),
    ({"sourcePid": "PDB 6GV0", "relation": "IsFriendOf"}, "relation"),
])
def test_bad_parameters_are_400_naming_them(client: TestClient, params: dict[str, str], parameter: str | None) -> None:
    answer = client.get("/api/scholix/links", params=params)
    assert answer.status_code == 400
    if parameter:
        assert f"parameter '{parameter}'" in answer.json()["error"]["message"]


def test_an_unknown_pid_has_no_links(client: TestClient) -> None:
    body = client.get("/api/scholix/links", params={"sourcePid": "10.1/nothing"}).json()
    assert (body["totalLinks"], body["result"]) == (0, [])
