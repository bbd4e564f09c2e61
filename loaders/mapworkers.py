"""Mapping in worker processes for ``kg load --jobs N`` (issue 17): batches of raw records go to N
processes, each maps its batch (:func:`loaders.pipeline.map_record`, the one mapping) and prepares
what the store's spool takes of each graph (:class:`kg.store.spool.PreparedGraph`: its N-Quads text,
its cue and summary rows), and the batches come back in input order. The loading process is left
reading the input, planning writes and loading: Python maps on every core instead of one.

At most two batches a process are under way at once, so memory stays bounded whatever the input's
size. A worker whose loading process is gone (killed) exits: no orphan is left mapping.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from kg.store import RecordGraph
from kg.store.prepared import PreparedGraph
from loaders.base import Problem, RawRecord

#: batches under way a worker process
AHEAD = 2

Mapped = list[tuple[RecordGraph | None, list[Problem]]]
#: maps one raw record: :func:`loaders.pipeline.map_record` (passed by name to the workers)
Mapper = Callable[..., tuple[RecordGraph | None, list[Problem]]]


def map_batch(chunk: list[RawRecord | Problem], mapper: Mapper, strict: bool, cues: bool, summary: bool) -> Mapped:
    """Each item of ``chunk`` mapped with ``mapper`` (a problem passed on as it is), its graph prepared
    for the spool (``cues``, ``summary``: which rows to make)."""
    done: Mapped = []
    for item in chunk:
        if isinstance(item, Problem):
            done.append((None, [item]))
            continue
        graph, problems = mapper(item, strict=strict)
        done.append((None if graph is None else PreparedGraph.of(graph, cues, summary), problems))
    return done


def mapped_batches(chunks: Iterable[list[RawRecord | Problem]], mapper: Mapper, jobs: int, *, strict: bool,
                   cues: bool, summary: bool) -> Iterator[Mapped]:
    """``chunks`` mapped by ``jobs`` worker processes, in order; the processes are started once a second
    chunk is read, before anything is yielded (a load of one batch maps it here), and stopped when the
    iteration ends."""
    it = iter(chunks)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    if second is None or jobs < 2:
        yield map_batch(first, mapper, strict, cues, summary)
        if second is not None:
            yield map_batch(second, mapper, strict, cues, summary)
            yield from (map_batch(c, mapper, strict, cues, summary) for c in it)
        return
    # forked (no module imported again, no main module run again) before the load's writer thread starts:
    # the workers touch nothing of the store's
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_watch_parent, initargs=(os.getpid(),)) as pool:
        pending: deque[Future[Mapped]] = deque()
        try:
            for chunk in (first, second):
                pending.append(pool.submit(map_batch, chunk, mapper, strict, cues, summary))
            for chunk in it:
                pending.append(pool.submit(map_batch, chunk, mapper, strict, cues, summary))
                if len(pending) >= AHEAD * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for left in pending:
                left.cancel()


def _watch_parent(parent: int) -> None:
    """(In a worker.) Exit when the loading process is gone: nothing would read what is mapped."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="kg-watch-parent", daemon=True).start()
