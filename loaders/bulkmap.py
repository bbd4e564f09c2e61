"""``kg map``: record files -> sharded, gzipped N-Quads, in parallel with Dask.

Each input file becomes one shard in the output folder, holding exactly what ``kg load`` would
write for its records: each record's graph and its provenance in the meta graph, with the same
content hash (:meth:`kg.store.RecordGraph.nquads`; the mapping is :func:`loaders.pipeline.map_record`,
the one ``kg load`` uses). Beside each shard:

- ``<key>.index.jsonl.gz``: one line per record written: its position among the file's items, its
  graph, lines and quads in the shard, content hash, dates and provenance (what
  :mod:`loaders.bulkload` needs to decide, as ``kg load`` would, which version of a repeated record wins);
- ``<key>.problems.jsonl``: the problems met (the same as ``kg load`` reports: file, line, record, field);
- ``<key>.done.json``: written last, so an input with a done marker (of the same size and
  modification time) is finished, and a run started again skips it.

``inputs.json`` lists the inputs in ``kg load``'s reading order (folders expanded in name order,
with the skipped files), which :mod:`loaders.bulkload` follows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from loaders.base import Problem
from loaders.limits import Limits
from loaders.pipeline import LoadReport, map_record
from loaders.read import entries_in, read_file

#: the shard layout's version: kg bulk-load refuses shards of another
LAYOUT = 1
INPUTS = "inputs.json"


class ShardsError(KgError):
    """The shard folder is not one kg map wrote, or not finished."""


@dataclass
class FileMap:
    """What mapping one input file gave: its done marker."""

    input: str
    key: str
    size: int
    mtime_ns: int
    #: records and problems read from the file, in order (their places in ``kg load``'s batches)
    items: int = 0
    #: records mapped to a graph (written to the shard)
    records: int = 0
    rejected: int = 0
    #: quads in the graphs, provenance not counted (as :attr:`LoadReport.quads`)
    quads: int = 0
    #: lines of the shard (graphs and provenance)
    lines: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    layout: int = LAYOUT


@dataclass
class MapReport:
    """What ``kg map`` did: the inputs mapped in this run and those found done before."""

    files: list[FileMap] = field(default_factory=list)
    mapped_now: int = 0
    done_before: int = 0
    load: LoadReport = field(default_factory=LoadReport)

    def summary(self) -> str:
        records = sum(f.records for f in self.files)
        lines = sum(f.lines for f in self.files)
        return (f"{len(self.files)} inputs ({self.mapped_now} mapped now, {self.done_before} done before): "
                f"{records} records mapped to {lines} quads with provenance, {self.load.rejected} rejected "
                f"({self.load.warning_count} warnings"
                + (f", {self.load.skipped_count} files skipped" if self.load.skipped_count else "") + ")")


def shard_key(path: Path) -> str:
    """The shard name of an input file: a hash of its full path, and its name for people."""
    full = str(path.resolve())
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", path.name)[:40]
    return f"{hashlib.sha1(full.encode()).hexdigest()[:16]}-{name}"


def map_file(path: str, out: str, strict: bool = False, limits: Limits | None = None) -> FileMap:
    """Map one input file into its shard in ``out`` (a Dask task: plain arguments, runs anywhere the
    folders are). Files are written under temporary names and renamed; the done marker comes last."""
    source, folder = Path(path), Path(out)
    stat = source.stat()
    done = FileMap(path, shard_key(source), stat.st_size, stat.st_mtime_ns)
    start = time.perf_counter()
    base = folder / done.key
    tmp = {kind: folder / f".{done.key}{kind}.tmp" for kind in (".nq.gz", ".index.jsonl.gz", ".problems.jsonl")}
    with gzip.open(tmp[".nq.gz"], "wb", compresslevel=1) as shard, \
            gzip.open(tmp[".index.jsonl.gz"], "wt", encoding="utf-8", compresslevel=1) as index, \
            tmp[".problems.jsonl"].open("w", encoding="utf-8") as problems:
        for position, item in enumerate(read_file(source, limits)):
            done.items += 1
            if isinstance(item, Problem):
                graph, found = None, [item]
            else:
                graph, found = map_record(item, strict=strict)
            for p in found:
                problems.write(json.dumps([position, p.level, p.message, p.origin, p.location]) + "\n")
                done.errors += p.level == "error"
                done.warnings += p.level == "warning"
            if graph is None:
                done.rejected += any(p.level == "error" for p in found)
                continue
            text = graph.nquads()
            lines = text.count("\n")
            shard.write(text.encode())
            m = graph.meta
            index.write(json.dumps([position, graph.graph.value, lines, len(graph), graph.content_hash,
                                    m.source_modified.isoformat() if m.source_modified else None,
                                    m.retrieved_at.isoformat(), m.source, m.record_id, m.about.value,
                                    m.derived_from]) + "\n")
            done.records += 1
            done.quads += len(graph)
            done.lines += lines
    for kind, name in tmp.items():
        os.replace(name, f"{base}{kind}")
    done.seconds = time.perf_counter() - start
    marker = folder / f".{done.key}.done.tmp"
    marker.write_text(json.dumps(asdict(done)), "utf-8")
    os.replace(marker, f"{base}.done.json")
    return done


def finished(folder: Path, path: Path) -> FileMap | None:
    """The done marker of ``path``'s shard in ``folder``, if it is there and the file has not changed since."""
    marker = folder / f"{shard_key(path)}.done.json"
    try:
        done = FileMap(**json.loads(marker.read_text("utf-8")))
        stat = path.stat()
    except (OSError, ValueError, TypeError):
        return None
    if (done.size, done.mtime_ns, done.layout) != (stat.st_size, stat.st_mtime_ns, LAYOUT):
        return None
    return done


def map_inputs(paths: Iterable[Path], out: Path, *, jobs: int = 2, scheduler: str | None = None,
               strict: bool = False, limits: Limits | None = None,
               on_problem: Callable[[Problem], None] | None = None) -> MapReport:
    """Map every record file under ``paths`` into shards in ``out``, ``jobs`` files at a time in local
    processes, or on the dask.distributed scheduler at ``scheduler``; inputs mapped before (a done
    marker, the file unchanged) are skipped."""
    out.mkdir(parents=True, exist_ok=True)
    entries = record_entries(out, list(entries_in(paths)))
    todo = [Path(e["file"]) for e in entries if "file" in e and finished(out, Path(e["file"])) is None]
    mapped = _run(todo, out, jobs, scheduler, strict, limits)
    report = MapReport(mapped_now=len(mapped), done_before=sum("file" in e for e in entries) - len(mapped))
    for value in iter_entries(out, entries):
        if isinstance(value, Problem):
            _add(report.load, value, on_problem)
            continue
        report.files.append(value)
        report.load.rejected += value.rejected
        for problem in shard_problems(out, value):
            _add(report.load, problem, on_problem)
    return report


def _add(report: LoadReport, problem: Problem, on_problem: Callable[[Problem], None] | None) -> None:
    report.add(problem)
    if on_problem:
        on_problem(problem)


def _run(todo: list[Path], out: Path, jobs: int, scheduler: str | None, strict: bool,
         limits: Limits | None) -> list[FileMap]:
    if not todo:
        return []
    import dask  # imported here: kg starts faster without it, and only kg map needs it

    tasks = [dask.delayed(map_file, pure=False)(str(p), str(out), strict, limits) for p in todo]
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            return list(client.gather(client.compute(tasks)))
    if jobs == 1:
        return list(dask.compute(*tasks, scheduler="synchronous"))
    return list(dask.compute(*tasks, scheduler="processes", num_workers=jobs))


def record_entries(out: Path, entries: list[Path | Problem]) -> list[dict[str, Any]]:
    """Write ``inputs.json``: the inputs in reading order, those of earlier runs first (a run over
    more inputs adds them); returns them."""
    listed = read_entries(out) if (out / INPUTS).exists() else []
    known = {e["file"] for e in listed if "file" in e}
    for entry in entries:
        if isinstance(entry, Problem):
            item: dict[str, Any] = {"problem": [entry.level, entry.message, entry.origin, entry.location]}
            if item not in listed:
                listed.append(item)
        elif str(entry.resolve()) not in known:
            known.add(str(entry.resolve()))
            listed.append({"file": str(entry.resolve())})
    tmp = out / f".{INPUTS}.tmp"
    tmp.write_text(json.dumps({"layout": LAYOUT, "inputs": listed}, indent=1), "utf-8")
    os.replace(tmp, out / INPUTS)
    return listed


def read_entries(out: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads((out / INPUTS).read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise ShardsError(f"{out} holds no shards kg map wrote ({INPUTS}: {e})") from e
    if doc.get("layout") != LAYOUT:
        raise ShardsError(f"{out} holds shards of another layout ({doc.get('layout')}); map them again")
    entries: list[dict[str, Any]] = doc["inputs"]
    return entries


def iter_entries(out: Path, entries: list[dict[str, Any]] | None = None
                 ) -> Iterator[FileMap | Problem]:
    """The inputs in reading order: each a finished file's done marker, or a problem of the folders
    (``kg load``'s stream has them in the same places). A file not finished raises ShardsError."""
    for entry in read_entries(out) if entries is None else entries:
        if "problem" in entry:
            yield Problem(*entry["problem"])
            continue
        done = finished(out, Path(entry["file"]))
        if done is None:
            raise ShardsError(f"{entry['file']} is not mapped (or changed since): run kg map again")
        yield done


def shard_problems(out: Path, done: FileMap) -> Iterator[Problem]:
    with (out / f"{done.key}.problems.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            _, level, message, origin, location = json.loads(line)
            yield Problem(level, message, origin, location)
