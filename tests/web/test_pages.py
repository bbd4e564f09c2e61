"""The pages for people, in a real browser against a live server on the sample graph: each loads
with no console errors, shows the figures of the sample graph, and is written as a screenshot."""

from __future__ import annotations

import csv
import http.server
import io
import re
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import requests

from tests.conftest import _free_port
from tests.web.conftest import Live, Tab

pytestmark = pytest.mark.slow


def _visit(tab: Tab, url: str, shot: str) -> None:
    response = tab.page.goto(url)
    assert response is not None and response.status == 200, url
    tab.screenshot(shot)
    assert tab.errors == []


def test_the_funder_dashboard_shows_outputs_reuse_and_a_chart(live: Live, tab: Tab) -> None:
    _visit(tab, live("/funders/10.13039/100000001"), f"funder-{live.backend}")
    page = tab.page
    figures = dict(zip(page.locator("dl.figures dt").all_inner_texts(), page.locator("dl.figures dd").all_inner_texts(),
                       strict=True))
    assert figures["Outputs"].startswith("6 ")  # T1, T2, T3, D and P5, and R (funded by NSF's ROR ID)
    bars = page.locator("svg.bar-chart g.bar")
    assert bars.count() >= 1
    assert page.locator("table tbody tr").count() >= 2
    link = page.get_by_role("link", name="Download these figures as CSV")
    answer = requests.get(live(link.get_attribute("href") or ""), timeout=30)
    assert answer.status_code == 200 and answer.text.startswith("subject,metric,key,value")
    _the_csv_carries_every_figure_the_page_shows(tab, answer.text)


def _the_csv_carries_every_figure_the_page_shows(tab: Tab, text: str) -> None:
    """The funder's CSV download against its page: the figures, the chart's bars, the most reused
    outputs (name, type, year, citations, all versions) and each award with its title and its
    outputs' names."""
    page = tab.page
    rows = list(csv.DictReader(io.StringIO(text)))
    by: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        by.setdefault(row["metric"], []).append((row["key"], row["value"]))
    names = dict(by["name"])
    figures = dict(zip(page.locator("dl.figures dt").all_inner_texts(), page.locator("dl.figures dd").all_inner_texts(),
                       strict=True))
    assert figures["Outputs"].startswith(f"{dict(by['outputs'])['']} ")
    assert figures["Reused"].startswith(f"{dict(by['reused'])['']} of them")
    assert figures["Citing works"] == f"{dict(by['citing_works'])['']} in this graph"
    bars = page.locator("svg.bar-chart g.bar")
    assert bars.count() == len(by["citing_works.by_year"])
    tables = page.locator("table")
    # an output's name is its link's text; its DOI stands beside it (outputs may share a title)
    top = [[r.locator("td a").first.inner_text(), *(c.strip() for c in r.locator("td").all_inner_texts()[1:])]
           for r in tables.nth(0).locator("tbody tr").all()]
    assert all(f"DOI {iri.removeprefix('https://doi.org/')}" in r.locator("td").first.inner_text()
               for r, (iri, _) in zip(tables.nth(0).locator("tbody tr").all(), by["top.citations"], strict=True)
               if iri in names)
    kinds, years = dict(by["top.kind"]), dict(by["top.year"])
    citations, rolled = dict(by["top.citations"]), dict(by["top.all_versions"])
    kind_names = {"ScholarlyArticle": "Article", "StructureEntry": "PDB entry", "SoftwareSourceCode": "Software",
                  "Dataset": "Dataset"}
    assert top == [[names[iri], kind_names.get(kinds[iri], "Work"), years.get(iri, ""), citations[iri], rolled[iri]]
                   for iri, _ in by["top.citations"]]
    awards = [[*(c.strip() for c in r.locator("td").all_inner_texts()[:2]),
               "; ".join(r.locator("td a").all_inner_texts())] for r in tables.nth(1).locator("tbody tr").all()]
    assert awards, "the sample names NSF's awards"
    titles, outputs = dict(by["award.title"]), by["award.output"]
    assert awards == [[number, title, "; ".join(names.get(w, w) for n, w in outputs if n == number)]
                      for number, title in by["award.title"]]
    assert set(titles) == {a[0] for a in awards}


def test_the_facility_dashboard_lists_its_entry_with_raw_data(live: Live, tab: Tab) -> None:
    _visit(tab, live("/facilities/example-light-source"), f"facility-{live.backend}")
    page = tab.page
    assert page.locator("h1").inner_text() == "Example Light Source"
    row = page.locator("table tbody tr")
    assert row.count() == 1
    assert "6GV0" in row.inner_text() and "10.5281/zenodo.4456817" in row.inner_text()


def test_search_finds_works_by_title_and_jumps_to_an_identifier(live: Live, tab: Tab) -> None:
    _visit(tab, live("/"), f"home-{live.backend}")
    tab.page.get_by_label("Find a work by title words or identifier (DOI, PDB ID, PubMed ID)").fill("sample paper")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url("**/search?q=sample+paper")
    assert tab.page.locator("ol.results li").count() == 5
    tab.page.goto(live("/search?q=PDB%206GV0"))
    assert tab.page.url.endswith("/works/10.2210/pdb6gv0/pdb")
    assert tab.errors == []


@pytest.fixture
def other_origin(tmp_path: Path, live: Live) -> Iterator[str]:
    """A plain page on another origin (its own port) embedding the widget as a portal would."""
    (tmp_path / "record.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>A repository record</title><link rel="icon" href="data:,"></head><body><h1>Sample data set</h1>
<div id="related" data-kg-related="10.5555/kg-sample.data" data-limit="5">
<a href="{live('/works/10.5555/kg-sample.data')}">Related items on kg</a></div>
<script src="{live('/static/related.js')}" async></script></body></html>""")
    port = _free_port()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/record.html"
    finally:
        server.shutdown()
        server.server_close()


def test_the_widget_works_inside_a_page_on_another_origin(live: Live, tab: Tab, other_origin: str) -> None:
    tab.page.goto(other_origin)
    frame_element = tab.page.locator("#related iframe.kg-related-frame")
    frame_element.wait_for()
    frame = tab.page.frame_locator("#related iframe.kg-related-frame")
    items = frame.locator("ol li")
    items.first.wait_for()
    texts = items.all_inner_texts()
    assert any("Sample tool" in t for t in texts), texts
    assert all(t.count("\n") >= 1 for t in texts)  # each item has its reasons
    assert all(re.search(r"Cited by \d+ in kg", t) for t in texts), texts  # and its citation count
    # the frame was resized to its content by the widget's message
    tab.page.wait_for_function("document.querySelector('#related iframe').style.height !== '160px'")
    tab.screenshot(f"widget-{live.backend}")
    assert tab.errors == []


def test_the_widget_degrades_to_a_link_without_scripts(live: Live, browser: object, other_origin: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(other_origin)
        link = page.get_by_role("link", name="Related items on kg")
        assert link.get_attribute("href") == live("/works/10.5555/kg-sample.data")
    finally:
        context.close()


A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"


def test_the_item_page_draws_the_evidence_chain_with_each_hops_source(live: Live, tab: Tab) -> None:
    _visit(tab, live("/works/10.1038/s41598-021-81251-2"), f"item-6gv0-{live.backend}")
    page = tab.page
    nodes = page.locator("svg.chain a.node").evaluate_all("ns => ns.map(n => [n.dataset.iri, n.dataset.kind])")
    assert sorted(nodes) == sorted([[A0, "ScholarlyArticle"], [ENTRY, "StructureEntry"], [RAW, "Dataset"]])
    hops = page.locator("svg.chain g.hop").evaluate_all(
        "hs => hs.map(h => [h.dataset.from, h.dataset.to, h.dataset.relation, h.dataset.sources])")
    assert hops == [[A0, ENTRY, "kg:isSupplementTo", "pdbe"], [ENTRY, RAW, "kg:isDerivedFrom", "pdbe"]]
    # the hop's sources are its tooltip, reachable by keyboard
    page.locator("svg.chain g.hop").first.focus()
    tooltip = page.locator("svg.chain g.hop").first.locator("title").text_content() or ""
    assert "asserted by pdbe (retrieved " in tooltip or "asserted by pdbe (its record of " in tooltip
    # a node is a link to its work's page
    page.locator(f"svg.chain a.node[data-iri='{ENTRY}']").click()
    page.wait_for_url("**/works/10.2210/pdb6gv0/pdb")
    assert tab.errors == []


def test_the_item_page_shows_reuse_rolled_up_over_versions_with_a_chart(live: Live, tab: Tab) -> None:
    _visit(tab, live("/works/10.5555/kg-sample.tool.v1"), f"item-tool-{live.backend}")
    page = tab.page
    figures = dict(zip(page.locator("#reuse-heading + dl dt").all_inner_texts(),
                       page.locator("#reuse-heading + dl dd").all_inner_texts(), strict=True))
    assert figures["Cited by"] == "2 works in this graph"  # P1 and P4 cite T1 itself; no source reports a count
    assert figures["All versions"].startswith("4 works")  # P1..P4 cite some version
    bars = page.locator("section[aria-labelledby=reuse-heading] svg.bar-chart g.bar")
    assert bars.evaluate_all("bs => bs.map(b => [b.dataset.label, Number(b.dataset.value)])") == [
        ["2020", 1], ["2021", 1], ["2022", 2]]
    groups = page.locator("section[aria-labelledby=related-heading] h3").all_inner_texts()
    assert "Versions and parts" in groups
    citation = page.locator("pre.citation").inner_text()
    assert citation.startswith("@misc{") and "doi = {10.5555/kg-sample.tool.v1}" in citation


def test_every_page_is_usable_on_a_phone(live: Live, browser: object) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        for path, name in (("/", "home"), ("/works/10.1038/s41598-021-81251-2", "item"),
                           ("/funders/10.13039/100000001", "funder"), ("/trace", "trace")):
            page.goto(live(path))
            # nothing is wider than the screen: drawings and tables scroll inside their own boxes
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            if live.backend == "embedded":
                Tab(page, []).screenshot(f"phone-{name}")
    finally:
        context.close()


def test_the_site_search_is_in_every_page_header_and_reachable_by_keyboard(live: Live, tab: Tab) -> None:
    _visit(tab, live("/funders/10.13039/100000001"), f"funder-again-{live.backend}")
    page = tab.page
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.get_by_label("Search works by title words or identifier").fill("10.5555/KG-SAMPLE.DATA")
    page.keyboard.press("Enter")
    page.wait_for_url("**/works/10.5555/kg-sample.data")
    assert tab.errors == []


def test_the_sparql_editor_runs_a_catalogue_query_in_the_browser(live: Live, tab: Tab) -> None:
    _visit(tab, live("/sparql"), f"sparql-{live.backend}")
    page = tab.page
    offered = page.locator("#example option").evaluate_all("options => options.map(o => o.value)")
    assert "analyst_funder_dataset_citations_by_year" in offered
    assert not [name for name in offered if name.startswith(("gql_", "trace_", "work_", "related_"))]
    page.get_by_label("Example").select_option("stats_sources")
    page.get_by_role("button", name="Run").click()
    rows = page.locator("#results table tbody tr")
    rows.first.wait_for()
    cells = [r.split("\t") for r in rows.all_inner_texts()]
    # literals are shown as their values: a source's name, a count as a number, not "8"^^<...#integer>
    assert {"crossref", "datacite", "pdbe", "zenodo"} <= {c[0] for c in cells}
    assert dict((c[0], c[1]) for c in cells)["crossref"] == "8"
    count = page.locator("#results table tbody tr td.number").first
    assert count.get_attribute("title") == "datatype: xsd:integer"
    assert "^^" not in page.locator("#results").inner_text()
    tab.screenshot(f"sparql-results-{live.backend}")
    assert tab.errors == []


def test_the_sparql_editor_answers_an_analysts_question_with_its_description(live: Live, tab: Tab) -> None:
    _visit(tab, live("/sparql"), f"sparql-question-{live.backend}")
    page = tab.page
    page.get_by_label("Example").select_option("analyst_funder_dataset_citations_by_year")
    assert "cited" in page.locator("#example-description").inner_text()
    page.get_by_role("button", name="Run").click()
    rows = page.locator("#results table tbody tr")
    rows.first.wait_for()
    years = {r.split("\t")[0]: r.split("\t")[1] for r in rows.all_inner_texts()}
    assert years == {"2020": "1", "2021": "1", "2022": "2", "2023": "1"}
    tab.screenshot(f"sparql-question-results-{live.backend}")
    assert tab.errors == []


#: every page kg renders itself (GraphiQL, vendored as it is, is left out)
PAGES = ["/", "/search?q=sample", "/works/10.1038/s41598-021-81251-2", "/works/10.5555/kg-sample.tool.v1",
         "/funders/10.13039/100000001", "/facilities/example-light-source", "/trace", "/sparql",
         "/embed/related?id=10.5555/kg-sample.data", "/works/10.1/not-in-the-graph"]


@pytest.mark.parametrize("live", ["embedded"], indirect=True)  # the same HTML on both backends
@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_the_wcag_a_and_aa_checks_of_axe(live: Live, tab: Tab, axe: str, path: str) -> None:
    # an init script, not a <script> tag: the pages' Content-Security-Policy refuses inline scripts
    tab.page.add_init_script(script=axe)
    tab.page.goto(live(path))
    violations = tab.page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    assert violations == []


@pytest.mark.parametrize("path", ["/search?q=", "/embed/related", "/embed/related?id=10.5555/kg-sample.data&limit=99",
                                  "/funders/" + "9" * 3000, "/facilities/nowhere", "/works/10.1/absent"])
def test_a_page_asked_badly_answers_an_html_error_page(live: Live, path: str) -> None:
    answer = requests.get(live(path), headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code in (400, 404)
    assert answer.headers["content-type"].startswith("text/html")
    assert "<main" in answer.text
