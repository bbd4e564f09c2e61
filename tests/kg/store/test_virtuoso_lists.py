"""Catalogue queries given long lists of terms on a real Virtuoso: a ``VALUES`` of more than about 4,000
terms is refused (``SP030 ... Too many arguments for standard built-in function in operator()``), so each
family of list-taking reads (work summaries and names, standings, cited-as years, related items' reads,
chains' hops, metrics, the GraphQL batch loaders, claims) binds its list a chunk a query
(``kg.store.limits.select_chunked``). Each test gives the sample works with 5,000 works the graph does not
hold, and wants the embedded store's answer (each of them fails with SP030 without the chunks)."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from kg import related_reads
from kg.batches import RecordFetches
from kg.chains import _next_hops
from kg.cited_years import cited_years
from kg.metrics import counting, item
from kg.queries import load_query
from kg.standing import standings
from kg.store import META, Store
from kg.store.limits import VALUES_CHUNK
from kg.tracing.stored import claims_about
from kg.vocab import relations
from kg.works import names, summaries
from tests.kg.store.test_virtuoso import OURS

#: more than Virtuoso takes in one VALUES (it took 4,000 and refused 4,268 and 5,000)
MISSING = 5000


@pytest.fixture(scope="module")
def many(stores: tuple[Store, Store]) -> list[str]:
    """Every work of the samples, then 5,000 the graph does not hold."""
    works = sorted(w.value for (w,) in stores[1].select("SELECT DISTINCT ?w WHERE { GRAPH ?g { ?w a ?c } }").rows
                   if isinstance(w, NamedNode))
    assert len(works) > 20
    return works + [f"https://doi.org/10.5555/kg-none.{i}" for i in range(MISSING)]


def test_a_list_of_more_than_a_chunk_is_asked_a_chunk_a_query(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, _ = stores
    before = virtuoso.query_count
    names(virtuoso, many)
    assert virtuoso.query_count - before == -(-len(many) // VALUES_CHUNK)


def test_summaries_names_and_standings_of_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    nodes = [NamedNode(w) for w in many]
    here = summaries(embedded, nodes)  # work_summaries, work_cited_as_references (the nameless ones)
    assert sum(s.name is not None for s in here.values()) > 10
    assert summaries(virtuoso, nodes) == here
    assert names(virtuoso, many) == names(embedded, many)  # node_names
    standing = standings(embedded, nodes)  # work_standing
    assert standings(virtuoso, nodes) == standing


def test_cited_as_years_of_thousands_of_references(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    refs = {"https://doi.org/10.5555/kg-none.x": many}  # cited_years.rq over 5,000 references
    assert cited_years(virtuoso, refs, {}) == cited_years(embedded, refs, {})


def test_related_items_reads_of_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    here = related_reads.citing_works(embedded, None, many)  # related_citing_works
    assert here
    assert related_reads.citing_works(virtuoso, None, many) == here
    kinds = [r.iri for r in relations()]
    rows = related_reads.direct_links(embedded, None, many, kinds)  # related_direct_links
    assert rows

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(sorted(row.items()))

    assert sorted(related_reads.direct_links(virtuoso, None, many, kinds), key=key) == sorted(rows, key=key)


def test_chain_hops_from_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    frontier, query = [NamedNode(w) for w in many], load_query("evidence_hops").text
    here = _next_hops(embedded, query, frontier, 1)  # evidence_hops, graph_provenance
    assert here
    assert sorted(map(repr, _next_hops(virtuoso, query, frontier, 1))) == sorted(map(repr, here))


def test_metrics_of_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    nodes = [NamedNode(w) for w in many]
    for read, args in [(counting.specific_classes, many), (counting.version_scopes, nodes),
                       (counting.citing_works, many), (counting.incoming, many), (item.usage, many),
                       (item.reported_counts, many)]:
        here = read(embedded, args)  # type: ignore[operator]
        assert read(virtuoso, args) == here, read  # type: ignore[operator]


def test_graphql_batch_loaders_of_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    there, here = RecordFetches(virtuoso), RecordFetches(embedded)
    for fetch in ("works", "creators", "funding", "links", "agents", "metrics", "claims", "names"):
        found = getattr(here, fetch)(many)
        assert any(found) or fetch == "claims", fetch  # the samples hold no claims: the query is asked all the same
        assert getattr(there, fetch)(many) == found, fetch


def test_claims_about_thousands_of_works(stores: tuple[Store, Store], many: list[str]) -> None:
    virtuoso, embedded = stores
    assert claims_about(virtuoso, many) == claims_about(embedded, many)  # claims_about_works


def test_the_stored_versions_of_thousands_of_graphs(stores: tuple[Store, Store]) -> None:
    # kg load --batch-size 5000 asks the versions of a batch's record graphs before writing it
    virtuoso, embedded = stores
    graphs = [g for (g,) in embedded.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH {META} {{ ?g ?p ?o }} }}").rows
              if isinstance(g, NamedNode)]
    assert len(graphs) >= 20
    many = graphs + [NamedNode(f"{OURS}none/{i}") for i in range(MISSING)]
    here = embedded.content_hashes(many)  # (each store has the times of its own load)
    assert len(here) == len(graphs)
    assert virtuoso.content_hashes(many) == here
