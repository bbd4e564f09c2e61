"""Preprints on real records (``../shared/realdata``): a Crossref ``posted-content`` of subtype ``preprint``
(bioRxiv, Copernicus discussion papers) and a DataCite ``Preprint`` (arXiv) are ``kg:Preprint`` beside
``schema:ScholarlyArticle``, and their pages say "Preprint", not "Article": a reader must not take a text
not yet peer reviewed for a published article. Another posted content (a blog post) is no preprint.
Expectations are read from the records' JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


def _expected() -> dict[str, tuple[Path, bool]]:
    """Each single Crossref work of type posted-content and DataCite DOI with a preprint or not."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        if message.get("type") == "posted-content":
            found[message["DOI"]] = (path, message.get("subtype") == "preprint")
    for path in sorted((REALDATA / "datacite" / "dois").glob("*.json")):
        attributes = json.loads(path.read_text("utf-8"))["data"]["attributes"]
        if (attributes.get("types") or {}).get("resourceTypeGeneral") == "Preprint":
            found[attributes["doi"]] = (path, True)
    return found


def test_a_preprint_is_said_to_be_one() -> None:
    expected = _expected()
    assert sum(p for _, p in expected.values()) >= 3 and not all(p for _, p in expected.values())
    assert expected["10.1101/097196"][1]  # bioRxiv
    store = Store.open(None)
    load(store, read_paths(sorted({path for path, _ in expected.values()})))
    with TestClient(create_app(store)) as client:
        for doi, (path, preprint) in expected.items():
            url = f"/works/{doi}"
            types = client.get(url, params={"format": "json"}).json()["types"]
            page = client.get(url, headers={"Accept": "text/html"}).text
            assert ("kg:Preprint" in types) == preprint, (path.name, types)
            assert ("<dt>Type</dt><dd>Preprint " in page) == preprint, path.name
            if preprint:
                assert "schema:ScholarlyArticle" in types
