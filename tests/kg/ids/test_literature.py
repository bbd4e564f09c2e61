"""kg.ids.literature: PubMed, PMC and arXiv IDs, and Zenodo records."""

from __future__ import annotations

import re

import pytest

from kg import ids
from kg.errors import IdentifierError

# --- PubMed, PMC, arXiv ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("33462295", "33462295"),
    ("pmid:33462295", "33462295"),
    ("PMID: 33462295", "33462295"),
    ("0033462295", "33462295"),
    ("https://pubmed.ncbi.nlm.nih.gov/33462295/", "33462295"),
    ("pubmed.ncbi.nlm.nih.gov/33462295", "33462295"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/33462295", "33462295"),
    ("https://europepmc.org/article/MED/33462295", "33462295"),
])
def test_normalize_pmid_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_pmid(value) == expected


@pytest.mark.parametrize("value", ["0", "pmid:abc", "-5", "3346.2295", "pmid:"])
def test_normalize_pmid_rejects_what_is_not_a_positive_number(value: str) -> None:
    reason = "a PubMed ID is a positive whole number, e.g. 33462295"
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid PubMed ID: {value!r} ({reason})")):
        ids.normalize_pmid(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("PMC7814031", "PMC7814031"),
    ("pmc7814031", "PMC7814031"),
    ("PMCID: PMC7814031", "PMC7814031"),
    ("pmcid:7814031", "PMC7814031"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7814031/", "PMC7814031"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7814031/", "PMC7814031"),
    ("https://europepmc.org/article/PMC/PMC7814031", "PMC7814031"),
    ("https://europepmc.org/abstract/PMC/PMC7814031", "PMC7814031"),
    ("europepmc.org/articles/PMC7814031", "PMC7814031"),
])
def test_normalize_pmcid_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_pmcid(value) == expected


@pytest.mark.parametrize("value", ["7814031", "PMC", "PMCabc", "PMC0"])
def test_normalize_pmcid_rejects_bare_numbers_and_non_numbers(value: str) -> None:
    reason = "a PMC ID is 'PMC' and a number, e.g. PMC7814031 (a bare number needs the prefix 'pmcid:')"
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid PMC ID: {value!r} ({reason})")):
        ids.normalize_pmcid(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("2101.00001", "2101.00001"),
    ("2101.00001v2", "2101.00001v2"),
    ("0704.0001", "0704.0001"),
    ("arXiv:2101.00001", "2101.00001"),
    ("ARXIV: 2101.00001V3", "2101.00001v3"),
    ("arXiv:2101.00001 [cs.LG]", "2101.00001"),
    ("https://arxiv.org/abs/2101.00001v2", "2101.00001v2"),
    ("https://arxiv.org/pdf/2101.00001.pdf", "2101.00001"),
    ("https://arxiv.org/pdf/2101.00001v2.pdf", "2101.00001v2"),
    ("https://arxiv.org/pdf/2101.00001v2", "2101.00001v2"),
    ("10.48550/arXiv.2101.00001", "2101.00001"),
    ("https://doi.org/10.48550/arXiv.2101.00001", "2101.00001"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("arXiv:hep-th/9901001v1", "hep-th/9901001v1"),
    ("https://arxiv.org/abs/math.ag/0601001", "math.AG/0601001"),
])
def test_normalize_arxiv_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_arxiv(value) == expected


@pytest.mark.parametrize("value", ["2113.00001", "2101.001", "hep-th/99", "10.7554/elife.01567", "arxiv:"])
def test_normalize_arxiv_rejects_with_reason(value: str) -> None:
    reason = "an arXiv ID is yymm.number, e.g. 2101.00001 or 2101.00001v2, or archive/yymmnnn"
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid arXiv ID: {value!r} ({reason}")):
        ids.normalize_arxiv(value)


@pytest.mark.parametrize(("value", "doi"), [
    ("2101.00001", "10.48550/arxiv.2101.00001"),
    ("arXiv:2101.00001v2", "10.48550/arxiv.2101.00001"),
    ("hep-th/9901001v3", "10.48550/arxiv.hep-th/9901001"),
    ("solv-int/9901001", "10.48550/arxiv.solv-int/9901001"),
])
def test_the_arxiv_doi_names_the_paper_whatever_the_version(value: str, doi: str) -> None:
    assert ids.arxiv_doi(value) == doi
    assert ids.arxiv_doi_iri(value) == ids.DOI_BASE + doi
    assert ids.normalize_arxiv(doi) == doi.removeprefix("10.48550/arxiv.")


@pytest.mark.parametrize("value", ["https://zenodo.org/records/4456817", "zenodo.org/record/4456817/",
                                   "https://www.zenodo.org/records/4456817.", "4456817"])
def test_a_zenodo_record_is_named_by_its_pages_and_its_doi(value: str) -> None:
    assert ids.zenodo_record_pages(value) == ("https://zenodo.org/records/4456817", "https://zenodo.org/record/4456817")
    assert ids.zenodo_doi_iri(value) == "https://doi.org/10.5281/zenodo.4456817"


@pytest.mark.parametrize("value", ["https://zenodo.org/records/", "https://zenodo.org/communities/x",
                                   "https://zenodo.org/records/0"])
def test_normalize_zenodo_record_rejects_what_is_not_a_record_page(value: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape("a Zenodo record is named by its page")):
        ids.normalize_zenodo_record(value)
