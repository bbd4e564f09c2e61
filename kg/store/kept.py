"""Answers kept for the length of one view: the same query, with the same bindings, asked again while
one page or answer is being made gets the answer it got the first time, without asking the store.

A page is made of parts computed on their own (a work's description, its citation, its counts), and
several of them start from the same questions (the node an identifier names, the work's statements).
Inside :func:`one_view` :meth:`Store.select <kg.store.Store.select>`, :meth:`~kg.store.Store.ask` and
:meth:`~kg.store.Store.construct` keep their answers, keyed by the store object, its
:attr:`~kg.store.Store.generation` (a write through it starts afresh), the query's text and its
bindings. Outside one, nothing is kept. The view is a context variable: each thread or task has its own
(a thread started from a task, as Starlette runs a request's store calls, carries the task's view). The
service makes each HTTP request one view (``kg.web.app.OneView``); :func:`kept_in_view` keeps other
answers alike (whether the metrics summary is complete).

>>> from kg.store import Store
>>> store = Store.open(None)
>>> with one_view():
...     first = store.ask("ASK { ?s ?p ?o }"); again = store.ask("ASK { ?s ?p ?o }")
>>> store.query_count
1
>>> _ = store.ask("ASK { ?s ?p ?o }"); store.query_count
2
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from pyoxigraph import Triple

from kg.store.terms import Bindings, SelectResult

if TYPE_CHECKING:
    from kg.store.base import Store

T = TypeVar("T")
_VIEW: ContextVar[dict[tuple[object, ...], object] | None] = ContextVar("kg_store_view", default=None)
_MISSING = object()


@contextmanager
def one_view() -> Iterator[None]:
    """Within, a store's answer to a query asked again with the same bindings is the one it gave first."""
    token = _VIEW.set({})
    try:
        yield
    finally:
        _VIEW.reset(token)


def _bindings_key(bindings: Bindings) -> tuple[object, ...]:
    return tuple(sorted((name, tuple(str(t) for t in value) if isinstance(value, (list, tuple)) else str(value))
                        for name, value in bindings.items()))


def kept(store: Store, kind: str, sparql: str, bindings: Bindings, compute: Callable[[], T]) -> T:
    """``compute()``'s answer, or within :func:`one_view` the one kept for the same question."""
    if _VIEW.get() is None:
        return compute()
    return kept_in_view((id(store), store.generation, kind, sparql, _bindings_key(bindings)), compute)


def kept_in_view(key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s answer, or within :func:`one_view` the one kept under ``key`` (which names what
    is asked and of what: the store object and its generation, as :func:`kept` does)."""
    view = _VIEW.get()
    if view is None:
        return compute()
    found = view.get(key, _MISSING)
    if found is _MISSING:
        found = view[key] = compute()
    return found  # type: ignore[return-value]


def kept_select(store: Store, sparql: str, bindings: Bindings, compute: Callable[[], SelectResult]) -> SelectResult:
    """A SELECT answer, kept within a view; each caller gets lists of its own (a caller may sort them)."""
    if _VIEW.get() is None:
        return compute()
    found = kept(store, "select", sparql, bindings, compute)
    return SelectResult(list(found.variables), list(found.rows))


def kept_triples(store: Store, sparql: str, bindings: Bindings, compute: Callable[[], list[Triple]]) -> list[Triple]:
    """A CONSTRUCT answer, kept within a view; each caller gets a list of its own."""
    if _VIEW.get() is None:
        return compute()
    return list(kept(store, "construct", sparql, bindings, compute))
