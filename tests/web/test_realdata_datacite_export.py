"""kg's DataCite JSON (``?format=datacite-json``) on real records (``../shared/realdata``): its funding
references carry what the record gives, each funder's Crossref Funder ID (or ROR ID) and each award's
number and title, one reference per award as DataCite writes them, and its container the journal's ISSN
and the work's volume, issue and pages. Expectations are read from the records' JSON."""

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

FREYA = REALDATA / "datacite" / "dois" / "10.14454_fqq6-w751.json"
RSPB = REALDATA / "crossref" / "works" / "10.1098_rspb.2017.0132.json"
HEREDITY = REALDATA / "crossref" / "works" / "10.1038_hdy.2013.26.json"


def _export(*paths: object) -> dict[str, dict[str, object]]:
    store = Store.open(None)
    load(store, read_paths(list(paths)))  # type: ignore[arg-type]
    out = {}
    with TestClient(create_app(store)) as client:
        for path in paths:
            data = json.loads(path.read_text("utf-8"))  # type: ignore[attr-defined]
            doi = data["message"]["DOI"] if "message" in data else data["data"]["attributes"]["doi"]
            out[str(path)] = client.get(f"/works/{doi}", params={"format": "datacite-json"}).json()
    return out


def test_funding_references_and_container_carry_what_the_records_give() -> None:
    exported = _export(FREYA, RSPB, HEREDITY)
    source = json.loads(FREYA.read_text("utf-8"))["data"]["attributes"]["fundingReferences"]
    expected = {(f["funderIdentifier"].removeprefix("https://doi.org/"), f.get("awardNumber"), f.get("awardTitle"))
                for f in source}
    got = {(str(f.get("funderIdentifier", "")).removeprefix("https://doi.org/"), f.get("awardNumber"),
            f.get("awardTitle")) for f in exported[str(FREYA)]["fundingReferences"]}  # type: ignore[attr-defined]
    assert expected and got == expected
    message = json.loads(RSPB.read_text("utf-8"))["message"]
    awards = {(f["DOI"], a) for f in message["funder"] if f.get("DOI") for a in f.get("award") or [None]}
    got_rspb = {(str(f.get("funderIdentifier", "")).removeprefix("https://doi.org/"), f.get("awardNumber"))
                for f in exported[str(RSPB)]["fundingReferences"] if f.get("funderIdentifier")}  # type: ignore[attr-defined]
    assert awards and got_rspb == awards
    assert all(f["funderIdentifierType"] == "Crossref Funder ID"
               for f in exported[str(RSPB)]["fundingReferences"] if "funderIdentifier" in f)  # type: ignore[attr-defined]
    heredity = json.loads(HEREDITY.read_text("utf-8"))["message"]
    first, last = heredity["page"].split("-")
    container: dict[str, object] = exported[str(HEREDITY)]["container"]  # type: ignore[assignment]
    assert container.pop("identifier") in heredity["ISSN"]
    assert container == {"type": "Journal", "title": heredity["container-title"][0], "identifierType": "ISSN",
                         "volume": heredity["volume"], "issue": heredity["issue"], "firstPage": first, "lastPage": last}
