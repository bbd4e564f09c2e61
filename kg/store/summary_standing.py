"""Standings (:mod:`kg.standing`) read from the metrics summary (:mod:`kg.store.summary`) by term id:
the works' ids looked up once, then, once the summary keeps them (:mod:`kg.store.summary_tally`,
:mod:`kg.store.summary_refs`), each work's kept row of records, earliest date and classes, its references
and citers (``cited_count``): three point lookups a work; else the citers, references (counted), record
graphs, earliest date and kept classes in one SQLite statement over the integer indexes, only the dates
and classes read as text (issue 18: related items ask this of about 100 candidates a call).

>>> from kg.store.summary import CITES, MetricsSummaryDb
>>> db = MetricsSummaryDb(None)
>>> db.replace({"urn:g": [("urn:a", CITES, "urn:b"), ("urn:c", CITES, "urn:b")]})
>>> standing_rows(db, ["urn:b", "urn:a", "urn:none"])
[('urn:b', '2', '0', '0', '~', ''), ('urn:a', '0', '1', '0', '~', '')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from kg.store import summary_refs, summary_tally
from kg.store.summary import ABOUT, CITES, DATE, HAS_VERSION, PREDICATES, TYPE, MetricsSummaryDb, StandingRow
from kg.vocab import KG

#: the parts of the statement's rows: classes, references, earliest date, records, citers
_CLASS, _REFS, _DATE, _RECORDS, _CITERS = range(5)
_STATEMENT = f"""
WITH w(id) AS (SELECT value FROM json_each(:ids))
SELECT f.s, {_CLASS}, x.text FROM w CROSS JOIN fact f ON f.p = :type AND f.s = w.id CROSS JOIN term x ON x.id = f.o
UNION ALL
{{refs}}
UNION ALL
SELECT f.s, {_DATE}, MIN(x.text) FROM w CROSS JOIN fact f ON f.p = :date AND f.s = w.id
    CROSS JOIN term x ON x.id = f.o GROUP BY f.s
UNION ALL
SELECT f.o, {_RECORDS}, COUNT(DISTINCT f.s) FROM w CROSS JOIN fact f ON f.p = :about AND f.o = w.id GROUP BY f.o
UNION ALL
SELECT c.work, {_CITERS}, c.n FROM w CROSS JOIN cited_count c ON c.work = w.id
"""
#: a work's references: counted, or read from the counts kept (kg.store.summary_refs) once filled
_COUNTED = (f"SELECT f.s, {_REFS}, COUNT(DISTINCT f.o) FROM w CROSS JOIN fact f ON f.p = :cites AND f.s = w.id "
            "GROUP BY f.s")
_KEPT = f"SELECT r.work, {_REFS}, r.n FROM w CROSS JOIN ref_count r ON r.work = w.id"


def standing_rows(summary: MetricsSummaryDb, works: Sequence[str]) -> list[StandingRow]:
    """The rows ``work_standing.rq`` gives for ``works``, from the summary (classes: the kept ones)."""
    with summary._lock:
        db = summary._db
        ids = {int(i): str(t) for t, i in db.execute(
            "SELECT text, id FROM term WHERE text IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(works))),))}
        parts: list[dict[str, object]] = [{} for _ in range(5)]
        types: dict[str, set[str]] = {}
        if ids and summary_refs.filled(db) and summary_tally.filled(db):  # three point lookups a work
            for term, *kept, kinds in summary_tally.rows(db, sorted(ids)):  # records, date, refs, citers; classes
                for part, value in zip((_RECORDS, _DATE, _REFS, _CITERS), kept, strict=True):
                    if value or (part == _DATE and value is not None):
                        parts[part][ids[term]] = value
                if kinds:
                    types[ids[term]] = set(str(kinds).split())
            ids = {}
        statement = _STATEMENT.format(refs=_KEPT if summary_refs.filled(db) else _COUNTED)
        for work, part, value in db.execute(statement, {
                "ids": json.dumps(sorted(ids)), "type": PREDICATES[TYPE], "cites": PREDICATES[CITES],
                "date": PREDICATES[DATE], "about": PREDICATES[ABOUT]}) if ids else ():
            if part == _CLASS:
                types.setdefault(ids[work], set()).add(str(value))
            else:
                parts[part][ids[work]] = value
    citers = {w: int(str(n)) for w, n in parts[_CITERS].items()}
    concepts = [w for w in works if KG.Concept.value in types.get(w, ())]
    if concepts:  # a concept's citers: of it or of any of its versions, each once
        versions = _grouped(summary.objects(HAS_VERSION, concepts))
        cited = _grouped((o, c) for o, c in summary.subjects(CITES, [*concepts, *(v for vs in versions.values()
                                                                                 for v in vs)]))
        for concept in concepts:
            citers[concept] = len({c for node in (concept, *versions.get(concept, ())) for c in cited.get(node, ())})
    rows: list[StandingRow] = []
    for work in works:
        citing, cites, about = citers.get(work, 0), parts[_REFS].get(work, 0), parts[_RECORDS].get(work, 0)
        classes, date = types.get(work, set()), parts[_DATE].get(work)
        if citing or cites or about or date is not None or classes:
            rows.append((work, str(citing), str(cites), str(about), min(str(date) if date is not None else "~", "~"),
                         " ".join(sorted(classes))))
    return rows


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for key, value in pairs:
        found.setdefault(key, set()).add(value)
    return found
