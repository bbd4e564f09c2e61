"""``kg bulk-load --engine qlever``: the shards ``kg map`` wrote, made ready for QLever's index builder.

QLever is loaded by building its index from files, not through a server, so nothing is loaded here:
a ``Qleverfile`` (:func:`kg.store.qlever.qleverfile`) is written into the shards' folder, naming
the input its index builder reads. When no record graph is in the shards twice, that input is the
shards as they are (``zcat`` of every ``<key>.nq.gz``: nothing copied). When some are (the same
record in two input files, or two versions of it), the shards would give QLever both versions'
quads in one graph; the graphs :func:`loaders.bulkload.bulk_load` would load, with the version
``kg load`` keeps, are then written once into ``kg-qlever.nq.gz`` and that file is the input.
"""

from __future__ import annotations

import gzip
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

from kg.errors import StoreError
from kg.store import RecordGraph, Store
from kg.store.qlever import qleverfile
from loaders.base import Problem
from loaders.bulkload import _rows, bulk_load, mapping_report
from loaders.bulkmap import FileMap, iter_entries
from loaders.pipeline import LoadReport

#: the input written when the shards hold a graph more than once
CHOSEN = "kg-qlever.nq.gz"
QLEVERFILE = "Qleverfile"


@dataclass
class QleverInput:
    """What :func:`write_qlever_input` wrote: the Qleverfile, the files it names, and the report a
    ``kg load`` of the same inputs would give."""

    qleverfile: Path
    inputs: list[str]
    report: LoadReport
    #: N-Quads lines the input holds (the quads QLever indexes, provenance included)
    quads: int
    #: the input is the shards as they are (no graph repeated in them), not a file of the chosen versions
    as_they_are: bool


def write_qlever_input(shards: Path, *, name: str = "kg", on_problem: Callable[[Problem], None] | None = None
                       ) -> QleverInput:
    """Write ``shards/Qleverfile`` (and ``shards/kg-qlever.nq.gz`` when a graph repeats in the shards)."""
    entries = list(iter_entries(shards))
    maps = [e for e in entries if isinstance(e, FileMap)]
    if not maps:
        raise StoreError(f"{shards} holds no mapped input: run kg map first")
    seen = Counter(row[1] for _, _, row in _rows(shards, entries))
    repeated = any(n > 1 for n in seen.values())
    del seen
    chosen = shards / CHOSEN
    if repeated:
        report, quads = _write_chosen(shards, chosen, on_problem)
        inputs = [CHOSEN]
    else:
        chosen.unlink(missing_ok=True)
        report, quads = _report(shards, entries, on_problem), sum(m.lines for m in maps)
        inputs = [f"{m.key}.nq.gz" for m in maps]
    description = (f"kg: {quads:,} quads (provenance included) of {report.loaded:,} records "
                   f"from {len(maps):,} input files mapped by kg map")
    path = shards / QLEVERFILE
    temporary = shards / f".{QLEVERFILE}.tmp"
    temporary.write_text(qleverfile(name, inputs, description), encoding="utf-8")
    temporary.chmod(0o600)  # it holds the server's access token
    os.replace(temporary, path)
    return QleverInput(path, inputs, report, quads, not repeated)


def _report(shards: Path, entries: list[FileMap | Problem], on_problem: Callable[[Problem], None] | None
            ) -> LoadReport:
    """The report of a load of shards that hold each graph once (every record is loaded)."""
    report = mapping_report(shards, entries, on_problem)
    for entry in entries:
        if isinstance(entry, FileMap):
            report.loaded += entry.records
            report.quads += entry.quads
    return report


def _write_chosen(shards: Path, chosen: Path, on_problem: Callable[[Problem], None] | None
                  ) -> tuple[LoadReport, int]:
    """The graphs a bulk load into an empty store would load, written to ``chosen`` (gzipped); its lines."""
    temporary = shards / f".{chosen.name}.tmp"
    with gzip.open(temporary, "wb", compresslevel=1) as out:
        target = _FileTarget(out)
        report = bulk_load(cast(Store, target), shards, on_problem=on_problem)
    os.replace(temporary, chosen)
    return report, target.lines


class _FileTarget:
    """What :func:`loaders.bulkload.bulk_load` loads into, standing for an empty store: the N-Quads its
    engine would load go to a file."""

    def __init__(self, out: BinaryIO | gzip.GzipFile) -> None:
        self.out = out
        self.lines = 0

    def ask(self, sparql: str) -> bool:
        return False  # empty: nothing is stored, so every graph goes to the bulk loader

    def bulk_load(self, nquads: IO[bytes]) -> None:
        while chunk := nquads.read(1 << 20):
            self.out.write(chunk)
            self.lines += chunk.count(b"\n")

    def write(self, records: list[RecordGraph]) -> None:  # pragma: no cover (an empty store holds nothing)
        raise AssertionError("nothing is stored, so nothing is written again")
