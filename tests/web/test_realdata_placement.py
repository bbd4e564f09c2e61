"""A work's volume, issue and pages on real records (``../shared/realdata``): Crossref's ``volume``,
``issue`` and ``page`` (else its ``article-number``), a Zenodo record's ``journal``, a DataCite record's
related item it ``IsPublishedIn``, and Crossref XML's journal issue and pages are the work's
``schema:volumeNumber``, ``schema:issueNumber`` and ``schema:pagination``; the page shows them after the
venue ("Heredity, 111(2), 122–130"), the JSON gives them (and GraphQL's ``container``), and the BibTeX,
RIS and CSL-JSON citations carry them. Expectations are computed from the records' JSON (and, for the
XML, its text)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import bibtexparser
import pytest
import rispy
from pyoxigraph import NamedNode
from starlette.testclient import TestClient

from kg import ids
from kg.store import Store
from kg.vocab import SCHEMA
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_graphql_datacite import execute

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

PROPS = {"volume": SCHEMA.volumeNumber, "issue": SCHEMA.issueNumber, "pages": SCHEMA.pagination}


def _crossref() -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        found = {"volume": message.get("volume"), "issue": message.get("issue"),
                 "pages": message.get("page") or message.get("article-number")}  # an article number stands for pages
        yield message["DOI"], {k: v for k, v in found.items() if v}


def _zenodo() -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted((REALDATA / "zenodo" / "records").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        journal = (record.get("metadata") or {}).get("journal") or {}
        if record.get("doi"):
            yield record["doi"], {k: journal[k] for k in ("volume", "issue", "pages") if journal.get(k)}


def _datacite() -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted((REALDATA / "datacite" / "dois").glob("*.json")):
        attributes = json.loads(path.read_text("utf-8"))["data"]["attributes"]
        for item in attributes.get("relatedItems") or []:
            if item.get("relationType") == "IsPublishedIn":
                first, last = item.get("firstPage"), item.get("lastPage")
                pages = f"{first}-{last}" if first and last and last != first else first
                found = (("volume", item.get("volume")), ("issue", item.get("issue")), ("pages", pages))
                yield attributes["doi"], {k: v for k, v in found if v}


def _unixsd() -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted((REALDATA / "crossref" / "unixsd").glob("*.xml")):
        text = path.read_text("utf-8")
        doi = re.search(r'<doi type="journal_article">([^<]+)</doi>', text)
        if doi is None:
            continue
        issue = re.search(r"<journal_issue\b[^>]*>(.*?)</journal_issue>", text, re.S)
        found = {"volume": re.search(r"<volume\b[^>]*>([^<]+)</volume>", issue[1]) if issue else None,
                 "issue": re.search(r"<issue\b[^>]*>([^<]+)</issue>", issue[1]) if issue else None,
                 "first": re.search(r"<first_page\b[^>]*>([^<]+)</first_page>", text.split("<citation_list>")[0]),
                 "last": re.search(r"<last_page\b[^>]*>([^<]+)</last_page>", text.split("<citation_list>")[0])}
        got = {k: m[1].strip() for k, m in found.items() if m}
        first, last = got.pop("first", None), got.pop("last", None)
        number = re.search(r'<item_number item_number_type="article-number">([^<]+)<', text)
        if first:
            got["pages"] = f"{first}-{last}" if last and last != first else first
        elif number:
            got["pages"] = number[1].strip()
        yield doi[1].strip(), got


def stated(store: Store, iri: str) -> dict[str, set[str]]:
    return {name: {row["v"].value for row in store.select("SELECT ?v WHERE { ?w ?p ?v }",
                                                          {"w": NamedNode(iri), "p": prop}).dicts()}
            for name, prop in PROPS.items()}


def load_folder(*folders: str) -> Store:
    s = Store.open(None)
    load(s, read_paths([REALDATA / f for f in folders]))
    return s


@pytest.mark.parametrize(("folder", "expected"), [
    ("crossref/works", _crossref), ("zenodo/records", _zenodo), ("datacite/dois", _datacite),
    ("crossref/unixsd", _unixsd)])
def test_each_records_volume_issue_and_pages_are_stated(folder: str, expected: Any) -> None:
    store = load_folder(folder)
    pairs = list(expected())
    assert any(values for _, values in pairs), f"no record of {folder} gives a volume, issue or pages"
    by_doi: dict[str, list[dict[str, str]]] = {}
    for doi, values in pairs:
        by_doi.setdefault(ids.doi_iri(doi), []).append(values)
    for iri, versions in by_doi.items():
        got = stated(store, iri)
        for name in PROPS:
            # a DOI recorded at several dates: the store keeps one version, which gives one of their values
            assert got[name] <= {v[name] for v in versions if name in v}, (iri, name)
            if all(name in v for v in versions):
                assert len(got[name]) == 1, (iri, name)


HEREDITY = "crossref/works/10.1038_hdy.2013.26.json"


def test_the_page_json_and_citations_say_where_in_the_journal() -> None:
    message = json.loads((REALDATA / HEREDITY).read_text("utf-8"))["message"]
    volume, issue, page = message["volume"], message["issue"], message["page"]
    first, last = page.split("-")
    store = load_folder(HEREDITY)
    with TestClient(create_app(store)) as client:
        url = f"/works/{message['DOI']}"
        html = client.get(url, headers={"Accept": "text/html"}).text
        facts = client.get(url, params={"format": "json"}).json()
        bib = client.get(url, params={"format": "bibtex"}).text
        ris = client.get(url, params={"format": "ris"}).text
        csl = client.get(url, params={"format": "csl-json"}).json()[0]
    assert f"<dt>Venue</dt><dd>{message['container-title'][0]}, {volume}({issue}), {first}–{last}</dd>" in html
    assert (facts["volume"], facts["issue"], facts["pages"]) == (volume, issue, page)
    (entry,) = bibtexparser.parse_string(bib).entries
    assert (entry["volume"], entry["number"], entry["pages"]) == (volume, issue, f"{first}--{last}")
    (record,) = rispy.loads(ris)
    assert (record["volume"], record["number"], record["start_page"], record["end_page"]) == (
        volume, issue, first, last)
    assert (csl["volume"], csl["issue"], csl["page"]) == (volume, issue, page)
    found = execute(store, '{ work(id: "%s") { container { title identifier identifierType volume issue firstPage '  # noqa: UP031
                           "lastPage } } }" % message["DOI"])
    assert found.errors is None and found.data is not None
    assert found.data["work"]["container"] == {
        "title": message["container-title"][0], "identifier": found.data["work"]["container"]["identifier"],
        "identifierType": "ISSN", "volume": volume, "issue": issue, "firstPage": first, "lastPage": last}
    assert found.data["work"]["container"]["identifier"] in message["ISSN"]


def test_bibtex_gives_a_doi_with_an_underscore_as_it_is() -> None:
    """biblatex reads ``doi`` and ``url`` verbatim: an escaped underscore would stay in the link."""
    path = "crossref/works/10.1007_978-3-319-75889-3_1.json"
    doi = json.loads((REALDATA / path).read_text("utf-8"))["message"]["DOI"]
    assert "_" in doi
    with TestClient(create_app(load_folder(path))) as client:
        (entry,) = bibtexparser.parse_string(client.get(f"/works/{doi}", params={"format": "bibtex"}).text).entries
    assert (entry["doi"], entry["url"]) == (doi, f"https://doi.org/{doi}")


CHAPTERS = ("book-chapter", "book-section", "book-part", "book-track", "proceedings-article", "reference-entry")


def test_a_chapters_venue_is_its_book_not_its_series() -> None:
    """Crossref lists a chapter's or proceedings paper's container titles series first ("SpringerBriefs in Medical
    Earth Sciences", then the book "Human Health and Physical Activity During Heat Exposure"): the venue, and
    BibTeX's booktitle, are the book."""
    found = []
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        if message.get("type") in CHAPTERS and len(message.get("container-title") or []) > 1:
            found.append((path, message))
    assert found
    store = load_folder(*(str(p.relative_to(REALDATA)) for p, _ in found))
    with TestClient(create_app(store)) as client:
        for path, message in found:
            book = html.unescape(message["container-title"][-1])
            facts = client.get(f"/works/{message['DOI']}", params={"format": "json"}).json()
            assert facts["venues"] == [book], path.name
            (entry,) = bibtexparser.parse_string(
                client.get(f"/works/{message['DOI']}", params={"format": "bibtex"}).text).entries
            assert entry["booktitle"].replace("\\&", "&") == book, path.name
