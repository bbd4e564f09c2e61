"""Queries in worker processes that can be killed: the time limit of an embedded store on disk.

``workers`` processes (started with ``forkserver``: never ``fork`` a process holding RocksDB and
threads) each open the store read-only (an embedded store on disk: in a snapshot of their own, as a
replica does, :func:`kg.store.embedded.open_served`) and answer queries sent over a pipe, writing the
answer themselves so that only bytes come back. A worker still busy at the limit is killed (SIGKILL) and
replaced; the caller gets :class:`~kg.errors.QueryTimeoutError`. The caller's own process keeps the
store open read-write, which holds RocksDB's lock: no other process can write while the workers
read. A SPARQL Update runs in the caller's process once the queries in flight are done and the
workers are stopped (a read-only RocksDB open is undefined while another process writes), and new
workers, which see the update, start after it. Each worker's address space is limited to
``memory_mb`` (``RLIMIT_AS``): a query needing more ends its worker (or raises MemoryError in it),
the worker is replaced and the caller gets :class:`~kg.errors.QueryMemoryError`.

>>> import tempfile
>>> from kg.store import Store
>>> with tempfile.TemporaryDirectory() as directory, Store.open(directory) as store:
...     runner = store.query_runner(timeout_s=30, workers=1)
...     try:
...         answer = runner.run(QueryJob("ASK { }", "json", None, "Accept: */*"))
...     finally:
...         runner.close()
>>> type(runner).__name__, answer.body
('ProcessRunner', b'{"head": {}, "boolean": true}')
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

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
from kg.store.answers import Answer
from kg.store.limits import Queryable, QueryJob, QueryRunner, execute

log = logging.getLogger(__name__)

#: seconds a new worker may take to open the store
WORKER_START_TIMEOUT = 60.0
#: times a worker that cannot open the store is started again before the pool waits for the next query
WORKER_START_ATTEMPTS = 4


@dataclass(frozen=True)
class Failure:
    """A worker's error, as plain values: ``kind`` is "syntax", "not_acceptable", "bad" or "store"."""

    kind: str
    message: str
    available: tuple[str, ...] = ()


def limit_memory(megabytes: int) -> None:
    """Limit this process's address space to ``megabytes`` (0: leave it); a hard limit set lower stays."""
    if megabytes <= 0:
        return
    wanted = megabytes << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _serve_queries(open_store: Callable[[], Queryable], conn: Connection, memory_mb: int = 0) -> None:
    """A worker's life: open the store read-only, then answer jobs until told to stop (None) or killed.
    A job that runs out of memory is answered with a "memory" failure and ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the service, which stops its workers
    limit_memory(memory_mb)
    try:
        store = open_store()
    except Exception as e:  # RocksDB's "Corruption" while the writer compacts is a RuntimeError
        conn.send(Failure("store", f"cannot open the store read-only: {e}"))
        return
    try:
        _answer_jobs(store, conn)
    finally:  # a snapshot the open made is removed (one left by a killed worker: by the next one's open)
        close = getattr(store, "close", None)
        if close is not None:
            close()


def _answer_jobs(store: Queryable, conn: Connection) -> None:
    try:
        store.query("ASK { }")
    except Exception as e:  # said to the pool, which starts another
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
    """Embedded store on disk: queries in worker processes, each opening the store read-only.

    ``store`` is the store open read-write in this process (updates go to it; its lock keeps other
    writers out); ``open_read_only`` opens it read-only in a worker, so it must pickle (a module's
    function, or a :func:`functools.partial` of one). ``workers`` is the number of worker processes,
    each with at most ``memory_mb`` of address space (0: no limit). A store opened read-only itself (a
    replica) is given the ``refusal`` to raise for a write, before any worker is stopped for it.
    """

    def __init__(self, store: Queryable, open_read_only: Callable[[], Queryable], workers: int,
                 memory_mb: int = 0, refusal: KgError | None = None) -> None:
        super().__init__(store)
        self.refusal = refusal
        self._open_read_only = open_read_only
        self.workers = workers
        self.memory_mb = memory_mb
        # The service opens the store read-write before any worker opens it read-only: the
        # read-write open may replay RocksDB's log, which the workers must see done.
        store.query("ASK { }")
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kg.store"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._gate = _Gate()
        self._short = 0
        self._short_lock = threading.Lock()
        self._start(workers)
        if self._short == workers:
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
        process = self._context.Process(target=_serve_queries, daemon=True, name="kg-sparql-worker",
                                        args=(self._open_read_only, child, self.memory_mb))
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
                out_of_memory = self.memory_mb > 0 and worker.process.exitcode == -signal.SIGABRT
                self._replace(worker)
                if out_of_memory:  # Rust aborts when an allocation fails: over RLIMIT_AS
                    raise QueryMemoryError(self.memory_mb) from None
                raise StoreError("a query worker stopped unexpectedly") from e
            if not answered:
                log.warning("a query ran past %g s; its worker (pid %s) is killed", job.timeout, worker.process.pid)
                self._replace(worker)
                raise QueryTimeoutError(job.timeout)
            if isinstance(reply, Failure) and reply.kind == "memory":
                log.warning("a query ran out of memory; its worker (pid %s) is replaced", worker.process.pid)
                self._replace(worker)
                raise QueryMemoryError(self.memory_mb)
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
        if self.refusal is not None:
            raise self.refusal
        with self._gate.writing():
            self._stop_all()
            try:
                yield
            finally:
                self._start(self.workers)

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
