"""Tests for kg.ids: every accepted form, every rejection message, and round-trip properties."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import IdentifierError
from kg.ids import Identifier

SICI = "10.1002/(sici)1097-4636(199605)31:1<1::aid-jbm1>3.0.co;2-r"
SICI_IRI = "https://doi.org/10.1002/(sici)1097-4636(199605)31:1%3C1::aid-jbm1%3E3.0.co;2-r"


# --- DOI -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("10.7554/eLife.01567", "10.7554/elife.01567"),
    ("10.1/X", "10.1/x"),
    ("doi:10.1/x", "10.1/x"),
    ("DOI: 10.1/X", "10.1/x"),
    ("DOI 10.1/x", "10.1/x"),
    ("https://doi.org/10.1/x", "10.1/x"),
    ("http://dx.doi.org/10.1/x", "10.1/x"),
    ("HTTPS://DOI.ORG/10.1/X", "10.1/x"),
    ("doi.org/10.1/x", "10.1/x"),
    ("info:doi/10.1/x", "10.1/x"),
    ("DOI: https://doi.org/10.1/x", "10.1/x"),
    ("  10.1/x\n", "10.1/x"),
    ('"10.1/x"', "10.1/x"),
    ("'10.1/x'", "10.1/x"),
    ("\u201c10.1/x\u201d", "10.1/x"),
    ("<https://doi.org/10.1/x>", "10.1/x"),
    ("[10.1/x]", "10.1/x"),
    ("(doi:10.1/x).", "10.1/x"),
    ("10.1/x.", "10.1/x"),
    ("10.1/x,", "10.1/x"),
    ("10.1/x;", "10.1/x"),
    ("10.1/x)", "10.1/x"),
    ("10.1/a(b)", "10.1/a(b)"),
    ("10.1000.10/abc", "10.1000.10/abc"),
    ("10.1000%2Fabc", "10.1000/abc"),
    ("10.1/a%20b", "10.1/a%20b"),
    ("https://doi.org/10.1/a%20b", "10.1/a b"),
    ("https://doi.org/10.1002/%28SICI%291097-4636%28199605%2931%3A1%3C1%3A%3AAID-JBM1%3E3.0.CO%3B2-R", SICI),
    ("10.1002/(SICI)1097-4636(199605)31:1<1::AID-JBM1>3.0.CO;2-R", SICI),
    ("https://doi.org/10.1/x?y#z", "10.1/x?y#z"),
    ("10.1/\u00c4", "10.1/\u00c4"),
    ("10.1/e\u0301", "10.1/\u00e9"),
])
def test_normalize_doi_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_doi(value) == expected


BAD_DOIS = [
    ("11.1/x", "a DOI starts with '10.' followed by a registrant code and '/'"),
    ("elife.01567", "a DOI starts with '10.'"),
    ("https://doi.org/", "a DOI starts with '10.'"),
    ("10.1234", "a DOI needs a '/' between the registrant code and the suffix"),
    ("10.abc/x", "the registrant code '10.abc' must be '10.' and digits"),
    ("10.1234/", "the suffix after '10.1234/' is empty"),
    ("10.1/a\tb", "a DOI cannot contain control characters"),
    ("https://doi.org/10.1/%FF", "its %-escapes do not decode as UTF-8"),
    ("", "the value is empty"),
    (" \t", "the value is empty"),
]


@pytest.mark.parametrize(("value", "reason"), BAD_DOIS)
def test_normalize_doi_rejects_with_reason(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid DOI: {value!r} ({reason}")):
        ids.normalize_doi(value)


@pytest.mark.parametrize(("value", "reason"), BAD_DOIS)
def test_normalize_doi_not_strict_returns_none(value: str, reason: str) -> None:
    assert ids.normalize_doi(value, strict=False) is None


@pytest.mark.parametrize("char", list(' <>"{}|\\^#?%`[]'))
def test_doi_iri_escapes_special_character_and_round_trips(char: str) -> None:
    doi = f"10.1234/a{char}b"
    iri = ids.doi_iri(doi)
    assert iri == f"https://doi.org/10.1234/a%{ord(char):02X}b"
    assert NamedNode(iri).value == iri
    assert ids.doi_from_iri(iri) == doi
    assert ids.doi_iri(iri) == iri


@pytest.mark.parametrize(("value", "expected"), [
    ("DOI: 10.1002/(SICI)1097-4636(199605)31:1<1::AID-JBM1>3.0.CO;2-R", SICI_IRI),
    (SICI_IRI, SICI_IRI),
    ("10.1/caf\u00e9", "https://doi.org/10.1/caf\u00e9"),
    ("https://doi.org/10.1/caf%C3%A9", "https://doi.org/10.1/caf\u00e9"),
    ("10.1/\ue000", "https://doi.org/10.1/%EE%80%80"),
    ("10.1/\ufffd", "https://doi.org/10.1/%EF%BF%BD"),
])
def test_doi_iri_keeps_iri_characters_and_escapes_the_rest(value: str, expected: str) -> None:
    assert ids.doi_iri(value) == expected
    assert NamedNode(expected).value == expected


def test_doi_from_iri_inverts_doi_iri() -> None:
    assert ids.doi_from_iri(SICI_IRI) == SICI


@pytest.mark.parametrize("value", ["10.1/x", "doi:10.1/x", "https://orcid.org/0000-0002-1825-0097"])
def test_doi_from_iri_rejects_what_is_not_a_doi_iri(value: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape("(a DOI IRI starts with https://doi.org/)")):
        ids.doi_from_iri(value)


# --- ORCID -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("0000000218250097", "0000-0002-1825-0097"),
    ("0000 0002 1825 0097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("http://orcid.org/0000-0002-1825-0097/", "0000-0002-1825-0097"),
    ("orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("ORCID: 0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("orcid:0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("0000-0002-1694-233X", "0000-0002-1694-233X"),
    ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ("https://orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),
])
def test_normalize_orcid_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_orcid(value) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("0000-0002-1825-0095", "ORCID checksum digit should be 7, got 5"),
    ("0000-0002-1694-2330", "ORCID checksum digit should be X, got 0"),
    ("0000-0002-1825", "an ORCID is 16 digits in groups of four, the last may be X"),
    ("0000-0002-1825-009Y", "an ORCID is 16 digits"),
    ("https://orcid.org/", "an ORCID is 16 digits"),
])
def test_normalize_orcid_rejects_with_reason(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid ORCID: {value!r} ({reason}")):
        ids.normalize_orcid(value)


def test_orcid_iri_is_the_orcid_url() -> None:
    assert ids.orcid_iri("000000021694233x") == "https://orcid.org/0000-0002-1694-233X"


# --- ROR -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("02mhbdp94", "02mhbdp94"),
    ("05dxps055", "05dxps055"),
    ("013meh722", "013meh722"),
    ("https://ror.org/02mhbdp94", "02mhbdp94"),
    ("http://ror.org/05dxps055/", "05dxps055"),
    ("ror.org/013meh722", "013meh722"),
    ("ROR: 02mhbdp94", "02mhbdp94"),
    ("02MHBDP94", "02mhbdp94"),
    ("HTTPS://ROR.ORG/02MHBDP94", "02mhbdp94"),
])
def test_normalize_ror_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_ror(value) == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("02mhbdp95", "ROR ID checksum should be 94, got 95"),
    ("05dxps056", "ROR ID checksum should be 55, got 56"),
    ("02mhbdi94", "a ROR ID is '0', six characters of 0-9 and a-z except i, l, o and u"),
    ("12mhbdp94", "a ROR ID is '0'"),
    ("02mhbdp9", "a ROR ID is '0'"),
    ("https://ror.org/", "a ROR ID is '0'"),
])
def test_normalize_ror_rejects_with_reason(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid ROR ID: {value!r} ({reason}")):
        ids.normalize_ror(value)


def test_ror_iri_is_the_ror_url() -> None:
    assert ids.ror_iri("ROR: 013MEH722") == "https://ror.org/013meh722"


# --- Crossref Funder Registry ----------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("10.13039/501100000780", "10.13039/501100000780"),
    ("https://doi.org/10.13039/501100000780", "10.13039/501100000780"),
    ("http://dx.doi.org/10.13039/100000001", "10.13039/100000001"),
    ("doi:10.13039/100000001", "10.13039/100000001"),
    ("501100000780", "10.13039/501100000780"),
    ("100000001", "10.13039/100000001"),
    ("funder:100000001", "10.13039/100000001"),
])
def test_normalize_funder_id_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_funder_id(value) == expected


@pytest.mark.parametrize("value", ["10.7554/elife.01567", "10.13039/abc", "nih", "funder:"])
def test_normalize_funder_id_rejects_other_dois_and_words(value: str) -> None:
    reason = "a Crossref Funder ID is a number or the DOI 10.13039/ and a number"
    with pytest.raises(IdentifierError, match=re.escape(f"not a valid Crossref Funder ID: {value!r} ({reason}")):
        ids.normalize_funder_id(value)


def test_funder_iri_is_the_funder_doi_iri() -> None:
    assert ids.funder_iri("501100000780") == "https://doi.org/10.13039/501100000780"


# --- PDB -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("6GV0", "6GV0"),
    ("6gv0", "6GV0"),
    ("PDB 6GV0", "6GV0"),
    ("pdb:6gv0", "6GV0"),
    ("PDB ID: 6GV0", "6GV0"),
    ("10.2210/pdb6gv0/pdb", "6GV0"),
    ("https://doi.org/10.2210/pdb6gv0/pdb", "6GV0"),
    ("doi:10.2210/PDB6GV0/PDB", "6GV0"),
    ("pdb_00006gv0", "6GV0"),
    ("PDB_00006GV0", "6GV0"),
    ("pdb_1abc6gv0", "PDB_1ABC6GV0"),
])
def test_normalize_pdb_id_accepts_pasted_forms(value: str, expected: str) -> None:
    assert ids.normalize_pdb_id(value) == expected


@pytest.mark.parametrize("value", ["GV06", "6GV", "6GV00", "pdb_0000abcd", "10.7554/elife.01567", "PDB "])
def test_normalize_pdb_id_rejects_with_reason(value: str) -> None:
    reason = "a PDB ID is a digit and three letters or digits, e.g. 6GV0, or its DOI 10.2210/pdb6gv0/pdb"
    with pytest.raises(IdentifierError, match=re.escape(f"({reason})")):
        ids.normalize_pdb_id(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("6gv0", "https://doi.org/10.2210/pdb6gv0/pdb"),
    ("pdb_00006GV0", "https://doi.org/10.2210/pdb6gv0/pdb"),
    ("pdb_1abc6gv0", "https://doi.org/10.2210/pdb_1abc6gv0/pdb"),
])
def test_pdb_iri_is_the_entry_doi_iri(value: str, expected: str) -> None:
    assert ids.pdb_iri(value) == expected


@pytest.mark.parametrize(("doi", "expected"), [
    ("10.2210/pdb6gv0/pdb", "6GV0"),
    ("https://doi.org/10.2210/PDB6GV0/PDB", "6GV0"),
    ("10.2210/pdb_1abc6gv0/pdb", "PDB_1ABC6GV0"),
    ("10.2210/pdb_00006gv0/pdb", None),
    ("10.7554/elife.01567", None),
    ("6GV0", None),
])
def test_pdb_id_from_doi_finds_only_pdb_entry_dois(doi: str, expected: str | None) -> None:
    assert ids.pdb_id_from_doi(doi) == expected


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


# --- every normalizer ------------------------------------------------------------------------

NORMALIZERS: list[Callable[..., str | None]] = [
    ids.normalize_doi, ids.normalize_orcid, ids.normalize_ror, ids.normalize_funder_id,
    ids.normalize_pdb_id, ids.normalize_pmid, ids.normalize_pmcid, ids.normalize_arxiv,
    ids.normalize_emdb, ids.normalize_empiar, ids.normalize_geo, ids.normalize_arrayexpress, ids.normalize_insdc,
    ids.normalize_uniprot, ids.normalize_bioproject, ids.normalize_sra]
EVERY_FUNCTION: list[Callable[..., object]] = [
    *NORMALIZERS, ids.doi_iri, ids.doi_from_iri, ids.orcid_iri, ids.ror_iri, ids.funder_iri, ids.pdb_iri,
    ids.parse_identifier]


@pytest.mark.parametrize("function", EVERY_FUNCTION, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", [None, 33462295, b"10.1/x"], ids=repr)
def test_non_string_input_raises_identifier_error(function: Callable[..., object], value: object) -> None:
    with pytest.raises(IdentifierError, match=f"expected a string, got {type(value).__name__}"):
        function(value)


@pytest.mark.parametrize("function", EVERY_FUNCTION, ids=lambda f: f.__name__)
def test_blank_input_raises_identifier_error(function: Callable[..., object]) -> None:
    with pytest.raises(IdentifierError, match=re.escape("(the value is empty)")):
        function("  ")


@pytest.mark.parametrize("normalize", NORMALIZERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", ["not an identifier", "", None])
def test_normalizer_not_strict_returns_none_for_any_bad_input(
        normalize: Callable[..., str | None], value: object) -> None:
    assert normalize(value, strict=False) is None


# --- archive accessions ----------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("emdb", "EMD-1234", "EMD-1234"),
    ("emdb", "emd_12345", "EMD-12345"),
    ("emdb", "EMDB: EMD-1234.", "EMD-1234"),
    ("emdb", "https://www.ebi.ac.uk/pdbe/entry/emdb/EMD-1234", "EMD-1234"),
    ("emdb", "https://identifiers.org/emdb:EMD-1234", "EMD-1234"),
    ("empiar", "EMPIAR-10001", "EMPIAR-10001"),
    ("empiar", "https://www.ebi.ac.uk/empiar/EMPIAR-10001/", "EMPIAR-10001"),
    ("geo", "gse12345", "GSE12345"),
    ("geo", "GEO: GSM575", "GSM575"),
    ("geo", "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GDS507", "GDS507"),
    ("arrayexpress", "E-MTAB-1234", "E-MTAB-1234"),
    ("arrayexpress", "https://www.ebi.ac.uk/arrayexpress/experiments/E-GEOD-26682/", "E-GEOD-26682"),
    ("insdc", "MN908947", "MN908947"),
    ("insdc", "GenBank: mn908947.3", "MN908947.3"),
    ("insdc", "X58356", "X58356"),
    ("insdc", "https://www.ncbi.nlm.nih.gov/nuccore/AB12345678", "AB12345678"),
    ("insdc", "ENA AB123456", "AB123456"),
    ("uniprot", "P69905", "P69905"),
    ("uniprot", "uniprot:q9y6k9", "Q9Y6K9"),
    ("uniprot", "https://www.uniprot.org/uniprot/A0A023GPI8", "A0A023GPI8"),
    ("bioproject", "PRJNA123456", "PRJNA123456"),
    ("bioproject", "https://www.ncbi.nlm.nih.gov/bioproject/PRJEB1234", "PRJEB1234"),
    ("sra", "SRR1234567", "SRR1234567"),
    ("sra", "sra:err000001", "ERR000001"),
    ("sra", "https://www.ebi.ac.uk/ena/browser/view/DRP000001", "DRP000001"),
])
def test_accessions_accept_pasted_forms(kind: str, value: str, expected: str) -> None:
    assert getattr(ids, f"normalize_{kind}")(value) == expected
    assert ids.normalize_accession(kind, value) == expected


@pytest.mark.parametrize(("kind", "value", "reason"), [
    ("emdb", "EMD-123", "an EMDB accession is 'EMD-' and four or five digits, e.g. EMD-1234"),
    ("empiar", "EMPIAR-1", "an EMPIAR accession is 'EMPIAR-' and five digits, e.g. EMPIAR-10001"),
    ("geo", "GSE0123", "a GEO accession is GSE, GSM, GDS or GPL and a number, e.g. GSE12345"),
    ("geo", "GPL", "a GEO accession is GSE, GSM, GDS or GPL and a number"),
    ("arrayexpress", "E-MTAB", "an ArrayExpress accession is 'E-', four letters, '-' and a number"),
    ("insdc", "AB1234567", "a GenBank/ENA/DDBJ nucleotide accession is one letter and five digits"),
    ("insdc", "ABC12345", "a GenBank/ENA/DDBJ nucleotide accession"),
    ("uniprot", "P6990", "a UniProt accession is six or ten letters and digits, e.g. P69905"),
    ("uniprot", "PP9905", "a UniProt accession"),
    ("bioproject", "PRJXA1", "a BioProject accession is PRJNA, PRJEB or PRJDB and a number"),
    ("sra", "SRR12345", "an SRA accession is SRR, ERR or DRR"),
    ("sra", "XRR1234567", "an SRA accession"),
])
def test_accessions_reject_with_reason(kind: str, value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=f"^not a valid {kind}: '{re.escape(value)}' \\({re.escape(reason)}"):
        ids.normalize_accession(kind, value)
    assert ids.normalize_accession(kind, value, strict=False) is None


def test_an_unknown_accession_kind_is_refused_with_the_known_ones() -> None:
    with pytest.raises(IdentifierError, match="expected one of emdb, empiar, geo, arrayexpress, insdc, uniprot"):
        ids.normalize_accession("genbank", "MN908947", strict=False)


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("emdb", "EMD-1234", "https://www.ebi.ac.uk/emdb/EMD-1234"),  # as loaders.pdbe writes related maps
    ("empiar", "EMPIAR-10001", "https://www.ebi.ac.uk/empiar/EMPIAR-10001"),
    ("geo", "GSE12345", "https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE12345"),
    ("arrayexpress", "E-MTAB-1234", "https://www.ebi.ac.uk/biostudies/arrayexpress/studies/E-MTAB-1234"),
    ("insdc", "MN908947.3", "https://www.ebi.ac.uk/ena/browser/view/MN908947.3"),  # loaders.scholix's "ena"
    ("uniprot", "p69905", "https://www.uniprot.org/uniprotkb/P69905"),  # loaders.scholix's "uniprot"
    ("bioproject", "PRJNA123456", "https://www.ncbi.nlm.nih.gov/bioproject/PRJNA123456"),
    ("sra", "SRR1234567", "https://www.ncbi.nlm.nih.gov/sra/SRR1234567"),
])
def test_accession_iri_is_the_archive_page_the_mappers_write(kind: str, value: str, expected: str) -> None:
    assert ids.accession_iri(kind, value) == expected
    assert ids.accession_iris(kind, value)[0] == expected
    assert NamedNode(expected).value == expected


def test_accession_iris_list_identifiers_org_other_pages_and_an_unversioned_form() -> None:
    assert ids.accession_iris("empiar", "EMPIAR-10001") == (
        "https://www.ebi.ac.uk/empiar/EMPIAR-10001", "https://identifiers.org/empiar:EMPIAR-10001",
        "https://doi.org/10.6019/empiar-10001")
    iris = ids.accession_iris("insdc", "MN908947.3")
    assert iris[:2] == ("https://www.ebi.ac.uk/ena/browser/view/MN908947.3",
                        "https://www.ebi.ac.uk/ena/browser/view/MN908947")
    assert "https://identifiers.org/insdc:MN908947" in iris


# --- parse_identifier ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("doi:10.7554/eLife.01567", Identifier("doi", "10.7554/elife.01567", "https://doi.org/10.7554/elife.01567")),
    ("10.48550/arXiv.2101.00001",
     Identifier("doi", "10.48550/arxiv.2101.00001", "https://doi.org/10.48550/arxiv.2101.00001")),
    ("https://doi.org/10.13039/501100000780",
     Identifier("funder", "10.13039/501100000780", "https://doi.org/10.13039/501100000780")),
    ("funder:100000001", Identifier("funder", "10.13039/100000001", "https://doi.org/10.13039/100000001")),
    ("10.2210/pdb6gv0/pdb", Identifier("pdb", "6GV0", "https://doi.org/10.2210/pdb6gv0/pdb")),
    ("6gv0", Identifier("pdb", "6GV0", "https://doi.org/10.2210/pdb6gv0/pdb")),
    ("PDB 6GV0", Identifier("pdb", "6GV0", "https://doi.org/10.2210/pdb6gv0/pdb")),
    ("pdb_00006gv0", Identifier("pdb", "6GV0", "https://doi.org/10.2210/pdb6gv0/pdb")),
    ("https://orcid.org/0000-0002-1825-0097",
     Identifier("orcid", "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097")),
    ("0000-0002-1694-233x", Identifier("orcid", "0000-0002-1694-233X", "https://orcid.org/0000-0002-1694-233X")),
    ("https://ror.org/02mhbdp94", Identifier("ror", "02mhbdp94", "https://ror.org/02mhbdp94")),
    ("05dxps055", Identifier("ror", "05dxps055", "https://ror.org/05dxps055")),
    ("pmid:33462295", Identifier("pmid", "33462295", None)),
    ("https://pubmed.ncbi.nlm.nih.gov/33462295/", Identifier("pmid", "33462295", None)),
    ("PMC7814031", Identifier("pmcid", "PMC7814031", None)),
    ("pmcid:7814031", Identifier("pmcid", "PMC7814031", None)),
    ("arXiv:2101.00001", Identifier("arxiv", "2101.00001", None)),
    ("2101.00001v2", Identifier("arxiv", "2101.00001v2", None)),
    ("hep-th/9901001", Identifier("arxiv", "hep-th/9901001", None)),
])
def test_parse_identifier_recognises_the_kind(value: str, expected: Identifier) -> None:
    assert ids.parse_identifier(value) == expected
    if expected.iri is not None:
        assert ids.parse_identifier(expected.iri) == expected


@pytest.mark.parametrize(("value", "kind", "reason"), [
    ("33462295", "identifier",
     "a bare number is ambiguous: write pmid:33462295, pmcid:33462295 or funder:33462295"),
    ("0000000218250097", "identifier", "a bare number is ambiguous"),
    ("hello world", "identifier", "expected a DOI (10.xxxx/...), an ORCID, a ROR ID, a PDB ID"),
    ("https://example.org/x", "identifier", "expected a DOI"),
    ("https://orcid.org/0000-0002-1825-0095", "orcid", "ORCID checksum digit should be 7, got 5"),
    ("https://ror.org/02mhbdp95", "ror", "ROR ID checksum should be 94, got 95"),
    ("doi:11.1/x", "doi", "a DOI starts with '10.'"),
])
def test_parse_identifier_rejects_with_kind_and_reason(value: str, kind: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(f"{value!r} ({reason}")) as caught:
        ids.parse_identifier(value)
    assert caught.value.kind == kind


# --- graph IRIs ------------------------------------------------------------------------------

def test_graph_iri_names_source_and_record() -> None:
    assert ids.graph_iri("crossref", "10.7554/elife.01567") == \
        "https://w3id.org/evidence-kg/graph/crossref/10.7554/elife.01567"
    assert ids.META_GRAPH == "https://w3id.org/evidence-kg/graph/meta"


def test_graph_iri_escapes_local_id_like_doi_iri() -> None:
    local_id = "10.1/a b<c>#?%"
    iri = ids.graph_iri("datacite", local_id)
    assert iri == "https://w3id.org/evidence-kg/graph/datacite/10.1/a%20b%3Cc%3E%23%3F%25"
    assert iri.removeprefix(ids.KG_BASE + "graph/datacite/") == \
        ids.doi_iri(local_id).removeprefix(ids.DOI_BASE)
    assert NamedNode(iri).value == iri


@pytest.mark.parametrize(("source", "local_id", "message"), [
    ("Cross Ref", "x", "not a valid source: \"'Cross Ref'\" (a source name is lower-case letters"),
    ("", "x", "a source name is lower-case letters"),
    ("crossref", "", "not a valid record id: '' (the value is empty)"),
])
def test_graph_iri_rejects_bad_source_or_empty_id(source: str, local_id: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(message)):
        ids.graph_iri(source, local_id)


# --- properties ------------------------------------------------------------------------------

SUFFIX_CHARS = st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from(list(' <>"{}|\\^`#?%;()[].,/'))
DOIS = st.builds(lambda registrant, suffix: f"10.{registrant}/{suffix}",
                 st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,4}){0,2}", fullmatch=True),
                 st.text(SUFFIX_CHARS, min_size=1, max_size=30))
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


@given(DOIS)
def test_doi_normalization_and_iri_round_trip(value: str) -> None:
    doi = ids.normalize_doi(value, strict=False)
    assume(doi is not None)
    assert doi is not None
    iri = ids.doi_iri(value)
    assert ids.normalize_doi(doi) == doi
    assert ids.doi_iri(iri) == iri
    assert ids.doi_from_iri(iri) == doi
    assert ids.parse_identifier(iri).iri == iri
    assert NamedNode(iri).value == iri


def orcid_check_digit(digits: str) -> str:
    """ISO 7064 MOD 11-2, written out as ORCID's documentation does."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


@given(st.from_regex(r"[0-9]{15}", fullmatch=True))
def test_generated_orcids_round_trip(digits: str) -> None:
    orcid = f"{digits[:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:]}{orcid_check_digit(digits)}"
    assert ids.normalize_orcid(orcid.replace("-", "").lower()) == orcid
    iri = ids.orcid_iri(orcid)
    assert iri == f"https://orcid.org/{orcid}"
    assert ids.parse_identifier(iri) == Identifier("orcid", orcid, iri)
    wrong = "0" if orcid.endswith("X") else "X"
    with pytest.raises(IdentifierError, match="ORCID checksum digit should be"):
        ids.normalize_orcid(orcid[:-1] + wrong)


@given(st.text(st.sampled_from(CROCKFORD), min_size=6, max_size=6))
def test_generated_rors_round_trip(body: str) -> None:
    number = 0
    for char in body:
        number = number * 32 + CROCKFORD.index(char)
    ror = f"0{body}{98 - (number * 100) % 97:02d}"
    assert ids.normalize_ror(ror.upper()) == ror
    iri = ids.ror_iri(ror)
    assert iri == f"https://ror.org/{ror}"
    assert ids.parse_identifier(iri) == Identifier("ror", ror, iri)


ACCESSION_EXAMPLES = {kind: st.from_regex(archive.pattern, fullmatch=True) for kind, archive in ids.ARCHIVES.items()}


@pytest.mark.parametrize("kind", list(ids.ARCHIVES))
@given(data=st.data())
def test_generated_accessions_round_trip_through_their_iris(kind: str, data: st.DataObject) -> None:
    accession = ids.normalize_accession(kind, data.draw(ACCESSION_EXAMPLES[kind]))
    assert ids.normalize_accession(kind, accession.lower()) == accession
    for iri in ids.accession_iris(kind, accession):
        assert NamedNode(iri).value == iri
        if not iri.startswith(ids.DOI_BASE):
            assert ids.normalize_accession(kind, iri) in (accession, accession.split(".")[0])
