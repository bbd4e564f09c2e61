"""Which answer format a /sparql request asks for: by its ``Accept`` header or a ``format=`` name.

The formats and their writers are the store's (:mod:`kg.store.answers`): the query workers write
answers in the format chosen here.

>>> from kg.store.answers import SOLUTION_FORMATS
>>> negotiate("text/csv;q=0.5, application/sparql-results+json", SOLUTION_FORMATS).key
'json'
>>> by_name("srx", SOLUTION_FORMATS).media_type
'application/sparql-results+xml'
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.store.answers import ResultFormat
from kg.web.negotiation import parse_accept, quality

__all__ = ["by_name", "negotiate"]


def negotiate(accept: str | None, offered: Sequence[ResultFormat]) -> ResultFormat | None:
    """The offered format the Accept header prefers; ties go to the offer's order; None if none is acceptable.

    A missing or empty header accepts anything (the first offer).
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best: tuple[float, ResultFormat] | None = None
    for fmt in offered:
        q = max(quality(ranges, t) for t in (fmt.media_type, *fmt.aliases))
        if q > 0 and (best is None or q > best[0]):
            best = (q, fmt)
    return best[1] if best else None


def by_name(name: str, offered: Sequence[ResultFormat]) -> ResultFormat | None:
    """The offered format a ``format=`` value names (a short name or a media type)."""
    wanted = name.strip().lower()
    return next((f for f in offered if wanted in f.names or wanted == f.media_type or wanted in f.aliases), None)


