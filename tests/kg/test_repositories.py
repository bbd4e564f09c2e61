"""The repository table: every row well-formed, each prefix once, lookups by any DOI form."""

from __future__ import annotations

import csv

import pytest

from kg.repositories import HOLDS, TABLE, repositories, repository


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["prefix"])
def test_every_row_names_a_prefix_what_it_holds_and_its_source(row: dict[str, str]) -> None:
    assert row["prefix"].startswith("10.") and "/" not in row["prefix"]
    assert row["holds"] in HOLDS
    assert row["source"].startswith("https://") and row["prefix"] in row["source"]
    assert row["repository"].strip()


def test_each_prefix_is_listed_once() -> None:
    prefixes = [r["prefix"] for r in rows()]
    assert prefixes and len(prefixes) == len(set(prefixes)) == len(repositories())


@pytest.mark.parametrize("doi", ["10.5061/dryad.cv323", "doi:10.5061/DRYAD.CV323", "https://doi.org/10.5061/dryad.cv323"])
def test_any_doi_form_finds_its_repository(doi: str) -> None:
    found = repository(doi)
    assert found is not None and (found.name, found.holds, found.rule) == ("Dryad", "data", "repository-prefix:10.5061")


def test_a_prefix_outside_the_table_or_no_doi_finds_none() -> None:
    assert repository("10.1038/nature12373") is None
    assert repository("not a doi") is None
