"""The Store: what every backend answers, and its profile, which says how backends differ.

Writes are per record graph. :meth:`Store.write` takes a batch of
:class:`~kg.store.records.RecordGraph` and, in transactions, replaces each changed graph whole (the
old triples go in the same transaction as the new ones arrive) and skips each graph whose content
hash is already stored. The provenance of every record graph lives in the meta graph, written in
the same transaction as the graph.

Code outside ``kg/store/`` never tests a store's type: what differs between backends is in
:attr:`Store.profile`, and what must be done differently (opening, a health check, queries under a
time limit) is a method of the store.

>>> from datetime import UTC, datetime
>>> from pyoxigraph import Quad, Literal
>>> from kg.store import GraphMeta, RecordGraph
>>> from kg.vocab import SCHEMA
>>> store = Store.open(None)
>>> work = NamedNode("https://doi.org/10.1/x")
>>> graph = NamedNode("https://w3id.org/evidence-kg/graph/test/10.1/x")
>>> record = RecordGraph(graph, [Quad(work, SCHEMA.name, Literal("X"), graph)],
...     GraphMeta("test", "10.1/x", work, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC)))
>>> store.write([record]), store.write([record])
(WriteResult(written=1, unchanged=0, older=0), WriteResult(written=0, unchanged=1, older=0))
>>> store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work}).rows
[(<Literal value=X datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>,)]
>>> store.profile.backend, store.profile.stops_queries
('embedded', 'rows')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, ClassVar, Literal

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Triple

from kg.errors import StoreError
from kg.ids import META_GRAPH
from kg.store.cuerows import PREDICATES, record_cues
from kg.store.kept import kept, kept_select, kept_triples
from kg.store.limits import QueryRunner, select_chunked
from kg.store.records import RecordGraph, Refusal, StoredVersion, WriteResult, plan_write, redate_update, replace_update
from kg.store.revision import new_token
from kg.store.spool import GathersWrites
from kg.store.summary import summary_rows
from kg.store.terms import Bindings, Dataset, SelectResult, read_here, read_solutions, read_triples
from kg.store.written import KeepsCues, update_keeping_cues
from kg.vocab import KG, PROV

#: the engine behind a store: pyoxigraph in this process, or a SPARQL 1.1 server
Backend = Literal["embedded", "remote"]
#: how a query time limit is enforced: a worker process killed, the deadline checked between
#: result rows, or the server's own limit (kg.store.limits says more)
QueryStop = Literal["process", "rows", "server"]
#: where a store's cue index lives
CueIndexPlace = Literal["beside", "memory", "file"]


@dataclass(frozen=True)
class StoreProfile:
    """What a store is and can do: what code outside ``kg/store/`` asks instead of the store's type.

    >>> Store.open(None).profile
    StoreProfile(backend='embedded', on_disk=False, read_only_open=False, bulk_write=True, \
stops_queries='rows', sees_outside_writes=False, engine='oxigraph', cue_index='memory')
    """

    #: "embedded" (pyoxigraph in this process, on disk or in memory) or "remote" (a SPARQL server)
    backend: Backend
    #: its data is in files this process opened (an embedded store on disk)
    on_disk: bool
    #: other processes may open it read-only beside this one (:meth:`Store.open_read_only`)
    read_only_open: bool
    #: new graphs go in through the engine's bulk loader rather than a SPARQL Update
    bulk_write: bool
    #: how :meth:`Store.query_runner` stops a query past its time limit
    stops_queries: QueryStop
    #: others may write to it too, unseen by :attr:`Store.generation` and by the cue index (``kg
    #: index-cues`` builds that again)
    sees_outside_writes: bool
    #: the engine answering: "oxigraph" (embedded or ``oxigraph serve``), "virtuoso", or "generic" (any
    #: other SPARQL 1.1 server); what it needs is in :mod:`kg.store.engines`
    engine: str = "oxigraph"
    #: where the cue index lives (:mod:`kg.store.cues`): "beside" the store (``cues.sqlite`` in its
    #: directory), in "memory", or in a local "file" built from the engine (``$KG_CUE_INDEX_DIR``)
    cue_index: CueIndexPlace = "memory"


class Store(KeepsCues, GathersWrites, ABC):
    """A quad store holding record graphs and their provenance."""

    #: bumped after every write through this object: what is built from the store (the cue index)
    #: is stale when it was built at another generation. :meth:`revision` also sees other processes' writes
    generation: int = 0
    #: queries asked of the store through this object (what tests of caching count)
    query_count: int = 0

    #: the backends :meth:`open` chooses from: each subclass defining :meth:`at` joins as its module
    #: is imported (the package kg.store imports them all)
    _backends: ClassVar[list[type[Store]]] = []

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "at" in vars(cls):
            Store._backends.append(cls)

    @classmethod
    def at(cls, location: str | Path | None, read_only: bool = False) -> Store | None:
        """This backend's store at ``location``, or None when ``location`` is not of its kind.

        Raises StoreError when it is, but cannot be opened so (``read_only``).
        """
        return None

    @staticmethod
    def open(location: str | Path | None) -> Store:
        """Open a store: None for memory, a directory path for disk, an http(s) URL for a server.

        Opening does no I/O: the store is opened on first use (or :meth:`open_now`).

        >>> Store.open(None)
        EmbeddedStore(None)
        >>> Store.open("http://127.0.0.1:7878/query").profile.backend
        'remote'
        """
        return Store._open(location, read_only=False)

    @staticmethod
    def open_read_only(path: str | Path) -> Store:
        """Open an embedded store on disk for reading only, beside the process that has it open read-write.

        It sees the store as it was when opened. RocksDB leaves a read-only open undefined while
        another process writes: open it only while nothing writes, and reopen it after a write.
        """
        return Store._open(path, read_only=True)

    @staticmethod
    def _open(location: str | Path | None, read_only: bool) -> Store:
        for backend in Store._backends:
            found = backend.at(location, read_only)
            if found is not None:
                return found
        raise StoreError(f"no backend opens the store at {location}: give a directory, an http(s) URL or nothing")

    # -- what it is and does ---------------------------------------------------------------

    @property
    @abstractmethod
    def profile(self) -> StoreProfile:
        """What this store is and can do."""

    def open_now(self) -> None:  # noqa: B027 (a remote store has nothing to open)
        """Open the store now rather than at its first use: an embedded store on disk then holds its
        lock, which keeps other writers out while this process serves it. Raises StoreError when it
        cannot be opened."""

    def revision(self) -> str:
        """A short text that changes with every write to the store: at once for writes through this object,
        and, as far as the backend lets (:mod:`kg.store.revision`), for writes by other processes. Cheap:
        no query is asked for it (a remote store's mark is read in the background).

        >>> store = Store.open(None)
        >>> first = store.revision()
        >>> store.update("INSERT DATA { <urn:x:s> <urn:x:p> 1 }")
        >>> first == store.revision()
        False
        """
        return f"{self._session}.{self.generation}"

    @property
    def _session(self) -> str:
        """A random id of this object, so that two stores (or two openings of one) never share a revision."""
        found: str | None = self.__dict__.get("_session_id")
        if found is None:
            found = self.__dict__["_session_id"] = new_token()
        return found

    def _written(self) -> None:
        """Record a write (after it is done, failed or not: an answer computed meanwhile is kept under the
        old revision, which no one asks for again): bump the generation and, unless inside
        :meth:`write`, which publishes once at its end, let other processes know (:meth:`_publish`)."""
        self.generation += 1
        if not self.__dict__.get("_holding", False):
            self._publish()

    def _publish(self) -> None:  # noqa: B027 (in memory, no one else can see the store)
        """Make the new revision visible to other processes, as the backend can."""
    def cut_at(self) -> int | None:
        """The row cap a server cut this thread's last answer at (Virtuoso's ``ResultSetMaxRows``, said
        in ``X-SPARQL-MaxRows``); None when the answer was whole, as the embedded store's always is."""
        return None

    def ping(self) -> None:
        """Return when the store answers a query; raise a KgError (StoreError, QueryTimeoutError) if not.

        >>> Store.open(None).ping()
        """
        self._query("ASK { }", {})  # not counted in query_count: it asks nothing of the data

    @abstractmethod
    def query_runner(self, timeout_s: float, workers: int = 2, memory_mb: int = 0) -> QueryRunner:
        """What runs queries on this store under a time limit of ``timeout_s`` seconds, and updates.

        The way it stops a query is the profile's ``stops_queries``; ``workers`` is the number of
        worker processes where that is ``"process"``, each with at most ``memory_mb`` of address
        space (0: no limit). Close the runner when done with it.
        """

    # -- reads -------------------------------------------------------------------------

    @abstractmethod
    def _query(self, sparql: str, bindings: Bindings, dataset: Dataset | None = None
               ) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run a query against the union of all graphs, or against ``dataset``."""

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        """Run a SELECT query; ``bindings`` fix variables to terms (never pasted into the text)."""
        return kept_select(self, sparql, bindings or {}, lambda: self._select(sparql, bindings or {}))

    def _select(self, sparql: str, bindings: Bindings) -> SelectResult:
        self.query_count += 1
        return read_here(self._query(sparql, bindings), read_solutions)

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""
        return kept(self, "ask", sparql, bindings or {}, lambda: self._ask(sparql, bindings or {}))

    def _ask(self, sparql: str, bindings: Bindings) -> bool:
        self.query_count += 1
        result = self._query(sparql, bindings)
        if not isinstance(result, QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        return kept_triples(self, sparql, bindings or {}, lambda: self._construct(sparql, bindings or {}))

    def _construct(self, sparql: str, bindings: Bindings) -> list[Triple]:
        self.query_count += 1
        return read_here(self._query(sparql, bindings), read_triples)

    def query(self, sparql: str, bindings: Bindings | None = None, *, dataset: Dataset | None = None
              ) -> QuerySolutions | QueryBoolean | QueryTriples:
        """Run any query and return pyoxigraph's result object (solutions, boolean or triples).

        ``dataset`` replaces the union of all graphs by the graphs it names (SPARQL 1.1 Protocol).
        A malformed query raises :class:`SyntaxError` (embedded) or
        :class:`~kg.store.remote_faults.RemoteQuerySyntaxError`.
        """
        self.query_count += 1
        return self._query(sparql, bindings or {}, dataset)

    def content_hashes(self, graphs: Sequence[NamedNode]) -> dict[str, str]:
        """The stored content hash of each of ``graphs`` that is in the store."""
        return {g: v.content_hash for g, v in self.stored_versions(graphs).items()}

    def stored_versions(self, graphs: Sequence[NamedNode]) -> dict[str, StoredVersion]:
        """The stored content hash and source date of each of ``graphs`` in the store (:func:`select_chunked`)."""
        if not graphs:
            return {}
        m = f"GRAPH <{META_GRAPH}>"  # OPTIONAL inside it: Oxigraph read every graph's provenance, a batch
        sparql = (f"SELECT ?g ?h ?d ?r WHERE {{ {m} {{ ?g <{KG.contentHash.value}> ?h }} OPTIONAL {{ {m} {{ "
                  f"?g <{KG.sourceModified.value}> ?d }} }} OPTIONAL {{ {m} {{ ?g {PROV.generatedAtTime} ?r }} }} }}")
        return {g: StoredVersion(h, _date(d), _date(r)) for g, h, d, r in select_chunked(
            self, sparql, {"g": list(graphs)}).values() if g is not None and h is not None}

    # -- writes ------------------------------------------------------------------------

    def write(self, records: Sequence[RecordGraph]) -> WriteResult:
        """Store a batch of record graphs: new ones added, changed ones replaced, unchanged skipped.

        A record whose content is stored already (the same fingerprint,
        :attr:`~kg.store.records.RecordGraph.content_hash`) is never rewritten, whatever the
        dates; when it comes with a newer date, only the stored date moves forward, so that an
        older version coming later still loses. Only when the content differs do dates decide
        between two versions of one record (the stored one and an incoming one, or two in the
        batch): the newer by the source's own date (:attr:`GraphMeta.source_modified`) is kept,
        whatever the order they come in; an incoming record older than the kept version is not
        written (counted as ``older``), nor is one without a date when the kept version has one.
        When neither has a date, the one retrieved later is kept; with the same date or the same
        retrieval time, the incoming one replaces the other (the last one wins: a changed mapping
        of the same file must replace the old) (:func:`~kg.store.records.plan_write`).

        Each graph, with its provenance, is either wholly old or wholly new afterwards, whatever
        happens during the call.
        """
        graphs = list({r.graph.value: r.graph for r in records}.values())
        stored, spool = self.stored_versions(graphs), self._spool
        plan = plan_write(records, spool.versions(stored) if spool else stored)
        if spool is not None and spool.holds(plan):  # a graph waiting in the spool written again: loaded first
            spool.load()
            stored = self.stored_versions(graphs)
            plan = plan_write(records, stored)
        new = [r for r in plan.write if r.graph.value not in stored]
        changed = [r for r in plan.write if r.graph.value in stored]
        spool.wait() if spool is not None and (changed or plan.redate) else None  # not beside a load running
        refused: list[Refusal] = []
        cues, summary = self.cues, self.metrics_summary
        self.__dict__["_holding"] = True  # one revision published for the batch, at its end
        try:
            if new and spool is not None:  # gathered: bulk-loaded later, with their rows (kg.store.spool)
                spool.add(new)
                new = []
            if new or changed:
                # the one place the cue index and metrics summary follow the store: rows replaced per graph
                self._before_write()
                kept, summary_kept = cues.built, summary.built
                with cues.writing(), summary.writing():
                    if new:
                        refused += self._add(new) or ()
                    if changed:
                        refused += self._replace(changed) or ()
                    left_out = {(r.source, r.record_id) for r in refused}
                    written = [r for r in [*new, *changed] if (r.meta.source, r.meta.record_id) not in left_out]
                    if kept:
                        cues.replace({r.graph.value: record_cues(r.quads_with(PREDICATES)) for r in written})
                    if summary_kept:
                        summary.replace({r.graph.value: summary_rows(r) for r in written})
            if plan.redate:
                self._update(redate_update(plan.redate))
        finally:
            self.__dict__["_holding"] = False
            if new or changed or plan.redate:
                self._written()
        return WriteResult(written=len(plan.write) - len(refused),
                           unchanged=len(records) - len(plan.write) - plan.older, older=plan.older,
                           refused=tuple(refused))

    def replace(self, record: RecordGraph) -> bool:
        """Store one record graph; False when the same content was already stored."""
        return self.write([record]).written == 1

    def _add(self, records: Sequence[RecordGraph]) -> list[Refusal] | None:
        """Add graphs not yet in the store, in one transaction; the records refused (a server's)."""
        return self._replace(records)

    def _replace(self, records: Sequence[RecordGraph]) -> list[Refusal] | None:
        """Replace graphs (and their provenance), in one transaction; the records refused (a server's)."""
        self._update(replace_update(records))
        return None

    def update(self, sparql_update: str, *, meta_only: bool = False) -> None:
        """Run a SPARQL Update, atomically; the cue index follows it graph by graph
        (:func:`~kg.store.written.update_keeping_cues`) and the metrics summary is marked stale (built
        again by ``kg index-metrics``), unless ``meta_only``: it writes only kg's own bookkeeping in the
        meta graph (sync state), which has no cue or summary rows."""
        if not meta_only:
            self.summary_stale()
            return update_keeping_cues(lambda: self.cues, sparql_update, self._update, self.select,
                                       default_apart=self._default_apart)
        self._update(sparql_update)

    def bulk_load(self, nquads: IO[bytes]) -> None:
        """Add N-Quads through the engine's own bulk loader (no transaction; the cue index is then stale)."""
        raise StoreError(f"{self!r} has no bulk loader: use kg load")

    @abstractmethod
    def _update(self, sparql_update: str) -> None:
        """Run a SPARQL Update, atomically (the store's own writes; the cue index is kept by the caller)."""

    @abstractmethod
    def dump(self, output: IO[bytes], format: RdfFormat) -> None:
        """Write every quad (N-Quads, TriG) or every triple of every graph (Turtle, N-Triples)."""

    def close(self) -> None:
        """Release the store (flushes an embedded one) and its cue index."""
        if self._cues is not None:
            self._cues.close()
            self._cues = None
        self.close_summary()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _date(text: str | None) -> datetime | None:
    """A stored ``xsd:dateTime`` as an aware datetime; None when absent or unreadable."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
