"""Item metrics on the real recorded corpus (../shared/realdata; skipped when absent)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from kg import stats
from kg.ids import graph_iri
from kg.metrics import counting, funder_awards, funder_metrics, item_metrics, to_csv
from kg.stats import store_stats
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.conftest import REALDATA
from tests.loaders.test_crossref_xml import API_TYPE as UNIXSD_TYPES


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


def _crossref_funded(funder_id: str, ror: str) -> Iterator[dict[str, Any]]:
    """The corpus's Crossref records naming a funder by its Funder ID or its ROR ID, read from the JSON (a
    record once for each funder entry naming it), and from the unixsd XML of a DOI whose JSON, if the corpus
    holds it, is not newer (its ``indexed`` date against the XML's ``last-update``)."""
    indexed: dict[str, str] = {}
    for path in REALDATA.glob("crossref/works*/*.json"):
        document = json.loads(path.read_text("utf-8"))
        message = document.get("message")
        items = [message] if document.get("message-type") == "work" else (message or {}).get("items", [])
        for item in items:
            doi = str(item.get("DOI", "")).lower()
            indexed[doi] = max(indexed.get(doi, ""), (item.get("indexed") or {}).get("date-time", ""))
            for funder in item.get("funder") or []:
                named = [str(funder.get("DOI", "")).lower(), *(str(i.get("id", "")) for i in funder.get("id") or [])]
                if any(n.endswith(funder_id) or ror in n for n in named):
                    yield item
    for path in REALDATA.glob("crossref/unixsd/*.xml"):
        text = path.read_text("utf-8")
        kind, doi = re.search(r'<doi type="([^"]+)">([^<]+)</doi>', text).groups()  # type: ignore[union-attr]
        updated = re.search(r'<crm-item name="last-update" type="date">([^<]+)<', text)
        if doi.lower() in indexed and (updated is None or updated[1] <= indexed[doi.lower()]):
            continue  # the JSON is the newer version, which the store keeps
        for named in re.findall(r'"funder_identifier"[^>]*>\s*([^<\s]+)', text):
            if named.lower().endswith(funder_id) or ror in named:
                yield {"DOI": doi, "type": UNIXSD_TYPES[kind]}


def _funded_by(funder_id: str, ror: str) -> set[str]:
    """The DOIs of the corpus's Crossref and DataCite records that name a funder by its Funder ID or its ROR ID,
    read from the JSON."""
    found = {f"https://doi.org/{item['DOI'].lower()}" for item in _crossref_funded(funder_id, ror)}
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


# -- kinds of works: books and reports are publications of their own kind, never "other works" ---------------

#: the kind a work of each Crossref ``type`` and DataCite ``types.resourceTypeGeneral`` is counted as
#: (docs/metrics.md, "Kinds of works"); any other type is an other work (CreativeWork)
CROSSREF_KINDS = {
    **{t: "ScholarlyArticle" for t in ("journal-article", "proceedings-article", "posted-content", "reference-entry",
                                       "standard")},
    **{t: "Book" for t in ("book", "monograph", "edited-book", "reference-book", "book-set", "book-chapter",
                           "book-section", "book-part", "book-track")},
    **{t: "Report" for t in ("report", "report-component", "dissertation")},
    "dataset": "Dataset", "database": "Dataset"}
DATACITE_KINDS = {
    "Dataset": "Dataset", "Software": "SoftwareSourceCode", "ComputationalNotebook": "SoftwareSourceCode",
    **{t: "ScholarlyArticle" for t in ("JournalArticle", "Preprint", "Text", "ConferencePaper", "DataPaper", "Standard",
                                       "StudyRegistration")},
    "Book": "Book", "BookChapter": "Book", "Report": "Report", "Dissertation": "Report"}
#: most specific first: a work two sources type differently counts under the first
KIND_ORDER = ("StructureEntry", "SoftwareSourceCode", "Dataset", "Book", "Report", "ScholarlyArticle", "CreativeWork")


def _record_kinds() -> dict[str, str]:
    """Each DOI of the corpus's single Crossref works and DataCite DOIs, with the kind its source's type field
    gives it (a PDB entry's DOI is a structure entry; of two DataCite records of one DOI, the newer's type)."""
    found: dict[str, set[str]] = {}
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        doi = message["DOI"].lower()
        kind = ("StructureEntry" if doi.startswith("10.2210/pdb")
                else CROSSREF_KINDS.get(message["type"], "CreativeWork"))
        found.setdefault(doi, set()).add(kind)
    newest: dict[str, tuple[str, str]] = {}
    for path in sorted((REALDATA / "datacite" / "dois").glob("*.json")):
        attributes = json.loads(path.read_text("utf-8"))["data"]["attributes"]
        general = (attributes.get("types") or {}).get("resourceTypeGeneral")
        doi, updated = attributes["doi"].lower(), attributes.get("updated") or ""
        if doi not in newest or newest[doi][0] < updated:
            newest[doi] = (updated, DATACITE_KINDS.get(general or "", "CreativeWork"))
    for doi, (_, kind) in newest.items():
        found.setdefault(doi, set()).add(kind)
    return {doi: next(k for k in KIND_ORDER if k in kinds) for doi, kinds in found.items()}


@pytest.fixture(scope="module")
def records() -> Store:
    """The corpus's single Crossref works and DataCite DOIs alone (no link service types works besides)."""
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    s = Store.open(None)
    load(s, read_paths([REALDATA / "crossref" / "works", REALDATA / "datacite" / "dois"]))
    return s


@pytest.mark.realdata
def test_stats_count_books_and_reports_as_their_sources_type_them(records: Store) -> None:
    expected: dict[str, int] = {}
    for kind in _record_kinds().values():
        expected[kind] = expected.get(kind, 0) + 1
    assert expected["Book"] >= 5 and expected["Report"] >= 2  # monographs, chapters, a thesis, a report
    assert store_stats(records).works_by_kind == dict(sorted(expected.items(), key=lambda kv: (
        -kv[1], KIND_ORDER.index(kv[0]))))


@pytest.mark.realdata
def test_a_funders_book_and_thesis_are_counted_as_such(tmp_path: Path) -> None:
    """Real Crossref records of a monograph, a chapter and a dissertation, each given a funder (the corpus has no
    funded book): the funder's outputs count them as books and reports, with and without the metrics summary."""
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    names = ("10.1017_9781108348843", "10.14264_uql.2020.791", "10.1371_journal.ppat.1008184")
    funder = {"DOI": "10.13039/501100001659", "name": "Deutsche Forschungsgemeinschaft", "doi-asserted-by": "publisher"}
    expected: dict[str, int] = {}
    for name in names:
        document = json.loads((REALDATA / "crossref" / "works" / f"{name}.json").read_text("utf-8"))
        document["message"]["funder"] = [funder]
        (tmp_path / f"{name}.json").write_text(json.dumps(document), "utf-8")
        kind = CROSSREF_KINDS.get(document["message"]["type"], "CreativeWork")
        expected[kind] = expected.get(kind, 0) + 1
    assert set(expected) == {"Book", "Report", "ScholarlyArticle"}
    s = Store.open(None)
    load(s, read_paths([tmp_path]))
    with_summary = funder_metrics(s, "10.13039/501100001659")
    with patch("kg.metrics.portfolio.summary_of", return_value=None), \
            patch("kg.metrics.counting.summary_of", return_value=None):
        from_queries = funder_metrics(s, "10.13039/501100001659")
    assert with_summary.outputs_by_kind == from_queries.outputs_by_kind == dict(sorted(expected.items()))
    assert "Book" in to_csv(with_summary)


def test_stats_and_metrics_order_the_kinds_alike() -> None:
    assert stats.KINDS == counting.KINDS == KIND_ORDER


def _funded_kinds(funder_id: str, ror: str) -> dict[str, str]:
    """The DOIs of the corpus's Crossref and DataCite records naming a funder by its Funder ID or ROR ID, each with
    the kind its type field gives it (of two DataCite records of one DOI, the newer's type)."""
    found: dict[str, set[str]] = {}
    for item in _crossref_funded(funder_id, ror):
        found.setdefault(item["DOI"].lower(), set()).add(CROSSREF_KINDS.get(item["type"], "CreativeWork"))
    newest: dict[str, tuple[str, str]] = {}
    for path in REALDATA.glob("datacite/dois*/*.json"):
        data = json.loads(path.read_text("utf-8"))["data"]
        for item in data if isinstance(data, list) else [data]:
            attributes = item["attributes"]
            if any(str(r.get("funderIdentifier") or "").endswith(funder_id) or ror in str(r.get("funderIdentifier"))
                   for r in attributes.get("fundingReferences") or []):
                general = (attributes.get("types") or {}).get("resourceTypeGeneral") or ""
                doi, updated = attributes["doi"].lower(), attributes.get("updated") or ""
                if doi not in newest or newest[doi][0] < updated:
                    newest[doi] = (updated, DATACITE_KINDS.get(general, "CreativeWork"))
    for doi, (_, kind) in newest.items():
        found.setdefault(doi, set()).add(kind)
    return {doi: next(k for k in KIND_ORDER if k in kinds) for doi, kinds in found.items()}


#: the corpus's real funders: DFG, NSF, the European Commission, NIH, the Australian Research Council
FUNDERS = [("10.13039/501100001659", "018mejw64"), ("10.13039/100000001", "021nxhr62"),
           ("10.13039/501100000780", "00k4n6c32"), ("10.13039/100000002", "01cwqze88"),
           ("10.13039/501100000923", "05mmh0f86")]


@pytest.mark.realdata
@pytest.mark.parametrize(("funder_id", "ror"), FUNDERS)
def test_a_funders_outputs_by_kind_are_its_records_types(corpus: Store, funder_id: str, ror: str) -> None:
    funded = _funded_kinds(funder_id, ror)
    expected: dict[str, int] = {}
    for kind in funded.values():
        expected[kind] = expected.get(kind, 0) + 1
    m = funder_metrics(corpus, funder_id)
    assert (m.outputs, m.outputs_by_kind) == (len(funded), dict(sorted(expected.items())))
    # a reused output is cited by a work with a DOI: DataCite's template text cites none of DFG's data sets
    assert all(t.iri.removeprefix("https://doi.org/") in funded for t in m.top)
    assert m.reused == len(m.top) or len(m.top) == 10
    for top in m.top:
        assert any(c.iri.startswith("https://doi.org/") for c in item_metrics(corpus, top.iri).all_versions.citing)


@pytest.mark.realdata
def test_crossrefs_counts_are_dated_by_its_indexed_date_not_by_when_the_file_was_read(corpus: Store) -> None:
    """A Crossref record's is-referenced-by-count is Crossref's as of its indexed date: the pages said
    "(retrieved 2026-12-06)", the day a three-year-old file was loaded."""
    checked = 0
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json"))[:20]:
        message = json.loads(path.read_text("utf-8"))["message"]
        doi = message["DOI"].lower()
        reported = [s for s in item_metrics(corpus, doi).source_counts
                    if s.source == "crossref" and s.work == f"https://doi.org/{doi}"]
        if "is-referenced-by-count" not in message or not reported:
            continue
        indexed = message["indexed"]["date-time"]
        assert [(s.count, (s.as_of or "")[:19]) for s in reported] == [
            (message["is-referenced-by-count"], indexed[:19])], doi
        assert all(s.retrieved and s.retrieved[:10] != indexed[:10] for s in reported)  # (read on another day)
        checked += 1
    assert checked >= 10


@pytest.mark.realdata
def test_an_award_field_of_words_and_numbers_is_one_award(corpus: Store) -> None:
    """DFG's "Priority program SPP1613, grant DA402/7-2" is one award, as the record gives it: only a field
    whose every comma-separated part is a number with no word in lower case lists several."""
    worded = {text for item in _crossref_funded("10.13039/501100001659", "018mejw64")
              for funder in item.get("funder") or [] if str(funder.get("DOI", "")).endswith("501100001659")
              for text in funder.get("award") or [] if "," in text and re.search(r"(?<![^ ])[a-z]{3,}(?![^ ])", text)}
    assert worded
    numbers = {a.number for a in funder_awards(corpus, "10.13039/501100001659")}
    assert worded <= numbers
