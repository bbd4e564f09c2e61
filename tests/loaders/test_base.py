"""What every loader shares (loaders/base.py): a record's own date, read by each loader's
``record_date`` and carried on the raw record into its graph's provenance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from loaders import REGISTRY
from loaders.base import RawRecord, first_date, source_date
from loaders.read import records_of

WHEN = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("2021-11-09T17:09:34.479930+00:00", datetime(2021, 11, 9, 17, 9, 34, 479930, tzinfo=UTC)),
    ("2023-01-01T00:04:57Z", datetime(2023, 1, 1, 0, 4, 57, tzinfo=UTC)),
    ("2010-07-14T01:00:00+02:00", datetime(2010, 7, 13, 23, 0, tzinfo=UTC)),
    ("2024-12-11", datetime(2024, 12, 11, tzinfo=UTC)),
    ("2020-11-26T00:33:35", datetime(2020, 11, 26, 0, 33, 35, tzinfo=UTC)),
    ("20110713", datetime(2011, 7, 13, tzinfo=UTC)),
    (" 2024-12-11 ", datetime(2024, 12, 11, tzinfo=UTC)),
])
def test_source_date_reads_the_forms_the_sources_write(value: str, expected: datetime) -> None:
    assert source_date(value) == expected


@pytest.mark.parametrize("value", ["", "soon", "2024-13-01", "20241301", "2024", 1704067200000, None,
                                   ["2024-01-01"], "2024-01-01T25:00:00Z"])
def test_source_date_is_none_for_what_is_not_a_date(value: object) -> None:
    assert source_date(value) is None


def test_first_date_takes_the_first_path_holding_a_date() -> None:
    data = {"indexed": {"date-time": "garbage"}, "deposited": {"date-time": "2024-01-01T00:00:00Z"},
            "updated": ["2023-01-01"]}
    assert first_date(data, "indexed.date-time", "deposited.date-time") == WHEN
    assert first_date(data, "updated", "missing.deeper", "indexed.date-time.x") is None


# One case per loader: a record of that source (as small as its record_date needs) and the date
# it should give; None where the source gives none.
CASES: list[tuple[str, dict[str, Any], datetime | None]] = [
    ("crossref", {"DOI": "10.1/x", "indexed": {"date-time": "2024-01-01T00:00:00Z", "timestamp": 1},
                  "deposited": {"date-time": "2020-01-01T00:00:00Z"}}, WHEN),
    ("crossref", {"DOI": "10.1/x", "deposited": {"date-time": "2024-01-01T00:00:00Z"}}, WHEN),
    ("crossref", {"DOI": "10.1/x"}, None),
    ("crossref-funders", {"id": "501100000780", "name": "European Commission"}, None),
    ("datacite", {"id": "10.1/x", "attributes": {"updated": "2024-01-01T00:00:00.000Z",
                                                 "created": "2020-01-01T00:00:00Z"}}, WHEN),
    ("datacite-events", {"id": "e1", "attributes": {"timestamp": "2024-01-01T00:00:00Z",
                                                    "occurredAt": "2020-01-01T00:00:00Z"}}, WHEN),
    ("datacite-events", {"id": "a1", "type": "activities",
                         "attributes": {"prov:generatedAtTime": "2024-01-01T00:00:00Z"}}, WHEN),
    ("zenodo", {"id": 1, "updated": "2024-01-01T00:00:00+00:00", "created": "2020-01-01"}, WHEN),
    ("zenodo", {"id": 1, "modified": "2024-01-01T00:00:00+00:00"}, WHEN),
    ("ror", {"id": "https://ror.org/013meh722", "admin": {"last_modified": {"date": "2024-01-01"},
                                                        "created": {"date": "2020-01-01"}}}, WHEN),
    ("ror", {"id": "https://ror.org/013meh722", "name": "University of Cambridge"}, None),
    ("pdbe", {"pdb_id": "1cbs", "endpoint": "summary",
              "items": [{"revision_date": "20240101", "release_date": "19950126"}]}, WHEN),
    ("pdbe", {"pdb_id": "3nxv", "endpoint": "search", "items": [{"release_date": "2024-01-01T00:00:00Z"}]}, WHEN),
    ("pdbe", {"pdb_id": "8cau", "endpoint": "experiment", "items": [{"resolution": 3.4}]}, None),
    ("eventdata", {"id": "e1", "timestamp": "2024-01-01T00:00:00Z", "occurred_at": "2020-01-01T00:00:00Z"}, WHEN),
    ("eventdata", {"id": "e1", "timestamp": "2020-01-01T00:00:00Z", "updated_date": "2024-01-01T00:00:00Z"}, WHEN),
    ("crossref-datacitations", {"timestamp": "2024-01-01T00:00:00Z", "relation": "references"}, WHEN),
    ("scholix", {"LinkPublicationDate": "2024-01-01", "RelationshipType": {"Name": "References"}}, WHEN),
    ("scholix", {"identifier": "abc", "publicationDate": "2024-01-01", "relationType": "IsRelatedTo"}, WHEN),
    ("scholix", {"dnetIdentifier": "50|x", "objectType": "dataset", "identifier": [],
                 "publicationDate": "2024-01-01"}, None),
    ("opencitations", {"oci": "0200-0300", "creation": "2024-01-01"}, None),
    ("doi-ra", {"DOI": "10.5281", "RA": "DataCite"}, None),
]


@pytest.mark.parametrize(("source", "data", "expected"), CASES,
                         ids=[f"{source}-{i}" for i, (source, _, _) in enumerate(CASES)])
def test_record_date_of_each_loader(source: str, data: dict[str, Any], expected: datetime | None) -> None:
    assert REGISTRY[source].record_date(data) == expected


def test_every_loader_has_a_record_date_case() -> None:
    assert {source for source, _, _ in CASES} == set(REGISTRY)


def test_a_record_read_from_a_document_carries_its_own_date() -> None:
    work = {"DOI": "10.1/x", "type": "journal-article", "indexed": {"date-time": "2024-01-01T00:00:00Z"}}
    document = {"status": "ok", "message-type": "work", "message": work}
    (raw,) = records_of(document, "file:///x.json", datetime(2025, 1, 1, tzinfo=UTC), "x.json", "")
    assert isinstance(raw, RawRecord) and raw.source_modified == WHEN
    graph = REGISTRY["crossref"].map(raw).graph
    assert graph is not None and graph.meta.source_modified == WHEN
    assert graph.meta.retrieved_at == datetime(2025, 1, 1, tzinfo=UTC)


def test_a_malformed_date_is_no_date_and_never_rejects_the_record() -> None:
    document = {"data": {"id": "10.1/x", "type": "dois", "attributes": {"doi": "10.1/x", "updated": {"oops": 1}}}}
    (raw,) = records_of(document, "file:///x.json", WHEN, "x.json", "")
    assert isinstance(raw, RawRecord) and raw.source_modified is None
