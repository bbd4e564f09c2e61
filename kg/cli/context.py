"""What every command receives: the store location from ``kg --store``, opened on first use."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

from kg.graph import KnowledgeGraph
from kg.store import Store

DEFAULT_STORE = "./kg-data"


class Context:
    """The store a ``kg`` invocation works on; opened only when a command asks for it."""

    def __init__(self, location: str) -> None:
        self.location = location
        self._store: Store | None = None

    @property
    def shown_location(self) -> str:
        """The location as kg prints it: a URL's user and password are never shown."""
        parts = urlsplit(self.location)
        if "@" not in parts.netloc:
            return self.location
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.location)
        return self._store

    @property
    def graph(self) -> KnowledgeGraph:
        """The Python API over the store: what every command that answers a question asks."""
        return KnowledgeGraph(self.store)

    def writable_store(self) -> Store:
        """The store, its parent folders made first when it is a new embedded store (``--store new/dir``
        works like ``mkdir -p``): what the commands that write open."""
        if self._store is None and not self.location.startswith(("http://", "https://")):
            parent = Path(self.location).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise click.UsageError(f"cannot make the store's folder {parent}: {e.strerror}") from e
        return self.store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)
