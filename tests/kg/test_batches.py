"""Batch fetches on the sample graph: one query per batch whatever its size, one result per key in
the keys' order, one creator per agent however many sources list them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.batches import RecordFetches, agent_works, creator_records, funding_records, link_records, work_records
from kg.store import Bindings, EmbeddedStore
from kg.vocab import KG, SCHEMA
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
DATA = "https://doi.org/10.5555/kg-sample.data"
TOOL_V1 = "https://doi.org/10.5555/kg-sample.tool.v1"


class CountingStore(EmbeddedStore):
    """The real in-memory store, counting the queries it is asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.queries = 0

    def _query(self, sparql: str, bindings: Bindings, dataset: Any = None) -> Any:
        self.queries += 1
        return super()._query(sparql, bindings, dataset)


@pytest.fixture(scope="module")
def store() -> CountingStore:
    s = CountingStore()
    assert load(s, read_paths([SAMPLES])).rejected == 0
    return s


@pytest.mark.parametrize("fetch", [work_records, creator_records, funding_records, link_records])
def test_a_batch_is_one_query_whatever_its_size(store: CountingStore, fetch: Any) -> None:
    store.queries = 0
    found = fetch(store, [ENTRY, DATA, TOOL_V1, "https://doi.org/10.1/absent"])
    assert store.queries == 1
    assert len(found) == 4


def test_works_come_back_in_the_order_asked_with_the_names_of_their_values(store: CountingStore) -> None:
    entry, absent = work_records(store, [ENTRY, "https://doi.org/10.1/absent"])
    assert (entry.iri, absent.iri, absent.props) == (ENTRY, "https://doi.org/10.1/absent", {})
    assert entry.first(SCHEMA.name) == "Insulin glulisine (sample record: title is a placeholder)"
    facility = entry.first(KG.facility)
    assert facility is not None and entry.labels[facility] == "Example Light Source"


def test_creators_are_in_list_order_one_per_agent(store: CountingStore) -> None:
    [creators] = creator_records(store, [ENTRY])
    assert [(c.name, c.position) for c in creators] == [("Sample, A.", 1), ("Example, B.", 2)]
    assert creators[0].as_dict()["name"] == "Sample, A."


def test_funding_names_the_funder_and_the_grant(store: CountingStore) -> None:
    [funding] = funding_records(store, [DATA])
    assert funding and {f.funder_name for f in funding} == {"National Science Foundation"}


def test_agent_works_lists_what_a_funder_funded(store: CountingStore) -> None:
    funded = agent_works(store, "https://doi.org/10.13039/100000001", funded=True)
    assert DATA in funded and funded == sorted(funded)
    assert RecordFetches(store).works(funded)[0].iri == funded[0]
