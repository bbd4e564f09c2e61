"""What the item page says of real works the graph knows little of (``../shared/realdata``), in a real browser
against ``kg serve``: a DataCite record whose only class is the generic ``schema:CreativeWork`` (a HEPData
"Collection") is typed as its source types it, not "Work"; a work only cited, no record of it loaded, is not
said to "rely on nothing": the page says the graph cannot know what it rests on. Every expectation is computed
from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

HEPDATA = REALDATA / "datacite" / "dois" / "10.17182_hepdata.77274.v1.json"
ELIFE = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"
#: DataCite's resourceTypeGeneral values kg has a class for (loaders/datacite.py): the others are CreativeWork
CLASSED = {"Dataset", "Software", "Text", "JournalArticle", "Book", "BookChapter", "Dissertation", "Report",
           "Preprint", "ConferencePaper", "DataPaper", "Journal", "PhysicalObject", "Image", "Audiovisual"}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("generic"), [HEPDATA, ELIFE]) as live:
        yield live


def _type_line(tab: Tab) -> str:
    found: str = tab.page.locator("article > dl > dt", has_text=re.compile("^Type$")).locator(
        "xpath=following-sibling::dd[1]").inner_text()
    return found


def test_a_generic_datacite_record_is_typed_as_datacite_types_it(real: Live, tab: Tab) -> None:
    data: dict[str, Any] = json.loads(HEPDATA.read_text("utf-8"))["data"]
    types = data["attributes"]["types"]
    assert types["resourceTypeGeneral"] not in CLASSED
    tab.page.goto(real(f"/works/{data['attributes']['doi'].lower()}"))
    tab.screenshot("real-hepdata-type")
    shown = types.get("resourceType") or types["resourceTypeGeneral"]
    assert _type_line(tab) == f"{shown} (as DataCite types it) (schema:CreativeWork)"
    assert tab.errors == []


def test_a_work_only_cited_is_not_said_to_rely_on_nothing(real: Live, tab: Tab) -> None:
    record: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    cited = next(r["DOI"].lower() for r in record["reference"] if r.get("DOI") and r.get("article-title"))
    tab.page.goto(real(f"/works/{cited}"))
    chain = tab.page.locator("section[aria-labelledby=chain-heading]").inner_text()
    assert "relies on nothing" not in chain
    assert "No record of this work is loaded, so the graph does not know what it rests on" in chain
    # the article itself, with a record and a reference list, has its chain drawn
    tab.page.goto(real(f"/works/{record['DOI'].lower()}"))
    assert tab.page.locator("svg.chain").count() == 1
    assert tab.errors == []
