"""Co-citation and bibliographic coupling counted over the metrics summary (:mod:`kg.store.summary`) by
term id, for related items (:mod:`kg.related`): the pairs are read as integers over the ``(p, s, o)`` and
``(p, o, s)`` indexes and counted in Python, and only the works kept are read as text (issue 18: at 50M
quads one sampled citer cites 4,503 works, and each reference of a work is cited by 237 replicated
copies; reading each as text was most of a call).

>>> from kg.store.summary import CITES, MetricsSummaryDb
>>> db = MetricsSummaryDb(None)
>>> db.replace({"urn:g1": [("urn:a", CITES, "urn:x"), ("urn:a", CITES, "urn:r")],
...             "urn:g2": [("urn:b", CITES, "urn:x"), ("urn:b", CITES, "urn:r"), ("urn:b", CITES, "urn:s")]})
>>> coupled, cocited = similar(db, "urn:x", ["urn:a", "urn:b"], "urn:Concept", (), ["urn:x"], 10)
>>> coupled, sorted(cocited["urn:r"]), sorted(cocited["urn:s"])
({}, ['urn:a', 'urn:b'], ['urn:b'])
>>> coupled, cocited = similar(db, "urn:a", [], "urn:Concept", (), ["urn:a"], 1)
>>> sorted(coupled["urn:b"]), cocited
(['urn:r', 'urn:x'], {})
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable

from kg.store.summary import CITES, HAS_VERSION, PREDICATES, TYPE, MetricsSummaryDb

_BLANK = "_:"


def similar(summary: MetricsSummaryDb, item: str, citing: Iterable[str], concept_class: str,
            known: Collection[str], excluded: Collection[str], keep: int
            ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The works coupled with ``item`` (citing what it cites: each with the references shared) and those
    co-cited by the ``citing`` works (each with those of them citing it; a cited work counting for each
    non-blank node of class ``concept_class`` that has it as a version, ``kg:hasVersion``, else for
    itself; none of ``excluded``). Of these, every one in ``known`` and the ``keep`` with the most shared
    references and co-citing works together (then by IRI) of the others; never ``item``, nor blank nodes.

    Kept so, the candidates that :func:`kg.related._strongest` keeps are the same as with every one read:
    a work with no other reason ranks there by that sum, then by IRI."""
    db, lock = summary._db, summary._lock
    with lock:
        names = _ids(db, [item, *citing, concept_class, *known, *excluded])
        if item not in names:
            return {}, {}
        me = names[item]
        cocited = _co_cited(db, sorted({names[c] for c in citing if c in names and not c.startswith(_BLANK)}),
                            names.get(concept_class, -1))
        for gone in {names[e] for e in excluded if e in names} | {me}:
            cocited.pop(gone, None)
        refs = _texts(db, [r for (r,) in db.execute("SELECT DISTINCT o FROM fact WHERE p = ? AND s = ?",
                                                   (PREDICATES[CITES], me))])
        coupled: dict[int, set[int]] = {}
        named = sorted(r for r, t in refs.items() if not t.startswith(_BLANK))
        for ref, other in db.execute("SELECT DISTINCT o, s FROM fact WHERE p = ? AND o IN (SELECT value FROM "
                                     "json_each(?))", (PREDICATES[CITES], json.dumps(named))) if named else ():
            if other != me:
                coupled.setdefault(other, set()).add(ref)
        held = {names[k] for k in known if k in names}
        counts: dict[int, int] = {}
        for found in (cocited, coupled):
            for other, by in found.items():
                if other not in held:
                    counts[other] = counts.get(other, 0) + len(by)
        text = _texts(db, [o for o in (*cocited, *coupled) if o in held])
        kept = {o for o, t in text.items() if not t.startswith(_BLANK)} | set(_most(db, counts, keep, text))
        text.update(refs)
        text.update(_texts(db, {c for o in kept for c in cocited.get(o, ())}))
    return ({text[o]: {text[r] for r in by} for o, by in coupled.items() if o in kept},
            {text[o]: {text[c] for c in by} for o, by in cocited.items() if o in kept})


def _co_cited(db: sqlite3.Connection, sample: list[int], concept: int) -> dict[int, set[int]]:
    """Each work the ``sample`` cites (or its concepts, see :func:`similar`) with those of them citing it."""
    by_other: dict[int, set[int]] = {}
    if not sample:
        return by_other
    # the pairs first, then each cited work's concepts once (not once a citing work: at 50M quads the
    # sampled citers are replicated copies citing the same works), none where no term names the class
    rows = db.execute("SELECT DISTINCT s, o FROM fact WHERE p = ? AND s IN (SELECT value FROM json_each(?))",
                      (PREDICATES[CITES], json.dumps(sample))).fetchall()
    cited = sorted({o for _, o in rows})
    found = db.execute(
        "SELECT h.o, h.s FROM fact h WHERE h.p = ? AND h.o IN (SELECT value FROM json_each(?)) AND EXISTS "
        "(SELECT 1 FROM fact t WHERE t.p = ? AND t.s = h.s AND t.o = ?)",
        (PREDICATES[HAS_VERSION], json.dumps(cited), PREDICATES[TYPE], concept)
    ).fetchall() if cited and concept >= 0 else []
    if not found:  # no cited work is a concept's version: each counts for itself
        for citer, cited_work in rows:
            by_other.setdefault(cited_work, set()).add(citer)
        return by_other
    concepts: dict[int, set[int]] = {}
    for version, of in found:
        concepts.setdefault(version, set()).add(of)
    # versions and concepts read as text: a blank version counts for none, a blank concept is not one
    text = _texts(db, {*concepts, *(c for cs in concepts.values() for c in cs)})
    rolled = {v: {c for c in cs if not text[c].startswith(_BLANK)} for v, cs in concepts.items()
              if not text[v].startswith(_BLANK)}
    for citer, cited_work in rows:
        if cited_work in concepts and cited_work not in rolled:
            continue
        for other in rolled.get(cited_work) or (cited_work,):
            by_other.setdefault(other, set()).add(citer)
    return by_other


def _most(db: sqlite3.Connection, counts: dict[int, int], keep: int, text: dict[int, str]) -> list[int]:
    """The ``keep`` non-blank terms of the highest count, then the least text, their texts put in ``text``:
    only the terms of the counts above the last one taken, and the least of that count's, are read."""
    levels: dict[int, list[int]] = {}
    for term, n in counts.items():
        levels.setdefault(n, []).append(term)
    kept: list[int] = []
    for n in sorted(levels, reverse=True):
        if len(kept) >= keep:
            break
        found = db.execute(
            "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?)) AND substr(text, 1, 2) <> ? "
            "ORDER BY text LIMIT ?", (json.dumps(levels[n]), _BLANK, keep - len(kept))).fetchall()
        text.update((int(i), str(t)) for i, t in found)
        kept += [int(i) for i, _ in found]
    return kept


def _ids(db: sqlite3.Connection, texts: Iterable[str]) -> dict[str, int]:
    return {str(t): int(i) for t, i in db.execute(
        "SELECT text, id FROM term WHERE text IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(texts))),))}


def _texts(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    unique = sorted(set(ids))
    if not unique:
        return {}
    return {int(i): str(t) for i, t in db.execute(
        "SELECT id, text FROM term WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(unique),))}
