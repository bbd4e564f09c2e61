"""What the graph store and the service description cost: figures, not assertions.

Builds an embedded store on disk with --graphs small named graphs (bulk-loaded), serves it with
``kg serve`` and an update token, and prints: the service description read cold (it lists 100 graphs
and counts them all) and warm (kept 60 s); a graph read from /store; a PUT of a graph of --triples
triples through the write path (the query workers stopped and restarted), and the first /sparql query
after it.

    python benchmarks/graph_store.py
    python benchmarks/graph_store.py --graphs 200000 --triples 20000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from pyoxigraph import RdfFormat

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.http_load import _free_port  # noqa: E402
from kg.store import Store  # noqa: E402

TOKEN = "benchmark-token"


def timed(call: object) -> float:
    started = time.perf_counter()
    answer = call()  # type: ignore[operator]
    answer.raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", type=int, default=50_000)
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "db"
        with Store.open(path) as store:
            nquads = "".join(f"<urn:x:s{n}> <urn:x:p> \"{n}\" <urn:x:g{n}> .\n" for n in range(args.graphs))
            store.ox.bulk_load(input=nquads.encode(), format=RdfFormat.N_QUADS)  # type: ignore[attr-defined]
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(path), "serve", "--port", str(port),
                                   "--log-level", "warning", "--update-token", TOKEN], cwd=PROJECT)
        try:
            for _ in range(300):
                try:
                    if requests.get(base + "/healthz", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            turtle = {"Accept": "text/turtle"}
            cold = timed(lambda: requests.get(base + "/sparql", headers=turtle, timeout=120))
            warm = [timed(lambda: requests.get(base + "/sparql", headers=turtle, timeout=120))
                    for _ in range(args.repeat)]
            reads = [timed(lambda n=n: requests.get(base + "/store", params={"graph": f"urn:x:g{n}"}, timeout=60))
                     for n in range(args.repeat)]
            body = "".join(f"<urn:y:s{n}> <urn:y:p> \"{n}\" .\n" for n in range(args.triples)).encode()
            auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"}
            puts = [timed(lambda: requests.put(base + "/store", params={"graph": "urn:y:g"}, data=body, headers=auth,
                                               timeout=300)) for _ in range(3)]
            after = timed(lambda: requests.get(base + "/sparql", params={"query": "ASK { <urn:y:s0> ?p ?o }"},
                                               timeout=60))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"store: {args.graphs:,} named graphs; PUT body {args.triples:,} triples ({len(body) / 1e6:.2f} MB)")
    print(f"service description, cold (list 100 graphs, count all): {cold * 1000:8.1f} ms")
    print(f"service description, warm (kept 60 s), median:          {statistics.median(warm) * 1000:8.1f} ms")
    print(f"GET /store?graph= (one small graph), median:            {statistics.median(reads) * 1000:8.1f} ms")
    print(f"PUT /store?graph= (write path, workers restarted), median: {statistics.median(puts) * 1000:8.1f} ms")
    print(f"first /sparql query after the PUT:                      {after * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
