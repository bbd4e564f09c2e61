"""The item page's usage line over real records (``../shared/realdata``), in a real browser against ``kg serve``:
DataCite's viewCount and downloadCount are this version's figures, Zenodo's ``version_*`` this version's and its
``views``/``downloads`` all versions' (a concept shows only those). Each figure is shown only when the source
gives it, never as "?". Every expectation is computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, Tab, serving_records
from tests.web.test_graphql_zenodo_usage import _figures

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

OBSERVATORY = REALDATA / "datacite" / "dois" / "10.6071_z7wc73.json"
RELEASE = REALDATA / "zenodo" / "records" / "5173799.json"
DATE = r"\(retrieved \d{4}-\d\d-\d\d\)"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("usage"), [OBSERVATORY, RELEASE]) as live:
        yield live


def _said(views: int, downloads: int) -> str:
    return f"{views} view{'s' if views != 1 else ''}, {downloads} download{'s' if downloads != 1 else ''}"


def _usage(live: Live, tab: Tab, doi: str, shot: str) -> dict[str, str]:
    response = tab.page.goto(live(f"/works/{doi}"))
    assert response is not None and response.status == 200
    tab.screenshot(shot)
    figures = dict(zip(tab.page.locator("#reuse-heading + dl dt").all_inner_texts(),
                       tab.page.locator("#reuse-heading + dl dd").all_inner_texts(), strict=True))
    assert tab.errors == []
    return {k: v for k, v in figures.items() if k.startswith("Usage")}


def test_datacite_usage_is_this_versions_and_nothing_is_unknown(real: Live, tab: Tab) -> None:
    attributes: dict[str, Any] = json.loads(OBSERVATORY.read_text("utf-8"))["data"]["attributes"]
    assert attributes["viewCount"] and attributes["downloadCount"]
    usage = _usage(real, tab, attributes["doi"].lower(), "usage-datacite-observatory")
    expected = rf"DataCite reports {_said(attributes['viewCount'], attributes['downloadCount'])} of this version {DATE}"
    assert list(usage) == ["Usage (DataCite)"] and re.fullmatch(expected, usage["Usage (DataCite)"])
    assert "?" not in usage["Usage (DataCite)"] and "all versions" not in usage["Usage (DataCite)"]


def test_zenodo_usage_is_this_versions_beside_all_versions(real: Live, tab: Tab) -> None:
    record: dict[str, Any] = json.loads(RELEASE.read_text("utf-8"))
    whole, own = _figures(record)
    assert whole is not None and own is not None and whole != own
    usage = _usage(real, tab, record["doi"].lower(), "usage-zenodo-version")
    assert list(usage) == ["Usage (Zenodo)"]
    assert re.fullmatch(rf"Zenodo reports {_said(*own)} of this version · {_said(*whole)} of all versions {DATE}",
                        usage["Usage (Zenodo)"])
    # the concept is no version: all its versions' figures only, once
    usage = _usage(real, tab, record["conceptdoi"].lower(), "usage-zenodo-concept")
    assert list(usage) == ["Usage (Zenodo)"]
    assert re.fullmatch(rf"Zenodo reports {_said(*whole)} of all versions {DATE}", usage["Usage (Zenodo)"])
