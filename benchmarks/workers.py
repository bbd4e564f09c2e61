"""``kg serve --workers 2`` against ``--workers 1``: work lookups at 32 clients on the ~1M-quad graph.

Uses benchmarks/http_load.py's store, requests and clients (the store benchmarks/queries.py builds,
cached in --work). The clients run in --client-processes processes (so that the clients' own Python
does not share one interpreter lock), each with its share of --clients threads, each thread on its
own kept-alive connection. Each round starts ``kg serve --workers N`` as its own process, sends
requests for --settle seconds that are not counted (every worker's answer cache fills), then counts
--seconds; rounds alternate 1 and 2 workers (--rounds each), so that other load on the machine
falls on both alike. Prints requests/s, p50 and p99 of each round, and the ratio of the medians.

    python benchmarks/workers.py                              # 32 clients, 3 rounds each, 20 s
    python benchmarks/workers.py --kinds "work lookup,related items,evidence chain"
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.http_load import Tally, client, pct, requests_for, sampled_dois  # noqa: E402
from tests.conftest import _free_port  # noqa: E402


@contextmanager
def served(path: Path, workers: int, options: tuple[str, ...]) -> Iterator[str]:
    """``kg serve --workers N`` over ``path`` on a free port, until it answers /healthz; its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(path), "serve", "--port", str(port),
                               "--workers", str(workers), "--log-level", "warning", "--queries-per-client", "64",
                               *options], cwd=PROJECT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: the workers it started go with it
            server.wait()


def clients(base: str, citing: list[str], cited: list[str], kinds: list[str] | None, threads: int, first: int,
            settle: float, seconds: float) -> tuple[list[float], list[str]]:
    """One client process: ``threads`` clients for ``settle`` + ``seconds``; the counted latencies, errors."""
    every = requests_for(base, citing, cited)
    chosen = {k: v for k, v in every.items() if not kinds or k in kinds}
    settling = Tally()
    until = time.monotonic() + settle
    runs = [threading.Thread(target=client, args=(chosen, until, first + i, settling)) for i in range(threads)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    tally = Tally()
    until = time.monotonic() + seconds
    runs = [threading.Thread(target=client, args=(chosen, until, 1000 + first + i, tally)) for i in range(threads)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    return [ms for values in tally.ms.values() for ms in values], [e for found in tally.errors.values() for e in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--settle", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--kinds", default="work lookup", help="kinds of request, comma-separated (http_load's)")
    parser.add_argument("--work", type=Path, default=PROJECT / "benchmarks" / "out")
    parser.add_argument("--serve-option", action="append", default=[], help="an option of kg serve (repeatable)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / f"store-{args.quads}"
    citing, cited = sampled_dois(path, args.quads, args.items)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    share = args.clients // args.client_processes
    rates: dict[int, list[float]] = {1: [], 2: []}
    print(f"{args.clients} clients ({args.client_processes} processes), {', '.join(kinds)}, on {path.name}; "
          f"{args.settle:g} s settling, then {args.seconds:g} s counted")
    print(f"  {'workers':>7} {'round':>5} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    context = multiprocessing.get_context("spawn")
    for round_ in range(args.rounds):
        for workers in (1, 2):
            with served(path, workers, tuple(args.serve_option)) as base, context.Pool(args.client_processes) as pool:
                jobs = [pool.apply_async(clients, (base, citing, cited, kinds, share, n * share, args.settle,
                                                   args.seconds)) for n in range(args.client_processes)]
                results = [j.get(timeout=args.settle + args.seconds + 300) for j in jobs]
            ms = [m for found, _ in results for m in found]
            errors = [e for _, found in results for e in found]
            rate = len(ms) / args.seconds
            rates[workers].append(rate)
            print(f"  {workers:>7} {round_ + 1:>5} {len(ms):>7} {rate:>8.1f} {pct(ms, 50):>8.1f} {pct(ms, 99):>8.1f} "
                  f"{len(errors):>7}", flush=True)
            for problem in sorted(set(errors))[:3]:
                print(f"      error: {problem[:160]}")
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"median requests/s: 1 worker {one:.1f}, 2 workers {two:.1f}; ratio {two / one:.2f}")


if __name__ == "__main__":
    main()
