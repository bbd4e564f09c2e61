"""A sync of a day's changes, measured: requests, records, seconds.

The "day" is a recorded window: every Crossref work of ../shared/realdata's list pages and every
DataCite DOI of its list pages, served by a local HTTP server the way the sources answer a sync
(Crossref ``/works?filter=from-index-date:..,until-index-date:..`` with cursors, DataCite
``/dois?query=updated:[.. TO ..]`` with ``links.next``), through the real client (its politeness
interval included: Crossref's and DataCite's 0.1 s between requests). Three runs on an on-disk
store: the first sync of the day into an empty store; the same window again (every record
unchanged); and the next day, whose window starts on the watermark's day and so fetches that
day again (the overlap that makes a window's edges safe: its records are all unchanged).

    python benchmarks/sync.py
    python benchmarks/sync.py --rows 1000
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.store import Store  # noqa: E402
from loaders.http import HttpConfig  # noqa: E402
from loaders.sync import sync  # noqa: E402

REALDATA = PROJECT.parent / "shared" / "realdata"


def corpus() -> dict[str, list[dict[str, Any]]]:
    crossref: dict[str, Any] = {}
    for path in sorted(glob.glob(str(REALDATA / "crossref" / "works-lists" / "*.json"))):
        for item in json.loads(Path(path).read_text()).get("message", {}).get("items", []):
            crossref.setdefault(item["DOI"].lower(), item)
    datacite: dict[str, Any] = {}
    for path in sorted(glob.glob(str(REALDATA / "datacite" / "dois-lists" / "*.json"))):
        for item in json.loads(Path(path).read_text()).get("data") or []:
            datacite.setdefault(item["id"].lower(), item)
    return {"crossref": list(crossref.values()), "datacite": list(datacite.values())}


class Day:
    """Serves the recorded window for any date range that includes ``day``, nothing otherwise."""

    def __init__(self, records: dict[str, list[dict[str, Any]]], day: str) -> None:
        self.records, self.day, self.requests = records, day, 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        self.requests += 1
        if path == "/works":
            filters = dict(f.split(":", 1) for f in query["filter"][0].split(","))
            inside = filters["from-index-date"] <= self.day <= filters["until-index-date"]
            items = self.records["crossref"] if inside else []
            rows, cursor = int(query["rows"][0]), query["cursor"][0]
            offset = 0 if cursor == "*" else int(cursor)
            return {"status": "ok", "message-type": "work-list",
                    "message": {"items": items[offset:offset + rows], "next-cursor": str(offset + rows)}}
        q = query["query"][0]
        start, until = q[q.index("[") + 1:q.index("]")].split(" TO ")
        items = self.records["datacite"] if start <= self.day <= until else []
        size, cursor = int(query["page[size]"][0]), query["page[cursor]"][0]
        offset = 0 if cursor == "1" else int(cursor)
        page: dict[str, Any] = {"data": items[offset:offset + size], "links": {}}
        if offset + size < len(items):
            page["links"]["next"] = f"{self.base}/dois?" + urlencode({"query": q, "page[size]": size,
                                                                      "page[cursor]": offset + size})
        return page

    def handler(self) -> type[BaseHTTPRequestHandler]:
        day = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                split = urlsplit(self.path)
                body = json.dumps(day.answer(split.path, parse_qs(split.query))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def timed_sync(label: str, requests: Any, store: Store, source: str, config: HttpConfig, **options: Any) -> None:
    """Run one sync and print its line: requests made (``requests()`` after it), records, seconds, rate."""
    started = time.perf_counter()
    report = sync(store, source, config, **options)
    seconds = time.perf_counter() - started
    done = report.load.loaded + report.load.unchanged
    print(f"{label:<30} {source:<9} {requests():>4} requests {done:>7,} records ({report.load.loaded:,} written, "
          f"{report.load.unchanged:,} unchanged) {seconds:7.2f} s  {done / seconds:7.0f} records/s  "
          f"complete={report.complete}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100, help="records per page (Crossref allows 1000)")
    args = parser.parse_args()
    records = corpus()
    day = datetime(2024, 6, 3, tzinfo=UTC)
    server = Day(records, day.date().isoformat())
    print(f"recorded window: {len(records['crossref'])} Crossref works, {len(records['datacite'])} DataCite DOIs; "
          f"{args.rows} records a page")
    with tempfile.TemporaryDirectory() as tmp:
        config = HttpConfig(cache_dir=Path(tmp) / "cache", refresh=True, mailto="bench@example.org")
        with Store.open(Path(tmp) / "store") as store:
            runs = [("first sync of the day", day - timedelta(days=1), day + timedelta(hours=18)),
                    ("the same window again", None, day + timedelta(hours=18)),
                    ("the next day (the overlap)", None, day + timedelta(days=1, hours=18))]
            for label, since, now in runs:
                if label == "the same window again":
                    store.update("DELETE WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                                 "?s a <https://w3id.org/evidence-kg/ns#SyncState> ; ?p ?o } }")
                    since = day
                for source in ("crossref", "datacite"):
                    server.requests = 0
                    timed_sync(label, lambda: server.requests, store, source, config, since=since, now=now,
                               api=server.base, rows=args.rows)

if __name__ == "__main__":
    main()
