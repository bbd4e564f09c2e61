"""The bulk path at scale on the embedded store: ``kg map`` + ``kg bulk-load`` of replicated real
records, against Oxigraph's own ``oxigraph load`` of the same N-Quads, then query latency.

For each size (quads, default 10M) prints:

- map: wall time, records/s, peak memory (largest process); the speed-up of ``--jobs 2`` over
  ``--jobs 1`` mapping the same dump files (a subset: ``--speedup-files``);
- bulk load: wall time, quads/s, peak memory, store size on disk;
- ``oxigraph load`` of the same quads (the shards decompressed to one N-Quads file) into a fresh
  store: wall time, and the ratio of the two speeds (bulk path / oxigraph load; goal >= 0.8),
  for the load alone and for map + load;
- chain / related items / item metrics p50 and p95 on the bulk-loaded store;
- with ``--virtuoso SHARDS``: the same shards bulk-loaded into a Virtuoso this script starts (a
  private database in --work, ``virtuoso-t`` of Debian's ``virtuoso-opensource``): load time,
  quads/s, peak memory of kg and of the server, disk, and the same questions' p50/p95 over it (with
  ``--queries STORE``, then those of an embedded store, in the same run), each question with the
  catalogue queries its time went to;
- with ``--virtuoso-files DIR``: instead of shards, the N-Quads files benchmarks/dumpstore.py --virtuoso
  writes from an embedded store (taken as they come, ``--loaders`` ``rdf_loader_run()`` at once), the
  quads counted against the dump's, then the same questions (docs/scaling.md, "Virtuoso at 100M").

    python benchmarks/scale.py --work /tmp/kg-scale                  # 10M quads
    python benchmarks/scale.py --work /tmp/kg-scale --sizes 10000000 100000000
    python benchmarks/scale.py --work /tmp/kg-scale --dumps /work/scratch-bulk/build-10000000/dumps
    python benchmarks/scale.py --work /tmp/kg-scale --dumps BUILD/dumps \
        --built build-10000000.log /work/stores/q-10000000 BUILD/shards      # a store built before
    python benchmarks/scale.py --work /tmp/kg-scale --virtuoso /work/scratch-bulk/build-10000000/shards \
        --virtuoso-buffers 200000 --queries /work/stores/q-10000000      # both columns, one run
    python benchmarks/scale.py --work /tmp/kg-scale --virtuoso SHARDS --virtuoso-buffers 200000 --loaded
        # the questions again, of a server restarted on the database the run above left (no load)

Timings on a shared machine are noisy: the ratios come from runs back to back.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.bulkpath import (  # noqa: E402
    QUADS_PER_RECORD,
    bulk_load,
    count_quads,
    du_mb,
    kg,
    map_dumps,
    write_dumps,
)
from benchmarks.queries import QUESTIONS, measure, p, timed_store  # noqa: E402
from kg.graph import KnowledgeGraph  # noqa: E402
from kg.store import EmbeddedStore, Store  # noqa: E402
from kg.store.credentials import Credentials  # noqa: E402
from kg.store.virtuoso_bulk import VirtuosoLoader  # noqa: E402
from tests.conftest import running_virtuoso  # noqa: E402


def oxigraph_load(shards: Path, work: Path) -> dict[str, Any]:
    """The shards' quads as one N-Quads file (in input order), loaded by ``oxigraph load``."""
    nq = work / "all.nq"
    inputs = json.loads((shards / "inputs.json").read_text())["inputs"]
    with nq.open("wb") as out:
        for entry in inputs:
            if "file" in entry:
                key = next(shards.glob(f"*{Path(entry['file']).name}.done.json")).name.removesuffix(".done.json")
                with gzip.open(shards / f"{key}.nq.gz") as shard:
                    shutil.copyfileobj(shard, out, 1 << 20)
    target = work / "oxigraph-load"
    binary = Path(sys.executable).parent / "oxigraph"
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", str(binary), "load", "--location", str(target), "--file",
                           str(nq)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"oxigraph load failed: {done.stderr[-2000:]}")
    figures = {"seconds": round(seconds, 1), "peak_rss_mb": round(int(done.stderr.split()[-1]) / 1024),
               "quads": count_quads(target), "store_mb": round(du_mb(target))}
    shutil.rmtree(target)
    nq.unlink()
    return figures


def speedup(dumps: Path, work: Path, files: int) -> dict[str, Any]:
    """Map the same first ``files`` dump files with --jobs 1 and --jobs 2."""
    subset = work / "speedup-dumps"
    subset.mkdir(exist_ok=True)
    for f in sorted(dumps.glob("*.jsonl.gz"))[:files]:
        if not (subset / f.name).exists():
            (subset / f.name).hardlink_to(f)
    times = {}
    for jobs in (1, 2):
        out = work / f"speedup-shards-{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        times[jobs] = map_dumps(subset, out, jobs)["seconds"]
        shutil.rmtree(out)
    return {"files": files, "jobs_1_s": times[1], "jobs_2_s": times[2], "speedup": round(times[1] / times[2], 2)}


def one_size(quads: int, work: Path, dumps: Path | None, files: int, items: int) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    if dumps is None:
        dumps = work / "dumps"
        if not dumps.exists():
            write_dumps(dumps, quads // QUADS_PER_RECORD)
    shards, store = work / "shards", work / "store"
    for old in (shards, store):
        shutil.rmtree(old, ignore_errors=True)
    figures: dict[str, Any] = {"size": quads}
    figures["map"] = map_dumps(dumps, shards, 2)
    figures["map"]["summary"] = json.loads(figures["map"].pop("out"))
    figures["bulk_load"] = bulk_load(store, shards, cues=False)
    figures["bulk_load"]["report"] = {k: v for k, v in json.loads(figures["bulk_load"].pop("out")).items()
                                      if k != "problems"}
    figures["quads"] = count_quads(store)
    figures["store_mb"] = round(du_mb(store))
    figures["oxigraph_load"] = oxigraph_load(shards, work)
    print("oxigraph load:", json.dumps(figures["oxigraph_load"]), flush=True)
    figures["speedup"] = speedup(dumps, work, files)
    print("mapping speed-up:", json.dumps(figures["speedup"]), flush=True)
    opened = EmbeddedStore(store)
    figures["queries"] = queries(opened, items)
    opened.close()
    return figures


def from_build(build_log: Path, store: Path, shards: Path, dumps: Path, work: Path, files: int, items: int
               ) -> dict[str, Any]:
    """The figures of a store built before by benchmarks/bulkpath.py --keep (its printed JSON in
    ``build_log``), with ``oxigraph load`` of its shards, the mapping speed-up and the queries measured
    now (the store opened read-only: a shared store stays untouched)."""
    work.mkdir(parents=True, exist_ok=True)
    text = build_log.read_text()
    built = json.loads(text[text.index("{"):])
    built["bulk_load"]["report"] = {k: v for k, v in built["bulk_load"]["report"].items() if k != "problems"}
    figures: dict[str, Any] = {"size": built["quads"], "map": built["map"], "bulk_load": built["bulk_load"],
                               "quads": built["quads"], "store_mb": round(built["store_mb"])}
    figures["oxigraph_load"] = oxigraph_load(shards, work)
    print("oxigraph load:", json.dumps(figures["oxigraph_load"]), flush=True)
    figures["speedup"] = speedup(dumps, work, files)
    print("mapping speed-up:", json.dumps(figures["speedup"]), flush=True)
    opened = EmbeddedStore(store, read_only=True)
    figures["queries"] = queries(opened, items)
    opened.close()
    return figures


def queries(store: Store, items: int, label: str = "store") -> dict[str, dict[str, float]]:
    """p50/p95 of each question of benchmarks/queries.py (those in SKIP left out), through the facade, each
    with the catalogue queries its time went to (queries.measure)."""
    timed_store()
    found = measure(store, label, items, 600.0, questions_shown=True,
                    only=[name for name in QUESTIONS if name not in SKIP])
    return {name: {"p50_ms": round(p(ms, 50), 1), "p95_ms": round(p(ms, 95), 1)} for name, ms in found.items()}


def embedded_queries(path: Path, items: int) -> dict[str, dict[str, float]]:
    """The questions of an embedded store opened read-only (with its metrics summary when it has one)."""
    opened = EmbeddedStore(path, read_only=True)
    summary = getattr(opened, "metrics_summary", None)
    print(f"\n{path}: metrics summary "
          f"{'built' if summary is not None and summary.built else 'not built (the store is asked)'}", flush=True)
    try:
        return queries(opened, items, str(path))
    finally:
        opened.close()


def virtuoso(shards: Path, work: Path, items: int, buffers: int, loaders: int = 1, restart: bool = False,
             loaded: bool = False) -> dict[str, Any]:
    """``kg bulk-load`` of ``shards`` into a fresh Virtuoso started here (the tests' ini with memory for a
    10M-quad graph: ``buffers`` of 8 KB; no result cut below the largest answer kg asks), with ``loaders``
    ``rdf_loader_run()`` at once (``KG_VIRTUOSO_LOADERS``); its figures and query latency; with ``restart``,
    the questions asked again of a server started afresh on the same database; with ``loaded``, only those
    (the database an earlier run left in ``work``/virtuoso: the catalogue's questions asked again without a
    load)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        sys.exit("--virtuoso needs virtuoso-t: apt-get install -y virtuoso-opensource")
    folder = work / "virtuoso"
    # a checkpoint of a large database takes a while: two minutes to stop
    settings: dict[str, Any] = dict(binary=binary, timeout=300, stop_timeout=120, buffers=buffers, query_mem="2G",
                                    seconds=600, cost_seconds=4000)
    if loaded:
        if not (folder / "virtuoso.db").exists():
            sys.exit(f"--loaded: no database in {folder} (run --virtuoso SHARDS --work {work} first)")
        figures = {"shards": str(shards)}
        figures["queries_restarted"] = _restarted(folder, settings, items, figures)
        return figures
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "load").mkdir(parents=True)
    with running_virtuoso(folder, 1_000_000, **settings) as server:
        # the account reaches kg through the environment, not a command line (the default dba: a private server)
        os.environ.update(KG_STORE_USER="dba", KG_STORE_PASSWORD="dba", KG_VIRTUOSO_BULK_DIR=str(folder / "load"),
                          KG_VIRTUOSO_LOADERS=str(loaders))
        url = server.url.replace("dba:dba@", "")
        figures: dict[str, Any] = {"shards": str(shards), "loaders": loaders}
        figures["bulk_load"] = bulk_load_remote(url, shards)
        figures["server_peak_rss_mb"] = _peak_rss_mb(server.process.pid)
        store = Store.open(url)
        figures["quads"] = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
                               .rows[0][0].value)  # type: ignore[union-attr]
        figures["store_mb"] = round(du_mb(folder) - du_mb(folder / "load"))
        print("virtuoso:", json.dumps(figures), flush=True)
        figures["queries"] = queries(store, items, "virtuoso")
        figures["server_peak_rss_mb_after_queries"] = _peak_rss_mb(server.process.pid)
        if SUMMARY and not restart:  # else asked of the restarted server only
            with_summary(store, items, figures, shards)
        store.close()
    if restart:
        figures["queries_restarted"] = _restarted(folder, settings, items, figures)
    return figures


def _restarted(folder: Path, settings: dict[str, Any], items: int, figures: dict[str, Any] | None = None
               ) -> dict[str, dict[str, float]]:
    """The questions asked of a server started afresh on the database in ``folder``."""
    with running_virtuoso(folder, 1_000_000, **settings) as server:
        os.environ.update(KG_STORE_USER="dba", KG_STORE_PASSWORD="dba")
        store = Store.open(server.url.replace("dba:dba@", ""))
        found = queries(store, items, "virtuoso restarted")
        if figures is not None:
            figures["server_peak_rss_mb_restarted"] = _peak_rss_mb(server.process.pid)
        if SUMMARY and figures is not None:
            with_summary(store, items, figures, Path(figures["shards"]))
        store.close()
        return found


def with_summary(store: Store, items: int, figures: dict[str, Any], shards: Path | None = None) -> None:
    """The server's metrics summary built on this machine (``kg index-metrics --shards``: from the shards it
    was loaded from; without ``shards`` its rows asked of it a few graphs at a time), then the same
    questions, read from it where the embedded store reads its own."""
    start = time.perf_counter()
    graphs = KnowledgeGraph(store).index_metrics(shards=shards)
    path = store.metrics_summary.path
    figures["summary_build"] = {"seconds": round(time.perf_counter() - start, 1), "graphs": graphs,
                                "file_mb": round(path.stat().st_size / 1e6 if path else 0)}
    print("summary built:", json.dumps(figures["summary_build"]), flush=True)
    assert store.complete_summary() is not None
    figures["queries_summary"] = queries(store, items, "virtuoso with its summary")


def virtuoso_files(files: Path, work: Path, items: int, buffers: int, loaders: int) -> dict[str, Any]:
    """The gzipped N-Quads files in ``files`` (benchmarks/dumpstore.py --virtuoso: an embedded store's quads,
    durations as kg writes them on Virtuoso) loaded by Virtuoso's own loader with ``loaders``
    ``rdf_loader_run()`` at once, each file registered as soon as its writer closed it (the dump may still
    be running: loading waits for it), then a checkpoint; the count of quads checked against the dump's,
    then the questions. Without ``kg bulk-load``: these are not ``kg map`` shards (no index of records)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        sys.exit("--virtuoso-files needs virtuoso-t: apt-get install -y virtuoso-opensource")
    folder = work / "virtuoso"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    allowed = str(files.resolve())
    # the server in a session of its own, as a service runs (Linux's autogroups share the CPU by session:
    # otherwise the server and the dump feeding it would share one session's part)
    (work / "virtuoso-t").write_text(f"#!/bin/sh\nexec setsid {binary} \"$@\"\n")
    (work / "virtuoso-t").chmod(0o755)
    binary = str(work / "virtuoso-t")
    with running_virtuoso(folder, 1_000_000, binary=binary, timeout=300, stop_timeout=900, buffers=buffers,
                          query_mem="2G", seconds=600, cost_seconds=4000,
                          edit=lambda ini: ini.replace("DirsAllowed = ., ", f"DirsAllowed = ., {allowed}, ")) as server:
        os.environ.update(KG_STORE_USER="dba", KG_STORE_PASSWORD="dba")
        url = server.url.replace("dba:dba@", "")
        print(f"virtuoso pid {server.process.pid}, {server.sql}, {url}", flush=True)
        figures: dict[str, Any] = {"files": str(files), "loaders": loaders, "buffers": buffers}
        figures.update(_load_files(VirtuosoLoader(url, Credentials("dba", "dba"), 600, str(files)), files, loaders))
        figures["server_peak_rss_mb"] = _peak_rss_mb(server.process.pid)
        store = Store.open(url)
        start = time.perf_counter()
        figures["quads"] = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
                               .rows[0][0].value)  # type: ignore[union-attr]
        figures["count_seconds"] = round(time.perf_counter() - start, 1)
        dumped = json.loads((files / "dump.json").read_text())
        figures["dumped_quads"] = dumped["quads"]
        figures["dump"] = dumped
        figures["store_mb"] = round(du_mb(folder))
        print("virtuoso:", json.dumps(figures), flush=True)
        (work / "virtuoso-load.json").write_text(json.dumps(figures, indent=1))
        figures["queries"] = queries(store, items, "virtuoso")
        figures["server_peak_rss_mb_after_queries"] = _peak_rss_mb(server.process.pid)
        if SUMMARY:
            with_summary(store, items, figures)
        store.close()
        return figures


def _load_files(loader: VirtuosoLoader, files: Path, loaders: int) -> dict[str, Any]:
    """Register each whole file of ``files`` as it comes while ``loaders`` threads run the loader, until
    ``dump.json`` says the last is written and every file is loaded; then the checkpoint."""
    start = time.perf_counter()
    last, failed = threading.Event(), []

    def run() -> None:
        try:
            while True:
                final = last.is_set()
                loader.run()
                if final:
                    return
                time.sleep(5)
        except Exception as e:  # noqa: BLE001 (told after the join)
            failed.append(e)
            last.set()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(loaders)]
    for thread in threads:
        thread.start()
    registered: list[Path] = []
    while not failed:
        finished = (files / "dump.json").exists()
        for path in sorted(files.glob("*.nq.gz")):
            if path not in registered and (finished or Path(f"{path}.done").exists()):
                loader.register(path)
                registered.append(path)
                print(f"{time.perf_counter() - start:7.0f} s  registered {path.name} ({len(registered)})", flush=True)
        if finished and all(p in registered for p in files.glob("*.nq.gz")):
            break
        time.sleep(10)
    waited = time.perf_counter() - start
    last.set()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]
    loaded = time.perf_counter() - start
    print(f"{loaded:7.0f} s  loaders done; checkpoint", flush=True)
    loader.finish(registered)
    return {"files_loaded": len(registered), "last_file_s": round(waited, 1), "loaders_s": round(loaded, 1),
            "seconds": round(time.perf_counter() - start, 1)}


def bulk_load_remote(url: str, shards: Path) -> dict[str, Any]:
    figures = kg("--store", url, "bulk-load", str(shards), "--json", "--no-indexes")
    figures["report"] = {k: v for k, v in json.loads(figures.pop("out")).items() if k != "problems"}
    return figures


def _peak_rss_mb(pid: int) -> int:
    """The server's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def report_virtuoso(f: dict[str, Any]) -> None:
    if "queries" not in f:  # --loaded: only a restarted server's
        print(f"\nVirtuoso restarted on the database loaded from {f['shards']} before")
    elif "bulk_load" in f:
        b = f["bulk_load"]
        print(f"\nVirtuoso: {f['quads']:,} quads from {f['shards']}")
        print(f"  kg bulk-load ({f.get('loaders', 1)} loaders at once): {b['seconds']:8.1f} s  "
              f"{f['quads'] / b['seconds']:9,.0f} quads/s    "
              f"peak kg {b['peak_rss_mb']:,} MB, server {f['server_peak_rss_mb']:,} MB "
              f"({f.get('server_peak_rss_mb_after_queries', 0):,} MB after the questions)   "
              f"database {f['store_mb']:,} MB")
    else:
        print(f"\nVirtuoso: {f['quads']:,} quads ({f['dumped_quads']:,} dumped: "
              f"{'the same' if f['quads'] == f['dumped_quads'] else 'NOT THE SAME'}) from {f['files']}")
        print(f"  loader ({f['loaders']} at once), from the first file to the checkpoint's end: "
              f"{f['seconds']:8.1f} s  {f['quads'] / f['seconds']:9,.0f} quads/s (the last file written at "
              f"{f['last_file_s']:,.0f} s)   server {f['server_peak_rss_mb']:,} MB "
              f"({f.get('server_peak_rss_mb_after_queries', 0):,} MB after the questions)   "
              f"database {f['store_mb']:,} MB")
    if "summary_build" in f:
        b = f["summary_build"]
        print(f"  metrics summary (kg index-metrics): {b['seconds']:8.1f} s, {b['graphs']:,} record graphs, "
              f"{b['file_mb']:,} MB")
    for name, q in f.get("queries", f["queries_restarted"]).items():
        again = f.get("queries_restarted", {}).get(name) if "queries" in f else None
        kept = f.get("queries_summary", {}).get(name)
        print(f"  {name:<16} p50 {q['p50_ms']:8.1f} ms   p95 {q['p95_ms']:8.1f} ms" +
              (f"   restarted: p50 {again['p50_ms']:8.1f} ms   p95 {again['p95_ms']:8.1f} ms" if again else "") +
              (f"   with its summary: p50 {kept['p50_ms']:8.1f} ms   p95 {kept['p95_ms']:8.1f} ms" if kept else ""))


#: calls left out (--skip)
SKIP: set[str] = set()
#: --summary: the Virtuoso questions asked again with the server's metrics summary built on this machine
SUMMARY = False


def report(f: dict[str, Any]) -> None:
    m, b, o = f["map"], f["bulk_load"], f["oxigraph_load"]
    records = m["summary"]["records"]
    print(f"\n{f['quads']:,} quads ({records:,} replicated records)")
    print(f"  kg map --jobs 2:  {m['seconds']:8.1f} s  {records / m['seconds']:9,.0f} records/s  "
          f"peak {m['peak_rss_mb']:,} MB")
    print(f"  kg bulk-load:     {b['seconds']:8.1f} s  {f['quads'] / b['seconds']:9,.0f} quads/s    "
          f"peak {b['peak_rss_mb']:,} MB   store {f['store_mb']:,} MB")
    print(f"  oxigraph load:    {o['seconds']:8.1f} s  {o['quads'] / o['seconds']:9,.0f} quads/s    "
          f"peak {o['peak_rss_mb']:,} MB   store {o['store_mb']:,} MB")
    print(f"  speed ratio bulk-load / oxigraph load:       {o['seconds'] / b['seconds']:.2f}  (goal >= 0.8)")
    print(f"  speed ratio map + bulk-load / oxigraph load: {o['seconds'] / (m['seconds'] + b['seconds']):.2f}")
    s = f["speedup"]
    print(f"  mapping {s['files']} dump files: --jobs 1 {s['jobs_1_s']:.1f} s, --jobs 2 {s['jobs_2_s']:.1f} s: "
          f"speed-up {s['speedup']:.2f}x")
    for name, q in f["queries"].items():
        print(f"  {name:<16} p50 {q['p50_ms']:8.1f} ms   p95 {q['p95_ms']:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--work", type=Path, required=True, help="where dumps, shards and stores go")
    parser.add_argument("--dumps", type=Path, help="dump files written before (benchmarks/bulkpath.py --keep)")
    parser.add_argument("--speedup-files", type=int, default=6, help="dump files mapped with 1 and 2 jobs")
    parser.add_argument("--items", type=int, default=20, help="works sampled per query")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--built", nargs=3, type=Path, metavar=("BUILD_LOG", "STORE", "SHARDS"),
                        help="use a store benchmarks/bulkpath.py --keep built (with --dumps): its map and load "
                             "figures from its output; oxigraph load, speed-up and queries measured now")
    parser.add_argument("--skip", nargs="*", default=[], help="query calls to leave out, e.g. 'related items'")
    parser.add_argument("--virtuoso", type=Path, metavar="SHARDS",
                        help="only this (and --queries): bulk-load these shards into a Virtuoso started here, "
                             "and ask the questions")
    parser.add_argument("--virtuoso-files", type=Path, metavar="DIR",
                        help="only this (and --queries): load the N-Quads files benchmarks/dumpstore.py --virtuoso "
                             "writes in DIR (as they come) into a Virtuoso started here, and ask the questions")
    parser.add_argument("--loaders", type=int, default=1,
                        help="rdf_loader_run() at once (--virtuoso, --virtuoso-files)")
    parser.add_argument("--restart", action="store_true",
                        help="--virtuoso: then ask the questions again of a server started afresh on the database")
    parser.add_argument("--loaded", action="store_true",
                        help="--virtuoso: no load; only the questions of a server started on the database an "
                             "earlier --virtuoso run left in --work")
    parser.add_argument("--virtuoso-buffers", type=int, default=340_000, help="its NumberOfBuffers (8 KB each)")
    parser.add_argument("--queries", type=Path, nargs="+", metavar="STORE",
                        help="only this (and --virtuoso): ask the questions of these stores, opened read-only "
                             "(with the metrics summary beside a store when there is one, else asking the store)")
    parser.add_argument("--summary", action="store_true",
                        help="--virtuoso: then build the server's metrics summary on this machine from the shards (kg "
                             "index-metrics --shards) and ask the questions again, read from it")
    args = parser.parse_args()
    SKIP.update(args.skip)
    global SUMMARY
    SUMMARY = args.summary
    if args.virtuoso or args.virtuoso_files or args.queries:
        # both given: the Virtuoso column and the embedded stores' questions in one run, back to back
        found: dict[str, Any] = {}
        if args.virtuoso:
            found["virtuoso"] = virtuoso(args.virtuoso, args.work, args.items, args.virtuoso_buffers, args.loaders,
                                         args.restart, args.loaded)
        if args.virtuoso_files:
            found["virtuoso"] = virtuoso_files(args.virtuoso_files, args.work, args.items, args.virtuoso_buffers,
                                               args.loaders)
        for path in args.queries or []:
            found[str(path)] = embedded_queries(path, args.items)
        if "virtuoso" in found:
            report_virtuoso(found["virtuoso"])
        if args.json:
            args.json.write_text(json.dumps(found, indent=1))
        return
    if args.built:
        results = [from_build(*args.built, args.dumps, args.work, args.speedup_files, args.items)]
    else:
        results = [one_size(size, args.work / f"scale-{size}", args.dumps if len(args.sizes) == 1 else None,
                            args.speedup_files, args.items) for size in args.sizes]
    for figures in results:
        report(figures)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
