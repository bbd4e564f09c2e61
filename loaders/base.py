"""What every loader shares: raw records, problems, and the loader base class.

A loader does three things, each testable alone: *fetch* (HTTP, raw responses cached on disk),
*read* (recognise its records inside a parsed JSON document) and *map* (one raw record ->
the quads of one named graph). ``map`` is a pure function of one record, written with
:class:`loaders.builder.RecordBuilder` over :class:`loaders.fields.Fields`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from kg.store import RecordGraph
from loaders.http import HttpClient, Response


@dataclass(frozen=True)
class RawRecord:
    """One record as its source gave it, with where and when it came from."""

    source: str
    data: Mapping[str, Any]
    #: the API URL or file it was read from
    origin: str
    retrieved_at: datetime
    #: where in the origin: "item 3", "line 12"
    location: str = ""
    #: when the source last changed the record, by the record's own date (its loader's
    #: :meth:`Loader.record_date`); None when it has none
    source_modified: datetime | None = None


#: a date and time as the sources write them: ISO 8601 with or without time, fraction and zone
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?")
#: PDB's dates: 20110713
_COMPACT = re.compile(r"\d{8}")


def source_date(value: object) -> datetime | None:
    """A record's date field as an aware datetime (UTC when it names no zone), or None when the
    value is not a date: ISO 8601 (``2024-01-02T03:04:05.123Z``, ``2024-01-02``), PDB's
    ``20240102`` and a Crossref ``date-parts`` list are read.

    >>> source_date("2021-11-09T17:09:34.479930+00:00"), source_date("20110713")
    (datetime.datetime(2021, 11, 9, 17, 9, 34, 479930, tzinfo=datetime.timezone.utc), \
datetime.datetime(2011, 7, 13, 0, 0, tzinfo=datetime.timezone.utc))
    >>> source_date("2023-01-01T00:04:57Z").isoformat(), source_date("soon"), source_date(None)
    ('2023-01-01T00:04:57+00:00', None, None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _COMPACT.fullmatch(text):
            when = datetime.strptime(text, "%Y%m%d")
        elif _ISO.fullmatch(text):
            when = datetime.fromisoformat(text)
        else:
            return None
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)


def first_date(data: Mapping[str, Any], *paths: str) -> datetime | None:
    """The first of the dotted ``paths`` in ``data`` that holds a date (:func:`source_date`).

    >>> first_date({"indexed": {"date-time": "x"}, "deposited": {"date-time": "2024-01-02"}},
    ...            "indexed.date-time", "deposited.date-time").isoformat()
    '2024-01-02T00:00:00+00:00'
    """
    for path in paths:
        value: Any = data
        for key in path.split("."):
            value = value.get(key) if isinstance(value, Mapping) else None
        found = source_date(value)
        if found is not None:
            return found
    return None


#: control, bidi and invisible characters: shown escaped in messages
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                          "\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one record or one piece of input, as reported to the user."""

    #: "error" (the record or file was rejected), "warning" (loaded without one value) or
    #: "skipped" (a file in a folder that is not a record file)
    level: str
    message: str
    origin: str = ""
    location: str = ""

    def __str__(self) -> str:
        """The problem as one line of text; control and bidi characters in it (from a record's
        values) are shown escaped, so that printing it cannot rewrite the terminal.

        >>> str(Problem("error", "field 'DOI' is '10.1/a\\x1b[2Jb'", "a.jsonl", "line 3"))
        "error: a.jsonl, line 3: field 'DOI' is '10.1/a\\\\x1b[2Jb'"
        """
        where = ", ".join(x for x in (self.origin, self.location) if x)
        text = f"{self.level}: {where}: {self.message}" if where else f"{self.level}: {self.message}"
        return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


@dataclass
class Mapped:
    """A mapped record: its graph and the warnings met on the way. No graph: the record holds
    nothing to store (a self-link, a similarity suggestion), and the warnings say why."""

    graph: RecordGraph | None
    warnings: list[str] = field(default_factory=list)


def skipped(warnings: list[str]) -> Mapped:
    """A record that holds nothing to store: only the warnings saying why."""
    return Mapped(None, warnings)


@dataclass(frozen=True)
class HarvestRequest:
    """What to fetch from a source: some identifiers, or a filtered/queried listing."""

    dois: list[str] = field(default_factory=list)
    filter: str | None = None
    query: str | None = None
    rows: int = 100
    max_pages: int | None = None
    #: the API's base URL, when not the source's public one (a mirror, a test system)
    api: str | None = None


class Loader(ABC):
    """A source of records. Subclasses are registered in :mod:`loaders`."""

    #: the source's name, used on the command line and in graph IRIs
    name: ClassVar[str]
    #: one line for the CLI help and the docs
    description: ClassVar[str]
    #: the API's base URL
    api: ClassVar[str]
    #: seconds between the starts of two requests (the source's rate limit)
    min_interval: ClassVar[float] = 0.1
    #: how many identifiers one ``fetch`` call is given (PDBe answers POSTs of many)
    batch_size: ClassVar[int] = 1

    @classmethod
    @abstractmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        """The raw records inside one parsed JSON document, or None if the shape is not ours."""

    @classmethod
    def shape_problem(cls, document: Any) -> str | None:
        """For a document :meth:`records_in` refused that is nearly one of this source's records:
        what is wrong, naming the field; otherwise None."""
        return None

    @classmethod
    @abstractmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        """The record's id in the source (for messages, before mapping)."""

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """When the source last changed this record, by the record's own date field (Crossref
        ``indexed``, DataCite ``updated``, ...); None when the record has none. Of two versions of
        one record, the newer by this date is kept (:meth:`kg.store.Store.write`). Never raises:
        a missing or malformed date is None."""
        return None

    @classmethod
    @abstractmethod
    def map(cls, raw: RawRecord) -> Mapped:
        """Map one raw record to the quads of its graph. Raises RecordError for a bad record."""

    @classmethod
    @abstractmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        """The API responses that answer ``request`` (one per identifier, or one per page)."""
