"""The first request after a write, of two checkouts side by side (issue 17's "cold (first request after a
write)"): each round asks every kind about one work (so this checkout keeps those answers), then writes one
record, then asks the same requests again and times them: the answers kept under the old revision are not
used (the write made them stale), so each is computed again, and the first one also pays whatever the write
costs the reader (a read-only replica opens the store again, in a thread of its own as soon as the writer
published its revision: the request waits for that open only when it comes first). Prints each kind's
p50/p99 of those first requests for both, and a table (docs/operations.md).

This checkout is served as a read-only replica (``kg serve --read-only``, the answer cache on) and each
write is ``kg load`` of one new record (a real Crossref record under a new DOI) into its store, from
another process. The checkout compared with is served read-write with an update token and each write is
a SPARQL Update inserting one statement through it (a checkout older than ``--read-only`` cannot be
loaded while it serves); it keeps no answers, so what it answers after a write is what it answers always.

    python benchmarks/cold_after_write.py --before /tmp/kg-today --stores /tmp/cold/before /tmp/cold/after

The stores are written to: give copies, never a shared store.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks import http_load as h  # noqa: E402
from benchmarks.cold_beside import KINDS, WRITTEN  # noqa: E402
from benchmarks.queries import CITED, CITING, sample_items  # noqa: E402
from kg.ids import doi_from_iri  # noqa: E402
from kg.store import Store  # noqa: E402

RECORD = PROJECT.parent / "shared" / "realdata" / "crossref" / "works" / "10.1002_jor.1100150407.json"
TOKEN = "cold-after-write"
#: the DOIs the records written are loaded under
PREFIX = WRITTEN


def write_record(record: dict[str, object], doi: str, folder: Path) -> Path:
    """The real record under a new DOI, as a file ``kg load`` reads."""
    message = dict(record["message"])  # type: ignore[arg-type]
    message["DOI"] = doi
    path = folder / (doi.replace("/", "_") + ".json")
    path.write_text(json.dumps({**record, "message": message}))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout of kg to compare with")
    parser.add_argument("--after", type=Path, default=PROJECT, help="the checkout measured (default: this one)")
    parser.add_argument("--stores", type=Path, nargs=2, required=True, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--rounds", type=int, default=20, help="writes (each followed by one request of each kind)")
    parser.add_argument("--record", type=Path, default=RECORD, help="a Crossref work record, loaded under new DOIs")
    args = parser.parse_args()
    store = Store.open_read_only(args.stores[1])
    # works of the store as copied (not the records an earlier run of this loaded into one copy only)
    citing = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.rounds * 2, CITING))
              if d and not d.startswith(PREFIX)][:args.rounds]
    cited = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.rounds * 2, CITED))
             if d and not d.startswith(PREFIX)][:args.rounds]
    store.close()
    record = json.loads(args.record.read_text())
    kinds = [k.strip() for k in KINDS.split(",")]
    ms: dict[str, dict[str, list[float]]] = {label: {k: [] for k in kinds} for label in ("before", "after")}
    first: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as folder, \
            h.served(args.stores[0], args.before, ["--update-token", TOKEN]) as before, \
            h.served(args.stores[1], args.after, ["--read-only"]) as after:
        bases = {"before": before, "after": after}
        for r in range(args.rounds):
            sends = h.requests_for([citing[r % len(citing)]], [cited[r % len(cited)]])
            order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]  # each kind is the first after a write in turn
            for label in (("before", "after") if r % 2 == 0 else ("after", "before")):
                conn = h.Conn(bases[label])
                for kind in order:  # asked before the write: this checkout keeps the answers
                    status, _ = sends[kind](random.Random(0), conn)
                    assert status == 200, (label, kind, status)
                if label == "after":
                    path = write_record(record, f"{PREFIX}{r}.{time.time_ns()}", Path(folder))
                    subprocess.run([sys.executable, "-m", "kg", "--store", str(args.stores[1]), "load", str(path)],
                                   cwd=args.after, check=True, capture_output=True)
                else:
                    update = (f"INSERT DATA {{ GRAPH <urn:cold:{r}> {{ <urn:cold:{r}> "
                              f"<http://schema.org/name> \"write {r}\" }} }}")
                    status, body = conn.request("POST", "/sparql", urllib.parse.urlencode({"update": update}).encode(),
                                                {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Authorization": f"Bearer {TOKEN}"})
                    assert status in (200, 204), (status, body[:300])
                for i, kind in enumerate(order):
                    started = time.perf_counter()
                    status, _ = sends[kind](random.Random(0), conn)
                    took = 1000 * (time.perf_counter() - started)
                    assert status == 200, (label, kind, status)
                    ms[label][kind].append(took)
                    if i == 0:
                        first[label].append(took)
                conn.close()
            print(f"round {r + 1}/{args.rounds}", flush=True)
    print("\n| kind (first request after a write, 1 client) | before p50 / p99 ms | after p50 / p99 ms |")
    print("| --- | --- | --- |")
    for kind in kinds:
        b, a = ms["before"][kind], ms["after"][kind]
        print(f"| {kind} | {h.pct(b, 50):,.1f} / {h.pct(b, 99):,.1f} | {h.pct(a, 50):,.1f} / {h.pct(a, 99):,.1f} |")
    print(f"| the first request of a round (any kind; after: the replica reopened or reopening) | "
          f"{statistics.median(first['before']):,.1f} | {statistics.median(first['after']):,.1f} |")


if __name__ == "__main__":
    main()
