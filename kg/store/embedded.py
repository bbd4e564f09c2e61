"""pyoxigraph's embedded store: on disk (a directory), or in memory for tests and the Python API.

On disk, other processes may open it read-only beside this one; the query workers that enforce the
time limit do (:mod:`kg.store.workers`), and so do replicas (``kg serve --read-only``, the workers of
``kg serve --workers N``). Opening it read-write takes RocksDB's lock, which keeps other writers out.

A read-only open is a snapshot of the store as it was when opened (RocksDB's read-only mode): it does
not see later writes. A store opened read-only therefore follows the revision file the writer
publishes after each write (:mod:`kg.store.revision`) and opens the store again when it changed, at
its next read; a read that fails meanwhile (RocksDB leaves a read-only open undefined while another
process writes) is tried once more on a fresh open. Writes to it raise
:class:`~kg.errors.ReadOnlyStoreError`.

A served replica (:meth:`EmbeddedStore.open_now` on a read-only store: ``kg serve --read-only``, the
workers of ``kg serve --workers N``) opens a snapshot of the store (:mod:`kg.store.snapshot`: hard links to
its table files, which the writer's later compactions cannot take away) instead of the directory itself,
and a thread of its own looks at the revision file every :data:`FOLLOW_EVERY` seconds and opens the new
revision there, off the request path: a request finds it open already. The open before stays in use until
the new one answered a query; one that fails is tried again at the next look.

>>> store = Store.open(None)
>>> store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'o' } }")
>>> store.ask("ASK { <urn:x:s> ?p ?o }"), store.profile.on_disk
(True, False)
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, TypeVar

from pyoxigraph import DefaultGraph, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Triple, serialize
from pyoxigraph import Store as OxStore

from kg.errors import ReadOnlyStoreError, StoreError, freed
from kg.store import snapshot
from kg.store.base import Store, StoreProfile
from kg.store.limits import InProcessRunner, QueryRunner
from kg.store.records import META, RecordGraph
from kg.store.revision import RevisionFile
from kg.store.spool import Spool
from kg.store.summary_build import scan_rows
from kg.store.terms import Bindings, Dataset, SelectResult, with_values
from kg.store.workers import ProcessRunner

log = logging.getLogger(__name__)
_T = TypeVar("_T")


#: read-only opens tried before a reader goes on with the open it has (the writer compacting meanwhile)
_OPEN_TRIES = 5
#: seconds between a served replica's looks at the revision file (a stat: cheap)
FOLLOW_EVERY = 0.05
#: seconds a replaced snapshot is kept after it went out of use (a request may still read from it)
RETIRED_FOR = 60.0


class EmbeddedStore(Store):
    """pyoxigraph's embedded store, on disk (a directory) or in memory (``path=None``)."""

    def __init__(self, path: Path | None, read_only: bool = False) -> None:
        self.path = path
        #: opened with :meth:`Store.open_read_only`: reads only, opened again after each published write
        self.read_only = read_only
        self._ox: OxStore | None = None
        #: read-only: the revision the writer had published when the open in use was made
        self._opened_at: str | None = None
        self._reopening = threading.Lock()
        #: the revision file shared with other processes (on disk only: kg.store.revision)
        self._revision_file = RevisionFile(path) if path is not None else None
        #: a served replica opens snapshots (kg.store.snapshot), the one in use here, and follows in a thread
        self._snapshots = False
        self._snapshot: Path | None = None
        self._retired: list[tuple[float, OxStore, Path | None]] = []
        self._following: threading.Thread | None = None
        self._stop = threading.Event()
        self._fresh = path is None
        self._default_apart = True  # pyoxigraph's updates write to its own default graph

    @classmethod
    def at(cls, location: str | Path | None, read_only: bool = False) -> EmbeddedStore | None:
        """The store in memory for None, on disk for a directory path; None for a URL."""
        if location is None:
            return cls(None)
        if str(location).startswith(("http://", "https://")):
            return None
        return cls(Path(location), read_only=read_only)

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path) if self.path else None})"

    @property
    def profile(self) -> StoreProfile:
        on_disk = self.path is not None
        return StoreProfile(backend="embedded", on_disk=on_disk, read_only_open=on_disk, bulk_write=True,
                            stops_queries="process" if on_disk else "rows", sees_outside_writes=False,
                            cue_index="beside" if on_disk else "memory")

    def cue_index_path(self) -> Path | None:
        """``cues.sqlite`` in the store's directory; None (in memory) for a store in memory."""
        return self.path / "cues.sqlite" if self.path is not None else None

    def summary_scan(self, only: Collection[str] | None = None) -> Iterator[tuple[str, str, str, str]]:
        """The metrics summary's rows (of the predicates ``only``) from pyoxigraph's index scans
        (:func:`~kg.store.summary_build.scan_rows`)."""
        return scan_rows(self.ox, only)

    def revision(self) -> str:
        """This object's own revision; opened read-only, the one the writing process wrote last."""
        if self.read_only and self._revision_file is not None:
            return self._revision_file.read() or super().revision()
        return super().revision()

    def _publish(self) -> None:
        if self._revision_file is not None and not self.read_only and self._ox is not None:
            self._revision_file.write(self.revision())

    def open_now(self) -> None:
        """Open the store now. Read-only on disk (a served replica), open a snapshot and follow the writer's
        revisions in a thread of its own (the module's docstring), until :meth:`close`."""
        if self.read_only and self.path is not None and self._following is None:
            self._snapshots = True
            self._stop.clear()
            self.ox  # noqa: B018 (opening is what is wanted)
            self._following = threading.Thread(target=self._follow_writes, name="kg-store-follow", daemon=True)
            self._following.start()
            return
        self.ox  # noqa: B018 (opening is what is wanted)

    def _follow_writes(self) -> None:
        while not self._stop.wait(FOLLOW_EVERY):
            try:
                self._follow()
                self._reap()
            except Exception as e:  # noqa: BLE001 (the next look tries again; requests still reopen themselves)
                log.warning("following the writes to %s: %s", self.path, e)

    def _open_read_only(self) -> OxStore:
        """A read-only open: of a new snapshot when serving (kept as :attr:`_snapshot` once in use), else of the
        directory. A snapshot's open answers a query before it is used."""
        assert self.path is not None
        folder = snapshot.take(self.path) if self._snapshots else None
        try:
            opened = OxStore.read_only(str(folder or self.path))
            if folder is not None:
                opened.query("ASK { ?s ?p ?o }")
        except BaseException:
            if folder is not None:
                snapshot.remove(folder)
            raise
        if self._ox is not None:
            self._retired.append((time.monotonic(), self._ox, self._snapshot))
        self._snapshot = folder
        return opened

    def _reap(self) -> None:
        """Let go of the snapshots replaced more than :data:`RETIRED_FOR` seconds ago that no one holds."""
        now, kept = time.monotonic(), []
        for retired in self._retired:
            # the list's tuple and getrefcount's argument: no request holds the open any more
            if now - retired[0] > RETIRED_FOR and sys.getrefcount(retired[1]) <= 2:
                if retired[2] is not None:
                    snapshot.remove(retired[2])
            else:
                kept.append(retired)
        self._retired = kept

    def query_runner(self, timeout_s: float, workers: int = 2, memory_mb: int = 0) -> QueryRunner:
        """On disk, worker processes that each open the store read-only (:mod:`kg.store.workers`); in
        memory, the caller's thread, with the deadline checked between rows. The limit is each job's."""
        if self.path is None:
            return InProcessRunner(self)
        refusal = ReadOnlyStoreError(str(self.path)) if self.read_only else None
        return ProcessRunner(self, partial(open_served, self.path), workers, memory_mb, refusal)

    @property
    def ox(self) -> OxStore:
        """The pyoxigraph store, opened on first use; opened read-only, again once the writer published a
        write (:meth:`_follow`)."""
        if self._ox is None:
            try:
                if self.read_only and self.path:
                    self._opened_at = self._revision_file.read() if self._revision_file else None
                    self._ox = self._open_read_only()
                else:
                    self._ox = OxStore(str(self.path)) if self.path else OxStore()
            except OSError as e:
                raise StoreError(f"cannot open the store at {self.path}: {e}") from e
            # this process holds the lock now: its revision is the store's (written by others before, or
            # by another tool, the store gets a revision no earlier answer was kept under)
            self._publish()
        elif self.read_only:
            self._follow()
        return self._ox

    def _follow(self, force: bool = False) -> None:
        """Open the store read-only again when the writer published a revision since the open in use (or
        when ``force``d). The revision is read before opening: a write landing in between is seen now and
        opened for again next time. One thread reopens at a time; the others wait for its open rather than
        read the one before (an answer read there would be kept under the new revision). An open that fails
        (the writer replacing files) is tried a few times, then again at the next read."""
        seen = self._revision_file.read() if self._revision_file is not None else None
        if (seen == self._opened_at and not force) or self.path is None:
            return
        with self._reopening:
            if seen == self._opened_at and not force:  # another thread opened it meanwhile
                return
            for attempt in range(_OPEN_TRIES):
                try:
                    self._ox = self._open_read_only()
                    self._opened_at = seen
                    return
                # the writer replacing its files while they are opened: RocksDB says "Corruption: ... No such file"
                except (OSError, RuntimeError) as e:  # its message only: the error itself and the frames of
                    failed = freed(e)  # its traceback (a cycle) would keep the caller's pyoxigraph answers
                    time.sleep(0.05 * (attempt + 1))
            log.warning("cannot open %s read-only again (will retry at the next read): %s", self.path, failed)

    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        # pyoxigraph's substitutions need the variable in the projection; a trailing VALUES
        # clause does not, and answers the same on every backend.
        text = with_values(sparql, bindings)
        if self.read_only and self._ox is not None:
            try:
                return self._evaluate(text, dataset)
            except OSError as e:  # a file the writer replaced meanwhile: once more, on a fresh open
                log.warning("a read of %s failed (%s); opening it again", self.path, freed(e))
                self._follow(force=True)
        return self._evaluate(text, dataset)

    def _select(self, sparql: str, bindings: Bindings) -> SelectResult:
        return self._read_again(lambda: super(EmbeddedStore, self)._select(sparql, bindings))

    def _construct(self, sparql: str, bindings: Bindings) -> list[Triple]:
        return self._read_again(lambda: super(EmbeddedStore, self)._construct(sparql, bindings))

    def _read_again(self, read: Callable[[], _T]) -> _T:
        """``read`` once more on a fresh open when it meets a file the writer replaced meanwhile: the rows
        of an answer are read lazily, after :meth:`_query` evaluated it (a replica beside a writer that
        compacts answered 500 with ``FileNotFoundError ... .sst`` so)."""
        if not self.read_only or self._ox is None:
            return read()
        try:
            return read()
        except OSError as e:
            log.warning("reading an answer from %s failed (%s); opening it again", self.path, freed(e))
            self._follow(force=True)
            return read()

    def _evaluate(self, text: str, dataset: Dataset | None) -> QuerySolutions | QueryBoolean | QueryTriples:
        result: QuerySolutions | QueryBoolean | QueryTriples
        if dataset is None:
            result = self.ox.query(text, use_default_graph_as_union=True)
        else:
            result = self.ox.query(text, default_graph=list(dataset.default_graphs),
                                   named_graphs=list(dataset.named_graphs))
        return result

    def _add(self, records: Sequence[RecordGraph]) -> None:
        # New graphs go in through Oxigraph's bulk loader, several times faster than a
        # transaction. A batch this size is one RocksDB ingestion of SST files across all
        # indexes, which RocksDB applies atomically, provenance included: each graph is wholly
        # there with its provenance, or absent. Quads in a graph without provenance (written by
        # another tool) are cleared first. The quads go in as N-Quads bytes rather than through
        # bulk_extend: pyoxigraph then loads them without holding the GIL, so a caller's other
        # thread (the pipeline mapping the next batch) runs meanwhile.
        self._refuse_read_only()
        leftovers = self.select(
            "SELECT ?g WHERE { VALUES ?g { " + " ".join(str(r.graph) for r in records)
            + " } FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }").rows
        if leftovers:
            self._update(" ".join(f"DROP SILENT GRAPH {g} ;" for (g,) in leftovers).rstrip(" ;"))
        self.ox.bulk_load(input="".join(r.nquads() for r in records).encode(), format=RdfFormat.N_QUADS)

    def _update(self, sparql_update: str) -> None:
        """Run a SPARQL Update in one transaction."""
        self._refuse_read_only()
        try:
            self.ox.update(sparql_update)
        finally:
            self._written()

    def bulk_load(self, nquads: Path | IO[bytes]) -> None:
        """Add N-Quads (a file, or a stream) with pyoxigraph's own bulk loader: no transaction, no content
        hashes checked (:mod:`loaders.bulkload` decides what goes in). Flushed to disk when done."""
        self._refuse_read_only()
        try:
            if isinstance(nquads, Path):
                self.ox.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
            else:
                self.ox.bulk_load(input=nquads, format=RdfFormat.N_QUADS)
            self.ox.flush()
        finally:
            self._written()
            self.cues.mark_stale()  # quads the cue index did not see
            self.metrics_summary.mark_stale()

    def _new_spool(self) -> Spool | None:
        """On disk, new record graphs gather in the store's directory (:mod:`kg.store.spool`)."""
        if self.path is None or self.read_only:
            return None
        try:
            self.open_now()  # this process holds the store's lock before the spool clears a leftover
        except StoreError:
            return None  # (the first write fails as before, and the load's report says so)
        return Spool(self, self.path)

    def _load_file(self, path: Path) -> None:
        """Bulk-load an N-Quads file of the spool (its rows are the spool's to write) and flush it to disk."""
        self._refuse_read_only()
        self.ox.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
        self.ox.flush()

    def _refuse_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(str(self.path))

    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write every quad (N-Quads, TriG) or every triple outside the meta graph (Turtle, N-Triples)."""
        if format in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            self.ox.dump(output, format=format)
            return
        triples = (q.triple for q in self.ox.quads_for_pattern(None, None, None, None)
                   if not isinstance(q.graph_name, DefaultGraph) and q.graph_name != META)
        serialize(triples, output, format=format)

    def close(self) -> None:
        """Flush what was written (unless opened read-only) and let the store go; it reopens on next use."""
        if self._following is not None:
            self._stop.set()
            self._following.join()
            self._following = None
        if self._ox is not None:
            if not self.read_only:
                self._ox.flush()
            self._ox = None
        for folder in [*(retired[2] for retired in self._retired), self._snapshot]:
            if folder is not None:
                snapshot.remove(folder)
        self._retired, self._snapshot, self._snapshots = [], None, False
        super().close()


def open_served(path: str | Path) -> EmbeddedStore:
    """The embedded store on disk at ``path`` opened read-only to serve: in a snapshot, following the writer's
    revisions in a thread of its own (:meth:`EmbeddedStore.open_now`). Replicas and the ``/sparql`` query
    workers open so: the writer's compactions cannot take a file from under their lazily read rows."""
    store = EmbeddedStore(Path(path), read_only=True)
    store.open_now()
    return store
