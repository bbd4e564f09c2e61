"""`kg load` as a real process against hostile files: bombs, endless lines, huge records and bad
records among good ones. Each is refused or bounded with a message naming the file, the line and
the limit; the good records load; the summary prints; the exit status says what happened; and
the process's peak memory stays under a stated (generous) bound."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

#: runs a command and writes its peak resident memory (KiB) to a file: a fresh process, so
#: RUSAGE_CHILDREN holds this one child only
MEASURE = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; "
           "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
           "sys.exit(code)")
MB = 1024  # KiB


@dataclass
class Run:
    code: int
    out: str
    err: str
    #: peak resident memory of the kg process, in KiB
    peak: int


def kg(tmp_path: Path, *args: str, env: dict[str, str] | None = None, store: Path | None = None) -> Run:
    peak = tmp_path / "peak.txt"
    store = store or tmp_path / "store"
    done = subprocess.run([sys.executable, "-c", MEASURE, str(peak), sys.executable, "-m", "kg",
                           "--store", str(store), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=900)
    return Run(done.returncode, done.stdout, done.stderr, int(peak.read_text()))


def work(n: int, **fields: object) -> dict[str, object]:
    return {"DOI": f"10.5555/good.{n}", "type": "journal-article", "title": [f"Good work {n}"], **fields}


def graphs(store: Path) -> int:
    opened = Store.open(store)
    try:
        rows = opened.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                             "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/evidence-kg/graph/crossref/')) }")
        value = rows.values()[0][0]
        return int(str(getattr(value, "value", value)))
    finally:
        opened.close()


def gzip_of(path: Path, head: bytes, filler: bytes, megabytes: int, tail: bytes = b"") -> Path:
    with gzip.open(path, "wb", compresslevel=6) as out:
        out.write(head)
        block = filler * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
        out.write(tail)
    return path


def test_a_gzip_bomb_is_refused_at_the_document_limit(tmp_path: Path) -> None:
    head = b'{"message-type": "work-list", "message": {"items": ['  # one document, not an array of records
    bomb = gzip_of(tmp_path / "bomb.json.gz", head, b" ", 400, b"]}}")
    assert bomb.stat().st_size < 2 << 20  # 400 MB of JSON in under 2 MB
    run = kg(tmp_path, "load", str(bomb))
    assert run.code == 1, run.err
    assert (f"error: {bomb}: holds more than 134,217,728 bytes of JSON once decompressed; the limit is "
            "KG_MAX_DOCUMENT_BYTES (or give the records as JSON Lines, or as one JSON array of records, which is "
            "read record by record)") in run.err
    assert run.out.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert run.peak < 700 * MB, f"peak {run.peak // MB} MB"


def test_a_gzip_bomb_in_an_array_of_records_is_refused_at_the_record_limit(tmp_path: Path) -> None:
    # an array of records is read item by item whatever its size: the blank space is refused once
    # it is longer than a record may be
    good = json.dumps(work(1)).encode()
    bomb = gzip_of(tmp_path / "bomb.json.gz", b'{"items": [' + good + b",", b" ", 400, b"]}")
    run = kg(tmp_path, "load", str(bomb))
    assert run.code == 1, run.err
    assert (f"error: {bomb}: holds more than 16,777,216 characters of blank space after item 1; the limit of one "
            "record is KG_MAX_RECORD_BYTES; the rest of the file is not read") in run.err
    assert run.out.strip() == "1 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert run.peak < 400 * MB, f"peak {run.peak // MB} MB"


def test_an_endless_line_is_refused_alone_and_the_next_line_loads(tmp_path: Path) -> None:
    good = json.dumps(work(1)).encode()
    bomb = gzip_of(tmp_path / "lines.jsonl.gz", b'{"DOI": "10.5555/x", "title": ["', b"a", 200, b'"]}\n' + good + b"\n")
    run = kg(tmp_path, "load", str(bomb))
    assert run.code == 1, run.err
    assert (f"error: {bomb}, line 1: is longer than 16,777,216 bytes; the limit of one record is "
            "KG_MAX_RECORD_BYTES") in run.err
    assert run.out.strip() == "1 loaded, 0 unchanged, 1 rejected (0 warnings)"
    assert run.peak < 400 * MB, f"peak {run.peak // MB} MB"


def test_a_record_with_100k_authors_keeps_the_first_10k_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "authors.json"
    path.write_text(json.dumps(work(1, author=[{"given": "A", "family": f"Person {i}"} for i in range(100_000)])))
    run = kg(tmp_path, "load", "--json", str(path))
    assert run.code == 0, run.err
    summary = json.loads(run.out)
    assert (summary["loaded"], summary["rejected"], summary["warnings"]) == (1, 0, 1)
    assert summary["problems"] == [f"warning: {path.resolve().as_uri()}: crossref record 10.5555/good.1: field "
                                   "'author' has 100,000 items; the first 10,000 are kept (the limit is "
                                   "KG_MAX_LIST_ITEMS)"]
    assert run.peak < 900 * MB, f"peak {run.peak // MB} MB"


def test_the_list_limit_is_set_by_its_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "authors.json"
    path.write_text(json.dumps(work(1, author=[{"family": f"P{i}"} for i in range(6)])))
    run = kg(tmp_path, "load", "--json", str(path), env={"KG_MAX_LIST_ITEMS": "5"})
    assert run.code == 0, run.err
    assert "'author' has 6 items; the first 5 are kept" in json.loads(run.out)["problems"][0]


def test_one_bad_line_in_each_of_three_files_is_one_rejection_each(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    bad = {"a": '{"DOI": "10.5555/n", "n": ' + "9" * 5_000 + "}",
           "b": "[" * 100_000 + "]" * 100_000,
           "c": json.dumps(work(0, DOI="10.5555/bad\u200b"))}
    for k, (name, line) in enumerate(bad.items()):
        lines = [json.dumps(work(k * 1000 + i)) for i in range(900)]
        lines.insert(450, line)
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
    run = kg(tmp_path, "load", str(folder))
    assert run.code == 1, run.err
    assert run.out.strip() == "2700 loaded, 0 unchanged, 3 rejected (0 warnings)"
    errors = run.err.strip().splitlines()
    assert errors == [
        f"error: {folder / 'a.jsonl'}, line 451: holds a number of 5,000 digits; the limit is 4,300",
        f"error: {folder / 'b.jsonl'}, line 451: is nested more than about 1,000 levels deep (arrays or objects "
        "inside each other); kg does not read it",
        f"error: {(folder / 'c.jsonl').resolve().as_uri()}, line 451: crossref record 10.5555/bad\\u200b: field "
        "'DOI' is not a valid DOI (it holds the invisible or bidirectional-control character U+200B (ZERO WIDTH "
        "SPACE) at position 12; delete it or retype the DOI) (value: '10.5555/bad\\u200b')"]
    assert graphs(tmp_path / "store") == 2700


def test_a_device_is_refused_with_a_message_and_a_summary(tmp_path: Path) -> None:
    run = kg(tmp_path, "load", "/dev/zero")
    assert run.code == 1
    assert run.err.strip() == "error: /dev/zero: is a device, not a file; kg loads files and folders"
    assert run.out.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"


def test_every_file_of_a_folder_not_read_is_listed_with_why(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(work(1)))
    (folder / "page.html").write_text("<html></html>")
    (folder / "blob.bin").write_bytes(b"\x00\x01")
    (folder / "old.gz").write_bytes(b"not gzip")
    (folder / "broken.json.gz").write_bytes(b"not gzip either")
    run = kg(tmp_path, "load", str(folder))
    assert run.code == 1
    kinds = ("not a record file: kg reads .json, .jsonl, .ndjson, .csv, .xml, .json.gz, .jsonl.gz, .ndjson.gz, "
             ".csv.gz, .xml.gz")
    assert run.err.strip().splitlines() == [
        f"skipped: {folder / 'blob.bin'}: {kinds}",
        f"skipped: {folder / 'old.gz'}: {kinds}",
        f"skipped: {folder / 'page.html'}: {kinds}",
        f"error: {folder / 'broken.json.gz'}: cannot read the file: Not a gzipped file (b'no')"]
    assert run.out.strip() == "1 loaded, 0 unchanged, 1 rejected (0 warnings, 3 files skipped)"


#: runs a command as user ``nobody`` (util-linux ``setpriv``): root reads every folder, whatever its mode
AS_NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def test_an_unreadable_folder_is_an_error_not_silence(tmp_path: Path) -> None:
    """Run as root (as CI does), ``kg load`` runs as ``nobody``, in a folder of nobody's own, so
    that the folder's mode 000 keeps it out."""
    root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="kg-unreadable-")) if root else tmp_path
    try:
        folder = base / "locked"
        folder.mkdir()
        (folder / "good.json").write_text(json.dumps(work(1)))
        if root:
            base.chmod(0o755)
            for path in (base, folder, folder / "good.json"):
                os.chown(path, 65534, 65534)
        folder.chmod(0)
        try:
            done = subprocess.run([*(AS_NOBODY if root else ()), sys.executable, "-m", "kg", "--store",
                                   str(base / "store"), "load", str(folder)],
                                  capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(base)})
        finally:
            folder.chmod(0o755)
        assert done.returncode == 1, done.stderr
        assert f"error: {folder}: cannot read the folder (Permission denied); its files are not loaded" in done.stderr
        assert done.stdout.strip() == "0 loaded, 0 unchanged, 1 rejected (0 warnings)"
    finally:
        if root:
            shutil.rmtree(base)


def test_a_store_whose_parent_folders_are_missing_is_made(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(work(1)))
    store = tmp_path / "not" / "yet" / "there"
    run = kg(tmp_path, "load", str(path), store=store)
    assert (run.code, run.out.strip()) == (0, "1 loaded, 0 unchanged, 0 rejected (0 warnings)"), run.err
    assert graphs(store) == 1


def test_an_unusable_limit_fails_the_load_with_exit_status_2(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(work(1)))
    run = kg(tmp_path, "load", str(path), env={"KG_MAX_RECORD_BYTES": "lots"})
    assert run.code == 2
    assert run.err.strip() == "error: KG_MAX_RECORD_BYTES must be a positive whole number, not 'lots'"


def test_a_store_that_fails_stops_the_load_and_the_report_says_so(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    first.write_text(json.dumps(work(100)))
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(work(i)) for i in range(3)) + "\n")
    store = tmp_path / "store"
    writable = Store.open(store)
    assert load(writable, read_paths([first])).loaded == 1
    writable.close()
    opened = Store.open_read_only(store)  # a real store that refuses writes
    try:
        report = load(opened, read_paths([path]))
    finally:
        opened.close()
    assert report.failure is not None and report.failure.startswith("writing to the store failed")
    assert report.summary().startswith("0 loaded, 0 unchanged, 0 rejected (0 warnings); stopped early: "
                                       "writing to the store failed")
    assert [p.message for p in report.errors] == [f"{report.failure}; the load stopped"]
    assert graphs(store) == 1
