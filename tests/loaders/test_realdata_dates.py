"""Dates over the real recorded corpus (``../shared/realdata``): of two files holding one record,
the newer by the source's own date is stored whatever the load order, and a reload of the whole
corpus writes nothing.

The expectations are read from the JSON itself (Crossref ``indexed``, DataCite ``updated``, Zenodo
``updated``, PDBe ``revision_date``), not through the loaders' ``record_date``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg.ids import META_GRAPH
from kg.store import RecordGraph, Store
from kg.vocab import KG
from loaders import REGISTRY
from loaders.base import RawRecord
from loaders.pipeline import load, map_record
from loaders.read import read_file, read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata,
              pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


@dataclass(frozen=True)
class Version:
    """One file's version of a record, dated as its JSON says."""

    source: str
    record_id: str
    date: datetime
    path: Path


def _when(text: str) -> datetime:
    when = datetime.strptime(text, "%Y%m%d") if text.isdigit() else datetime.fromisoformat(text)
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _versions_in(path: Path) -> Iterator[Version]:
    """The dated records of one corpus file, read straight from its JSON."""
    doc: Any = json.loads(path.read_text("utf-8"))
    folder = path.relative_to(REALDATA).parts[0]
    if folder == "crossref" and isinstance(doc, dict) and doc.get("message-type") in ("work", "work-list"):
        message = doc["message"]
        for work in [message] if doc["message-type"] == "work" else message.get("items", []):
            if work.get("indexed"):
                yield Version("crossref", work["DOI"].lower(), _when(work["indexed"]["date-time"]), path)
    elif folder == "datacite" and isinstance(doc, dict) and "data" in doc:
        for item in doc["data"] if isinstance(doc["data"], list) else [doc["data"]]:
            attributes = item.get("attributes") or {}
            if item.get("type") == "dois" and attributes.get("updated"):
                doi = (attributes.get("doi") or item["id"]).lower()
                yield Version("datacite", doi, _when(attributes["updated"]), path)
    elif folder == "zenodo" and isinstance(doc, dict):
        for record in doc["hits"]["hits"] if "hits" in doc else [doc]:
            if record.get("updated"):
                yield Version("zenodo", str(record["id"]), _when(record["updated"]), path)
    elif folder == "pdbe" and path.name.startswith("entry_summary"):
        for pdb_id, items in doc.items():
            yield Version("pdbe", f"{pdb_id.lower()}/summary", _when(items[0]["revision_date"]), path)


def records_in_two_files_with_different_dates() -> list[tuple[Version, Version]]:
    """Each record held by two files that date it differently: (older, newer)."""
    if not REALDATA.is_dir():
        return []
    versions: dict[tuple[str, str], list[Version]] = defaultdict(list)
    for path in sorted(REALDATA.rglob("*.json")):
        for version in _versions_in(path):
            versions[version.source, version.record_id].append(version)
    pairs = []
    for found in versions.values():
        dated = sorted({v.date: v for v in found}.values(), key=lambda v: v.date)
        if len(dated) > 1:
            pairs.append((dated[0], dated[-1]))
    return pairs


PAIRS = records_in_two_files_with_different_dates()


@cache
def raw_of(version: Version) -> RawRecord:
    """The raw record of ``version``, as the loaders read it from its file."""
    loader = REGISTRY[version.source]
    for item in read_file(version.path):
        if isinstance(item, RawRecord) and item.source == version.source \
                and loader.record_id(item.data) == version.record_id:
            return item
    raise AssertionError(f"{version.path} holds no {version.source} record {version.record_id}")


def graph_of(version: Version) -> RecordGraph:
    graph, _ = map_record(raw_of(version))
    assert graph is not None
    return graph


def stored(store: Store, graph: NamedNode) -> tuple[str, datetime]:
    rows = store.select(f"SELECT ?h ?d WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{KG.contentHash.value}> ?h ; "
                        f"<{KG.sourceModified.value}> ?d }} }}", {"g": graph}).values()
    assert len(rows) == 1
    content_hash, date = rows[0]
    return str(content_hash), datetime.fromisoformat(str(date))


def test_the_corpus_holds_records_dated_differently_in_two_files() -> None:
    found = {(older.source, older.record_id) for older, _ in PAIRS}
    assert ("crossref", "10.2478/v10285-012-0015-2") in found
    assert ("pdbe", "1cbs/summary") in found
    assert ("datacite", "10.14463/gbv:873056442") in found


@pytest.mark.parametrize(("older", "newer"), PAIRS, ids=[f"{o.source}:{o.record_id}" for o, _ in PAIRS])
@pytest.mark.parametrize("batch_size", [1, 2])
def test_the_newer_version_is_stored_whatever_the_load_order(older: Version, newer: Version, batch_size: int) -> None:
    """Versions with the same content too: the stored date then moves forward to the newer one."""
    old_graph, new_graph = graph_of(older), graph_of(newer)
    differ = old_graph.content_hash != new_graph.content_hash
    for order in ([old_graph, new_graph], [new_graph, old_graph]):
        store = Store.open(None)
        # through the pipeline, one record per write (batch 1) or both in one
        report = load(store, [raw_of(older if graph is old_graph else newer) for graph in order],
                      batch_size=batch_size)
        newer_first = order[0] is new_graph
        rewritten = differ and not newer_first and batch_size == 1  # the older, then the newer over it
        assert (report.loaded, report.older) == (2 if rewritten else 1, 1 if differ and newer_first else 0)
        assert stored(store, new_graph.graph) == (new_graph.content_hash, newer.date)


@pytest.mark.slow
def test_a_reload_of_the_whole_corpus_writes_nothing(tmp_path: Path) -> None:
    """An unchanged record is never rewritten: not on a reload, nor from a copy of the corpus whose
    files have other modification times (newer, and older), though those times date the usage
    figures of a file read without its ``.meta`` and decide between two undated versions."""
    copy = tmp_path / "copy"
    shutil.copytree(REALDATA, copy)  # a copy: every file modified now, later than the corpus
    with Store.open(tmp_path / "store") as store:
        first = load(store, read_paths([REALDATA]))
        again = load(store, read_paths([REALDATA]))
        copied = load(store, read_paths([copy]))
        for i, path in enumerate(sorted(p for p in copy.rglob("*") if p.is_file())):
            os.utime(path, (1_000_000_000 - i, 1_000_000_000 - i))  # 2001, each file older than the last
        older = load(store, read_paths([copy]))
        # one record a write, so two versions of a record never meet in one batch: the folders whose
        # records have no date of their own (Crossref funders, OpenCitations, DOI agencies) or not
        # always (ROR v1), some held twice with different content
        undated = [REALDATA / "crossref" / "funders", REALDATA / "crossref" / "funders-lists",
                   REALDATA / "opencitations", REALDATA / "doi-ra", REALDATA / "ror"]
        one_by_one = load(store, read_paths(undated), batch_size=1)
    assert first.loaded > 3000
    everything = first.loaded + first.unchanged + first.older
    for report in (again, copied, older):
        assert (report.loaded, report.unchanged + report.older) == (0, everything)
    assert again.older > 0  # the older versions of records held twice, which no longer flip
    assert one_by_one.loaded == 0 and one_by_one.older > 0 and one_by_one.unchanged > 100


def test_the_same_content_read_at_two_times_is_not_rewritten(tmp_path: Path) -> None:
    """A Zenodo record with usage figures in two files modified at different times: the figures are
    dated by the file's time (no ``.meta``), but the content is the same, so it is written once."""
    source = REALDATA / "zenodo" / "records" / "15482.json"
    if not source.is_file():
        pytest.skip(ABSENT)
    for name, when in (("a.json", 1_600_000_000), ("b.json", 1_700_000_000)):
        shutil.copyfile(source, tmp_path / name)
        os.utime(tmp_path / name, (when, when))
    store = Store.open(None)
    first = load(store, read_paths([tmp_path / "a.json"]))
    second = load(store, read_paths([tmp_path / "b.json"]))
    assert (first.loaded, second.loaded, second.unchanged) == (1, 0, 1)
