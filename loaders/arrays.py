"""Reading a JSON array of records one item at a time, in memory bounded by the largest record,
not by the file: ROR's dump (one array of every organisation), OpenCitations and ScholeXplorer
answers saved as arrays, and Crossref's annual public data files (``{"items": [...]}``, which
:func:`loaders.read.read_file` streams when they are over the document limit).

The text is read a megabyte at a time. Each item is decoded by the standard library's decoder
where the buffer holds it whole; an item the buffer cuts is found to its end by its brackets and
strings (:func:`_scan`), more text read as needed, then decoded alone. So an item that is not valid
JSON is one problem (its text is handed back for :mod:`loaders.read` to name the error), and the
next item is read; an item longer than the record limit is read through and dropped without being
held. Only a break in the array itself (no ``,`` or ``]`` after an item, a file that ends inside
one) ends the file's reading.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO, Any

from loaders.base import Problem

#: bytes read at a time
CHUNK = 1 << 20
#: how much of a file's start :func:`opens_array` needs
HEAD = 1 << 16

#: a document that opens an array of records: ``[``, or ``{"items": [`` (Crossref's public data files)
_OPENS = re.compile(rb'(?:\xef\xbb\xbf)?[ \t\n\r]*(?:\[|\{[ \t\n\r]*"items"[ \t\n\r]*:[ \t\n\r]*\[)')
_TEXT_OPENS = re.compile('\ufeff?[ \t\n\r]*(?:\\[|\\{[ \t\n\r]*"items"[ \t\n\r]*:[ \t\n\r]*\\[)')
_NOT_SPACE = re.compile(r"[^ \t\n\r]")
_TOKEN = re.compile(r'["\[\]{},]')
_IN_STRING = re.compile(r'["\\]')
#: bytes that are not UTF-8, as the decoder's surrogateescape keeps them
_BROKEN = re.compile("[\udc80-\udcff]")


def opens_array(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an array of records read item by item.

    >>> opens_array(b' [{"id": 1}'), opens_array(b'{"items": ['), opens_array(b'{"message": {"items": [')
    (True, True, False)
    """
    return _OPENS.match(head) is not None


@dataclass(frozen=True)
class Item:
    """One item of the array: its place, and its value (or its text, when it must be decoded
    alone; decoding it raises the error that names what is wrong)."""

    #: ``item <n>``, counted from 1 through the file
    where: str
    #: line and column where the item starts in the file
    line: int
    column: int
    value: Any = None
    text: str | None = None


class _Cut(Exception):
    """More than the limit of blank space, or a file that ends inside an item."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message, self.where = message, where


class _Text:
    """The decoded text of a stream, a chunk at a time, from some point on (what is behind is
    dropped), and the line and column of a place in it."""

    def __init__(self, stream: IO[bytes], head: bytes) -> None:
        self.stream = stream
        # a byte that is not UTF-8 spoils its item only; reported by the item
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.text = self.decoder.decode(head)
        self.eof = False
        self.dropped = 0  # characters dropped from the front
        self.line, self.line_start, self.counted = 1, 0, 0  # the line at offset `counted`, where it starts

    def read(self) -> bool:
        """Append the next chunk; False at the end of the stream."""
        if self.eof:
            return False
        data = self.stream.read(CHUNK)
        self.eof = not data
        self.text += self.decoder.decode(data, final=self.eof)
        return not self.eof

    def place(self, i: int) -> tuple[int, int]:
        """Line and column (from 1) of index ``i``; called with ``i`` never going back."""
        start = self.counted - self.dropped
        lines = self.text.count("\n", start, i)
        if lines:
            self.line += lines
            self.line_start = self.text.rfind("\n", start, i) + 1 + self.dropped
        self.counted = i + self.dropped
        return self.line, i + self.dropped - self.line_start + 1

    def drop(self, i: int) -> int:
        """Forget the text before index ``i``; returns ``i`` (what later indexes move back by)."""
        self.place(i)
        self.text = self.text[i:]
        self.dropped += i
        return i

    def token(self, i: int, limit: int, inside: str) -> int | None:
        """Index of the next character at or after ``i`` that is not blank; None at the end.

        :raises _Cut: after more than ``limit`` characters of blank space.
        """
        blank = 0
        while (found := _NOT_SPACE.search(self.text, i, i + limit + 1 - blank)) is None:
            blank += min(len(self.text), i + limit + 1 - blank) - i
            if blank > limit:
                raise _Cut(f"holds more than {limit:,} characters of blank space {inside}; the limit of one "
                           "record is KG_MAX_RECORD_BYTES; the rest of the file is not read")
            i -= self.drop(len(self.text))
            if not self.read():
                return None
        return found.start()


class _Scan:
    """Where scanning an item stopped: inside a string or not, and how deep in brackets."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.resume = 0


def _scan(text: str, i: int, state: _Scan) -> int | None:
    """Index of the ``,``, ``]`` or ``}`` that ends the item being scanned, or None when ``text``
    ends first (``state.resume``: where to go on once more text is read)."""
    n = len(text)
    while i < n:
        if state.in_string:
            found = _IN_STRING.search(text, i)
            if found is None:
                break
            if found.group() == "\\":
                if found.end() >= n:  # the escaped character is in the next chunk
                    state.resume = found.start()
                    return None
                i = found.end() + 1
                continue
            state.in_string, i = False, found.end()
            continue
        found = _TOKEN.search(text, i)
        if found is None:
            break
        c, i = found.group(), found.end()
        if c == '"':
            state.in_string = True
        elif c in "[{":
            state.depth += 1
        elif state.depth == 0:  # "," or a closing bracket of the array itself
            return found.start()
        elif c != ",":
            state.depth -= 1
    state.resume = n
    return None


def array_items(stream: IO[bytes], head: bytes, limit: int) -> Iterator[Item | Problem]:
    """The items of the array (or arrays, one after another) that the stream holds, ``head`` being
    its first bytes (already read; :func:`opens_array` said yes); a Problem (its file not filled
    in) for an item that is not valid UTF-8 or longer than ``limit`` characters, and for a break in
    the array's own JSON, which ends the reading."""
    text = _Text(stream, head)
    decode = json.JSONDecoder().raw_decode
    index = 0
    try:
        while (opened := _TEXT_OPENS.match(text.text, 0)) is not None:
            wrapped = "{" in opened.group()
            pos = text.token(opened.end(), limit, f"after item {index}" if index else "before the first item")
            closed = pos is not None and text.text[pos] == "]"
            while not closed:
                if pos is None:
                    yield Problem("error", f"ends inside the array after item {index}; is the file truncated?")
                    return
                index += 1
                if pos > CHUNK:
                    pos -= text.drop(pos)
                start = pos
                line, column = text.place(start)
                item = Item(f"item {index}", line, column)
                try:
                    value, end = decode(text.text, start)
                except (ValueError, RecursionError):  # cut by the buffer's end, or not valid: found below
                    end = -1
                if end != -1 and (end < len(text.text) or text.eof):  # a number may go on in the next chunk
                    item = Item(item.where, line, column, value=value)
                else:
                    end, start = yield from _whole_item(text, start, limit, item)
                    if start >= 0:
                        item = Item(item.where, line, column, text=text.text[start:end])
                if start >= 0 and end - start > limit:
                    yield Problem("error", f"is longer than {limit:,} characters; the limit of one record is "
                                           "KG_MAX_RECORD_BYTES", "", item.where)
                elif start >= 0 and (broken := _BROKEN.search(text.text, start, end)):
                    shown = text.text[max(start, broken.start() - 20):min(end, broken.start() + 20)]
                    yield Problem("error", "not valid UTF-8 "
                                           f"({shown.encode('utf-8', 'surrogateescape')!r})", "", item.where)
                elif start >= 0:
                    yield item
                pos = text.token(end, limit, f"after item {index}")
                if pos is None or text.text[pos] not in ",]}":
                    yield _broken_array(text, pos, index)
                    return
                closed = text.text[pos] != ","
                pos = text.token(pos + 1, limit, f"after item {index}") if not closed else pos
            pos = text.token(pos + 1, limit, "after the array") if pos is not None else None
            if wrapped and pos is not None and text.text[pos] == "}":
                pos = text.token(pos + 1, limit, "after the array")
            if pos is None:
                return
            pos -= text.drop(pos)
            while len(text.text) < 64 and text.read():  # the next array's opening whole
                pass
            if _TEXT_OPENS.match(text.text, 0) is None:
                yield _broken_array(text, pos, index, after=True)
                return
    except _Cut as e:
        yield Problem("error", e.message, "", e.where)


def _whole_item(text: _Text, start: int, limit: int, item: Item) -> Generator[Problem, None, tuple[int, int]]:
    """Scan the item at ``start`` to its end, reading more text; returns (end, start) as indexes
    into ``text.text`` (start -1 when the item, longer than ``limit``, was dropped as read).

    :raises _Cut: when the file ends inside the item.
    """
    state, i, dropped = _Scan(), start, False
    while (end := _scan(text.text, i, state)) is None:
        i = state.resume
        if i - start > limit and not dropped:
            yield Problem("error", f"is longer than {limit:,} characters; the limit of one record is "
                                   "KG_MAX_RECORD_BYTES", "", item.where)
            dropped = True
        if dropped:
            moved = text.drop(i)
            i, start = i - moved, 0
        if not text.read():
            raise _Cut(f"the file ends inside the item (it starts at line {item.line}, column {item.column}); "
                       "is the file truncated?", item.where)
    return end, -1 if dropped else start


def _broken_array(text: _Text, pos: int | None, index: int, *, after: bool = False) -> Problem:
    if pos is None:
        return Problem("error", f"ends inside the array after item {index}; is the file truncated?")
    line, column = text.place(pos)
    found = text.text[pos:pos + 20]
    what = "more JSON after the array" if after else f"{found[:1]!r} after item {index}, expected ',' or ']'"
    return Problem("error", f"not valid JSON ({what} at line {line} column {column}); the rest of the file is "
                            "not read")
