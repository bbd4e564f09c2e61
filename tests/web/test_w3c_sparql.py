"""The W3C's own tests of the SPARQL 1.1 Protocol (34) and the Graph Store HTTP Protocol (13), read from
their manifests (tests/web/w3c/, copied from w3c/rdf-tests: see its README) and run, request by request,
against a real ``kg serve`` with an update token over an empty store on disk.

Each test starts from an empty store (the manifests expect it: several PUTs expect 201 Created for a
graph an earlier test made), with the graphs its ``ut:graphData`` names loaded through the graph store.
Paths are the manifests' own, ``/gsp`` read as ``/store``; every request carries the update token (the
tests that expect a refusal are refused for their own reasons). What a test expects is checked as the
manifests say: the status (or class of status), the ASK answer, the kind of answer format (boolean,
tabular, RDF), the Content-Type, the graph (isomorphic to the expected one) and the Location of a new graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from tests.conftest import stop
from tests.web.conftest import UPDATE_TOKEN, Live, serve

W3C = Path(__file__).resolve().parent / "w3c"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#"
#: the statuses the manifests name, by their local names in the hts: vocabulary
STATUSES = {"OK": {200}, "Created": {201}, "NoContent": {204}, "NotFound": {404},
            **{f"StatusCode{n}xx": set(range(n * 100, n * 100 + 100)) for n in (2, 3, 4, 5)}}
TABULAR = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld", "application/n-quads": "nquads", "application/trig": "trig",
             "text/n3": "n3"}
AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}


@dataclass
class Expected:
    statuses: set[int]
    boolean: bool | None = None
    form: str | None = None
    content_type: str | None = None
    body: str | None = None
    location: str | None = None


@dataclass
class W3CRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class W3CTest:
    name: str
    label: str
    requests: list[W3CRequest]
    graph_data: list[tuple[str, Path]] = field(default_factory=list)


def _text(graph: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def _headers(graph: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    listed = graph.value(node, HT.headers)
    if listed is None:
        return {}
    return {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
            for h in Collection(graph, listed)}


def _body(graph: rdflib.Graph, node: rdflib.term.Node) -> tuple[str, str] | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    return str(graph.value(body, CNT.chars)), str(graph.value(body, CNT.characterEncoding) or "UTF-8")


def read_manifest(path: Path) -> list[W3CTest]:
    """The tests of a manifest (and of the manifests it includes), in its order."""
    graph = rdflib.Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests: list[W3CTest] = []
    included = graph.value(manifest, MF.include)
    if included is not None:
        for part in Collection(graph, included):
            tests += read_manifest(path.parent / Path(str(part)).name)
    entries = graph.value(manifest, MF.entries)
    for entry in Collection(graph, entries) if entries is not None else []:
        action = graph.value(entry, MF.action)
        steps = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            resp = graph.value(request, HT.resp)
            statuses = set().union(*(STATUSES[str(s).removeprefix(HTS)]
                                     for s in graph.objects(resp, MF.expectedStatus)))
            boolean = graph.value(resp, MF.expectedBoolean)
            body = _body(graph, request)
            expected_body = _body(graph, resp)
            steps.append(W3CRequest(
                str(graph.value(request, HT.methodName)), str(graph.value(request, HT.absolutePath)),
                _headers(graph, request), None if body is None else body[0].encode(body[1].lower()),
                Expected(statuses, None if boolean is None else bool(boolean.toPython()),
                         _text(graph, resp, MF.expectedFormat), _headers(graph, resp).get("content-type"),
                         None if expected_body is None else expected_body[0], _text(graph, resp, MF.expectedLocation))))
        data = [(str(graph.value(d, rdflib.RDFS.label)), path.parent / Path(str(graph.value(d, UT.graph))).name)
                for d in graph.objects(entry, UT.graphData)]
        tests.append(W3CTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)), steps, data))
    return tests


PROTOCOL = read_manifest(W3C / "protocol" / "manifest.ttl")
GRAPH_STORE = read_manifest(W3C / "graph-store-protocol" / "manifest.ttl")


@pytest.fixture(scope="module", params=["embedded", pytest.param("remote", marks=pytest.mark.slow)])
def empty_writable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``kg serve`` with the update token over an empty store (on disk, or an Oxigraph server): the W3C
    tests write and clear it."""
    directory = tmp_path_factory.mktemp(f"w3c-{request.param}")
    location = str(directory / "db") if request.param == "embedded" else request.getfixturevalue("oxigraph_server")
    process, url, log = serve(location, directory, "--update-token", UPDATE_TOKEN)
    try:
        yield Live(url, request.param, log)
    finally:
        stop(process)


def _fresh(live: Live, test: W3CTest) -> None:
    cleared = requests.post(live("/sparql"), data={"update": "DROP ALL"}, headers=AUTH, timeout=60)
    assert cleared.status_code == 204, cleared.text
    for name, data in test.graph_data:
        put = requests.put(live("/store"), params={"graph": name}, data=data.read_bytes(), timeout=60,
                           headers={**AUTH, "Content-Type": "application/n-triples"})
        assert put.status_code == 201, put.text


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _boolean(answer: requests.Response) -> bool:
    if _media(answer.headers.get("content-type")) == "application/sparql-results+json":
        return bool(json.loads(answer.text)["boolean"])
    found = re.search(r"<boolean>\s*(true|false)\s*</boolean>", answer.text)
    assert found, f"no boolean in the answer: {answer.text[:200]}"
    return found[1] == "true"


def _check(step: W3CRequest, answer: requests.Response, where: str) -> None:
    expected = step.expected
    assert answer.status_code in expected.statuses, f"{where}: {answer.status_code} {answer.text[:300]}"
    media = _media(answer.headers.get("content-type"))
    if expected.form == "boolean" or expected.boolean is not None:
        assert media in TABULAR[:2], f"{where}: a boolean answer in {media}"
    if expected.boolean is not None:
        assert _boolean(answer) is expected.boolean, where
    if expected.form == "tabular":
        assert media in TABULAR, f"{where}: a tabular answer in {media}"
    if expected.form == "RDF":
        assert media in RDF_TYPES, f"{where}: an RDF answer in {media}"
    if expected.content_type is not None:
        assert media == _media(expected.content_type), f"{where}: {media}"
        charset = re.search(r"charset=([\w-]+)", expected.content_type)
        if charset:
            assert charset[1].lower() in answer.headers["content-type"].lower(), where
    if expected.body is not None:
        got = rdflib.Graph().parse(data=answer.text, format=RDF_TYPES[media])
        wanted = rdflib.Graph().parse(data=expected.body, format=RDF_TYPES[_media(expected.content_type)])
        assert isomorphic(got, wanted), f"{where}: got\n{answer.text}"


def _run(live: Live, test: W3CTest) -> None:
    _fresh(live, test)
    variables: dict[str, str] = {}
    assert test.requests, test.name
    for index, step in enumerate(test.requests, 1):
        path = step.path
        for name, value in variables.items():
            path = path.replace(name, value)
        if path.startswith("/gsp"):
            path = "/store" + path.removeprefix("/gsp")
        answer = requests.request(step.method, live(path), data=step.body, headers={**step.headers, **AUTH},
                                  timeout=60, allow_redirects=False)
        _check(step, answer, f"{test.name} request {index} ({step.method} {path})")
        if step.expected.location is not None:
            assert answer.headers.get("location"), f"{test.name}: no Location"
            variables[step.expected.location] = answer.headers["location"]


def test_the_manifests_hold_every_test() -> None:
    assert len(PROTOCOL) == 34
    assert len(GRAPH_STORE) == 13


#: the tests a backend cannot pass, and why (docs/sparql.md lists them): each is run, must fail, and is xfailed
_USING = ("Oxigraph's server, run with the union default graph kg needs, refuses an update with USING "
          "(\"using-union-graph must not be used with a SPARQL UPDATE containing USING\")")
CANNOT = {("remote", "put_get_default"): "a SPARQL server cannot be asked for its own default graph alone over the "
                                         "SPARQL 1.1 Protocol, and its union default graph holds every other graph",
          **{("remote", name): _USING for name in ("update_dataset_default_graph", "update_dataset_default_graphs",
                                                   "update_dataset_named_graphs", "update_dataset_full")}}


def _run_or_fail_as_known(live: Live, test: W3CTest) -> None:
    reason = CANNOT.get((live.backend, test.name))
    if reason is not None:
        with pytest.raises(AssertionError):
            _run(live, test)
        pytest.xfail(reason)
    _run(live, test)


@pytest.mark.parametrize("test", PROTOCOL, ids=lambda t: t.name)
def test_w3c_sparql_protocol(empty_writable: Live, test: W3CTest) -> None:
    _run_or_fail_as_known(empty_writable, test)


@pytest.mark.parametrize("test", GRAPH_STORE, ids=lambda t: t.name)
def test_w3c_graph_store_protocol(empty_writable: Live, test: W3CTest) -> None:
    _run_or_fail_as_known(empty_writable, test)
