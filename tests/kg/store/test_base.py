"""The Store interface (kg/store/base.py) on every backend: reads, dumps and errors."""

from __future__ import annotations

import io

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from kg.errors import NotAcceptableError, QuerySyntaxError, StoreError
from kg.ids import META_GRAPH, graph_iri
from kg.store import EmbeddedStore, QueryJob, RemoteStore, Store, StoreProfile
from kg.store.limits import InProcessRunner, ServerRunner
from kg.store.workers import ProcessRunner
from kg.vocab import KG, RDF, SCHEMA, XSD
from tests.kg.store.conftest import LONG_TEXT, META, ODD_DOI, SICI_DOI, quad_count, quads, record, work

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


# -- profile and capabilities -------------------------------------------------------------------

#: each backend of the ``store`` fixture, and what its profile says
PROFILES = {
    "embedded-memory": StoreProfile(backend="embedded", on_disk=False, read_only_open=False, bulk_write=True,
                                    stops_queries="rows", sees_outside_writes=False, cue_index="memory"),
    "embedded-disk": StoreProfile(backend="embedded", on_disk=True, read_only_open=True, bulk_write=True,
                                  stops_queries="process", sees_outside_writes=False, cue_index="beside"),
    "remote": StoreProfile(backend="remote", on_disk=False, read_only_open=False, bulk_write=False,
                           stops_queries="server", sees_outside_writes=True, cue_index="file"),
}
#: the runner that enforces each way of stopping a query
RUNNERS = {"process": ProcessRunner, "rows": InProcessRunner, "server": ServerRunner}


def backend_of(request: pytest.FixtureRequest) -> str:
    """The ``store`` fixture's parameter for this test: "embedded-memory", "embedded-disk" or "remote"."""
    name: str = request.node.callspec.params["store"]
    return name


def test_each_backend_says_what_it_is_and_does_in_its_profile(store: Store, request: pytest.FixtureRequest) -> None:
    assert store.profile == PROFILES[backend_of(request)]


def test_ping_returns_once_the_store_answers_and_open_now_opens_it(store: Store) -> None:
    store.open_now()
    assert store.ping() is None
    store.write([record("10.1/a", (SCHEMA.name, Literal("A")))])
    assert store.ping() is None


def test_the_query_runner_stops_queries_as_the_profile_says(store: Store) -> None:
    runner = store.query_runner(timeout_s=10, workers=1)
    try:
        assert type(runner) is RUNNERS[store.profile.stops_queries]
        assert runner.store is store
    finally:
        runner.close()


NAMES = "SELECT ?n WHERE { ?w <http://schema.org/name> ?n } ORDER BY ?n"


def test_the_query_runner_answers_written_and_capped_and_sees_its_own_updates(store: Store) -> None:
    store.write([record("10.1/a", (SCHEMA.name, Literal("A"))), record("10.1/b", (SCHEMA.name, Literal("B")))])
    runner = store.query_runner(timeout_s=10, workers=1)
    try:
        answer = runner.run(QueryJob(NAMES, "csv", None, "Accept: text/csv", max_rows=1))
        assert (answer.body, answer.content_type, answer.truncated) == (b"n\r\nA\r\n", "text/csv; charset=utf-8", True)

        runner.update("INSERT DATA { GRAPH <urn:kg-test:g> { <urn:kg-test:s> <http://schema.org/name> '0' } }")

        answer = runner.run(QueryJob(NAMES, "tsv", None, "Accept: text/tab-separated-values"))
        assert answer.body == b'?n\n"0"\n"A"\n"B"\n'
        assert not answer.truncated
        graph = runner.run(QueryJob("CONSTRUCT WHERE { ?s ?p '0' }", None, "ntriples", "Accept: */*"))
        assert graph.body == b'<urn:kg-test:s> <http://schema.org/name> "0" .\n'
    finally:
        runner.close()


def test_the_query_runner_reports_bad_queries_updates_and_formats_as_kg_errors(store: Store) -> None:
    runner = store.query_runner(timeout_s=10, workers=1)
    try:
        with pytest.raises(QuerySyntaxError, match=r"^the SPARQL text does not parse: error at 1:\d+: expected"):
            runner.run(QueryJob("SELECT WHERE { ?s ?p ?o }", "json", None, "Accept: */*"))
        with pytest.raises(QuerySyntaxError, match=r"^the SPARQL text does not parse: error at 1:\d+: expected"):
            runner.update("INSERT DATA { <urn:x:a> }")
        with pytest.raises(NotAcceptableError, match=r"^cannot answer in a format the request accepts \(Accept: "
                           r"text/csv\); available: text/turtle, application/n-triples, application/n-quads, "
                           r"application/trig, application/ld\+json, application/rdf\+xml, text/n3$"):
            runner.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", "csv", None, "Accept: text/csv"))
        assert runner.run(QueryJob("ASK { ?s ?p ?o }", "json", None, "")).body == b'{"head": {}, "boolean": false}'
    finally:
        runner.close()
