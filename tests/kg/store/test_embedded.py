"""The embedded store (kg/store/embedded.py): in memory, and on disk where it persists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal

from kg.errors import StoreError
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


# -- holding the store ------------------------------------------------------------------------


def test_open_now_takes_the_lock_that_keeps_other_writers_out(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    with Store.open(location) as served:
        served.open_now()
        other = Store.open(location)
        with pytest.raises(StoreError, match=rf"^cannot open the store at {re.escape(str(location))}: .*lock"):
            other.ping()
    with Store.open(location) as after:  # closed, the lock is released
        assert after.ping() is None


def test_a_store_on_disk_opens_read_only_beside_its_writer_and_sees_what_was_written(tmp_path: Path) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    with Store.open(location) as writer:
        writer.write([a])
        reader = Store.open_read_only(location)
        assert isinstance(reader, EmbeddedStore) and reader.read_only
        assert data_quads(reader) == set(a.quads)
        reader.close()


def test_a_missing_store_cannot_be_opened_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=rf"^cannot open the store at {re.escape(str(tmp_path / 'missing'))}: "):
        Store.open_read_only(tmp_path / "missing").ping()
