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


def test_a_batch_naming_a_graph_twice_keeps_the_last(store: Store) -> None:
    first = record("10.1/a", (SCHEMA.name, Literal("First")))
    last = record("10.1/a", (SCHEMA.name, Literal("Last")), retrieved=RETRIEVED + timedelta(hours=1))

    # The superseded record counts as unchanged, so written + unchanged == len(batch).
    assert store.write([first, last]) == WriteResult(written=1, unchanged=1)

    assert data_quads(store) == set(last.quads)
    assert objects(meta_of(store, last.graph), KG.contentHash) == [Literal(last.content_hash)]
    assert generated_at(store, last.graph) == RETRIEVED + timedelta(hours=1)
    assert store.write([last, first]) == WriteResult(written=1, unchanged=1)
    assert data_quads(store) == set(first.quads)


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
