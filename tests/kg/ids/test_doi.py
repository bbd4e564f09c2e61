"""kg.ids.doi: DOIs and PDB entries, every accepted form, every rejection message, round trips."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import IdentifierError

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


SUFFIX_CHARS = st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from(list(' <>"{}|\\^`#?%;()[].,/'))
DOIS = st.builds(lambda registrant, suffix: f"10.{registrant}/{suffix}",
                 st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,4}){0,2}", fullmatch=True),
                 st.text(SUFFIX_CHARS, min_size=1, max_size=30))


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


@pytest.mark.parametrize(("iri", "unescape", "shown"), [
    ("https://doi.org/10.1/a%20b%3Cc%3E", True, "10.1/a b<c>"),
    ("https://doi.org/10.1/a%20b%3Cc%3E", False, "10.1/a%20b%3Cc%3E"),
    ("https://www.ebi.ac.uk/emdb/EMD-1234", True, "https://www.ebi.ac.uk/emdb/EMD-1234"),
    ("https://ror.org/05dxps055", False, "https://ror.org/05dxps055"),
])
def test_doi_or_iri_shows_a_doi_iri_as_its_doi_and_leaves_other_iris(iri: str, unescape: bool, shown: str) -> None:
    assert ids.doi_or_iri(iri, unescape=unescape) == shown
