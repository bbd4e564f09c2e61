"""The item page of a real article with 229 references (Crossref's record of 10.2903/j.efsa.2018.5239, from
``../shared/realdata``), in a real browser against ``kg serve``: the page stays short (the reference list
collapsed and capped), the evidence hops come before the counted citations, and kg's counts stand beside
Crossref's, labelled with their source and date. Every expectation is computed from the record's JSON,
never from kg's output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

DOI = "10.2903/j.efsa.2018.5239"
RECORD = REALDATA / "crossref" / "works" / "10.2903_j.efsa.2018.5239.json"
#: the page's height at 1280 px wide stays under this, whatever the length of the reference list
MAX_HEIGHT = 6000


def message() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(RECORD.read_text("utf-8"))["message"]
    return found


@pytest.fixture(scope="module")
def efsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over a store holding only the article's Crossref record."""
    with serving_records(tmp_path_factory.mktemp("efsa"), [RECORD]) as live:
        yield live


def test_the_229_reference_article_page_is_short_and_counts_side_by_side(efsa: Live, tab: Tab) -> None:
    record = message()
    references = record["reference"]
    with_doi = {r["DOI"].lower() for r in references if r.get("DOI")}
    assert (len(references), record["reference-count"]) == (229, 229) and len(with_doi) == 167
    response = tab.page.goto(efsa(f"/works/{DOI}"))
    assert response is not None and response.status == 200
    tab.screenshot("item-efsa-229-references")
    page = tab.page
    assert page.evaluate("document.documentElement.scrollHeight") < MAX_HEIGHT
    # the reference list is collapsed and capped: not every reference is a row of the page
    details = page.locator("section[aria-labelledby=references-heading] details")
    assert details.get_attribute("open") is None
    listed = page.locator("ol.references li").count()
    assert 0 < listed < len(references)
    assert page.get_by_role("link", name=f"Show all {len(references)} references").count() == 1
    # kg's counts beside Crossref's, each with its source and the record's retrieval date, never summed
    refs_line = page.locator("section[aria-labelledby=references-heading] p.counts").inner_text()
    indexed = record["indexed"]["date-time"][:10]  # Crossref's counts are as of its indexed date
    assert re.fullmatch(rf"{len(references)} references in this graph, {len(with_doi)} with a DOI · "
                        rf"Crossref lists {record['reference-count']} \(as of {indexed}\)", refs_line)
    figures = dict(zip(page.locator("#reuse-heading + dl dt").all_inner_texts(),
                       page.locator("#reuse-heading + dl dd").all_inner_texts(), strict=True))
    assert re.fullmatch(rf"0 works in this graph · Crossref reports {record['is-referenced-by-count']} "
                        rf"\(as of {indexed}\)", figures["Cited by"])
    # the chain's evidence hops come before the citations, which are counted, the strongest shown
    caption = page.locator("figure.chain-figure figcaption").inner_text()
    assert f"It cites {len(with_doi)} works (the 10 strongest shown)." in caption
    order = page.evaluate("""['chain-heading', 'references-heading', 'reuse-heading'].map(
        id => document.getElementById(id).getBoundingClientRect().top)""")
    assert order == sorted(order)
    hops = page.locator("ol.hops li").all_text_contents()  # in a closed <details>: hidden, not absent
    assert hops and all(" cites " in h for h in hops)  # a plain article: no evidence hop, only citations
    # what the record says the article is, shown
    header = page.locator("article > dl").inner_text()
    assert record["container-title"][0] in header and record["publisher"] in header
    assert tab.errors == []


def test_all_references_are_listed_when_asked_for(efsa: Live) -> None:
    record = message()
    page = requests.get(efsa(f"/works/{DOI}"), params={"refs": "all"}, headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200
    assert page.text.count('<li value="') == len(record["reference"])
    counts = requests.get(efsa(f"/works/{DOI}"), params={"format": "json"}, timeout=60).json()["counts"]
    assert counts["citedBy"]["reported"][0]["count"] == record["is-referenced-by-count"]
    assert counts["references"]["inGraphWithDoi"] == len({r["DOI"].lower() for r in record["reference"]
                                                           if r.get("DOI")})


@pytest.mark.parametrize("query", ["", "?refs=all&links=all"])
def test_the_long_page_passes_the_wcag_a_and_aa_checks_of_axe(efsa: Live, tab: Tab, axe: str, query: str) -> None:
    # an init script, not a <script> tag: the pages' Content-Security-Policy refuses inline scripts
    tab.page.add_init_script(script=axe)
    tab.page.goto(efsa(f"/works/{DOI}{query}"))
    violations = tab.page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    assert violations == []
