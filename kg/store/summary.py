"""The metrics summary: the few links reuse metrics count, per record graph, in a SQLite table beside
the store, so that a funder's or an item's figures are read from indexed rows instead of SPARQL
joins over the whole graph (issue 18).

For every record graph it holds that graph's statements of the predicates metrics, standings and
names read (:data:`PREDICATES`): ``schema:funder``, ``schema:funding``, ``cito:cites``,
``schema:datePublished``, ``rdf:type`` (only the work classes, ``schema:Grant`` and ``kg:Concept``),
``kg:status``, the references' ``kg:citedAs``, ``kg:citedWork`` and wording, the work its record is
about, and every typed relation and evidence edge (:data:`LINKS`, ``kg:hasVersion`` among them: what
item metrics count per relation), as rows (graph, subject, predicate, object), terms interned in a
table of their own. Derived from those rows and kept with them (:mod:`kg.store.summary_cited`): each
cited work's first references by IRI, which name a work without a record of its own, and its count
of citers, which standings read; and each citing work's count of references
(:mod:`kg.store.summary_refs`) and each work's records, earliest date and classes
(:mod:`kg.store.summary_tally`), both added to version 6 without a new version. Where it lives follows the cue index
(:attr:`kg.store.StoreProfile.cue_index`): ``metrics.sqlite`` beside ``cues.sqlite`` in an embedded
store's directory, in memory otherwise.

:meth:`kg.store.Store.write` keeps it current: each record graph written (new or replaced) has its
rows replaced in the same call, from its own quads, so a load, a replacement or a sync keeps it true
and its cost follows the records written. A write it cannot see into (a SPARQL Update, N-Quads bulk
loaded) marks it stale; while stale the metrics ask the store as before (same answers, slower) until
:meth:`MetricsSummaryDb.rebuild` (``kg index-metrics``, ``g.index_metrics()``) reads every record
graph's rows again from the store (the embedded store's index scans, else
``queries/metrics_summary_rows.rq``) and fills the tables whole (:mod:`kg.store.summary_build`).

It also keeps rollups (:mod:`kg.store.rollups`): a funder's figures, computed once and kept until a
write of a record graph that can change them forgets them.

>>> db = MetricsSummaryDb(None)
>>> db.replace({"urn:g": [("urn:a", CITES, "urn:b"), ("urn:c", CITES, "urn:b")]})
>>> sorted(db.subjects(CITES, ["urn:b"]))
[('urn:b', 'urn:a'), ('urn:b', 'urn:c')]
>>> db.replace({"urn:g": []}); sorted(db.subjects(CITES, ["urn:b"]))
[]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import Quad

from kg.store import rollups, summary_cited, summary_names, summary_refs, summary_tally
from kg.store.records import RecordGraph
from kg.store.sidedb import SideDb
from kg.store.summary_build import ADDED_IN_5, fill, upgrade
from kg.store.summary_terms import (
    ABOUT,
    CITED_AS,
    CITED_WORK,
    CITES,
    CLASSES,
    DATE,
    FUNDER,
    FUNDING,
    HAS_VERSION,
    IS_VERSION_OF,
    KEYS,
    LINKS,
    PREDICATES,
    STATUS,
    TYPE,
    WORDING,
    Row,
    keeps,
    term_text,
)

#: what the rows hold changes with this: a summary of another version is built again
VERSION = "6"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS term(id INTEGER PRIMARY KEY, text TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS fact(graph INTEGER NOT NULL, s INTEGER NOT NULL, p INTEGER NOT NULL, o INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fact_graph ON fact(graph);
CREATE INDEX IF NOT EXISTS fact_po ON fact(p, o, s);
CREATE INDEX IF NOT EXISTS fact_ps ON fact(p, s, o);
""" + rollups.TABLES + summary_cited.TABLE + summary_names.TABLE + summary_refs.TABLE + summary_tally.TABLE
#: tables kept beside the rows by every write, each filled by a build or an upgrade, its meta key saying so
_KEPT = (summary_names, summary_refs, summary_tally)
#: bound terms asked at once (SQLite's limit on parameters is far above)
_CHUNK = 5000


def summary_rows(record: RecordGraph, quads: Iterable[Quad] | None = None) -> list[Row]:
    """The rows the summary keeps of one record graph: of its quads (``quads``: parsed already, those of
    :data:`KEYS` among them), and the work its record is about (the graph is that row's subject)."""
    graph = record.graph.value
    rows = {(term_text(q.subject, graph), q.predicate.value, term_text(q.object, graph))
            for q in (record.quads_with(KEYS) if quads is None else quads) if q.predicate.value in KEYS}
    rows.add((graph, ABOUT, record.meta.about.value))
    return sorted(r for r in rows if keeps(r[1], r[2]))


class MetricsSummaryDb(SideDb):
    """The metrics summary of one store: a SQLite database at ``path`` (None: in memory)."""

    def __init__(self, path: Path | None, *, empty_store: bool = True, keeps_rollups: bool = True) -> None:
        super().__init__(path, _SCHEMA, empty_store=empty_store, fresh={
            "version": VERSION, **summary_names.FRESH, summary_refs.MARKER: "1", summary_tally.MARKER: "1"})
        #: rollups computed on reading are kept (False: a store opened read-only, which writes nothing)
        self.keeps_rollups = keeps_rollups

    @property
    def built(self) -> bool:
        """Whether the summary holds every record graph of the store, in this version of its rows."""
        return super().built and self._get("version") == VERSION

    # -- writes ----------------------------------------------------------------------------

    def replace(self, graphs: Mapping[str, Sequence[Row]]) -> None:
        """Replace the rows of each graph by its new ones (none: the graph is gone), in one transaction."""
        with self._lock, self._transaction() as db:
            kept = rollups.any_kept(db)
            written: list[int] = []
            cited: dict[int, str] = {}  # works the references written point at (kg.store.summary_cited)
            citers: dict[int, int] = {}  # how the cited works' citers change
            named = summary_names.begin(db)  # works whose cited-as names the rows written change (summary_names)
            refs: dict[int, int] = {}  # how the citing works' references change (kg.store.summary_refs)
            tallied: set[int] = set()  # works whose records, dates or classes may change (kg.store.summary_tally)
            for graph, rows in graphs.items():
                found = db.execute("SELECT id FROM graph WHERE iri = ?", (graph,)).fetchone()
                if found is not None:
                    gid = int(found[0])
                    summary_cited.pointed(db, [gid], cited)
                    summary_names.touched(db, [gid], named)
                    old = summary_cited.citing_pairs(db, gid)
                    tallied |= summary_tally.affected(db, gid)
                    if kept:  # what the old rows made true: forgotten (then what the new ones make)
                        rollups.forget(db, rollups.affected(db, [gid]))
                    db.execute("DELETE FROM fact WHERE graph = ?", (gid,))
                    if not rows:
                        db.execute("DELETE FROM graph WHERE id = ?", (gid,))
                elif rows:
                    old = set()
                    gid = int(db.execute("INSERT INTO graph(iri) VALUES (?) RETURNING id", (graph,)).fetchone()[0])
                if rows:
                    self._insert(db, gid, rows)
                    tallied |= summary_tally.affected(db, gid)
                    written.append(gid)
                if found is not None or rows:
                    new = summary_cited.citing_pairs(db, gid) if rows else set()
                    summary_cited.count_citers(db, old, new, citers)
                    summary_refs.count_refs(db, old, new, refs)
            if kept:
                rollups.forget(db, rollups.affected(db, written))
            summary_cited.refresh(db, summary_cited.pointed(db, written, cited))
            summary_cited.apply_counts(db, citers)
            summary_names.refresh(db, summary_names.touched(db, written, named))
            summary_refs.apply_counts(db, refs)
            summary_tally.refresh(db, tallied)

    @staticmethod
    def _insert(db: sqlite3.Connection, gid: int, rows: Sequence[Row]) -> None:
        texts = {t for s, _, o in rows for t in (s, o)}
        db.executemany("INSERT OR IGNORE INTO term(text) VALUES (?)", [(t,) for t in texts])
        ids = _ids(db, texts)
        db.executemany("INSERT INTO fact VALUES (?, ?, ?, ?)",
                       [(gid, ids[s], PREDICATES[p], ids[o]) for s, p, o in rows if p in PREDICATES])

    def rebuild(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Replace everything by ``rows`` (graph, subject, predicate, object: the whole store's), the
        tables made again and indexed once filled (:func:`kg.store.summary_build.fill`); marked built at
        the end. The number of graphs it then holds."""
        mark = self.mark_reader() if self.mark_reader is not None else None  # before: later writes make it stale
        with self._lock:
            self._set("built", "0")
            graphs = fill(self._db, rows)
            summary_refs.fill(self._db)
            summary_tally.fill(self._db)
            self._set("writing", "0")
            self._set("version", VERSION)
            if mark is not None:
                self._set("store_mark", mark)
            self._set("built", "1")
        return graphs

    @property
    def upgradable(self) -> bool:
        """Complete in version 4 or 5, or in this one without a table kept beside its rows (:data:`_KEPT`, an
        earlier kg's): :meth:`upgrade` brings it to this version, with them, without a full build."""
        with self._lock:
            old = self._get("version") in ("4", "5") or (self._get("version") == VERSION and not all(
                kept.filled(self._db) for kept in _KEPT))
        return self._get("built") == "1" and self._get("writing") != "1" and old

    def upgrade(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Version 4 or 5 to this one (:func:`kg.store.summary_build.upgrade`), from ``rows`` of the
        predicates version 4 did not keep (:data:`ADDED_IN_5`: the whole store's); the rows added. Readers
        of the old version go on meanwhile (its rows are left as they are); it is this version once done.
        A summary of this version only gets the tables it lacks (:data:`_KEPT`), made from its rows."""
        with self._lock:
            added = upgrade(self._db, rows) if self._get("version") != VERSION else 0
            for kept in _KEPT:
                if not kept.filled(self._db):
                    kept.fill(self._db)
            self._set("version", VERSION)
        return added

    @contextmanager
    def holding(self) -> Iterator[None]:
        """No write of this process changes the summary meanwhile (a rollup read, computed and kept)."""
        with self._lock:
            yield

    def rollup(self, key: str) -> str | None:
        """The rollup kept under ``key`` (:mod:`kg.store.rollups`), or None."""
        with self._lock:
            return rollups.body(self._db, key)

    def keep_rollup(self, key: str, nodes: Iterable[str], body: str) -> None:
        """Keep ``body`` under ``key``, of ``nodes``: forgotten once a write can change it. Not kept by a
        summary that keeps none (of a store opened read-only)."""
        if self.keeps_rollups:
            with self._lock, self._transaction() as db:
                rollups.keep(db, key, nodes, body)

    # -- reads -----------------------------------------------------------------------------

    def subjects(self, predicate: str, objects: Iterable[str]) -> set[tuple[str, str]]:
        """(object, subject) of every statement ``subject predicate object`` with one of ``objects``."""
        return self._match(predicate, objects, "o", "s")

    def objects(self, predicate: str, subjects: Iterable[str]) -> set[tuple[str, str]]:
        """(subject, object) of every statement ``subject predicate object`` with one of ``subjects``."""
        return self._match(predicate, subjects, "s", "o")

    def _match(self, predicate: str, bound: Iterable[str], by: str, other: str) -> set[tuple[str, str]]:
        terms = sorted(set(bound))
        found: set[tuple[str, str]] = set()
        code = PREDICATES[predicate]
        with self._lock:
            for start in range(0, len(terms), _CHUNK):
                chunk = terms[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    # CROSS JOIN: SQLite keeps this order, from the bound terms to their rows by index
                    f"SELECT DISTINCT b.text, x.text FROM term b CROSS JOIN fact f ON f.p = ? AND f.{by} = b.id "  # noqa: S608
                    f"CROSS JOIN term x ON x.id = f.{other} WHERE b.text IN ({marks})", (code, *chunk)).fetchall())
        return found

    def citer_counts(self, works: Iterable[str]) -> dict[str, int]:
        """How many distinct works cite each of ``works``, those cited at all: as ``counts(CITES, works)``,
        kept per work (:mod:`kg.store.summary_cited`), so it reads a row a work, not its every citer."""
        with self._lock:
            return summary_cited.citer_counts(self._db, works)

    def cited_wordings(self, works: list[str]
                       ) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, summary_cited.Wording]]]]:
        """The references sampled to name each of ``works`` (its first by IRI: at most ``SAMPLE``), and
        each one's citing works and wordings (:func:`kg.store.summary_cited.sample_wordings`)."""
        with self._lock:
            return summary_cited.sample_wordings(self._db, works)

    def linking(self, objects: Iterable[str], predicates: Iterable[str] = LINKS) -> set[tuple[str, str, str]]:
        """(predicate, subject, object) of every statement of one of ``predicates`` (kept ones: by default
        every typed relation and evidence edge) with one of ``objects``."""
        codes = {PREDICATES[p]: p for p in predicates}
        terms = sorted(set(objects))
        found: set[tuple[str, str, str]] = set()
        with self._lock:
            for start in range(0, len(terms), _CHUNK):
                chunk = terms[start:start + _CHUNK]
                found.update((codes[int(p)], str(s), str(o)) for p, s, o in self._db.execute(
                    "SELECT DISTINCT f.p, x.text, b.text FROM term b CROSS JOIN fact f ON f.o = b.id "
                    f"AND f.p IN ({','.join(str(c) for c in sorted(codes))}) CROSS JOIN term x ON x.id = f.s "  # noqa: S608
                    f"WHERE b.text IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def counts(self, predicate: str, bound: Iterable[str], by: str = "o") -> dict[str, int]:
        """How many distinct others each bound term has: subjects per object (``by="o"``) or objects
        per subject (``by="s"``); terms with none are left out. Counted in SQLite, no text read."""
        counted = f"COUNT(DISTINCT f.{'s' if by == 'o' else 'o'})"
        return {k: int(str(v)) for k, v in self._aggregate(predicate, bound, by, counted)}

    def least_object(self, predicate: str, subjects: Iterable[str]) -> dict[str, str]:
        """The least object (as text) of each subject that has one."""
        return {k: str(v) for k, v in self._aggregate(predicate, subjects, "s", "MIN(x.text)", join=True)}

    def _aggregate(self, predicate: str, bound: Iterable[str], by: str, what: str, join: bool = False
                   ) -> list[tuple[str, object]]:
        terms = sorted(set(bound))
        other = "o" if by == "s" else "s"
        found: list[tuple[str, object]] = []
        with self._lock:
            for start in range(0, len(terms), _CHUNK):
                chunk = terms[start:start + _CHUNK]
                joined = f"CROSS JOIN term x ON x.id = f.{other} " if join else ""
                found += self._db.execute(
                    f"SELECT b.text, {what} FROM term b CROSS JOIN fact f ON f.p = ? AND f.{by} = b.id "  # noqa: S608
                    f"{joined}WHERE b.text IN ({','.join('?' * len(chunk))}) GROUP BY b.text",
                    (PREDICATES[predicate], *chunk)).fetchall()
        return found

    def funders(self) -> list[str]:
        """The IRIs named as a funder (``schema:funder`` objects), sorted."""
        with self._lock:
            return [str(t) for (t,) in self._db.execute(
                "SELECT DISTINCT t.text FROM fact f JOIN term t ON t.id = f.o WHERE f.p = ? ORDER BY t.text",
                (PREDICATES[FUNDER],)) if str(t).startswith(("http://", "https://"))]

    def graph_count(self) -> int:
        """The number of record graphs with rows."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM graph").fetchone()[0])


def _ids(db: sqlite3.Connection, texts: set[str]) -> dict[str, int]:
    ordered = sorted(texts)
    ids: dict[str, int] = {}
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        ids.update((t, int(i)) for t, i in db.execute(
            f"SELECT text, id FROM term WHERE text IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608
    return ids


#: a row of ``work_standing.rq``: work, citers, references, records, earliest date ("~": none), classes
StandingRow = tuple[str, str, str, str, str, str]


__all__ = ["ABOUT", "ADDED_IN_5", "CITED_AS", "CITED_WORK", "CITES", "CLASSES", "DATE", "FUNDER", "FUNDING",
           "HAS_VERSION", "IS_VERSION_OF", "KEYS", "LINKS", "PREDICATES", "STATUS", "TYPE", "VERSION", "WORDING",
           "MetricsSummaryDb", "Row", "StandingRow", "keeps", "summary_rows",
           "term_text"]
