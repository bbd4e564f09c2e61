"""Each cited work's cited-as name and year, kept in the metrics summary (:mod:`kg.store.summary`) on
write, so that a lookup names the works it links to that have no record of their own with one indexed
read by term id (issue 18: at 50M quads naming them from their sampled references' wordings at each
lookup took a quarter of its CPU).

For each work references point at (``kg:citedWork``), ``cited_name`` holds what :func:`kg.works.summaries`
would make of its cited-as sample (:mod:`kg.store.summary_cited`): the name citers give it and the first
citing work giving it (:func:`cited_as_name`), and the year they give it with its first citing work
(:func:`best_years`); a work none of whose sampled references names or dates it has no row. It is
derived from the rows of its sampled references (their ``kg:citedAs``, ``kg:citedWork`` and wording),
so a write (new, replaced, deleted record graph) takes again the rows of every work whose sample holds a
reference it touches (before or after: :func:`touched`, :func:`refresh`; a new citation of a much-cited
work past its sample changes nothing), and a full build fills it whole
(:func:`fill`). Its meta key :data:`MARKER` says it is filled and :data:`RULE` by which naming rule: a
summary without them (built by an earlier kg) is read as before, from the samples' wordings, with the same
answers.

A kg that does not know the table may still write to the summary, or build it again (new term ids): the
table would then be stale. So it is trusted only while kg's own code alone has changed what it derives
from, which triggers of the summary's own (:data:`TRIGGERS`, fired whichever kg writes) see: any write of
a row it derives from (a reference's ``kg:citedWork``, ``kg:citedAs`` or wording) and any build (the meta
key ``built`` set to "0") set the marker to "0", and only this module sets it back: a build's
:func:`fill`, and a write of this kg, which :func:`begin` marks "writing" (the fact table's triggers are
dropped within its transaction: a check a row cost a fifth of a write's CPU) and :func:`refresh` ends by
naming the works it touched and making them again. A table left "0" is read past (the samples'
wordings) until ``kg index-metrics`` makes it again.

>>> CitedAsRow("10.1/c", None, "Smith", "1999", "Nature", "12", "3", None, 1).wording
'Smith 1999, Nature 12:3'
>>> CitedAsRow("10.1/c", None, None, "2012", "Procedia Engineering", "45", "317", None, 1).wording
'Procedia Engineering 45:317 (2012)'
>>> cited_as_name([CitedAsRow("urn:b", "A", *[None] * 6, 1), CitedAsRow("urn:a", "A", *[None] * 6, 1)])
('A', 'urn:a')
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import product
from typing import NamedTuple

from kg.store.summary_cited import Wording
from kg.store.summary_terms import CITED_AS, CITED_WORK, PREDICATES, WORDING

#: the table: a cited work's term id, its name and the work first giving it, its year and the work first giving it
_TABLE = """
CREATE TABLE IF NOT EXISTS cited_name(work INTEGER PRIMARY KEY, name TEXT, name_by TEXT, year INTEGER, year_by TEXT);
"""
#: the meta key saying the table is filled and kept on write: "1" ("0": a write or build of another kg
#: since; "writing": within a write of this one)
MARKER = "cited names"
#: the meta key giving the naming rule the names were made by (a table of another rule is made again)
RULE = "cited names rule"
#: this rule: "2" names a reference with a venue but no author "venue volume:page (year)"
RULE_VERSION = "2"
#: a new summary's meta values: the (empty) table kept from the start
FRESH = {MARKER: "1", RULE: RULE_VERSION}
_CODES = ", ".join(str(c) for c in (PREDICATES[CITED_WORK], PREDICATES[CITED_AS], *(PREDICATES[p] for p in WORDING)))
_KEPT = f"(SELECT value FROM meta WHERE key = '{MARKER}') = '1'"  # asked first: a write of this kg ends there
_STALE = f"BEGIN UPDATE meta SET value = '0' WHERE key = '{MARKER}'; END;"
#: any kg's write of a row the names derive from, or build, leaves them untrusted (see above)
_ON_FACT = tuple(f"CREATE TRIGGER IF NOT EXISTS cited_name_{name} AFTER {event} ON fact WHEN {_KEPT} "
                 f"AND {row}.p IN ({_CODES}) {_STALE}" for name, event, row in (("added", "INSERT", "new"),
                                                                               ("removed", "DELETE", "old")))
TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS cited_name_built AFTER INSERT ON meta WHEN new.key = 'built' AND new.value = '0'
AND {_KEPT} {_STALE}
""" + "\n".join(_ON_FACT) + "\n"
#: the table and its triggers (part of the summary's schema)
TABLE = _TABLE + TRIGGERS
#: a work's cited-as name and its first citing work, its cited year and its first citing work (or None)
Named = tuple[str | None, str | None, int | None, str | None]

_CITED_AS, _CITED_WORK, _PARTS = PREDICATES[CITED_AS], PREDICATES[CITED_WORK], [PREDICATES[p] for p in WORDING]
_TITLE, _YEAR = _PARTS[0], _PARTS[2]
#: works named at once by a full build
_CHUNK = 500


class CitedAsRow(NamedTuple):
    """One wording of references to a work (a row of ``cited_as_names.rq``)."""

    cited_by: str
    title: str | None
    author: str | None
    year: str | None
    venue: str | None
    volume: str | None
    page: str | None
    unstructured: str | None
    references: int

    @property
    def wording(self) -> str | None:
        """The wording without its title: "author year, venue volume:page" when it names an author; "venue
        volume:page (year)" when it names a venue but no author (not "2012, Procedia Engineering 45:317");
        else the reference's whole text; None when it holds neither."""
        if self.author or self.venue:
            where = " ".join(x for x in (self.venue, self.volume) if x)
            if self.page:
                where = f"{where}:{self.page}" if self.volume else ", ".join(x for x in (where, f"p. {self.page}") if x)
            if not self.author:
                return f"{where} ({self.year})" if self.year else where
            return ", ".join(x for x in (" ".join(x for x in (self.author, self.year) if x), where) if x)
        return self.unstructured


def cited_as_name(rows: Iterable[CitedAsRow]) -> tuple[str, str] | None:
    """The display name citers give a work, and the first citing work (by IRI) naming it so: the
    most frequent title, else the most frequent wording; ties go to the longest, then the first
    in alphabetical order. None when no reference names it."""
    rows = list(rows)
    for pick in (_title, _wording):
        counts: dict[str, int] = {}
        by: dict[str, str] = {}
        for row in rows:
            text = pick(row)
            if text:
                counts[text] = counts.get(text, 0) + row.references
                by[text] = min(by.get(text, row.cited_by), row.cited_by)
        if counts:
            best = min(counts, key=lambda t: (-counts[t], -len(t), t))
            return best, by[best]
    return None


def _title(row: CitedAsRow) -> str | None:
    return row.title


def _wording(row: CitedAsRow) -> str | None:
    return row.wording


def best_years(refs: Mapping[str, list[str]], wordings: Mapping[str, list[tuple[str, Wording]]],
               years: Iterable[tuple[str | None, str | None]]) -> dict[str, tuple[int, str]]:
    """(year, first citing work) of each work of ``refs`` (work -> its sampled references) whose references
    give a year (``years``: (reference, ``kg:citedYear``) rows): the year given most often, ties the
    earliest, and the first work citing with it (``wordings``: each reference's citing works)."""
    year_of: dict[str, set[int]] = {}
    for ref, year in years:
        if ref is not None and year is not None and year[:4].isdigit():
            year_of.setdefault(ref, set()).add(int(year[:4]))
    found: dict[str, tuple[int, str]] = {}
    for work, sampled in refs.items():
        if counts := Counter(y for r in sampled for y in year_of.get(r, ())):
            best = min(counts, key=lambda y: (-counts[y], y))
            citing = (c for r in sampled if best in year_of.get(r, ()) for c, _ in wordings.get(r, ()))
            if by := min(citing, default=""):
                found[work] = (best, by)
    return found


def names_from(refs: Mapping[str, list[str]], wordings: Mapping[str, list[tuple[str, Wording]]]
               ) -> dict[str, tuple[str, str]]:
    """The cited-as name (and first citing work) of each work of ``refs`` that its references name."""
    rows: dict[str, list[CitedAsRow]] = {}
    for work, found in refs.items():
        for ref in found:
            for citing, wording in wordings.get(ref, ()):
                rows.setdefault(work, []).append(CitedAsRow(citing, *wording, 1))
    return {work: name for work, found in rows.items() if (name := cited_as_name(found)) is not None}


def filled(db: sqlite3.Connection) -> bool:
    """Whether the table is filled by this rule and kept, no other kg having written or built the summary
    since (its meta keys)."""
    return bool(db.execute("SELECT COUNT(*) = 2 FROM meta WHERE key = ? AND value = '1' OR key = ? AND value = ?",
                           (MARKER, RULE, RULE_VERSION)).fetchone()[0])


def begin(db: sqlite3.Connection) -> set[int]:
    """Within a write of the summary's rows (``db`` in its transaction), before any: when the table is kept,
    mark it "writing" (the triggers leave it so; :func:`refresh` ends the write). An empty set, for
    :func:`touched`."""
    if filled(db):
        db.execute("UPDATE meta SET value = 'writing' WHERE key = ?", (MARKER,))
    # the fact table's triggers are left out of this kg's own write (a check a row: a fifth of its CPU), made
    # again by refresh in the same transaction (another process sees them throughout)
    db.execute("DROP TRIGGER IF EXISTS cited_name_added")
    db.execute("DROP TRIGGER IF EXISTS cited_name_removed")
    return set()


def read(db: sqlite3.Connection, works: Iterable[str]) -> dict[str, Named]:
    """The kept name and year of each of ``works`` that has a row: one statement, by the works' term ids."""
    return {str(w): (n, b, None if y is None else int(y), yb) for w, n, b, y, yb in db.execute(
        "SELECT t.text, c.name, c.name_by, c.year, c.year_by FROM term t CROSS JOIN cited_name c ON c.work = t.id "
        "WHERE t.text IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(works))),))}


def fill(db: sqlite3.Connection) -> None:
    """Make the table again from the summary's rows, every cited work's (a full build, an upgrade), and mark
    it; ``db`` in autocommit mode (one transaction here)."""
    db.executescript("DROP TABLE IF EXISTS cited_name;" + TABLE)  # the fact table's triggers, after a build
    works = [int(w) for (w,) in db.execute("SELECT DISTINCT work FROM cited_sample ORDER BY work")]
    db.execute("BEGIN")
    for start in range(0, len(works), _CHUNK):
        _write(db, works[start:start + _CHUNK])
    db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", FRESH.items())
    db.execute("COMMIT")


def touched(db: sqlite3.Connection, graphs: Iterable[int], into: set[int]) -> set[int]:
    """Into ``into``, the works pointed at (by any graph's ``kg:citedWork``) by the references the rows of
    ``graphs`` (as they are now) give a citing work, a wording or a cited work, where such a reference is in
    the work's cited-as sample (as it is now): a name is made of its sample alone, so a work's is made again
    when a reference of its sample changes, enters or leaves it (asked before a write's old rows go, and
    after its samples are taken again), not for each of its citations (:mod:`kg.store.summary_cited`)."""
    ids = sorted(set(graphs))
    if ids:
        parts = ",".join(str(c) for c in (_CITED_WORK, *_PARTS))
        into.update(int(w) for (w,) in db.execute(
            "WITH ref(id) AS (SELECT CASE f.p WHEN ? THEN f.o ELSE f.s END FROM json_each(?) g CROSS JOIN fact f "
            f"ON f.graph = g.value WHERE +f.p IN (?, {parts})) "  # noqa: S608 (integers, ours)
            "SELECT DISTINCT c.o FROM ref CROSS JOIN fact c ON c.p = ? AND c.s = ref.id "
            "CROSS JOIN cited_sample s ON s.work = c.o AND s.ref = ref.id",
            (_CITED_AS, json.dumps(ids), _CITED_AS, _CITED_WORK)))
    return into


def refresh(db: sqlite3.Connection, works: Iterable[int]) -> None:
    """End a write :func:`begin` began: its triggers back, and when it was marked "writing", the rows of
    ``works`` (term ids) taken again and the table marked kept."""
    for trigger in _ON_FACT:
        db.execute(trigger)
    row = db.execute("SELECT value FROM meta WHERE key = ?", (MARKER,)).fetchone()
    if row is not None and row[0] == "writing":
        if ids := sorted(set(works)):
            _write(db, ids)
        db.execute("UPDATE meta SET value = '1' WHERE key = ?", (MARKER,))


def _write(db: sqlite3.Connection, ids: list[int]) -> None:
    listed = json.dumps(ids)
    texts = {int(i): str(t) for i, t in db.execute(
        "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?))", (listed,))}
    refs, wordings = sample_wordings(db, texts.values())
    named = names_from(refs, wordings)
    dated = best_years(refs, wordings, ((str(r), str(y)) for r, y in db.execute(
        "SELECT r.text, y.text FROM term r CROSS JOIN fact f ON f.p = ? AND f.s = r.id CROSS JOIN term y ON y.id = f.o "
        "WHERE r.text IN (SELECT value FROM json_each(?))",
        (_YEAR, json.dumps(sorted({r for found in refs.values() for r in found}))))))
    db.execute("DELETE FROM cited_name WHERE work IN (SELECT value FROM json_each(?))", (listed,))
    db.executemany("INSERT INTO cited_name VALUES (?, ?, ?, ?, ?)", [
        (i, *named.get(w, (None, None)), *dated.get(w, (None, None))) for i, w in texts.items()
        if w in named or w in dated])


def sample_wordings(db: sqlite3.Connection, works: Iterable[str]
                    ) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, Wording]]]]:
    """Each of ``works``' sampled references (sorted), and each reference's citing works with its
    wordings: titles, and every other part only of the references of works none of whose sampled
    references gives a title (the title decides otherwise), read by term id: the samples, the
    references' citing works and every part of their wording as integers, then the texts of those the
    answer holds in one statement."""
    ids = _ids_of(db, works)
    sample: dict[int, list[int]] = {}
    for work, ref in db.execute("SELECT work, ref FROM cited_sample WHERE work IN (SELECT value FROM json_each(?))",
                                (json.dumps(sorted(ids.values())),)):
        sample.setdefault(int(work), []).append(int(ref))
    refs = sorted({r for found in sample.values() for r in found})
    citing: dict[int, set[int]] = {}
    parts: dict[int, dict[int, set[int]]] = {}  # ref -> part code -> values
    if refs:
        listed = json.dumps(refs)
        for ref, citer in db.execute("SELECT o, s FROM fact WHERE p = ? AND o IN (SELECT value FROM json_each(?))",
                                     (_CITED_AS, listed)):
            citing.setdefault(int(ref), set()).add(int(citer))
        _read_parts(db, refs, [_TITLE], parts)
    # the title decides: the other parts count only for the references of works none of whose gives one
    untitled = [w for w, found in sample.items() if not any(_TITLE in parts.get(r, {}) for r in found)]
    wanted = {r for w in untitled for r in sample[w]}
    if wanted:
        _read_parts(db, sorted(wanted), _PARTS[1:], parts)
    text = _texts_of(db, {*sample, *refs, *(c for cs in citing.values() for c in cs),
                          *(v for by in parts.values() for vs in by.values() for v in vs)})
    # a reference in the samples of several works has its values once a work (as the rows were read before)
    times = Counter(r for found in sample.values() for r in found)
    times_untitled = Counter(r for w in untitled for r in sample[w])
    none: list[str | None] = [None]
    found: dict[str, list[tuple[str, Wording]]] = {}
    for ref in refs:
        by = parts.get(ref, {})
        titles = sorted(text[v] for v in by.get(_TITLE, ())) * times[ref]
        if ref in times_untitled:
            fields = [titles or none, *(sorted(text[v] for v in by.get(code, ())) * times_untitled[ref] or none
                                        for code in _PARTS[1:])]
            combos: list[Wording] = list(product(*fields))  # type: ignore[arg-type]
        else:  # the title alone (the other parts were not read)
            combos = [(t, None, None, None, None, None, None) for t in titles or none]
        found[text[ref]] = [(c, w) for c in sorted(text[c] for c in citing.get(ref, ())) for w in combos]
    return {text[w]: sorted(text[r] for r in found_refs) for w, found_refs in sample.items()}, found


def _read_parts(db: sqlite3.Connection, refs: list[int], codes: list[int], into: dict[int, dict[int, set[int]]]
                ) -> None:
    """Into ``into`` (reference -> code -> values), the wording parts ``codes`` of ``refs``, as term ids."""
    for ref, code, value in db.execute(
            f"SELECT s, p, o FROM fact WHERE p IN ({','.join(str(c) for c in codes)}) "  # noqa: S608
            "AND s IN (SELECT value FROM json_each(?))", (json.dumps(refs),)):
        into.setdefault(int(ref), {}).setdefault(int(code), set()).add(int(value))


def _ids_of(db: sqlite3.Connection, texts: Iterable[str]) -> dict[str, int]:
    return {str(t): int(i) for t, i in db.execute(
        "SELECT text, id FROM term WHERE text IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(texts))),))}


def _texts_of(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    unique = sorted(set(ids))
    if not unique:
        return {}
    return {int(i): str(t) for i, t in db.execute(
        "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(unique),))}
