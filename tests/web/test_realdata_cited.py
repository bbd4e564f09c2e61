"""What a portal, a funder and a journalist see of real records (``../shared/realdata``) beyond the item page,
in a real browser against ``kg serve``: a work only cited shows the year its citers give, marked as cited
(JSON ``yearSource``, the item page, the widget, the trace page); a book and a book chapter are named so in
search results; chain boxes keep their text inside; pages fit a 390 px phone; the search, widget, trace,
chain and PDB entry pages pass axe's WCAG A and AA checks, wide and narrow. Every expectation is computed
from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

CROSSREF = REALDATA / "crossref" / "works"
JOR = CROSSREF / "10.1002_jor.1100150407.json"
ELIFE = CROSSREF / "10.7554_elife.01567.json"
BOOK = CROSSREF / "10.1017_9781108348843.json"
CHAPTER = CROSSREF / "10.1007_978-3-319-75889-3_1.json"
LIPICS = REALDATA / "datacite" / "dois" / "10.4230_lipics.tqc.2013.93.json"
PDB_3NXV = REALDATA / "pdbe" / "search_solr_doc_3nxv.json"
SCHOLIX = REALDATA / "scholix" / "scholexplorer_dump_relationships_sample.json"
ENTITIES = REALDATA / "scholix" / "scholexplorer_dump_entities_subset.json"
#: Crossref's data citations of January 2018 (eLife 33125 and the three Zenodo data sets it is supplemented by)
DATACITATIONS = sorted((REALDATA / "crossref" / "beta-datacitations").glob(
    "datacitations_from-created-date-2018-01-04-*"))
CROSSREF_RECORDS = [JOR, ELIFE, BOOK, CHAPTER]
RECORDS = [*CROSSREF_RECORDS, LIPICS, PDB_3NXV, SCHOLIX, ENTITIES, *DATACITATIONS]
#: a year as the loaders read it from a reference (loaders/builder.py)
YEAR = re.compile(r"^\s*([12]\d{3})(?!\d)")
NARROW = {"width": 390, "height": 844}


def crossref(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text("utf-8"))["message"]
    return found


def datacite(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text("utf-8"))["data"]["attributes"]
    return found


def cited_years() -> dict[str, dict[str, list[int]]]:
    """For each DOI the loaded records cite (a Crossref reference's ``DOI``, a DataCite related item's DOI)
    with a year, and that has no record of its own here: the citing DOIs (lower case), each with the years
    its references give it."""
    loaded = {crossref(p)["DOI"].lower() for p in CROSSREF_RECORDS} | {datacite(LIPICS)["doi"].lower()}
    found: dict[str, dict[str, list[int]]] = {}

    def add(cited: str, citing: str, year: object) -> None:
        match = YEAR.match(str(year)) if year is not None else None
        if match and cited.lower() not in loaded:
            found.setdefault(cited.lower(), {}).setdefault(citing.lower(), []).append(int(match.group(1)))
    for path in CROSSREF_RECORDS:
        record = crossref(path)
        for ref in record.get("reference", []):
            if ref.get("DOI"):
                add(ref["DOI"], record["DOI"], ref.get("year"))
    attributes = datacite(LIPICS)
    for item in attributes.get("relatedItems", []):
        ident = item.get("relatedItemIdentifier") or {}
        if ident.get("relatedItemIdentifierType") == "DOI":
            add(ident["relatedItemIdentifier"], attributes["doi"], item.get("publicationYear"))
    return found


def expected_year(citers: dict[str, list[int]]) -> tuple[int, str]:
    """The documented rule (docs/data-model.md): the year the references give most often, ties the
    earliest; with the first citing work (by DOI) giving it."""
    years = [y for found in citers.values() for y in found]
    best = min(set(years), key=lambda y: (-years.count(y), y))
    return best, min(c for c, found in citers.items() if best in found)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over a store holding the records of :data:`RECORDS`."""
    with serving_records(tmp_path_factory.mktemp("cited"), RECORDS) as live:
        yield live


def _json(live: Live, doi: str) -> dict[str, Any]:
    response = requests.get(live(f"/works/{quote(doi)}?format=json"), timeout=30)
    assert response.status_code == 200, doi
    found: dict[str, Any] = response.json()
    return found


def test_a_work_only_cited_has_the_year_its_citers_give_with_its_source(real: Live) -> None:
    expected = cited_years()
    assert len(expected) > 50 and "10.4230/lipics.tqc.2013" in expected  # Crossref references and DataCite
    for doi in sorted(expected):
        year, citing = expected_year(expected[doi])
        work = _json(real, doi)
        assert (work["title"], work["year"], work["yearSource"]) == (None, year, f"cited-as by {citing}"), doi
    # a work with a record keeps its own year, from its record
    record = crossref(BOOK)
    book = _json(real, record["DOI"].lower())
    assert (book["year"], book["yearSource"]) == (record["issued"]["date-parts"][0][0], "record")


def test_the_item_page_and_the_widget_mark_a_cited_year(real: Live, tab: Tab) -> None:
    expected = cited_years()
    doi = "10.1152/jappl.1979.47.2.435"
    year, citing = expected_year(expected[doi])
    tab.page.goto(real(f"/works/{doi}"))
    tab.screenshot("real-cited-only-year")
    shown = tab.page.locator("article > dl > dt", has_text=re.compile("^Year$")).locator(
        "xpath=following-sibling::dd[1]").inner_text()
    assert shown.startswith(f"{year}, as cited") and f"cited-as by {citing}" in shown
    kind = tab.page.locator("article > dl > dt", has_text=re.compile("^Type$")).locator(
        "xpath=following-sibling::dd[1]").inner_text()
    assert kind == "Not described by a loaded record (only cited: no record of it is loaded)"
    # the widget on the citing article's record: each related item only cited carries its year, marked
    jor = crossref(JOR)["DOI"].lower()
    tab.page.goto(real(f"/embed/related?id={jor}&limit=20"))
    tab.screenshot("real-widget-cited-years")
    items = tab.page.locator("section.kg-related li")
    marked = 0
    for i in range(items.count()):
        cited = items.nth(i).locator("a").first.get_attribute("href").removeprefix("/works/")  # type: ignore[union-attr]
        kind = items.nth(i).locator(".kind").inner_text()
        if cited in expected:
            assert kind.startswith(f"as cited, {expected_year(expected[cited])[0]} · no record loaded"), cited
            marked += 1
        else:
            assert "as cited" not in kind
    assert marked > 0
    assert tab.errors == []


#: the fields of a Crossref reference kg names a work only cited by (its title, its wording: kg.works.cited_as_name)
WORDING = ("article-title", "volume-title", "series-title", "author", "journal-title", "unstructured")


def cited_only(records: list[Path]) -> dict[str, bool]:
    """Each DOI the records' references give that has no record here (lower case), and whether any
    reference to it words it (a title, an author, a venue or its text) rather than giving its bare DOI."""
    loaded = {crossref(p)["DOI"].lower() for p in CROSSREF_RECORDS} | {datacite(LIPICS)["doi"].lower()}
    found: dict[str, bool] = {}
    for path in records:
        for ref in crossref(path).get("reference", []):
            if ref.get("DOI") and ref["DOI"].lower() not in loaded:
                doi = ref["DOI"].lower()
                found[doi] = found.get(doi, False) or any(ref.get(k) for k in WORDING)
    return found


def test_a_work_only_cited_is_never_called_work_in_chain_boxes_or_the_widget(real: Live, tab: Tab) -> None:
    """A book's bare-DOI references and an article's worded ones, none with a record here: the chain's boxes
    and the widget say what the graph knows (the year and name as cited, that no record is loaded, the
    DOI), and no kind; never "Work", which reads like a name."""
    wording = cited_only(CROSSREF_RECORDS)
    years = cited_years()
    for path in (BOOK, ELIFE):
        doi = crossref(path)["DOI"].lower()
        tab.page.goto(real(f"/works/{doi}"))
        tab.screenshot(f"real-chain-cited-only-{doi.replace('/', '_')}")
        boxes = tab.page.locator("svg.chain a.node")
        seen = 0
        for i in range(boxes.count()):
            iri = boxes.nth(i).get_attribute("data-iri") or ""
            first, second = boxes.nth(i).locator("text").all_text_contents()[:2]
            assert not first.startswith("Work"), first
            cited = iri.removeprefix("https://doi.org/")
            if cited in wording:
                seen += 1
                assert first.lower() in (cited, f"dryad doi · {cited}"), first
                assert boxes.nth(i).get_attribute("data-kind") == ""
                assert second.startswith("as cited: ") if wording[cited] else second == "no record loaded", cited
        assert seen > 0, doi
        tab.page.goto(real(f"/embed/related?id={doi}&limit=20"))
        tab.screenshot(f"real-widget-cited-only-{doi.replace('/', '_')}")
        items = tab.page.locator("section.kg-related li")
        seen = 0
        for i in range(items.count()):
            link = items.nth(i).locator("a").first
            cited = (link.get_attribute("href") or "").removeprefix("/works/")
            # the article's data set, its DOI one of Dryad's, is said so first (test_realdata_records.py)
            kind = items.nth(i).locator(".kind").inner_text().removeprefix("Dryad DOI · ")
            assert "Work" not in kind, kind
            if cited not in wording:
                continue
            seen += 1
            year = f", {expected_year(years[cited])[0]}" if cited in years else ""
            if wording[cited]:
                assert kind.startswith(f"as cited{year} · no record loaded · ") and kind.endswith(f"DOI {cited}"), kind
            else:
                assert (link.inner_text(), kind) == (f"DOI {cited}", f"{'as cited' + year + ' · ' if year else ''}"
                                                                     f"no record loaded"), cited
        assert seen > 0, doi
    assert tab.errors == []


def test_books_and_chapters_are_named_so_in_search_results(real: Live, tab: Tab) -> None:
    for path, kind in ((BOOK, "Book"), (CHAPTER, "Book chapter")):
        record = crossref(path)
        title = record["title"][0]
        tab.page.goto(real(f"/search?q={quote(title)}"))
        row = tab.page.locator("ol.results li", has=tab.page.get_by_role("link", name=title, exact=True))
        assert row.locator(".muted").inner_text().startswith(f"{kind}, {record['issued']['date-parts'][0][0]}")
    tab.screenshot("real-search-book")


def test_search_results_of_one_name_are_told_apart_by_their_identifiers(real: Live, tab: Tab) -> None:
    """ScholeXplorer names many UniProt entries "Uncharacterized protein" (no DOI): each result shows its
    identifier, so a reader can tell them apart."""
    entities = json.loads(ENTITIES.read_text("utf-8"))
    same = [e for e in entities if "Uncharacterized protein" in (e.get("title") or "")]
    assert len(same) > 1
    tab.page.goto(real("/search?q=Uncharacterized+protein"))
    tab.screenshot("real-search-same-names")
    rows = tab.page.locator("ol.results li").all_inner_texts()
    assert len(rows) > 1 and len(set(rows)) == len(rows)
    assert all("uniprot" in row.lower() or "doi:" in row for row in rows)


def test_the_trace_page_names_a_mentioned_work_that_is_only_cited(real: Live, tab: Tab) -> None:
    """A journalist pastes an article's text (its abstract and reference list): a DOI the graph holds
    only as cited is linked to its page, named as its citers name it, with the year they give."""
    record = crossref(ELIFE)
    reference = next(r for r in record["reference"] if "dryad" in r.get("DOI", ""))
    text = re.sub(r"<[^>]+>", " ", record["abstract"]) + "\n\n" + "\n".join(
        ", ".join(str(r[k]) for k in ("author", "year", "article-title", "journal-title", "DOI") if r.get(k))
        for r in record["reference"])
    tab.page.goto(real("/trace"))
    tab.page.fill("#trace-text", text)
    tab.page.click("form.trace-form button")
    tab.page.wait_for_selector("section.trace-result")
    tab.screenshot("real-trace-article")
    mention = tab.page.locator("li.mention", has=tab.page.locator("code", has_text=reference["DOI"])).first
    link = mention.get_by_role("link", name=reference["article-title"], exact=True)
    assert link.get_attribute("href") == f"/works/{reference['DOI'].lower()}"
    assert f"{reference['year']}; name and year as its citers give them" in mention.inner_text()
    assert tab.errors == []


def test_a_sentence_of_an_abstract_retold_by_a_story_finds_its_article_over_http(real: Live) -> None:
    """A news story retells a sentence of the eLife 01567 abstract with a few words changed and names no
    study: ``POST /api/trace`` (what the trace page and GraphQL call) finds the article by its abstract,
    with its chain to the data set the record says supplements it."""
    record = crossref(ELIFE)
    sentence = next(s for s in re.split(r"(?<=\.)\s+", re.sub(r"<[^>]+>", " ", record["abstract"]).strip())
                    if "atlas" in s)  # "Coupled with automated cell type recognition through machine learning, ..."
    words = sentence.split()
    words[0:2] = ["Together", "with"]  # "Coupled with" -> "Together with"
    story = "Plants are harder to study than they look. " + " ".join(words)
    answer = requests.post(real("/api/trace"), json={"text": story}, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    works = [w for c in answer.json()["claims"] for w in c["works"]]
    article = "https://doi.org/" + record["DOI"].lower()
    assert [w["iri"] for w in works] == [article]
    assert "abstract" in works[0]["method"]
    data = {"https://doi.org/" + r["id"].lower() for r in record["relation"]["is-supplemented-by"]}
    assert data <= {h["to"] for h in works[0]["chain"]["hops"]}


CHAINS = ["/works/10.1107/s0907444910035808", "/works/10.1371/journal.pone.0173989", "/works/10.7554/elife.33125",
          "/works/10.7554/elife.01567"]


@pytest.mark.parametrize("path", CHAINS)
def test_chain_boxes_keep_their_text_inside(real: Live, tab: Tab, path: str) -> None:
    tab.page.goto(real(path))
    boxes = tab.page.evaluate("""() => [...document.querySelectorAll('svg.chain a.node')].map(a => {
        const r = a.querySelector('rect').getBBox();
        return [...a.querySelectorAll('text')].map(t => [t.textContent, t.getBBox().x + t.getBBox().width,
                                                          r.x + r.width]);
      })""")
    assert len(boxes) >= 2, path  # the work and what it rests on
    for texts in boxes:
        for text, right, edge in texts:
            assert right <= edge - 4, (path, text)


PAGES = ["/search?q=protein", "/works/10.1007/978-3-319-75889-3_1", "/works/10.2210/pdb3nxv/pdb",
         "/embed/related?id=10.7554/elife.01567", *CHAINS[:2]]


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone(real: Live, tab: Tab, path: str) -> None:
    """No page is wider than a 390 px phone: long reference URLs and DOIs wrap (the chain drawing scrolls
    in its own box)."""
    tab.page.set_viewport_size(NARROW)
    response = tab.page.goto(real(path))
    assert response is not None and response.status == 200
    tab.screenshot("narrow" + re.sub(r"[^a-z0-9]+", "-", path))
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], path
    if path in CHAINS:  # the drawing scrolls in its box, and a phone is told so
        assert tab.page.locator("p.scroll-hint").is_visible()
        tab.page.set_viewport_size({"width": 1280, "height": 900})
        assert not tab.page.locator("p.scroll-hint").is_visible()


@pytest.mark.parametrize("width", [1280, NARROW["width"]])
@pytest.mark.parametrize("path", [*PAGES, "/trace"])
def test_the_pages_pass_the_wcag_a_and_aa_checks_of_axe(real: Live, tab: Tab, axe: str, path: str,
                                                        width: int) -> None:
    tab.page.set_viewport_size({"width": width, "height": 900})
    tab.page.add_init_script(script=axe)
    tab.page.goto(real(path))
    if path == "/trace":  # the page with a result: a paragraph of a real abstract
        tab.page.fill("#trace-text", re.sub(r"<[^>]+>", " ", crossref(ELIFE)["abstract"]))
        tab.page.click("form.trace-form button")
        tab.page.wait_for_selector("section.trace-result")
    violations = tab.page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    assert violations == []


def test_every_link_and_control_shows_keyboard_focus(real: Live, tab: Tab) -> None:
    """Tabbing through the search results and an item page with a chain: every element focused has a
    visible outline (or, in the chain drawing, a thicker stroke)."""
    for path in ("/search?q=protein", CHAINS[0]):
        tab.page.goto(real(path))
        for _ in range(40):
            tab.page.keyboard.press("Tab")
            if tab.page.evaluate("document.activeElement === document.body"):
                break  # past the last link: the page was walked through
            shown = tab.page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
                if (e.closest('svg')) {
                  const r = e.querySelector('rect, path'); return !r || getComputedStyle(r).strokeWidth !== '1px'; }
                return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }""")
            assert shown, (path, tab.page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
