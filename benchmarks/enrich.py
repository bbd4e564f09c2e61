"""Enrichment cost: requests per linked work, on the real corpus.

Loads the Crossref works of ../shared/realdata into an in-memory store, lists the works they link
to that have no record (what `kg enrich` fetches), and runs loaders.enrich.enrich against a local
server that answers every Crossref and DataCite batch with a minimal record for half the DOIs it
is asked (the rest fall through to DataCite, then count as missing), so both routes are exercised.
Prints candidates, requests, works found, requests per linked work and per work found, and the
time. No thresholds: the figures go to docs/loading.md.

    python benchmarks/enrich.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.store import Store  # noqa: E402
from loaders.enrich import candidates, enrich  # noqa: E402
from loaders.http import HttpConfig  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

REALDATA = (PROJECT / ".." / "shared" / "realdata").resolve()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        split = urlsplit(self.path)
        query = parse_qs(split.query)
        if split.path == "/works":
            dois = [d.removeprefix("doi:") for d in query["filter"][0].split(",")]
            kept = dois[::2]
            body = {"status": "ok", "message-type": "work-list", "message": {"items": [
                {"DOI": d, "type": "journal-article", "title": [f"Work {d}"]} for d in kept]}}
        else:
            text = query["query"][0].removeprefix("doi:(").removesuffix(")")
            dois = [d.strip('"') for d in text.split(" OR ")]
            body = {"data": [{"id": d, "type": "dois", "attributes": {"doi": d, "titles": [{"title": f"Data {d}"}],
                              "types": {"resourceTypeGeneral": "Dataset"}}} for d in dois[::2]]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    if not REALDATA.is_dir():
        sys.exit(f"the real corpus is not at {REALDATA}")
    store = Store.open(None)
    load(store, read_paths([REALDATA / "crossref" / "works"]))
    linked = candidates(store, 1_000_000)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        report = enrich(store, HttpConfig(cache_dir=Path(cache), retries=0), max_requests=10_000,
                        limit=1_000_000, apis={"crossref": base, "datacite": base})
        elapsed = time.perf_counter() - started
    server.shutdown()
    found = sum(report.found.values())
    print(f"linked works without a record: {len(linked)}")
    print(f"requests: {report.requests}  found: {found} ({report.found})  missing: {len(report.missing)}  "
          f"unsupported agencies: {report.unsupported}")
    print(f"requests per linked work: {report.requests / max(1, len(linked)):.3f}  "
          f"per work found: {report.requests_per_work:.3f}")
    print(f"time: {elapsed:.1f} s (loading included; the client's polite intervals between requests)")


if __name__ == "__main__":
    main()
