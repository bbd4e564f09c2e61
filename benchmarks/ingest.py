"""Ingest speed and memory, measured against pyoxigraph's own bulk loader.

Replicates the real corpus (../shared/realdata: Crossref works and list pages, DataCite DOIs and
list pages) to N records with fresh DOIs, writes them as JSON Lines files, then in one run:

1. ``kg`` ingest: read -> map -> store.write into an on-disk store (what ``kg load`` does);
2. exports that store as N-Quads and bulk-loads the same quads into a fresh on-disk store with
   ``pyoxigraph.Store.bulk_load`` — the ceiling;
3. the bulk path over the same files: ``kg map --jobs 2`` then ``kg bulk-load``, and ``oxigraph load``
   of the same quads: the ratio of their speeds (issue 17's target >= 0.8);

and prints records/s, quads/s, the ratios of the speeds, and the peak memory of ``kg load`` and
of the bulk path at N/4, N/2 and N records, each in its own process (target: flat).

    python benchmarks/ingest.py                 # 100,000 records
    python benchmarks/ingest.py --records 20000
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from pyoxigraph import RdfFormat  # noqa: E402
from pyoxigraph import Store as OxStore  # noqa: E402

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


def ingest(input_dir: Path, store_dir: Path) -> dict[str, float]:
    """One ingest run; returns its figures (run in a child process for a clean peak RSS)."""
    store = Store.open(store_dir)
    start = time.perf_counter()
    report = load(store, read_paths([input_dir]))
    store.close()
    seconds = time.perf_counter() - start
    return {"records": report.loaded + report.unchanged, "graphs": report.loaded, "rejected": report.rejected,
            "quads": report.quads,
            "seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def child(input_dir: Path, store_dir: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(input_dir), str(store_dir)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ingest(*args.child)))
        return

    n = args.records
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        print(f"writing {n:,} replicated records ...", flush=True)
        sizes = [n // 4, n // 2, n]
        for size in sizes:
            write_input(work / f"in-{size}", size)

        memory, bulk = {}, {}
        for size in sizes[:-1]:
            memory[size] = child(work / f"in-{size}", work / f"store-{size}")["peak_rss_mb"]
        ours = child(work / f"in-{n}", work / "store")
        memory[n] = ours["peak_rss_mb"]
        for size in sizes:  # the bulk path: kg map --jobs 2, kg bulk-load (benchmarks/bulkpath.py)
            mapped = map_dumps(work / f"in-{size}", work / f"shards-{size}", 2)
            loaded = bulk_load(work / f"bulk-{size}", work / f"shards-{size}", cues=False)
            bulk[size] = {"map_s": mapped["seconds"], "load_s": loaded["seconds"],
                          "peak_rss_mb": max(mapped["peak_rss_mb"], loaded["peak_rss_mb"])}

        nq = work / "all.nq"
        with nq.open("wb") as f:
            Store.open(work / "store").dump(f, RdfFormat.N_QUADS)
        quads = sum(1 for _ in nq.open("rb"))
        start = time.perf_counter()
        ceiling = OxStore(str(work / "bulk"))
        ceiling.bulk_load(path=str(nq), format=RdfFormat.N_QUADS)
        ceiling.flush()
        bulk_seconds = time.perf_counter() - start
        oxigraph = oxigraph_load(work / f"shards-{n}", work)

    ours_rate = ours["records"] / ours["seconds"]
    print(f"kg ingest:        {ours['records']:,.0f} records ({ours['rejected']:.0f} rejected) into "
          f"{ours['graphs']:,.0f} record graphs (the corpus repeats some DOIs across files),")
    print(f"                  {quads:,} quads with provenance, in {ours['seconds']:.1f} s")
    print(f"                  {ours_rate:,.0f} records/s, {quads / ours['seconds']:,.0f} quads/s")
    print(f"bulk_load (same N-Quads): {bulk_seconds:.1f} s, {quads / bulk_seconds:,.0f} quads/s")
    print(f"ratio kg / bulk_load speed: {bulk_seconds / ours['seconds']:.2f}   (target >= 0.5)")
    b = bulk[n]
    print(f"bulk path:        kg map --jobs 2 {b['map_s']:.1f} s, kg bulk-load {b['load_s']:.1f} s")
    print(f"oxigraph load (same N-Quads): {oxigraph['seconds']:.1f} s, {oxigraph['quads'] / oxigraph['seconds']:,.0f} "
          f"quads/s, peak {oxigraph['peak_rss_mb']:,} MB")
    print(f"ratio to oxigraph load's speed: kg load {oxigraph['seconds'] / ours['seconds']:.2f}, "
          f"kg bulk-load {oxigraph['seconds'] / b['load_s']:.2f}, "
          f"kg map + bulk-load {oxigraph['seconds'] / (b['map_s'] + b['load_s']):.2f}   (target >= 0.8)")
    print("peak memory (target: flat as the input grows):   kg load    bulk path (largest process)")
    for size, mb in memory.items():
        print(f"  {size:>9,} records:                            {mb:7,.0f} MB   {bulk[size]['peak_rss_mb']:7,.0f} MB")


if __name__ == "__main__":
    from benchmarks.bulkpath import bulk_load, map_dumps
    from benchmarks.scale import oxigraph_load
    main()
