"""Identifier mentions: every form people write them in, the punctuation around them trimmed,
PDB IDs only in a PDB context, and numbers that only look like identifiers left alone."""

from __future__ import annotations

import pytest

from kg.mentions import find_identifiers


@pytest.mark.parametrize(("written", "value"), [
    ("10.1038/s41598-021-81251-2", "10.1038/s41598-021-81251-2"),
    ("doi:10.1038/S41598-021-81251-2", "10.1038/s41598-021-81251-2"),
    ("DOI 10.7554/eLife.01567", "10.7554/elife.01567"),
    ("https://doi.org/10.5061/dryad.b835k", "10.5061/dryad.b835k"),
    ("http://dx.doi.org/10.5061/dryad.b835k", "10.5061/dryad.b835k"),
    ("info:doi/10.5555/kg-sample.p1", "10.5555/kg-sample.p1"),
])
@pytest.mark.parametrize("around", ["See {}.", "({})", "[{}]", "\u201c{}\u201d", "{}, then", "at {};"])
def test_a_doi_is_found_in_every_form_without_the_punctuation_around_it(written: str, value: str,
                                                                         around: str) -> None:
    text = around.format(written)
    found = find_identifiers(text)
    assert [(m.kind, m.value, m.text) for m in found] == [("doi", value, written)]
    assert text[found[0].start:found[0].end] == written


def test_a_doi_keeps_brackets_that_belong_to_it() -> None:
    found = find_identifiers("(doi:10.1002/(SICI)1097-4636(199605)31:1.)")
    assert [m.value for m in found] == ["10.1002/(sici)1097-4636(199605)31:1"]


def test_a_pdb_doi_is_a_pdb_mention() -> None:
    assert [(m.kind, m.value, m.iri) for m in find_identifiers("see 10.2210/pdb6gv0/pdb.")] == [
        ("pdb", "6GV0", "https://doi.org/10.2210/pdb6gv0/pdb")]


@pytest.mark.parametrize("text", ["the PDB entry 6GV0", "PDB: 6gv0", "deposited as 6GV0 in the Protein Data Bank",
                                  "structure 6GV0 shows", "accession code 6GV0"])
def test_a_pdb_id_is_found_when_the_context_says_pdb(text: str) -> None:
    assert [(m.kind, m.value) for m in find_identifiers(text)] == [("pdb", "6GV0")]


@pytest.mark.parametrize("text", ["room 6GV0 on the left", "the 4WD8 model", "in 2021 the structure was new",
                                  "a 3D2Y printer", "COVID-19 and H1N1"])
def test_a_four_character_code_without_pdb_context_is_not_a_pdb_id(text: str) -> None:
    assert find_identifiers(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("PMID: 33462295", "pmid", "33462295"),
    ("https://pubmed.ncbi.nlm.nih.gov/33462295/", "pmid", "33462295"),
    ("PMC7814031", "pmcid", "PMC7814031"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7814031/", "pmcid", "PMC7814031"),
    ("arXiv:2101.00001v2", "arxiv", "2101.00001v2"),
    ("https://arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("https://zenodo.org/records/4456817", "zenodo", "4456817"),
    ("zenodo.org/record/4456817", "zenodo", "4456817"),
])
def test_pubmed_pmc_arxiv_and_zenodo_mentions_are_normalised_by_kg_ids(text: str, kind: str, value: str) -> None:
    assert [(m.kind, m.value) for m in find_identifiers(f"It is {text}.")] == [(kind, value)]


def test_numbers_ratios_and_versions_are_not_identifiers() -> None:
    assert find_identifiers("At 10.5 km/h, ratio 10.25/20, version 2.0, 4000 g, on 10.1.2021, PMC is a word.") == []
