"""Work lookups, their names and funding, related items and chains: the same answers on Virtuoso as on the
embedded store asking its own store (no metrics summary), through the shapes issue 18 gave their queries."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from kg.chains import evidence_chain
from kg.describe import describe
from kg.queries import load_query
from kg.related import related_items
from kg.store import Store
from kg.works import statuses, summaries
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.store.test_virtuoso import SAMPLES

WORKS = ["10.5555/kg-sample.data", "10.5555/kg-sample.tool.v1", "10.1038/s41598-021-81251-2",
         "10.5555/kg-sample.p3", "10.2210/pdb6gv0/pdb"]


def _described(store: Store, work: str) -> dict[str, object]:
    found = describe(store, work).as_dict()
    found.pop("records")  # when each was retrieved: the loads' own times
    return found


@pytest.mark.parametrize("work", WORKS)
def test_a_work_is_described_alike_on_virtuoso(stores: tuple[Store, Store], work: str) -> None:
    virtuoso, embedded = stores
    here = _described(embedded, work)
    assert here["links"] and here["statements"]
    assert _described(virtuoso, work) == here


def test_the_funding_of_a_work_is_read_alike_on_virtuoso(stores: tuple[Store, Store]) -> None:
    virtuoso, embedded = stores
    funding = describe(embedded, "10.5555/kg-sample.data").facts.funding
    assert funding and all(f.name for f in funding)
    assert describe(virtuoso, "10.5555/kg-sample.data").facts.funding == funding


@pytest.mark.parametrize("work", WORKS)
def test_related_items_and_chains_are_alike_on_virtuoso(stores: tuple[Store, Store], work: str) -> None:
    virtuoso, embedded = stores
    here = [r.as_dict() for r in related_items(embedded, work)]
    assert here
    assert [r.as_dict() for r in related_items(virtuoso, work)] == here
    assert evidence_chain(virtuoso, work, 4).as_dict() == evidence_chain(embedded, work, 4).as_dict()


def test_cited_as_names_are_read_alike_on_virtuoso(stores: tuple[Store, Store]) -> None:
    virtuoso, embedded = stores
    cited = [n for (n,) in embedded.select(
        "SELECT DISTINCT ?w WHERE { ?r <https://w3id.org/evidence-kg/ns#citedWork> ?w }").rows]
    here = {iri: (s.name, s.name_source, s.year, s.year_source) for iri, s in summaries(embedded, cited).items()}
    assert any(source.startswith("cited-as") for _, source, _, _ in here.values())
    assert any(source.startswith("cited-as") for _, _, _, source in here.values())
    assert {iri: (s.name, s.name_source, s.year, s.year_source)
            for iri, s in summaries(virtuoso, cited).items()} == here


def test_cited_as_names_and_years_are_read_alike_on_oxigraph_serve_binding_the_references_once(
        stores: tuple[Store, Store], oxigraph_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the titles and years of the sampled references come in one query: on Virtuoso each term bound costs
    # (~0.2 ms at 10M quads, whatever the query), and a lookup binds some 600 references
    _, embedded = stores
    served = Store.open(oxigraph_server)
    served.update("CLEAR ALL")
    assert load(served, read_paths([SAMPLES])).rejected == 0
    # the catalogue's queries are what is tested, not the metrics summary a load into an empty server keeps
    # (which earlier tests of the session's server leave stale, and a run of this test alone does not)
    served.summary_stale()
    cited = [n for (n,) in embedded.select(
        "SELECT DISTINCT ?w WHERE { ?r <https://w3id.org/evidence-kg/ns#citedWork> ?w }").rows]
    here = {iri: (s.name, s.name_source, s.year, s.year_source) for iri, s in summaries(embedded, cited).items()}
    asked: list[str] = []
    select = served.select
    monkeypatch.setattr(served, "select", lambda sparql, *a, **k: asked.append(sparql) or select(sparql, *a, **k))
    assert {iri: (s.name, s.name_source, s.year, s.year_source) for iri, s in summaries(served, cited).items()} == here
    assert any(load_query("work_cited_as_titles").text in q for q in asked)
    assert not any(load_query("cited_years").text in q for q in asked)
    served.update("CLEAR ALL")


def test_the_statuses_of_thousands_of_works_are_read_alike_on_virtuoso(stores: tuple[Store, Store]) -> None:
    # a much-cited work's citers (4,268 at 100M quads) in one VALUES: Virtuoso refused it (SP030 ... Too many
    # arguments); the list goes a chunk a query
    virtuoso, embedded = stores
    works = [w for (w,) in embedded.select("SELECT DISTINCT ?w WHERE { GRAPH ?g { ?w a ?c } }").rows
             if isinstance(w, NamedNode)]
    many = works + [NamedNode(f"https://doi.org/10.5555/kg-none.{i}") for i in range(5000)]
    here = statuses(embedded, many)
    assert statuses(virtuoso, many) == here
