"""Ingest speed and memory, measured against Oxigraph's own loader (``oxigraph load``).

Replicates the real corpus (../shared/realdata: Crossref works and list pages, DataCite DOIs and
list pages) to N records with fresh DOIs, writes them as JSON Lines files, then for each size, one
after the other: ``kg`` ingest (read -> map -> Store.write into an on-disk store, what ``kg load``
does) in its own process, then ``oxigraph load`` of the very quads it stored (dumped as N-Quads)
into a new store. Prints both times and CPU times, their ratio (issue 17's target: oxigraph's time
/ kg's >= 0.8) and the peak memory of each (target: kg's flat as the input grows). Each store is
deleted once measured; disk: about 400 bytes a quad (kg's store with its cue index and summary)
and its gzipped N-Quads dump, at once, for the largest size (about 7.5 GB at 100,000 records).
``--bulk-path`` also measures ``kg map`` + ``kg bulk-load`` of the largest size.

    python benchmarks/ingest.py --records 100000 --also 20000
    python benchmarks/ingest.py --records 20000
"""

from __future__ import annotations

import argparse
import copy
import gzip
import inspect
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
#: the checkout whose kg a child run measures (``--baseline``: another one, e.g. main's, in the same sitting)
RUN = Path(sys.argv[sys.argv.index("--project") + 1]) if "--project" in sys.argv else PROJECT
sys.path.insert(0, str(RUN))

from pyoxigraph import RdfFormat  # noqa: E402

from kg.store import Store  # noqa: E402
from loaders.base import RawRecord  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

REALDATA = PROJECT.parent / "shared" / "realdata"
FOLDERS = ["crossref/works", "crossref/works-lists", "datacite/dois", "datacite/dois-lists"]
PER_FILE = 10_000


def corpus() -> list[RawRecord]:
    if not REALDATA.is_dir():
        sys.exit(f"{REALDATA} is missing: this benchmark replicates the real corpus")
    return [r for r in read_paths(REALDATA / f for f in FOLDERS) if isinstance(r, RawRecord)]


def replicated(records: list[RawRecord], n: int) -> Iterator[dict[str, Any]]:
    """n records: the corpus over and over, each copy's DOIs made unique with a suffix."""
    for i in range(n):
        raw = records[i % len(records)]
        data = copy.deepcopy(dict(raw.data))
        suffix = f".kgbench{i // len(records)}"
        if raw.source == "crossref":
            data["DOI"] = f"{data.get('DOI')}{suffix}"
        else:
            attributes = data["attributes"]
            attributes["doi"] = data["id"] = f"{attributes.get('doi') or data.get('id')}{suffix}"
        yield data


def write_input(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    out = None
    for i, data in enumerate(replicated(corpus(), n)):
        if i % PER_FILE == 0:
            if out:
                out.close()
            out = (folder / f"part-{i // PER_FILE:04d}.jsonl").open("w")
        out.write(json.dumps(data) + "\n")  # type: ignore[union-attr]
    if out:
        out.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest(input_dir: Path, store_dir: Path, jobs: int = 1) -> dict[str, float]:
    """One ingest run; returns its figures (run in a child process for a clean peak RSS); the CPU time
    counts the mapping processes' (``jobs`` > 1), whose largest peak memory is ``worker_peak_rss_mb``."""
    store = Store.open(store_dir)
    start = time.perf_counter()
    if "jobs" in inspect.signature(load).parameters:
        report = load(store, read_paths([input_dir]), jobs=jobs)
    else:  # (a baseline checkout without --jobs)
        report = load(store, read_paths([input_dir]))
    store.close()
    seconds = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"records": report.loaded + report.unchanged + report.older, "graphs": report.loaded,
            "rejected": report.rejected, "quads": report.quads, "seconds": seconds, "peak_rss_mb": peak_rss_mb(),
            "cpu_s": cpu.ru_utime + cpu.ru_stime + workers.ru_utime + workers.ru_stime,
            "worker_peak_rss_mb": workers.ru_maxrss / 1024}


def child(input_dir: Path, store_dir: Path, project: Path = PROJECT, jobs: int = 1) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(input_dir), str(store_dir),
                          "--project", str(project), "--jobs", str(jobs)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def oxigraph_load_file(nq: Path, work: Path) -> dict[str, float]:
    """``oxigraph load`` of one N-Quads file into a new store: seconds, CPU seconds, peak memory."""
    target = work / "oxigraph-load"
    binary = Path(sys.executable).parent / "oxigraph"
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", str(binary), "load", "--location", str(target),
                           "--file", str(nq)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"oxigraph load failed: {done.stderr[-2000:]}")
    rss, user, system = done.stderr.split()[-3:]
    shutil.rmtree(target)
    return {"seconds": seconds, "peak_rss_mb": int(rss) / 1024, "cpu_s": float(user) + float(system)}


def compare(work: Path, size: int, baseline: Path | None, jobs: int) -> dict[str, Any]:
    """``kg load`` of ``size`` records (first by the ``baseline`` checkout's kg, when given), then ``oxigraph
    load`` of the quads it stored (dumped as N-Quads), one after the other; each store deleted once measured."""
    before = None
    if baseline is not None:
        before = child(work / f"in-{size}", work / f"before-{size}", baseline)
        shutil.rmtree(work / f"before-{size}")
    ours = child(work / f"in-{size}", work / f"store-{size}", jobs=jobs)
    print(f"  kg load of {size:,} records: {json.dumps(ours)}", flush=True)
    nq = work / f"store-{size}.nq.gz"  # gzipped (disk): oxigraph load reads it so, at ~2 % of its time
    with gzip.open(nq, "wb", compresslevel=1) as f:
        Store.open(work / f"store-{size}").dump(f, RdfFormat.N_QUADS)
    shutil.rmtree(work / f"store-{size}")
    with gzip.open(nq, "rb") as f:
        quads = sum(1 for _ in f)
    oxigraph = oxigraph_load_file(nq, work)
    nq.unlink()
    return {"size": size, "kg": ours, "before": before, "oxigraph": oxigraph, "quads": quads,
            "ratio": oxigraph["seconds"] / ours["seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--also", type=int, action="append", default=[],
                        help="also measure at this many records (memory: flat as the input grows); repeatable")
    parser.add_argument("--bulk-path", action="store_true", help="also measure kg map + kg bulk-load")
    parser.add_argument("--work", type=Path, help="a folder for the inputs and stores (default: a temporary one)")
    parser.add_argument("--baseline", type=Path, help="also measure the kg of this checkout (e.g. main's), "
                        "each size just before this one's")
    parser.add_argument("--jobs", type=int, default=1, help="kg load's mapping processes (kg load --jobs)")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ingest(*args.child, jobs=args.jobs)))
        return

    sizes = sorted({*args.also, args.records})
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        print(f"writing {', '.join(f'{n:,}' for n in sizes)} replicated records ...", flush=True)
        for size in sizes:
            write_input(work / f"in-{size}", size)
        print(f"{'records':>9} {'quads':>11} {'kg load':>9} {'(CPU)':>7} {'oxigraph load':>14} {'(CPU)':>7} "
              f"{'ratio':>6} {'kg peak':>9} {'oxigraph peak':>14}", flush=True)
        for size in sizes:
            r = compare(work, size, args.baseline, args.jobs)
            kg, ox, before = r["kg"], r["oxigraph"], r["before"]
            if before is not None:
                print(f"{'baseline':>9} {'':>11} {before['seconds']:>8.1f}s {before['cpu_s']:>6.0f}s {'':>13} "
                      f"{'':>7} {ox['seconds'] / before['seconds']:>6.2f} {before['peak_rss_mb']:>6,.0f} MB "
                      f"(CPU ratio {ox['cpu_s'] / before['cpu_s']:.2f})", flush=True)
            print(f"{size:>9,} {r['quads']:>11,} {kg['seconds']:>8.1f}s {kg['cpu_s']:>6.0f}s {ox['seconds']:>13.1f}s "
                  f"{ox['cpu_s']:>6.0f}s {r['ratio']:>6.2f} {kg['peak_rss_mb']:>6,.0f} MB "
                  f"{ox['peak_rss_mb']:>11,.0f} MB (CPU ratio {ox['cpu_s'] / kg['cpu_s']:.2f}; --jobs {args.jobs}, "
                  f"each mapping process's peak {kg.get('worker_peak_rss_mb', 0):,.0f} MB)", flush=True)
        print("ratio: oxigraph load's time / kg load's time (issue 17's target >= 0.8); kg peak: kg load's "
              "process")
        if args.bulk_path:
            n = args.records
            mapped = map_dumps(work / f"in-{n}", work / f"shards-{n}", 2)
            loaded = bulk_load(work / f"bulk-{n}", work / f"shards-{n}", cues=False)
            oxigraph = oxigraph_load(work / f"shards-{n}", work)
            print(f"bulk path at {n:,}: kg map --jobs 2 {mapped['seconds']:.1f} s, "
                  f"kg bulk-load {loaded['seconds']:.1f} s; "
                  f"oxigraph load {oxigraph['seconds']:.1f} s: ratio kg bulk-load "
                  f"{oxigraph['seconds'] / loaded['seconds']:.2f}, map + bulk-load "
                  f"{oxigraph['seconds'] / (mapped['seconds'] + loaded['seconds']):.2f}")


if __name__ == "__main__":
    from benchmarks.bulkpath import bulk_load, map_dumps
    from benchmarks.scale import oxigraph_load
    main()
