"""Identifiers of people and organisations: ORCIDs, ROR IDs and Crossref Funder IDs, with their
check digits verified.
"""

from __future__ import annotations

import functools
import re

from kg.errors import IdentifierError
from kg.ids.doi import doi_iri, normalize_doi
from kg.ids.iris import ORCID_BASE, ROR_BASE
from kg.ids.pasted import _FLAGS, _URL, _after, _normalizer, _text, _unwrap

_ORCID_PREFIX = re.compile(rf"orcid(?:\s*id)?\s*[:\s]\s*|{_URL}orcid\.org/", _FLAGS)
_ORCID_ID = re.compile(r"([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{3})([0-9X])", _FLAGS)
_ROR_PREFIX = re.compile(rf"ror(?:\s*id)?\s*[:\s]\s*|{_URL}ror\.org/", _FLAGS)
_ROR_ID = re.compile(r"0([0-9a-hjkmnp-tv-z]{6})([0-9]{2})", _FLAGS)
_FUNDER_PREFIX = re.compile(r"funder(?:\s*id)?\s*[:\s]\s*", _FLAGS)
_FUNDER_DOI = re.compile(r"10\.13039/([0-9]+)", re.A)
_INTEGER = re.compile(r"[0-9]+", re.A)
# Crockford base32 (no i, l, o, u) to the digits int(x, 32) reads.
_CROCKFORD_TO_BASE32 = str.maketrans("abcdefghjkmnpqrstvwxyz", "abcdefghijklmnopqrstuv")


@_normalizer
def normalize_orcid(value: str) -> str:
    """The hyphenated ORCID, its ISO 7064 11,2 check digit verified.

    >>> normalize_orcid("https://orcid.org/0000-0002-1694-233x")
    '0000-0002-1694-233X'
    """
    _, text = _after(_ORCID_PREFIX, _unwrap(_text("orcid", value)))
    found = _ORCID_ID.fullmatch(text)
    if found is None:
        raise IdentifierError("orcid", value, "an ORCID is 16 digits in groups of four, the last may be X, "
                                              "e.g. 0000-0002-1825-0097")
    *groups, check = found.groups()
    total = functools.reduce(lambda acc, digit: (acc + int(digit)) * 2, "".join(groups), 0)
    expected = "0123456789X"[(12 - total % 11) % 11]
    if check.upper() != expected:
        raise IdentifierError("orcid", value, f"ORCID checksum digit should be {expected}, got {check}")
    return "-".join(groups[:3]) + "-" + groups[3] + expected


def orcid_iri(value: str) -> str:
    """The ORCID's IRI.

    >>> orcid_iri("ORCID: 0000000218250097")
    'https://orcid.org/0000-0002-1825-0097'
    """
    return ORCID_BASE + normalize_orcid(value)


@_normalizer
def normalize_ror(value: str) -> str:
    """The lower-case ROR ID, its ISO 7064 mod 97-10 checksum verified.

    >>> normalize_ror("https://ror.org/02MHBDP94")
    '02mhbdp94'
    """
    _, text = _after(_ROR_PREFIX, _unwrap(_text("ror", value)))
    found = _ROR_ID.fullmatch(text)
    if found is None:
        raise IdentifierError("ror", value, "a ROR ID is '0', six characters of 0-9 and a-z except i, l, o "
                                            "and u, then two checksum digits, e.g. 02mhbdp94")
    body, check = found[1].lower(), found[2]
    expected = f"{98 - int(body.translate(_CROCKFORD_TO_BASE32), 32) * 100 % 97:02d}"
    if check != expected:
        raise IdentifierError("ror", value, f"ROR ID checksum should be {expected}, got {check}")
    return f"0{body}{check}"


def ror_iri(value: str) -> str:
    """The ROR ID's IRI.

    >>> ror_iri("05dxps055")
    'https://ror.org/05dxps055'
    """
    return ROR_BASE + normalize_ror(value)


@_normalizer
def normalize_funder_id(value: str) -> str:
    """The Crossref Funder Registry DOI of a funder ID, bare number or DOI.

    >>> normalize_funder_id("501100000780")
    '10.13039/501100000780'
    """
    _, text = _after(_FUNDER_PREFIX, _unwrap(_text("funder", value)))
    doi = f"10.13039/{text}" if _INTEGER.fullmatch(text) else normalize_doi(text, strict=False)
    if doi is None or not _FUNDER_DOI.fullmatch(doi):
        raise IdentifierError("funder", value, "a Crossref Funder ID is a number or the DOI 10.13039/ "
                                               "and a number, e.g. 10.13039/501100000780")
    return doi


def funder_iri(value: str) -> str:
    """The funder's DOI IRI.

    >>> funder_iri("http://dx.doi.org/10.13039/100000001")
    'https://doi.org/10.13039/100000001'
    """
    return doi_iri(normalize_funder_id(value))

