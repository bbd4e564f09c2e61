"""Zenodo's usage figures and version counts in GraphQL, over the real Zenodo records (../shared/realdata):
a concept DOI's viewCount and downloadCount are all its versions' as Zenodo reported them (never a sum of its
versions'), a version's are its own, and Zenodo's count of a concept's versions is a source count beside kg's
versionCount. Expectations are read from the records' JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.loaders.test_zenodo import zenodos_count
from tests.web.test_graphql_datacite import execute

QUERY = """query($id: ID!) { work(id: $id) { viewCount downloadCount versionCount
  metrics { sourceCounts { metric source count } } } }"""


@pytest.fixture(scope="module")
def records() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    store = Store.open(None)
    load(store, read_paths([REALDATA / "zenodo" / "records"]))
    return store


def _records() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((REALDATA / "zenodo" / "records").glob("*.json"))]


def _figures(record: dict[str, Any]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(all versions' views and downloads, this version's) as the record's form gives them: today's legacy form
    all versions' as ``views``, this one's as ``version_views``; the old form (no ``recid``) the reverse."""
    stats = record.get("stats")
    if not stats:
        return None, None
    whole, own = (stats, {k: stats.get(f"version_{k}") for k in ("views", "downloads")})
    if "recid" not in record:
        whole, own = own, whole
    return ((int(whole["views"]), int(whole["downloads"])), (int(own["views"]), int(own["downloads"])))


def _work(store: Store, doi: str) -> dict[str, Any]:
    result = execute(store, QUERY, {"id": doi})
    assert not result.errors, result.errors
    assert result.data is not None
    found: dict[str, Any] = result.data["work"]
    return found


@pytest.mark.realdata
def test_a_concepts_views_are_all_its_versions_and_a_versions_its_own(records: Store) -> None:
    checked = 0
    for record in _records():
        concept = record.get("conceptdoi")
        whole, own = _figures(record)
        version = _work(records, record["doi"])
        assert (version["viewCount"], version["downloadCount"]) == (own or (None, None)), record["doi"]
        if concept and whole is not None:
            # each concept has one version among these records: its figures, not a sum of anything
            assert (_work(records, concept)["viewCount"], _work(records, concept)["downloadCount"]) == whole, concept
            checked += 1
    assert checked >= 10


@pytest.mark.realdata
def test_zenodos_version_count_is_a_source_count_beside_kgs(records: Store) -> None:
    counted = 0
    for record in _records():
        versions = ((record.get("metadata") or {}).get("relations") or {}).get("version") or [{}]
        count, concept = versions[0].get("count"), record.get("conceptdoi")
        if not concept or not count:
            continue
        work = _work(records, concept)
        assert [s for s in work["metrics"]["sourceCounts"] if s["metric"] == "versions"] == [
            {"metric": "versions", "source": "zenodo", "count": count}], concept
        assert work["versionCount"] == 1  # kg counts the versions in this graph: the one record loaded
        counted += 1
    assert counted >= 3


COUNTS = """query($id: ID!) { work(id: $id) { metrics { versionCounts {
  inGraph concept numbered reported { work metric source count } } } } }"""


@pytest.mark.realdata
def test_version_counts_are_kgs_count_beside_zenodos_labelled(records: Store) -> None:
    """``metrics.versionCounts``, the item page's one answer: the versions in this graph (one record of each
    concept loaded), the concept, the number Zenodo gives the version (``index``, from 0) and Zenodo's count
    of the concept's versions (its ``count``, else the last version's number), apart; on the version's DOI and
    the concept's alike."""
    checked = counted = 0
    for record in _records():
        relation = (((record.get("metadata") or {}).get("relations") or {}).get("version") or [{}])[0]
        concept = record.get("conceptdoi")
        if not concept or relation.get("index") is None:
            continue
        count = zenodos_count(record)
        reported = [{"work": f"https://doi.org/{concept.lower()}", "metric": "versions", "source": "zenodo",
                     "count": count}] if count else []
        for doi in (record["doi"], concept):
            result = execute(records, COUNTS, {"id": doi})
            assert not result.errors and result.data is not None, result.errors
            assert result.data["work"]["metrics"]["versionCounts"] == {
                "inGraph": 1, "concept": True, "numbered": relation["index"] + 1, "reported": reported}, doi
        checked += 1
        counted += bool(count)
    assert checked >= 10 and counted >= 3
