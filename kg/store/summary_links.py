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

import json
import sqlite3
from collections.abc import Collection, Iterable
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


def co_cited(summary: MetricsSummaryDb, citing: Iterable[str], concept_class: str, known: Collection[str],
             excluded: Collection[str], keep: int) -> dict[str, set[str]]:
    """Co-citation counted by term id: of the works the ``citing`` works cite (``cito:cites``), each with
    those of them citing it, a cited work counting for each non-blank node of class ``concept_class`` that
    has it as a version (``kg:hasVersion``), else for itself. Of these, every one in ``known`` and the
    ``keep`` cited by most of them (then by IRI) of the others, none in ``excluded``; blank nodes left out.
    The pairs are read and counted as integers (one statement over the ``(p, s, o)`` and ``(p, o, s)``
    indexes); only the works kept, the concepts and the citing works are read as text."""
    by_other: dict[int, set[int]] = {}
    db, lock = summary._db, summary._lock
    with lock:
        names = _texts_ids(db, [*citing, concept_class, *known, *excluded])
        sample = sorted({names[c] for c in citing if c in names and not c.startswith("_:")})
        if not sample:
            return {}
        rows = db.execute(
            "SELECT DISTINCT f.s, f.o, h.s FROM fact f LEFT JOIN fact h ON h.p = ? AND h.o = f.o AND EXISTS "
            "(SELECT 1 FROM fact t WHERE t.p = ? AND t.s = h.s AND t.o = ?) "
            "WHERE f.p = ? AND f.s IN (SELECT value FROM json_each(?))",
            (PREDICATES[HAS_VERSION], PREDICATES[TYPE], names.get(concept_class, -1), PREDICATES[CITES],
             json.dumps(sample))).fetchall()
        concepts: dict[int, set[int]] = {}
        for _, cited, concept in rows:
            if concept is not None:
                concepts.setdefault(cited, set()).add(concept)
        # the versions and their concepts by text: a blank version counts for none, a blank concept not
        text = _id_texts(db, {*concepts, *(c for cs in concepts.values() for c in cs)})
        named = {v: {c for c in cs if not text[c].startswith("_:")} for v, cs in concepts.items()
                 if not text[v].startswith("_:")}
        for citer, cited, _ in rows:
            if cited in concepts and cited not in named:
                continue
            for other in named.get(cited) or (cited,):
                by_other.setdefault(other, set()).add(citer)
        left_out = {names[e] for e in excluded if e in names}
        out = {names[k] for k in known if k in names} - left_out
        held = [o for o in by_other if o in out]
        text.update(_id_texts(db, held))
        alone = [o for o in by_other if o not in out and o not in left_out]
        kept = [o for o in held if not text[o].startswith("_:")]
        kept += _most_cited(db, {o: len(by_other[o]) for o in alone}, keep, text)
        citers = _id_texts(db, sample)
    return {text[o]: {citers[c] for c in by_other[o]} for o in kept}


def _most_cited(db: sqlite3.Connection, counts: dict[int, int], keep: int, text: dict[int, str]) -> list[int]:
    """The ``keep`` non-blank terms of the most count, then the least text, their texts put in ``text``:
    only the terms of counts above the last one taken, and those of that count's least texts, are read."""
    levels: dict[int, list[int]] = {}
    for term, n in counts.items():
        levels.setdefault(n, []).append(term)
    kept: list[int] = []
    for n in sorted(levels, reverse=True):
        if len(kept) >= keep:
            break
        level = levels[n]
        found = db.execute(
            "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?)) AND substr(text, 1, 2) <> '_:' "
            "ORDER BY text LIMIT ?", (json.dumps(level), keep - len(kept))).fetchall()
        text.update((int(i), str(t)) for i, t in found)
        kept += [int(i) for i, _ in found]
    return kept


def _texts_ids(db: sqlite3.Connection, texts: Iterable[str]) -> dict[str, int]:
    unique = sorted(set(texts))
    return {str(t): int(i) for t, i in db.execute(
        "SELECT text, id FROM term WHERE text IN (SELECT value FROM json_each(?))", (json.dumps(unique),))}


def _id_texts(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    unique = sorted(set(ids))
    if not unique:
        return {}
    return {int(i): str(t) for i, t in db.execute(
        "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(unique),))}
