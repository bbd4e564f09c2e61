"""What every command receives: the store location from ``kg --store``, opened on first use."""

from __future__ import annotations

import click

from kg.store import Store

DEFAULT_STORE = "./kg-data"


class Context:
    """The store a ``kg`` invocation works on; opened only when a command asks for it."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.location)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)
