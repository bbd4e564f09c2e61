"""The item page's parts (kg.web.item) on an in-memory store: claims listed per kind of source, at
most CLAIMS_SHOWN each with the rest counted, so that many claims cannot swell every visit."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from kg.store import Store
from kg.tracing import trace
from kg.web.app import create_app
from kg.web.item import CLAIMS_SHOWN
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_claims_on_the_item_page_are_capped_and_the_rest_counted() -> None:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    text = " ".join(f"Finding {n} of the insulin glulisine work (doi:10.1038/s41598-021-81251-2) holds."
                    for n in range(CLAIMS_SHOWN + 5))
    traced = trace(store, text, url="https://news.example/story")
    assert sum(c.stored for c in traced.claims) == CLAIMS_SHOWN + 5
    with TestClient(create_app(store)) as client:
        page = client.get("/works/10.1038/s41598-021-81251-2", headers={"Accept": "text/html"}).text
    assert page.count("<q>Finding ") == CLAIMS_SHOWN
    assert "and 5 more." in page
    assert "Views from news media" in page


def test_the_item_page_lists_evidence_hops_first_then_counts_the_citations() -> None:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    with TestClient(create_app(store)) as client:
        page = client.get("/works/10.5555/kg-sample.p3", headers={"Accept": "text/html"}).text
    assert "It cites 2 works." in page
    hops = page[page.index('<ol class="hops">'):page.index("</ol>", page.index('<ol class="hops">'))]
    assert hops.index("supplemented by data") < hops.index(" cites ")
    assert "stated: asserted by crossref on " in hops
    related = page[page.index("Related"):]
    assert related.index("Data, software and methods linked to it") < related.index("Cited together with it")

def test_cited_works_without_records_are_shown_by_the_names_their_citers_give_them() -> None:
    store = Store.open(None)
    load(store, read_paths([FIXTURES / "crossref" / "work-references.json"]))
    with TestClient(create_app(store)) as client:
        page = client.get("/works/10.5555/kg.refs.1", headers={"Accept": "text/html"}).text
        cited = client.get("/works/10.5555/kg.cited.article", headers={"Accept": "text/html"}).text
        widget = client.get("/embed/related", params={"id": "10.5555/kg.refs.1"}).text
        related = client.get("/api/related", params={"id": "10.5555/kg.refs.1"}).json()
    assert "(no title)" not in page
    drawing = page[page.index("<svg"):page.index("</svg>")]
    for name in ("A cited article", "A chapter", "A book cited whole", "Brown 2005, Nature 7:100"):
        assert f"<title>{name} (" in drawing
    links = page[page.index("<h2>Links</h2>"):]
    assert ">A chapter</a>" in links and ">Green A. 2010. Something said once. Obscure Proceedings.</a>" in links
    assert "<h1>A cited article</h1>" in cited
    assert ">Brown 2005, Nature 7:100</a>" in widget and "(no title)" not in widget
    named = {r["item"]["iri"]: (r["item"]["name"], r["item"]["nameSource"]) for r in related["items"]}
    assert named["https://doi.org/10.5555/kg.cited.chapter"] == ("A chapter", "cited-as by 10.5555/kg.refs.1")
    assert "its name is how it is cited (cited-as by 10.5555/kg.refs.1)" in cited


def test_the_item_page_shows_inferred_hops_apart_dashed_and_named_by_their_rule() -> None:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    with TestClient(create_app(store)) as client:
        page = client.get("/works/10.5555/kg-sample.article", headers={"Accept": "text/html"}).text
    hops = page[page.index('<ol class="hops">'):page.index("</ol>", page.index('<ol class="hops">'))]
    assert hops.index("supplemented by data") < hops.index("cites data (inferred: Dryad DOI)") < hops.index(
        "cites software (inferred: Zenodo DOI typed software)") < hops.index(" cites <")
    assert "inferred by the rule repository-prefix:10.5061" in hops
    drawing = page[page.index("<svg"):page.index("</svg>")]
    assert drawing.count('data-basis="inferred"') == 3 and drawing.count('stroke-dasharray="6 4"') == 3
    related = page[page.index("Related"):]
    assert related.index("Data, software and methods linked to it") < related.index(
        "Data and software it cites or is cited by (inferred)") < related.index("Cites it or cited by it")
