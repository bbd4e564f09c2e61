"""Reading files into records: CSV dumps (plain and gzip, streamed row by row, a bad row a
problem naming its line) and JSON arrays of records read item by item."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from loaders.base import Problem, RawRecord
from loaders.read import files_in, read_file, read_paths
from tests.loaders.conftest import FIXTURES, fixture_json

HEADER = "oci,citing,cited,creation,timespan,journal_sc,author_sc\n"


def row(n: int) -> str:
    return f"0610{n}-0620{n},10.5555/kg.citing.{n},10.5555/kg.cited.{n},2020-01-0{n % 9 + 1},P1Y,no,no\n"


def kinds(items: list[RawRecord | Problem]) -> list[tuple[str, str]]:
    return [(type(i).__name__, i.location) for i in items]


def test_each_csv_row_is_a_record_located_by_its_line() -> None:
    items = list(read_file(FIXTURES / "opencitations" / "coci-dump.csv"))
    assert kinds(items) == [("RawRecord", "line 2"), ("RawRecord", "line 3"), ("Problem", "line 4"),
                            ("RawRecord", "line 5")]
    first = items[0]
    assert isinstance(first, RawRecord) and first.source == "opencitations"
    assert first.data["cited"] == "10.1001/jama.295.1.90"
    assert first.origin == (FIXTURES / "opencitations" / "coci-dump.csv").resolve().as_uri()


def test_a_row_with_too_many_or_too_few_fields_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(HEADER + row(1) + row(2).rstrip("\n") + ",extra\n" + "0610-0620,10.5555/x\n" + row(3))
    items = list(read_file(path))
    assert kinds(items) == [("RawRecord", "line 2"), ("Problem", "line 3"), ("Problem", "line 4"),
                            ("RawRecord", "line 5")]
    assert [p.message for p in items if isinstance(p, Problem)] == [
        "the row has 8 fields; the header has 7", "the row has 2 fields; the header has 7"]
    assert all(p.origin == str(path) for p in items if isinstance(p, Problem))


def test_a_gzipped_csv_with_a_byte_order_mark_and_a_quoted_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv.gz"
    quoted = '06109-06209,"10.5555/kg.citing\n.9",10.5555/kg.cited.9,2020,P1Y,no,no\n'
    path.write_bytes(gzip.compress(("\ufeff" + HEADER + row(1) + quoted + row(2)).encode()))
    items = list(read_file(path))
    # a quoted field spanning two lines: the next row is on line 5
    assert kinds(items) == [("RawRecord", "line 2"), ("RawRecord", "line 4"), ("RawRecord", "line 5")]
    assert isinstance(items[0], RawRecord) and items[0].data["oci"] == "06101-06201"


def test_a_row_that_is_not_utf8_is_a_problem_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_bytes((HEADER + row(1)).encode() + b"06102-06202,10.5555/bad\xff,10.5555/x,2020,P1Y,no,no\n"
                     + row(3).encode())
    items = list(read_file(path))
    assert kinds(items) == [("RawRecord", "line 2"), ("Problem", "line 3"), ("RawRecord", "line 4")]
    assert isinstance(items[1], Problem) and items[1].message == "not valid UTF-8 (b'10.5555/bad\\xff')"


@pytest.mark.parametrize(("text", "message", "location"), [
    ("name,colour\nx,blue\n", "CSV columns name, colour are not a record shape kg knows (sources: ", "line 1"),
    ("", "empty CSV file: no header line", ""),
])
def test_a_csv_kg_cannot_read_is_one_problem(tmp_path: Path, text: str, message: str, location: str) -> None:
    path = tmp_path / "other.csv"
    path.write_text(text)
    (problem,) = read_file(path)
    assert isinstance(problem, Problem)
    assert problem.message.startswith(message)
    assert (problem.level, problem.location) == ("error", location)


def test_a_truncated_gzipped_csv_keeps_the_rows_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv.gz"
    whole = gzip.compress((HEADER + "".join(row(n) for n in range(1, 2000))).encode())
    path.write_bytes(whole[: len(whole) // 2])
    items = list(read_file(path))
    records = [i for i in items if isinstance(i, RawRecord)]
    assert records and isinstance(items[-1], Problem)
    assert items[-1].message.startswith(f"cannot read the file after line {len(records) + 1}:")


def test_a_big_csv_is_streamed_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write(HEADER)
        for n in range(60_000):
            out.write(row(n))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(isinstance(item, RawRecord) for item in read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert peak < size / 10, f"peak {peak:,} bytes reading a {size:,}-byte file"


def test_a_json_array_of_records_is_read_item_by_item(tmp_path: Path) -> None:
    citation = fixture_json("opencitations/coci-citations.json")[0]
    work = fixture_json("crossref/work-full.json")["message"]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([citation, work, {"colour": "blue"}, 7]))
    items = list(read_file(path))
    assert kinds(items) == [("RawRecord", "item 1"), ("RawRecord", "item 2"), ("Problem", "item 3"),
                            ("Problem", "item 4")]
    assert [i.source for i in items if isinstance(i, RawRecord)] == ["opencitations", "crossref"]
    assert all(p.message.startswith("not a record shape kg knows") for p in items if isinstance(p, Problem))


def test_an_empty_json_array_holds_no_records_and_no_problem(tmp_path: Path) -> None:
    path = tmp_path / "citations.json"
    path.write_text("[]")
    assert list(read_file(path)) == []


def test_folders_include_csv_dumps(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(HEADER + row(1))
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress((HEADER + row(2)).encode()))
    (tmp_path / "notes.txt").write_text("not records")
    assert [p.name for p in files_in([tmp_path])] == ["a.csv", "b.csv.gz"]
    assert [r.data["oci"] for r in read_paths([tmp_path]) if isinstance(r, RawRecord)] == ["06101-06201",
                                                                                           "06102-06202"]
