"""GraphQL's DataLoaders: the loads of one tick are one batch fetch (one store query), each key gets
its own result, and a new request starts with an empty cache."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kg.graph import KnowledgeGraph
from kg.store import Bindings, EmbeddedStore
from kg.web.graphql.dataloaders import Loaders
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
DATA = "https://doi.org/10.5555/kg-sample.data"


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run in a thread of its own: Playwright's sync API (the browser tests) keeps an event loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class CountingStore(EmbeddedStore):
    def __init__(self) -> None:
        super().__init__(None)
        self.queries = 0

    def _query(self, sparql: str, bindings: Bindings, dataset: Any = None) -> Any:
        self.queries += 1
        return super()._query(sparql, bindings, dataset)


def test_the_loads_of_one_tick_are_one_query_and_each_key_gets_its_record() -> None:
    store = CountingStore()
    assert load(store, read_paths([SAMPLES])).rejected == 0
    loaders = Loaders(KnowledgeGraph(store).records)

    async def page() -> list[Any]:
        return list(await asyncio.gather(loaders.works.load(ENTRY), loaders.works.load(DATA),
                                         loaders.creators.load(ENTRY), loaders.works.load(ENTRY)))

    store.queries = 0
    entry, data, creators, again = run(page())
    assert store.queries == 2  # the works' fields, the creators
    assert (entry.iri, data.iri, again) == (ENTRY, DATA, entry)
    assert [c.name for c in creators] == ["Sample, A.", "Example, B."]

    async def next_request() -> Any:
        return await Loaders(KnowledgeGraph(store).records).works.load(ENTRY)

    assert run(next_request()) == entry
    assert store.queries == 3
