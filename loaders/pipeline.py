"""Raw records -> mapped graphs -> store, in batches, with a report of what happened.

Memory stays bounded whatever the input size: records stream through one batch at a time.
A record that cannot be mapped is reported (naming its origin, the record and the field) and
the rest of the batch loads; nothing already stored is touched by a rejected record.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from kg.errors import KgError, RecordError
from kg.store import RecordGraph, Store, WriteResult
from kg.store.spool import Spool
from loaders import REGISTRY
from loaders.base import Problem, RawRecord
from loaders.mapworkers import Mapped, mapped_batches

log = logging.getLogger("kg.load")

#: records per store transaction (measured: 200 and 2,000 are both slower than 500)
BATCH_SIZE = 500
#: problems kept in a report; beyond that they are counted (and streamed to ``on_problem``)
MAX_KEPT_PROBLEMS = 10_000


@dataclass
class LoadReport:
    """What a load did."""

    loaded: int = 0
    unchanged: int = 0
    #: records not written because a newer version of the same record, by the source's own
    #: date, is stored or came earlier (:meth:`kg.store.Store.write`)
    older: int = 0
    rejected: int = 0
    quads: int = 0
    error_count: int = 0
    warning_count: int = 0
    #: files in a folder that were not read (each a "skipped" problem saying why)
    skipped_count: int = 0
    #: why the load stopped before the end (the store failed), or None when it ran to the end
    failure: str | None = None
    #: the first MAX_KEPT_PROBLEMS problems
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "skipped"]

    def add(self, problem: Problem) -> None:
        if problem.level == "error":
            self.error_count += 1
        elif problem.level == "skipped":
            self.skipped_count += 1
        else:
            self.warning_count += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(problem)

    def extend(self, other: LoadReport) -> None:
        """Add another load's counts and problems to these (a harvest and the enrichment after it)."""
        self.loaded += other.loaded
        self.unchanged += other.unchanged
        self.older += other.older
        self.rejected += other.rejected
        self.quads += other.quads
        self.error_count += other.error_count
        self.warning_count += other.warning_count
        self.skipped_count += other.skipped_count
        self.failure = self.failure or other.failure
        self.problems.extend(other.problems[:max(0, MAX_KEPT_PROBLEMS - len(self.problems))])

    def summary(self) -> str:
        skipped = f", {self.skipped_count} files skipped" if self.skipped_count else ""
        stopped = f"; stopped early: {self.failure}" if self.failure else ""
        older = f", {self.older} older than stored, kept the newer" if self.older else ""
        return (f"{self.loaded} loaded, {self.unchanged} unchanged{older}, {self.rejected} rejected"
                f" ({self.warning_count} warnings{skipped}){stopped}")


def map_record(raw: RawRecord, *, strict: bool = False) -> tuple[RecordGraph | None, list[Problem]]:
    """Map one raw record; on failure, no graph and an error naming the record and the field."""
    loader = REGISTRY[raw.source]
    try:
        mapped = loader.map(raw)
    except RecordError as e:
        return None, [Problem("error", str(e), raw.origin, raw.location)]
    except ValueError as e:  # an IRI or literal the RDF model refuses
        return None, [Problem("error", f"{raw.source} record {_record_id(raw)}: cannot be mapped: {e}",
                              raw.origin, raw.location)]
    except RecursionError:
        return None, [Problem("error", f"{raw.source} record {_record_id(raw)}: is nested too deep to map",
                              raw.origin, raw.location)]
    except (LookupError, TypeError, AttributeError, ArithmeticError) as e:
        # a record shape the mapper did not foresee: still one rejection, never a crash
        return None, [Problem("error", f"{raw.source} record {_record_id(raw)}: cannot be mapped "
                                       f"({type(e).__name__}: {e}); please report this record as a "
                                       f"{raw.source} loader bug", raw.origin, raw.location)]
    level = "error" if strict else "warning"
    problems = [Problem(level, w, raw.origin, raw.location) for w in mapped.warnings]
    if strict and problems:
        return None, problems
    return mapped.graph, problems


def _record_id(raw: RawRecord) -> str:
    try:
        return REGISTRY[raw.source].record_id(raw.data)
    except (KgError, LookupError, TypeError, ValueError, AttributeError):
        return "(no id)"


def load(store: Store, items: Iterable[RawRecord | Problem], *, strict: bool = False,
         batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None,
         on_problem: Callable[[Problem], None] | None = None, jobs: int = 1) -> LoadReport:
    """Map and store every record; problems in the input are collected in the report.

    ``progress`` is called with the number of records done after each batch; ``on_problem``
    with each problem as it is met.

    Each batch is written in a writer thread while the next one is mapped here: the store loads
    without holding the GIL, so the two overlap on two cores. Batches are written one at a
    time, in input order, and at most one waits while the next is mapped, so memory stays
    bounded. With ``jobs`` above 1, ``jobs`` worker processes map the batches (and prepare each
    graph's spool text and cue and summary rows, :mod:`loaders.mapworkers`) while this process reads
    the input and the writer thread plans and loads: the same store, rows and report as ``jobs`` 1.
    """
    report = LoadReport()
    with store.gathering() as spool, ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-write") as writer, \
            closing(_mapped(store, spool is not None, items, batch_size, strict, jobs)) as batches:
        pending: _Pending | None = None
        for chunk, mapped in batches:
            batch = _count_mapped(mapped, report, on_problem)
            if pending and not _finish(pending, report, progress, on_problem):
                break
            pending = _Pending(writer.submit(store.write, batch) if batch else None, batch, chunk)
        else:
            if pending:
                _finish(pending, report, progress, on_problem)
        if spool is not None:
            _load_gathered(spool, report, on_problem)
    return report


def _mapped(store: Store, gathering: bool, items: Iterable[RawRecord | Problem], batch_size: int, strict: bool,
            jobs: int) -> Generator[tuple[int, Mapped]]:
    """The input in batches of ``batch_size`` items, mapped here (``jobs`` 1) or by ``jobs`` worker
    processes (:mod:`loaders.mapworkers`): each batch's size and its items mapped, in input order."""
    it = iter(items)
    chunks = iter(lambda: list(islice(it, batch_size)), [])
    if jobs < 2:
        for chunk in chunks:
            yield len(chunk), [(None, [i]) if isinstance(i, Problem) else map_record(i, strict=strict) for i in chunk]
        return
    sizes: deque[int] = deque()

    def counted() -> Iterator[list[RawRecord | Problem]]:
        for chunk in chunks:
            sizes.append(len(chunk))
            yield chunk

    cues = gathering and store.cues.built
    summary = gathering and store.metrics_summary.built
    for mapped in mapped_batches(counted(), map_record, jobs, strict=strict, cues=cues, summary=summary):
        yield sizes.popleft(), mapped


def _load_gathered(spool: Spool, report: LoadReport, on_problem: Callable[[Problem], None] | None) -> None:
    """Load the records the store gathered (:mod:`kg.store.spool`); when that fails, they are not
    counted as loaded, and the report says why."""
    waiting, quads = spool.records, spool.graph_quads
    try:
        spool.finish()
    except (KgError, OSError, RuntimeError) as e:
        report.loaded -= waiting
        report.quads -= quads
        _failed(report, f"writing to the store failed ({e})", on_problem)


@dataclass
class _Pending:
    """A batch handed to the writer thread."""

    written: Future[WriteResult] | None
    batch: list[RecordGraph]
    records: int


def _count_mapped(mapped: Mapped, report: LoadReport, on_problem: Callable[[Problem], None] | None
                  ) -> list[RecordGraph]:
    """The graphs of a mapped batch; its problems counted into ``report`` (and passed to ``on_problem``)."""
    batch: list[RecordGraph] = []
    for graph, problems in mapped:
        for p in problems:
            report.add(p)
            log.info("%s", p)
            if on_problem:
                on_problem(p)
        if graph is None:
            report.rejected += any(p.level == "error" for p in problems)
        else:
            batch.append(graph)
    return batch


def _finish(pending: _Pending, report: LoadReport, progress: Callable[[int], None] | None,
            on_problem: Callable[[Problem], None] | None) -> bool:
    """Wait for a batch's write and count it; False when the store failed (the report says how:
    the batches written before stay, and the load stops)."""
    if pending.written is not None:
        try:
            result = pending.written.result()
        except (KgError, OSError, RuntimeError) as e:  # pyoxigraph raises RuntimeError for some I/O failures
            _failed(report, f"writing to the store failed ({e})", on_problem)
            return False
        count_written(report, result, pending.batch, on_problem)
        log.info("stored a batch of %d records (%d so far)", len(pending.batch), report.loaded + report.unchanged)
    if progress:
        progress(pending.records)
    return True


def _failed(report: LoadReport, failure: str, on_problem: Callable[[Problem], None] | None) -> None:
    report.failure = failure
    failed = Problem("error", f"{failure}; the load stopped")
    report.add(failed)
    if on_problem:
        on_problem(failed)


def count_written(report: LoadReport, result: WriteResult, batch: list[RecordGraph],
                  on_problem: Callable[[Problem], None] | None) -> None:
    """Count what :meth:`kg.store.Store.write` did with ``batch`` into ``report`` (the bulk path too)."""
    report.loaded += result.written
    report.rejected += len(result.refused)
    for refusal in result.refused:  # the server would not take this record: the rest loads
        refused = Problem("error", f"the store refused the record: {refusal.message}", refusal.source,
                          f"record {refusal.record_id}")
        report.add(refused)
        if on_problem:
            on_problem(refused)
    report.unchanged += result.unchanged
    report.older += result.older
    gone = {(r.source, r.record_id) for r in result.refused}
    report.quads += sum(len(r) for r in batch if (r.meta.source, r.meta.record_id) not in gone)
