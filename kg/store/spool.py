"""Gathered writes of new record graphs: what lets ``kg load`` on an embedded store on disk feed
pyoxigraph's bulk loader a few large files instead of one small load per batch (issue 17: each
``bulk_load`` is its own RocksDB ingestion, and hundreds of small ones cost compactions).

While a load runs (:meth:`kg.store.Store.gathering`), :meth:`kg.store.Store.write` hands the record
graphs that are NEW (no content hash stored) to a :class:`Spool` instead of loading them: their quads
go, as N-Quads, to a temporary file in the store's directory, their cue and summary rows are kept,
and the store loads them all at once when the spool holds :data:`SPOOL_QUADS` quads (in a thread of
its own, while the next spool fills: one load at a time), when a later batch writes a graph that waits
in it again, and at the end of the load. Records that replace stored ones keep the transactional path
(after the load running, if one is).

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
from concurrent.futures import Future, ThreadPoolExecutor
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


class _Gathered:
    """One spool file's worth of new record graphs: its files, versions, places and rows."""

    def __init__(self, directory: Path, generation: int) -> None:
        self.paths = (directory / f"{PREFIX}quads-{generation}.nq", directory / f"{PREFIX}hashes-{generation}.nq")
        self.file: BinaryIO | None = None
        #: graph IRI -> the version waiting (what a later batch's plan weighs against)
        self.waiting: dict[str, StoredVersion] = {}
        #: where each waiting graph's quads are in the file, and the places of versions replaced since
        self.spans: dict[str, tuple[int, int]] = {}
        self.replaced: list[tuple[int, int]] = []
        self.cues: dict[str, list[CueRow]] = {}
        self.summary: dict[str, list[Row]] = {}
        self.records = self.quads = self.graph_quads = 0

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def delete(self) -> None:
        self.close()
        for path in (*self.paths, self.paths[0].with_suffix(".kept")):
            path.unlink(missing_ok=True)


class Spool:
    """New record graphs waiting to be bulk-loaded into ``store`` (an embedded store on disk, whose
    directory ``directory`` is) together: module docstring. A full spool is loaded in a thread of its
    own while the next one fills (one load at a time; a load's failure is raised by the next call)."""

    def __init__(self, store: Store, directory: Path, limit: int | None = None) -> None:
        self._store = store
        self._limit = limit or _limit_from_environment()
        for old in directory.glob(PREFIX + "*"):  # a load cut short: its quads never went in
            old.unlink(missing_ok=True)
        self._directory = directory
        self._generation = 0
        self._now = _Gathered(directory, 0)
        #: the spool being loaded in the background, and its load
        self._loading: tuple[_Gathered, Future[None]] | None = None
        self._failed: tuple[_Gathered, BaseException] | None = None
        self._loader: ThreadPoolExecutor | None = None
        #: which rows the spool keeps (cue index, summary): read once, before any load marks them as being written
        self._wants: tuple[bool, bool] | None = None
        #: bulk loads done
        self.loads = 0

    @property
    def waiting(self) -> dict[str, StoredVersion]:
        """Graph IRI -> the version waiting, loaded in the background or not."""
        loading = self._loading[0].waiting if self._loading else {}
        return {**loading, **self._now.waiting} if loading else self._now.waiting

    def _all(self) -> list[_Gathered]:
        return [g for g in (self._failed[0] if self._failed else None, self._loading[0] if self._loading else None,
                            self._now) if g is not None]

    @property
    def records(self) -> int:
        """Record graphs written here and not loaded yet (a graph written twice counted twice, as a load
        report counts it)."""
        return sum(g.records for g in self._all())

    @property
    def quads(self) -> int:
        """Quads waiting (provenance counted)."""
        return sum(g.quads for g in self._all())

    @property
    def graph_quads(self) -> int:
        """Of which in the record graphs (provenance not counted, as a load report counts them)."""
        return sum(g.graph_quads for g in self._all())

    def versions(self, stored: dict[str, StoredVersion]) -> dict[str, StoredVersion]:
        """``stored`` with the versions waiting here (none of which is stored yet)."""
        waiting = self.waiting
        return {**waiting, **stored} if waiting else stored

    def holds(self, plan: WritePlan) -> bool:
        """Whether ``plan`` redates a graph waiting here, or writes one being loaded (then the store loads
        the spool first; a graph waiting, not being loaded, written again is spooled again, its earlier
        version left out of the load)."""
        waiting = self.waiting
        loading = self._loading[0].waiting if self._loading else {}
        return bool(waiting) and (any(g.value in waiting for g in plan.redate)
                                  or any(r.graph.value in loading for r in plan.write))

    def add(self, records: Sequence[RecordGraph]) -> None:
        """Spool new record graphs (what the store has of them without a content hash is cleared first:
        a load cut short), keeping their cue and summary rows; loaded once the spool is full."""
        self._check()
        self._clear_leftovers([r.graph for r in records])
        now = self._now
        if now.file is None:
            now.file = now.paths[0].open("wb")
        quads = now.file
        if self._wants is None:
            self.wait()
            self._wants = (self._store.cues.built, self._store.metrics_summary.built)
        cues, summary = self._wants
        for r in records:
            g = r.graph
            done = r if isinstance(r, PreparedGraph) and r.holds(cues, summary) else PreparedGraph.of(r, cues, summary)
            if g.value in now.spans:  # written again: the version before is left out
                now.replaced.append(now.spans[g.value])
            start = quads.tell()
            quads.write(done.text)
            now.spans[g.value] = (start, quads.tell())
            now.records += 1
            now.waiting[g.value] = StoredVersion(r.content_hash, r.meta.source_modified, r.meta.retrieved_at)
            if cues:
                now.cues[g.value] = done.cues or []
            if summary:
                now.summary[g.value] = done.summary or []
            now.quads += len(r) + done.meta_count
            now.graph_quads += len(r)
        if now.quads >= self._limit:
            self._load_later()

    def _clear_leftovers(self, graphs: list[NamedNode]) -> None:
        for at in range(0, len(graphs), _GRAPHS_A_QUERY):
            values = " ".join(str(g) for g in graphs[at:at + _GRAPHS_A_QUERY])
            found = self._store.select(f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} "
                                       f"{{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ GRAPH {META} {{ ?g ?p ?o }} }} }}").rows
            found = [(g,) for (g,) in found if not (isinstance(g, NamedNode) and g.value in self.waiting)]
            if found:
                self.wait()
                self._store._update(" ;\n".join(
                    f"DROP SILENT GRAPH {g} ; DELETE WHERE {{ GRAPH {META} {{ {g} ?p ?o }} }}" for (g,) in found))

    def _check(self) -> None:
        """Raise the failure of a load in the background, if one failed."""
        if self._failed is not None:
            raise self._failed[1]
        if self._loading is not None and self._loading[1].done():
            self.wait()

    def wait(self) -> None:
        """Wait for the load in the background (raising its failure, and again at every later call)."""
        if self._loading is not None:
            gathered, future = self._loading
            try:
                future.result()
            except BaseException as e:
                self._loading, self._failed = None, (gathered, e)
                raise
            self._loading = None
            gathered.delete()
            self.loads += 1
        if self._failed is not None:
            raise self._failed[1]

    def _load_later(self) -> None:
        """Load the spool in the background (after the load before it) and start a new one."""
        self.wait()
        gathered = self._now
        self._generation += 1
        self._now = _Gathered(self._directory, self._generation)
        if self._loader is None:
            self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-spool-load")
        self._loading = (gathered, self._loader.submit(self._load, gathered))

    def load(self) -> None:
        """Load what waits (after the load in the background, if one runs)."""
        self.wait()
        if self._now.waiting:
            self._load(self._now)
            self.loads += 1
            self._now.delete()
            self._now = _Gathered(self._directory, self._generation)

    def _load(self, gathered: _Gathered) -> None:
        """Load one spool: quads and provenance, then content hashes, then the side rows (module docstring)."""
        if not gathered.waiting or gathered.file is None:
            return
        gathered.close()
        if gathered.replaced:
            _leave_out(gathered.paths[0], gathered.replaced)
            gathered.replaced = []
        with gathered.paths[1].open("wb") as hashes:
            hashes.write("".join(f"{g} {KG.contentHash} {Literal(v.content_hash)} {META} .\n"
                                 for g_iri, v in gathered.waiting.items() for g in [NamedNode(g_iri)]).encode())
        store = self._store
        cues, summary = store.cues, store.metrics_summary
        kept, summary_kept = cues.built, summary.built  # (not while marked as being written)
        log.info("bulk-loading %d gathered record graphs (%d quads)", len(gathered.waiting), gathered.quads)
        wants = self._wants or (False, False)
        try:
            with cues.writing(), summary.writing():
                store._load_file(gathered.paths[0])
                store._load_file(gathered.paths[1])
                if kept and not wants[0] or summary_kept and not wants[1]:  # rows not kept: built again
                    (cues if kept and not wants[0] else summary).mark_stale()
                if kept and wants[0] and gathered.cues:
                    cues.replace(gathered.cues)
                if summary_kept and wants[1] and gathered.summary:
                    summary.replace(gathered.summary)
        finally:
            store._written()

    def finish(self) -> None:
        """Load what waits and let the files go."""
        try:
            self.load()
        finally:
            self.discard()

    def discard(self) -> None:
        """Let what waits go (deleting the files): the store stays as it was before it was spooled."""
        if self._loading is not None:
            try:
                self.wait()
            except BaseException:  # noqa: BLE001,S110 (raised where it was met; here the spool is let go)
                pass
        if self._loader is not None:
            self._loader.shutdown()
            self._loader = None
        for gathered in self._all():
            gathered.delete()
        self._now, self._failed = _Gathered(self._directory, self._generation), None


def _leave_out(path: Path, replaced: list[tuple[int, int]]) -> None:
    """The quads file ``path`` again without the versions replaced since they were spooled."""
    kept = path.with_suffix(".kept")
    with path.open("rb") as source, kept.open("wb") as out:
        at = 0
        for start, end in sorted(replaced):
            out.write(source.read(start - at))
            source.seek(end)
            at = end
        while chunk := source.read(1 << 24):
            out.write(chunk)
    kept.replace(path)


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
