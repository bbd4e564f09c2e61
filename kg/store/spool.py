"""Gathered writes of new record graphs: what lets ``kg load`` on an embedded store on disk feed
pyoxigraph's bulk loader a few large files instead of one small load per batch (issue 17: each
``bulk_load`` is its own RocksDB ingestion, and hundreds of small ones cost compactions).

While a load runs (:meth:`kg.store.Store.gathering`), :meth:`kg.store.Store.write` hands the record
graphs that are NEW (no content hash stored) to a :class:`Spool` instead of loading them: their quads
go, as N-Quads, to a temporary file in the store's directory, their cue and summary rows are kept,
and the store loads them all at once when the spool holds :data:`SPOOL_QUADS` quads, when a later
batch writes a graph that waits in it again, and at the end of the load. Records that replace
stored ones keep the transactional path.

Nothing stored is lost if the load dies, and the next load completes what it cut short:

1. a graph's quads and its provenance except its content hash are loaded first (one ``bulk_load``);
2. then the content hashes, in a load of their own (a few hundred thousand quads at most: one RocksDB
   ingestion, applied atomically);
3. then the cue index's and summary's rows, in one transaction each.

The side databases are marked as being written (:meth:`kg.store.sidedb.SideDb.writing`) before
step 1 and unmarked after step 3: a load cut short leaves them to be built again. A load cut short in
step 1 leaves graphs (and provenance) without a content hash: the next load takes them for new, and
clears what is there of them before spooling them again (:meth:`Spool.add`). A load cut short before
step 1 leaves the store as it was (the spool file is deleted at the next load's start).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pyoxigraph import Literal, NamedNode

from kg.errors import StoreError
from kg.store.cuerows import CueRow
from kg.store.prepared import PreparedGraph
from kg.store.records import META, RecordGraph, StoredVersion, WritePlan
from kg.store.summary_terms import Row
from kg.vocab import KG

if TYPE_CHECKING:
    from kg.store.base import Store

log = logging.getLogger(__name__)

#: quads gathered before the store loads them: about what pyoxigraph's bulk loader ingests at once
#: anyway (its batches are a million quads); the cue and summary rows kept meanwhile (about 250 bytes a
#: quad in Python) and the loader's buffers bound the memory a load takes
SPOOL_QUADS = 1_000_000
#: the name of a spool file in the store's directory (a leftover of a load cut short is deleted)
PREFIX = ".kg-spool-"
#: graphs asked about in one query
_GRAPHS_A_QUERY = 500
_HASH = f" {KG.contentHash} "


def _limit_from_environment() -> int:
    """``KG_SPOOL_QUADS`` (a positive whole number), else :data:`SPOOL_QUADS`."""
    text = os.environ.get("KG_SPOOL_QUADS", "")
    if not text:
        return SPOOL_QUADS
    if not text.isdigit() or int(text) < 1:
        raise StoreError(f"KG_SPOOL_QUADS must be a positive whole number, not {text!r}")
    return int(text)


class Spool:
    """New record graphs waiting to be bulk-loaded into ``store`` (an embedded store on disk, whose
    directory ``directory`` is) together: module docstring."""

    def __init__(self, store: Store, directory: Path, limit: int | None = None) -> None:
        self._store = store
        self._limit = limit or _limit_from_environment()
        for old in directory.glob(PREFIX + "*"):  # a load cut short: its quads never went in
            old.unlink(missing_ok=True)
        self._paths = (directory / f"{PREFIX}quads.nq", directory / f"{PREFIX}hashes.nq")
        self._file: BinaryIO | None = None
        #: graph IRI -> the version waiting (what a later batch's plan weighs against)
        self.waiting: dict[str, StoredVersion] = {}
        #: where each waiting graph's quads are in the file, and the places of versions replaced since
        self._spans: dict[str, tuple[int, int]] = {}
        self._replaced: list[tuple[int, int]] = []
        #: record graphs written here (a graph written twice counted twice, as a load report counts it)
        self.records = 0
        self._cues: dict[str, list[CueRow]] = {}
        self._summary: dict[str, list[Row]] = {}
        #: quads waiting (provenance counted)
        self.quads = 0
        #: of which in the record graphs (provenance not counted, as a load report counts them)
        self.graph_quads = 0
        #: bulk loads done
        self.loads = 0

    def versions(self, stored: dict[str, StoredVersion]) -> dict[str, StoredVersion]:
        """``stored`` with the versions waiting here (none of which is stored yet)."""
        return {**self.waiting, **stored} if self.waiting else stored

    def holds(self, plan: WritePlan) -> bool:
        """Whether ``plan`` redates a graph waiting here (then the store loads the spool first; a waiting
        graph written again is spooled again, its earlier version left out of the load)."""
        return bool(self.waiting) and any(g.value in self.waiting for g in plan.redate)

    def add(self, records: Sequence[RecordGraph]) -> None:
        """Spool new record graphs (what the store has of them without a content hash is cleared first:
        a load cut short), keeping their cue and summary rows; loaded once the spool is full."""
        self._clear_leftovers([r.graph for r in records])
        if self._file is None:
            self._file = self._paths[0].open("wb")
        quads = self._file
        cues, summary = self._store.cues.built, self._store.metrics_summary.built
        for r in records:
            g = r.graph
            done = r if isinstance(r, PreparedGraph) and r.holds(cues, summary) else PreparedGraph.of(r, cues, summary)
            if g.value in self._spans:  # written again: the version before is left out
                self._replaced.append(self._spans[g.value])
            start = quads.tell()
            quads.write(done.text)
            self._spans[g.value] = (start, quads.tell())
            self.records += 1
            self.waiting[g.value] = StoredVersion(r.content_hash, r.meta.source_modified, r.meta.retrieved_at)
            if cues:
                self._cues[g.value] = done.cues or []
            if summary:
                self._summary[g.value] = done.summary or []
            self.quads += len(r) + done.meta_count
            self.graph_quads += len(r)
        if self.quads >= self._limit:
            self.load()

    def _clear_leftovers(self, graphs: list[NamedNode]) -> None:
        for at in range(0, len(graphs), _GRAPHS_A_QUERY):
            values = " ".join(str(g) for g in graphs[at:at + _GRAPHS_A_QUERY])
            found = self._store.select(f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} "
                                       f"{{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ GRAPH {META} {{ ?g ?p ?o }} }} }}").rows
            if found:
                self._store._update(" ;\n".join(
                    f"DROP SILENT GRAPH {g} ; DELETE WHERE {{ GRAPH {META} {{ {g} ?p ?o }} }}" for (g,) in found))

    def load(self) -> None:
        """Load what waits: quads and provenance, then content hashes, then the side rows (module docstring)."""
        if not self.waiting or self._file is None:
            return
        self._file.close()
        self._file = None
        if self._replaced:
            self._leave_out_replaced()
        with self._paths[1].open("wb") as hashes:
            hashes.write("".join(f"{g} {KG.contentHash} {Literal(v.content_hash)} {META} .\n"
                                 for g_iri, v in self.waiting.items() for g in [NamedNode(g_iri)]).encode())
        store = self._store
        cues, summary = store.cues, store.metrics_summary
        kept, summary_kept = cues.built, summary.built  # (not while marked as being written)
        log.info("bulk-loading %d gathered record graphs (%d quads)", len(self.waiting), self.quads)
        try:
            with cues.writing(), summary.writing():
                store._load_file(self._paths[0])
                store._load_file(self._paths[1])
                if kept and self._cues:
                    cues.replace(self._cues)
                if summary_kept and self._summary:
                    summary.replace(self._summary)
        finally:
            store._written()
        self.loads += 1
        self._forget()

    def _leave_out_replaced(self) -> None:
        """The quads file again without the versions replaced since they were spooled."""
        kept = self._paths[0].with_suffix(".kept")
        with self._paths[0].open("rb") as source, kept.open("wb") as out:
            at = 0
            for start, end in sorted(self._replaced):
                out.write(source.read(start - at))
                source.seek(end)
                at = end
            while chunk := source.read(1 << 24):
                out.write(chunk)
        kept.replace(self._paths[0])
        self._replaced = []

    def _forget(self) -> None:
        self.waiting, self._spans, self._replaced, self._cues, self._summary = {}, {}, [], {}, {}
        self.quads = self.graph_quads = self.records = 0

    def finish(self) -> None:
        """Load what waits and let the files go."""
        try:
            self.load()
        finally:
            self.discard()

    def discard(self) -> None:
        """Let what waits go (deleting the files): the store stays as it was before it was spooled."""
        if self._file is not None:
            self._file.close()
            self._file = None
        for path in (*self._paths, self._paths[0].with_suffix(".kept")):
            path.unlink(missing_ok=True)
        self._forget()


class GathersWrites:
    """What :class:`kg.store.Store` has of gathered writes: :meth:`gathering`, and the spool in use."""

    _spool: Spool | None = None

    @contextmanager
    def gathering(self) -> Iterator[Spool | None]:
        """Within it, new record graphs written wait in a spool (None: this store writes each batch as
        it comes) and are bulk-loaded together (module docstring); loaded at its end (``finish`` it
        to see its failure first), let go if an exception ends it."""
        spool = self._new_spool()
        if spool is None:
            yield None
            return
        self._spool = spool
        try:
            yield spool
            spool.load()
        finally:
            self._spool = None
            spool.discard()

    def _new_spool(self) -> Spool | None:
        """A spool for this store; None where writes are not gathered (in memory, a server)."""
        return None

    def _load_file(self, path: Path) -> None:
        """Bulk-load an N-Quads file of a spool (a store that makes spools has this)."""
        raise StoreError(f"{self!r} gathers no writes")
