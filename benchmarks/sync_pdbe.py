"""A PDBe weekly sync, measured: requests, records, seconds.

A week of the size the wwPDB releases (by default 300 new entries, 700 modified, 5 obsoleted),
served by a local HTTP server the way the sync asks for it: the three weekly lists
(``/pub/pdb/data/status/latest/{added,modified,obsolete}.pdb``) and PDBe's entry endpoints by
POST of up to 100 ids. The entries' answers are the recorded responses of ../shared/realdata/pdbe
(the summary of 1cbs, the experiment of 7u61) under each week's ids, the answers of the two
endpoints the corpus lacks are 404 (most entries have no raw data reference), and the obsoleted
entries' status answers are written from PDBe's documented fields. Through the real client (PDBe's
0.1 s between requests), into an on-disk store; then the same week again (every record unchanged,
the watermark reset).

    python benchmarks/sync_pdbe.py
    python benchmarks/sync_pdbe.py --added 100 --modified 200
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.sync import timed_sync  # noqa: E402
from kg.store import Store  # noqa: E402
from loaders.http import HttpConfig  # noqa: E402

REALDATA = PROJECT.parent / "shared" / "realdata" / "pdbe"
LISTS = "/pub/pdb/data/status/latest"


class Week:
    """Serves one weekly release and PDBe's answers for its entries."""

    def __init__(self, added: int, modified: int, obsolete: int) -> None:
        ids = [f"{9 - i // 46656 % 9}{_base36(i % 46656)}" for i in range(added + modified + obsolete)]
        self.lists = {"added": ids[:added], "modified": ids[added:added + modified],
                      "obsolete": ids[added + modified:]}
        summary = json.loads((REALDATA / "entry_summary_1cbs.json").read_text())["1cbs"][0]
        experiment = json.loads((REALDATA / "entry_experiment_7u61.json").read_text())["7u61"][0]
        self.items: dict[str, dict[str, Any]] = {"summary": summary, "experiment": experiment}
        self.requests = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path: str, body: bytes) -> tuple[int, bytes]:
        self.requests += 1
        if path.startswith(LISTS):
            name = path.rsplit("/", 1)[1].removesuffix(".pdb")
            return 200, "".join(f"{i}\n" for i in self.lists[name]).encode()
        _, _, _, endpoint, one = path.split("/")
        asked = [one] if one else body.decode().split(",")
        if endpoint == "status":
            return 200, json.dumps({i: [{"status_code": "OBS", "since": "20240605", "obsoletes": [],
                                         "superceded_by": [self.lists["added"][0]]}] for i in asked}).encode()
        item = self.items.get(endpoint)
        if item is None:
            return 404, b"{}"
        return 200, json.dumps({i: [{**item, "title": f"{item.get('title', '')} ({i})"}] for i in asked}).encode()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        week = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.reply(*week.answer(self.path, b""))

            def do_POST(self) -> None:
                self.reply(*week.answer(self.path, self.rfile.read(int(self.headers["Content-Length"]))))

            def reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(digits[n // 36 ** k % 36] for k in (2, 1, 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--added", type=int, default=300)
    parser.add_argument("--modified", type=int, default=700)
    parser.add_argument("--obsolete", type=int, default=5)
    args = parser.parse_args()
    week = Week(args.added, args.modified, args.obsolete)
    print(f"a weekly release: {args.added} added, {args.modified} modified, {args.obsolete} obsoleted entries")
    now = datetime(2024, 6, 5, 18, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        config = HttpConfig(cache_dir=Path(tmp) / "cache", refresh=True)
        with Store.open(Path(tmp) / "store") as store:
            for label in ("the week's sync", "the same week again"):
                if label == "the same week again":
                    store.update("DELETE WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                                 "?s a <https://w3id.org/evidence-kg/ns#SyncState> ; ?p ?o } }")
                week.requests = 0
                timed_sync(label, lambda: week.requests, store, "pdbe", config, since=datetime(2024, 6, 1, tzinfo=UTC),
                           now=now, api=week.base, lists=week.base + LISTS)

if __name__ == "__main__":
    main()
