"""DataCite's own counts of a work (``partCount``, ``partOfCount``, ``versionOfCount``, ``citationCount``) beside what
kg's GraphQL answers for the same DOI, over each single DataCite record of the real corpus (../shared/realdata)
loaded alone: kg holds every link the record lists (relatedIdentifiers and DataCite's ``relationships``), so its
counts are at least DataCite's, and the works citing it are named by their DOIs even when kg holds no record of
them. Expectations are read from the records' JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg import ids
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_graphql_datacite import execute

QUERY = """query($id: ID!) { work(id: $id) { citationCount partCount partOfCount versionOfCount
  citations(first: 100) { nodes { id doi } } parts(first: 100) { nodes { doi } } } }"""
FILES = sorted((REALDATA / "datacite" / "dois").glob("*.json")) if REALDATA.is_dir() else []


def _linked(data: dict[str, Any], key: str) -> set[str]:
    """The DOIs DataCite's ``relationships.<key>`` lists, lower case, the record's own left out."""
    own = data["attributes"]["doi"].lower()
    return {str(link["id"]).lower() for link in ((data.get("relationships") or {}).get(key) or {}).get("data") or []
            if link.get("type") == "dois" and str(link["id"]).lower() != own}


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_kg_answers_datacites_counts_of_its_own_record(path: Path) -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    data = json.loads(path.read_text("utf-8"))["data"]
    attributes = data["attributes"]
    store = Store.open(None)
    load(store, read_paths([path]))
    result = execute(store, QUERY, {"id": attributes["doi"]})
    assert not result.errors, result.errors
    assert result.data is not None
    work = result.data["work"]
    citing, parts = _linked(data, "citations"), _linked(data, "parts")
    assert {n["doi"] for n in work["citations"]["nodes"]} >= citing
    assert all(n["doi"] == ids.doi_from_iri(n["id"]) for n in work["citations"]["nodes"]
               if n["id"].startswith(ids.DOI_BASE))
    assert {n["doi"] for n in work["parts"]["nodes"]} >= parts
    for field, key in (("partCount", "parts"), ("partOfCount", "partOf"), ("versionOfCount", "versionOf"),
                       ("citationCount", "citations")):
        assert work[field] >= len(_linked(data, key)), field


@pytest.mark.realdata
def test_the_corpus_has_parts_and_citations_datacite_lists() -> None:
    every = [json.loads(p.read_text("utf-8"))["data"] for p in FILES]
    assert sum(len(_linked(d, "parts")) for d in every) >= 1
    assert sum(len(_linked(d, "citations")) for d in every) >= 10
