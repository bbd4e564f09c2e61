"""Concurrent clients against ``kg serve`` on the ~1M-quad graph, for a fixed time.

Starts ``kg serve`` as its own process over the on-disk store that benchmarks/queries.py builds
(built here too if missing, cached in --work), then runs --clients clients for --seconds (threads,
spread over --client-processes processes, each with a keep-alive connection of its own), each
picking requests at random from a mixed workload:

- work lookups      GET /works/{doi}            (JSON)
- item pages        GET /works/{doi}            (HTML: chain drawn, related items, reuse, claims)
- related items     GET /api/related?id=...&limit=20
- evidence chains   GET /api/chain?id=...&depth=4
- simple SPARQL     GET /sparql?query=SELECT ... LIMIT 20   (through the query worker processes)
- GraphQL           POST /graphql  (a work with its citation count and first 10 references)

and prints requests/s, p50/p99 latency per kind and overall, /healthz latency meanwhile, and the
errors (which must be 0: any non-2xx answer or connection failure is one). The clients share the
machine with the server, so the figures are a floor for a dedicated host.

    python benchmarks/http_load.py                         # 8 clients, 30 s
    python benchmarks/http_load.py --clients 200 --seconds 60 --warm
    python benchmarks/http_load.py --kinds "work lookup,related items,evidence chain" --clients 32 --warm
    python benchmarks/http_load.py --project /tmp/kg-before   # the same load on another checkout of kg
    python benchmarks/http_load.py --cache-mb 0               # answers not kept (kg serve --cache-mb 0)
    python benchmarks/http_load.py --matrix --before /tmp/kg-before   # the table of docs/operations.md

--matrix (issue 17's table): each kind alone at 8, 32 and 64 clients, cold (``kg serve --cache-mb 0``:
every answer computed) and warm (every item of every kind asked once before the clock starts), beside
``oxigraph serve-read-only`` on the same store answering the kind's equivalent SPARQL (:data:`CEILING`:
the main query behind it; the ceiling) with the ratio; then lookups, related items and chains together
and the mixed workload at 32 clients warm, and the mixed workload at 200 clients for --long-seconds
with /healthz's latency. With --before, every run is made against that checkout too, right after.

/healthz is asked every --health-every seconds meanwhile, on a connection of its own each time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.queries import CITED, CITING, build, sample_items  # noqa: E402
from kg.ids import doi_from_iri  # noqa: E402
from kg.queries import load_query  # noqa: E402
from kg.store import with_values  # noqa: E402
from tests.conftest import _free_port, _oxigraph_binary  # noqa: E402

SPARQL = ("SELECT ?title ?year WHERE {{ <{iri}> <http://schema.org/name> ?title . "
          "OPTIONAL {{ <{iri}> <http://schema.org/datePublished> ?year }} }} LIMIT 20")
GRAPHQL = ("query($id: ID!) { work(id: $id) { doi titles { title } citationCount "
           "references(first: 10) { totalCount nodes { doi } } } }")
LOOKUPS = ("work lookup", "related items", "evidence chain")


class Conn:
    """One client's keep-alive HTTP/1.1 connection (http.client: a fraction of requests' cost per request,
    which matters when the clients share two cores with the server)."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: once more, on a new one
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body, headers or {})
                answer = self.conn.getresponse()
                return answer.status, answer.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


Send = Callable[[random.Random, Conn], tuple[int, bytes]]


def _q(path: str, **params: object) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}"


def requests_for(citing: list[str], cited: list[str]) -> dict[str, Send]:
    """Each kind of request to kg serve: a function of a random generator and a connection, sending one."""
    def work(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return c.request("GET", "/works/" + urllib.parse.quote(rng.choice(cited)),
                         headers={"Accept": "application/json"})

    def page(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return c.request("GET", "/works/" + urllib.parse.quote(rng.choice(citing)), headers={"Accept": "text/html"})

    def related(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return c.request("GET", _q("/api/related", id=rng.choice(cited), limit=20))

    def chain(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return c.request("GET", _q("/api/chain", id=rng.choice(citing), depth=4))

    def sparql(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return c.request("GET", _q("/sparql", query=SPARQL.format(iri=_iri(rng.choice(cited)))),
                         headers={"Accept": "application/sparql-results+json"})

    def graphql(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        status, body = c.request("POST", "/graphql", json.dumps({"query": GRAPHQL, "variables": {
            "id": rng.choice(citing)}}).encode(), {"Content-Type": "application/json"})
        return (status if b'"errors"' not in body else 599), body

    return {"work lookup": work, "item page": page, "related items": related, "evidence chain": chain,
            "simple SPARQL": sparql, "GraphQL work": graphql}


def _iri(doi: str) -> str:
    return "https://doi.org/" + urllib.parse.quote(doi, safe="/")


#: the ceiling of each kind: the main SPARQL query behind it, as oxigraph serve answers it
CEILING: dict[str, str] = {
    "work lookup": "description: CONSTRUCT { <w> ?p ?o } WHERE { GRAPH ?g { <w> ?p ?o } }",
    "item page": "the same description",
    "related items": "related_citing_works.rq, bound to the work (its first step)",
    "evidence chain": "evidence_hops.rq, bound to the work (one level of the chain)",
    "simple SPARQL": "the same SPARQL query",
    "GraphQL work": "the simple SPARQL query",
}


def ceilings_for(citing: list[str], cited: list[str]) -> dict[str, Send]:
    """Each kind's equivalent SPARQL (:data:`CEILING`) sent to oxigraph serve."""
    from pyoxigraph import NamedNode

    def ask(query: str, accept: str) -> Callable[[Conn], tuple[int, bytes]]:
        return lambda c: c.request("POST", "/query", query.encode(),
                                   {"Content-Type": "application/sparql-query", "Accept": accept})

    def describe(rng: random.Random, c: Conn, works: list[str]) -> tuple[int, bytes]:
        iri = _iri(rng.choice(works))
        query = f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"
        return ask(query, "application/n-triples")(c)

    related_rq, hops_rq = load_query("related_citing_works").text, load_query("evidence_hops").text

    def related(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        query = with_values(related_rq, {"target": NamedNode(_iri(rng.choice(cited)))})
        return ask(query, "application/sparql-results+json")(c)

    def chain(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        query = with_values(hops_rq, {"node": [NamedNode(_iri(rng.choice(citing)))]})
        return ask(query, "application/sparql-results+json")(c)

    def simple(rng: random.Random, c: Conn) -> tuple[int, bytes]:
        return ask(SPARQL.format(iri=_iri(rng.choice(cited))), "application/sparql-results+json")(c)

    return {"work lookup": lambda r, c: describe(r, c, cited), "item page": lambda r, c: describe(r, c, citing),
            "related items": related, "evidence chain": chain, "simple SPARQL": simple, "GraphQL work": simple}


class Nth(random.Random):
    """A "random" choice that is the ``n``-th item (modulo): to ask about every item once."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.n = n

    def choice(self, seq: Sequence[str]) -> str:  # type: ignore[override]
        return seq[self.n % len(seq)]


def warm_every_item(base: str, kinds: dict[str, Send], count: int, threads: int = 8) -> float:
    """Ask each kind about every item once (``count`` items), before the clock starts; the seconds it took."""
    started = time.perf_counter()
    jobs = [(send, n) for n in range(count) for send in kinds.values()]

    def run(share: list[tuple[Send, int]]) -> None:
        conn = Conn(base)
        for send, n in share:
            send(Nth(n), conn)
        conn.close()

    workers = [threading.Thread(target=run, args=(jobs[i::threads],)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return time.perf_counter() - started


@dataclass
class Tally:
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, other: Tally) -> None:
        for name, values in other.ms.items():
            self.ms[name].extend(values)
        for name, problems in other.errors.items():
            self.errors[name].extend(problems)


def client(base: str, kinds: dict[str, Send], until: float, seed: int, tally: Tally, lock: threading.Lock) -> None:
    rng = random.Random(seed)
    names = sorted(kinds)
    conn = Conn(base)
    while time.time() < until:
        name = rng.choice(names)
        start = time.perf_counter()
        try:
            status, body = kinds[name](rng, conn)
            problem = None if 200 <= status < 300 else f"HTTP {status}: {body[:200]!r}"
        except (OSError, http.client.HTTPException) as e:
            problem = f"{type(e).__name__}: {e}"
            conn.close()
            conn = Conn(base)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            (tally.errors[name].append(problem) if problem else tally.ms[name].append(elapsed))
    conn.close()


#: set in the parent before the client processes fork: what they send (functions do not pickle)
_KINDS: dict[str, Send] = {}


def _clients_process(base: str, names: list[str], clients: int, until: float, seed: int
                     ) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    tally, lock = Tally(), threading.Lock()
    kinds = {n: _KINDS[n] for n in names}
    threads = [threading.Thread(target=client, args=(base, kinds, until, seed + i, tally, lock))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return dict(tally.ms), dict(tally.errors)


def load(base: str, kinds: dict[str, Send], clients: int, seconds: float, processes: int,
         health_every: float | None = None,
         health_port: str | None = None) -> tuple[Tally, float, list[float], list[float]]:
    """``clients`` clients over ``processes`` processes for ``seconds``: the tally, the wall time and the
    /healthz latencies asked meanwhile (when ``health_every``), on the service's port and on
    ``health_port`` (a base URL: kg serve --health-port) when given."""
    _KINDS.clear()
    _KINDS.update(kinds)
    processes = max(1, min(processes, clients))
    context = multiprocessing.get_context("fork")
    until = time.time() + seconds
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with context.Pool(processes + 2) as pool:
        started = time.perf_counter()
        probing = pool.apply_async(probe_process, (base, seconds, health_every)) if health_every else None
        also = (pool.apply_async(probe_process, (health_port, seconds, health_every))
                if health_port and health_every else None)
        running = [pool.apply_async(_clients_process, (base, sorted(kinds), n, until, 1000 * i))
                   for i, n in enumerate(shares)]
        tally = Tally()
        for r in running:
            ms, errors = r.get(timeout=seconds + 300)
            tally.add(Tally(defaultdict(list, ms), defaultdict(list, errors)))
        wall = time.perf_counter() - started
        health = probing.get(timeout=120) if probing is not None else []
        on_port = also.get(timeout=120) if also is not None else []
    return tally, wall, health, on_port


#: whether the /healthz probe runs in a session of its own (--probe-session): see probe_process
PROBE_SESSION: list[bool] = [True]


def probe_process(base: str, seconds: float, every: float) -> list[float]:
    """:func:`probe` for ``seconds``, in a process of its own: the latencies. Unless ``--no-probe-session``,
    in a session of its own (``setsid``), as an orchestrator's or a load balancer's probe is: where Linux
    groups each session's processes for CPU (autogroup), the probe then does not wait behind the load's
    client threads, and what it measures is the service's answer, not the load generator's queue."""
    if PROBE_SESSION[0]:
        os.setsid()
    health: list[float] = []
    probe(base, time.monotonic() + seconds, health, every)
    return health


def probe(base: str, until: float, health: list[float], every: float = 0.5) -> None:
    """Ask /healthz every ``every`` seconds until ``until``: each latency in ms (inf when unanswered in 30 s)."""
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            ok = requests.get(base + "/healthz", timeout=30).ok
        except requests.RequestException:
            ok = False
        health.append((time.perf_counter() - start) * 1000 if ok else float("inf"))
        time.sleep(every)


def _wait_for(url: str, process: subprocess.Popen[bytes], what: str, timeout: float) -> None:
    """Return once ``url`` answers 200; raise when ``process`` exits or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode} before answering")
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url} within {timeout:g} s")


#: the pid of the server the last :func:`served` or :func:`oxigraph_served` started (for :func:`cpu_seconds`)
SERVER_PID: list[int] = []


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` and its descendants alive now have used so far, in
    seconds (Linux /proc): a kg serve's workers and /sparql query processes included."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    tree, total = {pid}, 0.0
    for _ in range(4):  # children, grandchildren...
        tree |= {p for p, (parent, _) in stats.items() if parent in tree}
    for p in tree:
        total += stats.get(p, (0, 0.0))[1]
    return total


#: whether the servers run in a session of their own (--server-session): see _process
SERVER_SESSION: list[bool] = [False]


@contextmanager
def _process(command: list[str], cwd: Path, url: str, what: str, timeout: float) -> Iterator[None]:
    """``command`` started in ``cwd``, once ``url`` answers. With ``--server-session``, in a session of its own
    (``setsid``), as a service started by systemd or docker is: where Linux groups each session's processes
    for CPU (autogroup), the server then gets one group's share of a busy machine, apart from the load's
    client threads (kg serve and oxigraph serve alike). Not the default: on the shared 2-core machine the
    figures of docs/operations.md come from, it halved kg serve's requests/s (and took /healthz's p99 on
    the service's port from ~400 to ~55 ms)."""
    process = subprocess.Popen(command, cwd=cwd, start_new_session=SERVER_SESSION[0])
    SERVER_PID[:] = [process.pid]
    try:
        _wait_for(url, process, what, timeout)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def served(path: Path, project: Path = PROJECT, options: Sequence[str] = (), timeout: float = 600) -> Iterator[str]:
    """``kg serve`` of the checkout ``project`` over the store at ``path``, as its own process on a free
    port, once /healthz says it is up (a large store may take minutes to open on a busy machine); its URL."""
    base = f"http://127.0.0.1:{_free_port()}"
    # the clients all come from 127.0.0.1, one client address to the service: let it use every worker
    command = [sys.executable, "-m", "kg", "--store", str(path), "serve", "--port", base.rsplit(":", 1)[1],
               "--log-level", "warning", "--queries-per-client", "64", *options]
    with _process(command, project, base + "/healthz", f"kg serve ({project})", timeout):
        yield base


@contextmanager
def oxigraph_served(path: Path, timeout: float = 600) -> Iterator[str]:
    """``oxigraph serve-read-only`` over the same store (the union of its graphs as default graph)."""
    binary = _oxigraph_binary()
    if binary is None:
        raise SystemExit("no oxigraph binary (pip install oxigraph) for the ceiling")
    base = f"http://127.0.0.1:{_free_port()}"
    command = [binary, "serve-read-only", "--location", str(path), "--bind", base.removeprefix("http://"),
               "--union-default-graph"]
    with _process(command, PROJECT, base + "/query?query=ASK%7B%7D", "oxigraph serve", timeout):
        yield base


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0.0)


@dataclass(frozen=True)
class Figures:
    count: int
    rate: float
    p50: float
    p99: float
    errors: int

    @classmethod
    def of(cls, ms: list[float], errors: int, wall: float) -> Figures:
        return cls(len(ms), len(ms) / wall, pct(ms, 50), pct(ms, 99), errors)


def health_line(what: str, probes: list[float]) -> str:
    """``what``: how many /healthz probes were asked, unanswered (inf), and the answered ones' times."""
    answered = [h for h in probes if h != float("inf")]
    return (f"{what}: {len(probes)} asked, {len(probes) - len(answered)} unanswered, p50 {pct(answered, 50):.0f} ms, "
            f"p99 {pct(answered, 99):.0f} ms, max {max(answered, default=0):.0f} ms")


def sampled_dois(path: Path, quads: int, items: int) -> tuple[list[str], list[str]]:
    """The DOIs of up to ``items`` citing and ``items`` cited works of the store at ``path`` (of about
    ``quads`` quads, built first when absent): the works the load asks about."""
    store = build(path, quads)
    try:
        if store.complete_summary() is None:  # kg load and kg bulk-load keep one; without it, the store path
            print(f"{path}: no complete metrics summary: answers take the store path (kg --store {path} "
                  "index-metrics)", flush=True)
        citing, cited = ([d for d in (doi_from_iri(w.value) for w in sample_items(store, items, pattern)) if d]
                         for pattern in (CITING, CITED))
        return citing, cited
    finally:
        store.close()


def report(tally: Tally, wall: float, health: list[float], kinds: Sequence[str], title: str,
           health_every: float | None) -> int:
    every = [ms for values in tally.ms.values() for ms in values]
    errors = sum(len(e) for e in tally.errors.values())
    print(f"\n{title}")
    print(f"  {'request':<16} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name in sorted(kinds):
        ms = tally.ms[name]
        print(f"  {name:<16} {len(ms):>7} {len(ms) / wall:>8.1f} {pct(ms, 50):>8.1f} {pct(ms, 99):>8.1f} "
              f"{len(tally.errors[name]):>7}")
    print(f"  {'all':<16} {len(every):>7} {len(every) / wall:>8.1f} {pct(every, 50):>8.1f} {pct(every, 99):>8.1f} "
          f"{errors:>7}")
    if health_every:
        print(health_line(f"  /healthz every {health_every:g} s meanwhile", health))
    for name, problems in tally.errors.items():
        for problem in problems[:3]:
            print(f"  error ({name}): {problem}")
    return errors


def one_run(args: argparse.Namespace, path: Path, citing: list[str], cited: list[str]) -> int:
    options = (*(("--cache-mb", str(args.cache_mb)) if args.cache_mb is not None else ()), *args.serve_option,
               *(("--health-port", str(args.health_port)) if args.health_port else ()))
    with served(path, args.project, options) as base:
        kinds = requests_for(citing, cited)
        if args.kinds:
            kinds = {k: v for k, v in kinds.items() if k in {n.strip() for n in args.kinds.split(",")}}
        warm_every_item(base, kinds, 1, threads=1)  # each path once, before the clock starts
        if args.warm:
            print(f"warmed: every item of every kind asked once in {warm_every_item(base, kinds, len(citing)):.0f} s")
        port = f"http://127.0.0.1:{args.health_port}" if args.health_port else None
        pid, cpu = SERVER_PID[0], cpu_seconds(SERVER_PID[0])
        tally, wall, health, on_port = load(base, kinds, args.clients, args.seconds, args.client_processes,
                                            args.health_every, port)
        cpu = cpu_seconds(pid) - cpu
    answered = sum(len(v) for v in tally.ms.values())
    print(f"\n  kg serve's processes: {cpu:.1f} s of CPU, {1000 * cpu / max(answered, 1):.2f} ms per answer "
          f"({100 * cpu / wall:.0f} % of a core)")
    if on_port:
        print(health_line(f"\n  /healthz on --health-port {args.health_port} meanwhile", on_port))
    return report(tally, wall, health, list(kinds), f"{args.clients} clients for {wall:.0f} s against kg serve "
                  f"({args.project}) on {path.name} ({len(citing)} citing and {len(cited)} cited works asked about)",
                  args.health_every)


def matrix(args: argparse.Namespace, path: Path, citing: list[str], cited: list[str]) -> int:
    """Issue 17's table (see the module's description); --kinds chooses its rows."""
    kinds = requests_for(citing, cited)
    if args.kinds:
        kinds = {k: v for k, v in kinds.items() if k in {n.strip() for n in args.kinds.split(",")}}
    counts = [int(n) for n in args.matrix_clients.split(",")]
    cold_counts = [int(n) for n in (args.cold_clients or args.matrix_clients).split(",")]
    projects = [("after", args.project)] + ([("before", args.before)] if args.before else [])
    errors = 0

    def alone(base: str, sends: dict[str, Send], clients: int) -> dict[str, Figures]:
        found = {}
        for name, send in sends.items():
            tally, wall, *_ = load(base, {name: send}, clients, args.seconds, args.client_processes)
            found[name] = Figures.of(tally.ms[name], len(tally.errors[name]), wall)
            print(f"    {name:<16} {clients:>3} clients: {_cell(found[name])}", flush=True)
        return found

    print(f"ceiling: oxigraph serve-read-only on {path.name}", flush=True)
    ceiling: dict[int, dict[str, Figures]] = {}
    with oxigraph_served(path) as base:
        sends = ceilings_for(citing, cited)
        same = {"item page": "work lookup", "GraphQL work": "simple SPARQL"}
        distinct = {same.get(k, k): sends[same.get(k, k)] for k in kinds}
        for n in counts:
            found = alone(base, distinct, n)
            ceiling[n] = {k: found[same.get(k, k)] for k in kinds}
    table: dict[tuple[str, str, int], dict[str, Figures]] = {}
    extra: list[str] = []
    for label, project in projects:
        for temperature in ("cold", "warm"):
            options = ["--cache-mb", "0"] if temperature == "cold" else []
            if temperature == "warm" and args.health_port:
                options += ["--health-port", str(args.health_port)]
            port = f"http://127.0.0.1:{args.health_port}" if args.health_port and temperature == "warm" else None
            print(f"{label} ({project}), {temperature}", flush=True)
            with served(path, project, [*options, *args.serve_option]) as base:
                if temperature == "warm":
                    print(f"  warmed in {warm_every_item(base, kinds, len(citing)):.0f} s", flush=True)
                for n in (counts if temperature == "warm" else cold_counts):
                    table[label, temperature, n] = alone(base, kinds, n)
                    errors += sum(f.errors for f in table[label, temperature, n].values())
                if temperature == "warm":
                    for names, title in ((LOOKUPS, "lookups, related and chains together"), (kinds, "mixed")):
                        chosen = {k: kinds[k] for k in names if k in kinds}
                        tally, wall, health, on_port = load(base, chosen, 32, args.seconds, args.client_processes,
                                                            0.5, port)
                        errors += report(tally, wall, health, list(chosen), f"{label}: {title}, 32 clients warm, "
                                         f"{wall:.0f} s", 0.5)
                        extra.append(_row(label, f"{title}, 32 clients warm", tally, wall, health, on_port))
                    tally, wall, health, on_port = load(base, kinds, 200, args.long_seconds, args.client_processes,
                                                        0.5, port)
                    errors += report(tally, wall, health, list(kinds), f"{label}: mixed, 200 clients warm, "
                                     f"{wall:.0f} s", 0.5)
                    extra.append(_row(label, f"mixed, 200 clients warm, {wall:.0f} s", tally, wall, health, on_port))
    print(f"\nEach kind alone, {args.seconds:g} s a cell, req/s, p50 ms, p99 ms; ceiling = oxigraph serve answering "
          "the kind's main SPARQL query; ratio = warm req/s / ceiling req/s\n")
    print("| kind | clients | " + " | ".join(f"{label} cold | {label} warm | {label} warm/ceiling"
                                            for label, _ in projects) + " | ceiling |")
    print("| --- | --- | " + " | ".join("--- | --- | ---" for _ in projects) + " | --- |")
    for name in kinds:
        for n in counts:
            cells = []
            for label, _ in projects:
                cold, warm = table.get((label, "cold", n), {}).get(name), table[label, "warm", n][name]
                cells.append(f"{_cell(cold) if cold else '-'} | {_cell(warm)} | "
                             f"{warm.rate / max(ceiling[n][name].rate, 1e-9):.2f}")
            print(f"| {name} | {n} | " + " | ".join(cells) + f" | {_cell(ceiling[n][name])} |")
    print("\n| checkout | load | req/s | p50 ms | p99 ms | errors | /healthz p50 / p99 ms "
          "| --health-port p50 / p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(extra))
    return errors


def _row(label: str, title: str, tally: Tally, wall: float, health: list[float], on_port: list[float]) -> str:
    every = [ms for v in tally.ms.values() for ms in v]
    port = f"{pct(on_port, 50):.0f} / {pct(on_port, 99):.0f}" if on_port else "-"
    return (f"| {label} | {title} | {len(every) / wall:.0f} | {pct(every, 50):.1f} | {pct(every, 99):.1f} | "
            f"{sum(len(e) for e in tally.errors.values())} | {pct(health, 50):.0f} / {pct(health, 99):.0f} | {port} |")


def _cell(f: Figures) -> str:
    return f"{f.rate:.0f} /s, {f.p50:.1f} / {f.p99:.1f} ms" + (f", {f.errors} errors" if f.errors else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--items", type=int, default=200, help="distinct works the clients ask about")
    parser.add_argument("--work", type=Path, default=PROJECT / "benchmarks" / "out")
    parser.add_argument("--kinds", help="only these kinds of request, comma-separated (default: all)")
    parser.add_argument("--project", type=Path, default=PROJECT, help="the checkout of kg to serve")
    parser.add_argument("--cache-mb", type=int, help="kg serve --cache-mb (default: kg serve's)")
    parser.add_argument("--warm", action="store_true",
                        help="ask each kind about every item once before the clock starts (a warm cache)")
    parser.add_argument("--serve-option", action="append", default=[],
                        help="an option of kg serve, e.g. --serve-option=--threads=8 (repeatable)")
    parser.add_argument("--health-every", type=float, default=0.5, help="seconds between two /healthz probes")
    parser.add_argument("--health-port", type=int,
                        help="kg serve --health-port: /healthz is probed there too, beside the service's port")
    parser.add_argument("--client-processes", type=int, default=2, help="processes the client threads run in")
    parser.add_argument("--server-session", action=argparse.BooleanOptionalAction, default=False,
                        help="start kg serve (and oxigraph serve) in a session of their own, as a service is, "
                             "not in the load generator's (see _process)")
    parser.add_argument("--probe-session", action=argparse.BooleanOptionalAction, default=True,
                        help="probe /healthz from a process in a session of its own (default), as an "
                             "orchestrator would, not from within the load generator's (see probe_process)")
    parser.add_argument("--matrix", action="store_true", help="issue 17's table (see above)")
    parser.add_argument("--matrix-clients", default="8,32,64")
    parser.add_argument("--cold-clients", help="--matrix: the client counts of the cold runs (default: the same)")
    parser.add_argument("--long-seconds", type=float, default=60, help="--matrix: the 200-client run's length")
    parser.add_argument("--before", type=Path, help="--matrix: another checkout to run every load against too")
    args = parser.parse_args()
    PROBE_SESSION[0], SERVER_SESSION[0] = args.probe_session, args.server_session
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / f"store-{args.quads}"
    citing, cited = sampled_dois(path, args.quads, args.items)
    errors = matrix(args, path, citing, cited) if args.matrix else one_run(args, path, citing, cited)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
