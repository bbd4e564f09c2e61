"""The item page's chart of works citing a work, by year, on real link records (``../shared/realdata``) in a
real browser against ``kg serve``: citing works that only OpenCitations names (no record of their own loaded)
are dated by the creation date OpenCitations gives each citation, and said so; citing works ADS names to the
Asclepias broker, that nothing in the graph dates, are counted as "year not known", never drawn as a bar
called "unknown". Every expectation is computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records
from tests.web.test_graphql_datacite import execute

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

COCI = REALDATA / "opencitations" / "coci" / "citations_10.1108_jd-12-2013-0166.json"
ADS = REALDATA / "scholix" / "asclepias_ads-events-1.json"


def rows(path: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return found


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` over a store holding OpenCitations' citations of one article and ADS's links to software."""
    with serving_records(tmp_path_factory.mktemp("citing-years"), [COCI, ADS]) as live:
        yield live


def _chart(tab: Tab) -> tuple[dict[str, int], str, str]:
    bars = tab.page.locator("svg.bar-chart g.bar")
    drawn = {bars.nth(i).get_attribute("data-label") or "": int(bars.nth(i).get_attribute("data-value") or 0)
             for i in range(bars.count())}
    return drawn, tab.page.locator("svg.bar-chart").inner_html(), tab.page.locator(
        "section[aria-labelledby=reuse-heading] figcaption").inner_text()


def test_works_only_opencitations_names_are_dated_by_its_citation_dates(real: Live, tab: Tab) -> None:
    citations = rows(COCI)
    cited = citations[0]["cited"].lower()
    created = {r["citing"].lower(): r["creation"][:4] for r in citations}
    assert len(created) == len(citations) > 10 and all(re.fullmatch(r"\d{4}", y) for y in created.values())
    tab.page.goto(real(f"/works/{cited}"))
    tab.screenshot("real-citing-years-opencitations")
    drawn, svg, caption = _chart(tab)
    assert drawn == dict(Counter(created.values()))
    assert "unknown" not in svg
    assert f"{len(created)} without one dated by OpenCitations' citation date" in caption
    assert "Year not known" not in caption
    assert tab.errors == []


def test_citing_works_nothing_dates_are_counted_as_year_not_known_not_drawn(real: Live, tab: Tab) -> None:
    links = rows(ADS)
    citing: dict[str, set[str]] = {}
    for link in links:
        if link["RelationshipType"]["Name"] == "References" and link["Target"]["Identifier"]["IDScheme"] == "doi":
            citing.setdefault(link["Target"]["Identifier"]["ID"].lower(), set()).add(link["Source"]["Identifier"]["ID"])
    doi, sources = max(citing.items(), key=lambda kv: (len(kv[1]), kv[0]))
    assert len(sources) > 1
    tab.page.goto(real(f"/works/{doi}"))
    tab.screenshot("real-citing-years-unknown")
    drawn, svg, caption = _chart(tab)
    assert drawn == {} and "unknown" not in svg and "no citing work's year is known" in svg
    assert f"Year not known: {len(sources)} citing works (not drawn)." in caption
    assert tab.errors == []


def test_graphql_citations_over_time_dates_them_as_the_page_does() -> None:
    """GraphQL's citationsOverTime left out every citing work without a record of its own: [] for an article
    with 20 citations OpenCitations dates."""
    citations = rows(COCI)
    cited = citations[0]["cited"].lower()
    store = Store.open(None)
    load(store, read_paths([COCI]))
    found = execute(store, '{ work(id: "%s") { citationCount citationsOverTime { year total } } }' % cited)  # noqa: UP031
    assert found.errors is None and found.data is not None
    years = Counter(r["creation"][:4] for r in citations)
    assert found.data["work"] == {"citationCount": len(citations), "citationsOverTime": [
        {"year": int(y), "total": n} for y, n in sorted(years.items())]}
