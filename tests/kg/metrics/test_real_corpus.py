"""Item metrics on the real recorded corpus (../shared/realdata; skipped when absent)."""

from __future__ import annotations

import json

import pytest

from kg.ids import graph_iri
from kg.metrics import funder_metrics, item_metrics
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.conftest import REALDATA


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    s = Store.open(None)
    load(s, read_paths([REALDATA]))
    return s


def _first_dois(folder: str, count: int) -> list[str]:
    dois = []
    for path in sorted((REALDATA / folder).glob("*.json"))[:count]:
        data = json.loads(path.read_text("utf-8"))
        dois.append(data["message"]["DOI"] if "message" in data else data.get("doi") or data["data"]["id"])
    return dois


@pytest.mark.realdata
def test_item_metrics_of_twenty_real_records_run(corpus: Store) -> None:
    dois = _first_dois("crossref/works", 8) + _first_dois("datacite/dois", 6) + _first_dois("zenodo/records", 6)
    assert len(dois) == 20
    for doi in dois:
        m = item_metrics(corpus, doi, citing_limit=None)  # every citing work listed
        assert m.citations.total == len(m.citations.citing) <= m.all_versions.total, doi
        assert m.item in m.versions, doi


@pytest.mark.realdata
def test_zenodo_usage_is_usage_never_citations(corpus: Store) -> None:
    m = item_metrics(corpus, "10.5281/zenodo.4927605")
    (usage,) = [u for u in m.usage if u.work == m.item]
    # the record's stats: views 5419, downloads 5075, version_views 5393, version_downloads 5053
    assert (usage.source, usage.views, usage.downloads, usage.version_views, usage.version_downloads) == (
        "zenodo", 5419, 5075, 5393, 5053)
    assert usage.graph == graph_iri("zenodo", "4927605")
    assert m.citations.total == 0 and "kg:usage" not in m.citations.by_relation
    assert all(s.source != "zenodo" for s in m.source_counts)
    # the old record form gives all versions' views as version_views: 140 (see docs/data-model.md)
    old = item_metrics(corpus, "10.5281/zenodo.7752775")
    assert [(u.views, u.version_views) for u in old.usage if u.work == old.item] == [(140, 9)]
    assert old.citations.total == 0


SOURCE_COUNTED = [("crossref", "10.1371_journal.pone.0020476"), ("crossref", "10.1016_j.neurobiolaging.2010.03.024"),
                  ("crossref", "10.1038_srep16696"), ("datacite", "10.17182_hepdata.77274.v1"),
                  ("datacite", "10.1594_pangaea.836178")]


@pytest.mark.realdata
@pytest.mark.parametrize(("source", "name"), SOURCE_COUNTED)
def test_source_reported_counts_are_the_records_own(corpus: Store, source: str, name: str) -> None:
    if source == "crossref":
        message = json.loads((REALDATA / "crossref" / "works" / f"{name}.json").read_text("utf-8"))["message"]
        doi, count = message["DOI"].lower(), message["is-referenced-by-count"]
    else:
        attributes = json.loads((REALDATA / "datacite" / "dois" / f"{name}.json").read_text("utf-8"))["data"][
            "attributes"]
        doi, count = attributes["doi"].lower(), attributes["citationCount"]
    m = item_metrics(corpus, doi)
    assert [(s.source, s.graph, s.count) for s in m.source_counts if s.work == m.item] == [
        (source, graph_iri(source, doi), count)]


def _funded_by(funder_id: str, ror: str) -> set[str]:
    """The DOIs of the corpus's Crossref and DataCite records that name a funder by its Funder ID or its ROR ID,
    read from the JSON."""
    found: set[str] = set()
    for path in REALDATA.glob("crossref/works*/*.json"):
        document = json.loads(path.read_text("utf-8"))
        message = document.get("message")
        items = [message] if document.get("message-type") == "work" else (message or {}).get("items", [])
        for item in items:
            for funder in item.get("funder") or []:
                named = [str(funder.get("DOI", "")).lower(), *(str(i.get("id", "")) for i in funder.get("id") or [])]
                if any(n.endswith(funder_id) or ror in n for n in named):
                    found.add(f"https://doi.org/{item['DOI'].lower()}")
    for path in REALDATA.glob("datacite/dois*/*.json"):
        data = json.loads(path.read_text("utf-8"))["data"]
        for item in data if isinstance(data, list) else [data]:
            attributes = item["attributes"]
            for reference in attributes.get("fundingReferences") or []:
                named = str(reference.get("funderIdentifier") or "")
                if named.endswith(funder_id) or ror in named:
                    found.add(f"https://doi.org/{attributes['doi'].lower()}")
    return found


@pytest.mark.realdata
def test_nsf_by_funder_id_and_by_ror_is_one_funder(corpus: Store) -> None:
    expected = _funded_by("10.13039/100000001", "021nxhr62")
    by_ror_only = _funded_by("10.13039/no-such-id", "021nxhr62")
    assert by_ror_only and len(expected) > len(by_ror_only)
    by_ror, by_funder_id = funder_metrics(corpus, "021nxhr62"), funder_metrics(corpus, "10.13039/100000001")
    assert set(by_ror.subjects) == set(by_funder_id.subjects) == {"https://ror.org/021nxhr62",
                                                                   "https://doi.org/10.13039/100000001"}
    assert by_ror.outputs == by_funder_id.outputs == len(expected)
