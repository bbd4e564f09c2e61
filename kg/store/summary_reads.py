"""Reads of the metrics summary (:mod:`kg.store.summary`) by term id, for work lookups and item metrics:
the rows are read as integers over the tables' indexes, counted or grouped in SQLite where that is the
answer, and only the terms an answer shows are read as text, in one statement (issue 18: at 50M quads a
lookup names some 26 linked works from 260 sampled references, and an item is cited by 237 works).

>>> from kg.store.summary import CITED_AS, CITED_WORK, CITES, DATE, TYPE, WORDING, MetricsSummaryDb
>>> db = MetricsSummaryDb(None)
>>> db.replace({"urn:g": [("urn:g#r1", CITED_WORK, "urn:w"), ("urn:a", CITED_AS, "urn:g#r1"),
...                       ("urn:g#r1", WORDING[0], "A title"), ("urn:a", CITES, "urn:w"),
...                       ("urn:a", DATE, "2021-03-01"), ("urn:a", TYPE, "http://schema.org/Dataset")]})
>>> cited_wordings(db, ["urn:w", "urn:nothing"])
({'urn:w': ['urn:g#r1']}, {'urn:g#r1': [('urn:a', ('A title', None, None, None, None, None, None))]})
>>> own, every = citation_tallies(db, "urn:w", ["urn:w"], ["http://schema.org/Dataset"], 20, 0)
>>> own
Tallies(total=1, by_year={'2021': 1}, by_rank={0: 1}, outside=1, page=[('urn:a', '2021', 0)])
>>> own == every
True
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from kg.store import summary_names
from kg.store.summary import CITES, DATE, PREDICATES, TYPE, MetricsSummaryDb
from kg.store.summary_cited import Wording


def cited_wordings(summary: MetricsSummaryDb, works: Iterable[str]
                   ) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, Wording]]]]:
    """What :meth:`MetricsSummaryDb.cited_wordings` answers (each of ``works``' sampled references, sorted,
    and each reference's citing works with its wordings), read in one pass by term id
    (:func:`kg.store.summary_names.sample_wordings`)."""
    with summary._lock:
        return summary_names.sample_wordings(summary._db, works)


def cited_names(summary: MetricsSummaryDb, works: Iterable[str]) -> dict[str, summary_names.Named] | None:
    """The cited-as name and year kept of each of ``works`` that has any (:mod:`kg.store.summary_names`),
    one statement; None when the summary keeps none (built by an earlier kg: read the wordings)."""
    with summary._lock:
        return summary_names.read(summary._db, works) if summary_names.filled(summary._db) else None


class Tallies(NamedTuple):
    """The works citing a set of nodes, counted (:func:`citation_tallies`): a year is the least of the first
    four characters of a citing work's dates that are digits (None: no such date), a rank the place in
    ``classes`` of the first of its classes (None: none of them)."""

    total: int
    by_year: dict[str | None, int]
    by_rank: dict[int | None, int]
    #: those that are none of the scope's nodes (the versions rolled up cite one another: no reuse)
    outside: int
    #: (IRI, year, rank) of the citing works listed: most recent first, those with no year last, then by IRI
    page: list[tuple[str, str | None, int | None]]


def citation_tallies(summary: MetricsSummaryDb, item: str, scope: Sequence[str], classes: Sequence[str],
                     limit: int | None, offset: int) -> tuple[Tallies, Tallies]:
    """The works citing ``item`` and those citing any node of ``scope`` (its versions rolled up), each
    counted in total, by year and by class in SQLite, by term id (one statement over the citing pairs
    with their dates and classes, the ``(p, o, s)`` and ``(p, s, o)`` indexes): only the ``limit`` citing
    works from ``offset`` on (None: every one) are read as text."""
    with summary._lock:
        db = summary._db
        ids = ids_of(db, [item, *scope, *classes])
        ranks = [(ids[c], n) for n, c in enumerate(classes) if c in ids]
        rank = (f"(SELECT MIN(CASE f.o {' '.join(f'WHEN {i} THEN {n}' for i, n in ranks)} END) FROM fact f "
                f"WHERE f.p = {PREDICATES[TYPE]} AND f.s = c.s AND f.o IN ({','.join(str(i) for i, _ in ranks)}))"
                if ranks else "NULL")
        alone = set(scope) <= {item}  # no other version: every citer cites the item, one page lists both
        listed = "ORDER BY year IS NULL, CAST(year AS INTEGER) DESC, t.text LIMIT ? OFFSET ?"
        rows = db.execute(
            # CROSS JOIN: from the nodes to their citers by (p, o, s), not every citation by (p, s, o)
            "WITH citer(s, own) AS MATERIALIZED (SELECT f.s, MAX(f.o = ?) FROM json_each(?) n CROSS JOIN fact f "
            f"ON f.p = {PREDICATES[CITES]} AND f.o = n.value GROUP BY f.s), "
            "facts(s, own, year, rank, inside) AS MATERIALIZED (SELECT c.s, c.own, (SELECT MIN(substr(t.text, 1, 4)) "
            f"FROM fact f CROSS JOIN term t ON t.id = f.o WHERE f.p = {PREDICATES[DATE]} AND f.s = c.s "
            "AND substr(t.text, 1, 4) <> '' AND substr(t.text, 1, 4) NOT GLOB '*[^0-9]*'), "
            f"{rank}, c.s IN (SELECT value FROM json_each(?)) FROM citer c) "
            "SELECT 0, own, year, rank, inside, COUNT(*) FROM facts GROUP BY own, year, rank, inside "
            "UNION ALL SELECT * FROM (SELECT 1, 1, year, rank, NULL, t.text FROM facts CROSS JOIN term t ON t.id = "
            f"facts.s WHERE own {listed}) "
            + ("" if alone else "UNION ALL SELECT * FROM (SELECT 2, 0, year, rank, NULL, t.text FROM facts "
                               f"CROSS JOIN term t ON t.id = facts.s {listed})"),  # noqa: S608 (integers, ours)
            (ids.get(item, -1), json.dumps(sorted(ids[n] for n in scope if n in ids)),
             json.dumps(sorted(ids[n] for n in scope if n in ids)),
             *(-1 if limit is None else limit, offset) * (1 if alone else 2))).fetchall()
    found = [Tallies(0, {}, {}, 0, []), Tallies(0, {}, {}, 0, [])]
    for kind, own, year, rank, inside, value in rows:
        for n in ((0, 1) if own else (1,)) if kind == 0 else ((0, 1) if alone else (kind - 1,)):
            tally = found[n]
            if kind:
                tally.page.append((str(value), year, rank))
                continue
            count = int(value)
            found[n] = tally._replace(total=tally.total + count, outside=tally.outside + (0 if inside else count))
            tally.by_year[year] = tally.by_year.get(year, 0) + count
            tally.by_rank[rank] = tally.by_rank.get(rank, 0) + count
    return found[0], found[1]


def ids_of(db: sqlite3.Connection, texts: Iterable[str]) -> dict[str, int]:
    """The term id of each of ``texts`` the summary holds."""
    return {str(t): int(i) for t, i in db.execute(
        "SELECT text, id FROM term WHERE text IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(texts))),))}


def texts_of(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    """The text of each term id."""
    unique = sorted(set(ids))
    if not unique:
        return {}
    return {int(i): str(t) for i, t in db.execute(
        "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(unique),))}

