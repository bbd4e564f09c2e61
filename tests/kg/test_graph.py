"""The Python API (``kg.open`` -> KnowledgeGraph) on the sample graph: every method answers with typed
results, and together they reach every query of the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

import kg
from kg import queries
from kg.errors import NotFoundError
from kg.graph import KnowledgeGraph
from kg.queries import QUERY_DIR, QueryNotFoundError, analyst_queries, load_query
from kg.store import Store
from kg.vocab import SCHEMA
from loaders.http import HttpConfig
from loaders.pdbe import PdbeLoader
from tests.loaders.replay import ReplayServer, Reply

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"
FUNDER = "https://doi.org/10.13039/100000001"
ELS = "https://w3id.org/evidence-kg/facility/example-light-source"
STORY = ("Insulin glulisine, a fast-acting insulin used by people with diabetes, has had its crystal structure "
         "solved. The researchers, writing in Scientific Reports in 2021, describe how the molecules pack in the "
         "crystal.")


@pytest.fixture
def g() -> Iterator[KnowledgeGraph]:
    with kg.open(None) as graph:
        report = graph.load([SAMPLES])
        assert (report.loaded, report.rejected) == (20, 0)
        yield graph


def test_open_takes_a_directory_or_memory_and_closing_the_graph_closes_the_store(tmp_path: Path) -> None:
    with kg.open(tmp_path / "db") as graph:
        assert graph.load([SAMPLES / "pdbe"]).loaded == 4
        assert graph.stats().graphs_by_source == {"pdbe": 4}
    with kg.open(str(tmp_path / "db")) as again:  # the lock was released: it opens again
        assert again.resolve("PDB 6GV0") == NamedNode(ENTRY)
    assert repr(kg.open(None)) == "KnowledgeGraph(EmbeddedStore(None))"
    assert kg.KnowledgeGraph is KnowledgeGraph


def test_resolve_and_work(g: KnowledgeGraph) -> None:
    assert g.resolve("pmid:33462295") == NamedNode(A0)
    work = g.work("doi:10.1038/S41598-021-81251-2")
    assert work.summary.title == "The crystal structure of insulin glulisine (sample record: title paraphrased)"
    assert work.as_dict()["id"] == A0
    assert any(t.predicate.value.endswith("reliesOnData") for t in g.triples(A0))
    with pytest.raises(NotFoundError, match="nothing in the graph is named https://doi.org/10.1/absent"):
        g.work("10.1/absent")


def test_summaries_and_names(g: KnowledgeGraph) -> None:
    found = g.summaries([A0, NamedNode(ENTRY)])
    assert (found[A0].kind, found[ENTRY].kind) == ("ScholarlyArticle", "StructureEntry")
    assert g.names([FUNDER, ELS, "https://doi.org/10.1/nameless"]) == {
        FUNDER: "National Science Foundation", ELS: "Example Light Source"}


def test_chain_related_and_metrics(g: KnowledgeGraph) -> None:
    chain = g.chain(A0)
    assert [(h.from_, h.to, h.role) for h in chain.hops] == [(A0, ENTRY, "data"), (ENTRY, RAW, "data")]
    assert g.chain(A0, max_depth=1).as_dict()["max_depth"] == 1
    related = g.related(ENTRY, limit=3)
    assert related and len(related) <= 3 and related[0].as_dict()["score"] == related[0].score
    assert g.metrics.item(NamedNode(RAW)).as_dict()["item"] == RAW
    # the sample's ROR record makes NSF's ROR ID and Funder ID one funder
    assert g.metrics.funder("funder:100000001").subjects == (FUNDER, "https://ror.org/021nxhr62")
    assert g.metrics.facility("Example Light Source").facilities == (ELS,)
    assert g.metrics.publisher("https://id.crossref.org/member/297").outputs >= 1


def test_search_and_find(g: KnowledgeGraph) -> None:
    found = g.search("INSULIN glulisine")
    assert {w.iri for w in found.works} == {A0, ENTRY, RAW} and not found.more
    assert g.search("insulin", limit=1).more
    assert g.find("insulin", type="StructureEntry") == [ENTRY]
    assert g.find("insulin", type="Dataset") == [ENTRY, RAW]
    assert g.find(funder="funder:100000001", published="2021") == sorted(g.find(funder="funder:100000001",
                                                                                published="2021"))
    assert g.agent_works("funder:100000001", funded=True) == g.find(funder="funder:100000001")
    person = g.records.creators([ENTRY])[0][0].agent
    assert g.agent_works(person) == [ENTRY]


def test_records_fetch_one_result_per_key_in_order(g: KnowledgeGraph) -> None:
    unknown = "https://doi.org/10.1/absent"
    works = g.records.works([ENTRY, unknown, A0])
    assert [w.iri for w in works] == [ENTRY, unknown, A0] and works[1].props == {}
    assert works[0].as_dict()["iri"] == ENTRY
    assert [c.name for c in g.records.creators([ENTRY])[0]] == ["Sample, A.", "Example, B."]
    links = g.records.links([A0])[0]
    assert ("in", ENTRY) in {(link.direction, link.other) for link in links}
    graphs = sorted({gr for link in links for gr in link.graphs})
    assert [p.source for p in g.records.provenance(graphs)] == ["pdbe"] * len(graphs)
    assert g.records.agents([FUNDER])[0].props
    assert g.records.funding(g.find(funder="funder:100000001"))[0]
    assert g.records.metrics([RAW])[0].item == RAW
    assert g.records.claims([A0]) == [[]]
    people = g.records.people([])
    assert people and g.records.people(["no such name anywhere"]) == []
    named = g.records.people([g.records.agents(people[:1])[0].first(SCHEMA.name) or ""])
    assert people[0] in named


def test_trace_stores_claims_that_works_then_list(g: KnowledgeGraph) -> None:
    result = g.trace(STORY, url="https://news.example.org/insulin", source_kind="news", store_claims=False)
    assert [w.iri for w in result.works] == [A0]
    assert g.claims([A0]) == {A0: []}
    g.save_claims(result)
    assert [c.source_kind for c in g.claims([A0])[A0]] == ["news"]


def test_query_runs_a_catalogue_query_or_text_with_plain_values_bound(g: KnowledgeGraph) -> None:
    answer = g.query("work_by_identifier", property="https://w3id.org/evidence-kg/ns#pmid", value="33462295")
    assert answer.values() == [(A0,)]
    assert g.query("SELECT ?n WHERE { ?w <http://schema.org/name> ?n }", w=[ENTRY]).dicts() == [
        {"n": "Insulin glulisine (sample record: title is a placeholder)"}]
    assert g.query("ASK { ?w ?p ?o }", w=NamedNode(A0)).as_dict() == {"boolean": True}
    constructed = g.query("CONSTRUCT { ?w ?p ?o } WHERE { ?w ?p ?o }", w=A0, o=Literal("33462295"))
    assert constructed.as_dict() == {"triples": [[A0, "https://w3id.org/evidence-kg/ns#pmid", "33462295"]]}
    with pytest.raises(QueryNotFoundError, match="no query named 'nope'"):
        g.query("nope")


def test_stats(g: KnowledgeGraph) -> None:
    found = g.stats()
    assert found.graphs_by_source == {"crossref": 8, "datacite": 4, "pdbe": 4, "ror": 1, "zenodo": 3}
    assert found.as_dict()["quads"] == found.quads > 0


# -- every query of the catalogue is reached from the Python API --------------------------------------


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The names of the catalogue queries read while the test runs (every read goes through load_query)."""
    names: set[str] = set()
    read = queries.parse_query_file

    def recording(path: Path) -> queries.StoredQuery:
        names.add(path.stem)
        return read(path)

    load_query.cache_clear()
    monkeypatch.setattr(queries, "parse_query_file", recording)
    yield names
    load_query.cache_clear()


def _online_trace(server: ReplayServer) -> None:
    """A trace that fetches PDB 6GV0 from (a replay of) PDBe and then the raw data it links to."""
    for endpoint in PdbeLoader.endpoints:
        server.add(f"/pdb/entry/{endpoint}/6gv0", Reply(body=(SAMPLES / "pdbe" / f"6gv0-{endpoint}.json").read_bytes()))
    server.add("/works/10.5281/zenodo.4456817", Reply(404, b'{"message": "Resource not found."}'))
    server.add("/dois/10.5281/zenodo.4456817", Reply(body=(SAMPLES / "datacite" / "zenodo-4456817.json").read_bytes()))
    with KnowledgeGraph(Store.open(None)) as empty:
        result = empty.trace("The structure of insulin glulisine is PDB entry 6GV0, scientists say.", online=True,
                             http=HttpConfig(retries=0, backoff=0.01, timeout=5.0),
                             apis={"pdbe": server.base, "crossref": server.base, "datacite": server.base})
        assert result.claims[0].mentions[0].fetched


def test_every_catalogue_query_is_reached_from_the_python_api(g: KnowledgeGraph, asked: set[str]) -> None:
    g.resolve("pmid:33462295")
    g.work(A0)
    g.triples(A0)
    g.summaries([A0, "https://doi.org/10.5555/kg-sample.never-loaded"])  # a work without a title: its cited-as names
    g.references(A0)
    g.names([FUNDER])
    g.search("insulin")
    g.find(type="Dataset")
    g.agent_works(FUNDER)
    g.agent_works(FUNDER, funded=True)
    g.chain(A0)
    g.related("10.5555/kg-sample.tool.v1")  # co-cited: its citers' concepts are read too
    g.metrics.item(RAW)
    g.metrics.funder(FUNDER)
    g.metrics.awards(FUNDER)
    g.metrics.facility("Example Light Source")
    g.metrics.publisher("example PUBLISHER")
    g.claims([A0])
    g.trace("The study is PMID 33462295; raw images are in EMPIAR-10001.", store_claims=False)
    g.stats()
    g.freshness()
    g.cite(A0)
    g.scholix_links(target=A0)
    g.index_cues()
    g.query("stats_quads")
    g.query("citation_dates", citing=[A0], cited=[A0])  # the item page's chart: citing works dated by OpenCitations
    for example in analyst_queries():  # the /sparql editor's examples, asked as they are
        g.query(example.name)
    for fetch in (g.records.works, g.records.creators, g.records.contributors, g.records.funding, g.records.links,
                  g.records.agencies,
                  g.records.provenance, g.records.agents, g.records.metrics, g.records.claims, g.records.names):
        fetch([A0])
    g.records.people(["sample"])
    with ReplayServer() as server:
        _online_trace(server)
    with ReplayServer() as server:
        server.add("/works", *[Reply(body=b'{"status": "ok", "message": {"items": []}}')] * 50)
        server.add("/dois", *[Reply(body=b'{"data": []}')] * 50)
        g.enrich(HttpConfig(retries=0, timeout=5.0), max_requests=2, apis={"crossref": server.base,
                                                                           "datacite": server.base})
    catalogue = {p.stem for p in QUERY_DIR.glob("*.rq")}
    assert len(catalogue) >= 40
    assert sorted(catalogue - asked) == [], "catalogue queries no method of kg.graph.KnowledgeGraph reaches"
    assert asked <= catalogue
