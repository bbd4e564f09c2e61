"""A ROR dump sync, measured: requests, records, seconds.

A release of ``--organisations`` ROR v2 records (default 20,000; ROR's registry holds about 120,000),
replicated from the recorded v2 records of ../shared/realdata/ror under fresh ROR IDs (valid
checksums), packed as ROR packs a release (a zip holding the v2 JSON) and listed by a Zenodo record
served locally. Into an on-disk store: the first sync of a release, the same release again (one
request), and the next release, in which 1% of the organisations changed.

    python benchmarks/sync_dumps.py
    python benchmarks/sync_dumps.py --organisations 5000
    python benchmarks/sync_dumps.py --peak 120000   # reading a ROR-sized v2 JSON: seconds, peak memory

``--peak N`` writes a release of N organisations as ROR's v2 JSON (one array, uncompressed) and reads
it in a fresh process as ``kg load`` and ``kg sync ror`` do (item by item, loaders/arrays.py), then
with ``json.load`` of the whole file as a comparison: records, seconds and peak resident memory
(VmHWM) of each process.
"""

from __future__ import annotations

import argparse
import copy
import glob
import io
import json
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.sync import timed_sync  # noqa: E402
from kg.store import Store  # noqa: E402
from loaders.http import HttpConfig  # noqa: E402

REALDATA = PROJECT.parent / "shared" / "realdata" / "ror"
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def ror_id(n: int) -> str:
    """The n-th ROR ID of a made-up range, with its ISO 7064 mod 97-10 checksum."""
    body = "".join(CROCKFORD[n // 32 ** k % 32] for k in range(5, -1, -1))
    value = 0
    for c in body:
        value = value * 32 + CROCKFORD.index(c)
    return f"0{body}{98 - value * 100 % 97:02d}"


def release(count: int, changed: float, seed_records: list[dict[str, Any]]) -> bytes:
    records = []
    for i in range(count):
        record = copy.deepcopy(seed_records[i % len(seed_records)])
        record["id"] = f"https://ror.org/{ror_id(500_000 + i)}"
        record["relationships"] = []
        if i < count * changed:
            record["names"][0]["value"] += " (renamed)"
        records.append(record)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("v9.9-ror-data_schema_v2.json", json.dumps(records))
    return buffer.getvalue()


class Zenodo:
    def __init__(self, releases: dict[str, bytes]) -> None:
        self.releases, self.current, self.requests = releases, next(iter(releases)), 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path: str) -> bytes:
        self.requests += 1
        if path == "/api/records/6347574":
            key = f"{self.current}-ror-data.zip"
            return json.dumps({"id": 1, "metadata": {"version": self.current, "publication_date": "2024-06-01"},
                               "files": [{"key": key, "links": {"self": f"{self.base}/files/{key}/content"}}]}).encode()
        return self.releases[path.split("/")[2].removesuffix("-ror-data.zip")]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        zenodo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = zenodo.answer(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


#: a fresh process reading the file as kg does, or whole; prints records and seconds
READ = {"streamed": ("from pathlib import Path; from loaders.read import read_file; "
                     "from loaders.base import RawRecord; "
                     "print(sum(isinstance(i, RawRecord) for i in read_file(Path({path!r}))))"),
        "whole (json.load)": "import json; print(len(json.load(open({path!r}, 'rb'))))"}


def peak_of(code: str) -> tuple[int, float, int]:
    """Records, seconds and peak resident memory (MB, VmHWM) of a fresh Python process running ``code``."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    out = process.stdout.read() if process.stdout else ""
    return int(out.strip() or 0), time.perf_counter() - started, peak // 1024


def reading_peak(count: int, seeds: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v9.9-ror-data_schema_v2.json"
        with path.open("w") as out:
            out.write("[")
            for i in range(count):
                record = copy.deepcopy(seeds[i % len(seeds)])
                record["id"] = f"https://ror.org/{ror_id(500_000 + i)}"
                out.write(("," if i else "") + json.dumps(record))
            out.write("]")
        size = path.stat().st_size
        print(f"ROR's v2 JSON of {count:,} organisations: {size / 1e6:,.0f} MB, one array")
        for label, code in READ.items():
            records, seconds, peak = peak_of(code.format(path=str(path)))
            print(f"{label:<20} {records:>9,} records {seconds:7.1f} s  {size / 1e6 / seconds:6.1f} MB/s  "
                  f"peak {peak:,} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--peak", type=int, metavar="N", help="only read a release of N organisations (see above)")
    args = parser.parse_args()
    seeds = [json.loads(Path(p).read_text()) for p in sorted(glob.glob(str(REALDATA / "organizations" / "*_v2.json")))]
    if args.peak:
        reading_peak(args.peak, seeds)
        return
    seeds = [json.loads(Path(p).read_text()) for p in sorted(glob.glob(str(REALDATA / "organizations" / "*_v2.json")))]
    zenodo = Zenodo({"v1.0": release(args.organisations, 0.0, seeds), "v1.1": release(args.organisations, 0.01, seeds)})
    print(f"a ROR release of {args.organisations:,} organisations ({len(zenodo.releases['v1.0']):,} bytes zipped), "
          f"replicated from {len(seeds)} recorded v2 records")
    with tempfile.TemporaryDirectory() as tmp:
        config = HttpConfig(cache_dir=Path(tmp) / "cache", refresh=True)
        with Store.open(Path(tmp) / "store") as store:
            for label, version in (("a new release", "v1.0"), ("the same release again", "v1.0"),
                                   ("the next release (1% changed)", "v1.1")):
                zenodo.current, zenodo.requests = version, 0
                timed_sync(label, lambda: zenodo.requests, store, "ror", config,
                           api=zenodo.base + "/api/records/6347574")

if __name__ == "__main__":
    main()
