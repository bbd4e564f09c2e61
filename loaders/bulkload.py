"""``kg bulk-load``: the shards ``kg map`` wrote, handed to the engine's own bulk loader.

The store ends as ``kg load`` of the same inputs leaves it. A record graph that appears once in
the shards and is not in the store yet goes straight to the engine's loader
(:meth:`kg.store.Store.bulk_load`), with its provenance and content hash as the shard holds them.
A graph that the inputs hold more than once (the same record in two files, two versions of it)
or that the store holds already is written through :meth:`kg.store.Store.write` instead, in
the input order and in the very batches ``kg load`` would have put it in, so which version wins
(by the source's dates, :func:`kg.store.records.plan_write`) is decided by the same code. Those
records wait in a spill file meanwhile, so memory holds only the index of graph names.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from pyoxigraph import NamedNode

from kg.store import GraphMeta, RecordGraph, Store
from loaders.base import Problem
from loaders.bulkmap import FileMap, iter_entries, shard_problems
from loaders.pipeline import BATCH_SIZE, LoadReport, count_written

#: graphs asked of the store at once, when it holds data already
_ASK = 2000


def bulk_load(store: Store, shards: Path, *, on_problem: Callable[[Problem], None] | None = None,
              progress: Callable[[int], None] | None = None) -> LoadReport:
    """Load the shards in ``shards`` into ``store``; the report is the one ``kg load`` of the same
    inputs gives (the mapping's problems included)."""
    report = LoadReport()
    entries = list(iter_entries(shards))
    files = [e for e in entries if isinstance(e, FileMap)]
    for entry in entries:
        for problem in [entry] if isinstance(entry, Problem) else shard_problems(shards, entry):
            report.add(problem)
            if on_problem:
                on_problem(problem)
        if isinstance(entry, FileMap):
            report.rejected += entry.rejected
    seen = Counter(row[1] for done in files for row in _index(shards, done))
    through_write = {g for g, n in seen.items() if n > 1} | _stored(store, list(seen))
    with tempfile.TemporaryFile(dir=shards, prefix=".replay-") as spill:
        feed = _Feed(_direct(shards, entries, through_write, spill, report, progress))
        store.bulk_load(io.BufferedReader(feed, buffer_size=1 << 20))
        spill.seek(0)
        for batch in _batches(spill):
            count_written(report, store.write(batch), batch, on_problem)
    return report


def _index(shards: Path, done: FileMap) -> Iterator[list[Any]]:
    with gzip.open(shards / f"{done.key}.index.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _stored(store: Store, graphs: list[str]) -> set[str]:
    """Which of ``graphs`` the store holds (nothing to ask of an empty store)."""
    if not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }"):
        return set()
    found: set[str] = set()
    for i in range(0, len(graphs), _ASK):
        found |= set(store.stored_versions([NamedNode(g) for g in graphs[i:i + _ASK]]))
    return found


def _direct(shards: Path, entries: list[FileMap | Problem], through_write: set[str], spill: IO[bytes],
            report: LoadReport, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    """The shards' N-Quads of the graphs loaded directly, in order; the others go to ``spill`` with
    their place in ``kg load``'s stream of items."""
    position = 0  # of the file's first item in the stream kg load reads
    for entry in entries:
        if isinstance(entry, Problem):
            position += 1
            continue
        with gzip.open(shards / f"{entry.key}.nq.gz", "rb") as shard:
            if not through_write:
                while chunk := shard.read(1 << 20):
                    yield chunk
                report.loaded += entry.records
                report.quads += entry.quads
            else:
                for row in _index(shards, entry):
                    lines = list(islice(shard, row[2]))
                    if row[1] in through_write:
                        spill.write(json.dumps([position + row[0], *row[1:]]).encode() + b"\n")
                        spill.writelines(lines)
                        continue
                    report.loaded += 1
                    report.quads += row[3]
                    yield b"".join(lines)
        position += entry.items
        if progress:
            progress(entry.items)


def _batches(spill: IO[bytes]) -> Iterator[list[RecordGraph]]:
    """The spilled records, as the batches ``kg load`` writes them in (its items taken 500 at a time)."""
    batch: list[RecordGraph] = []
    number = -1
    while header := spill.readline():
        at, graph, lines, quads, _, modified, retrieved, source, record_id, about, derived = json.loads(header)
        suffix = f" <{graph}> .\n"
        block = [spill.readline().decode() for _ in range(lines)]
        triples = [line[:-len(suffix)] for line in block[:quads]]
        meta = GraphMeta(source, record_id, NamedNode(about), derived, datetime.fromisoformat(retrieved),
                         datetime.fromisoformat(modified) if modified else None)
        if at // BATCH_SIZE != number and batch:
            yield batch
            batch = []
        number = at // BATCH_SIZE
        batch.append(RecordGraph.from_triples(NamedNode(graph), triples, meta))
    if batch:
        yield batch


class _Feed(io.RawIOBase):
    """A readable stream over an iterator of byte chunks (what the engine's loader reads)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.left:
            try:
                self.left = memoryview(next(self.chunks))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self.left))
        buffer[:n] = self.left[:n]
        self.left = self.left[n:]
        return n
