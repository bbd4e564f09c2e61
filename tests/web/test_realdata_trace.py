"""A journalist pastes a whole article's text into /trace, in a real browser against ``kg serve``: here the
abstracts of three real articles (``../shared/realdata``), one paragraph each. Every sentence quoting an
abstract is a claim that finds its article; each article's evidence chain is drawn once, under the first
claim that finds it, the others pointing there (the page had as many copies of one chain as sentences of its
abstract); the words a work was matched by are quoted as the claim writes them (not "processe", "specy").
Expectations come from the records' JSON."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
import requests

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records
from tests.web.test_realdata_cited import ELIFE, crossref

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

WORKS = REALDATA / "crossref" / "works"
PASTED = [WORKS / "10.1098_rspb.2017.0132.json", ELIFE, WORKS / "10.16910_jemr.9.1.2.json"]
#: a story of one sentence of each abstract, in one paragraph, and the words that pick the sentence
STORY = [(WORKS / "10.1038_srep16696.json", "Oligomers"), (WORKS / "10.1098_rspb.2017.0132.json", "In this study"),
         (WORKS / "10.1002_jor.1100150407.json", "Each day"), (ELIFE, "hampered"),
         (WORKS / "10.1101_097196.json", "This article presents")]
RECORDS = sorted({*PASTED, *(p for p, _ in STORY)})


def abstract(record: dict[str, object]) -> str:
    """The record's abstract as a reader sees it: JATS tags and the "Abstract" heading left out."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", str(record["abstract"])))).strip()
    return text.removeprefix("Abstract ")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("trace"), RECORDS) as live:
        yield live


def test_a_whole_articles_text_draws_each_works_chain_once(real: Live, tab: Tab) -> None:
    records = [crossref(p) for p in PASTED]
    tab.page.goto(real("/trace"))
    tab.page.fill("#trace-text", "\n\n".join(abstract(r) for r in records))
    tab.page.click("form.trace-form button")
    tab.page.wait_for_selector("section.trace-result")
    tab.screenshot("real-trace-whole-article")
    claims = tab.page.locator("article.claim")
    first: dict[str, int] = {}  # each work, by the number of the first claim listing it
    for i in range(claims.count()):
        number = i + 1
        claim = claims.nth(i)
        assert claim.get_attribute("id") == f"claim-{number}"
        said = claim.locator("blockquote").inner_text()
        for item in claim.locator("li.work").all():
            iri = item.get_attribute("data-iri") or ""
            # the words it was matched by, as the claim (a sentence of the abstract) writes them
            words = re.findall(r"“([^”]+)”", item.locator(".muted").first.inner_text())
            assert words and all(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", said) for w in words), (said, words)
            drawn = item.locator("svg.chain").count()
            if iri not in first:
                first[iri] = number
                assert drawn == 1, (number, iri)
                assert item.locator("svg.chain a.node.root").first.get_attribute("data-iri") == iri
            else:
                assert drawn == 0, (number, iri)
                assert item.locator("p.chain-above a").get_attribute("href") == f"#claim-{first[iri]}"
    # every article pasted is found, and by more than one claim (its abstract has several sentences)
    for record in records:
        iri = f"https://doi.org/{record['DOI'].lower()}"
        assert iri in first, iri
        by = tab.page.locator(f"#claim-{first[iri]} li.work[data-iri='{iri}'] p.also-found a").all_inner_texts()
        assert len(by) >= 1 and all(int(n) > first[iri] for n in by), iri
    assert tab.page.locator("svg.chain").count() == len(first)
    assert tab.errors == []


def test_a_story_of_sentences_from_five_abstracts_finds_each_article(real: Live) -> None:
    """One paragraph of five sentences, each from another article's abstract, the last starting "This
    article presents ...": each is a claim finding its own article first (the last, referring back, was
    joined to the one before it, and that one's article, eLife 01567, was lost)."""
    sentences = []
    for path, words in STORY:
        found = [s for s in re.split(r"(?<=\.)\s+", abstract(crossref(path))) if words in s]
        sentences.append((found[0], f"https://doi.org/{crossref(path)['DOI'].lower()}"))
    answer = requests.post(real("/api/trace"), json={"text": " ".join(s for s, _ in sentences)}, timeout=300)
    assert answer.status_code == 200
    claims = answer.json()["claims"]
    assert [c["text"] for c in claims] == [s for s, _ in sentences]
    assert [c["works"][0]["iri"] for c in claims] == [iri for _, iri in sentences]


def test_a_traced_chain_fits_a_phone_and_lists_each_hop_with_its_source(real: Live, tab: Tab) -> None:
    """On a 390 px phone the traced chain's drawing widened the whole page (848 px), and which source stated each
    hop was only in the drawing's hover text, which a phone cannot open: the chain now scrolls in its own box,
    and its hops are listed, each with its source, as on the work's page."""
    record = crossref(ELIFE)
    data = record["relation"]["is-supplemented-by"][0]["id"].lower()
    tab.page.set_viewport_size({"width": 390, "height": 844})
    tab.page.goto(real("/trace"))
    tab.page.fill("#trace-text", f"New data (doi:{record['DOI']}) show what the sperm protein does.")
    tab.page.click("form.trace-form button")
    tab.page.wait_for_selector("section.trace-result")
    assert tab.page.locator("svg.chain").count() == 1
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    hops = tab.page.locator("details.hop-list")
    hops.locator("summary").click()
    tab.screenshot("real-trace-phone-hops")
    listed = hops.locator("ol.hops > li").all_inner_texts()
    cited = {r["DOI"].lower() for r in record["reference"] if r.get("DOI")}
    # every hop drawn is listed (the data set the article also cites is one arrow drawn, two hops listed)
    assert tab.page.locator("svg.chain g.hop").count() <= len(listed) <= len(cited) + 1
    assert all("asserted by crossref" in h for h in listed)
    # its data set first among the hops (supplemented by it; cited too, among its newest references, further down)
    assert hops.locator(f"ol.hops > li a[href='/works/{data}']").count() == 2
    assert hops.locator("ol.hops > li").first.locator(f"a[href='/works/{data}']").count() == 1
    # a reader is not told how the service is run ("stores traces sent with its update token (Authorization: ...)")
    assert "Authorization" not in tab.page.locator("main").inner_text()
    # how the work was found, in words: its DOI in the claim's text (the method stays in the score's tooltip)
    note = tab.page.locator("li.work .muted").first
    assert "found by its DOI in the text" in note.inner_text() and "identifier:doi" not in note.inner_text()
    assert tab.errors == []


def test_a_claim_no_work_matches_says_what_would_find_one(real: Live, tab: Tab) -> None:
    """A news sentence loosely paraphrasing a title found nothing and the page said only "No work in the graph
    matches this claim": a journalist did not learn what would."""
    tab.page.goto(real("/trace"))
    tab.page.fill("#trace-text", "Researchers say the ocean's currents surprised everyone this winter.")
    tab.page.click("form.trace-form button")
    tab.page.wait_for_selector("section.trace-result")
    hint = tab.page.locator("p.no-match").inner_text()
    assert hint.startswith("No work in the graph matches this claim.")
    assert "a DOI" in hint and "title" in hint and "Paste the article's DOI" in hint
    assert tab.errors == []
