"""Related items read from the metrics summary (an embedded store keeping it complete) answer exactly as
when every read is asked of the store (a remote store, a summary not built): on the sample graph, on the
real corpus and on a much-cited work past the bounds (kg.related_reads)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, Quad

from kg.related import CANDIDATES, CO_CITATION_SAMPLE, related_items
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import CITO, KG, RDF
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
CITES = "http://purl.org/spar/cito/cites"
HAS_VERSION = "https://w3id.org/evidence-kg/ns#hasVersion"
DOI = "https://doi.org/10.1/"


def _works(store: Store, limit: int) -> list[str]:
    """Works with a record, works cited, citing and versioned: the first ``limit`` of each, by IRI."""
    found: list[str] = []
    for pattern in ("GRAPH <https://w3id.org/evidence-kg/graph/meta> { ?g <http://schema.org/about> ?w }",
                    f"?x <{CITES}> ?w", f"?w <{CITES}> ?x", f"?x <{HAS_VERSION}> ?w", f"?w <{HAS_VERSION}> ?x"):
        rows = store.select(f"SELECT DISTINCT ?w WHERE {{ {pattern} FILTER(STRSTARTS(STR(?w), 'http')) }} "
                            f"ORDER BY ?w LIMIT {limit}")
        found += [w for (w,) in rows.values() if w is not None]
    return list(dict.fromkeys(found))


def _answers(store: Store, works: list[str], limit: int = 1000) -> dict[str, list[dict[str, object]]]:
    return {w: [r.as_dict() for r in related_items(store, NamedNode(w), limit)] for w in works}


def _same_without_summary(store: Store, works: list[str], monkeypatch: pytest.MonkeyPatch, limit: int = 1000) -> None:
    assert store.complete_summary() is not None, "the summary path is not taken"
    from_summary = _answers(store, works, limit)
    with monkeypatch.context() as m:
        m.setattr(store, "complete_summary", lambda: None)  # every read asked of the store, as on a remote one
        assert _answers(store, works, limit) == from_summary
    assert any(from_summary.values())


def test_the_sample_graph_answers_the_same_from_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(None)
    load(store, read_paths([ROOT / "samples"]))
    _same_without_summary(store, _works(store, 1000), monkeypatch)


@pytest.mark.realdata
def test_the_real_corpus_answers_the_same_from_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    store = Store.open(None)
    load(store, read_paths([REALDATA / "crossref", REALDATA / "datacite", REALDATA / "zenodo"]))
    _same_without_summary(store, _works(store, 40), monkeypatch)


def test_a_much_cited_work_past_the_bounds_answers_the_same_from_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """More citers than the co-citation sample and more candidates than are ranked, written as records
    (so the summary is kept): the bounds cut the same way on both paths."""
    store = Store.open(None)
    records = [_record(f"c{i:03}", ["item", f"r{i % 7}"]) for i in range(CANDIDATES + CO_CITATION_SAMPLE)]
    store.write([*records, _record("item", ["r0", "r1", "r2"])])  # the store's write keeps the summary
    _same_without_summary(store, [f"{DOI}item", f"{DOI}r1", f"{DOI}c005"], monkeypatch, limit=20)


def test_a_sample_citing_more_works_than_are_ranked_answers_the_same_from_the_summary(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(None)
    refs = [f"r{j:03}" for j in range(CANDIDATES + 50)]
    store.write([_record(f"c{i}", ["item", *(r for j, r in enumerate(refs) if i <= j % CO_CITATION_SAMPLE)])
                 for i in range(CO_CITATION_SAMPLE)])
    _same_without_summary(store, [f"{DOI}item"], monkeypatch, limit=20)


def _record(name: str, cited: list[str]) -> RecordGraph:
    """A record about 10.1/name citing 10.1/each of ``cited``."""
    graph, about = NamedNode(f"https://w3id.org/evidence-kg/graph/crossref/10.1/{name}"), NamedNode(DOI + name)
    quads = [Quad(about, CITO.cites, NamedNode(DOI + c), graph) for c in cited]
    return RecordGraph(graph, quads, GraphMeta("crossref", DOI + name, about, "file:///test.json",
                                               datetime(2024, 1, 2, tzinfo=UTC)))


_POOL = [f"r{j:03}" for j in range(CANDIDATES + 30)]


@st.composite
def _similar_graphs(draw: st.DrawFn) -> tuple[list[RecordGraph], list[str]]:
    """Records past the bounds for coupling and co-citation together: the item citing a few of a pool of
    works, more citers of it than are sampled and other works, each citing any of the pool (more works
    coupled and co-cited than are ranked, many tied); some of the pool versions of a concept."""
    refs = st.lists(st.sampled_from(_POOL), min_size=1, max_size=30, unique=True)
    item = draw(st.lists(st.sampled_from(_POOL), min_size=1, max_size=6, unique=True))
    citers = draw(st.lists(refs, min_size=CO_CITATION_SAMPLE + 1, max_size=CO_CITATION_SAMPLE + 3))
    others = draw(st.lists(refs, min_size=CANDIDATES - 20, max_size=CANDIDATES + 10))
    versions = draw(st.lists(st.sampled_from(_POOL), max_size=4, unique=True))
    records = [_record("item", item), *(_record(f"c{i:02}", ["item", *r]) for i, r in enumerate(citers)),
               *(_record(f"o{i:03}", r) for i, r in enumerate(others))]
    if versions:
        graph, concept = NamedNode("https://w3id.org/evidence-kg/graph/zenodo/10.1/k"), NamedNode(DOI + "k")
        quads = [Quad(concept, RDF.type, KG.Concept, graph),
                 *(Quad(concept, KG.hasVersion, NamedNode(DOI + v), graph) for v in versions)]
        records.append(RecordGraph(graph, quads, GraphMeta("zenodo", DOI + "k", concept, "file:///test.json",
                                                          datetime(2024, 1, 2, tzinfo=UTC))))
    return records, [f"{DOI}item", f"{DOI}{item[0]}", f"{DOI}c00"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_similar_graphs())
def test_coupling_and_co_citation_cut_together_answer_as_with_every_candidate_read(
        graph: tuple[list[RecordGraph], list[str]]) -> None:
    """The summary path counts coupling and co-citation by term id and reads as text only the candidates
    it keeps (kg.store.summary_similar): the first 20 are those of the store path and of a limit that
    cuts nothing."""
    records, works = graph
    store = Store.open(None)
    store.write(records)
    assert store.complete_summary() is not None, "the summary path is not taken"
    for work in works:
        top = [r.as_dict() for r in related_items(store, NamedNode(work), 20)]
        assert top == [r.as_dict() for r in related_items(store, NamedNode(work), 1000)[:20]], work
        with patch.object(store, "complete_summary", lambda: None):
            assert [r.as_dict() for r in related_items(store, NamedNode(work), 20)] == top, work


def test_more_coupled_works_than_are_ranked_are_cut_with_the_co_cited_ones_as_with_every_one_read() -> None:
    """The item cites r0-r4; CANDIDATES + 50 works o<i> cite all five (coupled by 5, tied: the least IRIs
    are ranked), and its citers co-cite CANDIDATES + 20 works w<j> two by two (co-cited by 2): the works
    kept for ranking are the strongest by both counts together, on the summary path as on the store's."""
    refs = [f"r{j}" for j in range(5)]
    store = Store.open(None)
    store.write([_record("item", refs), *(_record(f"o{i:03}", refs) for i in range(CANDIDATES + 50)),
                 *(_record(f"c{i:02}", ["item", *(f"w{j:03}" for j in range(CANDIDATES + 20) if j // 2 % 6 == i // 2)])
                   for i in range(12))])
    top = [r.as_dict() for r in related_items(store, NamedNode(f"{DOI}item"), 20)]
    assert top == [r.as_dict() for r in related_items(store, NamedNode(f"{DOI}item"), 1000)[:20]]
    with patch.object(store, "complete_summary", lambda: None):
        assert [r.as_dict() for r in related_items(store, NamedNode(f"{DOI}item"), 20)] == top
    coupled = [r["item"]["iri"] for r in top if any(x["kind"] == "coupling" for x in r["reasons"])]  # type: ignore[index, union-attr, attr-defined]
    assert coupled[:3] == [f"{DOI}o000", f"{DOI}o001", f"{DOI}o002"]
