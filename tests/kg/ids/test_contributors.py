"""kg.ids.contributors: ORCIDs, ROR IDs and funder IDs, their check digits, round trips."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg import ids
from kg.errors import IdentifierError
from kg.ids import Identifier

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


CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


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
