"""Each work's standing facts kept in one row of the metrics summary (:mod:`kg.store.summary`): how many
record graphs are about it (``schema:about``), its earliest date (``schema:datePublished``) and its kept
classes (``rdf:type``), so that a standing (:mod:`kg.store.summary_standing`) reads one row a work where it
read three ranges and their terms (issue 18: related items ask the standing of 100 candidates a call at
50M quads, about 30 at 1M; with the references (:mod:`kg.store.summary_refs`) and citers kept too, a
candidate costs three point lookups).

The table ``work_tally`` is added to a summary of version 6 without changing its version: read once
filled (the ``work_tally`` key in ``meta``), else the rows are read as before. Each write of a record
graph takes again the rows of the works its old and new rows give a date, a class or a record
(:func:`affected`, :func:`refresh`: from the summary's rows, so replace and delete keep it true); a full
build and the upgrade of an existing summary make it whole (:func:`fill`).

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> db.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
...                  "CREATE TABLE term(id INTEGER PRIMARY KEY, text TEXT UNIQUE);"
...                  "CREATE TABLE fact(graph INTEGER, s INTEGER, p INTEGER, o INTEGER);" + TABLE) and None
>>> db.executemany("INSERT INTO term VALUES (?, ?)", [(1, "urn:w"), (2, "2021"), (3, "2019"), (4, "urn:g")]) and None
>>> db.executemany("INSERT INTO fact VALUES (1, ?, ?, ?)", [(1, _DATE, 2), (1, _DATE, 3), (4, _ABOUT, 1)]) and None
>>> fill(db); db.execute("SELECT work, records, date, classes FROM work_tally").fetchall()
[(1, 1, '2019', None)]
>>> db.execute("DELETE FROM fact WHERE o = 3") and refresh(db, affected(db, 1) | {1})
>>> db.execute("SELECT work, records, date, classes FROM work_tally").fetchall()
[(1, 1, '2021', None)]
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from kg.store.summary_terms import ABOUT, DATE, PREDICATES, TYPE

#: per work (term id): record graphs about it, its least date (as text), its kept classes (IRIs, by spaces)
TABLE = ("CREATE TABLE IF NOT EXISTS work_tally(work INTEGER PRIMARY KEY, records INTEGER NOT NULL, date TEXT, "
         "classes TEXT);\n")
#: the ``meta`` key saying the table is filled (then kept by every write)
MARKER = "work_tally"
_ABOUT, _DATE, _TYPE = PREDICATES[ABOUT], PREDICATES[DATE], PREDICATES[TYPE]


def _rows(bound: bool) -> str:
    """The rows of every work (or of the works ``:ids``, ``bound``): each part read from its own index
    range, grouped by work."""
    w = "(SELECT value AS id FROM json_each(:ids)) w CROSS JOIN " if bound else ""
    o, s = (" AND f.o = w.id", " AND f.s = w.id") if bound else ("", "")
    return f"""
SELECT id, SUM(records), MIN(date), group_concat(cls, ' ') FROM (
    SELECT f.o AS id, COUNT(DISTINCT f.s) AS records, NULL AS date, NULL AS cls FROM {w}fact f
        WHERE f.p = {_ABOUT}{o} GROUP BY f.o
    UNION ALL
    SELECT f.s, 0, MIN(x.text), NULL FROM {w}fact f CROSS JOIN term x ON x.id = f.o WHERE f.p = {_DATE}{s} GROUP BY f.s
    UNION ALL
    SELECT DISTINCT f.s, 0, NULL, x.text FROM {w}fact f CROSS JOIN term x ON x.id = f.o WHERE f.p = {_TYPE}{s}
) GROUP BY id"""  # noqa: S608


def filled(db: sqlite3.Connection) -> bool:
    """Whether the table holds every work's row (a full build or an upgrade filled it)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (MARKER,)).fetchone()
    return row is not None and row[0] == "1"


def fill(db: sqlite3.Connection) -> None:
    """Make the table again from the summary's rows (a full build, an upgrade), then mark it filled."""
    db.execute("DROP TABLE IF EXISTS work_tally")
    db.executescript(TABLE)
    db.execute("INSERT INTO work_tally(work, records, date, classes) " + _rows(False))
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (MARKER,))


def affected(db: sqlite3.Connection, graph: int) -> set[int]:
    """The works ``graph``'s rows (as they are now) give a record, a date or a class."""
    # "+p": by the graph's index (as kg.store.summary_cited.citing_pairs)
    return {int(w) for (w,) in db.execute(
        f"SELECT CASE WHEN p = {_ABOUT} THEN o ELSE s END FROM fact WHERE graph = ? "
        f"AND +p IN ({_ABOUT}, {_DATE}, {_TYPE})", (graph,))}


def refresh(db: sqlite3.Connection, works: Iterable[int]) -> None:
    """Take again the rows of ``works`` from the summary's rows (a work with nothing left has none)."""
    ids = json.dumps(sorted(set(works)))
    if ids == "[]":
        return
    db.execute("DELETE FROM work_tally WHERE work IN (SELECT value FROM json_each(?))", (ids,))
    db.execute("INSERT INTO work_tally(work, records, date, classes) " + _rows(True), {"ids": ids})


def rows(db: sqlite3.Connection, ids: list[int]) -> list[tuple[int, int, str | None, int, int, str | None]]:
    """(work, records, least date, references, citers, classes) of each of ``ids`` (0 or None: none), from
    the kept rows (this table, :mod:`kg.store.summary_refs`' and ``cited_count``): three point lookups a work."""
    return db.execute(
        "SELECT w.value, COALESCE(t.records, 0), t.date, COALESCE(r.n, 0), COALESCE(c.n, 0), t.classes "
        "FROM json_each(?) w LEFT JOIN work_tally t ON t.work = w.value LEFT JOIN ref_count r ON r.work = w.value "
        "LEFT JOIN cited_count c ON c.work = w.value", (json.dumps(ids),)).fetchall()
