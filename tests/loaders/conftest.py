"""Shared helpers of the loader tests: map our own fixtures, look at the quads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from pyoxigraph import Literal, NamedNode

from kg.store.embedded import EmbeddedStore
from loaders.base import Mapped, RawRecord
from tests.loaders.replay import ReplayServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def raw(source: str, data: Any) -> RawRecord:
    return RawRecord(source, data, "file:///fixture.json", WHEN)


class Edges:
    """The triples of one mapped record, for exact assertions."""

    def __init__(self, mapped: Mapped) -> None:
        self.mapped = mapped
        self.triples = {(q.subject, q.predicate, q.object) for q in mapped.graph.quads}
        assert self.triples, "the record mapped to no quads"

    def objects(self, s: NamedNode, p: NamedNode) -> set[Any]:
        return {o for (s2, p2, o) in self.triples if s2 == s and p2 == p}

    def values(self, s: NamedNode, p: NamedNode) -> set[str]:
        return {o.value for o in self.objects(s, p)}

    def subjects(self, p: NamedNode, o: NamedNode | Literal) -> set[Any]:
        return {s for (s, p2, o2) in self.triples if p2 == p and o2 == o}


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """A real HTTP server on 127.0.0.1 replaying the responses a test queues."""
    with ReplayServer() as running:
        yield running


@pytest.fixture
def doi() -> Any:
    from kg.ids import doi_iri
    return lambda d: NamedNode(doi_iri(d))


@contextmanager
def counted_loads(fail_at: int | None = None) -> Iterator[list[Path]]:
    """Every file an embedded store bulk-loads meanwhile, in order (the spool's quads, then its content
    hashes); the ``fail_at``-th (from 1) fails instead, as a full disk would."""
    loads: list[Path] = []
    real = EmbeddedStore._load_file

    def counted(self: EmbeddedStore, path: Path) -> None:
        loads.append(path)
        if len(loads) == fail_at:
            raise OSError("No space left on device")
        real(self, path)

    with patch.object(EmbeddedStore, "_load_file", counted):
        yield loads
