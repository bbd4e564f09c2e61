"""The attacks of issue 13, each against a real process on 127.0.0.1: how long until it is refused,
the peak memory of the process under attack, and how long /healthz takes meanwhile.

Starts ``kg serve`` over the sample graph plus 3,000 triples (as tests/hostile does: enough for a
sorted cross join to need gigabytes), with the limits of tests/hostile (15 s queries, 1 GB per query
worker, 1 MB answers, one query per client at a time), then runs, one after the other:

- GraphQL fragment bomb      40 levels of fragments spreading the next one twice
- SPARQL cross join          every pair of quads, sorted
- CONCAT doubling            a row of 2^40 characters by nested BINDs
- 1 MB trace, 4 at once      one sentence citing a DOI, repeated to 1 MB, POSTed to /api/trace
- dripping HTTP client       a request body sent a byte a second
- gzip bomb load             ``kg load`` of 400 MB of JSON in a 400 KB gzip file
- dripping harvest server    ``kg harvest crossref`` from a server sending a byte every half second
                             (with ``KG_HTTP_DEADLINE=10``; the default is 300 s)

For the web attacks the memory is the ``kg serve`` process's peak (VmHWM; the /sparql query workers
are processes of their own, stopped at their limit); for the command-line ones the command's own.
Figures, not assertions: the tests assert the behaviour (tests/hostile).

    python benchmarks/hostile.py
"""

from __future__ import annotations

import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.store import Store  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

SENTENCE = "The structure was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2) last year. "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def under_attack(base: str, attack: Callable[[], str]) -> tuple[float, str, list[float]]:
    """Run ``attack`` in a thread, asking /healthz every 0.2 s: seconds taken, its outcome, /healthz latencies."""
    outcome: list[str] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: outcome.append(attack()))
    thread.start()
    health: list[float] = []
    while thread.is_alive():
        asked = time.monotonic()
        try:
            ok = requests.get(base + "/healthz", timeout=60).status_code == 200
        except requests.RequestException:
            ok = False
        health.append(time.monotonic() - asked if ok else float("inf"))
        time.sleep(0.2)
    thread.join()
    return time.monotonic() - started, outcome[0] if outcome else "?", health


def fragment_bomb(levels: int) -> str:
    spreads = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return "\n".join(["query { ...F0 }", *spreads,
                      f'fragment F{levels} on Query {{ work(id: "10.5555/kg-sample.data") {{ id }} }}'])


def doublings(levels: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(levels))
    return f'SELECT ?x{levels} WHERE {{ BIND("x" AS ?x0) {binds} }}'


def status(answer: requests.Response) -> str:
    """The status, the size of the answer, and its error type when it is one."""
    try:
        kind = answer.json()["error"]["type"] if answer.status_code >= 400 else ""
    except (ValueError, KeyError, TypeError):
        kind = ""
    return f"HTTP {answer.status_code} {kind}, {len(answer.content):,} bytes".replace(" ,", ",")


def web_attacks(base: str) -> dict[str, Callable[[], str]]:
    def graphql() -> str:
        return status(requests.post(base + "/graphql", json={"query": fragment_bomb(40)}, timeout=300))

    def cross_join() -> str:
        return status(requests.post(base + "/sparql", data={"query": "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } "
                                                             "ORDER BY ?f"}, timeout=300))

    def concat() -> str:
        return status(requests.post(base + "/sparql", data={"query": doublings(40)}, timeout=300))

    def trace() -> str:
        text = SENTENCE * (1_000_000 // len(SENTENCE))
        answers: list[requests.Response] = []
        threads = [threading.Thread(target=lambda: answers.append(
            requests.post(base + "/api/trace", json={"text": text}, timeout=600))) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return "; ".join(status(a) for a in answers)

    def drip() -> str:
        where = urlsplit(base)
        with socket.create_connection((where.hostname, where.port), timeout=120) as s:
            s.sendall(b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 100000\r\n\r\n")
            s.settimeout(1.0)
            answer = b""
            for _ in range(120):
                try:
                    s.sendall(b"x")
                    chunk = s.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                answer += chunk
            return answer.split(b"\r\n", 1)[0].decode() or "no answer"

    return {"GraphQL fragment bomb (40 levels)": graphql, "SPARQL sorted cross join": cross_join,
            "CONCAT doubling (2^40)": concat, "1 MB trace, 4 at once": trace, "dripping HTTP client": drip}


def command(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str, float]:
    """Run ``python -m kg ...``: seconds, its last line of output, its peak memory (MB)."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=PROJECT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    _, code, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode() if process.stdout else ""
    last = [line for line in out.splitlines() if line.strip()][-1:] or [""]
    outcome = f"exit {os.waitstatus_to_exitcode(code)}: {last[0][:110]}"
    return time.monotonic() - started, outcome, usage.ru_maxrss / 1024


class _Drip(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(240):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kg-hostile-") as work:
        directory = Path(work)
        location = str(directory / "db")
        with Store.open(location) as store:
            load(store, read_paths([PROJECT / "samples"]))
            store.update("INSERT DATA { GRAPH <urn:kg-test:extra> { "
                         + " ".join(f'<urn:kg-test:s{i}> <urn:kg-test:p> "{i}" .' for i in range(3000)) + " } }")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (directory / "serve.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "kg", "--store", location, "serve", "--port", str(port),
                                   "--query-timeout", "15", "--query-memory-mb", "1024", "--max-answer-bytes",
                                   "1000000", "--queries-per-client", "1", "--log-level", "warning"],
                                  cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                try:
                    if requests.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.5)
            idle = []
            for _ in range(5):
                asked = time.monotonic()
                requests.get(base + "/healthz", timeout=60)
                idle.append(time.monotonic() - asked)
            print(f"kg serve started: peak {peak_mb(server.pid):.0f} MB; /healthz idle "
                  f"{statistics.median(idle) * 1000:.0f} ms")
            print(f"{'attack':38} {'refused in':>10} {'peak MB':>8} {'/healthz p50/max ms':>20}  outcome")
            for name, attack in web_attacks(base).items():
                seconds, outcome, health = under_attack(base, attack)
                finite = [h for h in health if h != float("inf")]
                failed = len(health) - len(finite)
                latency = (f"{statistics.median(finite) * 1000:.0f}/{max(finite) * 1000:.0f}" if finite else "-") + (
                    f" ({failed} failed)" if failed else "")
                print(f"{name:38} {seconds:9.1f}s {peak_mb(server.pid):8.0f} {latency:>20}  {outcome}")
        finally:
            server.terminate()
            server.wait(30)
            log.close()
        bomb = directory / "bomb.json.gz"
        with gzip.open(bomb, "wb", compresslevel=6) as out:
            # a work-list answer: one document, refused at KG_MAX_DOCUMENT_BYTES (an array of records,
            # ``{"items": [...]}``, is read item by item: its blank space is refused at KG_MAX_RECORD_BYTES)
            out.write(b'{"message-type": "work-list", "message": {"items": [')
            block = b" " * (1 << 20)
            for _ in range(400):
                out.write(block)
            out.write(b"]}}")
        seconds, outcome, peak = command(["--store", str(directory / "load-db"), "load", str(bomb)])
        print(f"{'gzip bomb load (400 MB in 0.4 MB)':38} {seconds:9.1f}s {peak:8.0f} {'-':>20}  {outcome}")
        drip = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
        threading.Thread(target=drip.serve_forever, daemon=True).start()
        try:
            seconds, outcome, peak = command(["--store", str(directory / "harvest-db"), "harvest", "crossref", "--api",
                                              f"http://127.0.0.1:{drip.server_address[1]}", "--doi", "10.5555/kg.ok",
                                              "--cache-dir", str(directory / "cache")],
                                             {"KG_HTTP_DEADLINE": "10"})
        finally:
            drip.shutdown()
        print(f"{'dripping harvest server':38} {seconds:9.1f}s {peak:8.0f} {'-':>20}  {outcome}")


if __name__ == "__main__":
    main()
