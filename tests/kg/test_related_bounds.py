"""The bounds that keep related items of a much-cited work as cheap as of a little-cited one: co-citation
read over a sample of the item's citers, and at most CANDIDATES candidates ranked (docs/data-model.md)."""

from __future__ import annotations

import pytest

from kg.related import CANDIDATES, CO_CITATION_SAMPLE, related_items
from kg.store import Store

CITES = "<http://purl.org/spar/cito/cites>"


def _graph(triples: list[str]) -> Store:
    s = Store.open(None)
    s.update("INSERT DATA { GRAPH <https://example.org/g> { " + " ".join(triples) + " } }")
    return s


def _doi(name: str) -> str:
    return f"<https://doi.org/10.1/{name}>"


@pytest.fixture(scope="module")
def much_cited() -> Store:
    """10.1/item cited by CO_CITATION_SAMPLE + 5 works c00, c01, ...: the first CO_CITATION_SAMPLE by IRI
    also cite 10.1/x, the 5 after them 10.1/y."""
    triples = []
    for i in range(CO_CITATION_SAMPLE + 5):
        triples += [f"{_doi(f'c{i:02}')} {CITES} {_doi('item')} .",
                    f"{_doi(f'c{i:02}')} {CITES} {_doi('x' if i < CO_CITATION_SAMPLE else 'y')} ."]
    return _graph(triples)


def test_co_citation_is_counted_among_the_first_citers_by_iri_and_scaled_to_all_of_them(much_cited: Store) -> None:
    found = {r.item.iri.removeprefix("https://doi.org/"): r for r in related_items(much_cited, "10.1/item", 50)}
    co = [x for x in found["10.1/x"].reasons if x.kind == "co-citation"]
    assert [(x.text, x.count) for x in co] == [(f"cited together by {CO_CITATION_SAMPLE} works", CO_CITATION_SAMPLE)]
    assert co[0].shared == tuple(f"https://doi.org/10.1/c{i:02}" for i in range(CO_CITATION_SAMPLE))
    # 10 of the 15 citers sampled: 10 co-citing works stand for 15, all of x's citers and all of the item's
    assert co[0].strength == 1.0
    # y is cited only by works after the sample: not co-cited, as far as related items read
    assert "10.1/y" not in found
    # every citer is still a related item ("cites it"): 15 candidates are under the cap
    assert {f"10.1/c{i:02}" for i in range(CO_CITATION_SAMPLE + 5)} <= set(found)


@pytest.fixture(scope="module")
def many_candidates() -> Store:
    """10.1/item cited by CANDIDATES + 5 works w000, w001, ...; the last of them by IRI is itself cited by 3 works,
    and 10.1/data is a stated supplement of the item."""
    n = CANDIDATES + 5
    triples = [f"{_doi(f'w{i:03}')} {CITES} {_doi('item')} ." for i in range(n)]
    triples += [f"{_doi(f'fan{i}')} {CITES} {_doi(f'w{n - 1:03}')} ." for i in range(3)]
    triples += [f"{_doi('data')} <https://w3id.org/evidence-kg/ns#isSupplementTo> {_doi('item')} ."]
    return _graph(triples)


def test_past_the_cap_the_candidates_ranked_are_the_strongest_by_their_reasons_then_by_iri(
        many_candidates: Store) -> None:
    last = f"10.1/w{CANDIDATES + 4:03}"
    top = [r.item.iri.removeprefix("https://doi.org/") for r in related_items(many_candidates, "10.1/item", 20)]
    # the evidence link always survives the cap; of the plain citers, the first CANDIDATES - 1 by IRI are ranked,
    # so the most cited citer, last by IRI, is not among them
    assert top[0] == "10.1/data" and len(top) == 20
    assert last not in top
    assert top[1:] == [f"10.1/w{i:03}" for i in range(19)]


def test_a_limit_past_the_cap_ranks_every_candidate(many_candidates: Store) -> None:
    found = related_items(many_candidates, "10.1/item", CANDIDATES)  # keeps 5 x the limit: no cap here
    names = [r.item.iri.removeprefix("https://doi.org/") for r in found]
    # the most cited citer ranks first among the plain citers (ties: citations in the graph)
    assert names[:2] == ["10.1/data", f"10.1/w{CANDIDATES + 4:03}"]


@pytest.fixture(scope="module")
def long_references() -> Store:
    """10.1/item cited by CO_CITATION_SAMPLE works c0, c1, ...; besides, they cite CANDIDATES + 50 works r000,
    r001, ...: r<j> by the first (j % CO_CITATION_SAMPLE) + 1 of them, so the sample names more co-cited works
    than are ranked."""
    triples = [f"{_doi(f'c{i}')} {CITES} {_doi('item')} ." for i in range(CO_CITATION_SAMPLE)]
    triples += [f"{_doi(f'c{i}')} {CITES} {_doi(f'r{j:03}')} ." for j in range(CANDIDATES + 50)
                for i in range(j % CO_CITATION_SAMPLE + 1)]
    return _graph(triples)


def test_of_many_co_cited_works_the_most_co_cited_are_ranked_as_with_every_one_read(long_references: Store) -> None:
    top = related_items(long_references, "10.1/item", 20)
    # with a limit this large nothing is cut: the same first 20
    assert [r.as_dict() for r in top] == [r.as_dict() for r in related_items(long_references, "10.1/item", 1000)[:20]]
    names = [r.item.iri.removeprefix("https://doi.org/") for r in top]
    most = [f"10.1/r{j:03}" for j in range(CANDIDATES + 50) if j % CO_CITATION_SAMPLE == CO_CITATION_SAMPLE - 1]
    next_most = [f"10.1/r{j:03}" for j in range(CANDIDATES + 50) if j % CO_CITATION_SAMPLE == CO_CITATION_SAMPLE - 2]
    assert names == [*most, *next_most][:20]
