"""The cookbook's analyst questions (``queries/analyst_*.rq``, the /sparql editor's list) asked of a real
Virtuoso answer what the embedded store answers on the same records: they are standard SPARQL 1.1 (property
paths with ``?`` and ``^``, ``VALUES``, aggregates), not Oxigraph's dialect."""

from __future__ import annotations

import pytest

from kg.queries import StoredQuery, analyst_queries
from kg.store import Store


def _rows(store: Store, query: StoredQuery) -> list[tuple[str | None, ...]]:
    return sorted(store.select(query.text).values(), key=lambda row: tuple(v or "" for v in row))


@pytest.mark.parametrize("query", analyst_queries(), ids=lambda q: q.name)
def test_each_analyst_question_answers_alike_on_virtuoso(stores: tuple[Store, Store], query: StoredQuery) -> None:
    virtuoso, embedded = stores
    assert _rows(virtuoso, query) == _rows(embedded, query)
