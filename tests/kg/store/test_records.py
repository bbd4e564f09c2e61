"""Writes of record graphs (kg/store/records.py through Store.write): one named graph per record, its provenance in
the meta graph, unchanged content a no-op. Each test runs on every backend (the ``store`` fixture of
tests/conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from pyoxigraph import Literal, NamedNode

from kg.store import MAPPER_VERSION, Store, WriteResult
from kg.vocab import KG, PROV, RDF, SCHEMA
from tests.kg.store.conftest import (
    META,
    RETRIEVED,
    data_quads,
    generated_at,
    meta_of,
    objects,
    quad_count,
    quads,
    record,
    source_modified,
    work,
)

# -- writes ------------------------------------------------------------------------------------


def test_write_puts_each_record_in_its_named_graph(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), (RDF.type, SCHEMA.Dataset))
    b = record("10.1/b", (SCHEMA.name, Literal("B")), (SCHEMA.isBasedOn, work("10.1/a")))

    assert store.write([a, b]) == WriteResult(written=2, unchanged=0)

    assert data_quads(store) == {*a.quads, *b.quads}
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { ?w ?p ?o } }", {"w": work("10.1/b")}).rows
    assert rows == [(b.graph,), (b.graph,)]


def test_write_records_provenance_in_the_meta_graph(store: Store) -> None:
    a = record("10.1/A", (SCHEMA.name, Literal("A")))

    store.write([a])

    assert {(p, o) for p, o in meta_of(store, a.graph) if p != PROV.generatedAtTime} == {
        (RDF.type, PROV.Entity),
        (KG.source, Literal("test")),
        (KG.recordId, Literal("10.1/a")),
        (SCHEMA.about, NamedNode("https://doi.org/10.1/a")),
        (PROV.wasDerivedFrom, NamedNode("https://api.example.org/works/10.1/a")),
        (KG.contentHash, Literal(a.content_hash)),
        (KG.mapperVersion, Literal(MAPPER_VERSION)),
    }
    assert generated_at(store, a.graph) == RETRIEVED
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash)
    assert {q.graph_name for q in quads(store)} == {a.graph, META}


def test_write_keeps_a_non_url_origin_as_a_literal(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), derived_from="dump part 3.jsonl, line 7")

    store.write([a])

    assert objects(meta_of(store, a.graph), PROV.wasDerivedFrom) == [Literal("dump part 3.jsonl, line 7")]


def test_writing_an_unchanged_record_again_is_a_no_op(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    store.write([a])
    before = quads(store)
    assert before

    refetched = record("10.1/a", (SCHEMA.name, Literal("A")), retrieved=RETRIEVED + timedelta(days=30))
    assert refetched.content_hash == a.content_hash
    assert store.write([refetched]) == WriteResult(written=0, unchanged=1)
    assert store.write([a]) == WriteResult(written=0, unchanged=1)
    assert store.replace(a) is False

    assert quads(store) == before
    assert quad_count(store) == len(before) == 1 + 8
    assert generated_at(store, a.graph) == RETRIEVED


def test_writing_a_changed_record_replaces_its_graph_whole(store: Store) -> None:
    old = record("10.1/a", (SCHEMA.name, Literal("Old title")),
                 (SCHEMA.creator, NamedNode("https://orcid.org/0000-0002-1825-0097")))
    new = record("10.1/a", (SCHEMA.name, Literal("New title")), (RDF.type, SCHEMA.Dataset),
                 retrieved=RETRIEVED + timedelta(days=1))
    store.write([old])

    assert store.write([new]) == WriteResult(written=1, unchanged=0)

    assert data_quads(store) == set(new.quads)
    assert not store.ask("ASK { ?w ?p ?o }", {"o": Literal("Old title")})
    meta = meta_of(store, new.graph)
    assert objects(meta, KG.contentHash) == [Literal(new.content_hash)]
    assert new.content_hash != old.content_hash
    assert generated_at(store, new.graph) == RETRIEVED + timedelta(days=1)
    # Every provenance property once: the old provenance went with the old graph.
    assert sorted(p.value for p, _ in meta) == sorted({p.value for p, _ in meta})
    assert len(meta) == 8


def test_replace_reports_whether_it_wrote(store: Store) -> None:
    old = record("10.1/a", (SCHEMA.name, Literal("Old")))
    new = record("10.1/a", (SCHEMA.name, Literal("New")))

    assert store.replace(old) is True
    assert store.replace(old) is False
    assert store.replace(new) is True
    assert data_quads(store) == set(new.quads)


def test_a_record_that_now_maps_to_nothing_empties_its_graph(store: Store) -> None:
    old = record("10.1/a", (SCHEMA.name, Literal("A")))
    empty = record("10.1/a")
    store.write([old])

    assert store.write([empty]) == WriteResult(written=1, unchanged=0)

    assert data_quads(store) == set()
    assert objects(meta_of(store, empty.graph), KG.contentHash) == [Literal(empty.content_hash)]


def test_a_batch_naming_a_graph_twice_keeps_the_later_retrieved(store: Store) -> None:
    first = record("10.1/a", (SCHEMA.name, Literal("First")))
    last = record("10.1/a", (SCHEMA.name, Literal("Last")), retrieved=RETRIEVED + timedelta(hours=1))

    # The superseded record counts as unchanged, so written + unchanged == len(batch).
    assert store.write([first, last]) == WriteResult(written=1, unchanged=1)

    assert data_quads(store) == set(last.quads)
    assert objects(meta_of(store, last.graph), KG.contentHash) == [Literal(last.content_hash)]
    assert generated_at(store, last.graph) == RETRIEVED + timedelta(hours=1)
    # undated both: the one retrieved earlier loses, whatever the order
    assert store.write([last, first]) == WriteResult(written=0, unchanged=1, older=1)
    assert data_quads(store) == set(last.quads)
    # retrieved at the same time (the same file read again under a changed mapping): the last wins
    again = record("10.1/a", (SCHEMA.name, Literal("Again")), retrieved=RETRIEVED + timedelta(hours=1))
    assert store.write([again]) == WriteResult(written=1, unchanged=0)
    assert data_quads(store) == set(again.quads)


def test_replacing_a_graph_leaves_other_graphs_untouched(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), (SCHEMA.isBasedOn, work("10.1/b")))
    b = record("10.1/b", (SCHEMA.name, Literal("B")), (SCHEMA.isBasedOn, work("10.1/a")))
    c = record("10.1/c", (SCHEMA.name, Literal("C")))
    store.write([a, b, c])
    b_meta, c_meta = meta_of(store, b.graph), meta_of(store, c.graph)

    a2 = record("10.1/a", (SCHEMA.name, Literal("A, corrected")))
    assert store.write([a2, b, c]) == WriteResult(written=1, unchanged=2)

    assert data_quads(store) == {*a2.quads, *b.quads, *c.quads}
    assert meta_of(store, b.graph) == b_meta
    assert meta_of(store, c.graph) == c_meta


def test_a_new_graph_holding_stray_quads_without_provenance_is_cleared_first(store: Store) -> None:
    stray = record("10.1/stray", (SCHEMA.name, Literal("left by another tool")))
    store.update(f"INSERT DATA {{ GRAPH {stray.graph} {{ {stray.quads[0].triple} }} }}")
    kept = record("10.1/kept", (SCHEMA.name, Literal("kept")))
    store.update(f"INSERT DATA {{ GRAPH {kept.graph} {{ {kept.quads[0].triple} }} }}")
    fresh = record("10.1/stray", (SCHEMA.name, Literal("from the source")))
    assert store.write([fresh, record("10.1/other", (SCHEMA.name, Literal("other")))]) == WriteResult(2, 0)
    names = {row[0].value for row in store.select(  # type: ignore[union-attr]
        "SELECT ?n WHERE { GRAPH ?g { ?w <http://schema.org/name> ?n } }", {"g": fresh.graph}).rows}
    assert names == {"from the source"}
    assert quads(store) >= set(kept.quads)


def test_an_empty_batch_writes_nothing(store: Store) -> None:
    assert store.write([]) == WriteResult(written=0, unchanged=0)
    assert quad_count(store) == 0


# -- newer wins, by the source's own date ------------------------------------------------------

OLD, NEW, NEWEST = (RETRIEVED - timedelta(days=d) for d in (30, 20, 10))


def test_the_source_date_is_stored_beside_the_retrieval_time(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), modified=OLD)
    store.write([a])
    assert source_modified(store, a.graph) == OLD
    assert generated_at(store, a.graph) == RETRIEVED
    assert source_modified(store, record("10.1/b").graph) is None


def test_an_older_record_does_not_replace_a_newer_one_whatever_the_order(store: Store) -> None:
    older = record("10.1/a", (SCHEMA.name, Literal("Old title")), modified=OLD)
    newer = record("10.1/a", (SCHEMA.name, Literal("New title")), modified=NEW)

    assert store.write([newer]) == WriteResult(written=1, unchanged=0)
    assert store.write([older]) == WriteResult(written=0, unchanged=0, older=1)
    assert data_quads(store) == set(newer.quads)
    assert source_modified(store, newer.graph) == NEW

    assert store.write([older, newer]) == WriteResult(written=0, unchanged=1, older=1)
    assert store.write([newer, older]) == WriteResult(written=0, unchanged=1, older=1)
    assert data_quads(store) == set(newer.quads)


def test_a_newer_record_replaces_an_older_one(store: Store) -> None:
    older = record("10.1/a", (SCHEMA.name, Literal("Old title")), modified=OLD)
    newer = record("10.1/a", (SCHEMA.name, Literal("New title")), modified=NEW)
    store.write([older])
    assert store.write([newer]) == WriteResult(written=1, unchanged=0)
    assert data_quads(store) == set(newer.quads)
    assert source_modified(store, newer.graph) == NEW


def test_within_one_batch_the_newer_wins_in_either_order(store: Store) -> None:
    older = record("10.1/a", (SCHEMA.name, Literal("Old title")), modified=OLD)
    newer = record("10.1/a", (SCHEMA.name, Literal("New title")), modified=NEW)
    assert store.write([newer, older]) == WriteResult(written=1, unchanged=0, older=1)
    assert data_quads(store) == set(newer.quads)


def test_three_versions_in_every_order_leave_the_newest(store: Store) -> None:
    versions = [record("10.1/a", (SCHEMA.name, Literal(f"Title {n}")), modified=when)
                for n, when in enumerate((OLD, NEW, NEWEST))]
    for order in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        store.update("DROP SILENT ALL")
        for i in order:
            store.write([versions[i]])  # one write each: stored vs incoming, every time
        assert data_quads(store) == set(versions[2].quads), order
        assert source_modified(store, versions[2].graph) == NEWEST


def test_an_undated_record_does_not_replace_a_dated_one_but_a_dated_one_replaces_an_undated_one(
        store: Store) -> None:
    undated = record("10.1/a", (SCHEMA.name, Literal("Undated")))
    dated = record("10.1/a", (SCHEMA.name, Literal("Dated")), modified=OLD)
    store.write([undated])
    assert store.write([dated]) == WriteResult(written=1, unchanged=0)
    assert store.write([undated]) == WriteResult(written=0, unchanged=0, older=1)
    assert data_quads(store) == set(dated.quads)


def test_the_same_date_or_no_dates_keep_the_last_one_loaded(store: Store) -> None:
    for doi, when in (("10.1/dated", OLD), ("10.1/undated", None)):
        first = record(doi, (SCHEMA.name, Literal("First")), modified=when)
        last = record(doi, (SCHEMA.name, Literal("Last")), modified=when)
        store.write([first])
        assert store.write([last]) == WriteResult(written=1, unchanged=0)
        assert {q for q in data_quads(store) if q.graph_name == last.graph} == set(last.quads)
        assert store.write([first]) == WriteResult(written=1, unchanged=0)


def test_unchanged_content_with_a_newer_date_moves_only_the_date(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), modified=OLD)
    store.write([a])
    same_later = record("10.1/a", (SCHEMA.name, Literal("A")), modified=NEWEST,
                        retrieved=RETRIEVED + timedelta(days=1))
    assert store.write([same_later]) == WriteResult(written=0, unchanged=1)
    assert source_modified(store, a.graph) == NEWEST
    assert generated_at(store, a.graph) == RETRIEVED  # the graph and its provenance are not rewritten

    # so a version dated between the two is older than what is stored, and loses
    between = record("10.1/a", (SCHEMA.name, Literal("B")), modified=NEW)
    assert store.write([between]) == WriteResult(written=0, unchanged=0, older=1)
    assert data_quads(store) == set(a.quads)


def test_unchanged_content_with_an_older_or_no_date_leaves_the_stored_date(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), modified=NEW)
    store.write([a])
    for when in (OLD, None):
        assert store.write([record("10.1/a", (SCHEMA.name, Literal("A")), modified=when)]) == WriteResult(0, 1)
        assert source_modified(store, a.graph) == NEW


def test_a_batch_changing_a_record_and_back_rewrites_nothing(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), modified=OLD)
    store.write([a])
    b = record("10.1/a", (SCHEMA.name, Literal("B")), modified=NEW)
    a_again = record("10.1/a", (SCHEMA.name, Literal("A")), modified=NEWEST)
    assert store.write([b, a_again]) == WriteResult(written=0, unchanged=2)
    assert data_quads(store) == set(a.quads)
    assert source_modified(store, a.graph) == NEWEST


def test_stored_versions_give_hash_and_date_of_present_graphs(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), modified=OLD)
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    store.write([a, b])
    absent = record("10.1/absent").graph
    versions = store.stored_versions([a.graph, b.graph, absent])
    assert {g: (v.content_hash, v.source_modified) for g, v in versions.items()} == {
        a.graph.value: (a.content_hash, OLD), b.graph.value: (b.content_hash, None)}
