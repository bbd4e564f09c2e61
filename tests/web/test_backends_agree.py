"""The same answers from every backend: the CLI's and the HTTP service's answers over the sample graph on a
real Virtuoso (and a real ``oxigraph serve``) are those of the embedded store, byte for byte once the
parts that name the store or the moment are set aside."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli import cli
from kg.store import Store
from tests.conftest import stop
from tests.web.conftest import SAMPLES, UPDATE_TOKEN, load_samples, serve

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "graphql" / "examples"

#: CLI commands whose answers must agree (each with --json where it has it)
COMMANDS = [
    ["stats", "--json"],
    ["chain", "10.1038/s41598-021-81251-2", "--json"],
    ["chain", "6GV0", "--depth", "2", "--json"],
    ["chain", "pmid:33462295", "--json"],
    ["related", "10.5555/kg-sample.tool.v1", "--json"],
    ["related", "10.5555/kg-sample.data", "--json"],
    ["related", "10.5555/kg-sample.tool.v1", "--limit", "5", "--format", "csv"],
    ["metrics", "item", "10.5555/kg-sample.tool.v1", "--json"],
    ["metrics", "item", "10.5555/kg-sample.data", "--json"],
    ["metrics", "funder", "10.13039/100000001", "--json"],
    ["metrics", "facility", "example-light-source", "--json"],
    ["metrics", "publisher", "Example Publisher", "--json"],
    ["query", "stats_sources", "--format", "csv"],
    ["query", "SELECT ?w ?n WHERE { ?w <http://schema.org/name> ?n } ORDER BY ?w ?n", "--json"],
    ["export", "--format", "nq"],  # before trace, which stores its trace (hashed with the moment it ran)
    ["trace", "The structure (doi:10.1038/s41598-021-81251-2) was solved from new data.", "--json"],
]
#: HTTP GETs whose answers must agree
PATHS = [
    "/api/chain?id=PDB%206GV0", "/api/chain?id=pmid:33462295&depth=2", "/api/chain?id=10.1038/s41598-021-81251-2",
    "/api/related?id=10.5555/kg-sample.data&limit=50", "/api/related?id=10.5555/kg-sample.tool.v1",
    "/api/metrics/item?id=10.5555/kg-sample.tool.v1", "/api/metrics/funder?id=10.13039/100000001",
    "/api/metrics/facility?id=example-light-source", "/api/works?id=PDB%206GV0&id=10.5555/kg-sample.data",
    "/works/10.2210/pdb6gv0/pdb?format=json", "/works/10.2210/pdb6gv0/pdb?format=turtle",
    "/works/10.5555/kg-sample.tool?format=json", "/works/10.5555/kg-sample.tool.v1?format=jsonld",
    "/works/10.5555/kg-sample.tool.v1?format=ntriples", "/works/10.5555/kg-sample.data",
    "/embed/related?id=10.5555/kg-sample.data",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20GRAPH%20%3Fg%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D",
]
#: what names the store or the moment in an answer: the sample files' retrieval times, the service's own URL
MOMENT = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?|127\.0\.0\.1:\d+")


def answers_of(location: str) -> dict[str, bytes]:
    """Every command's output on the store at ``location``."""
    found = {}
    for command in COMMANDS:
        result = CliRunner().invoke(cli, ["--store", location, *command], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
        out = result.stdout_bytes
        if command[0] == "export":  # the quads in the engine's order
            out = b"\n".join(sorted(out.splitlines()))
        found[" ".join(command)] = MOMENT.sub(b"~", out)
    return found


@pytest.fixture(scope="module")
def stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The sample graph on the embedded store and on each server: backend -> store location."""
    embedded = str(tmp_path_factory.mktemp("agree") / "db")
    load_samples(embedded)
    virtuoso = request.getfixturevalue("virtuoso_server")
    with Store.open(virtuoso) as store:
        graphs = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                              'FILTER(STRSTARTS(STR(?g), "https://w3id.org/evidence-kg/")) }').rows
        for (g,) in graphs:
            store.update(f"DROP SILENT GRAPH {g}")
    load_samples(virtuoso)
    asking_the_store(virtuoso)
    yield {"embedded": embedded, "virtuoso": virtuoso}


def asking_the_store(location: str) -> None:
    """The server's metrics summary on this machine set aside: every question asks the catalogue of it."""
    with Store.open(location) as store:
        store.metrics_summary.mark_stale()


@pytest.mark.slow
def test_the_cli_answers_on_virtuoso_as_on_the_embedded_store(stores: dict[str, str]) -> None:
    embedded, virtuoso = answers_of(stores["embedded"]), answers_of(stores["virtuoso"])
    assert len(embedded) == len(COMMANDS) and all(embedded.values())
    for command, answer in embedded.items():
        assert virtuoso[command] == answer, (command, set(virtuoso[command].splitlines()) ^ set(answer.splitlines()))


def http_answers(live: str) -> dict[str, tuple[int, bytes]]:
    found = {}
    for path in PATHS:
        answer = requests.get(live + path, timeout=60, headers={"Accept": "application/json"}
                              if path.startswith("/sparql") else {})
        found[path] = (answer.status_code, MOMENT.sub(b"~", answer.content))
    for example in sorted(EXAMPLES_DIR.glob("*.graphql")):
        answer = requests.post(live + "/graphql", json={"query": example.read_text()}, timeout=60)
        body = answer.json()
        found[example.name] = (answer.status_code, MOMENT.sub(b"~", json.dumps(body, sort_keys=True).encode()))
    return found


@pytest.mark.slow
def test_the_http_answers_on_virtuoso_as_on_the_embedded_store(stores: dict[str, str], tmp_path: Path) -> None:
    with ExitStack() as stack:
        found = {}
        for backend, location in stores.items():
            directory = tmp_path / backend
            directory.mkdir()
            process, url, _ = serve(location, directory)
            stack.callback(stop, process)
            found[backend] = http_answers(url)
            if backend == "virtuoso":  # a query that parses but trips the engine is the store's failure: 502
                tripping = ('SELECT ?d WHERE { { ?a ?b ?c FILTER(isIRI(?c)) BIND("out" AS ?d) } UNION '
                            '{ ?c ?b ?a BIND("in" AS ?d) } }')
                failed = requests.get(url + "/sparql", params={"query": tripping}, timeout=60)
                assert failed.status_code == 502, failed.text
                malformed = requests.get(url + "/sparql", params={"query": "SELECT WHERE {"}, timeout=60)
                assert malformed.status_code == 400, malformed.text
    embedded, virtuoso = found["embedded"], found["virtuoso"]
    assert len(embedded) >= 24
    for what, (status, body) in embedded.items():
        assert status == 200, (what, body[:300])
        assert virtuoso[what] == (status, body), what
    assert SAMPLES.is_dir()



@pytest.mark.slow
def test_the_cli_answers_on_virtuoso_with_its_metrics_summary_as_on_the_embedded_store(stores: dict[str, str]) -> None:
    """The summary built from Virtuoso (``kg index-metrics``, its answers cut at 500 rows) gives the same answers."""
    built = CliRunner().invoke(cli, ["--store", stores["virtuoso"], "index-metrics", "--json"], catch_exceptions=False)
    try:
        assert built.exit_code == 0, built.output
        assert json.loads(built.stdout)["graphs"] > 10
        with Store.open(stores["virtuoso"]) as store:
            assert store.complete_summary() is not None
        embedded, virtuoso = answers_of(stores["embedded"]), answers_of(stores["virtuoso"])
        for command, answer in embedded.items():
            if not command.startswith("export"):  # the traces stored by the test above: hashed with their moment
                assert virtuoso[command] == answer, (command, set(virtuoso[command].splitlines()) ^ set(
                    answer.splitlines()))
    finally:
        asking_the_store(stores["virtuoso"])


@pytest.mark.slow
def test_two_services_over_one_virtuoso_answer_alike_and_see_each_others_writes(stores: dict[str, str],
                                                                                tmp_path: Path) -> None:
    """Read replicas: several ``kg serve`` over one server, behind any load balancer (docs/scaling.md)."""
    with ExitStack() as stack:
        urls = []
        for name in ("a", "b"):
            directory = tmp_path / name
            directory.mkdir()
            process, url, _ = serve(stores["virtuoso"], directory, "--update-token", UPDATE_TOKEN)
            stack.callback(stop, process)
            urls.append(url)
        chains = [requests.get(u + "/api/chain", params={"id": "PDB 6GV0"}, timeout=60) for u in urls]
        assert chains[0].status_code == 200 and chains[0].content == chains[1].content

        graph = "https://w3id.org/evidence-kg/graph/test/replica"
        ask = {"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}
        written = requests.post(urls[0] + "/sparql", data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ "
                                                           "<urn:x:a> <urn:x:b> 'c' } }"},
                                headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=60)
        try:
            assert written.status_code in (200, 204), written.text
            seen = requests.get(urls[1] + "/sparql", params=ask, headers={"Accept": "application/json"}, timeout=60)
            assert seen.json()["boolean"] is True
        finally:
            requests.post(urls[0] + "/sparql", data={"update": f"DROP SILENT GRAPH <{graph}>"},
                          headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=60)
