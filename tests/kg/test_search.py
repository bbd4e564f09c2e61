"""Finding works on the sample graph: by words of their titles, and by the filters of GraphQL's lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import BadRequestError
from kg.search import WorkFilter, find_works, search_titles
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.open(None)
    assert load(s, read_paths([SAMPLES])).rejected == 0
    return s


def test_title_search_is_case_blind_and_says_when_there_is_more(store: Store) -> None:
    found = search_titles(store, "Insulin GLULISINE")
    assert len(found.works) == 3 and not found.more
    assert all("insulin glulisine" in (w.title or "").lower() for w in found.works)
    cut = search_titles(store, "insulin glulisine", limit=2)
    assert (len(cut.works), cut.more) == (2, True)
    assert cut.as_dict()["works"] == [w.as_dict() for w in cut.works]


def test_filters_combine(store: Store) -> None:
    assert find_works(store, WorkFilter(query="insulin", type="StructureEntry")) == [ENTRY]
    funded = find_works(store, WorkFilter(funder_id="funder:100000001"))
    assert funded and funded == sorted(funded)
    assert find_works(store, WorkFilter(funder_id="funder:100000001", published="1900")) == []


def test_bad_filters_name_the_parameter(store: Store) -> None:
    with pytest.raises(BadRequestError, match="parameter 'type' must be one of Dataset, Software"):
        find_works(store, WorkFilter(type="Poem"))
    with pytest.raises(BadRequestError, match=r"parameter 'published' must be a year \(four digits"):
        find_works(store, WorkFilter(published="21"))
