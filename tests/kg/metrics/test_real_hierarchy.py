"""A funder's figures with its descendants rolled up, on the real corpus (../shared/realdata; skipped when
absent): the NSF's directorates and divisions and the Department of Energy's offices, as the Crossref funder
records list them (``descendants``), counted with the funder each output once. Expectations are computed from
the records' JSON, never from kg's output."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import IdentifierError
from kg.metrics import funder_awards, funder_metrics, metric_rows
from kg.metrics.summarised import summary_of
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.conftest import REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason="no ../shared/realdata")]

FUNDER_DOI = "https://doi.org/10.13039/"
#: the corpus's funders with descendants, each with its ROR ID
HIERARCHIES = [("100000001", "021nxhr62"), ("100000015", "01bj3aw27")]  # the DoE's ROR record is not in the corpus
#: what the funders' figures are made of: works, funder records, ROR records
FOLDERS = ["crossref/works", "crossref/works-lists", "crossref/funders", "crossref/funders-lists", "datacite/dois",
           "datacite/dois-lists", "ror/organizations"]


@pytest.fixture(scope="module", params=["asked of the store", "from the metrics summary"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The works, funders and organisations of the corpus in a store on disk: its figures asked of the store
    (the summary marked stale, as after a SPARQL Update) or read from the metrics summary (kept as rollups)."""
    with Store.open(str(tmp_path_factory.mktemp("hierarchy") / "db")) as s:
        load(s, read_paths([REALDATA / f for f in FOLDERS]))
        if request.param == "asked of the store":
            s.metrics_summary.mark_stale()
        assert (summary_of(s) is None) == (request.param == "asked of the store")
        yield s


def _json(path: Path) -> dict[str, object]:
    found: dict[str, object] = json.loads(path.read_text("utf-8"))
    return found


def _funder_records() -> Iterator[dict[str, object]]:
    for path in sorted(REALDATA.glob("crossref/funders*/*.json")):
        message = _json(path)["message"]
        assert isinstance(message, dict)
        yield from message.get("items", [message])


def _descendants(funder_id: str) -> set[str]:
    """The Funder IDs the funder's own record lists as its descendants."""
    (record,) = [r for r in _funder_records() if r.get("id") == funder_id and "descendants" in r]
    found = record["descendants"]
    assert isinstance(found, list)
    return set(found)


def _names(funder_ids: set[str]) -> set[str]:
    """Every identifier (Funder ID, ROR ID) naming the bodies of ``funder_ids`` in the corpus's records: the
    Funder IDs funder records say they replace or were replaced by, and ROR records whose own Funder ID
    (``preferred``, else the first listed) is one of them."""
    found = set(funder_ids)
    for record in _funder_records():
        linked = {str(record["id"]), *record.get("replaces", []), *record.get("replaced-by", [])}  # type: ignore[misc]
        if linked & funder_ids:
            found |= linked
    for path in REALDATA.glob("ror/organizations/*.json"):
        record = _json(path)
        external = record.get("external_ids")
        fundref: dict[str, object] = {}
        if isinstance(external, list):
            fundref = next((e for e in external if e.get("type") == "fundref"), {})
        elif isinstance(external, dict):
            fundref = external.get("FundRef") or {}
        listed = fundref.get("all") or []
        own = fundref.get("preferred") or (listed[0] if isinstance(listed, list) and listed else None)
        if own in funder_ids:
            found.add(str(record["id"]).rsplit("/", 1)[-1])
    return found


def _funded_by(names: set[str]) -> set[str]:
    """The DOIs of the corpus's Crossref and DataCite works naming any of ``names`` (Funder IDs, ROR IDs) as a
    funder, read from their JSON."""
    return {doi for doi, named in _funder_names() if named & names}


@functools.cache
def _funder_names() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each Crossref and DataCite work of the corpus (a record once per file) with the last segment of every
    funder identifier it names (a Funder ID's number, a ROR ID)."""
    def last(identifier: object) -> str:
        return str(identifier or "").rstrip("/").rsplit("/", 1)[-1]

    found = []
    for path in [*REALDATA.glob("crossref/works/*.json"), *REALDATA.glob("crossref/works-lists/*.json")]:
        document = _json(path)
        message = document["message"]
        assert isinstance(message, dict)
        for item in [message] if document.get("message-type") == "work" else message.get("items", []):
            named = {last(f.get("DOI")) for f in item.get("funder") or []} | {
                last(i.get("id")) for f in item.get("funder") or [] for i in f.get("id") or []}
            found.append((item["DOI"].lower(), frozenset(named - {""})))
    for path in [*REALDATA.glob("datacite/dois/*.json"), *REALDATA.glob("datacite/dois-lists/*.json")]:
        data = _json(path)["data"]
        for item in data if isinstance(data, list) else [data]:
            attributes = item["attributes"]
            named = {last(r.get("funderIdentifier")) for r in attributes.get("fundingReferences") or []}
            found.append((attributes["doi"].lower(), frozenset(named - {""})))
    return tuple(found)


@pytest.mark.parametrize(("funder_id", "ror"), HIERARCHIES)
def test_a_funders_outputs_with_its_descendants_count_each_output_once(store: Store, funder_id: str,
                                                                         ror: str) -> None:
    below = _descendants(funder_id)
    own = _funded_by({funder_id, ror})
    below_funded = _funded_by(_names(below) - {funder_id, ror})
    assert below and below_funded - own, "the corpus has outputs only a descendant funded"
    m = funder_metrics(store, f"10.13039/{funder_id}")
    assert m.outputs == len(own)
    assert {FUNDER_DOI + d for d in below} <= set(m.descendants)
    assert m.with_descendants is not None
    assert m.with_descendants.outputs == len(own | below_funded)
    assert sum(m.with_descendants.outputs_by_kind.values()) == m.with_descendants.outputs
    assert set(m.with_descendants.subjects) == {*m.subjects, *m.descendants}


@pytest.mark.parametrize(("funder_id", "ror"), HIERARCHIES)
def test_an_output_two_bodies_of_a_hierarchy_funded_is_counted_once(store: Store, funder_id: str,
                                                                     ror: str) -> None:
    """The DoE and one of its offices name three outputs together; two NSF divisions name two together."""
    bodies = [{funder_id, ror}, *({d} for d in _names(_descendants(funder_id)) - {funder_id, ror})]
    funded = [_funded_by(b) for b in bodies]
    union = set().union(*funded)
    assert sum(len(f) for f in funded) > len(union), "some outputs name two bodies of the hierarchy"
    m = funder_metrics(store, f"10.13039/{funder_id}")
    assert m.with_descendants is not None and m.with_descendants.outputs == len(union)


def test_the_source_counts_with_descendants_are_the_records_own(store: Store) -> None:
    (record,) = [r for r in _funder_records() if r.get("id") == "100000001" and "descendants" in r]
    m = funder_metrics(store, "10.13039/100000001")
    assert [(c.metric, c.count) for c in m.source_counts] == [("works", record["work-count"])]
    assert m.with_descendants is not None
    assert [(c.metric, c.count) for c in m.with_descendants.source_counts] == [
        ("works_with_descendants", record["descendant-work-count"])]


def test_a_funder_without_descendants_has_no_rolled_up_figures(store: Store) -> None:
    assert _descendants("501100001659") == set()  # the DFG's record lists none
    m = funder_metrics(store, "10.13039/501100001659")
    assert (m.descendants, m.with_descendants) == ((), None)
    assert m.as_dict()["with_descendants"] is None


def test_a_directorate_counts_its_own_outputs_not_its_parents(store: Store) -> None:
    directorate = "100000086"  # Directorate for Mathematical and Physical Sciences, below the NSF
    assert directorate in _descendants("100000001")
    m = funder_metrics(store, f"10.13039/{directorate}")
    expected = _funded_by(_names({directorate}))
    assert expected and m.outputs == len(expected)
    assert m.ancestors == (f"{FUNDER_DOI}100000001",)  # the NSF's record lists it: its figures count these too
    assert funder_metrics(store, "10.13039/100000001").ancestors == ()


def test_the_csv_labels_the_rolled_up_rows(store: Store) -> None:
    m = funder_metrics(store, "10.13039/100000001")
    assert m.with_descendants is not None
    rows = {(metric, key): value for _, metric, key, value in metric_rows(m)}
    assert rows[("outputs", "")] == m.outputs
    assert rows[("with_descendants.outputs", "")] == m.with_descendants.outputs > m.outputs
    assert {k for metric, k in rows if metric == "descendant"} == set(m.descendants)


def test_the_figures_with_descendants_are_kept_beside_the_funders_own(store: Store) -> None:
    summary = summary_of(store)
    m = funder_metrics(store, "10.13039/100000001")
    assert m.with_descendants is not None
    for scope in (m.subjects, m.with_descendants.subjects):
        kept = None if summary is None else summary.rollup(" ".join(sorted(scope)))
        assert (kept is None) == (summary is None)  # no summary: nothing kept, asked of the store each time


def test_an_award_field_listing_several_numbers_is_each_award(store: Store) -> None:
    """Publishers deposit several NSF awards in one field ("0833612, 0833612, 0848962"): each is an award."""
    joined: dict[str, set[str]] = {}  # an award number -> the DOIs whose joined field lists it
    fields = set()
    for path in REALDATA.glob("crossref/works*/*.json"):
        document = _json(path)
        message = document["message"]
        assert isinstance(message, dict)
        for item in [message] if document.get("message-type") == "work" else message.get("items", []):
            for funder in item.get("funder") or []:
                if str(funder.get("DOI") or "").endswith("10.13039/100000001"):
                    for text in funder.get("award") or []:
                        parts = [p.strip() for p in text.split(",")]
                        if len(parts) > 1 and all(re.fullmatch(r"[A-Z]{0,4}-?\d{7}", p) for p in parts):
                            fields.add(text)
                            for part in parts:
                                joined.setdefault(part, set()).add(f"https://doi.org/{item['DOI'].lower()}")
    assert len(fields) >= 2 and any(len(set(f.split(", "))) < len(f.split(", ")) for f in fields)  # one repeats
    awards = {a.number: set(a.outputs) for a in funder_awards(store, "10.13039/100000001")}
    assert not fields & set(awards)
    for number, dois in joined.items():
        assert dois <= awards[number], number


def test_the_figures_with_descendants_stay_true_after_a_directorates_output_is_written(tmp_path: Path) -> None:
    """The rollup with descendants is a maintained figure: writing a work funded by a directorate forgets it."""
    works = sorted(REALDATA.glob("crossref/works-lists/funders_*100000001_works_*.json"))
    with Store.open(str(tmp_path / "db")) as s:
        load(s, read_paths([REALDATA / "crossref" / "funders" / "100000001.json", *works]))
        summary = summary_of(s)
        assert summary is not None
        before = funder_metrics(s, "10.13039/100000001")
        assert before.with_descendants is not None
        key = " ".join(sorted(before.with_descendants.subjects))
        assert summary.rollup(key) is not None  # kept at the first read
        document = _json(works[0])
        message = document["message"]
        assert isinstance(message, dict)
        item = {**message["items"][0], "DOI": "10.5555/kg-test.directorate-output",
                "funder": [{"DOI": "10.13039/100000086", "name": "Directorate for Mathematical and Physical Sciences"}]}
        new = tmp_path / "new.json"
        new.write_text(json.dumps({"status": "ok", "message-type": "work", "message": item}), "utf-8")
        assert load(s, read_paths([new])).loaded == 1
        after = funder_metrics(s, "10.13039/100000001")
        assert after.outputs == before.outputs
        assert after.with_descendants is not None
        assert after.with_descendants.outputs == before.with_descendants.outputs + 1


def test_a_works_doi_asked_as_a_funder_is_an_error_not_zeros(store: Store) -> None:
    """A funded article's DOI given where a funder's ID belongs answered 200 with zero outputs: a mistyped funder
    ID looked like a funder that funded nothing."""
    funded = next(m for p in sorted((REALDATA / "crossref" / "works").glob("*.json"))
                  for m in [_json(p)["message"]] if isinstance(m, dict) and m.get("funder"))
    with pytest.raises(IdentifierError, match=re.escape(f"{funded['DOI']!r} (it names a work, not a funder")):
        funder_metrics(store, str(funded["DOI"]))
