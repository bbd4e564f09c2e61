"""Facility, beamline and instrument metrics on the sample graph."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kg.errors import NotFoundError
from kg.metrics import facility_metrics
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.conftest import DOI, SAMPLES

ELS = "https://w3id.org/evidence-kg/facility/example-light-source"


@pytest.mark.parametrize("text", ["Example Light Source", "example-light-source", ELS])
def test_facility_metrics_of_the_example_light_source(sample: Store, text: str) -> None:
    m = facility_metrics(sample, text)
    assert m.facilities == (ELS,)
    # 6GV0, its primary article A0 (which cites nothing and nothing in the sample cites), its raw data
    assert (m.entries, m.primary_publications, m.citing_works, m.entries_with_raw_data, m.raw_data_share) == (
        1, 1, 0, 1, 1.0)
    (entry,) = m.entry_figures
    assert entry.primary_publications == (f"{DOI}10.1038/s41598-021-81251-2",)
    assert entry.raw_data == (f"{DOI}10.5281/zenodo.4456817",)
    # the sample gives the article's year only (2021): no day count
    assert (entry.deposited, entry.days_to_publication, m.median_days_to_publication) == ("2018-06-21", None, None)


def test_a_beamline_counts_its_entries(sample: Store) -> None:
    m = facility_metrics(sample, "example-light-source/bl-1")
    assert (m.facilities, m.entries) == ((ELS + "/bl-1",), 1)


def test_days_from_deposition_to_publication_use_the_full_date(tmp_path: Path) -> None:
    record = json.loads((SAMPLES / "crossref" / "s41598-021-81251-2.json").read_text("utf-8"))
    record["message"]["published"] = {"date-parts": [[2021, 1, 18]]}
    record["message"]["issued"] = {"date-parts": [[2021, 1, 18]]}
    (tmp_path / "a0.json").write_text(json.dumps(record), "utf-8")
    s = Store.open(None)
    load(s, read_paths([SAMPLES, tmp_path / "a0.json"]))
    m = facility_metrics(s, "example-light-source")
    # deposited 2018-06-21, published 2021-01-18: 365 + 366 (2020 is a leap year) + 211 = 942 days
    assert (date(2021, 1, 18) - date(2018, 6, 21)).days == 942
    assert m.entry_figures[0].days_to_publication == 942
    assert m.median_days_to_publication == 942


def test_an_unknown_facility_raises(sample: Store) -> None:
    with pytest.raises(NotFoundError, match="Nowhere Synchrotron"):
        facility_metrics(sample, "Nowhere Synchrotron")
