"""Identifier mentions: every form people write them in, the punctuation around them trimmed,
PDB IDs only in a PDB context, and numbers that only look like identifiers left alone."""

from __future__ import annotations

import pytest

from kg.tracing.mentions import find_identifiers


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


@pytest.mark.parametrize(("text", "kind", "value", "iri"), [
    ("The raw movies are in EMPIAR-10001.", "empiar", "EMPIAR-10001", "https://www.ebi.ac.uk/empiar/EMPIAR-10001"),
    ("The map (EMD-1234) was deposited in the EMDB.", "emdb", "EMD-1234", "https://www.ebi.ac.uk/emdb/EMD-1234"),
    ("Expression data are in GEO under accession GSE123456.", "geo", "GSE123456",
     "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE123456"),
    ("The Gene Expression Omnibus holds sample GSM575.", "geo", "GSM575",
     "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSM575"),
    ("The arrays are in ArrayExpress, E-MTAB-1234.", "arrayexpress", "E-MTAB-1234",
     "https://www.ebi.ac.uk/biostudies/arrayexpress/studies/E-MTAB-1234"),
    ("The genome (GenBank accession MN908947.3) was shared.", "insdc", "MN908947.3",
     "https://www.ebi.ac.uk/ena/browser/view/MN908947.3"),
    ("Sequences were deposited in ENA: AB123456.", "insdc", "AB123456", "https://www.ebi.ac.uk/ena/browser/view/AB123456"),
    ("Haemoglobin alpha (UniProt P69905) binds oxygen.", "uniprot", "P69905",
     "https://www.uniprot.org/uniprotkb/P69905"),
    ("The protein Q9Y6K9 is a kinase.", "uniprot", "Q9Y6K9", "https://www.uniprot.org/uniprotkb/Q9Y6K9"),
    ("All data are under BioProject PRJNA123456.", "bioproject", "PRJNA123456",
     "https://www.ncbi.nlm.nih.gov/bioproject/PRJNA123456"),
    ("Reads are in the SRA as SRR1234567.", "sra", "SRR1234567", "https://www.ncbi.nlm.nih.gov/sra/SRR1234567"),
    ("See https://www.ebi.ac.uk/ena/browser/view/MN908947 for it.", "insdc", "MN908947",
     "https://www.ebi.ac.uk/ena/browser/view/MN908947"),
])
def test_an_accession_is_found_when_the_context_names_its_archive(text: str, kind: str, value: str, iri: str) -> None:
    found = find_identifiers(text)
    assert [(m.kind, m.value, m.iri, m.method) for m in found] == [(kind, value, iri, f"regex:{kind}-in-context")]
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize("text", [
    "The AB123456 model of the vacuum cleaner is quiet.",  # GenBank-like, no archive word
    "Replace valve P69905 before winter.",  # UniProt-like, no protein word
    "Part A12345 is out of stock.",
    "The code is released under GPL3 and GPL2.",  # GEO platform-like, licences
    "The phone works on GSM900 and GSM1800.",  # GEO sample-like, radio bands
    "An EMD-1234 locomotive pulled the train.",  # EMDB-like, a diesel engine
    "Flight SRR1234567 does not exist.",
    "Serial numbers AB123456-7 and XAB123456 are not accessions, nor is ab123456 in a sequence.",
])
def test_an_accession_like_code_without_its_archive_nearby_is_not_a_mention(text: str) -> None:
    assert find_identifiers(text) == []


def test_an_accession_inside_a_doi_stays_part_of_the_doi() -> None:
    assert [(m.kind, m.value) for m in find_identifiers("GEO data: doi:10.5555/GSE123456.")] == [
        ("doi", "10.5555/gse123456")]


def test_a_code_fitting_uniprot_and_genbank_goes_by_the_context_of_its_own_sentence() -> None:
    found = find_identifiers("The protein is UniProt P69905. Its gene is GenBank P12345.")
    assert [(m.kind, m.value) for m in found] == [("uniprot", "P69905"), ("insdc", "P12345")]
