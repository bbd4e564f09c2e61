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

from kg.store.summary import CITES, HAS_VERSION, PREDICATES, TYPE, MetricsSummaryDb

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


def cited_by(summary: MetricsSummaryDb, citing: Iterable[str], concept_class: str
             ) -> set[tuple[str, str, str | None]]:
    """(citing work, cited work, concept) of each ``cito:cites`` statement of the ``citing`` works, the
    concept being a node of class ``concept_class`` that has the cited work as a version (``kg:hasVersion``;
    None: there is none). One statement: the concepts are joined by term id, not looked up by text."""
    terms = sorted(set(citing))
    found: set[tuple[str, str, str | None]] = set()
    if not terms:
        return found
    db, lock = summary._db, summary._lock
    with lock:
        row = db.execute("SELECT id FROM term WHERE text = ?", (concept_class,)).fetchone()
        concept = int(row[0]) if row is not None else -1
        for start in range(0, len(terms), _CHUNK):
            chunk = terms[start:start + _CHUNK]
            found.update(db.execute(
                "SELECT DISTINCT b.text, x.text, k.text FROM term b "  # noqa: S608
                "CROSS JOIN fact f ON f.p = ? AND f.s = b.id CROSS JOIN term x ON x.id = f.o "
                "LEFT JOIN fact h ON h.p = ? AND h.o = f.o AND EXISTS "
                "(SELECT 1 FROM fact t WHERE t.p = ? AND t.s = h.s AND t.o = ?) "
                f"LEFT JOIN term k ON k.id = h.s WHERE b.text IN ({','.join('?' * len(chunk))})",
                (PREDICATES[CITES], PREDICATES[HAS_VERSION], PREDICATES[TYPE], concept, *chunk)).fetchall())
    return found
