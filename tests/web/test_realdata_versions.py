"""How many versions a real Zenodo record's work has (``../shared/realdata/zenodo/records``), one answer
everywhere: kg's count of the versions in this graph and Zenodo's own count (legacy ``relations.version[0].count``,
else the last version's number) or, without one, the highest number Zenodo gives a version (``index``, counted
from 0), side by side and
labelled, never mixed: the item page (in a real browser against ``kg serve``), the item metrics' JSON and CSV.
Every expectation is computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.loaders.test_zenodo import zenodos_count
from tests.web.conftest import Live, Tab, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

#: versions of five concepts, one version of each loaded: three with Zenodo's count of versions, one the last
#: version without a count (its number is the count), one neither
RECORDS = [REALDATA / "zenodo" / "records" / f"{n}.json" for n in (1194353, 58369, 7752775, 3871094, 5173799)]


def version(path: Path) -> tuple[str, str, int | None, int]:
    """The record's DOI, its concept DOI, Zenodo's count of the concept's versions (its ``count``; of the last
    version, its number) and its number among them (counted from 1)."""
    record: dict[str, Any] = json.loads(path.read_text("utf-8"))
    relation = record["metadata"]["relations"]["version"][0]
    return record["doi"].lower(), record["conceptdoi"].lower(), zenodos_count(record), relation["index"] + 1


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("versions"), RECORDS) as live:
        yield live


def test_the_versions_are_counted_once_in_this_graph_beside_zenodos_count(real: Live, tab: Tab) -> None:
    found = [version(p) for p in RECORDS]
    assert any(c is None for _, _, c, _ in found) and any(c is not None for _, _, c, _ in found)
    for doi, concept, count, index in found:
        expected = {"in_graph": 1, "concept": True, "numbered": index}
        for work in (doi, concept):
            answer = requests.get(real(f"/api/metrics/item?id={work}"), timeout=30).json()["version_counts"]
            reported = [(r["work"], r["source"], r["count"]) for r in answer.pop("reported")]
            assert answer == expected, work
            assert reported == ([(f"https://doi.org/{concept}", "zenodo", count)] if count else []), work
            table = list(csv.reader(io.StringIO(requests.get(real(f"/api/metrics/item?id={work}&format=csv"),
                                                             timeout=30).text)))
            rows = {(r[1], r[2]): r[3] for r in table[1:]}
            assert rows[("versions.in_graph", "")] == "1" and rows[("versions.numbered", "")] == str(index)
            if count:
                assert [v for (m, k), v in rows.items() if m == "source_reported_versions"] == [str(count)]
        # the page: kg's count, then Zenodo's (else the number it gives one), labelled
        tab.page.goto(real(f"/works/{concept}"))
        line = tab.page.locator("p.version-counts").inner_text()
        source = (rf" · Zenodo counts {count} versions \(retrieved \d{{4}}-\d\d-\d\d\)" if count else
                  rf" · a source numbers one of them {index}: at least {index} exist")
        assert re.fullmatch(rf"1 version in this graph and the concept{source} "
                            r"\(the records of the others are not loaded\)", line), line
        # the concept, named by a version's title, is said to be all versions: on its page and its versions'
        kind = json.loads(next(p for p in RECORDS if version(p)[0] == doi).read_text("utf-8"))["metadata"][
            "resource_type"]["title"]  # Zenodo's words ("Software", "Report") are kg's here
        assert tab.page.locator("article > dl > dt", has_text=re.compile("^Type$")).locator(
            "xpath=following-sibling::dd[1]").inner_text().startswith(f"{kind}, all versions ("), concept
        tab.page.goto(real(f"/works/{doi}"))
        assert tab.page.locator("ul.version-of li").inner_text().endswith(f"all versions (concept), DOI {concept}")
        rolled = tab.page.locator("dt", has_text=re.compile("^All versions$")).locator(
            "xpath=following-sibling::dd[1]").inner_text()
        assert re.fullmatch(rf"\d+ works?, over 1 version in this graph and the concept{source} "
                            r"\(the others are not loaded, their citations not counted\)", rolled), rolled
    tab.screenshot("real-zenodo-version-counts")
    assert tab.errors == []
