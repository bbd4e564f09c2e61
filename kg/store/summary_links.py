"""Read-only lookups over the metrics summary (:mod:`kg.store.summary`) for related items: the statements
of several predicates at once from or to bound terms, one SQL statement however many predicates, through
the ``(p, s, o)`` and ``(p, o, s)`` indexes. Nothing here writes or changes the summary's tables.

>>> from kg.store.summary import CITES, MetricsSummaryDb
>>> db = MetricsSummaryDb(None)
>>> db.replace({"urn:g": [("urn:a", CITES, "urn:b"), ("urn:c", CITES, "urn:b")]})
>>> sorted(links(db, [CITES], ["urn:b"], by="o"))
[('http://purl.org/spar/cito/cites', 'urn:b', 'urn:a'), ('http://purl.org/spar/cito/cites', 'urn:b', 'urn:c')]
>>> kept(db, [CITES, "urn:not-kept"])
False
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from kg.store.summary import PREDICATES, MetricsSummaryDb

#: bound terms asked at once
_CHUNK = 2000


def kept(summary: MetricsSummaryDb, predicates: Iterable[str]) -> bool:
    """Whether the summary keeps every statement of each of these predicates (its version says which)."""
    return all(p in PREDICATES for p in predicates)


def links(summary: MetricsSummaryDb, predicates: Iterable[str], bound: Iterable[str], by: Literal["s", "o"]
          ) -> set[tuple[str, str, str]]:
    """(predicate, bound term, other term) of each statement with one of ``predicates`` (kept ones) whose
    subject (``by="s"``) or object (``by="o"``) is one of ``bound``; each once over all record graphs."""
    codes = {PREDICATES[p]: p for p in predicates if p in PREDICATES}
    terms = sorted(set(bound))
    other = "o" if by == "s" else "s"
    found: set[tuple[str, str, str]] = set()
    if not codes or not terms:
        return found
    db, lock = summary._db, summary._lock  # the summary's own connection, read under its lock
    with lock:
        for start in range(0, len(terms), _CHUNK):
            chunk = terms[start:start + _CHUNK]
            rows = db.execute(
                # CROSS JOIN keeps this order: from the bound terms, by index, to their statements' other terms
                f"SELECT DISTINCT f.p, b.text, x.text FROM term b CROSS JOIN fact f "  # noqa: S608
                f"ON f.p IN ({','.join('?' * len(codes))}) AND f.{by} = b.id CROSS JOIN term x ON x.id = f.{other} "
                f"WHERE b.text IN ({','.join('?' * len(chunk))})", (*codes, *chunk)).fetchall()
            found.update((codes[int(p)], str(b), str(x)) for p, b, x in rows)
    return found
