"""What the tests of kg/store/ share: record graphs of a test source, reading back what a store holds, and a
real Virtuoso beside an embedded store holding the same samples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.ids import META_GRAPH, doi_iri, graph_iri, normalize_doi
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import KG, PROV, XSD
from loaders.pipeline import load
from loaders.read import read_paths

META = NamedNode(META_GRAPH)
RETRIEVED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
SICI_DOI = "10.1002/(SICI)1097-4636(199605)31:1<1::AID-JBM1>3.0.CO;2-R"
ODD_DOI = "10.1000/a{b}|c^d\\e"
LONG_TEXT = "".join(chr(0x61 + i % 26) for i in range(99_990)) + " — the end"

ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
META_OF = f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }}"


def work(doi: str) -> NamedNode:
    return NamedNode(doi_iri(doi))


def record(doi: str, *properties: tuple[NamedNode, Literal | NamedNode],
           retrieved: datetime = RETRIEVED, derived_from: str | None = None,
           modified: datetime | None = None) -> RecordGraph:
    """The record graph of a test source describing the work ``doi`` with ``properties``, last
    changed at its source at ``modified``."""
    key = normalize_doi(doi)
    graph = NamedNode(graph_iri("test", key))
    subject = work(doi)
    origin = derived_from or "https://api.example.org/works/" + doi_iri(doi).removeprefix("https://doi.org/")
    return RecordGraph(graph, [Quad(subject, p, o, graph) for p, o in properties],
                       GraphMeta("test", key, subject, origin, retrieved, modified))


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


def source_modified(store: Store, graph: NamedNode) -> datetime | None:
    """The stored ``kg:sourceModified`` of ``graph``, None when it has none."""
    stamps = objects(meta_of(store, graph), KG.sourceModified)
    if not stamps:
        return None
    (stamp,) = stamps
    assert isinstance(stamp, Literal)
    assert stamp.datatype == XSD.dateTime
    return datetime.fromisoformat(stamp.value)


@pytest.fixture(scope="module")
def stores(virtuoso_server: str) -> Iterator[tuple[Store, Store]]:
    """A real Virtuoso and an embedded store, both holding the samples and asking their stores (no metrics
    summary): the pair the Virtuoso comparisons ask alike."""
    from tests.kg.store.test_virtuoso import SAMPLES, clear  # it reads this module's record graphs

    virtuoso, embedded = Store.open(virtuoso_server), Store.open(None)
    clear(virtuoso)
    for store in (virtuoso, embedded):
        assert load(store, read_paths([SAMPLES])).rejected == 0
    for store in (virtuoso, embedded):  # both ask the store
        store.metrics_summary.mark_stale()
        assert store.complete_summary() is None
    yield virtuoso, embedded
    clear(virtuoso)
