"""Evidence chains over the sample graph, the real corpus and hand-made cycles."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import NamedNode, Quad

from kg.chains import StatedRelation, evidence_chain, paths, to_graphml, to_node_link
from kg.errors import IdentifierError, NotFoundError
from kg.ids import META_GRAPH
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import CITO, KG, SCHEMA
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.test_related import reference_years

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
GRAPH = "https://w3id.org/evidence-kg/graph/"
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def doi(suffix: str) -> str:
    return f"https://doi.org/{suffix}"


A0, ENTRY, RAW = doi("10.1038/s41598-021-81251-2"), doi("10.2210/pdb6gv0/pdb"), doi("10.5281/zenodo.4456817")
P2, P3, P5 = (doi(f"10.5555/kg-sample.p{i}") for i in (2, 3, 5))
D, T2, T3 = doi("10.5555/kg-sample.data"), doi("10.5555/kg-sample.tool.v2"), doi("10.5555/kg-sample.tool.v3")


@pytest.fixture(scope="module")
def sample() -> Store:
    s = Store.open(None)
    report = load(s, read_paths([SAMPLES]))
    assert report.loaded > 0 and report.rejected == 0
    return s


# ---------------------------------------------------------------- the sample graph


def test_the_6gv0_chain_reaches_the_raw_data_in_two_pdbe_hops(sample: Store) -> None:
    chain = evidence_chain(sample, "10.1038/S41598-021-81251-2")
    assert [n.iri for n in chain.nodes] == [A0, ENTRY, RAW]
    assert [(n.work.kind, n.depth) for n in chain.nodes] == [("ScholarlyArticle", 0), ("StructureEntry", 1),
                                                              ("Dataset", 2)]
    assert [(h.from_, h.to, h.evidence, h.role, h.depth) for h in chain.hops] == [
        (A0, ENTRY, "kg:reliesOnData", "data", 1), (ENTRY, RAW, "kg:reliesOnData", "data", 2)]
    first, second = chain.hops
    assert [(a.graph, a.source) for a in first.assertions] == [(GRAPH + "pdbe/6gv0/publications", "pdbe")]
    assert [(a.graph, a.source) for a in second.assertions] == [
        (GRAPH + "pdbe/6gv0/related_experiment_data", "pdbe")]
    assert all(DATETIME.match(a.retrieved) for h in chain.hops for a in h.assertions)
    # the typed edges as PDBe stated them: the entry supplements the article, and derives from the images
    assert first.relations == (StatedRelation("kg:isSupplementTo", ENTRY, A0),)
    assert second.relations == (StatedRelation("kg:isDerivedFrom", ENTRY, RAW),)
    assert not chain.truncated
    assert [p.nodes for p in paths(chain)] == [(A0, ENTRY, RAW)]


def test_a_chain_from_the_pdb_entry_starts_there(sample: Store) -> None:
    chain = evidence_chain(sample, "PDB 6GV0")
    assert chain.root == ENTRY
    assert [(h.from_, h.to) for h in chain.hops] == [(ENTRY, RAW)]


def test_p3_hops_come_data_first_then_citations(sample: Store) -> None:
    chain = evidence_chain(sample, "10.5555/kg-sample.p3")
    assert [(h.to, h.evidence, h.role) for h in chain.hops] == [
        (D, "kg:reliesOnData", "data"),
        (D, "cito:cites", "citation"),  # a citation of a dataset before one of software
        (T3, "cito:cites", "citation"),
    ]
    supplemented, cites_d, cites_t3 = chain.hops
    assert supplemented.relations == (StatedRelation("kg:isSupplementedBy", P3, D),)
    assert cites_d.relations == () and cites_t3.relations == ()  # a plain Crossref reference
    assert {a.source for h in chain.hops for a in h.assertions} == {"crossref"}
    assert {a.graph for h in chain.hops for a in h.assertions} == {GRAPH + "crossref/10.5555/kg-sample.p3"}
    assert [n.iri for n in chain.nodes] == [P3, D, T3]
    assert [p.roles for p in paths(chain)] == [("data",), ("citation",)]


def test_p5_lists_what_it_cites_the_cited_data_first_and_follows_no_citation(sample: Store) -> None:
    chain = evidence_chain(sample, "10.5555/kg-sample.p5", max_depth=1)
    # the dataset first (a cited work that is data), then P3 (2022) before P2 (2021): each cited once
    assert [(h.from_, h.to, h.evidence, h.label) for h in chain.hops] == [
        (P5, D, "cito:cites", "cites"), (P5, P3, "cito:cites", "cites"), (P5, P2, "cito:cites", "cites")]
    assert [(n.iri, n.depth, n.expanded) for n in chain.nodes] == [
        (P5, 0, True), (D, 1, False), (P3, 1, False), (P2, 1, False)]
    assert (chain.nodes[0].citations, chain.nodes[0].citations_listed) == (3, 3)
    assert chain.nodes[0].citation_note == "cites 3 works"


def test_citations_are_not_followed_deeper(sample: Store) -> None:
    shallow = evidence_chain(sample, "10.5555/kg-sample.p5", max_depth=1)
    deep = evidence_chain(sample, "10.5555/kg-sample.p5", max_depth=5)
    # P3 relies on the dataset, but P5 only cites P3: what P3 rests on is P3's own chain
    assert deep.hops == shallow.hops
    assert [(h.to, h.label) for h in evidence_chain(sample, "10.5555/kg-sample.p3").hops][:1] == [
        (D, "supplemented by data")]


def test_the_strongest_citations_are_listed_and_all_are_counted(sample: Store) -> None:
    chain = evidence_chain(sample, "10.5555/kg-sample.p5", max_depth=1)
    assert chain.citation_limit == 10
    every = evidence_chain(sample, "10.5555/kg-sample.p5", max_depth=1, all_citations=True)
    assert every.citation_limit is None and every.hops == chain.hops


def test_hops_are_stated_with_their_source_and_read_in_the_direction_of_reliance(sample: Store) -> None:
    chain = evidence_chain(sample, "10.1038/s41598-021-81251-2")
    assert [(h.label, h.basis, h.rule) for h in chain.hops] == [
        ("uses structure", "stated", None), ("derived from data", "stated", None)]
    assert chain.hops[0].as_dict()["label"] == "uses structure"
    assert chain.hops[0].as_dict()["basis"] == "stated"


def test_a_work_without_evidence_edges_is_a_chain_of_its_root(sample: Store) -> None:
    chain = evidence_chain(sample, "10.5555/kg-sample.data")
    assert [n.iri for n in chain.nodes] == [D] and chain.hops == ()
    assert chain.nodes[0].work.kind == "Dataset" and chain.nodes[0].work.year == 2019
    assert [p.nodes for p in paths(chain)] == [(D,)]


def test_depth_0_gives_the_root_alone(sample: Store) -> None:
    chain = evidence_chain(sample, NamedNode(A0), max_depth=0)
    assert [n.iri for n in chain.nodes] == [A0] and chain.hops == ()
    assert not chain.nodes[0].expanded


def test_the_fanout_cap_keeps_data_first_and_reports_truncation(sample: Store) -> None:
    chain = evidence_chain(sample, "10.5555/kg-sample.p3", fanout=1)
    assert chain.truncated
    assert [n.iri for n in chain.nodes] == [P3, D]
    assert [(h.to, h.evidence) for h in chain.hops] == [(D, "kg:reliesOnData"), (D, "cito:cites")]


def test_chain_exports_as_node_link_json_and_graphml(sample: Store) -> None:
    chain = evidence_chain(sample, "10.1038/s41598-021-81251-2")
    data = to_node_link(chain)
    back = nx.node_link_graph(json.loads(json.dumps(data)), edges="links")
    assert list(back.edges) == [(A0, ENTRY), (ENTRY, RAW)]
    assert back.nodes[ENTRY]["identifiers"] == {"doi": "10.2210/pdb6gv0/pdb", "pdb": "6GV0"}
    assert back.edges[ENTRY, RAW]["hops"][0]["assertions"][0]["source"] == "pdbe"
    out = io.BytesIO()
    to_graphml(chain, out)
    read = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert read.edges[A0, ENTRY]["relations"] == "kg:isSupplementTo"
    assert read.edges[ENTRY, RAW]["graphs"] == GRAPH + "pdbe/6gv0/related_experiment_data"
    assert read.nodes[RAW]["kind"] == "Dataset" and read.graph["root"] == A0


def test_chain_as_dict_is_json_ready(sample: Store) -> None:
    d = evidence_chain(sample, "10.5555/kg-sample.p3").as_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["hops"][0]["from"] == P3 and d["hops"][0]["relations"] == [
        {"property": "kg:isSupplementedBy", "subject": P3, "object": D}]


# ---------------------------------------------------------------- bad input and cycles


def test_unknown_identifier_raises_not_found(sample: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.5555/absent; load"):
        evidence_chain(sample, "10.5555/absent")


def test_malformed_identifier_raises_identifier_error(sample: Store) -> None:
    with pytest.raises(IdentifierError, match=r"not a valid"):
        evidence_chain(sample, "11.1/not-a-doi")


def test_negative_depth_is_refused(sample: Store) -> None:
    with pytest.raises(ValueError, match=r"max_depth and fanout must be 0 or more, not -1"):
        evidence_chain(sample, A0, max_depth=-1)


def _record(source: str, about: str, triples: list[tuple[str, NamedNode, str]]) -> RecordGraph:
    graph = NamedNode(f"{GRAPH}{source}/{about.removeprefix('https://doi.org/')}")
    quads = [Quad(NamedNode(s), p, NamedNode(o), graph) for s, p, o in triples]
    quads.append(Quad(NamedNode(about), SCHEMA.name, NamedNode(about), graph))
    return RecordGraph(graph, quads, GraphMeta(source, about, NamedNode(about), "file:///test.json",
                                               datetime(2024, 1, 2, tzinfo=UTC)))


def test_an_evidence_cycle_and_a_self_reliance_terminate() -> None:
    a, b = doi("10.5555/cycle.a"), doi("10.5555/cycle.b")
    store = Store.open(None)
    store.write([_record("crossref", a, [(a, KG.reliesOnData, b), (a, KG.reliesOnData, a)]),
                 _record("crossref", b, [(b, KG.reliesOnData, a)])])
    chain = evidence_chain(store, a, max_depth=10)
    assert [n.iri for n in chain.nodes] == [a, b]
    assert [(h.from_, h.to, h.depth) for h in chain.hops] == [(a, b, 1), (b, a, 2)]
    assert chain.hops[1].assertions[0].graph == f"{GRAPH}crossref/10.5555/cycle.b"
    assert chain.hops[1].assertions[0].retrieved.startswith("2024-01-02T00:00:00")
    assert [p.nodes for p in paths(chain)] == [(a, b)]


def test_a_hop_asserted_by_two_graphs_lists_both() -> None:
    a, d = doi("10.5555/two.a"), doi("10.5555/two.d")
    store = Store.open(None)
    store.write([_record("crossref", a, [(a, KG.isSupplementedBy, d), (a, KG.reliesOnData, d)]),
                 _record("datacite", d, [(d, KG.isSupplementTo, a), (a, KG.reliesOnData, d)])])
    (hop,) = evidence_chain(store, a).hops
    assert [(x.source, x.relations) for x in hop.assertions] == [
        ("crossref", (StatedRelation("kg:isSupplementedBy", a, d),)),
        ("datacite", (StatedRelation("kg:isSupplementTo", d, a),))]
    assert hop.sources == ("crossref", "datacite")
    assert META_GRAPH not in {x.graph for x in hop.assertions}


# ---------------------------------------------------------------- the real corpus


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA} (kept beside the project, not in a fresh clone)")
    s = Store.open(None)
    folders = [REALDATA / f for f in ("crossref/works", "datacite/dois", "zenodo", "pdbe")]
    report = load(s, read_paths(folders))
    assert report.loaded > 100
    return s


@pytest.mark.realdata
def test_the_elife_article_relies_on_its_dryad_data(corpus: Store) -> None:
    chain = evidence_chain(corpus, "10.7554/eLife.01567", max_depth=1)
    first = chain.hops[0]
    assert (first.to, first.evidence, first.role) == (doi("10.5061/dryad.b835k"), "kg:reliesOnData", "data")
    assert [(a.graph, a.source) for a in first.assertions] == [(GRAPH + "crossref/10.7554/elife.01567", "crossref")]
    assert first.relations == (StatedRelation("kg:isSupplementedBy", doi("10.7554/elife.01567"),
                                              doi("10.5061/dryad.b835k")),)
    # then the 10 strongest of its 27 references, plain citations; all 27 when asked
    assert [h.role for h in chain.hops[1:]] == ["citation"] * 10
    assert chain.nodes[0].citation_note == "cites 27 works (the 10 strongest shown)"
    every = evidence_chain(corpus, "10.7554/eLife.01567", max_depth=1, all_citations=True)
    assert [h.role for h in every.hops[1:]] == ["citation"] * 27


@pytest.mark.realdata
def test_every_record_of_the_corpus_has_a_consistent_chain_at_depth_2(corpus: Store) -> None:
    works = [w for (w,) in corpus.select(
        f"SELECT DISTINCT ?w WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <http://schema.org/about> ?w }} }}").values()]
    assert len(works) > 100
    with_hops = 0
    for work in works:
        assert work is not None
        chain = evidence_chain(corpus, work, max_depth=2)
        iris = [n.iri for n in chain.nodes]
        assert iris[0] == work and len(set(iris)) == len(iris)
        assert all(h.from_ in iris and h.to in iris and h.from_ != h.to for h in chain.hops), work
        assert all(h.assertions for h in chain.hops), work
        assert all(n.depth <= 2 for n in chain.nodes), work
        assert paths(chain), work
        with_hops += bool(chain.hops)
    assert with_hops > 20


def test_a_work_first_met_as_a_citation_is_expanded_when_evidence_reaches_it() -> None:
    a, d, x, raw = (doi(f"10.5555/met.{n}") for n in ("a", "d", "x", "raw"))
    store = Store.open(None)
    store.write([_record("crossref", a, [(a, CITO.cites, x), (a, KG.reliesOnData, d)]),
                 _record("datacite", d, [(d, KG.reliesOnData, x)]),
                 _record("datacite", x, [(x, KG.reliesOnData, raw)])])
    chain = evidence_chain(store, a)
    assert [(h.from_, h.to, h.role, h.depth) for h in chain.hops] == [
        (a, d, "data", 1), (a, x, "citation", 1), (d, x, "data", 2), (x, raw, "data", 3)]
    assert chain.node(x).expanded and chain.node(x).depth == 1


@pytest.mark.skipif(not REALDATA.is_dir(), reason="no ../shared/realdata")
def test_the_citations_listed_at_the_cut_are_the_newest_as_the_references_date_them() -> None:
    """eLife's chain lists 10 of its 27 citations, none of the cited works with a record: all tied, they went by
    IRI (the 1989 and 1995 references listed, the 2013 ones left out), though "then the most recent" is the rule.
    The year the article's own reference gives each now breaks the tie."""
    message, years, store = reference_years("10.7554_elife.01567")
    chain = evidence_chain(store, message["DOI"])
    listed = [h.to for h in chain.hops if h.is_citation]
    assert len(years) > len(listed) == chain.citation_limit == 10
    assert listed == sorted(years, key=lambda w: (-years[w], w))[:10]
