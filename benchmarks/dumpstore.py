"""An embedded store's quads as gzipped N-Quads shards, for another engine's bulk loader.

The store is opened read-only (a shared benchmark store stays untouched) and written by pyoxigraph's
own ``Store.dump``, a graph at a time (streamed: never a whole graph in memory), by ``--jobs``
processes each taking a contiguous range of the graphs (the dump is CPU-bound: about 9 us of CPU a
quad), each cutting its output into a new file every ``--quads`` lines; with ``--virtuoso`` each
``xsd:duration`` literal is written as kg's Virtuoso profile writes it
(:meth:`kg.store.engines.Engine.update_text`), so the files go to Virtuoso's ``ld_dir`` +
``rdf_loader_run()`` as they are. Prints the files, the quads written (checked against
the store's count) and the time.

    python benchmarks/dumpstore.py /work/stores/q-100000000 --out DIR --quads 5000000 --jobs 3 --virtuoso

``dump.json`` is written in DIR when every file is whole (a loader may take each file earlier: one is
whole when its writer has started the next one, ``*.nq.gz.done`` beside it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat
from pyoxigraph import Store as OxStore

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.store.engines import VIRTUOSO  # noqa: E402

#: what marks a chunk that may hold a duration literal (only those are rewritten)
_DURATION_MARK = b"XMLSchema#duration>"


def virtuoso_text(chunk: bytes) -> bytes:
    """``chunk`` (whole N-Quads lines) with its durations as the Virtuoso profile writes them."""
    if _DURATION_MARK not in chunk:
        return chunk
    return VIRTUOSO.update_text(chunk.decode("utf-8")).encode("utf-8")


class ShardWriter:
    """A binary file object cutting what is written into gzipped N-Quads files of about ``quads`` lines
    each (at line ends), each line passed through ``rewrite`` first."""

    def __init__(self, folder: Path, quads: int, rewrite: Callable[[bytes], bytes] | None = None,
                 prefix: str = "shard") -> None:
        self.folder, self.quads, self.rewrite, self.prefix = folder, quads, rewrite, prefix
        self.files: list[Path] = []
        self.pending = b""
        self.lines = 0
        self.in_file = 0
        self.out: IO[bytes] | None = None
        #: what ends each line of the graph being written (N-Triples in, N-Quads out)
        self.suffix = b" .\n"

    def _open(self) -> IO[bytes]:
        if self.out is None:
            path = self.folder / f"{self.prefix}-{len(self.files) + 1:04d}.nq.gz"
            self.files.append(path)
            self.out = gzip.open(path, "wb", compresslevel=1)  # noqa: SIM115 (closed at each cut)
            self.in_file = 0
        return self.out

    def write(self, data: bytes) -> int:
        whole = self.pending + bytes(data)
        cut = whole.rfind(b"\n") + 1
        self.pending = whole[cut:]
        if cut:
            self._lines(whole[:cut])
        return len(data)

    def _lines(self, chunk: bytes) -> None:
        n = chunk.count(b"\n")
        if self.suffix != b" .\n":
            chunk = chunk.replace(b" .\n", self.suffix)
        self._open().write(self.rewrite(chunk) if self.rewrite else chunk)
        self.lines += n
        self.in_file += n
        if self.in_file >= self.quads:
            self._close()

    def _close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
            Path(f"{self.files[-1]}.done").touch()

    def flush(self) -> None:
        pass

    def end_graph(self) -> None:
        """Write what is pending (the graph's last line)."""
        if self.pending:
            self._lines(self.pending + (b"" if self.pending.endswith(b"\n") else b"\n"))
            self.pending = b""

    def close(self) -> None:
        self.end_graph()
        self._close()


def _dump_graphs(store: str, out: str, quads: int, virtuoso: bool, job: int, graphs: list[str]) -> tuple[int, int]:
    """One process's part: ``graphs`` (IRIs, "" for the default graph) of ``store`` as shards; (files, quads)."""
    opened = OxStore.read_only(store)
    writer = ShardWriter(Path(out), quads, virtuoso_text if virtuoso else None, prefix=f"shard-{job}")
    for iri in graphs:
        writer.suffix = f" <{iri}> .\n".encode() if iri else b" .\n"
        opened.dump(writer, RdfFormat.N_TRIPLES,  # type: ignore[arg-type]
                    from_graph=NamedNode(iri) if iri else DefaultGraph())
        writer.end_graph()
    writer.close()
    return len(writer.files), writer.lines


def dump(store: Path, out: Path, quads: int, virtuoso: bool, jobs: int = 1, count: bool = True) -> dict[str, Any]:
    """Dump ``store`` (read-only) into shards in ``out`` with ``jobs`` processes; the figures."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    opened = OxStore.read_only(str(store))
    graphs = ["", *(g.value for g in opened.named_graphs())]
    step = -(-len(graphs) // jobs)
    parts = [(str(store), str(out), quads, virtuoso, job, graphs[job * step:(job + 1) * step]) for job in range(jobs)]
    with get_context("spawn").Pool(jobs) as pool:
        done = pool.starmap(_dump_graphs, parts)
    seconds = time.perf_counter() - start
    files = sorted(out.glob("shard-*.nq.gz"))
    figures: dict[str, Any] = {"store": str(store), "graphs": len(graphs) - 1, "jobs": jobs, "files": len(files),
                               "quads": sum(n for _, n in done), "seconds": round(seconds, 1),
                               "mb": round(sum(f.stat().st_size for f in files) / 1e6)}
    # written when the last file is closed: a loader watching the folder knows every file is whole
    (out / "dump.json").write_text(json.dumps(figures, indent=1))
    if count:
        figures["store_quads"] = len(opened)
        figures["same"] = figures["store_quads"] == figures["quads"]
        (out / "count.json").write_text(json.dumps(figures, indent=1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an embedded store (opened read-only)")
    parser.add_argument("--out", type=Path, required=True, help="where the shards go")
    parser.add_argument("--quads", type=int, default=5_000_000, help="quads a file")
    parser.add_argument("--jobs", type=int, default=1, help="processes dumping at once")
    parser.add_argument("--virtuoso", action="store_true", help="durations as kg writes them on Virtuoso")
    parser.add_argument("--no-count", action="store_true", help="do not count the store's quads to check")
    args = parser.parse_args()
    figures = dump(args.store, args.out, args.quads, args.virtuoso, args.jobs, not args.no_count)
    print(json.dumps(figures))
    if figures.get("same") is False:
        sys.exit(f"dumped {figures['quads']:,} quads, the store holds {figures['store_quads']:,}")


if __name__ == "__main__":
    main()
