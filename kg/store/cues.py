"""The cue index: what citation cues are matched against, on disk beside the store and queried, never
loaded whole (issue 19).

A SQLite database (the standard library's ``sqlite3``, with its FTS5 full-text extension) holds the
rows of :mod:`kg.store.cuerows` for every record graph (table ``cue``: graph, work, kind, value,
position), and for every work one full-text document of its title words (table ``title``, FTS5; its
``fts5vocab`` table gives how many works use a word). Where it lives is the store's profile
(:attr:`kg.store.StoreProfile.cue_index`): ``cues.sqlite`` in an embedded store's directory, a
SQLite database in memory for a store in memory, and for a remote store a file under
``$KG_CUE_INDEX_DIR`` (else in memory), built from the engine on first use.

:meth:`kg.store.Store.write` keeps it current: each record graph written has its rows replaced (so
its cost follows the records written). A write it cannot see into (a SPARQL Update, N-Quads bulk
loaded) marks it stale; a stale or missing index is built again from the store on its next use
(``kg index-cues``, :func:`kg.tracing.cues.cue_index`).

>>> from kg.store.cuerows import CueRow
>>> index = CueIndexDb(None)
>>> index.replace({"urn:g": [CueRow("urn:w", "title", "crystal insulin"), CueRow("urn:w", "venue", "sci rep")]})
>>> index.work_count(), index.title_candidates(["insulin", "crystal"], 10), index.named(["sci rep"], 10)
(1, [1], [1])
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kg.store.cuerows import CueRow
from kg.store.sidedb import SideDb

#: kinds matched as names in text, and the label the phrase is found under
PHRASE_LABELS = {"venue": "venue", "author": "author", "person": "author", "organisation": "organisation"}
#: seconds a write waits for another process's write to the same index file (a rebuild takes minutes)
BUSY_TIMEOUT = 900.0
#: the kinds a cue's name selects works by
NAMED_KINDS = ("venue", "author", "organisation")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS work(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS cue(graph INTEGER NOT NULL, work INTEGER NOT NULL, kind TEXT NOT NULL,
                               value TEXT NOT NULL, position TEXT NOT NULL, family TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cue_graph ON cue(graph);
CREATE INDEX IF NOT EXISTS cue_work ON cue(work, kind);
CREATE INDEX IF NOT EXISTS cue_name ON cue(value, kind) WHERE kind != 'title' AND kind != 'abstract';
CREATE VIRTUAL TABLE IF NOT EXISTS title USING fts5(words, tokenize="unicode61 remove_diacritics 0 tokenchars '-'");
CREATE VIRTUAL TABLE IF NOT EXISTS title_vocab USING fts5vocab(title, row);
"""

#: each work's title document: the words of its titles (each title's words once; two titles may share some)
_TITLES = ("INSERT INTO title(rowid, words) SELECT work, group_concat(value, ' ') FROM "
           "(SELECT DISTINCT work, value FROM cue WHERE kind = 'title' AND work IN ({works}) ORDER BY work, value) "
           "GROUP BY work")
#: the abstracts' table, made by the first write (an index opened to read, as a read-only store's, is not
#: written to: one made before abstracts were indexed has none until ``kg index-cues`` builds it again)
_ABSTRACT_TABLE = ("CREATE VIRTUAL TABLE IF NOT EXISTS abstract USING fts5(words, "
                   "tokenize=\"unicode61 remove_diacritics 0 tokenchars '-'\")")
#: each work's abstract document: its abstracts' and descriptions' words, in their order
_ABSTRACTS = ("INSERT INTO abstract(rowid, words) SELECT work, group_concat(value, ' ') FROM "
              "(SELECT DISTINCT work, value FROM cue WHERE kind = 'abstract' AND work IN ({works}) "
              "ORDER BY work, value) "
              "GROUP BY work")


class CueIndexDb(SideDb):
    """The cue index of one store: a SQLite database at ``path`` (None: in memory)."""

    def __init__(self, path: Path | None, *, empty_store: bool = True) -> None:
        # a file may be shared by processes (a remote store's): a writer waits for another's rebuild
        super().__init__(path, _SCHEMA, empty_store=empty_store, fresh={"works": "0"}, timeout=BUSY_TIMEOUT)

    @property
    def rebuilds(self) -> int:
        """How many times this index was built again from the whole store (:meth:`rebuild`)."""
        return int(self._get("rebuilds") or 0)

    # -- writes ----------------------------------------------------------------------------

    def replace(self, graphs: Mapping[str, Sequence[CueRow]]) -> None:
        """Replace the rows of each graph by its new ones (none: the graph is gone), in one transaction."""
        with self._lock, self._transaction() as db:
            db.execute(_ABSTRACT_TABLE)
            affected: set[int] = set()
            added = 0
            for graph, rows in graphs.items():
                found = db.execute("SELECT id FROM graph WHERE iri = ?", (graph,)).fetchone()
                if found is not None:
                    gid = int(found[0])
                    affected.update(w for (w,) in db.execute("SELECT DISTINCT work FROM cue WHERE graph = ?", (gid,)))
                    db.execute("DELETE FROM cue WHERE graph = ?", (gid,))
                    if not rows:
                        db.execute("DELETE FROM graph WHERE id = ?", (gid,))
                elif rows:
                    gid = int(db.execute("INSERT INTO graph(iri) VALUES (?) RETURNING id", (graph,)).fetchone()[0])
                if rows:
                    ids, new = self._work_ids(db, {r.work for r in rows})
                    added += new
                    db.executemany("INSERT INTO cue VALUES (?, ?, ?, ?, ?, ?)",
                                   [(gid, ids[r.work], r.kind, r.value, r.position, r.family) for r in rows])
                    affected.update(ids.values())
            removed = self._refresh(db, affected)
            self._set("works", str(int(self._get("works") or 0) + added - removed))

    @staticmethod
    def _work_ids(db: sqlite3.Connection, iris: set[str]) -> tuple[dict[str, int], int]:
        ids: dict[str, int] = {}
        new = 0
        for iri in iris:
            found = db.execute("SELECT id FROM work WHERE iri = ?", (iri,)).fetchone()
            if found is None:
                found = db.execute("INSERT INTO work(iri) VALUES (?) RETURNING id", (iri,)).fetchone()
                new += 1
            ids[iri] = int(found[0])
        return ids, new

    @staticmethod
    def _refresh(db: sqlite3.Connection, works: Iterable[int]) -> int:
        """Each work's title document made again from its rows; works left without rows dropped."""
        removed = 0
        for work in works:
            db.execute("DELETE FROM title WHERE rowid = ?", (work,))
            db.execute("DELETE FROM abstract WHERE rowid = ?", (work,))
            rows = db.execute("SELECT kind, value FROM cue WHERE work = ?", (work,)).fetchall()
            if not rows:
                db.execute("DELETE FROM work WHERE id = ?", (work,))
                removed += 1
                continue
            if any(kind == "title" for kind, _ in rows):
                db.execute(_TITLES.format(works="?"), (work,))
            if any(kind == "abstract" for kind, _ in rows):
                db.execute(_ABSTRACTS.format(works="?"), (work,))
        return removed

    def rebuild(self, rows: Iterable[tuple[str, CueRow]], batch: int = 50_000) -> int:
        """Every row again, as (graph, row), from the store (the index emptied first); the number of
        works. The rows are staged in the database and numbered there, so memory stays bounded."""
        mark = self.mark_reader() if self.mark_reader is not None else None  # before: later writes make it stale
        with self._lock:
            with self._transaction() as db:
                db.execute(_ABSTRACT_TABLE)
                for table in ("cue", "work", "graph", "title", "abstract"):
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 (names of this module's tables)
                db.execute("CREATE TEMP TABLE IF NOT EXISTS staged(graph TEXT, work TEXT, kind TEXT, value TEXT, "
                           "position TEXT, family TEXT)")
                db.execute("DELETE FROM staged")
                self._set("built", "0")
            pending: list[tuple[str, str, str, str, str, str]] = []
            for graph, r in rows:
                pending.append((graph, r.work, r.kind, r.value, r.position, r.family))
                if len(pending) >= batch:
                    self._stage(pending)
            self._stage(pending)
            with self._transaction() as db:
                db.execute("INSERT INTO graph(iri) SELECT DISTINCT graph FROM staged")
                db.execute("INSERT INTO work(iri) SELECT DISTINCT work FROM staged")
                for index in ("cue_graph", "cue_work", "cue_name"):  # made again after: three times faster
                    db.execute(f"DROP INDEX IF EXISTS {index}")
                db.execute("INSERT INTO cue SELECT DISTINCT g.id, w.id, s.kind, s.value, s.position, s.family "
                           "FROM staged s JOIN graph g ON g.iri = s.graph JOIN work w ON w.iri = s.work")
                db.execute("DELETE FROM staged")
                for statement in _SCHEMA.split(";"):
                    if "CREATE INDEX" in statement:
                        db.execute(statement)
                db.execute(_TITLES.format(works="SELECT id FROM work"))
                db.execute(_ABSTRACTS.format(works="SELECT id FROM work"))
                count = int(db.execute("SELECT count(*) FROM work").fetchone()[0])
                self._set("works", str(count))
                self._set("rebuilds", str(self.rebuilds + 1))
                if mark is not None:
                    self._set("store_mark", mark)
                self._set("built", "1")
                self._set("writing", "0")
            return count

    def _stage(self, pending: list[tuple[str, str, str, str, str, str]]) -> None:
        with self._transaction() as db:
            db.executemany("INSERT INTO staged VALUES (?, ?, ?, ?, ?, ?)", pending)
        pending.clear()

    # -- reads -----------------------------------------------------------------------------

    def work_count(self) -> int:
        """The number of works with at least one row."""
        return int(self._get("works") or 0)

    def doc_freq(self, words: Iterable[str]) -> dict[str, int]:
        """How many works' titles use each of ``words`` (those none uses are left out)."""
        found: dict[str, int] = {}
        with self._lock:
            for word in set(words):
                row = self._db.execute("SELECT doc FROM title_vocab WHERE term = ?", (word,)).fetchone()
                if row is not None:
                    found[word] = int(row[0])
        return found

    def title_candidates(self, words: Sequence[str], limit: int, least: int = 2) -> list[int]:
        """The works whose titles use at least ``least`` of ``words`` (two: any two; else any one),
        best first by FTS5's bm25, ``limit`` at most."""
        terms = sorted({w for w in words if w})
        if len(terms) < least:
            return []
        quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
        if least >= 2 and len(quoted) <= 24:
            expression = " OR ".join(f"({a} AND {b})" for i, a in enumerate(quoted) for b in quoted[i + 1:])
        else:
            expression = " OR ".join(quoted)
        with self._lock:
            return [int(r[0]) for r in self._db.execute(
                "SELECT rowid FROM title WHERE title MATCH ? ORDER BY rank LIMIT ?", (expression, limit))]

    def abstract_candidates(self, words: Sequence[str], limit: int) -> list[int]:
        """The works whose abstracts hold some run of two of ``words`` (content words in their order), best
        first by FTS5's bm25, ``limit`` at most."""
        pairs = list(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a and b))[:40]
        if not pairs or not self._has_abstracts():
            return []
        expression = " OR ".join('"' + p.replace('"', '""') + '"' for p in pairs)
        with self._lock:
            return [int(r[0]) for r in self._db.execute(
                "SELECT rowid FROM abstract WHERE abstract MATCH ? ORDER BY rank LIMIT ?", (expression, limit))]

    def abstracts(self, ids: Iterable[int]) -> dict[int, list[str]]:
        """For each work id with an abstract: its abstracts' words in their order."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, list[str]] = {}
        if not self._has_abstracts():
            return found
        with self._lock:
            for at in range(0, len(wanted), 500):
                chunk = wanted[at:at + 500]
                marks = ",".join("?" * len(chunk))
                found.update((int(w), str(t).split()) for w, t in self._db.execute(
                    f"SELECT rowid, words FROM abstract WHERE rowid IN ({marks})", chunk))  # noqa: S608
        return found

    def _has_abstracts(self) -> bool:
        if not self.__dict__.get("_abstracts"):
            with self._lock:
                self.__dict__["_abstracts"] = self._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'abstract'").fetchone() is not None
        return bool(self.__dict__["_abstracts"])

    def named(self, names: Iterable[str], limit: int, year: str | None = None) -> list[int]:
        """The works a venue, an author's family name or an organisation names, ``limit`` at most per
        name (with ``year``: those of that year)."""
        found: list[int] = []
        with self._lock:
            for name in dict.fromkeys(names):
                if year is None:
                    sql = ("SELECT DISTINCT work FROM cue WHERE kind != 'title' AND kind != 'abstract' AND value = ? "
                           "AND kind IN ('venue', 'author', 'organisation') LIMIT ?")
                    args: tuple[object, ...] = (name, limit)
                else:
                    sql = ("SELECT DISTINCT c.work FROM cue c JOIN cue y ON y.work = c.work AND y.kind = 'year' "
                           "AND y.value = ? WHERE c.kind != 'title' AND c.kind != 'abstract' AND c.value = ? "
                           "AND c.kind IN ('venue', 'author', 'organisation') LIMIT ?")
                    args = (year, name, limit)
                found.extend(int(r[0]) for r in self._db.execute(sql, args))
        return found

    def family_of(self, name: str) -> str | None:
        """The family name of an author known by ``name`` (a family name, or given and family names)."""
        with self._lock:
            row = self._db.execute("SELECT family FROM cue WHERE kind != 'title' AND kind != 'abstract' "
                                   "AND value = ? AND kind = 'person' "
                                   "LIMIT 1", (name,)).fetchone()
            if row is None:
                row = self._db.execute("SELECT value FROM cue WHERE kind != 'title' AND kind != 'abstract' "
                                       "AND value = ? AND kind = 'author' "
                                       "LIMIT 1", (name,)).fetchone()
        return None if row is None else str(row[0])

    def venue_size(self, venue: str) -> int:
        """The number of works in ``venue``."""
        with self._lock:
            row = self._db.execute("SELECT count(DISTINCT work) FROM cue WHERE kind != 'title' AND kind != 'abstract' "
                                   "AND value = ? "
                                   "AND kind = 'venue'", (venue,)).fetchone()
        return int(row[0])

    def works(self, ids: Iterable[int]) -> dict[int, tuple[str, list[str], list[tuple[str, str, str]]]]:
        """For each work id: its IRI, its title words, and its other rows as (kind, value, position)."""
        wanted = list(dict.fromkeys(ids))
        iris: dict[int, str] = {}
        words: dict[int, list[str]] = {}
        rows: dict[int, list[tuple[str, str, str]]] = {}
        with self._lock:
            for at in range(0, len(wanted), 500):
                chunk = wanted[at:at + 500]
                marks = ",".join("?" * len(chunk))
                iris.update(self._db.execute(f"SELECT id, iri FROM work WHERE id IN ({marks})", chunk))  # noqa: S608
                words.update((w, sorted(set(str(t).split()))) for w, t in self._db.execute(
                    f"SELECT rowid, words FROM title WHERE rowid IN ({marks})", chunk))  # noqa: S608
                for work, kind, value, position in self._db.execute(
                        f"SELECT work, kind, value, position FROM cue WHERE work IN ({marks}) "  # noqa: S608
                        "AND kind != 'title' AND kind != 'abstract'", chunk):
                    rows.setdefault(work, []).append((kind, value, position))
        return {w: (iris[w], words.get(w, []), rows.get(w, [])) for w in wanted if w in iris}

    def phrase(self, text: str) -> tuple[bool, set[str]]:
        """Whether some venue, author or organisation name starts with ``text`` (lower case), and the
        labels (venue, author, organisation) of the names that are ``text`` itself."""
        with self._lock:
            first = self._db.execute("SELECT value FROM cue WHERE kind != 'title' AND kind != 'abstract' "
                                     "AND value >= ? AND value < ? "
                                     "AND kind IN ('venue', 'author', 'person', 'organisation') ORDER BY value LIMIT 1",
                                     (text, text + "\U0010ffff")).fetchone()
            if first is None:
                return False, set()
            kinds = {k for (k,) in self._db.execute(
                "SELECT DISTINCT kind FROM cue WHERE kind != 'title' AND kind != 'abstract' AND value = ? "
                "AND kind IN ('venue', 'author', 'person', 'organisation')", (text,))}
        return True, {PHRASE_LABELS[k] for k in kinds}
