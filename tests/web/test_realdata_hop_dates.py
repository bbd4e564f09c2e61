"""A hop's date on real records (``../shared/realdata``): the chain says when the asserting record is from
(Crossref's ``indexed`` date: "asserted by crossref (its record of 2026-05-12)"), not when kg read the file.
eLife 10.7554/eLife.01567 is supplemented by a Dryad data set; the expectation is read from its JSON."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from kg.chains import evidence_chain
from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

ELIFE = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"


def test_a_hop_is_dated_by_its_records_own_date() -> None:
    message = json.loads(ELIFE.read_text("utf-8"))["message"]
    indexed = message["indexed"]["date-time"]
    dryad = next(r["id"].lower() for r in message["relation"]["is-supplemented-by"] if r["id"].startswith("10.5061/"))
    store = Store.open(None)
    load(store, read_paths([ELIFE]))
    chain = evidence_chain(store, message["DOI"])
    (hop,) = [h for h in chain.hops if h.to.endswith(dryad) and not h.is_citation]  # (it also cites it)
    (assertion,) = [a for a in hop.assertions if a.source == "crossref"]
    assert assertion.modified is not None and assertion.modified[:19] == indexed[:19]
    with TestClient(create_app(store)) as client:
        page = client.get(f"/works/{message['DOI']}", headers={"Accept": "text/html"}).text
        api = client.get("/api/chain", params={"id": message["DOI"]}).json()
    assert f"asserted by crossref (its record of {indexed[:10]})" in page
    hops = [h for h in api["hops"] if h["to"].endswith(dryad)]
    assert hops and {a["modified"][:10] for h in hops for a in h["assertions"]} == {indexed[:10]}
