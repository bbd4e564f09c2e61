"""The cited-as names and years the metrics summary keeps per cited work (kg/store/summary_names.py)
equal those made afresh from its rows after each write, also where a reference's rows are stated by
several record graphs (a citing work's ``kg:citedAs`` in another graph than the reference's own
``kg:citedWork``), and equal what kg.works makes of the same references' wordings."""

from __future__ import annotations

from unittest.mock import patch

from kg.store import summary_cited, summary_names
from kg.store.summary import CITED_AS, CITED_WORK, PREDICATES, WORDING, MetricsSummaryDb
from kg.store.summary_names import CitedAsRow, best_years, cited_as_name

TITLE, YEAR = WORDING[0], WORDING[2]


def _kept(db: MetricsSummaryDb) -> dict[str, summary_names.Named]:
    return summary_names.read(db._db, [str(t) for (t,) in db._db.execute("SELECT text FROM term")])


def _afresh(db: MetricsSummaryDb) -> dict[str, summary_names.Named]:
    summary_names.fill(db._db)
    return _kept(db)


def test_names_kept_on_write_equal_names_made_afresh() -> None:
    db = MetricsSummaryDb(None)
    assert summary_names.filled(db._db)  # a new summary of an empty store keeps them from the start
    db.replace({"urn:ga": [("urn:ga#r1", CITED_WORK, "urn:w"), ("urn:a", CITED_AS, "urn:ga#r1"),
                           ("urn:ga#r1", TITLE, "Title A"), ("urn:ga#r1", YEAR, "1999")]})
    assert _kept(db) == {"urn:w": ("Title A", "urn:a", 1999, "urn:a")}
    # another graph names another citer of the same reference, and words a second one
    writes = [
        {"urn:gb": [("urn:b", CITED_AS, "urn:ga#r1"), ("urn:gb#r1", CITED_WORK, "urn:w"),
                    ("urn:c", CITED_AS, "urn:gb#r1"), ("urn:gb#r1", TITLE, "Title B"), ("urn:gb#r1", YEAR, "2001")]},
        {"urn:gb": [("urn:gb#r1", CITED_WORK, "urn:w"), ("urn:c", CITED_AS, "urn:gb#r1"),
                    ("urn:gb#r1", TITLE, "Title B"), ("urn:gb#r1", YEAR, "2001")]},
        {"urn:ga": []},  # the first reference gone: only the second names the work
        {"urn:gb": []},  # nothing names it
    ]
    for write in writes:
        db.replace(write)
        kept = _kept(db)
        assert kept == _afresh(db), write
    assert _kept(db) == {}


def test_a_citation_that_does_not_enter_a_works_full_sample_leaves_its_name_as_it_is() -> None:
    """A much-cited work's name is made of its sample (the first references by IRI): a write whose references
    neither were nor are in it does not make the name again (a load of new citing records touched every
    work they cite); one whose reference enters it, or leaves it, does."""
    db = MetricsSummaryDb(None)
    db.replace({f"urn:g{i:02}": [(f"urn:g{i:02}#r", CITED_WORK, "urn:w"), (f"urn:c{i:02}", CITED_AS, f"urn:g{i:02}#r"),
                                 (f"urn:g{i:02}#r", TITLE, "Title A")] for i in range(summary_cited.SAMPLE + 2)})
    named: list[list[int]] = []
    write = summary_names._write
    w = db._db.execute("SELECT id FROM term WHERE text = 'urn:w'").fetchone()[0]
    late = {"urn:gz": [("urn:gz#r", CITED_WORK, "urn:w"), ("urn:cz", CITED_AS, "urn:gz#r"), ("urn:gz#r", TITLE, "B")]}
    early = {"urn:a": [("urn:a#r", CITED_WORK, "urn:w"), ("urn:ca", CITED_AS, "urn:a#r"), ("urn:a#r", TITLE, "B")]}
    with patch.object(summary_names, "_write", lambda db, ids: named.append(ids) or write(db, ids)):
        for change, made_again in ((late, False), ({"urn:gz": []}, False), (early, True), ({"urn:a": []}, True),
                                   ({"urn:g00": []}, True)):
            named.clear()
            db.replace(change)
            assert any(w in ids for ids in named) == made_again, change
            assert _kept(db) == _afresh(db), change
    assert _kept(db) == {"urn:w": ("Title A", "urn:c01", None, None)}


def test_the_name_and_year_are_those_kg_works_makes() -> None:
    rows = [CitedAsRow("urn:b", "Short", *[None] * 6, 1), CitedAsRow("urn:a", "Longer title", *[None] * 6, 1),
            CitedAsRow("urn:c", None, "Smith", "1999", "Nature", "12", "3", None, 1)]
    assert cited_as_name(rows) == ("Longer title", "urn:a")  # a tie: the longest
    assert cited_as_name(rows[2:]) == ("Smith 1999, Nature 12:3", "urn:c")
    wordings = {"urn:r1": [("urn:b", ("T", None, None, None, None, None, None))],
                "urn:r2": [("urn:a", ("T", None, None, None, None, None, None))]}
    assert best_years({"urn:w": ["urn:r1", "urn:r2"]}, wordings,
                      [("urn:r1", "2001"), ("urn:r2", "1999-05"), ("urn:r2", "n.d.")]) == {"urn:w": (1999, "urn:a")}


def _rows(db: MetricsSummaryDb) -> list[tuple[str, str, str, str]]:
    return [(str(g), str(s), {c: p for p, c in PREDICATES.items()}[int(p)], str(o)) for g, s, p, o in db._db.execute(
        "SELECT g.iri, s.text, f.p, o.text FROM fact f JOIN graph g ON g.id = f.graph JOIN term s ON s.id = f.s "
        "JOIN term o ON o.id = f.o")]


def test_a_write_or_build_by_a_kg_that_does_not_keep_the_names_leaves_them_untrusted() -> None:
    """An earlier kg writes the summary's rows without naming the works they touch, and builds it again with
    new term ids without the names: the triggers mark the table untrusted (read past), and only this kg's
    build makes it trusted again."""
    db = MetricsSummaryDb(None)
    first = {"urn:ga": [("urn:ga#r1", CITED_WORK, "urn:w"), ("urn:a", CITED_AS, "urn:ga#r1"),
                        ("urn:ga#r1", TITLE, "Title A")]}
    db.replace(first)
    assert summary_names.filled(db._db) and _kept(db) == {"urn:w": ("Title A", "urn:a", None, None)}
    # an earlier kg's write: the rows replaced, the names not (no begin, no refresh)
    with patch.object(summary_names, "begin", lambda db: set()), \
            patch.object(summary_names, "refresh", lambda db, works: None):
        db.replace({"urn:ga": [("urn:ga#r1", CITED_WORK, "urn:w"), ("urn:a", CITED_AS, "urn:ga#r1"),
                               ("urn:ga#r1", TITLE, "Title B")]})
    assert not summary_names.filled(db._db) and db.upgradable
    db.replace(first)  # a write of this kg does not make it trusted again
    assert not summary_names.filled(db._db)
    db.upgrade([])  # kg index-metrics
    assert summary_names.filled(db._db) and _kept(db) == {"urn:w": ("Title A", "urn:a", None, None)}
    # an earlier kg's build: every term numbered again (in another order here), the names not made
    rows = _rows(db)
    with patch.object(summary_names, "fill", lambda db: None):
        db.rebuild([("urn:gz", "urn:z", CITED_WORK, "urn:y"), *rows])
    assert not summary_names.filled(db._db)
    db.rebuild(rows)  # this kg's build
    assert summary_names.filled(db._db) and _kept(db) == _afresh(db)


def test_a_summary_kept_by_an_earlier_naming_rule_is_named_again() -> None:
    db = MetricsSummaryDb(None)
    db._db.execute("DELETE FROM meta WHERE key = ?", (summary_names.RULE,))  # the names kept by k-lookup's first rule
    assert db.upgradable
    db.upgrade([])
    assert not db.upgradable and summary_names.filled(db._db)
