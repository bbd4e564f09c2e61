"""The item page's parts (kg.web.item) on an in-memory store: claims listed per kind of source, at
most CLAIMS_SHOWN each with the rest counted, so that many claims cannot swell every visit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.graph import KnowledgeGraph
from kg.store import Store
from kg.tracing import trace
from kg.web import item
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
    assert "stated: asserted by crossref (retrieved " in hops  # the sample record has no indexed date
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
    # each item's citation count: kg's, and none reported by a source for these cited-only works
    assert widget.count('<span class="cited">Cited by 1 in kg</span>') == len(related["items"][:5])
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

def _pages(paths: list[Path], *urls: str) -> list[str]:
    store = Store.open(None)
    report = load(store, read_paths(paths))
    assert report.rejected == 0, report.summary()
    with TestClient(create_app(store)) as client:
        return [client.get(url, headers={"Accept": "text/html"}).text for url in urls]


def test_a_pdb_entry_page_shows_its_method_resolution_facility_beamline_and_primary_publication() -> None:
    (page,) = _pages([SAMPLES], "/works/10.2210/pdb6gv0/pdb")
    section = page[page.index('id="structure-heading"'):page.index("</section>", page.index('id="structure-heading"'))]
    assert "<dt>Method</dt><dd>X-ray diffraction</dd>" in section
    assert "<dt>Resolution</dt><dd>2.3 Å</dd>" in section
    assert '<a href="/facilities/example-light-source">Example Light Source</a>' in section
    assert '<a href="/facilities/example-light-source/bl-1">BL-1</a>' in section
    assert '<a href="/works/10.1038/s41598-021-81251-2">The crystal structure of insulin glulisine' in section
    assert '<a href="/works/10.5281/zenodo.4456817">' in section


def test_the_page_names_the_venue_publisher_and_funders_with_their_awards() -> None:
    (page,) = _pages([SAMPLES], "/works/10.5555/kg-sample.data")
    header = page[page.index("<dl>"):page.index("</dl>")]
    assert '<a href="/funders/10.13039/100000001">National Science Foundation</a>: award <code>DEB-0000002</code>' \
        in header
    (article,) = _pages([FIXTURES / "crossref" / "work-full.json"], "/works/10.5555/kg.test.1")
    header = article[article.index("<dl>"):article.index("</dl>")]
    assert "<dt>Venue</dt><dd>Journal of Tests</dd>" in header and "<dt>Publisher</dt><dd>Test Publisher</dd>" in header
    assert "A funder without an identifier" in header


def test_counts_stand_side_by_side_with_their_source_and_date_in_the_page_and_the_json() -> None:
    store = Store.open(None)
    load(store, read_paths([FIXTURES / "crossref" / "work-full.json"]))
    with TestClient(create_app(store)) as client:
        page = client.get("/works/10.5555/kg.test.1", headers={"Accept": "text/html"}).text
        counts = client.get("/works/10.5555/kg.test.1", params={"format": "json"}).json()["counts"]
    cited = counts["citedBy"]["inGraph"]
    assert cited == 0  # the fixture's only link from another work is a review (has-review): not a citation
    assert [(r["source"], r["count"]) for r in counts["citedBy"]["reported"]] == [("crossref", 12)]
    assert [(r["source"], r["count"]) for r in counts["references"]["reported"]] == [("crossref", 3)]
    assert all(r["retrieved"] for r in counts["references"]["reported"] + counts["citedBy"]["reported"])
    retrieved = counts["citedBy"]["reported"][0]["retrieved"][:10]
    assert (f'<dt>Cited by</dt><dd>{cited} works in this graph · <span class="reported">Crossref reports 12 '
            f'<span class="muted">(retrieved {retrieved})</span>') in page
    assert "Crossref lists 3" in page


def test_the_funder_dashboard_shows_the_work_count_crossref_reports_beside_its_outputs() -> None:
    (page,) = _pages([FIXTURES / "crossref-funders" / "funder.json"], "/funders/10.13039/501100000780")
    assert "<dt>Outputs</dt><dd>0 in this graph" in page
    assert '<span class="reported">Crossref counts 1,234 works' in page
    # its two descendants (the record's own list): the figures with them, and Crossref's count of those
    rolled = page.split('<h2 id="with-descendants">With the 2 funders below it</h2>', 1)[1]
    assert '<dt>Outputs</dt><dd>0 in this graph · <span class="reported">Crossref counts 2,000 works' in rolled


def test_a_dashboard_counts_the_citing_works_of_no_known_year_beside_its_chart_not_as_a_bar() -> None:
    """As on the item page: a work known only as a citer (a link service names it, its record not loaded) has
    no year; NSF's dashboard on the real corpus drew its two such citers as a bar called "unknown"."""
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    output = "https://doi.org/10.5555/kg-sample.data"
    store.update("PREFIX cito: <http://purl.org/spar/cito/> INSERT DATA { GRAPH <https://example.org/links> { "
                 f"<https://doi.org/10.9999/no-record-1> cito:cites <{output}> . "
                 f"<https://doi.org/10.9999/no-record-2> cito:cites <{output}> }} }}")
    by_year = KnowledgeGraph(store).metrics.funder("021nxhr62").citations_by_year
    assert by_year.get("unknown", 0) >= 2
    with TestClient(create_app(store)) as client:
        page = client.get("/funders/021nxhr62", headers={"Accept": "text/html"}).text
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart"'):]
    chart = chart[:chart.index("</svg>")]
    assert re.findall(r'data-label="([^"]*)"', chart) == sorted(y for y in by_year if y != "unknown")
    assert (f'<span class="year-unknown">Year not known: {by_year["unknown"]} citing works (not drawn).</span>'
            in page)


def test_a_long_reference_list_is_collapsed_and_capped_unless_all_are_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(item, "REFERENCES_SHOWN", 2)
    monkeypatch.setattr(item, "LINKS_SHOWN", 2)
    store = Store.open(None)
    load(store, read_paths([FIXTURES / "crossref" / "work-references.json"]))
    with TestClient(create_app(store)) as client:
        body = client.get("/works/10.5555/kg.refs.1", params={"format": "json"}).json()
        capped = client.get("/works/10.5555/kg.refs.1", headers={"Accept": "text/html"}).text
        every = client.get("/works/10.5555/kg.refs.1", params={"refs": "all", "links": "all"},
                           headers={"Accept": "text/html"}).text
    total, links = body["counts"]["references"]["inGraph"], len(body["links"])
    assert total > 2 and links > 2
    section = capped[capped.index('id="references-heading"'):]
    assert f"<details><summary>The first 2 of {total} references" in section
    assert capped.count('<li value="') == 2
    assert f'<a href="?refs=all#references-heading">Show all {total} references</a>' in capped
    assert f'<a href="?links=all#links">Show all {links} links</a>' in capped
    assert every.count('<li value="') == total and "Show all" not in every


def test_the_funder_dashboard_lists_each_award_with_its_outputs() -> None:
    (page,) = _pages([SAMPLES], "/funders/021nxhr62")
    awards = page[page.index('id="awards"'):page.index("</section>", page.index('id="awards"'))]
    assert awards.index("ACI-0000001") < awards.index("DEB-0000002") < awards.index("OCE-0000003")
    assert "Sample software grant (invented)" in awards
    assert '<a href="/works/10.5555/kg-sample.article">' in awards


def test_the_widget_shows_each_items_citations_in_kg_and_as_its_sources_report_them() -> None:
    """The PDB entry related to the sample article: cited by the article in this graph, and counted
    once by Crossref's record of it (``is-referenced-by-count``), labelled and dated, never added."""
    store = Store.open(None)
    load(store, read_paths([SAMPLES, FIXTURES / "pdbe" / "crossref-6gv0.json"]))
    with TestClient(create_app(store)) as client:
        widget = client.get("/embed/related", params={"id": "10.1038/s41598-021-81251-2"}).text
        entry = client.get("/works/10.2210/pdb6gv0/pdb", params={"format": "json"}).json()["counts"]["citedBy"]
    (reported,) = entry["reported"]
    assert reported["source"] == "crossref" and reported["count"] == 1
    item = widget[widget.index('<a href="/works/10.2210/pdb6gv0/pdb"'):]
    item = item[:item.index("</li>")]
    assert (f'<span class="cited">Cited by {entry["inGraph"]} in kg · <span class="reported">Crossref counts 1 '
            f'(retrieved {reported["retrieved"][:10]})</span></span>') in item
    assert widget.count('<span class="cited">Cited by ') == widget.count("<li>")
