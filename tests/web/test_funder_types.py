"""The funder dashboard's table of most reused outputs names each output's type, never a blank cell: an
output no record describes (only cited) is said so. Over the real eLife 01567 record
(``../shared/realdata``), with one statement added that a work it only cites is funded by one of its
funders (no loader writes such a statement today; a future source of funding links may). Expectations are
computed from the record's JSON."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_realdata_cited import ELIFE, crossref

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


def test_an_output_only_cited_has_its_type_said_not_known_and_its_year_as_cited() -> None:
    record = crossref(ELIFE)
    funder = next(f["DOI"] for f in record["funder"] if f.get("DOI"))
    reference = next(r for r in record["reference"] if r.get("DOI") and r.get("article-title") and r.get("year"))
    cited = reference["DOI"].lower()
    store = Store.open(None)
    load(store, read_paths([ELIFE]))
    store.update(f"INSERT DATA {{ GRAPH <https://example.org/graph/funding-links> {{ <https://doi.org/{cited}> "
                 f"<http://schema.org/funder> <https://doi.org/{funder}> }} }}")
    with TestClient(create_app(store)) as client:
        page = client.get(f"/funders/{funder}", headers={"Accept": "text/html"}).text
    table = page[page.index("<thead><tr><th scope=\"col\">output</th>"):]
    table = table[:table.index("</table>")]
    # each row: the output's link, then its cells after the first (type, year, citations, all versions)
    cells = {m[0]: [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", m[1], re.S)]
             for m in re.findall(r"<tr><td><a href=\"/works/([^\"]+)\">(.*?)</tr>", table, re.S)}
    # the most reused outputs: the work only cited (cited once, by the article), the article (cited by none) not
    assert list(cells) == [cited]
    assert cells[cited] == ["not known: no record loaded, only cited", f"{reference['year']} (as cited)", "1", "1"]
    assert f">{html.escape(reference['article-title'])}</a>" in table
