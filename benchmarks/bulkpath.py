"""Benchmark stores built through the bulk path: replicated real records -> ``.jsonl.gz`` dump
files -> ``kg map --jobs N`` -> ``kg bulk-load`` (cue index built too).

What benchmarks/queries.py, trace.py and http_load.py build their stores with, and what
benchmarks/scale.py times. Run alone it builds one store and prints its figures as JSON:

    python benchmarks/bulkpath.py --quads 10000000 --store /work/stores/q-10000000 \\
        --work /tmp/kg-build-10m [--jobs 2] [--keep] > build-10m.log
    python benchmarks/bulkpath.py --ready-row build-10m.log /work/stores/q-10000000 "main abc1234"

(the second prints the store's row of /work/stores/READY.md from the first's output).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.ingest import corpus, replicated  # noqa: E402

#: quads (with provenance) per replicated record, measured on the corpus (13,333 records: 2,424,677 quads)
QUADS_PER_RECORD = 182
#: records per dump file (one kg map task each)
PER_FILE = 2_000


def write_dumps(folder: Path, n: int, per_file: int = PER_FILE) -> list[Path]:
    """``n`` replicated records as ``.jsonl.gz`` files of ``per_file`` records (like the sources' dumps)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    out = None
    for i, data in enumerate(replicated(corpus(), n)):
        if i % per_file == 0:
            if out:
                out.close()
            files.append(folder / f"part-{i // per_file:05d}.jsonl.gz")
            out = gzip.open(files[-1], "wt", encoding="utf-8", compresslevel=1)
        out.write(json.dumps(data) + "\n")  # type: ignore[union-attr]
    if out:
        out.close()
    return files


def kg(*args: str) -> dict[str, Any]:
    """Run ``kg ARGS...`` in its own process; its wall time, peak memory (of its largest process, its
    Dask workers included) and what it printed."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--measure", rss.name, *args], capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        peak = float(rss.read() or 0)
    if done.returncode not in (0, 1):
        sys.exit(f"kg {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    if not done.stdout.strip():
        sys.exit(f"kg {' '.join(args)} printed nothing ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak), "out": done.stdout}


def _measure(rss: str, args: list[str]) -> None:
    """Run kg ARGS here, then write the peak RSS of this process and its children (MB) to ``rss``."""
    from kg.cli import cli
    try:
        cli.main(args, standalone_mode=False)
    finally:
        peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        Path(rss).write_text(str(peak / 1024))


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def map_dumps(dumps: Path, shards: Path, jobs: int) -> dict[str, Any]:
    return kg("map", str(dumps), "--out", str(shards), "--jobs", str(jobs), "--json")


def bulk_load(store: Path, shards: Path, cues: bool = True) -> dict[str, Any]:
    return kg("--store", str(store), "bulk-load", str(shards), "--json", "--indexes" if cues else "--no-indexes")


def build_store(path: Path, quads: int, work: Path, jobs: int = 2, keep: bool = False) -> dict[str, Any]:
    """Build an on-disk store of about ``quads`` quads at ``path`` through the bulk path; its figures."""
    n = quads // QUADS_PER_RECORD
    dumps, shards = work / "dumps", work / "shards"
    print(f"building {path}: {n:,} records -> {dumps} -> {shards} ...", flush=True)
    start = time.perf_counter()
    write_dumps(dumps, n)
    figures: dict[str, Any] = {"records": n, "dumps_seconds": time.perf_counter() - start}
    figures["map"] = map_dumps(dumps, shards, jobs)
    figures["map"]["summary"] = _summary(figures["map"].pop("out"))
    loading = bulk_load(path, shards, cues=False)
    loading["report"] = _summary(loading.pop("out"))
    figures["bulk_load"] = loading
    figures["index_cues"] = kg("--store", str(path), "index-cues")
    figures["quads"] = count_quads(path)
    figures["store_mb"] = du_mb(path)
    figures["shards_mb"] = du_mb(shards)
    if not keep:
        shutil.rmtree(work)
    return figures


def _summary(out: str) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(out)
    summary["problems"] = len(summary.get("problems", []))
    return summary


def count_quads(path: Path) -> int:
    from pyoxigraph import Store as OxStore
    return len(OxStore.read_only(str(path)))


def ready_row(log: Path, store: Path, commit: str) -> str:
    """The row of /work/stores/READY.md's table for a store this script built (its output in ``log``)."""
    text = log.read_text()
    f = json.loads(text[text.index("\n{") + 1:])
    cues = "built" if (store / "cues.sqlite").exists() else "not built"
    return (f"| {store} | {f['quads']:,} | {f['records']:,} ({f['bulk_load']['report']['loaded']:,} graphs) | "
            f"{commit} | {f['map']['seconds']:,.0f} s | {f['bulk_load']['seconds']:,.0f} s | "
            f"{f['index_cues']['seconds']:,.0f} s | {f['bulk_load']['peak_rss_mb']:,} MB | {f['store_mb']:,.0f} MB | "
            f"{cues} |")


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        _measure(sys.argv[2], sys.argv[3:])
        return
    if sys.argv[1:2] == ["--ready-row"]:  # --ready-row BUILD_LOG STORE COMMIT
        print(ready_row(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True, help="where the dumps and shards go")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the dumps and shards")
    args = parser.parse_args()
    if args.store.exists():
        sys.exit(f"{args.store} exists")
    figures = build_store(args.store, args.quads, args.work, args.jobs, args.keep)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
