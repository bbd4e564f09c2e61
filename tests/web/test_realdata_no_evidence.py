"""A chain that is only a reference list says so, on real records (``../shared/realdata``): the work page and
the trace page of an article whose record links no data, software or method (its JSON's ``relation`` lists none
and it cites no DOI of a data repository) say that its chain lists only works it cites, so that a reader does
not take "the 10 strongest" references for the evidence; an article whose record says it is supplemented by
a Dryad data set does not."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

NOTE = "No data, software, structure or method link of it is recorded"
#: DOI prefixes of data repositories (Dryad, Zenodo, figshare, PANGAEA)
DATA_PREFIXES = ("10.5061/", "10.5281/", "10.6084/", "10.1594/")
ONLY_CITES, WITH_DATA = "10.1039_c8cc06410e.json", "10.7554_elife.01567.json"


def _message(name: str) -> dict[str, object]:
    return json.loads((REALDATA / "crossref" / "works" / name).read_text("utf-8"))["message"]  # type: ignore[no-any-return]


def test_a_chain_of_references_only_says_so() -> None:
    plain, supplemented = _message(ONLY_CITES), _message(WITH_DATA)
    cited = [str(r.get("DOI", "")).lower() for r in plain["reference"]]  # type: ignore[attr-defined]
    assert not any((plain.get("relation") or {}).values())  # type: ignore[attr-defined]
    assert cited and not any(d.startswith(DATA_PREFIXES) for d in cited)
    dryad = supplemented["relation"]["is-supplemented-by"]  # type: ignore[index]
    assert any(r["id"].startswith("10.5061/") for r in dryad)
    store = Store.open(None)
    load(store, read_paths([REALDATA / "crossref" / "works" / n for n in (ONLY_CITES, WITH_DATA)]))
    with TestClient(create_app(store)) as client:
        pages = {str(m["DOI"]): client.get(f"/works/{m['DOI']}", headers={"Accept": "text/html"}).text
                 for m in (plain, supplemented)}
        traced = client.post("/trace", data={"text": f"As doi:{plain['DOI']} shows, the catalyst works."}).text
    assert NOTE in pages[str(plain["DOI"])] and NOTE not in pages[str(supplemented["DOI"])]
    assert NOTE in traced
