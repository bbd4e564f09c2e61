"""DataLoaders: what the GraphQL types need from the store, fetched for a whole batch of keys at once
by the batch fetches of the Python API (:class:`kg.batches.RecordFetches`, ``g.records``), one
catalogue query per batch, so a page of works costs a fixed number of store queries whatever its size.

The loaders are created per request (:class:`Loaders`), so nothing is cached between requests.
Store calls block: they run in the thread pool, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from kg.batches import RecordFetches

T = TypeVar("T")


def _batch(fetch: Callable[[Sequence[str]], list[T]]) -> DataLoader[str, T]:
    async def load(keys: list[str]) -> list[T]:
        return await run_in_threadpool(fetch, keys)

    return DataLoader(load_fn=load)


class Loaders:
    """The DataLoaders of one request, keyed by IRI."""

    def __init__(self, records: RecordFetches) -> None:
        self.works = _batch(records.works)
        self.creators = _batch(records.creators)
        self.contributors = _batch(records.contributors)
        self.funding = _batch(records.funding)
        self.links = _batch(records.links)
        self.provenance = _batch(records.provenance)
        self.agents = _batch(records.agents)
        self.metrics = _batch(records.metrics)
        self.claims = _batch(records.claims)
        self.names = _batch(records.names)
