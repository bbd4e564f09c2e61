"""A cryo-EM entry's map on real PDBe records (``../shared/realdata``): PDBe's summary of 8C9X names its
EMDB map as the "associated EM volume", the density the model was built into. It was listed as the entry's
"Raw data" (its raw data are the microscope's images); it is its EM map, in the page, the JSON and GraphQL.
Expectations are computed from the records' JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_graphql_datacite import execute

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

SUMMARY = REALDATA / "pdbe" / "entry_summary_8c9x.json"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = Store.open(None)
    load(s, read_paths([SUMMARY]))
    yield s


def test_an_entrys_em_map_is_its_map_not_its_raw_data(store: Store) -> None:
    ((pdb, (entry,)),) = json.loads(SUMMARY.read_text("utf-8")).items()
    maps = [r["accession"] for r in entry["related_structures"]
            if r["resource"] == "EMDB" and r["relationship"].lower() == "associated em volume"]
    assert maps
    doi = f"10.2210/pdb{pdb}/pdb"
    with TestClient(create_app(store)) as client:
        structure = client.get(f"/works/{doi}", params={"format": "json"}).json()["structure"]
        page = client.get(f"/works/{doi}", headers={"Accept": "text/html"}).text
    assert [m["id"].rsplit("/", 1)[-1] for m in structure["emMaps"]] == maps
    assert [m["name"] for m in structure["emMaps"]] == maps and structure["rawData"] == []
    assert "<dt>EM map</dt>" in page and "<dt>Raw data</dt>" not in page
    found = execute(store, '{ work(id: "%s") { structure { emMaps { node { id } } rawData { node { id } } } } }'  # noqa: UP031
                    % doi)
    assert found.errors is None and found.data is not None
    shown = found.data["work"]["structure"]
    assert [m["node"]["id"].rsplit("/", 1)[-1] for m in shown["emMaps"]] == maps and shown["rawData"] == []


def test_a_chain_of_one_hop_says_one_hop(store: Store) -> None:
    ((pdb, _),) = json.loads(SUMMARY.read_text("utf-8")).items()
    with TestClient(create_app(store)) as client:
        page = client.get(f"/works/10.2210/pdb{pdb}/pdb", headers={"Accept": "text/html"}).text
    assert "2 works, 1 hop)" in page and ": 2 works, 1 hop</title>" in page  # the entry and its map
