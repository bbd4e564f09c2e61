"""The load pipeline: re-loads, replacements, and bad input rejected record by record."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.ids import graph_iri
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import FIXTURES, fixture_json

CROSSREF = FIXTURES / "crossref" / "work-full.json"
DATACITE = FIXTURES / "datacite" / "software-full.json"


def graph_triples(store: Store, source: str, record_id: str) -> set[tuple[str, str, str]]:
    rows = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                        {"g": NamedNode(graph_iri(source, record_id))}).rows
    return {(str(s), str(p), str(o)) for s, p, o in rows}


def all_quads(store: Store) -> set[str]:
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {" ".join(str(t) for t in row) for row in rows}


def crossref_work(doi: str, **changes: object) -> dict:
    work = copy.deepcopy(fixture_json("crossref/work-full.json")["message"])
    work["DOI"] = doi
    work.update(changes)
    return work


def test_loading_the_same_files_twice_leaves_the_store_unchanged() -> None:
    store = Store.open(None)
    first = load(store, read_paths([CROSSREF, DATACITE]))
    before = all_quads(store)
    second = load(store, read_paths([CROSSREF, DATACITE]))
    assert (first.loaded, first.unchanged) == (2, 0)
    assert (second.loaded, second.unchanged) == (0, 2)
    assert before and all_quads(store) == before


def test_a_modified_record_replaces_its_graph_without_stale_triples(tmp_path: Path) -> None:
    store = Store.open(None)
    load(store, read_paths([CROSSREF, DATACITE]))
    datacite_before = graph_triples(store, "datacite", "10.5281/zenodo.999001")
    changed = fixture_json("crossref/work-full.json")
    changed["message"]["title"] = ["A new title"]
    changed["message"]["reference"] = changed["message"]["reference"][:1]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    report = load(store, read_paths([path]))
    assert (report.loaded, report.unchanged) == (1, 0)
    triples = graph_triples(store, "crossref", "10.5555/kg.test.1")
    names = {o for s, p, o in triples if p == "<http://schema.org/name>" and s == "<https://doi.org/10.5555/kg.test.1>"}
    assert names == {'"A new title"'}
    cites = {o for s, p, o in triples
             if p == "<http://purl.org/spar/cito/cites>" and s == "<https://doi.org/10.5555/kg.test.1>"}
    assert cites == {"<https://doi.org/10.5555/kg.cited.1>"}
    hashes = store.select("SELECT ?h WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { ?g "
                          "<https://w3id.org/evidence-kg/ns#contentHash> ?h } }",
                          {"g": NamedNode(graph_iri("crossref", "10.5555/kg.test.1"))}).rows
    assert len(hashes) == 1
    assert graph_triples(store, "datacite", "10.5281/zenodo.999001") == datacite_before


def test_two_files_holding_one_record_keep_the_newer_whatever_the_order(tmp_path: Path) -> None:
    older = crossref_work("10.5555/kg.dated", title=["Old title"], indexed={"date-time": "2023-01-01T00:00:00Z"})
    newer = crossref_work("10.5555/kg.dated", title=["New title"], indexed={"date-time": "2024-01-01T00:00:00Z"})
    (tmp_path / "a.json").write_text(json.dumps({"message-type": "work", "message": newer}))
    (tmp_path / "b.json").write_text(json.dumps({"message-type": "work", "message": older}))
    for batch_size in (1, 500):
        store = Store.open(None)
        report = load(store, read_paths([tmp_path]), batch_size=batch_size)  # a.json (newer) first
        assert (report.loaded, report.unchanged, report.older) == (1, 0, 1)
        assert report.summary() == "1 loaded, 0 unchanged, 1 older than stored, kept the newer, 0 rejected (0 warnings)"
        names = {o for s, p, o in graph_triples(store, "crossref", "10.5555/kg.dated")
                 if p == "<http://schema.org/name>" and s == "<https://doi.org/10.5555/kg.dated>"}
        assert names == {'"New title"'}
        again = load(store, read_paths([tmp_path / "b.json", tmp_path / "a.json"]), batch_size=batch_size)
        assert (again.loaded, again.unchanged, again.older) == (0, 1, 1)


@pytest.fixture
def bad_batch(tmp_path: Path) -> Path:
    """A folder of real-shaped input where most things are wrong, between good records."""
    folder = tmp_path / "batch"
    folder.mkdir()
    text = CROSSREF.read_text("utf-8")
    (folder / "a-truncated.json").write_text(text[: len(text) // 2])
    (folder / "b-invalid-utf8.json").write_bytes(text.encode()[:200] + b"\xff\xfe" + text.encode()[200:])
    no_doi = crossref_work("10.5555/x")
    del no_doi["DOI"]
    lines = [
        json.dumps(crossref_work("10.5555/batch.good.1")),
        json.dumps(crossref_work("10.5555/batch.wrong-type", title=12)),
        json.dumps(no_doi),
        json.dumps(crossref_work("10.5555/batch.huge", title=["x" * 10_000_000])),
        json.dumps(crossref_work("10.5555/batch.unknown-relation",
                                 relation={"is-frobnicated-by": [{"id-type": "doi", "id": "10.1/x"}]})),
        json.dumps(crossref_work("10.5555/batch.good.2"))[:-40],
        json.dumps(crossref_work("10.5555/batch.good.3")),
    ]
    payload = "\n".join(lines).encode() + b"\n" + b'{"DOI": "10.5555/bad\xc3\x28"}\n'
    (folder / "c-records.jsonl").write_bytes(payload)
    return folder


def test_bad_input_is_rejected_record_by_record_and_the_rest_loads(bad_batch: Path) -> None:
    store = Store.open(None)
    # an earlier, good version of a record whose new version is broken
    load(store, iter([*read_paths([CROSSREF])]))
    earlier = crossref_work("10.5555/batch.wrong-type")
    (bad_batch.parent / "earlier.json").write_text(json.dumps(earlier))
    load(store, read_paths([bad_batch.parent / "earlier.json"]))
    stored_before = graph_triples(store, "crossref", "10.5555/batch.wrong-type")
    assert stored_before

    report = load(store, read_paths([bad_batch]))

    messages = [p.message for p in report.errors]
    expected = [
        r"not valid JSON .* is the file truncated\?",
        r"not valid UTF-8 \(byte \d+: b'\\xff'\)",
        r"crossref record 10.5555/batch.wrong-type: field 'title' is a number, expected a list of strings",
        r"crossref record \(no DOI\): field 'DOI' is missing",
        r"crossref record 10.5555/batch.huge: field 'title' is 10,000,000 characters long; the limit is 100,000",
        r"crossref record 10.5555/batch.unknown-relation: field 'relation.is-frobnicated-by' names a relation "
        r"type that is not in the catalogue",
        r"not valid JSON \(.* at column \d+\)",
        r"not valid UTF-8",
    ]
    assert len(messages) == len(expected), messages
    for pattern, message in zip(expected, messages, strict=True):
        assert re.search(pattern, message), (pattern, message)
    locations = [p.location for p in report.errors]
    assert locations[2:] == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 8"]
    assert report.rejected == 8
    assert report.loaded == 2
    for doi in ("10.5555/batch.good.1", "10.5555/batch.good.3"):
        assert graph_triples(store, "crossref", doi)
    assert graph_triples(store, "crossref", "10.5555/batch.wrong-type") == stored_before
    assert graph_triples(store, "crossref", "10.5555/kg.test.1")


def test_strict_mode_rejects_records_with_warnings(tmp_path: Path) -> None:
    work = crossref_work("10.5555/strict.1")
    work["author"][0]["ORCID"] = "http://orcid.org/0000-0002-1825-0098"  # checksum wrong
    path = tmp_path / "w.json"
    path.write_text(json.dumps(work))
    lenient = load(Store.open(None), read_paths([path]))
    assert (lenient.loaded, lenient.rejected) == (1, 0)
    assert [p.level for p in lenient.problems] == ["warning"]
    assert "field 'author[0].ORCID' is not valid and was left out" in lenient.problems[0].message
    strict = load(Store.open(None), read_paths([path]), strict=True)
    assert (strict.loaded, strict.rejected) == (0, 1)
    assert [p.level for p in strict.problems] == ["error"]



def test_a_report_keeps_the_first_problems_counts_them_all_and_streams_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import loaders.pipeline
    monkeypatch.setattr(loaders.pipeline, "MAX_KEPT_PROBLEMS", 2)
    lines = [json.dumps(crossref_work(f"10.5555/bad.{i}", title=i)) for i in range(5)]
    (tmp_path / "bad.jsonl").write_text("\n".join(lines))
    streamed: list[str] = []
    report = load(Store.open(None), read_paths([tmp_path / "bad.jsonl"]),
                  on_problem=lambda p: streamed.append(p.message))
    assert (report.rejected, report.error_count, len(report.problems)) == (5, 5, 2)
    assert [m.split(":")[0] for m in streamed] == [f"crossref record 10.5555/bad.{i}" for i in range(5)]
