"""Tracing on hostile and large input: how long kg.tracing takes to answer, or to refuse.

Runs kg.tracing.trace on the sample graph (samples/) with claims not stored, offline, for:

- empty text, whitespace, binary junk (refused at once),
- 5 MB of text (refused: over the 1,000,000-character limit, before any parsing),
- 1,000,000 characters of news prose with identifiers and cues (the most that is traced),
- 2 MB of HTML, most of it scripts and styles, around a short story,
- one news paragraph (the usual case).

Prints the median of --repeat runs per case and what came out (claims, or the error). Then, on
each store given with --large (by default the one of about 1M quads benchmarks/queries.py builds;
skipped when it is not there), a paragraph with a DOI and one with cues only:

- in this process: the first trace on a newly opened store, a repeated trace, and where the time
  goes (extraction, matching; the rest is resolution, summaries and chains);
- ``kg serve`` on the store: seconds until it answers /healthz, the resident memory of its
  process then and after the traces (its query workers apart), and the first and repeated
  ``POST /api/trace`` latency;
- with --rebuild, ``kg index-cues``: the cue index built again from the whole store;
- with --update, a SPARQL Update retitling one record: its time with the index kept graph by graph.

No thresholds: the figures go to docs/tracing.md.

    python benchmarks/trace.py
    python benchmarks/trace.py --repeat 5 --large benchmarks/out/store-1000000 benchmarks/out/store-10000000
    python benchmarks/trace.py --no-small --store /work/scratch/q-50000000   # a store built elsewhere
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.errors import KgError  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.tracing import trace  # noqa: E402
from kg.tracing.claims import checked_text, extract  # noqa: E402
from kg.tracing.cues import cue_index  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

STORY = ("Insulin glulisine has had its crystal structure solved, researchers wrote in Scientific Reports in 2021. "
         "The raw images are at https://zenodo.org/record/4456817 (doi:10.5281/zenodo.4456817). "
         "The city also opened a new tram line on Tuesday, and tickets cost two euros.\n\n")


#: news paragraphs about a work of the replicated corpus (benchmarks/ingest.py): by DOI, and by cues only
LARGE_CASES = {
    "DOI": ("Zirconium dioxide films were grown by atomic layer deposition, the team reported "
            "(doi:10.1149/2.0041802jss.kgbench0). The city also opened a new tram line on Tuesday."),
    "cues only": ("Kukli and colleagues grew zirconium dioxide by atomic layer deposition from zirconium "
                  "tetraiodide and ozone, they wrote in the ECS Journal of Solid State Science and Technology "
                  "in 2018."),
}


def cases() -> dict[str, str]:
    rng = random.Random(6)
    junk = bytes(rng.randrange(256) for _ in range(1_000_000)).decode("latin-1")
    prose = (STORY * (1_000_000 // len(STORY) + 1))[:999_000]
    scripts = "<script>" + "var x = '10.1038/s41598-021-81251-2';" * 20_000 + "</script>"
    styles = "<style>" + "p { color: red; }" * 20_000 + "</style>"
    html = f"<html><head>{styles}</head><body>{scripts}<p>{STORY}</p>{scripts}</body></html>"
    return {
        "empty": "",
        "whitespace (1 MB)": " \n" * 500_000,
        "binary junk (1 MB)": junk,
        "text (5 MB)": "word " * 1_048_576,
        "prose (999,000 chars)": prose,
        f"HTML with scripts ({len(html) / 1e6:.1f} MB)": html,
        "one paragraph": STORY,
    }


def timed(run: Callable[[], str], repeat: int) -> tuple[float, str]:
    times: list[float] = []
    outcome = ""
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def large(path: Path, repeat: int) -> None:
    """First and repeated traces on an on-disk store, in this process, and where the time goes."""
    print(f"\n{path.name}: traces of one paragraph in this process, claims not stored (median of {repeat})")
    print(f"{'paragraph':<10} {'first s':>8} {'again s':>8} {'extract s':>9} {'match s':>8}  works")
    for name, text in LARGE_CASES.items():
        times: dict[str, list[float]] = {k: [] for k in ("first", "again", "extract", "match")}
        works: set[str] = set()
        for _ in range(repeat):
            store = Store.open(path)  # a new store object: its index opened again
            marks = [time.perf_counter()]
            trace(store, text, store_claims=False)
            marks.append(time.perf_counter())
            result = trace(store, text, store_claims=False)
            marks.append(time.perf_counter())
            index = cue_index(store)
            extraction = extract(checked_text(text), index, index.names_a_title)
            marks.append(time.perf_counter())
            for claim in extraction.claims:
                if not claim.mentions:
                    index.match(claim)
            marks.append(time.perf_counter())
            for key, begin, end in zip(times, marks[:-1], marks[1:], strict=True):
                times[key].append(end - begin)
            works = {w.iri for c in result.claims for w in c.works}
            store.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        shown = ", ".join(sorted(w.rsplit("/", 1)[-1] for w in works)[:3])
        print(f"{name:<10} {med['first']:>8.2f} {med['again']:>8.3f} {med['extract']:>9.3f} {med['match']:>8.4f}"
              f"  {len(works)} ({shown})")


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children_mb(pid: int) -> float:
    """The resident memory of a process's children (the service's query workers), together."""
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children.update(int(c) for c in (task / "children").read_text().split())
    return sum(_memory_mb(c, "VmRSS") for c in children if Path(f"/proc/{c}").exists())


def _post(url: str, text: str) -> tuple[float, set[str]]:
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 (our own service)
        answer = json.load(response)
    return time.perf_counter() - start, {w["iri"] for c in answer["claims"] for w in c["works"]}


def service(path: Path, repeat: int) -> None:
    """``kg serve`` on the store: start-up, memory, first and repeated traces over HTTP."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kg = Path(sys.executable).parent / "kg"
    start = time.perf_counter()
    process = subprocess.Popen([str(kg), "--store", str(path), "serve", "--port", str(port), "--offline"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"kg serve stopped: {process.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.05)
        started = time.perf_counter() - start
        ticks = os.sysconf("SC_CLK_TCK")
        stat = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / ticks  # utime + stime
        time.sleep(1.0)  # the start-up thread: the cue index opened, or built when missing
        rss_start = _memory_mb(process.pid, "VmRSS")
        print(f"\n{path.name}: kg serve answered /healthz after {started:.2f} s ({cpu:.2f} s of CPU); its process "
              f"{rss_start:.0f} MB resident")
        print(f"{'paragraph':<10} {'first s':>8} {'again s':>8}  works")
        for name, text in LARGE_CASES.items():
            first, works = _post(base + "/api/trace", text)
            again = statistics.median(_post(base + "/api/trace", text)[0] for _ in range(repeat))
            shown = ", ".join(sorted(w.rsplit("/", 1)[-1] for w in works)[:3])
            print(f"{name:<10} {first:>8.2f} {again:>8.3f}  {len(works)} ({shown})")
        print(f"after the traces: {_memory_mb(process.pid, 'VmRSS'):.0f} MB resident, "
              f"{_memory_mb(process.pid, 'VmHWM'):.0f} MB at most; its query workers "
              f"{_children_mb(process.pid):.0f} MB resident together")
    finally:
        process.terminate()
        process.wait(30)


def rebuild(path: Path) -> None:
    """``kg index-cues``: the cue index built again from the whole store, its time and peak memory."""
    kg = Path(sys.executable).parent / "kg"
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", str(kg), "--store", str(path), "index-cues"],
                          capture_output=True, text=True, check=True, env=dict(os.environ))
    peak, user, system = done.stderr.strip().splitlines()[-1].split()
    print(f"\n{path.name}: kg index-cues in {time.perf_counter() - start:.1f} s ({float(user) + float(system):.1f} s "
          f"of CPU), at most {int(peak) / 1024:.0f} MB resident: {done.stdout.strip()}")
    size = sum(f.stat().st_size for f in path.glob("cues.sqlite*"))
    print(f"cues.sqlite: {size / 1e6:.0f} MB")


def update(path: Path) -> None:
    """A SPARQL Update retitling one record, with the cue index kept graph by graph (kg.store.written),
    against the index built again whole (``--rebuild``): the update's time, and the rebuild counter."""
    store = Store.open(path)
    cues = cue_index(store).db  # built (or opened) before the update
    [(graph, work, title)] = store.select(
        "SELECT ?g ?w ?n WHERE { GRAPH ?g { ?w a <http://schema.org/ScholarlyArticle> ; "
        "<http://schema.org/name> ?n } } LIMIT 1").rows
    rebuilds = cues.rebuilds
    new = '"Sea otters return to the northern kelp forests"'

    def retitle(old: str, new: str) -> str:
        return (f"DELETE {{ GRAPH {graph} {{ {work} <http://schema.org/name> {old} }} }} "
                f"INSERT {{ GRAPH {graph} {{ {work} <http://schema.org/name> {new} }} }} WHERE {{}}")
    start = time.perf_counter()
    store.update(retitle(str(title), new))
    took = time.perf_counter() - start
    found = trace(store, "Sea otters are back in the northern kelp forests, a study found.", store_claims=False)
    works = {w.iri for c in found.claims for w in c.works}
    print(f"\n{path.name}: a SPARQL Update retitling one record took {took:.3f} s, the cue index kept by graph "
          f"(built whole again: {cues.rebuilds - rebuilds} times); the next trace finds it: "
          f"{getattr(work, 'value', '') in works}")
    store.update(retitle(new, str(title)))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=Path, nargs="*", default=[PROJECT / "benchmarks" / "out" / "store-1000000"],
                        help="on-disk stores for the first/repeated trace figures (skipped when absent)")
    parser.add_argument("--store", type=Path, action="append", default=[],
                        help="an existing on-disk store (repeatable): the same as --large, for stores built "
                        "elsewhere (e.g. a copy of /work/stores/q-N: the benchmark opens it read-write)")
    parser.add_argument("--rebuild", action="store_true", help="also time kg index-cues on each --large store")
    parser.add_argument("--update", action="store_true",
                        help="also time a SPARQL Update retitling one record on each store (it writes to the store)")
    parser.add_argument("--no-small", action="store_true", help="skip the hostile input on the sample graph")
    args = parser.parse_args()
    for path in args.store or args.large:
        if not path.exists():
            print(f"\n{path} is not there (python benchmarks/queries.py --sizes 1000000 builds it)")
            continue
        if args.rebuild:
            rebuild(path)
        large(path, args.repeat)
        service(path, args.repeat)
        if args.update:
            update(path)
    if args.no_small:
        return
    store = Store.open(None)
    load(store, read_paths([PROJECT / "samples"]))
    print(f"{'case':<32} {'median s':>9}  outcome")
    for name, text in cases().items():
        def run(text: str = text) -> str:
            try:
                result = trace(store, text, store_claims=False)
            except KgError as e:
                return f"refused: {str(e)[:90]}"
            works = {w.iri for c in result.claims for w in c.works}
            return f"{len(result.claims):,} claims, {len(works)} works"
        median, outcome = timed(run, args.repeat)
        print(f"{name:<32} {median:>9.3f}  {outcome}")


if __name__ == "__main__":
    main()
