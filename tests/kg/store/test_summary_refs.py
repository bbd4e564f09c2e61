"""The counts kept per work in the metrics summary (kg/store/summary_refs.py, kg/store/summary_tally.py):
kept by every write equal to counts over the store (tests/kg/metrics/test_summary.py compares the whole
summary, these among it, with a full build), added to a summary of version 6 that lacks them by ``kg
index-metrics`` without a full build, and read by standings only once filled (the same standings either way)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.graph import KnowledgeGraph
from kg.metrics.summarised import summary_of
from kg.standing import standings
from kg.store import Store, summary_refs, summary_tally
from kg.store.summary import VERSION
from tests.kg.metrics.test_summary import DOIS, _apply, _contents, change, work


def _counted(store: Store) -> set[tuple[str, int]]:
    """Each work's distinct cited works, counted over the store's quads (not from the summary)."""
    rows = store.select("SELECT ?s (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { "
                        "?s <http://purl.org/spar/cito/cites> ?o FILTER(isIRI(?o) && isIRI(?s)) } } "
                        "GROUP BY ?s").values()
    return {(str(getattr(s, "value", s)), int(str(getattr(n, "value", n)))) for s, n in rows}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(change, min_size=1, max_size=10))
def test_a_version_6_summary_without_reference_counts_is_upgraded_in_place(
        changes: list[tuple[str, str, list, bool, list]]) -> None:  # type: ignore[type-arg]
    store = Store.open(None)
    _apply(store, changes)
    summary = store.metrics_summary
    db = summary._db
    kept = {(w, n) for w, n in db.execute("SELECT t.text, r.n FROM ref_count r JOIN term t ON t.id = r.work")
            if not w.startswith("_:")}
    assert kept == _counted(store)  # the counts every write kept, against the store's own
    built, present = _contents(summary), [work(d) for d in DOIS]
    answers = standings(store, present)
    for kept in (summary_refs, summary_tally):  # as a summary of version 6 before these tables
        db.execute(f"DROP TABLE {kept.MARKER}")
        db.execute("DELETE FROM meta WHERE key = ?", (kept.MARKER,))
        db.executescript(kept.TABLE)
    assert summary_of(store) is not None and summary.upgradable and not summary_refs.filled(db)
    assert standings(store, present) == answers  # counted from the rows meanwhile
    store.write([])  # a write meanwhile keeps the (unfilled) table as it may, unread
    assert KnowledgeGraph(store).index_metrics() == summary.graph_count()
    assert summary_refs.filled(db) and summary_tally.filled(db)
    assert not summary.upgradable and summary._get("version") == VERSION
    assert _contents(summary) == built
    assert standings(store, present) == answers
