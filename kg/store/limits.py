"""Queries under a time limit: the job, how its answer is written, and the runners that stop it.

pyoxigraph cannot stop a query it is evaluating, so the limit is enforced around it, in one way per
backend; :meth:`kg.store.Store.query_runner` gives the runner that fits the store (its
:attr:`~kg.store.StoreProfile.stops_queries` says which):

* embedded store on disk (``"process"``): :class:`kg.store.workers.ProcessRunner`. Worker processes
  each open the store read-only and answer; one still busy at the limit is killed and replaced.
* embedded store in memory (``"rows"``): :class:`InProcessRunner`. The query runs in the caller's
  thread and the deadline is checked between result rows; a query that computes everything before
  its first row (a big COUNT, ORDER BY) cannot be stopped there. Serve from disk for a hard limit.
* remote store (``"server"``): :class:`ServerRunner`. The server's own limit (``oxigraph serve
  --timeout-s``) stops the work; our HTTP client drops the answer a second after the limit.

Every runner returns the answer already written (:class:`kg.store.answers.Answer`), capped at the
job's row cap, and raises :class:`~kg.errors.QueryTimeoutError` past the limit.

>>> from kg.store import Store
>>> runner = Store.open(None).query_runner(timeout_s=5)
>>> runner.run(QueryJob("ASK { }", "json", None, "Accept: */*")).body
b'{"head": {}, "boolean": true}'
"""

from __future__ import annotations

import itertools
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

from pyoxigraph import DefaultGraph, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from kg.errors import (
    BadRequestError,
    KgError,
    NotAcceptableError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreError,
)
from kg.store.answers import (
    FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    Answer,
    write_boolean,
    write_graph,
    write_solutions,
)
from kg.store.graphs import DEFAULT_GRAPH, drop_update, exists_query, graph_update
from kg.store.terms import Bindings, Dataset, SelectResult, Term, read_here

#: seconds our HTTP client waits past the limit for a remote server to stop the query itself
REMOTE_MARGIN = 1.0


#: the terms one query binds to a variable at most where a list can be long (a work's citers, a page of
#: works): Virtuoso 7.2 refuses a ``VALUES`` of more than about 4,000 (``SP030 ... Too many arguments for
#: standard built-in function in operator()``); :func:`select_chunked` sends longer lists a chunk a query
VALUES_CHUNK = 1000


class Selecting(Protocol):
    """What :func:`select_chunked` needs of a store."""

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult: ...


def select_chunked(store: Selecting, sparql: str, bindings: Bindings) -> SelectResult:
    """``store.select(sparql, bindings)``, each list of more than :data:`VALUES_CHUNK` terms bound a chunk a
    query (every combination of chunks when several lists are that long), the rows of all in one answer.

    Only for queries whose rows each come from one term of each list (the term among the row's columns, or
    the caller merging the rows): nothing aggregated, ordered or limited across a list's terms.

    >>> from pyoxigraph import Literal
    >>> from kg.store import Store
    >>> store = Store.open(None)
    >>> n = [Literal(str(i)) for i in range(2500)]
    >>> answer = select_chunked(store, "SELECT ?n WHERE { }", {"n": n})
    >>> len(answer.rows), store.query_count
    (2500, 3)
    """
    long = [(name, terms) for name, terms in bindings.items()
            if isinstance(terms, (list, tuple)) and len(terms) > VALUES_CHUNK]
    if not long:
        return store.select(sparql, bindings)
    chunks = [[(name, terms[start:start + VALUES_CHUNK]) for start in range(0, len(terms), VALUES_CHUNK)]
              for name, terms in long]
    variables: list[str] = []
    rows: list[tuple[Term | None, ...]] = []
    for combination in itertools.product(*chunks):
        answer = store.select(sparql, {**bindings, **dict(combination)})
        variables = answer.variables
        rows.extend(answer.rows)
    return SelectResult(variables, rows)


class Queryable(Protocol):
    """What a runner needs of a store: queries over a dataset, and updates."""

    def query(self, sparql: str, bindings: Bindings | None = None, *, dataset: Dataset | None = None
              ) -> QuerySolutions | QueryBoolean | QueryTriples: ...

    def update(self, sparql_update: str) -> None: ...

    def cut_at(self) -> int | None: ...


@dataclass(frozen=True)
class QueryJob:
    """One query to run under the limit: plain values only, so that it pickles (to a worker process)."""

    sparql: str
    #: keys of :data:`kg.store.answers.FORMATS` for the answer, chosen by the caller; None when
    #: nothing fits that kind of answer
    solutions_format: str | None
    graph_format: str | None
    #: what the client asked for, for the NotAcceptableError message
    asked: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: rows (SELECT) or triples (CONSTRUCT, DESCRIBE) the answer holds at most; beyond, it is truncated
    max_rows: int = 10_000
    #: seconds the query may run
    timeout: float = 30.0
    #: bytes the written answer holds at most (None: no cap)
    max_bytes: int | None = None


def execute(store: Queryable, job: QueryJob, deadline: float | None = None) -> Answer:
    """Run ``job`` and write its answer, capped, in the format it asks for.

    Raises QuerySyntaxError (with the parser's message), NotAcceptableError, QueryTimeoutError
    (when ``deadline`` passes between rows), BadRequestError (the query cannot be evaluated) or
    StoreError.

    >>> from kg.store import Store
    >>> execute(Store.open(None), QueryJob("SELECT ?x { VALUES ?x { 1 2 } }", "csv", None, "", max_rows=1))
    Answer(body=b'x\\r\\n1\\r\\n', content_type='text/csv; charset=utf-8', truncated=True, byte_limit=None)
    """
    dataset = None
    if job.default_graphs or job.named_graphs:
        dataset = Dataset(tuple(DefaultGraph() if g == DEFAULT_GRAPH else NamedNode(g) for g in job.default_graphs),
                          tuple(NamedNode(g) for g in job.named_graphs))
    with client_errors("query", "answer a query", "evaluated"):
        answer = read_here(store.query(job.sparql, dataset=dataset), lambda result: _written(result, job, deadline))
    # the server's own row cap cut it (Virtuoso's ResultSetMaxRows): it says so as ours does
    return replace(answer, truncated=True) if store.cut_at() is not None else answer


def _written(result: QuerySolutions | QueryBoolean | QueryTriples, job: QueryJob, deadline: float | None) -> Answer:
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


@contextmanager
def client_errors(parameter: str, doing: str, done: str) -> Iterator[None]:
    """pyoxigraph's and the remote store's errors as kg's: the parser's message as a QuerySyntaxError,
    an evaluation error as a BadRequestError naming the parameter, a store failure as a StoreError."""
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


class QueryRunner(ABC):
    """Runs queries under the time limit, and SPARQL Updates: one per served store."""

    def __init__(self, store: Queryable) -> None:
        #: the store, open read-write in this process: updates go to it
        self.store = store
        #: the error a write is refused with, when this process is a read-only replica of the store
        self.refusal: KgError | None = None

    @abstractmethod
    def run(self, job: QueryJob) -> Answer:
        """The written answer to ``job``, or a KgError (QueryTimeoutError past the limit)."""

    @abstractmethod
    def writes(self) -> AbstractContextManager[None]:
        """Hold the store for writing: inside, this process may write to ``self.store``.

        Queries wait meanwhile. On disk the query workers are stopped before and restarted after
        (a write costs their restart: about a second), so they see what was written.
        """

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update on the store (raises QuerySyntaxError when it does not parse)."""
        with self.writes(), client_errors("update", "apply an update", "applied"):
            self.store.update(sparql_update)

    def write_graph(self, graph: NamedNode | None, triples: Sequence[Triple], *, replace: bool) -> bool:
        """Put ``triples`` in ``graph`` (None: the store's own default graph), in place of what it held
        (``replace``) or beside it, in one transaction, as :meth:`update` writes; True when the graph held
        nothing before (it was created). :mod:`kg.store.graphs` says how."""
        with self.writes(), client_errors("body", "write a graph", "written"):
            existed = graph is None or bool(self.store.query(exists_query(graph)))
            text = graph_update(graph, triples, replace=replace)
            if text:
                self.store.update(text)
        return not existed

    def drop_graph(self, graph: NamedNode | None) -> bool:
        """Empty ``graph`` (None: the store's own default graph); False when it held nothing."""
        with self.writes(), client_errors("graph", "drop a graph", "dropped"):
            if graph is not None and not self.store.query(exists_query(graph)):
                return False
            self.store.update(drop_update(graph))
        return True

    def close(self) -> None:  # noqa: B027 (only the process runner holds anything)
        """Stop whatever the runner started."""


@contextmanager
def _locked(lock: threading.Lock) -> Iterator[None]:
    with lock:
        yield


class InProcessRunner(QueryRunner):
    """In-memory store: the query runs in the caller's thread; the deadline is checked between rows."""

    def __init__(self, store: Queryable) -> None:
        super().__init__(store)
        self._writing = threading.Lock()

    def run(self, job: QueryJob) -> Answer:
        return execute(self.store, job, time.monotonic() + job.timeout)

    def writes(self) -> AbstractContextManager[None]:
        return _locked(self._writing)


class ServerRunner(QueryRunner):
    """A SPARQL server: its own limit stops the work, our client stops waiting ``REMOTE_MARGIN`` later.

    ``limited`` is the same server as ``store``, its answers cut off at the limit plus the margin.
    """

    def __init__(self, store: Queryable, limited: Queryable) -> None:
        super().__init__(store)
        self._limited = limited
        self._writing = threading.Lock()

    def run(self, job: QueryJob) -> Answer:
        try:
            return execute(self._limited, job, time.monotonic() + job.timeout + REMOTE_MARGIN)
        except QueryTimeoutError:
            raise QueryTimeoutError(job.timeout) from None

    def writes(self) -> AbstractContextManager[None]:
        return _locked(self._writing)
