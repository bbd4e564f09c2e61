"""A funder's figures with its descendants as a funder or analyst reads them from ``kg serve`` over real records
(``../shared/realdata``): the NSF's Crossref funder record (its ``descendants``) and the Crossref works naming the
NSF or one of its directorates. The JSON, the CSV, the dashboard and GraphQL give the NSF's own figures and,
labelled, those with its directorates rolled up, each output once. Expectations are computed from the records'
JSON, never from kg's output."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.conftest import Live, serving_records

pytestmark = [pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

NSF = "100000001"
FUNDER_FILE = REALDATA / "crossref" / "funders" / f"{NSF}.json"
WORK_FILES = sorted((REALDATA / "crossref" / "works-lists").glob("funders_*100000001_works_*.json")) \
    if REALDATA.is_dir() else []


def _funded() -> tuple[set[str], set[str]]:
    """The DOIs of the works in :data:`WORK_FILES` naming the NSF itself, and naming the NSF or a descendant."""
    below = set(json.loads(FUNDER_FILE.read_text("utf-8"))["message"]["descendants"])
    own: set[str] = set()
    rolled: set[str] = set()
    for path in WORK_FILES:
        for item in json.loads(path.read_text("utf-8"))["message"]["items"]:
            named = {str(f.get("DOI") or "").rsplit("/", 1)[-1] for f in item.get("funder") or []}
            if NSF in named:
                own.add(item["DOI"].lower())
            if named & (below | {NSF}):
                rolled.add(item["DOI"].lower())
    return own, rolled


@pytest.fixture(scope="module")
def nsf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serving_records(tmp_path_factory.mktemp("nsf"), [FUNDER_FILE, *WORK_FILES]) as live:
        yield live


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (a local server)
        return str(response.read().decode("utf-8"))


def test_the_json_and_csv_give_its_own_figures_and_those_with_its_directorates(nsf: Live) -> None:
    own, rolled = _funded()
    assert len(rolled) > len(own) > 0
    found: dict[str, Any] = json.loads(_get(nsf(f"/api/metrics/funder?id=10.13039/{NSF}")))
    assert found["outputs"] == len(own)
    assert found["with_descendants"]["outputs"] == len(rolled)
    descendants = json.loads(FUNDER_FILE.read_text("utf-8"))["message"]["descendants"]
    assert {f"https://doi.org/10.13039/{d}" for d in descendants} <= set(found["descendants"])
    rows = list(csv.DictReader(io.StringIO(_get(nsf(f"/api/metrics/funder?id=10.13039/{NSF}&format=csv")))))
    figures = {r["metric"]: r["value"] for r in rows if r["key"] == ""}
    assert (figures["outputs"], figures["with_descendants.outputs"]) == (str(len(own)), str(len(rolled)))


def test_the_dashboard_labels_the_figures_with_the_funders_below_it(nsf: Live) -> None:
    own, rolled = _funded()
    descendants = json.loads(FUNDER_FILE.read_text("utf-8"))["message"]["descendants"]
    page = _get(nsf(f"/funders/10.13039/{NSF}"))
    section = page.split('id="with-descendants"', 1)[1]
    assert section.startswith(f">With the {len(descendants)} funders below it</h2>")
    assert f"<dt>Outputs</dt><dd>{len(rolled)} (" in section
    assert f"<dt>Outputs</dt><dd>{len(own)} (" in page.split('id="with-descendants"', 1)[0]


def test_graphql_gives_the_figures_with_descendants(nsf: Live) -> None:
    own, rolled = _funded()
    query = ('{ funder(id: "10.13039/' + NSF + '") { metrics { outputCount descendants '
             'withDescendants { outputCount withDescendants { outputCount } } } } }')
    request = urllib.request.Request(nsf("/graphql"), json.dumps({"query": query}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local server)
        answer = json.loads(response.read())
    metrics = answer["data"]["funder"]["metrics"]
    assert metrics["outputCount"] == len(own)
    assert metrics["withDescendants"] == {"outputCount": len(rolled), "withDescendants": None}
    assert len(metrics["descendants"]) >= len(json.loads(FUNDER_FILE.read_text("utf-8"))["message"]["descendants"])
    query = '{ funder(id: "10.13039/100000086") { metrics { ancestors withDescendants { outputCount } } } }'
    request = urllib.request.Request(nsf("/graphql"), json.dumps({"query": query}).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local server)
        directorate = json.loads(response.read())["data"]["funder"]["metrics"]
    assert directorate == {"ancestors": [f"https://doi.org/10.13039/{NSF}"], "withDescendants": None}


def test_a_directorates_dashboard_names_the_funder_above_it(nsf: Live) -> None:
    directorate = "100000086"  # Directorate for Mathematical and Physical Sciences
    assert directorate in json.loads(FUNDER_FILE.read_text("utf-8"))["message"]["descendants"]
    page = _get(nsf(f"/funders/10.13039/{directorate}"))
    assert f'<p>Below <a href="/funders/10.13039/{NSF}">' in page
    assert "in the Funder Registry: its outputs are counted there too" in page
