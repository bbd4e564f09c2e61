"""A dump that is one big JSON array of records (ROR's registry; Crossref's public data files hold
``{"items": [...]}``) is read one record at a time: the right count, a malformed record in the
middle is one rejection naming its item and line, and a real `kg load` of a file bigger than the
limit on whole documents holds memory bounded by its largest record, not by the file."""

from __future__ import annotations

import copy
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.store import Store
from loaders import arrays
from loaders.base import Problem, RawRecord
from loaders.limits import Limits
from loaders.read import read_file

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "ror" / "organizations"
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
#: runs a command and writes its peak resident memory (KiB, VmHWM from /proc) to a file
MEASURE = ("import subprocess, sys, time\n"
           "p = subprocess.Popen(sys.argv[2:]); peak = 0\n"
           "while p.poll() is None:\n"
           "    try:\n"
           "        status = open(f'/proc/{p.pid}/status').read()\n"
           "        peak = max(peak, int(status.split('VmHWM:')[1].split()[0]))\n"
           "    except (OSError, IndexError):\n"
           "        pass\n"
           "    time.sleep(0.05)\n"
           "open(sys.argv[1], 'w').write(str(peak)); sys.exit(p.returncode)\n")


def ror_id(n: int) -> str:
    """The n-th ROR ID of a made-up range, with its ISO 7064 mod 97-10 checksum."""
    body = "".join(CROCKFORD[n // 32 ** k % 32] for k in range(5, -1, -1))
    value = 0
    for c in body:
        value = value * 32 + CROCKFORD.index(c)
    return f"0{body}{98 - value * 100 % 97:02d}"


def organisation(n: int) -> dict[str, Any]:
    """A real ROR v2 record under the n-th made-up ROR ID."""
    record = copy.deepcopy(SEED)
    record["id"] = f"https://ror.org/{ror_id(500_000 + n)}"
    record["relationships"] = []
    return record


SEED: dict[str, Any] = json.loads((REALDATA / "00k4n6c32_v2.json").read_text())
BAD = '{"id": "https://ror.org/bad", "names": [{"value": "Broken", "types": ["ror_display"]}], "status": }'


def test_a_ror_dump_is_read_record_by_record_and_a_broken_record_is_one_rejection(tmp_path: Path) -> None:
    count = 5_000
    path = tmp_path / "v9.9-ror-data_schema_v2.json"
    with path.open("w") as out:  # as ROR writes it, one organisation a line
        out.write("[\n")
        out.write(",\n".join(BAD if i == count // 2 else json.dumps(organisation(i)) for i in range(count)))
        out.write("\n]\n")
    items = list(read_file(path, Limits(document_bytes=1 << 20)))  # the file is far over this limit
    records = [i for i in items if isinstance(i, RawRecord)]
    assert path.stat().st_size > 9 << 20
    assert len(records) == count - 1 and {r.source for r in records} == {"ror"}
    assert records[0].data == organisation(0) and records[-1].data == organisation(count - 1)
    around = records[count // 2 - 1:count // 2 + 1]
    assert [r.location for r in around] == [f"item {count // 2}", f"item {count // 2 + 2}"]
    (problem,) = [i for i in items if isinstance(i, Problem)]
    column = BAD.rindex("}") + 1  # where the value of "status" is missing
    assert str(problem) == (f"error: {path}, item {count // 2 + 1}: not valid JSON (Expecting value at line "
                            f"{count // 2 + 2} column {column})")


def test_crossref_public_data_files_over_the_document_limit_are_read_item_by_item(tmp_path: Path) -> None:
    works = [{"DOI": f"10.5555/pd.{i}", "type": "journal-article", "title": [f"Work {i}"]} for i in range(300)]
    path = tmp_path / "0.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"items": works}).encode()))
    for limits in (Limits(), Limits(document_bytes=1000)):  # read whole under the limit, streamed over it
        items = list(read_file(path, limits))
        assert [(i.source, i.location, i.data["DOI"]) for i in items if isinstance(i, RawRecord)] == [
            ("crossref", f"item {n + 1}", w["DOI"]) for n, w in enumerate(works)]
        assert len(items) == 300


def test_a_gzipped_array_cut_short_keeps_what_came_before_the_cut(tmp_path: Path) -> None:
    works = [{"DOI": f"10.5555/cut.{i}", "type": "journal-article", "title": [f"Work {i} " * 20]} for i in range(5_000)]
    whole = gzip.compress(json.dumps({"items": works}).encode())
    path = tmp_path / "0.json.gz"
    path.write_bytes(whole[:len(whole) // 2])
    items = list(read_file(path, Limits(document_bytes=1000)))
    records = [i for i in items if isinstance(i, RawRecord)]
    assert 0 < len(records) < 5_000
    assert [r.data for r in records] == works[:len(records)]
    assert [str(p) for p in items if isinstance(p, Problem)] == [
        f"error: {path}: cannot read the file after item {len(records)}: Compressed file ended before the "
        "end-of-stream marker was reached"]


def test_a_record_longer_than_the_record_limit_is_dropped_alone(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    long = organisation(1)
    long["names"].append({"value": "x" * 50_000, "types": ["label"]})
    path.write_text(json.dumps([organisation(0), long, organisation(2)]))
    items = list(read_file(path, Limits(record_bytes=20_000)))
    assert [i.data["id"] for i in items if isinstance(i, RawRecord)] == [organisation(0)["id"], organisation(2)["id"]]
    assert [str(p) for p in items if isinstance(p, Problem)] == [
        f"error: {path}, item 2: is longer than 20,000 characters; the limit of one record is KG_MAX_RECORD_BYTES"]


def test_kg_load_streams_an_array_bigger_than_the_document_limit_in_bounded_memory(tmp_path: Path) -> None:
    # 24 organisations, each padded with 10 MB of blank space inside it: a 240 MB file, almost twice
    # the limit on one whole document (128 MiB); read whole it would take over 500 MB (its bytes and
    # its text), item by item the largest record (10 MB) and a chunk
    path = tmp_path / "ror.json"
    padding = " " * (10 << 20)
    with path.open("w") as out:
        out.write("[")
        for i in range(24):
            text = BAD if i == 12 else json.dumps(organisation(i))
            out.write(("," if i else "") + text[:1] + padding + text[1:])
        out.write("]")
    assert path.stat().st_size > 240 << 20
    peak = tmp_path / "peak.txt"
    done = subprocess.run([sys.executable, "-c", MEASURE, str(peak), sys.executable, "-m", "kg",
                           "--store", str(tmp_path / "store"), "load", str(path)],
                          capture_output=True, text=True, timeout=600, env={**os.environ})
    path.unlink()
    kib = int(peak.read_text())
    assert done.returncode == 1, done.stderr  # some records rejected
    assert done.stdout.strip() == "23 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert f"{path}, item 13: not valid JSON (Expecting value at line 1 column " in done.stderr
    assert 0 < kib < 300 * 1024, f"peak {kib // 1024} MB"  # about 110 MB
    store = Store.open(tmp_path / "store")
    try:
        rows = store.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                            "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/evidence-kg/graph/ror/')) }")
        assert int(str(getattr(rows.values()[0][0], "value", rows.values()[0][0]))) == 23
    finally:
        store.close()


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_items_cut_anywhere_by_the_reads_come_out_whole(chunk: int, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # escapes, multi-byte characters and numbers cut between two reads: each item decoded as json.loads would
    monkeypatch.setattr(arrays, "CHUNK", chunk)
    works = [{"DOI": f"10.5555/cut.{i}", "type": "journal-article", "page": 10 ** (i % 12), "score": i / 7,
              "title": [f'Caf\u00e9 "{i}" \\ \u6f22\u5b57 \U0001f600 \\u00e9 {"x" * (i % 50)}'],
              "subject": [[["nested"]], []], "volume": 10 ** (i % 9)} for i in range(1_500)]  # a number last
    path = tmp_path / "works.json"
    texts = [json.dumps(w, ensure_ascii=i % 2 == 0) for i, w in enumerate(works)]
    for i in range(0, len(texts), 100):
        texts.insert(i, "1234567890123")  # a bare number, which a read may cut: not a record, one problem
    path.write_text("[\n" + ",\n".join(texts) + "\n]", "utf-8")
    assert path.stat().st_size > arrays.HEAD * 2  # read past the first bytes a chunk at a time
    items = list(read_file(path, Limits(record_bytes=4096)))
    assert [i.data for i in items if isinstance(i, RawRecord)] == works
    problems = [p for p in items if isinstance(p, Problem)]
    assert len(problems) == 15 and all(p.message.endswith("a number, not a JSON object") for p in problems)
