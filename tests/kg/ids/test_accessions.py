"""kg.ids.accessions: archive accessions, their IRIs, and the one table that finds them in prose."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import IdentifierError

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


@pytest.mark.parametrize("kind", list(ids.ARCHIVES))
def test_every_archive_example_is_found_in_prose_and_normalised(kind: str) -> None:
    archive = ids.ARCHIVES[kind]
    text = f"The data ({archive.example}) were deposited."
    found = [(a.text, a.value, a.start, a.end) for a in ids.find_accessions(text) if a.kind == kind]
    assert found == [(archive.example, ids.normalize_accession(kind, archive.example), 10,
                      10 + len(archive.example))], f"{kind}: {archive.example} in {text!r}"


@pytest.mark.parametrize("kind", list(ids.ARCHIVES))
@given(data=st.data())
def test_generated_accessions_written_in_prose_are_found(kind: str, data: st.DataObject) -> None:
    accession = ids.normalize_accession(kind, data.draw(ACCESSION_EXAMPLES[kind]))
    found = [(a.kind, a.value) for a in ids.find_accessions(f"see ({accession}).")]
    assert (kind, accession) in found


@pytest.mark.parametrize("kind", list(ids.ARCHIVES))
def test_every_archive_is_searched_in_prose_once(kind: str) -> None:
    assert ids.PROSE_ORDER.count(kind) == 1
    assert len(ids.PROSE_ORDER) == len(ids.ARCHIVES)


@pytest.mark.parametrize(("text", "kind", "lookalike"), [
    ("GSE12345", "geo", False), ("GSM12345", "geo", True), ("GPL570", "geo", True), ("MN908947", "insdc", True),
    ("P69905", "uniprot", True), ("EMD-1234", "emdb", False), ("SRR1234567", "sra", False),
])
def test_lookalikes_are_the_accessions_that_look_like_other_codes(text: str, kind: str, lookalike: bool) -> None:
    found = [a for a in ids.find_accessions(text) if a.kind == kind]
    assert [a.lookalike for a in found] == [lookalike]


@pytest.mark.parametrize("text", ["EMD1234", "xGSE12345", "GSE12345-b", "p69905", "E-MTAB-0", "EMPIAR-1234"])
def test_codes_joined_to_other_text_or_not_as_archives_write_them_are_not_found(text: str) -> None:
    assert ids.find_accessions(f"see {text} here") == []


def test_a_code_two_archives_fit_is_listed_for_the_narrower_first() -> None:
    assert [a.kind for a in ids.find_accessions("P69905")] == ["uniprot", "insdc"]
