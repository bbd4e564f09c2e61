"""The remote store on a real Virtuoso 7 (``virtuoso_server``: one server for the session): credentials,
updates within its limits, its literal quirks, its row cap, and the catalogue queries its compiler trips on."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, parse

from kg.errors import StoreError
from kg.queries import load_query
from kg.store import QueryJob, RemoteStore, Store
from kg.store.credentials import digest_challenges
from kg.store.engines import XSD_DURATION
from kg.store.limits import execute
from kg.store.updates import UpdateRefusedError
from kg.vocab import SCHEMA, XSD
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import VIRTUOSO_MAX_ROWS
from tests.kg.store.conftest import record

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
SAMPLES = Path(__file__).resolve().parents[3] / "samples"
OURS = "https://w3id.org/evidence-kg/graph/"


def clear(store: Store) -> None:
    """Drop kg's graphs (not Virtuoso's own system graphs, which CLEAR ALL would take too)."""
    graphs = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                          f'FILTER(STRSTARTS(STR(?g), "{OURS}")) }}')
    for (g,) in graphs.rows:
        store.update(f"DROP SILENT GRAPH {g}")


@pytest.fixture
def virtuoso(virtuoso_server: str) -> Iterator[Store]:
    store = Store.open(virtuoso_server)
    clear(store)
    yield store
    clear(store)


def test_credentials_come_from_the_url_and_go_as_http_digest(virtuoso_server: str) -> None:
    store = Store.open(virtuoso_server)
    assert isinstance(store, RemoteStore) and store.profile.engine == "virtuoso"
    assert "dba@" not in repr(store) and ":dba" not in store.url  # the password is never printed
    store.update(f"INSERT DATA {{ GRAPH <{OURS}test/cred> {{ <urn:x:a> <urn:x:b> 'c' }} }}")
    assert store.ask(f"ASK {{ GRAPH <{OURS}test/cred> {{ <urn:x:a> ?p ?o }} }}")
    clear(store)


def test_digest_meets_virtuosos_challenge_once_not_once_a_query(virtuoso_server: str) -> None:
    store = Store.open(virtuoso_server)
    store.ask("ASK { }")
    before = digest_challenges()
    for i in range(20):
        assert store.select(f"SELECT ({i} AS ?n) WHERE {{ }}").rows
    # Virtuoso takes its nonce again with a counted nc (RFC 7616); urllib alone met 20 challenges here
    assert digest_challenges() - before <= 1


def kg(store: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``kg --store STORE ARGS`` in a process of its own (urllib keeps digest credentials per process)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_STORE_")} | env
    return subprocess.run([sys.executable, "-m", "kg", "--store", store, *args], capture_output=True, text=True,
                          env=environ, timeout=120, check=False)


def test_credentials_from_the_environment_and_none_refused_by_name(virtuoso_server: str) -> None:
    bare = re.sub(r"//[^@]*@", "//", virtuoso_server)
    refused = kg(bare, "stats")
    assert refused.returncode != 0
    assert "without credentials (HTTP 401)" in refused.stderr and "KG_STORE_USER" in refused.stderr

    assert kg(bare, "stats", KG_STORE_USER="dba", KG_STORE_PASSWORD="dba").returncode == 0
    wrong = kg(bare, "stats", KG_STORE_USER="dba", KG_STORE_PASSWORD="s3cret-wrong")
    assert wrong.returncode != 0 and "as dba (HTTP 401)" in wrong.stderr and "s3cret-wrong" not in wrong.stderr


def test_a_password_in_the_store_url_is_never_printed(virtuoso_server: str) -> None:
    shown = kg(virtuoso_server, "stats")
    assert shown.returncode == 0, shown.stderr
    bare = re.sub(r"//[^@]*@", "//", virtuoso_server)
    assert f"store: {bare}" in shown.stdout and "dba@" not in shown.stdout + shown.stderr


def test_a_record_past_the_update_limits_loads_and_a_refused_record_is_rejected_alone(virtuoso: Store) -> None:
    # 12,000 triples: one update of them is past Virtuoso's 10,000 lines (SP031)
    big = record("10.1/big", *((SCHEMA.keywords, Literal(f"keyword {i}")) for i in range(12_000)))
    bad = record("10.1/bad", (SCHEMA.position, Literal("abc", datatype=XSD.integer)))  # SR341 on Virtuoso
    fine = [record(f"10.1/ok{i}", (SCHEMA.name, Literal(f"Work {i}"))) for i in range(300)]
    result = virtuoso.write([big, *fine[:150], bad, *fine[150:]])

    assert (result.written, len(result.refused)) == (301, 1)
    refusal = result.refused[0]
    assert (refusal.record_id, refusal.source) == ("10.1/bad", "test")
    assert "SR341" in refusal.message and "INSERT" not in refusal.message and len(refusal.message) <= 300
    count = virtuoso.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {big.graph} {{ ?s ?p ?o }} }}").rows[0][0]
    assert count is not None and int(count.value) == 12_000
    assert not virtuoso.ask(f"ASK {{ GRAPH {bad.graph} {{ ?s ?p ?o }} }}")
    assert virtuoso.write([big]).unchanged == 1  # its provenance went in last, whole


def test_a_datacite_record_of_a_thousand_creators_loads(virtuoso: Store) -> None:
    path = REALDATA / "datacite" / "dois" / "10.17182_hepdata.77274.v1.json"
    creators = len(json.loads(path.read_text())["data"]["attributes"]["creators"])
    assert creators > 900
    report = load(virtuoso, read_paths([path]))
    assert (report.loaded, report.rejected, report.failure) == (1, 0, None)
    found = virtuoso.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { <https://doi.org/10.17182/hepdata.77274.v1> "
                            "<http://schema.org/creator> ?c }").rows[0][0]
    assert found is not None and int(found.value) > 0


def test_durations_and_booleans_read_back_as_the_embedded_store_gives_them(virtuoso: Store) -> None:
    spans = ["P0Y", "P1Y", "P1Y2M10D", "-P3M", "P2DT3H", "PT1.5S"]  # distinct values (P0Y and PT0S are one)
    r = record("10.1/d", *((SCHEMA.duration, Literal(s, datatype=XSD_DURATION)) for s in spans))
    embedded = Store.open(None)
    for store in (virtuoso, embedded):
        assert store.write([r]).written == 1
    query = "SELECT ?d WHERE { ?w <http://schema.org/duration> ?d }"
    assert sorted(str(t) for (t,) in virtuoso.select(query).rows) == sorted(
        str(t) for (t,) in embedded.select(query).rows)

    flags = "SELECT ?t ?f WHERE { BIND(true AS ?t) BIND(false AS ?f) }"
    assert virtuoso.select(flags).rows == embedded.select(flags).rows == [
        (Literal(True), Literal(False))]


def test_the_catalogue_queries_virtuosos_compiler_tripped_on_run_and_agree(virtuoso: Store) -> None:
    embedded = Store.open(None)
    for store in (virtuoso, embedded):
        assert load(store, read_paths([SAMPLES])).rejected == 0
    tool = {"item": NamedNode("https://doi.org/10.5555/kg-sample.tool.v1"),
            "work": NamedNode("https://doi.org/10.5555/kg-sample.tool.v1")}
    for name in ("related_direct_links", "related_versions_and_parts", "gql_links"):
        text = load_query(name).text
        there = virtuoso.select(text, {k: v for k, v in tool.items() if f"?{k}" in text})
        here = embedded.select(text, {k: v for k, v in tool.items() if f"?{k}" in text})
        assert sorted(map(str, there.rows)) == sorted(map(str, here.rows)) and here.rows, name
    described = {str(t) for t in virtuoso.construct(load_query("work_description").text, {"work": tool["work"]})}
    assert described == {str(t) for t in embedded.construct(load_query("work_description").text,
                                                             {"work": tool["work"]})}
    # Virtuoso's own DESCRIBE gives a few of a resource's triples; kg asks for what Oxigraph describes
    describe = "DESCRIBE <https://doi.org/10.2210/pdb6gv0/pdb>"
    assert {str(t) for t in virtuoso.construct(describe)} == {str(t) for t in embedded.construct(describe)}


def test_an_engine_failure_on_a_good_query_is_a_store_error_not_a_syntax_error(virtuoso: Store) -> None:
    from kg.errors import QuerySyntaxError
    tripping = ('SELECT ?d WHERE { { ?a ?b ?c FILTER(isIRI(?c)) BIND("out" AS ?d) } UNION '
                '{ ?c ?b ?a BIND("in" AS ?d) } }')
    with pytest.raises(StoreError, match="sparp_gp_deprecate") as failed:
        virtuoso.select(tripping)
    assert not isinstance(failed.value, QuerySyntaxError)
    with pytest.raises(QuerySyntaxError):
        virtuoso.select("SELECT WHERE { ?s ?p ?o }")
    bad = f'INSERT DATA {{ GRAPH <{OURS}test/x> {{ <urn:x:a> <urn:x:b> "abc"^^<{XSD.integer.value}> }} }}'
    with pytest.raises(UpdateRefusedError, match=r"refused the update: Virtuoso 22005 Error SR341") as refused:
        virtuoso.update(bad)
    assert not isinstance(refused.value, QuerySyntaxError) and "INSERT" not in str(refused.value)
    with pytest.raises(QuerySyntaxError):
        virtuoso.update("INSERT DATA { <urn:x:a> }")


def test_an_answer_cut_at_the_servers_row_cap_says_so_and_the_export_pages_through(virtuoso: Store) -> None:
    embedded = Store.open(None)
    for store in (virtuoso, embedded):
        assert load(store, read_paths([SAMPLES])).rejected == 0
    everything = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = execute(virtuoso, QueryJob(everything, "json", None, "", max_rows=10_000))
    assert answer.truncated and len(json.loads(answer.body)["results"]["bindings"]) == VIRTUOSO_MAX_ROWS
    assert not execute(virtuoso, QueryJob("SELECT ?s WHERE { ?s a <http://schema.org/Dataset> }", "json", None, "",
                                          max_rows=10_000)).truncated

    exported, expected = io.BytesIO(), io.BytesIO()
    virtuoso.dump(exported, RdfFormat.N_QUADS)
    embedded.dump(expected, RdfFormat.N_QUADS)
    ours = {str(q) for q in parse(exported.getvalue(), format=RdfFormat.N_QUADS)}
    theirs = {str(q) for q in parse(expected.getvalue(), format=RdfFormat.N_QUADS)}
    assert len(theirs) > VIRTUOSO_MAX_ROWS
    # provenance times and Virtuoso's own graphs aside, the export is the embedded store's
    assert {q for q in ours if "generatedAtTime" not in q} == {q for q in theirs if "generatedAtTime" not in q}
    assert not isinstance(virtuoso.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), bool)
    assert isinstance(virtuoso.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), QuerySolutions)
