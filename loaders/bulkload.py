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
from dataclasses import replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from kg.errors import StoreError
from kg.store import META, GraphMeta, RecordGraph, Store
from kg.store.records import StoredVersion, date_literal, plan_write
from kg.vocab import KG
from loaders.base import Problem
from loaders.bulkmap import FileMap, iter_entries, shard_problems
from loaders.pipeline import BATCH_SIZE, LoadReport, count_written

#: graphs asked of the store at once, when it holds data already
_ASK = 2000


def mapping_report(shards: Path, entries: list[FileMap | Problem],
                   on_problem: Callable[[Problem], None] | None = None) -> LoadReport:
    """A load's report as the mapping of ``shards`` left it: its problems (each told to ``on_problem``) and
    the records it rejected."""
    report = LoadReport()
    for entry in entries:
        for problem in [entry] if isinstance(entry, Problem) else shard_problems(shards, entry):
            report.add(problem)
            if on_problem:
                on_problem(problem)
        if isinstance(entry, FileMap):
            report.rejected += entry.rejected
    return report


def bulk_load(store: Store, shards: Path, *, on_problem: Callable[[Problem], None] | None = None,
              progress: Callable[[int], None] | None = None) -> LoadReport:
    """Load the shards in ``shards`` into ``store``; the report is the one ``kg load`` of the same
    inputs gives (the mapping's problems included)."""
    entries = list(iter_entries(shards))
    report = mapping_report(shards, entries, on_problem)
    stored, repeated, chosen = _plan(shards, entries, report, store)
    with tempfile.TemporaryFile(dir=shards, prefix=".replay-") as spill:
        feed = _Feed(_direct(shards, entries, stored, repeated, chosen, spill, report, progress))
        store.bulk_load(io.BufferedReader(feed, buffer_size=1 << 20))
        spill.seek(0)
        for batch in _batches(spill):
            count_written(report, store.write(batch), batch, on_problem)
    return report


def loaded_quads(shards: Path, store: Store) -> Iterator[Quad]:
    """The quads :func:`bulk_load` of ``shards`` put into ``store`` when it was empty (of a graph the shards
    hold twice, the version ``kg load`` keeps), read again from the shards: what a SPARQL server's metrics
    summary is built from on this machine (``kg index-metrics --shards``), in minutes where asking the
    server takes hours. ``store`` must hold the first graph of every shard (a check that these are the
    shards it was loaded from); StoreError names the first it lacks."""
    entries = list(iter_entries(shards))
    _check_loaded(store, shards, entries)
    _, repeated, chosen = _plan(shards, entries, LoadReport())
    chunks = _direct(shards, entries, set(), repeated, chosen, io.BytesIO(), LoadReport(), None)
    return parse(io.BufferedReader(_Feed(chunks), buffer_size=1 << 20), RdfFormat.N_QUADS)


def _check_loaded(store: Store, shards: Path, entries: list[FileMap | Problem]) -> None:
    """StoreError unless ``store`` holds the first graph of every shard."""
    firsts = {row[1]: entry.key for entry in entries if isinstance(entry, FileMap)
              for row in islice(_index(shards, entry), 1)}
    graphs = list(firsts)
    for i in range(0, len(graphs), _ASK):
        held = set(store.stored_versions([NamedNode(g) for g in graphs[i:i + _ASK]]))
        for graph in graphs[i:i + _ASK]:
            if graph not in held:
                raise StoreError(f"{store} does not hold the graph {graph} of the shard {firsts[graph]} in {shards}: "
                                 "it was not loaded from these shards (kg index-metrics without --shards asks it)")


def _plan(shards: Path, entries: list[FileMap | Problem], report: LoadReport, store: Store | None = None
          ) -> tuple[set[str], set[str], dict[tuple[str, int], datetime | None]]:
    """The graphs of ``shards`` ``store`` holds (None: an empty one), those the shards hold more than once
    (and the store not), and the version of each of those ``kg load`` keeps (:func:`_choose`)."""
    seen = Counter(row[1] for _, _, row in _rows(shards, entries))
    stored = _stored(store, list(seen)) if store is not None else set()
    repeated = {g for g, n in seen.items() if n > 1} - stored
    del seen
    return stored, repeated, _choose(_rows(shards, entries, repeated), report)


def _index(shards: Path, done: FileMap) -> Iterator[list[Any]]:
    """The index rows of a shard: position in its file, graph, lines, quads, content hash, source date,
    retrieval time, source, record id, about, derived from (:func:`loaders.bulkmap.map_file`)."""
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


def _rows(shards: Path, entries: list[FileMap | Problem], only: set[str] | None = None
          ) -> Iterator[tuple[int, FileMap, list[Any]]]:
    """Every index row (of the graphs in ``only``), with its record's place in ``kg load``'s stream of items."""
    position = 0
    for entry in entries:
        if isinstance(entry, Problem):
            position += 1
            continue
        if only is None or only:
            for row in _index(shards, entry):
                if only is None or row[1] in only:
                    yield position + row[0], entry, row
        position += entry.items


def _record(row: list[Any]) -> RecordGraph:
    """A record graph without its quads, as the write plan sees it (or with them: ``triples``)."""
    _, graph, _, _, content_hash, modified, retrieved, source, record_id, about, derived = row
    meta = GraphMeta(source, record_id, NamedNode(about), derived, datetime.fromisoformat(retrieved),
                     datetime.fromisoformat(modified) if modified else None)
    return RecordGraph(NamedNode(graph), [], meta, content_hash=content_hash)


def _choose(rows: Iterator[tuple[int, FileMap, list[Any]]], report: LoadReport
            ) -> dict[tuple[str, int], datetime | None]:
    """Which version of each graph repeated in the inputs ``kg load`` would leave in the store, by
    :func:`kg.store.records.plan_write` over the very batches ``kg load`` writes (its items 500 at a
    time), each against what the batches before left: (shard, position) -> the source date its
    provenance ends with (moved forward when a later copy of the same content had a newer one)."""
    kept: dict[str, tuple[StoredVersion, tuple[str, int]]] = {}
    batch: list[RecordGraph] = []
    where: dict[int, tuple[str, int]] = {}
    number = -1

    def plan() -> None:
        stored = {r.graph.value: kept[r.graph.value][0] for r in batch if r.graph.value in kept}
        result = plan_write(batch, stored)
        report.loaded += len(result.write)
        report.older += result.older
        report.unchanged += len(batch) - len(result.write) - result.older
        for r in result.write:
            kept[r.graph.value] = (StoredVersion(r.content_hash, r.meta.source_modified, r.meta.retrieved_at),
                                   where[id(r)])
        for g, date in result.redate.items():
            version, at = kept[g.value]
            kept[g.value] = (replace(version, source_modified=date), at)

    for at, done, row in rows:
        if at // BATCH_SIZE != number and batch:
            plan()
            batch, where = [], {}
        number = at // BATCH_SIZE
        record = _record(row)
        where[id(record)] = (done.key, row[0])
        batch.append(record)
        report.quads += row[3]
    if batch:
        plan()
    return {at: version.source_modified for version, at in kept.values()}


def _direct(shards: Path, entries: list[FileMap | Problem], stored: set[str], repeated: set[str],
            chosen: dict[tuple[str, int], datetime | None], spill: IO[bytes], report: LoadReport,
            progress: Callable[[int], None] | None) -> Iterator[bytes]:
    """The N-Quads the engine loads, in order: each graph that is new and once in the inputs, and the
    chosen version of each repeated one; graphs the store holds go to ``spill``, with their place
    in ``kg load``'s stream of items, for :meth:`Store.write`."""
    position = 0
    for entry in entries:
        if isinstance(entry, Problem):
            position += 1
            continue
        with gzip.open(shards / f"{entry.key}.nq.gz", "rb") as shard:
            if not stored and not repeated:
                while chunk := shard.read(1 << 20):
                    yield chunk
                report.loaded += entry.records
                report.quads += entry.quads
            else:
                for row in _index(shards, entry):
                    lines = list(islice(shard, row[2]))
                    graph = row[1]
                    if graph in stored:
                        spill.write(json.dumps([position + row[0], *row[1:]]).encode() + b"\n")
                        spill.writelines(lines)
                    elif graph not in repeated:
                        report.loaded += 1
                        report.quads += row[3]
                        yield b"".join(lines)
                    elif (entry.key, row[0]) in chosen:
                        yield _redated(lines, row, chosen[entry.key, row[0]])
        position += entry.items
        if progress:
            progress(entry.items)


def _redated(lines: list[bytes], row: list[Any], date: datetime | None) -> bytes:
    """A chosen version's quads, its source date in the provenance set to ``date`` (a later copy of
    the same content may have moved it forward)."""
    if date is None or (row[5] and datetime.fromisoformat(row[5]) == date):
        return b"".join(lines)
    graph = NamedNode(row[1])
    modified = f"{graph} {KG.sourceModified} ".encode()
    kept = [line for line in lines if not line.startswith(modified)]
    return b"".join([*kept, f"{graph} {KG.sourceModified} {date_literal(date)} {META} .\n".encode()])


def _batches(spill: IO[bytes]) -> Iterator[list[RecordGraph]]:
    """The spilled records (graphs the store holds), as the batches ``kg load`` writes them in."""
    batch: list[RecordGraph] = []
    number = -1
    while header := spill.readline():
        row = json.loads(header)
        at, graph, lines, quads = row[:4]
        suffix = f" <{graph}> .\n"
        block = [spill.readline().decode() for _ in range(lines)]
        record = _record(row)
        if at // BATCH_SIZE != number and batch:
            yield batch
            batch = []
        number = at // BATCH_SIZE
        batch.append(RecordGraph.from_triples(record.graph, [line[:-len(suffix)] for line in block[:quads]],
                                              record.meta))
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
