"""How works stand in the graph (kg.standing), on the sample graph: citations and references kg
counts, records about each work, its year and kind."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode

from kg.standing import Standing, standings
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DOI = "https://doi.org/10.5555/kg-sample."


def test_each_work_has_its_citers_references_records_year_and_kind() -> None:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    found = standings(store, [NamedNode(DOI + n) for n in ("data", "p3", "tool")] + [NamedNode(DOI + "absent")])
    assert found[DOI + "data"] == Standing(DOI + "data", citers=4, references=0, records=1, year=2019, kind="Dataset",
                                           classes=frozenset({"Dataset"}))
    assert found[DOI + "data"].is_data_or_software
    assert (found[DOI + "p3"].citers, found[DOI + "p3"].references, found[DOI + "p3"].year) == (1, 2, 2022)
    # a concept counts the works citing any of its versions
    assert found[DOI + "tool"].citers == 4 and found[DOI + "tool"].is_data_or_software
    assert found[DOI + "absent"] == Standing(DOI + "absent")
    assert standings(store, []) == {}
