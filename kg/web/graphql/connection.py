"""Relay-style connections: one generic type for every list of the API (``totalCount``, ``pageInfo``,
``nodes``, ``edges``), and the paging of a list by ``first`` and an opaque ``after`` cursor."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from kg.errors import BadRequestError
from kg.web.config import Settings

N = TypeVar("N")
K = TypeVar("K")

#: the page size when ``first`` is not given (DataCite's default)
DEFAULT_FIRST = 25


@strawberry.type(description="Where a page ends, and whether there is more after it.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="An item of a list and the cursor to page on after it.")
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type(description="A list of items, a page at a time.")
class Connection(Generic[N]):
    total_count: int = strawberry.field(description="Items in the whole list, not just this page.")
    page_info: PageInfo
    nodes: list[N]
    edges: list[Edge[N]]


def encode_cursor(offset: int) -> str:
    """The opaque cursor after the item at ``offset`` (counted from 0).

    >>> decode_cursor(encode_cursor(41))
    41
    """
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except (ValueError, binascii.Error, UnicodeError):
        pass
    raise BadRequestError("after", "is not a cursor this API gave out (use pageInfo.endCursor)", cursor)


def check_first(first: int, settings: Settings, parameter: str = "first") -> int:
    """``first`` itself when 1..max_page_size; a clear error otherwise (never silently clamped)."""
    if not 1 <= first <= settings.max_page_size:
        raise BadRequestError(parameter, f"must be between 1 and {settings.max_page_size}", first)
    return first


@dataclass(frozen=True)
class Page(Generic[K]):
    """The keys of one page of a list, with what the connection reports about it."""

    keys: list[K]
    total: int
    start: int

    @property
    def has_next(self) -> bool:
        return self.start + len(self.keys) < self.total

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.start + len(self.keys) - 1) if self.keys else None

    def page_info(self) -> PageInfo:
        return PageInfo(has_next_page=self.has_next, end_cursor=self.end_cursor)

    def cursor(self, index: int) -> str:
        return encode_cursor(self.start + index)


def paginate(items: Sequence[K], first: int, after: str | None, settings: Settings) -> Page[K]:
    """The page of ``items`` that ``first`` and ``after`` ask for."""
    size = check_first(first, settings)
    start = decode_cursor(after) + 1 if after is not None else 0
    return Page(list(items[start:start + size]), len(items), start)
