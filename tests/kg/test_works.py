"""Resolving identifiers to nodes and summarising works from every source."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.errors import IdentifierError, NotFoundError
from kg.queries import load_query
from kg.store import Store
from kg.works import CITED_AS_SAMPLE, WorkSummary, resolve, summaries
from loaders.crossref import CrossrefLoader
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.conftest import raw

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


def test_a_work_only_cited_carries_the_doi_its_iri_names(store: Store) -> None:
    # the sample's eLife-like article cites a Dryad DOI no record describes: portals reading the JSON need
    # the DOI as an identifier, as a described work's is
    dryad = NamedNode("https://doi.org/10.5061/dryad.b835k")
    found = summaries(store, [dryad])[dryad.value]
    assert (found.title, found.identifiers) == (None, {"doi": "10.5061/dryad.b835k"})
    assert found.as_dict()["identifiers"] == {"doi": "10.5061/dryad.b835k"}


# ---------------------------------------------------------------- display names

def _citing(doi: str, *refs: dict[str, str], title: str | None = None) -> dict[str, object]:
    return {"DOI": doi, "type": "journal-article", **({"title": [title]} if title else {}), "reference": list(refs)}


@pytest.fixture(scope="module", params=["summary", "store"])
def citers(request: pytest.FixtureRequest) -> Store:
    """Works of our own citing each other, each wording its references its own way; names read from the
    metrics summary, or (summary stale) asked of the store: the same answers."""
    records = [
        _citing("10.5555/kg.a", {"DOI": "10.5555/kg.x", "article-title": "X as A saw it"},
                {"DOI": "10.5555/kg.tie", "article-title": "Short"},
                {"DOI": "10.5555/kg.own", "article-title": "Not its own title"},
                {"DOI": "10.5555/kg.parts", "author": "Brown", "year": "2005", "journal-title": "Nature",
                 "volume": "7", "first-page": "100"},
                {"DOI": "10.5555/kg.text", "unstructured": "Green A. 2010. Something said once."},
                {"DOI": "10.5555/kg.bare", "doi-asserted-by": "crossref"}),
        _citing("10.5555/kg.c", {"DOI": "10.5555/kg.x", "article-title": "X, as most cite it"},
                {"DOI": "10.5555/kg.tie", "article-title": "A longer title"}),
        _citing("10.5555/kg.b", {"DOI": "10.5555/kg.x", "article-title": "X, as most cite it"}),
        _citing("10.5555/kg.own", title="Its own title"),
        # a much-cited work: the first CITED_AS_SAMPLE references by IRI (citers s00-s09) word it one way,
        # the 15 after them another
        *(_citing(f"10.5555/kg.s{i:02}", {"DOI": "10.5555/kg.many",
                                          "article-title": "Sampled" if i < CITED_AS_SAMPLE else "Unsampled, more"})
          for i in range(CITED_AS_SAMPLE + 15)),
    ]
    s = Store.open(None)
    s.write([g for r in records if (g := CrossrefLoader.map(raw("crossref", r)).graph) is not None])
    if request.param == "store":
        s.metrics_summary.mark_stale()
        assert s.complete_summary() is None
    return s


def _names(store: Store, *dois: str) -> dict[str, tuple[str, str]]:
    found = summaries(store, [NamedNode(f"https://doi.org/{d}") for d in dois])
    return {iri.removeprefix("https://doi.org/"): (s.name, s.name_source) for iri, s in found.items()}


def test_a_work_with_a_record_is_named_by_its_own_title(citers: Store) -> None:
    assert _names(citers, "10.5555/kg.own") == {"10.5555/kg.own": ("Its own title", "record")}


def test_a_work_without_a_record_is_named_by_the_title_its_citers_give_it_most(citers: Store) -> None:
    found = summaries(citers, [NamedNode("https://doi.org/10.5555/kg.x")])["https://doi.org/10.5555/kg.x"]
    assert (found.title, found.name, found.name_source) == (None, "X, as most cite it", "cited-as by 10.5555/kg.b")
    assert found.as_dict()["name"] == "X, as most cite it"


def test_titles_cited_as_often_go_to_the_longest(citers: Store) -> None:
    assert _names(citers, "10.5555/kg.tie") == {"10.5555/kg.tie": ("A longer title", "cited-as by 10.5555/kg.c")}


def test_a_reference_without_a_title_names_it_by_its_parts_or_its_text(citers: Store) -> None:
    assert _names(citers, "10.5555/kg.parts", "10.5555/kg.text") == {
        "10.5555/kg.parts": ("Brown 2005, Nature 7:100", "cited-as by 10.5555/kg.a"),
        "10.5555/kg.text": ("Green A. 2010. Something said once.", "cited-as by 10.5555/kg.a")}


def test_a_much_cited_work_is_named_from_a_sample_of_its_references_the_first_by_iri(citers: Store) -> None:
    assert _names(citers, "10.5555/kg.many") == {"10.5555/kg.many": ("Sampled", "cited-as by 10.5555/kg.s00")}


def test_a_work_nobody_names_is_named_by_its_identifier(citers: Store) -> None:
    assert _names(citers, "10.5555/kg.bare") == {"10.5555/kg.bare": ("DOI 10.5555/kg.bare", "identifier")}
    assert WorkSummary("https://doi.org/10.2210/pdb6gv0/pdb", identifiers={"pdb": "6GV0"}).name == "PDB 6GV0"
    assert WorkSummary("https://example.org/thing").name == "https://example.org/thing"


def test_the_references_of_a_work_are_listed_in_order_as_its_record_words_them(citers: Store) -> None:
    rows = citers.select(load_query("work_references").text, {"work": NamedNode("https://doi.org/10.5555/kg.a")}).dicts()
    assert [(r["position"].value, r["cited"].value.removeprefix("https://doi.org/"),
             r["title"].value if "title" in r else None) for r in rows] == [
        ("1", "10.5555/kg.x", "X as A saw it"), ("2", "10.5555/kg.tie", "Short"),
        ("3", "10.5555/kg.own", "Not its own title"), ("4", "10.5555/kg.parts", None),
        ("5", "10.5555/kg.text", None), ("6", "10.5555/kg.bare", None)]
    assert rows[2]["ownTitle"].value == "Its own title"
    assert rows[3]["author"].value == "Brown" and rows[4]["unstructured"].value.startswith("Green A.")
