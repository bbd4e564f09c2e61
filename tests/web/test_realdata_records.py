"""Pages of real records (``../shared/realdata``) in a real browser against ``kg serve``: what a portal, an
analyst, a funder or a journalist sees of an eLife article and the Dryad data set it is supplemented by, a
HEPData record with 1,000 creators, a Zenodo software release and its concept, a PDB entry's Crossref record,
an article with four funders, and a title whose markup Crossref escaped twice. Every expectation is computed
from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.loaders.test_realdata_markup import decoded
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

CROSSREF = REALDATA / "crossref" / "works"
ELIFE = CROSSREF / "10.7554_elife.01567.json"
RSPB = CROSSREF / "10.1098_rspb.2017.0132.json"
CLIMATE = CROSSREF / "10.5194_cp-2020-95.json"
HAEMOGLOBIN = CROSSREF / "10.2210_pdb4hhb_pdb.json"
HEPDATA = REALDATA / "datacite" / "dois" / "10.17182_hepdata.77274.v1.json"
XENON = REALDATA / "zenodo" / "records" / "1194353.json"
OBSERVATORY = REALDATA / "datacite" / "dois" / "10.6071_z7wc73.json"
PHYLOGENY = REALDATA / "zenodo" / "records" / "8249989.json"
LAKE = REALDATA / "datacite" / "dois" / "10.1594_pangaea.836178.json"
#: a University of Bath data set whose parts are files named by their long URLs
REFERENCING_URLS = REALDATA / "datacite" / "dois" / "10.15125_bath-00114.json"
RECORDS = [ELIFE, RSPB, CLIMATE, HAEMOGLOBIN, HEPDATA, XENON, OBSERVATORY, PHYLOGENY, LAKE, REFERENCING_URLS]
#: a page at 1280 px wide stays under this height, however long its lists
MAX_HEIGHT = 6000
ARC = "10.13039/501100000923"


def crossref(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text("utf-8"))["message"]
    return found


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over a store holding the records of :data:`RECORDS`."""
    with serving_records(tmp_path_factory.mktemp("real"), RECORDS) as live:
        yield live


def _open(tab: Tab, url: str, shot: str) -> None:
    response = tab.page.goto(url)
    assert response is not None and response.status == 200, url
    tab.screenshot(shot)


def _figure(tab: Tab, term: str) -> str:
    """The text of the item page's header ``<dd>`` after the ``<dt>`` reading ``term``."""
    found: str = tab.page.locator("article > dl > dt", has_text=re.compile(f"^{term}$")).locator(
        "xpath=following-sibling::dd[1]").inner_text()
    return found


def test_the_data_set_an_article_is_supplemented_by_is_named_by_its_doi_first_in_the_chain(real: Live,
                                                                                             tab: Tab) -> None:
    record = crossref(ELIFE)
    data_doi = record["relation"]["is-supplemented-by"][0]["id"].lower()
    cited = {r["DOI"].lower() for r in record["reference"] if r.get("DOI")}
    _open(tab, real(f"/works/{record['DOI'].lower()}"), "real-elife-01567")
    nodes = tab.page.locator("svg.chain a.node")
    first_lines = nodes.locator("text:first-of-type").all_text_contents()
    iris = nodes.evaluate_all("ns => ns.map(n => n.dataset.iri)")
    # every box names its work by its DOI (or kind and DOI), never by the doi.org IRI
    assert first_lines and not [t for t in first_lines if "https://" in t]
    for iri, line in zip(iris[1:], first_lines[1:], strict=True):
        assert iri.removeprefix("https://doi.org/") in line
    assert set(iris[1:]) <= {f"https://doi.org/{d}" for d in cited | {data_doi}}
    # the data set is the first work the article rests on
    assert iris[1] == f"https://doi.org/{data_doi}"
    # the hops as a list: the root is "This work" (not its 110-character title on every line), the others named
    hops = tab.page.locator("ol.hops li").all_text_contents()
    # one hop to each work, and the data set, which the article also cites (its newest reference), a second time
    assert len(hops) == len(iris) and all(h.startswith("This work ") for h in hops)
    assert sum(1 for h in hops if "Data from:" in h) == 2 and data_doi in cited
    # no line of a box runs past its edge (real titles did)
    overflowing = tab.page.evaluate("""[...document.querySelectorAll('svg.chain a.node')].flatMap(a => {
        const r = a.querySelector('rect').getBBox();
        return [...a.querySelectorAll('text')].filter(t => t.getBBox().x + t.getBBox().width > r.x + r.width)
            .map(t => t.textContent); })""")
    assert overflowing == []
    assert tab.errors == []


def test_the_data_set_page_says_whose_doi_it_is_and_the_widget_ranks_it_first_with_its_cited_name(
        real: Live, tab: Tab) -> None:
    record = crossref(ELIFE)
    data_doi = record["relation"]["is-supplemented-by"][0]["id"].lower()
    reference = next(r for r in record["reference"] if r.get("DOI", "").lower() == data_doi)
    repository_word = reference["journal-title"].split()[0]  # "Dryad Digital Repository"
    _open(tab, real(f"/works/{data_doi}"), "real-dryad-b835k")
    assert tab.page.locator("h1").inner_text() == reference["article-title"]
    kind = _figure(tab, "Type")
    assert repository_word in kind and "unknown" not in kind
    assert f"doi {data_doi}" in _figure(tab, "Identifiers")  # known by its IRI alone, its DOI still shown
    _open(tab, real(f"/embed/related?id={record['DOI']}&limit=5"), "real-elife-widget")
    first = tab.page.locator(".kg-related ol li").first
    assert first.locator("a").inner_text() == reference["article-title"]
    assert first.locator(".kind").inner_text().startswith(repository_word)
    assert tab.errors == []


def test_a_record_with_a_thousand_creators_folds_them_and_stays_short(real: Live, tab: Tab) -> None:
    attributes = json.loads(HEPDATA.read_text("utf-8"))["data"]["attributes"]
    creators = [c["name"] for c in attributes["creators"]]
    assert len(creators) == 1000
    _open(tab, real(f"/works/{attributes['doi'].lower()}"), "real-hepdata-1000-creators")
    page = tab.page
    assert page.evaluate("document.documentElement.scrollHeight") < MAX_HEIGHT
    shown = page.locator("ol.creators > li").all_inner_texts()
    assert 0 < len(shown) < len(creators) and shown == creators[:len(shown)]
    folded = page.locator("details.more-creators")
    assert folded.get_attribute("open") is None
    assert folded.locator("summary").inner_text() == f"and {len(creators) - len(shown)} more ({len(creators)} in all)"
    assert folded.locator("li").all_text_contents() == creators[len(shown):]
    assert tab.errors == []


def test_creators_come_first_in_their_order_and_contributors_apart(real: Live, tab: Tab) -> None:
    attributes = json.loads(OBSERVATORY.read_text("utf-8"))["data"]["attributes"]
    creators, contributors = ([c["name"] for c in attributes[k]] for k in ("creators", "contributors"))
    assert creators and contributors
    _open(tab, real(f"/works/{attributes['doi'].lower()}"), "real-dryad-observatory")
    names = [li.split(" https://")[0] for li in tab.page.locator("ol.creators > li").all_inner_texts()]
    assert names == creators
    assert tab.page.locator("ol.contributors > li").all_inner_texts() == contributors
    assert tab.errors == []


def test_a_zenodo_release_names_its_concept_and_counts_its_versions_without_the_concept(real: Live,
                                                                                         tab: Tab) -> None:
    record = json.loads(XENON.read_text("utf-8"))
    concept = record["conceptdoi"].lower()
    related = record["metadata"]["related_identifiers"]
    part_of = [r["identifier"].lower() for r in related if r["relation"] == "isPartOf"]
    assert part_of == [concept]
    _open(tab, real(f"/works/{record['doi']}"), "real-zenodo-xenon-release")
    link = tab.page.locator("ul.version-of a")
    assert link.get_attribute("href") == f"/works/{concept}"
    assert "https://" not in link.inner_text() and concept in tab.page.locator("ul.version-of").inner_text()
    # the release and its concept are in the graph: one version, and the concept
    assert "over 1 version in this graph and the concept" in _figure_reuse(tab, "All versions")
    _open(tab, real(f"/works/{concept}"), "real-zenodo-xenon-concept")
    versions = tab.page.locator("ul.versions li")
    assert versions.count() == 1
    assert versions.inner_text().startswith(record["metadata"]["title"])
    assert f"version {record['metadata']['version']}" in versions.inner_text()
    # kg's count beside Zenodo's (tests/web/test_realdata_versions.py), never mixed
    count = record["metadata"]["relations"]["version"][0]["count"]
    assert tab.page.locator("p.version-counts").inner_text().startswith(
        f"1 version in this graph and the concept · Zenodo counts {count} versions (retrieved ")
    assert _figure_reuse(tab, "All versions").endswith("(the others are not loaded, their citations not counted)")
    assert tab.errors == []


def _figure_reuse(tab: Tab, term: str) -> str:
    found: str = tab.page.locator("#reuse-heading + dl dt", has_text=term).locator(
        "xpath=following-sibling::dd[1]").inner_text()
    return found


def test_a_pdb_entry_with_no_structure_facts_shows_no_empty_structure_section(real: Live, tab: Tab) -> None:
    record = crossref(HAEMOGLOBIN)
    _open(tab, real(f"/works/{record['DOI'].lower()}"), "real-pdb-4hhb")
    assert tab.page.locator("#structure-heading").count() == 0
    assert _figure(tab, "Type").startswith("PDB entry")
    assert record["title"][0] in tab.page.locator("h1").inner_text()
    assert tab.errors == []


def test_funders_are_named_as_the_record_names_them_and_the_citation_wraps(real: Live, tab: Tab) -> None:
    record = crossref(RSPB)
    _open(tab, real(f"/works/{record['DOI'].lower()}"), "real-rspb-funders")
    items = tab.page.locator("ul.funding li").all_inner_texts()
    assert len(items) == len(record["funder"])
    for funder in record["funder"]:
        line = next(i for i in items if i.startswith(funder["name"]))
        assert all(award in line for award in funder.get("award", []))
    # the BibTeX citation is shown whole, wrapped, never cut at the page's edge
    assert tab.page.evaluate("(e => e.scrollWidth <= e.clientWidth)(document.querySelector('pre.citation'))")
    assert tab.errors == []


def test_a_data_doi_written_only_in_a_reference_text_is_in_the_chain_and_its_reference_says_kg_found_it(
        real: Live, tab: Tab) -> None:
    record = crossref(RSPB)
    position, reference = next((i, r) for i, r in enumerate(record["reference"], start=1)
                               if not r.get("DOI") and "dx.doi.org/10.5061/" in r.get("unstructured", ""))
    data_doi = reference["unstructured"].split("dx.doi.org/")[1].rstrip(").").lower()  # 10.5061/dryad.1b15j
    _open(tab, real(f"/works/{record['DOI'].lower()}?refs=all"), "real-rspb-reference-text")
    iris = tab.page.locator("svg.chain a.node").evaluate_all("ns => ns.map(n => n.dataset.iri)")
    assert f"https://doi.org/{data_doi}" in iris
    # its hop says where the link came from: Crossref's record, the DOI read from the reference's text by kg
    hop = tab.page.locator("ol.hops li", has=tab.page.locator(f"a[href$='{data_doi}']"))
    said = hop.text_content() or ""  # the list is folded (a closed <details>): its text, not what is rendered
    assert "asserted by crossref" in said and "its DOI found in the reference's text by kg" in said
    item = tab.page.locator(f"ol.references li[value='{position}']")
    assert "DOI found in the reference's text by kg" in item.inner_text()
    href = item.locator("a").get_attribute("href")
    assert href is not None and href.endswith(data_doi)
    others = tab.page.locator("ol.references li", has_text="found in the reference's text").count()
    assert others == sum(1 for r in record["reference"]
                         if not r.get("DOI") and "doi.org/10." in r.get("unstructured", ""))
    assert tab.errors == []


def test_the_funder_dashboard_counts_outputs_in_words_and_names_them_without_markup(real: Live, tab: Tab) -> None:
    funded = [crossref(p) for p in (ELIFE, RSPB, CLIMATE, HAEMOGLOBIN)]
    outputs = [m for m in funded if any(f.get("DOI") == ARC for f in m.get("funder", []))]
    # a journal article and a preprint (Crossref's "posted-content"): both articles
    assert sorted(m["type"] for m in outputs) == ["journal-article", "posted-content"]
    _open(tab, real(f"/funders/{ARC}"), "real-funder-arc")
    figures = tab.page.locator("dl.figures dd").first.inner_text()
    assert figures.startswith(f"{len(outputs)} ({len(outputs)} articles) in this graph")
    awards = tab.page.locator("#awards + .scroll table tbody tr").all_inner_texts()
    # beside each output, what Crossref counts of its citations (its record's is-referenced-by-count), apart,
    # as of the record's indexed date (when Crossref counted them; the file was read years later)
    counted = {m["DOI"].lower(): m["is-referenced-by-count"] for m in outputs}
    expected = {(award, f"{decoded(m['title'][0])} (DOI {m['DOI'].lower()}) Crossref counts "
                        f"{counted[m['DOI'].lower()]} citation{'s' if counted[m['DOI'].lower()] != 1 else ''} "
                        f"(as of {m['indexed']['date-time'][:10]})")
                for m in outputs for f in m["funder"] if f.get("DOI") == ARC for award in f["award"]}
    shown = {(row.split("\t")[0], row.split("\t")[2]) for row in awards}
    assert shown == expected
    cited = sum(1 for n in counted.values() if n)
    assert tab.page.locator("#top + p").inner_text() == (
        "None of its outputs is cited by a work in this graph yet"
        + (f" (their sources count citations of {cited} of them: see the awards below)." if cited else "."))
    assert tab.errors == []


def test_a_claim_naming_the_article_and_its_data_set_traces_both(real: Live, tab: Tab) -> None:
    record = crossref(ELIFE)
    data_doi = record["relation"]["is-supplemented-by"][0]["id"]
    text = (f"A study (doi:{record['DOI']}) found that {record['title'][0][0].lower()}{record['title'][0][1:]}. "
            f"Its images are at doi:{data_doi}.")
    _open(tab, real("/trace"), "real-trace-form")
    tab.page.fill("#trace-text", text)
    tab.page.click("form.trace-form button[type=submit]")
    tab.page.wait_for_load_state("networkidle")
    tab.screenshot("real-trace-elife")
    mentions = dict(zip(tab.page.locator("li.mention code").all_inner_texts(),
                        tab.page.locator("li.mention").all_inner_texts(), strict=True))
    assert "resolved" in mentions[f"doi:{record['DOI']}"] and "unresolved" not in mentions[f"doi:{record['DOI']}"]
    # the data set is in the graph (the article cites it), only not described: never "not in the graph"
    data = mentions[f"doi:{data_doi}"]
    assert "unresolved" in data and "not in the graph" not in data and "only linked to in the graph" in data
    chain = tab.page.locator("li.work svg.chain a.node").evaluate_all("ns => ns.map(n => n.dataset.iri)")
    assert f"https://doi.org/{data_doi.lower()}" in chain
    assert tab.errors == []


@pytest.mark.parametrize("path", ["/works/10.17182/hepdata.77274.v1", "/works/10.5061/dryad.b835k",
                                  "/works/10.5281/zenodo.1194353", "/funders/10.13039/501100000923"])
def test_the_real_pages_pass_the_wcag_a_and_aa_checks_of_axe(real: Live, tab: Tab, axe: str, path: str) -> None:
    tab.page.add_init_script(script=axe)
    tab.page.goto(real(path))
    violations = tab.page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    assert violations == []


@pytest.mark.parametrize("path", [PHYLOGENY, LAKE], ids=["zenodo-github-url", "pangaea-documented-by-urls"])
def test_the_links_table_shows_who_states_each_link_beside_a_long_url(real: Live, tab: Tab, path: Path) -> None:
    """A related identifier given as a long URL (a GitHub tree, a PANGAEA file) widened the links table past the
    page's column: its last column, the source stating each link, was out of sight (10 of 55 real pages)."""
    data = json.loads(path.read_text("utf-8"))
    if "data" in data:  # DataCite
        doi, source = data["data"]["id"].lower(), "datacite"
        urls = [r["relatedIdentifier"] for r in data["data"]["attributes"]["relatedIdentifiers"]
                if r["relatedIdentifier"].startswith("https://")]
    else:  # Zenodo
        doi, source = data["doi"].lower(), "zenodo"
        urls = [r["identifier"] for r in data["metadata"]["related_identifiers"] if r["identifier"].startswith("https://")]
    assert urls and max(map(len, urls)) > 50  # the record has the long URLs this is about
    _open(tab, real(f"/works/{doi}"), f"real-links-{doi.replace('/', '_')}")
    details = tab.page.locator("details:has(table)")
    if details.get_attribute("open") is None:  # many links: folded until asked for
        details.locator("summary").click()
    table = details.locator("table")
    cells = table.locator("tbody tr")
    assert all(url in table.inner_text() for url in urls)
    assert tab.page.evaluate("(e => e.scrollWidth <= e.clientWidth)(document.querySelector('details .scroll'))")
    # every row's last cell names its source and is on the page, not scrolled out of sight
    width = tab.page.evaluate("document.querySelector('main').getBoundingClientRect().right")
    for row in range(cells.count()):
        stated = cells.nth(row).locator("td").last
        assert source in stated.inner_text()
        box = stated.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width + 1
    assert tab.errors == []


#: the lines an element's text takes (the distinct tops of its text's boxes)
_LINES = """e => { const r = document.createRange(); r.selectNodeContents(e);
    return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"""


def test_a_funder_dashboards_tables_keep_words_whole_and_scroll_in_their_box_on_a_phone(real: Live, tab: Tab) -> None:
    """Letting every table cell break anywhere (meant for the links table's long URLs) squeezed the dashboard's
    columns to a letter: "Datas|et", "201|6" at 1280 px; on a phone its tables ran past the page's edge."""
    attributes = json.loads(OBSERVATORY.read_text("utf-8"))["data"]["attributes"]
    kind, year = attributes["types"]["resourceTypeGeneral"], str(attributes["publicationYear"])
    assert attributes["fundingReferences"] and attributes["relatedIdentifiers"]  # funded, and cited
    _open(tab, real(f"/works/{attributes['doi'].lower()}"), "real-funded-dataset")
    funder = tab.page.locator("a[href*='/funders/']").first.get_attribute("href")
    assert funder
    _open(tab, real(funder), "real-funder-dashboard")
    row = tab.page.locator("section[aria-labelledby=top] tbody tr").first
    assert attributes["titles"][0]["title"] in row.inner_text()
    for text in (kind, year):
        assert row.locator("td", has_text=re.compile(f"^{text}$")).evaluate(_LINES) == 1, text
    tab.page.set_viewport_size({"width": 390, "height": 800})
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.page.evaluate("[...document.querySelectorAll('main table')]"
                             ".every(t => t.parentElement.matches('.scroll'))")
    assert tab.errors == []


def test_the_widget_wraps_items_named_by_a_long_url_on_a_phone(real: Live, tab: Tab) -> None:
    """Related identifiers that are long URLs (PANGAEA's files documenting a data set, the University of Bath's
    files of one) ran past the widget's edge on a 390 px phone, cut off mid-word."""
    attributes = json.loads(REFERENCING_URLS.read_text("utf-8"))["data"]["attributes"]
    longest = max(len(r["relatedIdentifier"]) for r in attributes["relatedIdentifiers"])
    assert longest > 60
    tab.page.set_viewport_size({"width": 390, "height": 800})
    _open(tab, real(f"/embed/related?id={attributes['doi']}&limit=20"), "real-widget-long-urls-390")
    names = tab.page.locator(".kg-related ol li a").all_inner_texts()
    assert any(len(n) > 60 for n in names)  # an item named by its URL is shown
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.errors == []


def test_the_page_shows_the_abstract_descriptions_licence_and_keywords_the_record_gives(real: Live, tab: Tab) -> None:
    """The graph held a work's abstract, descriptions, licence and keywords; its page showed none of them."""
    attributes = json.loads(LAKE.read_text("utf-8"))["data"]["attributes"]
    abstract = next(d["description"] for d in attributes["descriptions"] if d["descriptionType"] == "Abstract")
    others = [d["description"] for d in attributes["descriptions"] if d["descriptionType"] != "Abstract"]
    (rights,) = attributes["rightsList"]
    _open(tab, real(f"/works/{attributes['doi'].lower()}"), "real-about-pangaea")
    section = tab.page.locator("section.about")
    assert section.locator("h2").inner_text() == "Abstract"
    texts = section.locator("p.about-text")
    assert texts.first.inner_text().startswith(abstract.strip()) and texts.count() == 1 + len(others)
    section.locator("details summary").click()
    assert all(any(t.startswith(o.strip()) for t in texts.all_inner_texts()) for o in others)
    licence = tab.page.locator("article > dl > dt", has_text=re.compile("^Licence$")).locator(
        "xpath=following-sibling::dd[1]//a")
    assert licence.get_attribute("href") == rights["rightsUri"] and licence.inner_text() == "CC BY 3.0"
    keywords = sorted((s["subject"] for s in attributes["subjects"]), key=str.casefold)
    assert _figure(tab, "Keywords") == "; ".join(keywords)
    message = crossref(ELIFE)
    _open(tab, real(f"/works/{message['DOI'].lower()}"), "real-about-elife")
    assert tab.page.locator("section.about h2").inner_text() == "Abstract"
    words = re.sub(r"<[^>]+>", " ", message["abstract"]).split()
    assert " ".join(words[:8]) in tab.page.locator("section.about p.about-text").first.inner_text()
    assert _figure(tab, "Licence") == "CC BY 3.0" and message["license"][0]["URL"].endswith("/by/3.0/")
    assert tab.errors == []


def test_the_page_says_when_more_related_items_exist_than_it_shows(real: Live, tab: Tab) -> None:
    """eLife's page listed 20 of its 28 related items and said nothing of the others."""
    record = crossref(ELIFE)
    linked = {r["DOI"].lower() for r in record["reference"] if r.get("DOI")} | {
        i["id"].lower() for rel in record["relation"].values() for i in rel if i.get("id-type") == "doi"}
    assert len(linked) > 20
    _open(tab, real(f"/works/{record['DOI'].lower()}"), "real-elife-related-more")
    shown = tab.page.locator("ul.related > li").count()
    more = tab.page.locator("p.related-more a")
    assert shown == 20 and more.count() == 1
    listed = requests.get(more.get_attribute("href") or "", timeout=30).json()["items"]
    assert len(listed) == min(len(linked), 100) > shown
    assert tab.errors == []


def test_a_cited_works_linked_data_holds_the_statements_citing_it(real: Live) -> None:
    """A work no loaded record describes answered its Turtle, N-Triples and JSON-LD links with 200 and nothing
    (0 bytes, "@graph": []), while its page listed the works citing it."""
    cited = next(r["DOI"].lower() for r in crossref(ELIFE)["reference"] if r.get("DOI"))
    citing = {f"https://doi.org/{m['DOI'].lower()}" for p in RECORDS if "crossref" in p.parts
              for m in [crossref(p)] if any((r.get("DOI") or "").lower() == cited for r in m.get("reference", []))}
    assert citing and not any(f"{cited.replace('/', '_')}.json" == p.name for p in RECORDS)
    answer = requests.get(real(f"/works/{cited}"), headers={"Accept": "application/n-triples"}, timeout=30)
    assert answer.status_code == 200
    cites = {line.split(" ")[0][1:-1] for line in answer.text.splitlines()
             if f" <http://purl.org/spar/cito/cites> <https://doi.org/{cited}> ." in line}
    assert cites == citing
    graph = requests.get(real(f"/works/{cited}"), headers={"Accept": "application/ld+json"}, timeout=30).json()
    assert graph["@graph"]
