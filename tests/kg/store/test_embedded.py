"""The embedded store (kg/store/embedded.py): in memory, and on disk where it persists."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal

from kg.store import EmbeddedStore, Store, WriteResult
from kg.vocab import SCHEMA
from tests.kg.store.conftest import data_quads, record

# -- opening ----------------------------------------------------------------------------------


def test_open_none_is_an_embedded_store_in_memory() -> None:
    with Store.open(None) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path is None
        assert repr(store) == "EmbeddedStore(None)"


@pytest.mark.parametrize("as_text", [False, True], ids=["path", "str"])
def test_open_a_path_is_an_embedded_store_that_persists(tmp_path: Path, as_text: bool) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    with Store.open(str(location) if as_text else location) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path == location
        assert store.write([a]) == WriteResult(written=1, unchanged=0)

    assert location.is_dir()
    with Store.open(location) as reopened:
        assert data_quads(reopened) == set(a.quads)
        assert reopened.write([a]) == WriteResult(written=0, unchanged=1)
