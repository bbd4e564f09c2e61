"""Concurrent clients against ``kg serve`` on the ~1M-quad graph, for a fixed time.

Starts ``kg serve`` as its own process over the on-disk store that benchmarks/queries.py builds
(built here too if missing, cached in --work), then runs --clients client threads for --seconds,
each picking requests at random from a mixed workload:

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
    python benchmarks/http_load.py --clients 16 --seconds 60
    python benchmarks/http_load.py --kinds "work lookup,related items,evidence chain" --clients 32
    python benchmarks/http_load.py --project /tmp/kg-before   # the same load on another checkout of kg
    python benchmarks/http_load.py --cache-mb 0               # answers not kept (kg serve --cache-mb 0)

/healthz is asked every --health-every seconds meanwhile, on a connection of its own each time.
"""

from __future__ import annotations

import argparse
import multiprocessing
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
from tests.conftest import _free_port  # noqa: E402

SPARQL = ("SELECT ?title ?year WHERE {{ <{iri}> <http://schema.org/name> ?title . "
          "OPTIONAL {{ <{iri}> <http://schema.org/datePublished> ?year }} }} LIMIT 20")
GRAPHQL = ("query($id: ID!) { work(id: $id) { doi titles { title } citationCount "
           "references(first: 10) { totalCount nodes { doi } } } }")


@dataclass
class Tally:
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)


Send = Callable[[random.Random, requests.Session], requests.Response]


def requests_for(base: str, citing: list[str], cited: list[str]) -> dict[str, Send]:
    """Each kind of request: a function of a random generator that sends one and returns the response."""
    def work(rng: random.Random, s: requests.Session) -> requests.Response:
        return s.get(f"{base}/works/{rng.choice(cited)}", headers={"Accept": "application/json"}, timeout=60)

    def page(rng: random.Random, s: requests.Session) -> requests.Response:
        return s.get(f"{base}/works/{rng.choice(citing)}", headers={"Accept": "text/html"}, timeout=60)

    def related(rng: random.Random, s: requests.Session) -> requests.Response:
        return s.get(f"{base}/api/related", params={"id": rng.choice(cited), "limit": 20}, timeout=60)

    def chain(rng: random.Random, s: requests.Session) -> requests.Response:
        return s.get(f"{base}/api/chain", params={"id": rng.choice(citing), "depth": 4}, timeout=60)

    def sparql(rng: random.Random, s: requests.Session) -> requests.Response:
        query = SPARQL.format(iri="https://doi.org/" + urllib.parse.quote(rng.choice(cited), safe="/"))
        return s.get(f"{base}/sparql", params={"query": query},
                     headers={"Accept": "application/sparql-results+json"}, timeout=60)

    def graphql(rng: random.Random, s: requests.Session) -> requests.Response:
        return s.post(f"{base}/graphql", json={"query": GRAPHQL, "variables": {"id": rng.choice(citing)}},
                      timeout=60)

    return {"work lookup": work, "item page": page, "related items": related, "evidence chain": chain,
            "simple SPARQL": sparql, "GraphQL work": graphql}


class Nth(random.Random):
    """A "random" choice that is the ``n``-th item (modulo): to ask about every item once."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.n = n

    def choice(self, seq: Sequence[str]) -> str:  # type: ignore[override]
        return seq[self.n % len(seq)]


def warm_every_item(kinds: dict[str, Send], count: int, threads: int = 8) -> float:
    """Ask each kind about every item once (``count`` items), before the clock starts; the seconds it took."""
    started = time.perf_counter()
    jobs = [(send, n) for n in range(count) for send in kinds.values()]

    def run(share: list[tuple[Send, int]]) -> None:
        with requests.Session() as session:
            for send, n in share:
                send(Nth(n), session)

    workers = [threading.Thread(target=run, args=(jobs[i::threads],)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return time.perf_counter() - started


def client(kinds: dict[str, Send], until: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    names = sorted(kinds)
    with requests.Session() as session:
        while time.monotonic() < until:
            name = rng.choice(names)
            start = time.perf_counter()
            try:
                answer = kinds[name](rng, session)
                problem = None if answer.ok and not (name == "GraphQL work" and answer.json().get("errors")) \
                    else f"HTTP {answer.status_code}: {answer.text[:200]}"
            except requests.RequestException as e:
                problem = f"{type(e).__name__}: {e}"
            elapsed = (time.perf_counter() - start) * 1000
            with tally.lock:
                (tally.errors[name].append(problem) if problem else tally.ms[name].append(elapsed))


def probe_process(base: str, seconds: float, every: float) -> list[float]:
    """:func:`probe` for ``seconds``, in a process of its own: the latencies."""
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


@contextmanager
def served(path: Path, project: Path = PROJECT, options: tuple[str, ...] = ()) -> Iterator[str]:
    """``kg serve`` of the checkout ``project`` over the store at ``path``, as its own process on a free
    port; its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # the clients all come from 127.0.0.1, one client address to the service: let it use every worker
    server = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(path), "serve", "--port", str(port),
                               "--log-level", "warning", "--queries-per-client", "64", *options], cwd=project)
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0.0)


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
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / f"store-{args.quads}"
    store = build(path, args.quads)
    citing = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.items, CITING)) if d]
    cited = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.items, CITED)) if d]
    store.close()

    options = (*(("--cache-mb", str(args.cache_mb)) if args.cache_mb is not None else ()), *args.serve_option)
    with served(path, args.project, options) as base:
        kinds = requests_for(base, citing, cited)
        if args.kinds:
            kinds = {k: v for k, v in kinds.items() if k in {n.strip() for n in args.kinds.split(",")}}
        with requests.Session() as warm:  # each path once, before the clock starts
            for send in kinds.values():
                send(random.Random(0), warm)
        if args.warm:
            print(f"warmed: every item of every kind asked once in {warm_every_item(kinds, len(citing)):.0f} s")
        tally = Tally()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(kinds, until, i, tally)) for i in range(args.clients)]
        # /healthz from a process of its own: the client threads here would delay its own reading of the answers
        prober = multiprocessing.get_context("fork").Pool(1)
        probing = prober.apply_async(probe_process, (base, args.seconds, args.health_every))
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        health = probing.get(timeout=120)
        prober.close()

    every = [ms for values in tally.ms.values() for ms in values]
    errors = sum(len(e) for e in tally.errors.values())
    print(f"\n{args.clients} clients for {wall:.0f} s against kg serve ({args.project}) on {path.name} "
          f"({len(citing)} citing and {len(cited)} cited works asked about)")
    print(f"  {'request':<16} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name in sorted(kinds):
        ms = tally.ms[name]
        print(f"  {name:<16} {len(ms):>7} {len(ms) / wall:>8.1f} {pct(ms, 50):>8.1f} {pct(ms, 99):>8.1f} "
              f"{len(tally.errors[name]):>7}")
    print(f"  {'all':<16} {len(every):>7} {len(every) / wall:>8.1f} {pct(every, 50):>8.1f} {pct(every, 99):>8.1f} "
          f"{errors:>7}")
    answered = [h for h in health if h != float("inf")]
    print(f"  /healthz every {args.health_every:g} s meanwhile: {len(health)} asked, "
          f"{len(health) - len(answered)} unanswered, "
          f"p50 {pct(answered, 50):.0f} ms, p99 {pct(answered, 99):.0f} ms, max {max(answered, default=0):.0f} ms")
    for name, problems in tally.errors.items():
        for problem in problems[:3]:
            print(f"  error ({name}): {problem}")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
