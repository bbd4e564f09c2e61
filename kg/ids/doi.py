"""DOIs, and PDB entries, which are named by their DOIs: normalising, their canonical IRIs, and
reading a DOI back out of an IRI.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import unquote

from kg.errors import IdentifierError
from kg.ids.iris import DOI_BASE, KG_BASE, _escape
from kg.ids.pasted import _ASCII_LOWER, _FLAGS, _after, _normalizer, _text, _unwrap

_DOI_PREFIX = re.compile(r"(?:(?P<url>(?:https?://)?(?:dx\.|www\.)?doi\.org/)|doi\s*:\s*|doi\s+|info:doi/)+",
                         _FLAGS)
_REGISTRANT = re.compile(r"10\.[0-9]+(?:\.[0-9]+)*", re.A)
_PDB_PREFIX = re.compile(r"pdb(?:\s*id)?\s*[:\s]\s*", _FLAGS)
# Extended IDs zero-padded to a classic ID are that ID; others keep "pdb_", as does their DOI.
_PDB_ID = re.compile(r"(?:pdb_?(?:0000)?)?([0-9][0-9a-z]{3})|(pdb_(?!0000)[0-9a-z]{8})", _FLAGS)
_PDB_DOI = re.compile(r"10\.2210/(pdb(?:[0-9][0-9a-z]{3}|_(?!0000)[0-9a-z]{8}))/pdb", re.A)
_MAYBE_UNSAFE = re.compile(r'[^!$&-;=@-Z_a-z~]')
# General categories Cc (C0, DEL, C1) and Cs (surrogates), as one character class.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@_normalizer
def normalize_doi(value: str) -> str:
    """The canonical DOI: no prefix or URL, percent-escapes decoded, ASCII lower-cased, NFC.

    >>> normalize_doi(" https://dx.doi.org/10.7554/eLife.01567. ")
    '10.7554/elife.01567'
    >>> normalize_doi("doi:11.1/x", strict=False) is None
    True
    """
    text = _unwrap(_text("doi", value))
    found = _DOI_PREFIX.match(text)
    if found:
        text = text[found.end():]
    # A URL path is percent-encoded; a bare DOI is only when even its '/' is ("10.1000%2Fabc").
    # Everything after "doi.org/" is the DOI: DOI links are printed unescaped, '?' and '#' included.
    if (found and found["url"]) or ("/" not in text and "%2f" in text.lower()):
        try:
            text = unquote(text, errors="strict")
        except UnicodeDecodeError:
            raise IdentifierError("doi", value, "its %-escapes do not decode as UTF-8") from None
    # DOIs are case-insensitive for ASCII only (DOI Handbook 2.4); NFC so equal text is one DOI.
    doi = _unwrap(unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(_ASCII_LOWER)))
    registrant, slash, suffix = doi.partition("/")
    if not doi.startswith("10."):
        reason = "a DOI starts with '10.' followed by a registrant code and '/', e.g. 10.7554/elife.01567"
    elif not slash:
        reason = "a DOI needs a '/' between the registrant code and the suffix"
    elif not _REGISTRANT.fullmatch(registrant):
        reason = f"the registrant code {registrant!r} must be '10.' and digits, with dots, then '/'"
    elif not suffix:
        reason = f"the suffix after '{registrant}/' is empty"
    elif _CONTROL.search(doi):
        reason = "a DOI cannot contain control characters such as tabs or line breaks"
    elif hidden := re.search("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
                             "\ufeff]", doi):
        # invisible and bidi-control characters make two DOIs look alike (issue 13, finding 8)
        reason = (f"it holds the invisible or bidirectional-control character U+{ord(hidden[0]):04X} "
                  f"({unicodedata.name(hidden[0], 'unnamed')}) at position {hidden.start() + 1}; "
                  "delete it or retype the DOI")
    else:
        return doi
    raise IdentifierError("doi", value, reason)


@functools.lru_cache(maxsize=1 << 16)  # the same DOIs recur across records (cited works, funders)
def doi_iri(value: str) -> str:
    """The canonical IRI of a DOI in any accepted form (idempotent).

    >>> doi_iri("DOI: 10.1002/(SICI)1097-4636(199605)31:1<1::AID-JBM1>3.0.CO;2-R")
    'https://doi.org/10.1002/(sici)1097-4636(199605)31:1%3C1::aid-jbm1%3E3.0.co;2-r'
    """
    return DOI_BASE + _escape(normalize_doi(value))


def doi_prefix(value: str) -> str:
    """The prefix (registrant code) of a DOI in any accepted form.

    >>> doi_prefix("https://doi.org/10.5061/DRYAD.cv323")
    '10.5061'
    """
    return normalize_doi(value).split("/", 1)[0]


def doi_prefix_iri(prefix: str) -> str:
    """The node of a DOI prefix (what its registration agency is said of).

    >>> doi_prefix_iri("10.5061")
    'https://w3id.org/evidence-kg/doi-prefix/10.5061'
    """
    return f"{KG_BASE}doi-prefix/{prefix}"


def doi_from_iri(iri: str) -> str:
    """The normalized DOI named by a doi.org IRI; raises IdentifierError for any other text.

    >>> doi_from_iri("https://doi.org/10.1/a%20b%3Cc%3E")
    '10.1/a b<c>'
    """
    found = _DOI_PREFIX.match(_unwrap(_text("doi", iri)))
    if found is None or found["url"] is None:
        raise IdentifierError("doi", iri, f"a DOI IRI starts with {DOI_BASE}")
    return normalize_doi(iri)


def doi_or_iri(iri: str, *, unescape: bool = True) -> str:
    """The DOI a doi.org IRI names, for showing it (percent-escapes decoded unless ``unescape=False``);
    any other IRI unchanged.

    >>> doi_or_iri("https://doi.org/10.1/a%20b"), doi_or_iri("https://doi.org/10.1/a%20b", unescape=False)
    ('10.1/a b', '10.1/a%20b')
    >>> doi_or_iri("https://www.ebi.ac.uk/emdb/EMD-1234")
    'https://www.ebi.ac.uk/emdb/EMD-1234'
    """
    if not iri.startswith(DOI_BASE):
        return iri
    doi = iri[len(DOI_BASE):]
    return unquote(doi) if unescape else doi


def _pdb_code(text: str) -> str | None:
    found = _PDB_ID.fullmatch(text)
    return None if found is None else (found[1] or found[2]).upper()


@_normalizer
def normalize_pdb_id(value: str) -> str:
    """The upper-case PDB ID; an extended ID "pdb_0000xxxx" becomes the 4-character ID.

    >>> normalize_pdb_id("PDB ID: 6gv0"), normalize_pdb_id("pdb_00006gv0"), normalize_pdb_id("pdb_1abc6gv0")
    ('6GV0', '6GV0', 'PDB_1ABC6GV0')
    """
    _, text = _after(_PDB_PREFIX, _unwrap(_text("pdb", value)))
    doi = normalize_doi(text, strict=False)
    code = pdb_id_from_doi(doi) if doi else _pdb_code(text)
    if code is None:
        raise IdentifierError("pdb", value, "a PDB ID is a digit and three letters or digits, e.g. 6GV0, "
                                            "or its DOI 10.2210/pdb6gv0/pdb")
    return code


def pdb_iri(value: str) -> str:
    """The PDB entry's DOI IRI (extended IDs as "10.2210/pdb_xxxxxxxx/pdb").

    >>> pdb_iri("6GV0")
    'https://doi.org/10.2210/pdb6gv0/pdb'
    """
    code = normalize_pdb_id(value).lower()
    return f"{DOI_BASE}10.2210/pdb{code.removeprefix('pdb')}/pdb"


def pdb_id_from_doi(doi: str) -> str | None:
    """The PDB ID of a PDB entry's DOI; None for any other DOI, or text that is not a DOI.

    >>> pdb_id_from_doi("10.2210/pdb6gv0/pdb"), pdb_id_from_doi("10.7554/elife.01567")
    ('6GV0', None)
    """
    found = _PDB_DOI.fullmatch(normalize_doi(doi, strict=False) or "")
    return None if found is None else _pdb_code(found[1])

