"""Building the metrics summary (:mod:`kg.store.summary`) from a whole store at once, fast.

The rows come, on the embedded store, from pyoxigraph's index scans (:func:`scan_rows`: one
``quads_for_pattern`` per kept predicate, an ordered walk of its predicate index), elsewhere from the
catalogue query ``metrics_summary_rows`` (a remote store). :func:`fill` writes them the way a bulk
build is cheapest in SQLite: the tables are made again without their indexes (under other names until
filled, then put in place of the old ones), terms and graphs are
numbered in Python (one dictionary, no lookups in the database), rows go in by large batches with
``synchronous=OFF``, and each index is made once at the end (a sort, not millions of B-tree inserts).

>>> import sqlite3
>>> db = sqlite3.connect(":memory:", isolation_level=None)
>>> db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)") and None
>>> fill(db, [("urn:g", "urn:a", CITES, "urn:b"), ("urn:g", "urn:a", "urn:p", "urn:c")])
1
>>> db.execute("SELECT COUNT(*) FROM fact").fetchone()[0]
1
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator

from pyoxigraph import NamedNode, Quad
from pyoxigraph import Store as OxStore

from kg.store import rollups, summary_cited, summary_names
from kg.store.records import META
from kg.store.summary_terms import ABOUT, CITES, CLASSES, PREDICATES, STATUS, TYPE, keeps, term_text

#: the predicates a summary of version 4 did not keep (``kg:status`` and the links item metrics count):
#: :func:`upgrade` adds their rows to one, in place of a full build
ADDED_IN_5 = frozenset(p for p, code in PREDICATES.items() if code >= PREDICATES[STATUS])

#: the tables as a full build makes them, under other names until filled (another process opening the
#: summary meanwhile makes its missing indexes: on these, it would index every row as it goes in)
TABLES = """
DROP TABLE IF EXISTS fact_new;
DROP TABLE IF EXISTS term_new;
DROP TABLE IF EXISTS graph_new;
CREATE TABLE graph_new(id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE term_new(id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE fact_new(graph INTEGER NOT NULL, s INTEGER NOT NULL, p INTEGER NOT NULL, o INTEGER NOT NULL);
"""
#: the filled tables take the place of the old ones
SWAP = """
BEGIN;
DROP TABLE IF EXISTS fact;
DROP TABLE IF EXISTS term;
DROP TABLE IF EXISTS graph;
ALTER TABLE fact_new RENAME TO fact;
ALTER TABLE term_new RENAME TO term;
ALTER TABLE graph_new RENAME TO graph;
COMMIT;
"""
#: made once the rows are in; the same lookups the schema of a new summary has
INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS graph_iri ON graph(iri)",
    "CREATE UNIQUE INDEX IF NOT EXISTS term_text ON term(text)",
    "CREATE INDEX IF NOT EXISTS fact_graph ON fact(graph)",
    "CREATE INDEX IF NOT EXISTS fact_po ON fact(p, o, s)",
    "CREATE INDEX IF NOT EXISTS fact_ps ON fact(p, s, o)",
)


def scan_rows(ox: OxStore, only: Collection[str] | None = None) -> Iterator[tuple[str, str, str, str]]:
    """(graph, subject, predicate, object) of every statement the summary keeps (or of the predicates
    ``only``), from the store's indexes: each kept predicate's quads in named graphs other than the meta
    graph (``rdf:type`` only with a kept class), and the meta graph's ``schema:about`` (the graph as subject)."""
    wanted = PREDICATES.keys() if only is None else only
    for predicate in PREDICATES:
        if predicate in (TYPE, ABOUT) or predicate not in wanted:
            continue
        yield from _scan(ox.quads_for_pattern(None, NamedNode(predicate), None, None), predicate)
    for cls in sorted(CLASSES) if TYPE in wanted else ():
        yield from _scan(ox.quads_for_pattern(None, NamedNode(TYPE), NamedNode(cls), None), TYPE)
    for quad in ox.quads_for_pattern(None, NamedNode(ABOUT), None, META) if ABOUT in wanted else ():
        if isinstance(quad.subject, NamedNode):
            graph = quad.subject.value
            yield graph, graph, ABOUT, term_text(quad.object, graph)


def quad_rows(quads: Iterable[Quad]) -> Iterator[tuple[str, str, str, str]]:
    """The rows :func:`scan_rows` reads from a store holding ``quads``, taken from the quads themselves (the
    N-Quads a store was bulk-loaded from: :func:`loaders.bulkload.loaded_quads`)."""
    meta = META.value
    for quad in quads:
        name, predicate = quad.graph_name, quad.predicate.value
        if not isinstance(name, NamedNode) or predicate not in PREDICATES:
            continue
        if name.value == meta:
            if predicate == ABOUT and isinstance(quad.subject, NamedNode):
                yield quad.subject.value, quad.subject.value, ABOUT, term_text(quad.object, quad.subject.value)
        elif predicate != ABOUT and (predicate != TYPE or isinstance(quad.object, NamedNode)
                                     and quad.object.value in CLASSES):
            yield name.value, term_text(quad.subject, name.value), predicate, term_text(quad.object, name.value)


def _scan(quads: Iterable[object], predicate: str) -> Iterator[tuple[str, str, str, str]]:
    meta = META.value
    for quad in quads:
        name = quad.graph_name  # type: ignore[attr-defined]
        if isinstance(name, NamedNode) and name.value != meta:
            graph = name.value
            yield graph, term_text(quad.subject, graph), predicate, term_text(quad.object, graph)  # type: ignore[attr-defined]


def fill(db: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]], batch: int = 200_000) -> int:
    """Make the summary's tables again in ``db`` (autocommit mode) holding ``rows`` (graph, subject,
    predicate, object; those the summary does not keep are left out), then their indexes. The number of
    graphs with rows."""
    db.executescript(TABLES)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")  # 256 MB for the index sorts
    terms: dict[str, int] = {}
    graphs: dict[str, int] = {}
    new_terms: list[tuple[int, str]] = []
    new_graphs: list[tuple[int, str]] = []
    facts: list[tuple[int, int, int, int]] = []

    def intern(text: str) -> int:
        found = terms.get(text)
        if found is None:
            found = terms[text] = len(terms) + 1
            new_terms.append((found, text))
        return found

    def flush() -> None:
        db.execute("BEGIN")
        db.executemany("INSERT INTO graph_new(id, iri) VALUES (?, ?)", new_graphs)
        db.executemany("INSERT INTO term_new(id, text) VALUES (?, ?)", new_terms)
        db.executemany("INSERT INTO fact_new VALUES (?, ?, ?, ?)", facts)
        db.execute("COMMIT")
        new_graphs.clear()
        new_terms.clear()
        facts.clear()

    codes = PREDICATES
    for g, s, p, o in rows:
        if not keeps(p, o):
            continue
        gid = graphs.get(g)
        if gid is None:
            gid = graphs[g] = len(graphs) + 1
            new_graphs.append((gid, g))
        facts.append((gid, intern(s), codes[p], intern(o)))
        if len(facts) >= batch:
            flush()
    flush()
    db.executescript(SWAP + rollups.DROP + rollups.TABLES)
    for index in INDEXES:
        db.execute(index)
    summary_cited.fill(db)
    summary_names.fill(db)
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-2000")
    return len(graphs)


def upgrade(db: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]], batch: int = 50_000) -> int:
    """Bring a summary of version 4 (or 5) to 6 in ``db`` (autocommit mode), its rows and rollups kept:
    add ``rows`` (graph, subject, predicate, object) of the predicates version 4 lacked
    (:data:`ADDED_IN_5`; any there already, from version 5 or an upgrade cut short, are removed first),
    then fill the cited-as sample and citer counts from its rows (:mod:`kg.store.summary_cited`).
    Minutes where a full build takes the store's every scan again.
    The number of rows added."""
    codes = ",".join(str(PREDICATES[p]) for p in sorted(ADDED_IN_5))
    db.execute("PRAGMA cache_size=-262144")
    db.execute(f"DELETE FROM fact WHERE p IN ({codes})")  # noqa: S608
    pending: list[tuple[str, str, str, str]] = []
    added = 0

    def flush() -> None:
        texts = sorted({t for _, s, _, o in pending for t in (s, o)})
        graphs = sorted({g for g, _, _, _ in pending})
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO term(text) VALUES (?)", [(t,) for t in texts])
        db.executemany("INSERT OR IGNORE INTO graph(iri) VALUES (?)", [(g,) for g in graphs])
        terms, ids = _ids(db, "term", "text", texts), _ids(db, "graph", "iri", graphs)
        db.executemany("INSERT INTO fact VALUES (?, ?, ?, ?)",
                       [(ids[g], terms[s], PREDICATES[p], terms[o]) for g, s, p, o in pending])
        db.execute("COMMIT")
        pending.clear()

    for row in rows:
        if row[2] in ADDED_IN_5 and keeps(row[2], row[3]):
            pending.append(row)
            added += 1
            if len(pending) >= batch:
                flush()
    flush()
    summary_cited.fill(db)
    summary_names.fill(db)
    db.execute("PRAGMA cache_size=-2000")
    return added


def _ids(db: sqlite3.Connection, table: str, column: str, texts: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(texts), 5000):
        chunk = texts[start:start + 5000]
        found.update((str(t), int(i)) for t, i in db.execute(
            f"SELECT {column}, id FROM {table} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608
    return found


__all__ = ["ADDED_IN_5", "CITES", "INDEXES", "TABLES", "fill", "scan_rows", "upgrade"]
