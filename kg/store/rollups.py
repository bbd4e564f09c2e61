"""Rollups kept in the metrics summary (:mod:`kg.store.summary`): figures over many works (a funder's
outputs, their versions and the works citing them) computed once and kept, keyed by the nodes they
are of, so that asking for them costs a lookup, not the funder's portfolio (issue 18).

A rollup is a JSON body under a key (the funder's nodes, space-separated) with the nodes it is of.
It stays true per record graph: when a graph's rows are replaced (written, replaced, deleted), the
rollups its old and new rows can change are forgotten (:func:`affected`, :func:`forget`) in the same
transaction, and computed again at their next read (:mod:`kg.metrics.portfolio`), or by a full
build (``kg index-metrics``). What a graph's rows can change: a funder's figures read the rows of
``schema:funder``, ``schema:funding``, ``rdf:type``, ``cito:cites``, ``schema:datePublished``,
``kg:hasVersion`` and ``kg:isVersionOf`` (codes 1-7) of its outputs, of the nodes within two version
links of them, and of the works citing those. So from the terms of a graph's rows of those predicates,
the works they cite and two version links in both directions are followed, then the funders of what
was reached (directly or through a grant); every rollup of one of those funders, or of a term of the
graph's rows, is forgotten.

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> db.executescript(TABLES + "CREATE TABLE term(id INTEGER PRIMARY KEY, text TEXT);"
...                  "CREATE TABLE fact(graph INTEGER, s INTEGER, p INTEGER, o INTEGER);") and None
>>> keep(db, "urn:f", ["urn:f"], "{}"); body(db, "urn:f")
'{}'
>>> forget(db, ["urn:f"]); body(db, "urn:f") is None
True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

#: the rollup tables (a new summary's schema and a full build's make them)
TABLES = """
CREATE TABLE IF NOT EXISTS rollup(key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rollup_node(node TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rollup_node_node ON rollup_node(node);
"""
#: dropped by a full build (made again empty, then filled)
DROP = "DROP TABLE IF EXISTS rollup; DROP TABLE IF EXISTS rollup_node;"
#: the predicate codes (kg.store.summary_terms.PREDICATES) a funder's figures read
_FUNDER, _FUNDING, _CITES = 1, 2, 3
_FIGURES = "1, 2, 3, 4, 5, 6, 7"
_VERSIONS = "5, 6"
_CHUNK = 5000


def body(db: sqlite3.Connection, key: str) -> str | None:
    """The rollup kept under ``key``, or None."""
    row = db.execute("SELECT body FROM rollup WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def keep(db: sqlite3.Connection, key: str, nodes: Iterable[str], text: str) -> None:
    """Keep ``text`` as the rollup under ``key``, of ``nodes`` (what forgets it)."""
    db.execute("DELETE FROM rollup_node WHERE key = ?", (key,))
    db.execute("INSERT OR REPLACE INTO rollup(key, body) VALUES (?, ?)", (key, text))
    db.executemany("INSERT INTO rollup_node(node, key) VALUES (?, ?)", [(n, key) for n in sorted(set(nodes))])


def any_kept(db: sqlite3.Connection) -> bool:
    """Whether any rollup is kept (none: nothing to forget on a write)."""
    return db.execute("SELECT 1 FROM rollup LIMIT 1").fetchone() is not None


def forget(db: sqlite3.Connection, nodes: Iterable[str]) -> None:
    """Forget every rollup of any of ``nodes`` (as text)."""
    texts = sorted(set(nodes))
    for start in range(0, len(texts), _CHUNK):
        chunk = texts[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        keys = [k for (k,) in db.execute(f"SELECT DISTINCT key FROM rollup_node WHERE node IN ({marks})", chunk)]  # noqa: S608
        db.executemany("DELETE FROM rollup WHERE key = ?", [(k,) for k in keys])
        db.executemany("DELETE FROM rollup_node WHERE key = ?", [(k,) for k in keys])


def affected(db: sqlite3.Connection, graphs: Sequence[int]) -> set[str]:
    """The nodes (as text) whose rollups the rows of ``graphs`` (as they are now) can change: the terms
    of those rows, and the funders of what they reach (see the module's text)."""
    touched: set[int] = set()
    for chunk in _chunks(set(graphs)):
        for s, o in db.execute(f"SELECT s, o FROM fact WHERE graph IN ({_marks(chunk)}) "  # noqa: S608
                               f"AND +p IN ({_FIGURES})", chunk):  # by the graphs' index
            touched.update((int(s), int(o)))
    if not touched:
        return set()
    reached = touched | _follow(db, touched, str(_CITES), "s", "o")
    for _ in range(2):
        reached |= _follow(db, reached, _VERSIONS, "s", "o") | _follow(db, reached, _VERSIONS, "o", "s")
    grants = _follow(db, reached, str(_FUNDING), "s", "o")
    funders = _follow(db, reached | grants, str(_FUNDER), "s", "o")
    return _texts(db, touched | funders)


def _follow(db: sqlite3.Connection, ids: set[int], codes: str, by: str, other: str) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(int(i) for (i,) in db.execute(
            f"SELECT {other} FROM fact WHERE p IN ({codes}) AND {by} IN ({_marks(chunk)})", chunk))  # noqa: S608
    return found


def _texts(db: sqlite3.Connection, ids: set[int]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(str(t) for (t,) in db.execute(f"SELECT text FROM term WHERE id IN ({_marks(chunk)})", chunk))  # noqa: S608
    return found


def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i:i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


def _marks(chunk: Sequence[object]) -> str:
    return ",".join("?" * len(chunk))
