"""Content negotiation: the media ranges of an ``Accept`` header and the offer they prefer
(RFC 9110 §12.5.1), for every endpoint that answers in more than one format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match ``media_type``; else 0 (*/*), 1 (type/*) or 2 (exact)."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, with their q-values (1 when absent or unreadable).

    >>> parse_accept("text/html;level=1, */*;q=0.1")
    [MediaRange(type='text', subtype='html', q=1.0), MediaRange(type='*', subtype='*', q=0.1)]
    """
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, _, sub = media.lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0 when none matches)."""
    best, q = -1, 0.0
    for r in ranges:
        s = r.specificity(media_type)
        if s > best:
            best, q = s, r.q
    return q


def preferred(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers, or None when it accepts none of them.

    The most specific matching range gives an offer its q-value; ties go to the more specific
    match, then to the order of ``offered``. No header accepts anything.

    >>> preferred("text/turtle;q=0.5, application/*;q=0.8", ["text/html", "text/turtle", "application/json"])
    'application/json'
    >>> preferred("image/png", ["text/html"]) is None
    True
    """
    if accept is None or not accept.strip():
        return offered[0] if offered else None
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offered):
        rank = (quality(ranges, offer), max((r.specificity(offer) for r in ranges), default=-1), -index)
        if rank[0] > 0 and (best is None or rank > best):
            best, chosen = rank, offer
    return chosen


def media_parameters(accept: str | None, media_type: str) -> dict[str, str]:
    """The parameters (other than ``q``) the ``Accept`` header gives ``media_type`` itself, lower-case names.

    >>> media_parameters('application/json, text/x-bibliography; style=ieee; locale="de-DE"', "text/x-bibliography")
    {'style': 'ieee', 'locale': 'de-DE'}
    """
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() != media_type:
            continue
        found = {}
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() != "q" and value.strip():
                found[name.strip().lower()] = value.strip().strip('"')
        return found
    return {}
