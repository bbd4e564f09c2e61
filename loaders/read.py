"""Reading files into raw records: single API responses, list pages, JSON arrays of records,
JSON Lines, CSV dumps (one record per row), gzip, and the sources' public data files;
directories are read recursively. The source of each record is recognised from its shape.

A file, line or item that cannot be read becomes a :class:`~loaders.base.Problem` in the
stream, and reading goes on with the next one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from kg.errors import ReadError
from loaders import REGISTRY
from loaders.base import Loader, Problem, RawRecord

#: file name endings read as records
SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".csv.gz")
LINES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV = (".csv", ".csv.gz")


def files_in(paths: Iterable[Path]) -> Iterator[Path]:
    """The record files named, directories expanded recursively in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
        else:
            yield path


def read_paths(paths: Iterable[Path]) -> Iterator[RawRecord | Problem]:
    """Every record in the files and directories named, or a Problem where one cannot be read."""
    for path in files_in(paths):
        yield from read_file(path)


def read_file(path: Path) -> Iterator[RawRecord | Problem]:
    """The records of one file (see :data:`SUFFIXES`).

    JSON Lines and CSV are streamed line by line, so memory stays flat whatever the file's size;
    a ``.json`` file is one document (or, if it turns out to hold several lines of JSON, lines).
    """
    origin, retrieved = _provenance(path)
    if path.name.endswith(LINES):
        yield from _read_lines(path, _open(path), origin, retrieved)
        return
    if path.name.endswith(CSV):
        yield from _read_csv(path, origin, retrieved)
        return
    raw = b""
    try:
        with _open(path) as stream:
            raw = stream.read()
        document = json.loads(_text(raw, str(path)))
    except (OSError, EOFError) as e:
        yield Problem("error", f"cannot read the file: {e}", str(path))
    except ReadError as e:
        yield Problem("error", e.problem, str(path))
    except json.JSONDecodeError as e:
        if e.msg.startswith("Extra data"):
            yield from _read_lines(path, io.BytesIO(raw), origin, retrieved)
        else:
            yield Problem("error", f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno};"
                                   " is the file truncated?)", str(path))
    else:
        yield from records_of(document, origin, retrieved, str(path), "")


def _open(path: Path) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if path.name.endswith(".gz") else path.open("rb")


def _read_lines(path: Path, stream: IO[bytes], origin: str, retrieved: datetime
                ) -> Iterator[RawRecord | Problem]:
    number = 0
    try:
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                where = f"line {number}"
                try:
                    document = json.loads(_text(line, str(path)))
                except ReadError as e:
                    yield Problem("error", e.problem, str(path), where)
                    continue
                except json.JSONDecodeError as e:
                    yield Problem("error", f"not valid JSON ({e.msg} at column {e.colno})", str(path), where)
                    continue
                yield from records_of(document, origin, retrieved, str(path), where)
    except (OSError, EOFError) as e:  # unreadable, or a truncated .gz
        yield Problem("error", f"cannot read the file after line {number}: {e}", str(path))


def records_of(document: Any, origin: str, retrieved: datetime, path: str, where: str
               ) -> Iterator[RawRecord | Problem]:
    """The records in one parsed JSON document, tagged with the source whose shape they have.

    A JSON array that no loader claims as a whole (OpenCitations answers, ScholeXplorer dumps)
    is read item by item, each recognised on its own; an empty array holds no records.
    """
    loader, records = detect(document)
    if loader is None and isinstance(document, list):
        for i, item in enumerate(document, start=1):
            yield from records_of(item, origin, retrieved, path, ", ".join(x for x in (where, f"item {i}") if x))
        return
    if loader is None or records is None:
        names = ", ".join(sorted(REGISTRY))
        yield Problem("error", f"not a record shape kg knows (sources: {names})", path, where)
        return
    for i, data in enumerate(records):
        location = ", ".join(x for x in (where, f"item {i + 1}" if len(records) > 1 else "") if x)
        if isinstance(data, dict):
            yield RawRecord(loader.name, data, origin, retrieved, location)
        else:
            yield Problem("error", f"{loader.name} record is {type(data).__name__}, expected an object",
                          path, location)


def _read_csv(path: Path, origin: str, retrieved: datetime) -> Iterator[RawRecord | Problem]:
    """The records of a CSV file with a header line: each row is a document for the loader that
    recognises the header's shape. A row that cannot be read is a problem naming its line (the
    line it ends on, when a quoted field spans lines)."""
    line = 0
    try:
        # surrogateescape: a byte that is not UTF-8 spoils its row only, reported below
        with _open(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                                  newline="") as text:
            reader = csv.DictReader(text)
            header = _csv_header(reader, path)
            if isinstance(header, Problem):
                yield header
                return
            loader, columns = header
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    if reader.line_num == line:  # the reader cannot get past this point
                        yield Problem("error", f"not valid CSV ({e}); the rest of the file is not read",
                                      str(path), f"line {line}")
                        break
                    line = reader.line_num
                    yield Problem("error", f"not valid CSV ({e})", str(path), f"line {line}")
                    continue
                line = reader.line_num
                yield from _csv_row(loader, row, columns, origin, retrieved, str(path), f"line {line}")
    except (OSError, EOFError) as e:  # unreadable, or a truncated .gz
        yield Problem("error", f"cannot read the file after line {line}: {e}", str(path))


def _csv_header(reader: csv.DictReader[str], path: Path) -> tuple[type[Loader], int] | Problem:
    """The loader whose record shape the header names, and the number of columns."""
    try:
        names = reader.fieldnames
    except csv.Error as e:
        return Problem("error", f"not valid CSV ({e})", str(path), "line 1")
    if not names:
        return Problem("error", "empty CSV file: no header line", str(path))
    loader, _ = detect(dict.fromkeys(names, ""))
    if loader is None:
        return Problem("error", f"CSV columns {', '.join(names)} are not a record shape kg knows "
                                f"(sources: {', '.join(sorted(REGISTRY))})", str(path), "line 1")
    return loader, len(names)


_BROKEN = re.compile("[\udc80-\udcff]")


def _csv_row(loader: type[Loader], row: dict[Any, Any], columns: int, origin: str, retrieved: datetime,
             path: str, where: str) -> Iterator[RawRecord | Problem]:
    # DictReader puts surplus fields under the key None and fills missing ones with None
    fields = columns + len(row.get(None) or []) - sum(v is None for v in row.values())
    if fields != columns:
        yield Problem("error", f"the row has {fields} fields; the header has {columns}", path, where)
        return
    broken = next((v for v in row.values() if _BROKEN.search(v)), None)
    if broken is not None:
        shown = broken.encode("utf-8", "surrogateescape")[:80]
        yield Problem("error", f"not valid UTF-8 ({shown!r})", path, where)
        return
    records = loader.records_in(row)
    if not records:
        yield Problem("error", f"not a {loader.name} record", path, where)
        return
    for data in records:
        yield RawRecord(loader.name, data, origin, retrieved, where)


def detect(document: Any) -> tuple[type[Loader] | None, list[Any] | None]:
    """The loader whose record shape the document has, and its records."""
    for loader in REGISTRY.values():
        records = loader.records_in(document)
        if records is not None:
            return loader, records
    return None, None


def _text(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ReadError(path, f"not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r})") from e


def _provenance(path: Path) -> tuple[str, datetime]:
    """Where the file's records came from: the API URL and time recorded beside a cached
    response (``<file>.meta``), else the file itself and its modification time."""
    meta = path.with_name(path.name.removesuffix(".json") + ".meta")
    if meta.is_file():
        try:
            info = json.loads(meta.read_text("utf-8"))
            return str(info["url"]), datetime.fromisoformat(info["retrieved_at"])
        except (ValueError, KeyError, OSError):
            pass
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        mtime = datetime.now(UTC)
    return path.resolve().as_uri(), mtime
