"""Tests of kg/store.py: each runs on every backend (the ``store`` fixture of tests/conftest.py)."""

from __future__ import annotations

import io
import re
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from kg.errors import StoreError
from kg.ids import META_GRAPH, doi_iri, graph_iri, normalize_doi
from kg.store import MAPPER_VERSION, EmbeddedStore, GraphMeta, RecordGraph, RemoteStore, Store, WriteResult
from kg.vocab import KG, PROV, RDF, SCHEMA, XSD

META = NamedNode(META_GRAPH)
RETRIEVED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
SICI_DOI = "10.1002/(SICI)1097-4636(199605)31:1<1::AID-JBM1>3.0.CO;2-R"
ODD_DOI = "10.1000/a{b}|c^d\\e"

ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
META_OF = f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }}"


def work(doi: str) -> NamedNode:
    return NamedNode(doi_iri(doi))


def record(doi: str, *properties: tuple[NamedNode, Literal | NamedNode],
           retrieved: datetime = RETRIEVED, derived_from: str | None = None) -> RecordGraph:
    """The record graph of a test source describing the work ``doi`` with ``properties``."""
    key = normalize_doi(doi)
    graph = NamedNode(graph_iri("test", key))
    subject = work(doi)
    origin = derived_from or "https://api.example.org/works/" + doi_iri(doi).removeprefix("https://doi.org/")
    return RecordGraph(graph, [Quad(subject, p, o, graph) for p, o in properties],
                       GraphMeta("test", key, subject, origin, retrieved))


def quads(store: Store) -> set[Quad]:
    """Every quad of every named graph, provenance included."""
    rows = store.select(ALL_QUADS).rows
    return {Quad(s, p, o, g) for s, p, o, g in rows}  # type: ignore[arg-type]


def data_quads(store: Store) -> set[Quad]:
    """Every quad outside the meta graph."""
    return {q for q in quads(store) if q.graph_name != META}


def quad_count(store: Store) -> int:
    (count,), = store.select(COUNT_QUADS).rows
    assert isinstance(count, Literal)
    return int(count.value)


def meta_of(store: Store, graph: NamedNode) -> set[tuple[NamedNode, Literal | NamedNode]]:
    """The (predicate, object) pairs the meta graph holds about ``graph``."""
    return {(p, o) for p, o in store.select(META_OF, {"g": graph}).rows}  # type: ignore[misc]


def objects(pairs: set[tuple[NamedNode, Literal | NamedNode]], predicate: NamedNode) -> list[Literal | NamedNode]:
    return [o for p, o in pairs if p == predicate]


def generated_at(store: Store, graph: NamedNode) -> datetime:
    (stamp,) = objects(meta_of(store, graph), PROV.generatedAtTime)
    assert isinstance(stamp, Literal)
    assert stamp.datatype == XSD.dateTime
    return datetime.fromisoformat(stamp.value)


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


# -- terms ------------------------------------------------------------------------------------


LONG_TEXT = "".join(chr(0x61 + i % 26) for i in range(99_990)) + " — the end"
ODD_LITERALS = [
    pytest.param('x" } ; DROP ALL ; #', id="quote-brace-drop"),
    pytest.param("a > b } INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> } #", id="brace-insert"),
    pytest.param('three """ quotes and \'\'\' more', id="triple-quotes"),
    pytest.param("line one\nline two\r\n\ttabbed", id="newlines"),
    pytest.param("back\\slash \\\" and \\u0022", id="backslashes"),
    pytest.param("Ångström – 数据集 😀 \u2028 \u0001", id="unicode"),
    pytest.param(LONG_TEXT, id="100k-chars"),
]


@pytest.mark.parametrize("text", ODD_LITERALS)
def test_select_binds_a_literal_as_a_value_never_as_syntax(store: Store, text: str) -> None:
    target = record("10.1/target", (SCHEMA.name, Literal(text)))
    decoys = [record("10.1/decoy-1", (SCHEMA.name, Literal(text + " "))),
              record("10.1/decoy-2", (SCHEMA.name, Literal(text, datatype=XSD.token))),
              record("10.1/decoy-3", (SCHEMA.description, Literal(text[:-1])))]
    store.write([target, *decoys])
    before = quads(store)

    result = store.select("SELECT ?w WHERE { ?w <http://schema.org/name> ?n }", {"n": Literal(text)})

    assert result.variables == ["w"]
    assert result.rows == [(work("10.1/target"),)]
    assert quads(store) == before
    assert not store.ask("ASK { <urn:x:a> ?p ?o }")


def test_select_binds_a_named_node(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")), (RDF.type, SCHEMA.Dataset))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    store.write([a, b])

    result = store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work("10.1/a")})

    assert result.variables == ["n"]
    assert result.rows == [(Literal("A"),)]
    assert result.dicts() == [{"n": Literal("A")}]
    both = store.select("SELECT ?w ?t WHERE { ?w a ?t }", {"w": work("10.1/a"), "t": SCHEMA.Dataset})
    assert both.rows == [(work("10.1/a"), SCHEMA.Dataset)]
    assert store.select("SELECT ?w WHERE { ?w a ?t }", {"t": SCHEMA.Person}).rows == []


def test_select_leaves_unbound_optional_variables_none(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])

    result = store.select("PREFIX s: <http://schema.org/>\n"
                          "SELECT ?n ?d WHERE { ?w s:name ?n OPTIONAL { ?w s:description ?d } }")

    assert result.rows == [(Literal("A"), None)]
    assert result.dicts() == [{"n": Literal("A")}]


@pytest.mark.parametrize("doi", [SICI_DOI, ODD_DOI, "10.5281/zenodo.1234", "10.1000/ümlaut-数据"])
def test_dois_with_special_characters_round_trip_as_iris(store: Store, doi: str) -> None:
    a = record(doi, (SCHEMA.name, Literal("A")), (SCHEMA.identifier, Literal(normalize_doi(doi))),
               (SCHEMA.sameAs, work(doi)))
    store.write([a])

    assert data_quads(store) == set(a.quads)
    assert store.select("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", {"w": work(doi)}).rows == [
        (Literal("A"),)]
    assert store.content_hashes([a.graph]) == {a.graph.value: a.content_hash}
    assert store.write([a]) == WriteResult(written=0, unchanged=1)


def test_typed_and_plain_literals_round_trip(store: Store) -> None:
    terms = [Literal("plain"), Literal("42", datatype=XSD.integer), Literal("2020-05-01", datatype=XSD.date),
             Literal("2020-05-01T10:11:12Z", datatype=XSD.dateTime), Literal("true", datatype=XSD.boolean),
             Literal("3.5", datatype=XSD.decimal), Literal("https://example.org/x", datatype=XSD.anyURI),
             Literal(LONG_TEXT), Literal("")]
    a = record("10.1/a", *((SCHEMA.description, t) for t in terms))
    store.write([a])

    rows = store.select("SELECT ?d WHERE { ?w <http://schema.org/description> ?d }", {"w": work("10.1/a")}).rows
    assert sorted((r[0] for r in rows), key=str) == sorted(terms, key=str)
    long_rows = store.select("SELECT ?w WHERE { ?w ?p ?d }", {"d": Literal(LONG_TEXT)}).rows
    assert long_rows == [(work("10.1/a"),)]


# -- reads ------------------------------------------------------------------------------------


def test_ask_answers_with_bindings(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])

    assert store.ask("ASK { ?w <http://schema.org/name> ?n }") is True
    assert store.ask("ASK { ?w <http://schema.org/name> ?n }", {"n": Literal("A")}) is True
    assert store.ask("ASK { ?w <http://schema.org/name> ?n }", {"n": Literal("B")}) is False
    assert store.ask("ASK { ?w <http://schema.org/name> ?n }", {"w": work("10.1/b")}) is False


def test_construct_returns_triples(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal('A "quoted"\n')), (RDF.type, SCHEMA.Dataset))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    store.write([a, b])

    everything = store.construct("PREFIX s: <http://schema.org/> CONSTRUCT { ?w s:name ?n } WHERE { ?w s:name ?n }")
    bound = store.construct("CONSTRUCT { ?w ?p ?o } WHERE { ?w ?p ?o }", {"w": work("10.1/a")})

    assert all(isinstance(t, Triple) for t in everything)
    assert sorted(map(str, everything)) == sorted(map(str, [a.quads[0].triple, b.quads[0].triple]))
    assert sorted(map(str, bound)) == sorted(str(q.triple) for q in a.quads)
    assert store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": work("10.1/z")}) == []


def test_describe_returns_triples(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    store.write([a])

    assert store.construct(f"DESCRIBE <{work('10.1/a').value}>") == [a.quads[0].triple]


def test_each_reader_refuses_the_other_query_forms(store: Store) -> None:
    with pytest.raises(StoreError, match=r"^select\(\) needs a SELECT query$"):
        store.select("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match=r"^ask\(\) needs an ASK query$"):
        store.ask("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=r"^construct\(\) needs a CONSTRUCT or DESCRIBE query$"):
        store.construct("SELECT ?s WHERE { ?s ?p ?o }")


QUERY_WITH_HEADER = """\
# title: Graphs per source
# description: How many record graphs each loader has stored; ask, add, load, describe and select
# are words of prose here, not the query form.
prefix kg: <https://w3id.org/evidence-kg/ns#>
prefix ex: <http://example.org/address/describe/load#>
SELECT ?source (COUNT(?g) AS ?graphs)
WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { ?g kg:source ?source } }
GROUP BY ?source
"""


def test_a_query_whose_comments_and_prefixes_hold_keywords_runs_as_a_query(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A"))), record("10.1/b")])

    result = store.select(QUERY_WITH_HEADER)

    assert result.rows == [(Literal("test"), Literal("2", datatype=XSD.integer))]
    assert store.construct("# select nothing\nPREFIX s: <http://schema.org/>\n"
                           "CONSTRUCT { ?w s:name ?n } WHERE { ?w s:name ?n }") == [
        Triple(work("10.1/a"), SCHEMA.name, Literal("A"))]
    assert store.ask("# construct, describe\nprefix s: <http://schema.org/select>\nASK { ?w ?p ?o }") is True


def test_an_update_whose_prefixes_hold_query_keywords_runs_as_an_update(store: Store) -> None:
    store.update("# select, ask\nprefix ex: <http://example.org/ask/select/>\n"
                 "INSERT DATA { GRAPH ex:g { ex:a ex:b 'c' } }")

    assert quads(store) == {Quad(NamedNode("http://example.org/ask/select/a"),
                                 NamedNode("http://example.org/ask/select/b"), Literal("c"),
                                 NamedNode("http://example.org/ask/select/g"))}


def test_content_hashes_of_present_and_absent_graphs(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    b = record("10.1/b", (SCHEMA.name, Literal("B")))
    store.write([a, b])
    absent = NamedNode(graph_iri("test", "10.1/absent"))

    assert store.content_hashes([a.graph, absent, b.graph]) == {a.graph.value: a.content_hash,
                                                                 b.graph.value: b.content_hash}
    assert store.content_hashes([absent]) == {}
    assert store.content_hashes([]) == {}
    assert a.content_hash != b.content_hash


# -- dumps ------------------------------------------------------------------------------------


def _dump(store: Store, format: RdfFormat) -> bytes:
    output = io.BytesIO()
    store.dump(output, format)
    return output.getvalue()


def test_an_nquads_dump_round_trips(store: Store) -> None:
    a = record(SICI_DOI, (SCHEMA.name, Literal('A "quoted" }\n数据')), (RDF.type, SCHEMA.Dataset))
    b = record(ODD_DOI, (SCHEMA.name, Literal(LONG_TEXT)), (SCHEMA.isBasedOn, work(SICI_DOI)))
    store.write([a, b])

    dumped = set(parse(_dump(store, RdfFormat.N_QUADS), format=RdfFormat.N_QUADS))

    assert dumped == quads(store)
    assert {q for q in dumped if q.graph_name != META} == {*a.quads, *b.quads}
    assert len(dumped) == 4 + 2 * 8
    with Store.open(None) as copy:
        assert isinstance(copy, EmbeddedStore)
        copy.ox.extend(dumped)
        assert copy.content_hashes([a.graph, b.graph]) == {a.graph.value: a.content_hash,
                                                           b.graph.value: b.content_hash}


def test_a_trig_dump_round_trips(store: Store) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    store.write([a])

    assert set(parse(_dump(store, RdfFormat.TRIG), format=RdfFormat.TRIG)) == quads(store)


@pytest.mark.parametrize("format", [RdfFormat.TURTLE, RdfFormat.N_TRIPLES])
def test_a_triples_dump_holds_the_data_but_not_the_provenance(store: Store, format: RdfFormat) -> None:
    a = record("10.1/a", (SCHEMA.name, Literal("A\n\"B\"")), (RDF.type, SCHEMA.Dataset))
    b = record(SICI_DOI, (SCHEMA.name, Literal("C")), (SCHEMA.isBasedOn, work("10.1/a")))
    store.write([a, b])

    dumped = {q.triple for q in parse(_dump(store, format), format=format)}

    assert dumped == {q.triple for q in (*a.quads, *b.quads)}
    assert META_GRAPH not in _dump(store, format).decode()
    assert not any(t.predicate == KG.contentHash for t in dumped)


# -- opening ----------------------------------------------------------------------------------


def test_open_none_is_an_embedded_store_in_memory() -> None:
    with Store.open(None) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path is None
        assert repr(store) == "EmbeddedStore(None)"


@pytest.mark.parametrize("as_text", [False, True], ids=["path", "str"])
def test_open_a_path_is_an_embedded_store_that_persists(tmp_path: Path, as_text: bool) -> None:
    location = tmp_path / "kg-data"
    a = record("10.1/a", (SCHEMA.name, Literal("A")))
    with Store.open(str(location) if as_text else location) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.path == location
        assert store.write([a]) == WriteResult(written=1, unchanged=0)

    assert location.is_dir()
    with Store.open(location) as reopened:
        assert data_quads(reopened) == set(a.quads)
        assert reopened.write([a]) == WriteResult(written=0, unchanged=1)


@pytest.mark.parametrize(("url", "update_url"), [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
    ("https://example.org/ds/query", "https://example.org/ds/update"),
    ("https://example.org/sparql", "https://example.org/sparql"),
])
def test_open_an_http_url_is_a_remote_store(url: str, update_url: str) -> None:
    store = Store.open(url)  # opening does no I/O

    assert isinstance(store, RemoteStore)
    assert store.url == url
    assert store.update_url == update_url
    assert repr(store) == f"RemoteStore({url!r})"
    assert RemoteStore(url, "https://example.org/other/update").update_url == "https://example.org/other/update"


# -- errors -----------------------------------------------------------------------------------


def test_a_malformed_query_raises_naming_the_problem(store: Store) -> None:
    expected = StoreError if isinstance(store, RemoteStore) else SyntaxError

    with pytest.raises(expected, match=r"error at 1:\d+: expected") as raised:
        store.select("SELECT WHERE { ?s ?p ?o }")
    if isinstance(store, RemoteStore):
        assert store.url in str(raised.value)

    with pytest.raises(expected, match=r"error at 1:\d+: expected") as raised:
        store.update("INSERT DATA { <urn:x:a> }")
    if isinstance(store, RemoteStore):
        assert store.update_url in str(raised.value)
    assert quad_count(store) == 0


def _unused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/query"


def test_an_unreachable_server_raises_store_error_naming_the_url() -> None:
    url = _unused_url()
    store = Store.open(url)
    assert isinstance(store, RemoteStore)
    a = record("10.1/a", (SCHEMA.name, Literal("A")))

    unreachable = rf"^cannot reach the SPARQL server at {re.escape(url)}: .*refused"
    with pytest.raises(StoreError, match=unreachable):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.ask("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=unreachable):
        store.write([a])
    with pytest.raises(StoreError, match=rf"^cannot reach the SPARQL server at {re.escape(store.update_url)}: "):
        store.update("CLEAR ALL")
