"""Resolving identifiers to nodes and summarising works from every source."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.errors import IdentifierError, NotFoundError
from kg.store import Store
from kg.works import resolve, summaries
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.open(None)
    load(s, read_paths([SAMPLES]))
    return s


@pytest.mark.parametrize("text", ["10.1038/S41598-021-81251-2", "doi:10.1038/s41598-021-81251-2",
                                  "https://doi.org/10.1038/s41598-021-81251-2"])
def test_any_doi_form_resolves_to_the_node(store: Store, text: str) -> None:
    assert resolve(store, text) == NamedNode("https://doi.org/10.1038/s41598-021-81251-2")


@pytest.mark.parametrize("text", ["pmid:33462295", "PMID 33462295"])
def test_a_pubmed_id_resolves_to_the_work_carrying_it(store: Store, text: str) -> None:
    assert resolve(store, text) == NamedNode("https://doi.org/10.1038/s41598-021-81251-2")


def test_a_pubmed_id_no_work_carries_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named pmid:1\b"):
        resolve(store, "pmid:1")


def test_an_identifier_only_linked_to_resolves(store: Store) -> None:
    assert resolve(store, "10.5061/dryad.b835k") == NamedNode("https://doi.org/10.5061/dryad.b835k")


def test_unknown_and_malformed_identifiers_say_what_is_wrong(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.1/absent"):
        resolve(store, "10.1/absent")
    with pytest.raises(IdentifierError, match=r"not a valid"):
        resolve(store, "10.1/x> } ; DROP ALL #".replace("10.", "11."))
    with pytest.raises(IdentifierError, match=r"not a valid IRI: 'http://a b'"):
        resolve(store, "http://a b")


def test_summaries_gather_class_title_year_and_identifiers(store: Store) -> None:
    article, data = NamedNode("https://doi.org/10.1038/s41598-021-81251-2"), NamedNode("https://doi.org/10.5281/zenodo.4456817")
    found = summaries(store, [article, data])
    assert found[article.value].kind == "ScholarlyArticle" and found[article.value].year == 2021
    # the DOI from Crossref, the PubMed ID from PDBe's publications record of the same article
    assert found[article.value].identifiers == {"doi": "10.1038/s41598-021-81251-2", "pmid": "33462295"}
    assert found[data.value].kind == "Dataset"
    assert summaries(store, []) == {}
