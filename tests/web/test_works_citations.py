"""/works/{id} answers citations and metadata records by the media types of DOI content negotiation
(and ``?format=``), and its triples in every RDF format: the app in process over the samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rispy
from pyoxigraph import RdfFormat, parse
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.test_citing import bibtex_names, parse_bibtex

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ENTRY = "/works/10.2210/pdb6gv0/pdb"
ARTICLE = "/works/10.1038/s41598-021-81251-2"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = Store.open(None)
    assert load(store, read_paths([SAMPLES])).rejected == 0
    with TestClient(create_app(store)) as c:
        yield c


@pytest.mark.parametrize(("accept", "media"), [
    ("application/x-bibtex", "application/x-bibtex"),
    ("application/x-research-info-systems", "application/x-research-info-systems"),
    ("application/vnd.citationstyles.csl+json", "application/vnd.citationstyles.csl+json"),
    ("text/x-bibliography", "text/x-bibliography; charset=utf-8"),
    ("application/vnd.datacite.datacite+json", "application/vnd.datacite.datacite+json"),
    ("application/vnd.schemaorg.ld+json", "application/vnd.schemaorg.ld+json"),
])
def test_each_citation_media_type_is_answered_in_its_own_type(client: TestClient, accept: str, media: str) -> None:
    answer = client.get(ENTRY, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media
    assert "Accept" in answer.headers["vary"]


def test_bibtex_and_ris_parse_back(client: TestClient) -> None:
    text = client.get(ENTRY, headers={"Accept": "application/x-bibtex"}).text
    assert parse_bibtex(text).fields_dict["doi"].value == "10.2210/pdb6gv0/pdb"
    assert bibtex_names(text) == [("Sample", "A."), ("Example", "B.")]
    [record] = rispy.loads(client.get(f"{ENTRY}?format=ris").text)
    assert (record["type_of_reference"], record["year"]) == ("DATA", "2019")


def test_the_style_and_locale_come_from_the_media_type_or_the_query(client: TestClient) -> None:
    apa = client.get(ENTRY, headers={"Accept": "text/x-bibliography"}).text
    assert apa.startswith("Sample, A., & Example, B. (2019).")
    ieee = client.get(ENTRY, headers={"Accept": 'text/x-bibliography; style=ieee; locale="de-DE"'}).text
    assert "A. Sample und B. Example" in ieee
    asked = client.get(f"{ENTRY}?format=text&style=ieee&locale=en-GB").text
    assert "A. Sample and B. Example" in asked


def test_a_bad_style_or_locale_is_400_naming_the_parameter(client: TestClient) -> None:
    answer = client.get(ENTRY, headers={"Accept": "text/x-bibliography; style=no-such-style"})
    assert answer.status_code == 400
    assert "parameter 'style'" in answer.json()["error"]["message"]
    answer = client.get(f"{ENTRY}?format=text&locale=xx")
    assert answer.status_code == 400
    assert "parameter 'locale'" in answer.json()["error"]["message"]


def test_dcat_is_asked_for_by_format_and_only_for_datasets(client: TestClient) -> None:
    answer = client.get(f"{ENTRY}?format=dcat")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    types = {t.object.value for t in parse(answer.content, format=RdfFormat.TURTLE)
             if t.predicate.value.endswith("#type")}
    assert "http://www.w3.org/ns/dcat#Dataset" in types
    assert client.get(ENTRY, headers={"Accept": "text/turtle"}).text.count("dcat:") == 0
    profiled = client.get(ENTRY, headers={"Accept": "text/turtle", "Accept-Profile": "<http://www.w3.org/ns/dcat#>"})
    assert profiled.text == answer.text
    assert "Accept-Profile" in profiled.headers["vary"]
    refused = client.get(f"{ARTICLE}?format=dcat")
    assert refused.status_code == 400
    assert "describes datasets" in refused.json()["error"]["message"]
    assert "dcat" not in client.get(ARTICLE, headers={"Accept": "application/json"}).json()["formats"]
    assert "dcat" in client.get(ENTRY, headers={"Accept": "application/json"}).json()["formats"]


def test_an_unknown_work_in_a_citation_format_is_a_json_404(client: TestClient) -> None:
    answer = client.get("/works/10.1/nothing", headers={"Accept": "application/x-bibtex"})
    assert answer.status_code == 404
    assert answer.json()["error"]["type"] == "NotFoundError"


@pytest.mark.parametrize(("name", "rdf_format"), [
    ("turtle", RdfFormat.TURTLE), ("ntriples", RdfFormat.N_TRIPLES), ("nquads", RdfFormat.N_QUADS),
    ("trig", RdfFormat.TRIG), ("rdfxml", RdfFormat.RDF_XML), ("n3", RdfFormat.N3), ("jsonld", RdfFormat.JSON_LD),
])
def test_every_rdf_format_by_name_holds_the_same_statements(client: TestClient, name: str,
                                                            rdf_format: RdfFormat) -> None:
    def statements(body: bytes, fmt: RdfFormat) -> set[tuple[str, str, str]]:
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in parse(body, format=fmt)}

    reference = statements(client.get(f"{ENTRY}?format=ntriples").content, RdfFormat.N_TRIPLES)
    assert len(reference) > 10
    assert statements(client.get(f"{ENTRY}?format={name}").content, rdf_format) == reference


def test_datacite_json_by_format_name(client: TestClient) -> None:
    record = json.loads(client.get(f"{ENTRY}?format=datacite").text)
    assert record["types"]["resourceTypeGeneral"] == "Dataset"
    assert [c["familyName"] for c in record["creators"]] == ["Sample", "Example"]
