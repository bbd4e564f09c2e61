"""Each work's count of references kept in the metrics summary (:mod:`kg.store.summary`): how many distinct
works it cites (``cito:cites``, over every record graph), so that a standing (:mod:`kg.store.summary_standing`)
reads one row a work instead of counting its every reference (issue 18: at 50M quads the candidates of a
much-cited work's related items are its replicated citers, each citing about 240 works, 24,000 index
entries counted a call for 100 candidates).

The table ``ref_count`` is added to a summary of version 6 without changing its version: a summary
without it (or not filled: no ``ref_count`` key in ``meta``) is read as before, by counting. It is kept a
``cito:cites`` pair at a time on each write of a record graph (:func:`count_refs`, as
:func:`kg.store.summary_cited.count_citers` keeps the citers), made whole by a full build and by the
upgrade of an existing summary (:func:`fill`: ``kg index-metrics``).

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> db.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
...                  "CREATE TABLE fact(graph INTEGER, s INTEGER, p INTEGER, o INTEGER);" + TABLE) and None
>>> db.executemany("INSERT INTO fact VALUES (?, 1, 3, ?)", [(1, 2), (1, 3), (2, 3)]) and None
>>> filled(db), fill(db), filled(db), db.execute("SELECT work, n FROM ref_count").fetchall()
(False, None, True, [(1, 2)])
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from kg.store.summary_terms import CITES, PREDICATES

#: references counted per work (term id), the works citing none left out
TABLE = "CREATE TABLE IF NOT EXISTS ref_count(work INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n"
#: the ``meta`` key saying the table is filled (then kept by every write)
MARKER = "ref_count"
_CITES = PREDICATES[CITES]


def filled(db: sqlite3.Connection) -> bool:
    """Whether the table holds every work's count (a full build or an upgrade filled it)."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (MARKER,)).fetchone()
    return row is not None and row[0] == "1"


def fill(db: sqlite3.Connection) -> None:
    """Make the table again from the summary's ``cito:cites`` rows (a full build, an upgrade), then mark it
    filled."""
    db.execute("DROP TABLE IF EXISTS ref_count")
    db.executescript(TABLE)
    db.execute(f"INSERT INTO ref_count(work, n) SELECT s, COUNT(DISTINCT o) FROM fact WHERE p = {_CITES} GROUP BY s")
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (MARKER,))


def count_refs(db: sqlite3.Connection, old: set[tuple[int, int]], new: set[tuple[int, int]],
               into: dict[int, int]) -> None:
    """Into ``into``, how each citing work's reference count changes when one graph's ``cito:cites`` pairs
    (cited, citing) went from ``old`` to ``new`` (its rows already replaced): a pair no graph states any
    more is a reference gone, a pair this graph alone states now a reference come. A point lookup a pair."""
    for o, s in old - new:
        if db.execute("SELECT 1 FROM fact WHERE p = ? AND o = ? AND s = ? LIMIT 1", (_CITES, o, s)).fetchone() is None:
            into[s] = into.get(s, 0) - 1
    for o, s in new - old:
        if db.execute("SELECT COUNT(*) FROM fact WHERE p = ? AND o = ? AND s = ?", (_CITES, o, s)).fetchone()[0] == 1:
            into[s] = into.get(s, 0) + 1


def apply_counts(db: sqlite3.Connection, changes: Mapping[int, int]) -> None:
    """Add the changes :func:`count_refs` gathered (a work citing nothing any more has no row)."""
    db.executemany("INSERT INTO ref_count(work, n) VALUES (?, ?) ON CONFLICT(work) DO UPDATE SET n = n + excluded.n",
                   [(w, n) for w, n in changes.items() if n])
    db.execute("DELETE FROM ref_count WHERE n <= 0")
