"""Running /sparql queries under the time limit, one way per backend.

pyoxigraph cannot stop a query it is evaluating, so the limit is enforced around it:

* embedded store on disk: :class:`ProcessRunner`. ``query_workers`` processes (started with
  ``forkserver``: never ``fork`` a process holding RocksDB and threads) each open the store
  read-only and answer queries sent over a pipe, writing the answer themselves so that only bytes
  come back. A worker still busy at the limit is killed (SIGKILL) and replaced; the client gets
  :class:`QueryTimeoutError`. The service's own process keeps the store open read-write, which holds
  RocksDB's lock: no other process can write while the workers read. A SPARQL Update runs in the
  service's process once the queries in flight are done and the workers are stopped (a read-only
  RocksDB open is undefined while another process writes), and new workers, which see the update,
  start after it. Each worker's address space is limited to ``query_memory_mb`` (``RLIMIT_AS``): a
  query needing more ends its worker (or raises MemoryError in it), the worker is replaced and the
  client gets :class:`QueryMemoryError`.
* embedded store in memory: :class:`InProcessRunner`. The query runs in the request's thread and the
  deadline is checked between result rows; a query that computes everything before its first row
  (a big COUNT, ORDER BY) cannot be stopped there. Serve from disk for a hard limit.
* remote store: :class:`RemoteRunner`. The server's own limit (``oxigraph serve --timeout-s``) stops
  the work; our HTTP client drops the answer a second after the limit.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import resource
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions

from kg.errors import (
    BadRequestError,
    KgError,
    NotAcceptableError,
    QueryMemoryError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
    StoreError,
)
from kg.store import Dataset, EmbeddedStore, RemoteStore, Store
from kg.web.config import Settings
from kg.web.sparql_results import (
    FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    Answer,
    write_boolean,
    write_graph,
    write_solutions,
)

log = logging.getLogger(__name__)

#: seconds our HTTP client waits past the limit for a remote server to stop the query itself
REMOTE_MARGIN = 1.0
#: seconds a new worker may take to open the store
WORKER_START_TIMEOUT = 60.0
#: times a worker that cannot open the store is started again before the pool waits for the next query
WORKER_START_ATTEMPTS = 4


@dataclass(frozen=True)
class QueryJob:
    """One /sparql query, as sent to a worker: plain values only, so that it pickles."""

    sparql: str
    #: keys of kg.web.sparql_results.FORMATS, chosen by the request; None when nothing fits that kind
    solutions_format: str | None
    graph_format: str | None
    #: what the client asked for, for the 406 message
    asked: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    timeout: float = 30.0
    #: bytes the written answer holds at most (None: no cap)
    max_bytes: int | None = None


@dataclass(frozen=True)
class Failure:
    """A worker's error, as plain values: ``kind`` is "syntax", "not_acceptable", "bad", "memory" or "store"."""

    kind: str
    message: str
    available: tuple[str, ...] = ()


def execute(store: Store, job: QueryJob, deadline: float | None = None) -> Answer:
    """Run ``job`` and write its answer, capped, in the format it asks for.

    Raises QuerySyntaxError (with the parser's message), NotAcceptableError, QueryTimeoutError
    (when ``deadline`` passes between rows), BadRequestError (the query cannot be evaluated) or
    StoreError.
    """
    dataset = None
    if job.default_graphs or job.named_graphs:
        dataset = Dataset(tuple(NamedNode(g) for g in job.default_graphs),
                          tuple(NamedNode(g) for g in job.named_graphs))
    with _client_errors("query", "answer a query", "evaluated"):
        result = store.query(job.sparql, dataset=dataset)
        if isinstance(result, QuerySolutions | QueryBoolean):
            fmt = FORMATS.get(job.solutions_format or "")
            if fmt is None:
                raise NotAcceptableError(job.asked, [f.media_type for f in SOLUTION_FORMATS])
            if isinstance(result, QueryBoolean):
                return write_boolean(bool(result), fmt)
            variables = [v.value for v in result.variables]
            rows = (tuple(solution[v] for v in variables) for solution in result)
            return write_solutions(variables, rows, fmt, job.max_rows, deadline, job.timeout, job.max_bytes)
        fmt = FORMATS.get(job.graph_format or "")
        if fmt is None:
            raise NotAcceptableError(job.asked, [f.media_type for f in GRAPH_FORMATS])
        return write_graph(result, fmt, job.max_rows, deadline, job.timeout, job.max_bytes)


class QueryRunner(ABC):
    """Runs /sparql queries under the time limit, and SPARQL Updates."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @abstractmethod
    def run(self, job: QueryJob) -> Answer:
        """The written answer to ``job``, or a KgError (QueryTimeoutError past the limit)."""

    @abstractmethod
    def writes(self) -> AbstractContextManager[None]:
        """Hold the store for writing: inside, the service's process may write to ``self.store``.

        Queries wait meanwhile. On disk the query workers are stopped before and restarted after
        (a write costs their restart: about a second), so they see what was written.
        """

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update on the store (raises QuerySyntaxError when it does not parse)."""
        with self.writes():
            _update(self.store, sparql_update)

    def close(self) -> None:  # noqa: B027 (only the process runner holds anything)
        """Stop whatever the runner started."""


@contextmanager
def _locked(lock: threading.Lock) -> Iterator[None]:
    with lock:
        yield


@contextmanager
def _client_errors(parameter: str, doing: str, done: str) -> Iterator[None]:
    """pyoxigraph's and the remote store's errors as kg's: the parser's message as a 400, an evaluation
    error as a 400 naming the parameter, a store failure as a StoreError."""
    try:
        yield
    except QuerySyntaxError as e:  # the remote server's 400, which is also a StoreError
        raise QuerySyntaxError(e.parser_message) from None
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from None
    except KgError:
        raise
    except OSError as e:
        raise StoreError(f"the store failed to {doing}: {e}") from e
    except (ValueError, TypeError, RuntimeError) as e:  # evaluation errors pyoxigraph raises
        raise BadRequestError(parameter, f"cannot be {done}: {e}") from None


def _update(store: Store, sparql_update: str) -> None:
    with _client_errors("update", "apply an update", "applied"):
        store.update(sparql_update)


class InProcessRunner(QueryRunner):
    """In-memory store: the query runs in the request's thread; the deadline is checked between rows."""

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(store, settings)
        self._writing = threading.Lock()

    def run(self, job: QueryJob) -> Answer:
        try:
            return execute(self.store, job, time.monotonic() + job.timeout)
        except KgError as e:
            failure = e
        # pyoxigraph's result objects must be dropped in the thread that made them, and the frames of
        # the traceback hold one: free them here, not in the event loop's thread that answers the error
        failure.__traceback__ = None
        raise failure

    def writes(self) -> AbstractContextManager[None]:
        return _locked(self._writing)


class RemoteRunner(QueryRunner):
    """A SPARQL server: its own limit stops the work, our client stops waiting a second later."""

    def __init__(self, store: RemoteStore, settings: Settings) -> None:
        super().__init__(store, settings)
        self._limited = store.with_timeout(settings.query_timeout + REMOTE_MARGIN)
        self._writing = threading.Lock()

    def run(self, job: QueryJob) -> Answer:
        try:
            return execute(self._limited, job, time.monotonic() + job.timeout + REMOTE_MARGIN)
        except QueryTimeoutError:
            raise QueryTimeoutError(job.timeout) from None

    def writes(self) -> AbstractContextManager[None]:
        return _locked(self._writing)


# -- worker processes ----------------------------------------------------------------------------


def limit_memory(megabytes: int) -> None:
    """Limit this process's address space to ``megabytes`` (0: leave it); a hard limit set lower stays."""
    if megabytes <= 0:
        return
    wanted = megabytes << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _serve_queries(path: str, conn: Connection, memory_mb: int = 0) -> None:
    """A worker's life: open the store read-only, then answer jobs until told to stop (None) or killed.
    A job that runs out of memory is answered with a "memory" failure and ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the service, which stops its workers
    limit_memory(memory_mb)
    try:
        store = Store.open_read_only(path)
        store.ask("ASK { }")
    except Exception as e:  # RocksDB's "Corruption" while the writer compacts is a RuntimeError
        conn.send(Failure("store", f"cannot open the store read-only: {e}"))
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        reply: Answer | Failure | None
        try:
            reply = execute(store, job)
        except QuerySyntaxError as e:
            reply = Failure("syntax", e.parser_message)
        except NotAcceptableError as e:
            reply = Failure("not_acceptable", e.asked, tuple(e.available))
        except BadRequestError as e:
            reply = Failure("bad", e.problem)
        except (KgError, OSError) as e:
            reply = Failure("store", str(e))
        except MemoryError:
            reply = None
        if reply is None:  # the memory the job held may not all be back: a fresh worker replaces this one
            conn.send(Failure("memory", "the query needed more memory than a worker may use"))
            return
        conn.send(reply)


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()  # SIGKILL: pyoxigraph cannot be interrupted any other way
            self.process.join(5)
        self.conn.close()


class _Gate:
    """Queries run together; an update waits for them to finish and holds new ones back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._writing = True
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class ProcessRunner(QueryRunner):
    """Embedded store on disk: queries in worker processes, each opening the store read-only."""

    def __init__(self, store: EmbeddedStore, settings: Settings) -> None:
        super().__init__(store, settings)
        if store.path is None:
            raise StoreError("worker processes need a store on disk")
        self.path = str(store.path)
        # The service opens the store read-write before any worker opens it read-only: the
        # read-write open may replay RocksDB's log, which the workers must see done.
        store.ask("ASK { }")
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kg.web.sparql_runner"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._gate = _Gate()
        self._short = 0
        self._short_lock = threading.Lock()
        self._start(settings.query_workers)
        if self._short == settings.query_workers:
            raise StoreError("no query worker could open the store read-only (see the log)")

    def _start(self, count: int) -> None:
        """Start ``count`` workers and wait until each has the store open. A read-only open can fail
        while the service's own RocksDB still compacts after a write (its files come and go): those
        are started again, a few times; workers still missing then are started by the next query."""
        problems: list[str] = []
        for attempt in range(WORKER_START_ATTEMPTS):
            spawned = [self._spawn() for _ in range(count)]
            problems = [p for p in map(self._welcome, spawned) if p is not None]
            count = len(problems)
            if not count:
                return
            log.warning("%d query worker(s) could not open the store (%s); trying again", count, problems[0])
            time.sleep(0.25 * (attempt + 1))
        with self._short_lock:
            self._short += count
        log.error("the query pool is %d worker(s) short for now: %s", count, problems[0])

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve_queries, daemon=True,
                                        args=(self.path, child, self.settings.query_memory_mb),
                                        name="kg-sparql-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _welcome(self, worker: _Worker) -> str | None:
        """Put a started worker in the pool once it has the store open; else end it and say why."""
        try:
            hello: object = worker.conn.recv() if worker.conn.poll(WORKER_START_TIMEOUT) else None
        except (EOFError, OSError) as e:
            hello = Failure("store", f"it exited before opening the store: {e}")
        if hello == "ready":
            self._idle.put(worker)
            return None
        worker.stop(kill=True)
        return hello.message if isinstance(hello, Failure) else "it did not start in time"

    def _refill(self) -> None:
        """Start the workers an earlier start left missing."""
        with self._short_lock:
            missing, self._short = self._short, 0
        if missing:
            self._start(missing)

    def run(self, job: QueryJob) -> Answer:
        with self._gate.reading():
            self._refill()
            try:
                worker = self._idle.get(timeout=job.timeout)
            except queue.Empty:
                raise ServiceBusyError(job.timeout) from None
            try:
                worker.conn.send(job)
                answered = worker.conn.poll(job.timeout)
                reply = worker.conn.recv() if answered else None
            except (EOFError, OSError) as e:
                log.error("a query worker (pid %s) died: %s", worker.process.pid, e)
                worker.process.join(5)
                out_of_memory = self.settings.query_memory_mb > 0 and worker.process.exitcode == -signal.SIGABRT
                self._replace(worker)
                if out_of_memory:  # Rust aborts when an allocation fails: over RLIMIT_AS
                    raise QueryMemoryError(self.settings.query_memory_mb) from None
                raise StoreError("a query worker stopped unexpectedly") from e
            if not answered:
                log.warning("a query ran past %g s; its worker (pid %s) is killed", job.timeout, worker.process.pid)
                self._replace(worker)
                raise QueryTimeoutError(job.timeout)
            if isinstance(reply, Failure) and reply.kind == "memory":
                log.warning("a query ran out of memory; its worker (pid %s) is replaced", worker.process.pid)
                self._replace(worker)
                raise QueryMemoryError(self.settings.query_memory_mb)
            self._idle.put(worker)
        if isinstance(reply, Failure):
            raise _error(reply)
        if not isinstance(reply, Answer):
            raise StoreError("a query worker answered with something other than an answer")
        return reply

    def _replace(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        self._start(1)

    @contextmanager
    def writes(self) -> Iterator[None]:
        with self._gate.writing():
            self._stop_all()
            try:
                yield
            finally:
                self._start(self.settings.query_workers)

    def _stop_all(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return

    def close(self) -> None:
        with self._gate.writing():
            self._stop_all()


def _error(failure: Failure) -> KgError:
    if failure.kind == "syntax":
        return QuerySyntaxError(failure.message)
    if failure.kind == "not_acceptable":
        return NotAcceptableError(failure.message, failure.available)
    if failure.kind == "bad":
        return BadRequestError("query", failure.message)
    log.error("a query worker failed: %s", failure.message)
    return StoreError(failure.message)


def make_runner(store: Store, settings: Settings) -> QueryRunner:
    """The runner that fits the store: worker processes on disk, a thread in memory, the server remote."""
    if isinstance(store, RemoteStore):
        return RemoteRunner(store, settings)
    if isinstance(store, EmbeddedStore) and store.path is not None:
        return ProcessRunner(store, settings)
    return InProcessRunner(store, settings)
