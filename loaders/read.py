"""Reading files into raw records: single API responses, list pages, JSON arrays of records,
JSON Lines, CSV dumps (one record per row), gzip, and the sources' public data files;
directories are read recursively. The source of each record is recognised from its shape.

A file, line or item that cannot be read becomes a :class:`~loaders.base.Problem` in the
stream, and reading goes on with the next one. Every read is bounded (:mod:`loaders.limits`): a
``.json`` document, decompressed, by ``document_bytes``; a line of JSON Lines or CSV, and an item
of a ``.json`` file that is one array of records (ROR's dump; ``{"items": [...]}`` as Crossref's
public data files, when over ``document_bytes``) by ``record_bytes``: such arrays are streamed item
by item (:mod:`loaders.arrays`), whatever their size. A file in a folder that is not read is listed as a
``skipped`` problem.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from kg.errors import KgError, ReadError
from loaders import REGISTRY
from loaders.arrays import HEAD, Item, array_items, opens_array
from loaders.base import Loader, Problem, RawRecord
from loaders.fields import kind_of
from loaders.limits import Limits, default_limits
from loaders.xmlread import HTML, looks_like_xml, xml_document

#: file name endings read as records
SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".xml", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".csv.gz", ".xml.gz")
XML = (".xml", ".xml.gz")
LINES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV = (".csv", ".csv.gz")


#: files in a folder passed over without a word: the cache's sidecars and temporary files, and
#: a folder's own documentation (README.md, LICENSE)
_QUIET = (".meta", ".tmp", ".md")
_QUIET_NAMES = ("readme", "license", "licence", "changelog")


def files_in(paths: Iterable[Path]) -> Iterator[Path]:
    """The record files named, directories expanded recursively in name order."""
    return (p for p in entries_in(paths) if isinstance(p, Path))


def entries_in(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """The record files named, directories expanded recursively in name order; a folder that
    cannot be read is an error, a file in a folder that is not a record file is ``skipped``,
    each with the reason."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        elif _is_device(path):
            yield Problem("error", "is a device, not a file; kg loads files and folders", str(path))
        else:
            yield path


def _is_device(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # reported when it is opened
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def _walk(folder: Path) -> Iterator[Path | Problem]:
    problems: list[Problem] = []
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        problems.append(Problem("error", f"cannot read the folder ({error.strerror}); its files are not loaded",
                                str(error.filename or folder)))

    for top, _, names in os.walk(folder, onerror=unreadable):
        found.extend(Path(top, name) for name in names)
    yield from problems
    for path in sorted(found):
        why = _skip_reason(path)
        if why is None:
            yield path
        elif why:
            yield Problem("skipped", why, str(path))


def _skip_reason(path: Path) -> str | None:
    """Why a file in a folder is not read ("" to pass it over quietly), or None to read it."""
    if path.name.endswith(SUFFIXES) and not path.name.startswith("."):
        return None if path.is_file() else "not a regular file"
    if path.name.endswith(_QUIET) or path.name.startswith(".") or path.name.lower().startswith(_QUIET_NAMES):
        return ""
    return f"not a record file: kg reads {', '.join(SUFFIXES)}"


def read_paths(paths: Iterable[Path], limits: Limits | None = None) -> Iterator[RawRecord | Problem]:
    """Every record in the files and directories named, or a Problem where one cannot be read."""
    for path in entries_in(paths):
        if isinstance(path, Problem):
            yield path
        else:
            yield from read_file(path, limits)


def read_file(path: Path, limits: Limits | None = None) -> Iterator[RawRecord | Problem]:
    """The records of one file (see :data:`SUFFIXES`).

    JSON Lines and CSV are streamed line by line, and a ``.json`` file that is an array of records
    (``[...]``; ``{"items": [...]}`` over the document limit) item by item, so memory stays flat
    whatever the file's size; another ``.json`` file is one document (or, if it turns out to hold
    several lines of JSON, lines).
    """
    limits = limits or default_limits()
    origin, retrieved = _provenance(path)
    try:
        if path.name.endswith(LINES):
            yield from _read_lines(path, _open(path), origin, retrieved, limits)
            return
        if path.name.endswith(CSV):
            yield from _read_csv(path, origin, retrieved, limits)
            return
        stream = _open(path)
        try:
            head = stream.read(HEAD)
        except BaseException:
            stream.close()
            raise
    except (OSError, EOFError) as e:  # cannot open it, or not gzip
        yield Problem("error", f"cannot read the file: {_why(e)}", str(path))
        return
    if opens_array(head) and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from _read_array(path, stream, head, origin, retrieved, limits)
        return
    raw = b""
    try:
        size = path.stat().st_size if path.is_file() and not path.name.endswith(".gz") else 0
        with stream:
            if size <= limits.document_bytes:  # a plain file known too big is not read further
                raw = head + stream.read(max(0, limits.document_bytes + 1 - len(head)))
        if (size > limits.document_bytes or len(raw) > limits.document_bytes) and opens_array(head):
            # {"items": [...]}, read whole under the limit (its other keys may decide its shape, as a
            # ROR affiliation answer's "number_of_results"), item by item over it (Crossref's public data files)
            raw = b""
            stream = _open(path)
            yield from _read_array(path, stream, stream.read(HEAD), origin, retrieved, limits)
            return
        xml = path.name.endswith(XML) or looks_like_xml(head)
        if size > limits.document_bytes or len(raw) > limits.document_bytes:
            raise ReadError(str(path), f"holds more than {limits.document_bytes:,} bytes of {'XML' if xml else 'JSON'}"
                                       f"{' once decompressed' if path.name.endswith('.gz') else ''}; "
                                       "the limit is KG_MAX_DOCUMENT_BYTES" + ("" if xml else
                                       " (or give the records as JSON Lines, or as one JSON array of records, "
                                       "which is read record by record)"))
        document = xml_document(raw, str(path)) if xml else parse_json(_text(raw, str(path)))
    except (OSError, EOFError) as e:
        yield Problem("error", f"cannot read the file: {_why(e)}", str(path))
    except ReadError as e:
        yield Problem("error", e.problem, str(path))
    except json.JSONDecodeError as e:
        if e.msg.startswith("Extra data"):
            yield from _read_lines(path, io.BytesIO(raw), origin, retrieved, limits)
        else:
            yield Problem("error", _not_json(e, raw, whole=True), str(path))
    else:
        raw = b""
        yield from records_of(document, origin, retrieved, str(path), "")


def _read_array(path: Path, stream: IO[bytes], head: bytes, origin: str, retrieved: datetime, limits: Limits
                ) -> Iterator[RawRecord | Problem]:
    """The records of a file that is one JSON array of records, item by item (:mod:`loaders.arrays`):
    an item that is not JSON, or longer than ``limits.record_bytes``, is one problem naming it."""
    last = "its start"
    try:
        with stream:
            for item in array_items(stream, head, limits.record_bytes):
                if isinstance(item, Problem):
                    yield Problem(item.level, item.message, str(path), item.location)
                    continue
                last = item.where
                try:
                    document = item.value if item.text is None else parse_json(item.text)
                except ReadError as e:
                    yield Problem("error", e.problem, str(path), item.where)
                except json.JSONDecodeError as e:
                    yield Problem("error", f"not valid JSON ({e.msg} at {_place(item, e)})", str(path), item.where)
                else:
                    yield from records_of(document, origin, retrieved, str(path), item.where, nested=True)
    except (OSError, EOFError) as e:  # unreadable, or a truncated .gz
        yield Problem("error", f"cannot read the file after {last}: {_why(e)}", str(path))


def _place(item: Item, e: json.JSONDecodeError) -> str:
    """Where in the file an error in an item's text is."""
    if e.lineno == 1:
        return f"line {item.line} column {item.column + e.colno - 1}"
    return f"line {item.line + e.lineno - 1} column {e.colno}"


def parse_json(text: str) -> Any:
    """The JSON value of ``text``.

    :raises json.JSONDecodeError: when it is not JSON.
    :raises ReadError: for JSON kg will not read: a number of more than 4,300 digits, or nesting
        deeper than about a thousand levels (Python's own limits, which would otherwise crash).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as e:  # int() refusing a huge number
        digits = re.search(r"value has (\d+) digits", str(e))
        size = f"{int(digits[1]):,} digits" if digits else "too many digits"
        raise ReadError("", f"holds a number of {size}; the limit is {sys.get_int_max_str_digits():,}") from None
    except RecursionError:
        raise ReadError("", f"is nested more than about {sys.getrecursionlimit():,} levels deep "
                            "(arrays or objects inside each other); kg does not read it") from None


def _not_json(e: json.JSONDecodeError, raw: bytes, *, whole: bool) -> str:
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "an XML document, not JSON: kg reads XML records from .xml files, one document each" \
            if looks_like_xml(raw[:HEAD]) else HTML
    where = f" at line {e.lineno} column {e.colno}" if whole else f" at column {e.colno}"
    hint = "; is the file truncated?" if whole else ""
    return f"not valid JSON ({e.msg}{where}{hint})"


def _why(e: BaseException) -> str:
    return e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__


def _open(path: Path) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb")) if path.name.endswith(".gz") else path.open("rb")


def _read_lines(path: Path, stream: IO[bytes], origin: str, retrieved: datetime, limits: Limits
                ) -> Iterator[RawRecord | Problem]:
    number = 0
    try:
        with stream:
            for number, line in bounded_lines(stream, limits.record_bytes):
                where = f"line {number}"
                if line is None:
                    yield Problem("error", f"is longer than {limits.record_bytes:,} bytes; the limit of one "
                                           "record is KG_MAX_RECORD_BYTES", str(path), where)
                    continue
                if not line.strip():
                    continue
                try:
                    document = parse_json(_text(line, str(path)))
                except ReadError as e:
                    yield Problem("error", e.problem, str(path), where)
                    continue
                except json.JSONDecodeError as e:
                    yield Problem("error", _not_json(e, line, whole=False), str(path), where)
                    continue
                yield from records_of(document, origin, retrieved, str(path), where)
    except (OSError, EOFError, gzip.BadGzipFile) as e:  # unreadable, or a truncated .gz
        yield Problem("error", f"cannot read the file after line {number}: {_why(e)}", str(path))


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Each line of ``stream`` with its number; None for a line longer than ``limit`` bytes,
    whose rest is read and dropped a megabyte at a time (memory stays flat).

    >>> list(bounded_lines(io.BytesIO(b"ab\\nabcdef\\nc"), 4))
    [(1, b'ab\\n'), (2, None), (3, b'c')]
    """
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def records_of(document: Any, origin: str, retrieved: datetime, path: str, where: str, *, nested: bool = False
               ) -> Iterator[RawRecord | Problem]:
    """The records in one parsed JSON document, tagged with the source whose shape they have.

    A JSON array that no loader claims as a whole (OpenCitations answers, ScholeXplorer dumps)
    is read item by item, each recognised on its own; an empty array holds no records.
    """
    try:
        loader, records = detect(document)
    except (KgError, ValueError, TypeError, AttributeError, KeyError, RecursionError) as e:
        yield Problem("error", f"cannot be read as records ({type(e).__name__}: {e})", path, where)
        return
    if loader is None and isinstance(document, list) and not nested:
        for i, item in enumerate(document, start=1):
            yield from records_of(item, origin, retrieved, path, ", ".join(x for x in (where, f"item {i}") if x),
                                  nested=True)
        return
    if loader is None or records is None:
        yield Problem("error", shape_problem(document), path, where)
        return
    for i, data in enumerate(records):
        location = ", ".join(x for x in (where, f"item {i + 1}" if len(records) > 1 else "") if x)
        if isinstance(data, dict):
            yield RawRecord(loader.name, data, origin, retrieved, location, _record_date(loader, data))
        else:
            yield Problem("error", f"{loader.name} record is {type(data).__name__}, expected an object",
                          path, location)


def _read_csv(path: Path, origin: str, retrieved: datetime, limits: Limits) -> Iterator[RawRecord | Problem]:
    """The records of a CSV file with a header line: each row is a document for the loader that
    recognises the header's shape. A row that cannot be read is a problem naming its line (the
    line it ends on, when a quoted field spans lines)."""
    line = 0
    try:
        # surrogateescape: a byte that is not UTF-8 spoils its row only, reported below
        with _open(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                                  newline="") as text:
            csv.field_size_limit(limits.record_bytes)
            lines = _CsvLines(text, limits.record_bytes)
            reader = csv.DictReader(lines)
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
                except _LongLine as e:
                    line = e.number
                    yield Problem("error", f"is longer than {limits.record_bytes:,} characters; the limit of one "
                                           "record is KG_MAX_RECORD_BYTES", str(path), f"line {line}")
                    continue
                except csv.Error as e:
                    if reader.line_num + lines.skipped == line:  # the reader cannot get past this point
                        yield Problem("error", f"not valid CSV ({e}); the rest of the file is not read",
                                      str(path), f"line {line}")
                        break
                    line = reader.line_num + lines.skipped
                    yield Problem("error", f"not valid CSV ({e})", str(path), f"line {line}")
                    continue
                line = reader.line_num + lines.skipped
                yield from _csv_row(loader, row, columns, origin, retrieved, str(path), f"line {line}")
    except (OSError, EOFError) as e:  # unreadable, or a truncated .gz
        yield Problem("error", f"cannot read the file after line {line}: {_why(e)}", str(path))


class _LongLine(csv.Error):
    """A CSV line over the record limit, read through and dropped."""

    def __init__(self, number: int) -> None:
        super().__init__(f"line {number} is too long")
        self.number = number


class _CsvLines:
    """The lines of a CSV text for ``csv.reader``, each at most ``limit`` characters: a longer
    one is read through a megabyte at a time and raises :class:`_LongLine` in its place, so a
    line without end costs no memory (the reader carries on with the next line)."""

    def __init__(self, text: IO[str], limit: int) -> None:
        self.text = text
        self.limit = limit
        self.number = 0
        #: lines dropped, which the reader's own line count does not see
        self.skipped = 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            while (rest := self.text.readline(1 << 20)) and not rest.endswith(("\n", "\r")):
                pass
            self.skipped += 1
            raise _LongLine(self.number)
        return line


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
        yield RawRecord(loader.name, data, origin, retrieved, where, _record_date(loader, data))


def _record_date(loader: type[Loader], data: Any) -> datetime | None:
    """The record's own date; a loader's reading that trips on an odd shape is no date (the
    mapper reports the record's problems)."""
    try:
        return loader.record_date(data)
    except (LookupError, TypeError, ValueError, AttributeError, OverflowError):
        return None


def detect(document: Any) -> tuple[type[Loader] | None, list[Any] | None]:
    """The loader whose record shape the document has, and its records."""
    for loader in REGISTRY.values():
        records = loader.records_in(document)
        if records is not None:
            return loader, records
    return None, None


def shape_problem(document: Any) -> str:
    """Why no loader claims ``document``: the field a loader's shape lacks when the document is
    nearly one of its records, else the shapes kg knows."""
    for loader in REGISTRY.values():
        problem = loader.shape_problem(document)
        if problem:
            return problem
    names = ", ".join(sorted(REGISTRY))
    if not isinstance(document, dict):
        return f"not a record shape kg knows (sources: {names}): {kind_of(document)}, not a JSON object"
    keys = ", ".join(repr(k)[:40] for k in list(document)[:8]) or "none"
    return f"not a record shape kg knows (sources: {names}); its fields: {keys}"


def _text(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ReadError(path, f"not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r})") from e
    return text.removeprefix("\ufeff")  # a byte order mark, as Windows editors write


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
