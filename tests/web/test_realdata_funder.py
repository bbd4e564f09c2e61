"""A funder's page over real DataCite records (``../shared/realdata``, DataCite's test system) where dozens of
outputs of one award share a title ("Dataset example", "Global ecological impacts gorilla aliens."): each is
shown with its DOI, so that a funder sees distinct works, not the same row ten times, and an award's long list
is cut with its count. Expectations are computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

FILES = sorted((REALDATA / "datacite" / "dois-lists").glob("stage_dois_affiliation-true-*.json")) \
    if REALDATA.is_dir() else []
DFG = "10.13039/501100001659"
AWARD = "BE 1042/7-1"
#: outputs listed per award on the page (kg.web.pages.AWARD_OUTPUTS_SHOWN)
SHOWN = 10


def award_outputs() -> set[str]:
    """The DOIs of the records naming the DFG (by its Funder ID) with :data:`AWARD`."""
    found = set()
    for path in FILES:
        for record in json.loads(path.read_text("utf-8"))["data"]:
            for ref in record["attributes"].get("fundingReferences") or []:
                if (ref.get("funderIdentifier") or "").endswith(DFG) and ref.get("awardNumber") == AWARD:
                    found.add(record["id"].lower())
    return found


def cited_by_a_doi() -> set[str]:
    """The DOIs of the records naming the DFG and a DOI that cites them (IsCitedBy, IsReferencedBy a DOI)."""
    return {record["id"].lower() for path in FILES for record in json.loads(path.read_text("utf-8"))["data"]
            if any((ref.get("funderIdentifier") or "").endswith(DFG)
                   for ref in record["attributes"].get("fundingReferences") or [])
            for rel in record["attributes"].get("relatedIdentifiers") or []
            if rel.get("relationType") in ("IsCitedBy", "IsReferencedBy")
            and (rel.get("relatedIdentifierType") or "").upper() == "DOI"}


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("stage"), FILES) as live:
        yield live


def test_outputs_sharing_a_title_are_told_apart_by_their_doi(stage: Live, tab: Tab) -> None:
    expected = award_outputs()
    assert len(expected) > SHOWN
    response = tab.page.goto(stage(f"/funders/{DFG}"))
    assert response is not None and response.status == 200
    tab.screenshot("real-funder-dfg")
    row = tab.page.locator("#awards + .scroll table tbody tr", has=tab.page.locator("td", has_text=AWARD)).first
    links = row.locator("td:nth-child(3) a")
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) == SHOWN and len(set(hrefs)) == SHOWN
    assert {h.removeprefix("/works/") for h in hrefs} <= expected
    cell = row.locator("td:nth-child(3)").inner_text()
    assert all(f"(DOI {h.removeprefix('/works/')})" in cell for h in hrefs)
    assert cell.endswith(f"and {len(expected) - SHOWN} more ({len(expected)} in all: the CSV lists them)")
    # the most reused outputs: no two rows read the same; none here, since no record is cited by a work with a
    # DOI (the 'IsCitedBy' bibcode they name is DataCite's template text, no work: it once 'cited' them all)
    rows = tab.page.locator("#top + .scroll table tbody tr td:first-child").all_inner_texts()
    assert len(set(rows)) == len(rows)
    assert len(rows) == len(cited_by_a_doi())
    assert tab.errors == []
