"""DataLoaders: what the GraphQL types need from the store, fetched for a whole batch of keys at once
by the batch fetches of the Python API (:class:`kg.batches.RecordFetches`, ``g.records``), one
catalogue query per batch, so a page of works costs a fixed number of store queries whatever its size.

The loaders are created per request (:class:`Loaders`), so nothing is cached between requests.
Store calls block: they run in the thread pool, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from kg.batches import (
    AgentRecord,
    CreatorRecord,
    FundingRecord,
    LinkRecord,
    MetricsRecord,
    ProvenanceRecord,
    RecordFetches,
    WorkRecord,
)
from kg.tracing import ClaimSummary
from kg.works import WorkSummary

T = TypeVar("T")


def _batch(fetch: Callable[[Sequence[str]], list[T]]) -> DataLoader[str, T]:
    async def load(keys: list[str]) -> list[T]:
        return await run_in_threadpool(fetch, keys)

    return DataLoader(load_fn=load)


class Loaders:
    """The DataLoaders of one request, keyed by IRI; each made when first asked for (a request uses a few)."""

    def __init__(self, records: RecordFetches) -> None:
        self._records = records

    @cached_property
    def works(self) -> DataLoader[str, WorkRecord]:
        return _batch(self._records.works)

    @cached_property
    def creators(self) -> DataLoader[str, list[CreatorRecord]]:
        return _batch(self._records.creators)

    @cached_property
    def contributors(self) -> DataLoader[str, list[CreatorRecord]]:
        return _batch(self._records.contributors)

    @cached_property
    def funding(self) -> DataLoader[str, list[FundingRecord]]:
        return _batch(self._records.funding)

    @cached_property
    def links(self) -> DataLoader[str, list[LinkRecord]]:
        return _batch(self._records.links)

    @cached_property
    def provenance(self) -> DataLoader[str, ProvenanceRecord]:
        return _batch(self._records.provenance)

    @cached_property
    def agents(self) -> DataLoader[str, AgentRecord]:
        return _batch(self._records.agents)

    @cached_property
    def metrics(self) -> DataLoader[str, MetricsRecord]:
        return _batch(self._records.metrics)

    @cached_property
    def claims(self) -> DataLoader[str, list[ClaimSummary]]:
        return _batch(self._records.claims)

    @cached_property
    def agencies(self) -> DataLoader[str, str | None]:
        return _batch(self._records.agencies)

    @cached_property
    def names(self) -> DataLoader[str, WorkSummary]:
        return _batch(self._records.names)
