"""Inferred evidence hops (kg/chains/inferred.py): plain citations of data repositories' DOIs, on
hand-made records and over the real corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pyoxigraph import NamedNode, Quad

from kg import ids
from kg.chains import evidence_chain
from kg.repositories import repository
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import CITO, KG, RDF, SCHEMA
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.test_evidence_corpus import FOLDERS, REALDATA, _records, stated_evidence

GRAPH = "https://w3id.org/evidence-kg/graph/"


def doi(suffix: str) -> str:
    return f"https://doi.org/{suffix}"


A, SOFTWARE, PAPER = doi("10.5555/inf.a"), doi("10.5555/inf.software"), doi("10.5555/inf.paper")
DRYAD, DRYAD_STATED, RAW = doi("10.5061/dryad.inf1"), doi("10.5061/dryad.inf2"), doi("10.5555/inf.raw")
ZENODO_ARTICLE, ZENODO_DATA, ZENODO_UNKNOWN = (doi(f"10.5281/zenodo.{n}") for n in ("inf-article", "inf-data",
                                                                                     "inf-unknown"))
ZENODO_SOFTWARE, PDB = doi("10.5281/zenodo.inf-software"), doi("10.2210/pdb9inf/pdb")


def _record(source: str, about: str, triples: list[tuple[str, NamedNode, NamedNode]]) -> RecordGraph:
    graph = NamedNode(f"{GRAPH}{source}/{about.removeprefix('https://doi.org/')}")
    quads = [Quad(NamedNode(s), p, o, graph) for s, p, o in triples]
    return RecordGraph(graph, quads, GraphMeta(source, about, NamedNode(about), "file:///test.json",
                                               datetime(2024, 1, 2, tzinfo=UTC)))


def _cites(target: str) -> tuple[str, NamedNode, NamedNode]:
    return (A, CITO.cites, NamedNode(target))


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.open(None)
    s.write([
        _record("crossref", A, [(A, RDF.type, SCHEMA.ScholarlyArticle), (A, KG.reliesOnSoftware, NamedNode(SOFTWARE)),
                                (A, KG.reliesOnData, NamedNode(DRYAD_STATED)),
                                *(_cites(t) for t in (PAPER, DRYAD, DRYAD_STATED, ZENODO_ARTICLE, ZENODO_DATA,
                                                      ZENODO_UNKNOWN, ZENODO_SOFTWARE, PDB))]),
        _record("datacite", DRYAD, [(DRYAD, RDF.type, SCHEMA.Dataset), (DRYAD, KG.reliesOnData, NamedNode(RAW))]),
        _record("zenodo", ZENODO_ARTICLE, [(ZENODO_ARTICLE, RDF.type, SCHEMA.ScholarlyArticle)]),
        _record("datacite", ZENODO_DATA, [(ZENODO_DATA, RDF.type, SCHEMA.Dataset)]),
        _record("zenodo", ZENODO_SOFTWARE, [(ZENODO_SOFTWARE, RDF.type, SCHEMA.SoftwareSourceCode)]),
    ])
    return s


def test_a_citation_of_a_dryad_doi_is_an_inferred_data_hop_named_by_its_rule(store: Store) -> None:
    hop = next(h for h in evidence_chain(store, A).hops_from(A) if h.to == DRYAD)
    assert (hop.evidence, hop.role, hop.basis, hop.rule, hop.label) == (
        "cito:cites", "data", "inferred", "repository-prefix:10.5061", "cites data (inferred: Dryad DOI)")
    # the citation itself is stated: the graph asserting it is kept
    assert [a.graph for a in hop.assertions] == [f"{GRAPH}crossref/10.5555/inf.a"]
    assert hop.as_dict()["basis"] == "inferred" and hop.as_dict()["rule"] == "repository-prefix:10.5061"


def test_inferred_hops_come_after_the_stated_ones_and_before_the_plain_citations(store: Store) -> None:
    chain = evidence_chain(store, A, max_depth=1, all_citations=True)
    assert [(h.to, h.role, h.basis, h.rule) for h in chain.hops] == [
        (DRYAD_STATED, "data", "stated", None),
        (SOFTWARE, "software", "stated", None),
        (DRYAD, "data", "inferred", "repository-prefix:10.5061"),
        (ZENODO_DATA, "data", "inferred", "repository-prefix:10.5281"),
        (PDB, "data", "inferred", "repository-prefix:10.2210"),
        (ZENODO_UNKNOWN, "data", "inferred", "repository-prefix:10.5281"),
        (ZENODO_SOFTWARE, "software", "inferred", "repository-prefix:10.5281"),
        (ZENODO_ARTICLE, "citation", "stated", None),  # with a record of its own: the strongest
        (DRYAD_STATED, "citation", "stated", None),
        (PAPER, "citation", "stated", None),
    ]
    labels = {h.to: h.label for h in chain.hops if h.basis == "inferred"}
    assert labels == {DRYAD: "cites data (inferred: Dryad DOI)",
                      ZENODO_DATA: "cites data (inferred: Zenodo DOI typed data)",
                      PDB: "cites structure (inferred: Protein Data Bank (wwPDB) DOI)",
                      ZENODO_UNKNOWN: "cites data (inferred: Zenodo DOI; no record says what it is)",
                      ZENODO_SOFTWARE: "cites software (inferred: Zenodo DOI typed software)"}
    # all 8 cited works are counted; the 5 inferred and the 3 plain ones are listed
    assert (chain.nodes[0].citations, chain.nodes[0].citations_listed) == (8, 8)


def test_a_zenodo_doi_a_record_types_as_an_article_is_a_plain_citation(store: Store) -> None:
    hops = [h for h in evidence_chain(store, A, all_citations=True).hops if h.to == ZENODO_ARTICLE]
    assert [(h.role, h.basis, h.rule, h.label) for h in hops] == [("citation", "stated", None, "cites")]


def test_a_stated_hop_is_never_duplicated_as_inferred(store: Store) -> None:
    hops = [h for h in evidence_chain(store, A, all_citations=True).hops if h.to == DRYAD_STATED]
    assert [(h.evidence, h.basis) for h in hops] == [("kg:reliesOnData", "stated"), ("cito:cites", "stated")]


def test_the_walk_goes_deeper_through_an_inferred_hop(store: Store) -> None:
    chain = evidence_chain(store, A)
    assert [(h.from_, h.to, h.depth, h.basis) for h in chain.hops if h.depth == 2] == [
        (DRYAD, RAW, 2, "stated")]
    assert chain.node(DRYAD).expanded and not chain.node(PAPER).expanded


def test_a_mixed_repository_doi_with_a_record_but_no_class_is_not_inferred() -> None:
    s = Store.open(None)
    untyped = doi("10.6084/m9.figshare.inf")
    s.write([_record("crossref", A, [_cites(untyped)]),
             _record("datacite", untyped, [(untyped, SCHEMA.name, NamedNode("https://example.org/x"))])])
    assert [(h.role, h.basis) for h in evidence_chain(s, A).hops] == [("citation", "stated")]


# ---------------------------------------------------------------- the real corpus


def _crossref_items(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or document.get("message-type") not in ("work", "work-list"):
        return []
    message = document["message"]
    items = message.get("items") or [] if document["message-type"] == "work-list" else [message]
    return [i for i in items if isinstance(i, dict) and i.get("DOI")]


def repository_citations() -> tuple[dict[tuple[str, str], str], set[str]]:
    """From the corpus JSON: (citing work, cited DOI IRI) -> what the cited prefix's repository holds,
    for every Crossref reference under a prefix of the table; and the DOIs the corpus has a record of."""
    cited: dict[tuple[str, str], str] = {}
    for path in sorted((REALDATA / "crossref").glob("works*/*.json")):
        for item in _crossref_items(json.loads(path.read_text("utf-8"))):
            work = ids.doi_iri(item["DOI"])
            for ref in item.get("reference") or []:
                repo = repository(ref["DOI"]) if isinstance(ref.get("DOI"), str) else None
                if repo is not None:
                    cited[(work, ids.doi_iri(ref["DOI"]))] = repo.holds
    recorded = {doi for folder in FOLDERS for path in sorted((REALDATA / folder).rglob("*.json"))
                for (_, doi), _ in _records(path) if doi}
    return cited, recorded


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA} (kept beside the project, not in a fresh clone)")
    s = Store.open(None)
    assert load(s, read_paths([REALDATA / f for f in ("crossref", "datacite", "zenodo", "pdbe")])).loaded > 1000
    return s


@pytest.mark.realdata
def test_every_crossref_citation_of_a_repository_doi_is_inferred_unless_stated(corpus: Store) -> None:
    cited, recorded = repository_citations()
    stated = stated_evidence()
    # one data citation (eLife's Dryad supplement, stated too), two of mixed repositories (OSF, Zenodo)
    assert sorted(cited.values()) == ["data", "mixed", "mixed"], cited
    checked = 0
    assert len(recorded) > 1000
    for (work, target), holds in sorted(cited.items()):
        hops = [h for h in evidence_chain(corpus, NamedNode(work), max_depth=1, all_citations=True).hops_from(work)
                if h.to == target]
        rule = f"repository-prefix:{target.removeprefix('https://doi.org/').split('/')[0]}"
        if target in stated.get(work, []):
            assert [h.basis for h in hops if not h.is_citation] == ["stated"], (work, target)
            assert not [h for h in hops if h.basis == "inferred"], (work, target)
        elif holds != "mixed" or target not in recorded:
            assert [(h.basis, h.rule, h.role) for h in hops] == [("inferred", rule, "data")], (work, target)
        else:
            continue
        checked += 1
    assert checked == 3
