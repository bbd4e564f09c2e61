"""A catalogue query over Virtuoso's ``/sparql-auth`` (HTTP Digest) through several HTTP transports, interleaved
request by request in one process, so that the machine's load falls on all alike: p50/p95/max of each, the
Digest challenges met, and the sockets each leaves in TIME_WAIT.

- kg before: urllib's Digest handler (a 401 and a new connection a query), the opener kg had;
- kg, the challenge answered before being asked, a new connection a query;
- kg now: the challenge answered, kept-alive connections (kg.store.credentials, kg.store.remote_http);
- the anonymous ``/sparql`` through urllib (no Digest), for scale.

It starts a private Virtuoso (tests.conftest.running_virtuoso) in --work and loads ``samples/`` into it.

    python benchmarks/digest.py --work /tmp/digest --requests 500
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import kg.store.credentials as credentials  # noqa: E402
from kg.queries import load_query  # noqa: E402
from kg.store import Store  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402
from tests.conftest import running_virtuoso  # noqa: E402


class _OldDigest(urllib.request.HTTPDigestAuthHandler):
    """The handler kg had: urllib's, closing the 401 it retries after; no challenge kept."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        fp.read()
        fp.close()
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        finally:
            self.reset_retry_count()


def through(opener: urllib.request.OpenerDirector, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with urllib's process-wide opener (which SPARQLWrapper sends with) set to ``opener``."""
    def run() -> object:
        saved = urllib.request._opener  # type: ignore[attr-defined]
        urllib.request.install_opener(opener)
        try:
            return call()
        finally:
            urllib.request.install_opener(saved)
    return run


def time_wait(port: int) -> int:
    """Sockets in TIME_WAIT with ``port`` at either end."""
    out = subprocess.run(["ss", "-tan", "state", "time-wait"], capture_output=True, text=True, check=False).stdout
    return sum(f":{port} " in f"{line} " for line in out.splitlines())


def figures(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"p50 {ms[len(ms) // 2]:7.1f}  p95 {ms[int(len(ms) * 0.95)]:7.1f}  max {ms[-1]:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a folder for the private Virtuoso")
    parser.add_argument("--requests", type=int, default=500, help="requests each transport sends")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    os.environ.setdefault("KG_CUE_INDEX_DIR", str(args.work / "cues"))  # the remote store's cue index file
    with running_virtuoso(args.work, 10_000) as server:
        store = Store.open(server.url)
        load(store, read_paths([PROJECT / "samples"]))
        work = store.select("SELECT ?w WHERE { GRAPH ?g { ?w a ?t } } LIMIT 1").rows[0][0]
        text = load_query("work_summaries").text
        now = Store.open(server.url)

        def ask() -> object:
            return now.select(text, {"work": [work]})

        ask()  # the opener installed, the challenge met
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, now.url, "dba", "dba")
        body = urllib.parse.urlencode({"query": f"SELECT * WHERE {{ <{work.value}> ?p ?o }}"}).encode()
        anonymous = urllib.request.Request(f"http://127.0.0.1:{server.http_port}/sparql", body,
                                           {"Accept": "application/sparql-results+json"})

        def ask_anonymously() -> object:
            with urllib.request.urlopen(anonymous) as answer:
                return answer.read()

        transports: dict[str, Callable[[], object]] = {
            "kg before: urllib Digest, a 401 and a new connection a query":
                through(urllib.request.build_opener(_OldDigest(passwords)), ask),
            "kg, challenge answered, a new connection a query":
                through(urllib.request.build_opener(credentials._digest), ask),
            "kg now: challenge answered, kept-alive connection": ask,
            "anonymous /sparql (urllib, no Digest)": through(urllib.request.build_opener(), ask_anonymously),
        }
        times: dict[str, list[float]] = {name: [] for name in transports}
        challenges = credentials.digest_challenges()
        for _ in range(args.requests):
            for name, call in transports.items():
                started = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - started)
        print(f"{args.requests} requests each, interleaved; Virtuoso holding samples/:")
        for name, seconds in times.items():
            print(f"  {name:<62} {figures(seconds)}")
        print(f"Digest challenges met by kg's handler meanwhile: {credentials.digest_challenges() - challenges} "
              f"(kg before: {args.requests}, one a query)")
        for name in list(transports)[:3:2]:
            before = time_wait(server.http_port)
            for _ in range(300):
                transports[name]()
            print(f"sockets left in TIME_WAIT by 300 queries, {name}: {time_wait(server.http_port) - before}")


if __name__ == "__main__":
    main()
