"""What the metrics summary (:mod:`kg.store.summary`) keeps per cited work, so that reading it costs the
same however often the work is cited: how many works cite it (``cited_count``: the standings chains
and related items rank by, kept up to date a ``cito:cites`` pair at a time, :func:`count_citers`), and
its cited-as sample (``cited_sample``).

The cited-as sample: for each work references point at (``kg:citedWork``), the first :data:`SAMPLE`
of those references by IRI, so that naming a work without a record of its own
(:func:`kg.works.summaries`) reads at most :data:`SAMPLE` rows a work however often it is cited
(issue 18: at 50M quads every replicated copy cites the same works, 250 references a cited work, all
listed before the first 10 were taken).

It is derived from the summary's ``kg:citedWork`` rows alone, so it stays true per record graph: a
write (new, replaced, deleted graph) gives :func:`pointed`, before its rows are removed and after the
new ones are in, the works its references point at with the least of those references; :func:`refresh`
then takes a work's sample again only where that reference can be in it (the sample is not full, or
the reference sorts before its last one). A full build fills it whole from the rows (:func:`fill`).

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> db.executescript("CREATE TABLE term(id INTEGER PRIMARY KEY, text TEXT UNIQUE);"
...                  "CREATE TABLE fact(graph INTEGER, s INTEGER, p INTEGER, o INTEGER);" + TABLE) and None
>>> db.executemany("INSERT INTO term VALUES (?, ?)", [(1, "urn:w"), (2, "urn:r2"), (3, "urn:r1")]) and None
>>> db.executemany("INSERT INTO fact VALUES (1, ?, 8, 1)", [(2,), (3,)]) and None
>>> fill(db); refresh(db, pointed(db, [1])); db.execute("SELECT work, ref FROM cited_sample").fetchall()
[(1, 2), (1, 3)]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from itertools import product

from kg.store.summary_terms import CITED_AS, PREDICATES, WORDING

#: references sampled a work (kg.works.CITED_AS_SAMPLE is this)
SAMPLE = 10
#: a reference's wording: title, author, year, venue, volume, first page, whole text (WORDING's order)
Wording = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]
#: the tables: term ids of the work and of a reference in its sample; a work's citers counted
TABLE = """
CREATE TABLE IF NOT EXISTS cited_sample(work INTEGER NOT NULL, ref INTEGER NOT NULL, PRIMARY KEY (work, ref))
WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cited_count(work INTEGER PRIMARY KEY, n INTEGER NOT NULL);
"""
#: the codes of ``kg:citedWork``, ``kg:citedAs`` and a reference's wording (kg.store.summary_terms.PREDICATES)
_CITES, _CITED_WORK, _CITED_AS = 3, 8, 9
_CHUNK = 5000


def fill(db: sqlite3.Connection) -> None:
    """Make the tables again from the summary's ``kg:citedWork`` and ``cito:cites`` rows (a full build, a
    migration)."""
    db.execute("DROP TABLE IF EXISTS cited_sample")
    db.execute("DROP TABLE IF EXISTS cited_count")
    db.executescript(TABLE)
    db.execute(f"INSERT INTO cited_count(work, n) SELECT o, COUNT(DISTINCT s) FROM fact WHERE p = {_CITES} GROUP BY o")
    db.execute(
        "INSERT INTO cited_sample(work, ref) SELECT work, ref FROM ("
        " SELECT p.o AS work, p.s AS ref, ROW_NUMBER() OVER (PARTITION BY p.o ORDER BY t.text) AS n"
        f" FROM (SELECT DISTINCT o, s FROM fact WHERE p = {_CITED_WORK}) p JOIN term t ON t.id = p.s"  # noqa: S608
        f") WHERE n <= {SAMPLE}")


def pointed(db: sqlite3.Connection, graphs: Iterable[int], into: dict[int, str] | None = None) -> dict[int, str]:
    """The works the references of ``graphs`` (their rows as they are now) point at, each with the least
    of those references (as text), merged into ``into``."""
    found = {} if into is None else into
    ids = sorted(set(graphs))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for work, least in db.execute(
                f"SELECT f.o, MIN(t.text) FROM fact f CROSS JOIN term t ON t.id = f.s "  # noqa: S608
                f"WHERE f.graph IN ({','.join('?' * len(chunk))}) AND f.p = {_CITED_WORK} GROUP BY f.o", chunk):
            work, least = int(work), str(least)
            found[work] = min(found.get(work, least), least)
    return found


def refresh(db: sqlite3.Connection, works: Mapping[int, str]) -> None:
    """Take again the sample of each work a written reference (the least, as text) can enter or leave."""
    for work, least in works.items():
        sample = [str(t) for (t,) in db.execute(
            "SELECT t.text FROM cited_sample c CROSS JOIN term t ON t.id = c.ref WHERE c.work = ?", (work,))]
        if len(sample) >= SAMPLE and least > max(sample):
            continue  # after the sample's last reference: it neither was nor is in it
        db.execute("DELETE FROM cited_sample WHERE work = ?", (work,))
        db.execute(
            "INSERT INTO cited_sample(work, ref) SELECT ?, f.s FROM fact f CROSS JOIN term t ON t.id = f.s "
            f"WHERE f.p = {_CITED_WORK} AND f.o = ? GROUP BY f.s ORDER BY t.text LIMIT {SAMPLE}", (work, work))


def sample_rows(db: sqlite3.Connection, works: Iterable[str], wording: Iterable[int] = range(10, 17),
                references: bool = True) -> set[tuple[str, str, int, str | None]]:
    """(work, reference, code, value) of the references in the samples of ``works``, in one query: code 0
    (value None) for the reference itself, 9 with each work citing with it (``kg:citedAs``), and the codes
    ``wording`` (10-16: kg.store.summary_terms.WORDING, in order) with each value of that part of its
    wording; with ``references`` False, those of ``wording`` only (the rest read already)."""
    terms = sorted(set(works))
    parts = ", ".join(str(int(c)) for c in wording)
    found: set[tuple[str, str, int, str | None]] = set()
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start:start + _CHUNK]
        sampled = ("FROM term w CROSS JOIN cited_sample c ON c.work = w.id CROSS JOIN term r ON r.id = c.ref "
                   f"{{}}WHERE w.text IN ({','.join('?' * len(chunk))})")
        branches = [
            "SELECT w.text, r.text, 0, NULL " + sampled.format(""),
            "SELECT w.text, r.text, f.p, x.text " + sampled.format(
                f"CROSS JOIN fact f ON f.p = {_CITED_AS} AND f.o = c.ref CROSS JOIN term x ON x.id = f.s ")
        ] if references else []
        branches.append("SELECT w.text, r.text, f.p, x.text " + sampled.format(
            f"CROSS JOIN fact f ON f.p IN ({parts}) AND f.s = c.ref CROSS JOIN term x ON x.id = f.o "))
        found.update(db.execute(" UNION ALL ".join(branches), chunk * len(branches)).fetchall())
    return found


def sample_wordings(db: sqlite3.Connection, works: list[str]
                    ) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, Wording]]]]:
    """Each of ``works``' sampled references (sorted), and each reference's citing works with its
    wordings, as ``kg.works`` names a work from them (the store's ``work_cited_as_titles`` and
    ``cited_as_names`` rows): titles first, every other part only of the references of works none of
    whose sampled references gives a title (the title decides otherwise)."""
    refs: dict[str, list[str]] = {}
    citing: dict[str, set[str]] = {}
    fields: list[dict[str, list[str | None]]] = [{} for _ in WORDING]
    first, cited_as = PREDICATES[WORDING[0]], PREDICATES[CITED_AS]

    def read(rows: set[tuple[str, str, int, str | None]]) -> None:
        for work, ref, code, value in sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3] or "")):
            if code == 0:
                refs.setdefault(work, []).append(ref)
            elif code == cited_as and value is not None:
                citing.setdefault(ref, set()).add(value)
            elif value is not None:
                fields[code - first].setdefault(ref, []).append(value)
    read(sample_rows(db, works, [first]))
    untitled = [w for w, found in refs.items() if not any(r in fields[0] for r in found)]
    if untitled:  # the references and their citing works were read with the titles
        read(sample_rows(db, untitled, [PREDICATES[p] for p in WORDING[1:]], references=False))
    found: dict[str, list[tuple[str, Wording]]] = {}
    none: list[str | None] = [None]
    for ref in {r for sampled in refs.values() for r in sampled}:
        combos = list(product(*(values.get(ref, none) for values in fields)))  # each part's values, in order
        found[ref] = [(c, w) for c in sorted(citing.get(ref, ())) for w in combos]  # type: ignore[misc]
    return {work: sorted(set(sampled)) for work, sampled in refs.items()}, found


def citing_pairs(db: sqlite3.Connection, graph: int) -> set[tuple[int, int]]:
    """(cited, citing) of the ``cito:cites`` rows of ``graph`` as they are now."""
    rows = db.execute(f"SELECT o, s FROM fact WHERE graph = ? AND p = {_CITES}", (graph,))
    return {(int(o), int(s)) for o, s in rows}


def count_citers(db: sqlite3.Connection, old: set[tuple[int, int]], new: set[tuple[int, int]],
                 into: dict[int, int]) -> None:
    """Into ``into``, how each cited work's citers change when one graph's ``cito:cites`` pairs went from
    ``old`` to ``new`` (its rows already replaced): a pair it no longer states that no other graph states
    is a citer gone; a pair it now states that it alone states, a citer come. A point lookup a pair, so
    a write costs what it writes, not what the works it cites are cited."""
    for o, s in old - new:
        if db.execute(f"SELECT 1 FROM fact WHERE p = {_CITES} AND o = ? AND s = ? LIMIT 1", (o, s)).fetchone() is None:
            into[o] = into.get(o, 0) - 1
    for o, s in new - old:
        if db.execute(f"SELECT COUNT(*) FROM fact WHERE p = {_CITES} AND o = ? AND s = ?", (o, s)).fetchone()[0] == 1:
            into[o] = into.get(o, 0) + 1


def apply_counts(db: sqlite3.Connection, changes: Mapping[int, int]) -> None:
    """Add the changes :func:`count_citers` gathered to the citer counts (a work with none left has no row)."""
    db.executemany("INSERT INTO cited_count(work, n) VALUES (?, ?) ON CONFLICT(work) DO UPDATE SET n = n + excluded.n",
                   [(w, n) for w, n in changes.items() if n])
    db.execute("DELETE FROM cited_count WHERE n <= 0")


def citer_counts(db: sqlite3.Connection, works: Iterable[str]) -> dict[str, int]:
    """How many distinct works cite each of ``works`` (``cito:cites``), those cited at all."""
    terms = sorted(set(works))
    found: dict[str, int] = {}
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start:start + _CHUNK]
        found.update((str(t), int(n)) for t, n in db.execute(
            "SELECT b.text, c.n FROM term b CROSS JOIN cited_count c ON c.work = b.id "
            f"WHERE b.text IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608
    return found
