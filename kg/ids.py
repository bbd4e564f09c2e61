"""Identifiers: the one place that parses DOIs, ORCIDs, ROR IDs, funder IDs, PDB IDs, PMIDs,
PMC IDs, arXiv IDs and archive accessions (:data:`ARCHIVES`), and mints their canonical IRIs
(ARCHITECTURE.md, "Identifiers").

Every ``normalize_*`` function accepts the forms people paste (bare, prefixed, URL, quoted,
followed by a full stop) and returns one canonical string, or raises :class:`IdentifierError`
saying what was wrong. ``strict=False`` returns ``None`` instead of raising, for any bad input,
including a value that is not a string.

IRIs are escaped by one rule (:func:`_escape`): ASCII characters an IRI path cannot hold
unescaped (controls, space, ``<>"{}|\\^`%#?[]``) and non-ASCII characters outside RFC 3987
``ucschar`` (private use, non-characters, C1 controls) are percent-encoded as UTF-8 with
upper-case hex; ``/`` and every other non-ASCII character stay as they are.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, cast, overload
from urllib.parse import unquote

from kg.errors import IdentifierError

DOI_BASE = "https://doi.org/"
ORCID_BASE = "https://orcid.org/"
ROR_BASE = "https://ror.org/"
KG_BASE = "https://w3id.org/evidence-kg/"
META_GRAPH = KG_BASE + "graph/meta"

# re.A: \s, \d and IGNORECASE stay ASCII, so "ſ" (long s) or the Kelvin sign never match a letter.
_FLAGS = re.A | re.I
_URL = r"(?:https?://)?(?:www\.)?"
_DOI_PREFIX = re.compile(r"(?:(?P<url>(?:https?://)?(?:dx\.|www\.)?doi\.org/)|doi\s*:\s*|doi\s+|info:doi/)+",
                         _FLAGS)
_REGISTRANT = re.compile(r"10\.[0-9]+(?:\.[0-9]+)*", re.A)
_ORCID_PREFIX = re.compile(rf"orcid(?:\s*id)?\s*[:\s]\s*|{_URL}orcid\.org/", _FLAGS)
_ORCID_ID = re.compile(r"([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{3})([0-9X])", _FLAGS)
_ROR_PREFIX = re.compile(rf"ror(?:\s*id)?\s*[:\s]\s*|{_URL}ror\.org/", _FLAGS)
_ROR_ID = re.compile(r"0([0-9a-hjkmnp-tv-z]{6})([0-9]{2})", _FLAGS)
_FUNDER_PREFIX = re.compile(r"funder(?:\s*id)?\s*[:\s]\s*", _FLAGS)
_FUNDER_DOI = re.compile(r"10\.13039/([0-9]+)", re.A)
_PDB_PREFIX = re.compile(r"pdb(?:\s*id)?\s*[:\s]\s*", _FLAGS)
# Extended IDs zero-padded to a classic ID are that ID; others keep "pdb_", as does their DOI.
_PDB_ID = re.compile(r"(?:pdb_?(?:0000)?)?([0-9][0-9a-z]{3})|(pdb_(?!0000)[0-9a-z]{8})", _FLAGS)
_PDB_DOI = re.compile(r"10\.2210/(pdb(?:[0-9][0-9a-z]{3}|_(?!0000)[0-9a-z]{8}))/pdb", re.A)
_PMID_PREFIX = re.compile(rf"(?:pmid|pubmed)\s*[:\s]\s*|{_URL}(?:pubmed\.ncbi\.nlm\.nih\.gov/"
                          r"|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:article|abstract)/med/)", _FLAGS)
_PMCID_PREFIX = re.compile(rf"(?P<label>pmcid\s*[:\s]\s*)|{_URL}(?:ncbi\.nlm\.nih\.gov/pmc/articles/"
                           r"|pmc\.ncbi\.nlm\.nih\.gov/articles/|europepmc\.org/(?:(?:article|abstract)/pmc/"
                           r"|articles?/))", _FLAGS)
_PMCID = re.compile(r"(pmc)?([0-9]+)", _FLAGS)
_ARXIV_PREFIX = re.compile(r"arxiv\s*:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", _FLAGS)
_ARXIV_ID = re.compile(r"(?:(?P<new>[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5})|(?P<archive>[a-z]+(?:-[a-z]+)*)"
                       r"(?P<subject>\.[a-z]{2})?/(?P<number>[0-9]{7}))(?P<version>v[1-9][0-9]*)?"
                       r"(?:\.pdf)?(?:\s*\[[a-z.-]+\])?", _FLAGS)
_INTEGER = re.compile(r"[0-9]+", re.A)
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]*", re.A)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PAIRS = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb",
          "(": ")", "[": "]", "<": ">", "{": "}"}
_IRI_UNSAFE_ASCII = frozenset(' <>"{}|\\^`%#?[]')
# Crockford base32 (no i, l, o, u) to the digits int(x, 32) reads.
_CROCKFORD_TO_BASE32 = str.maketrans("abcdefghjkmnpqrstvwxyz", "abcdefghijklmnopqrstuv")


def _text(kind: str, value: object) -> str:
    """``value`` itself if it is a non-blank string, else the IdentifierError for ``kind``."""
    if not isinstance(value, str):
        raise IdentifierError(kind, repr(value), f"expected a string, got {type(value).__name__}")
    if not value.strip():
        raise IdentifierError(kind, value, "the value is empty")
    return value


def _unwrap(text: str) -> str:
    """Strip what surrounds an identifier pasted from prose: whitespace, enclosing quotes or
    brackets, trailing '.', ',' or ';', and a trailing ')' or ']' that closes nothing."""
    while True:
        before = text
        text = text.strip().rstrip(".,;")
        if len(text) >= 2 and _PAIRS.get(text[0]) == text[-1]:
            text = text[1:-1]
        for opener, closer in ("()", "[]"):
            if text.endswith(closer) and text.count(closer) > text.count(opener):
                text = text[:-1]
        if text == before:
            return text


def _after(prefix: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """The match of ``prefix`` at the start of ``text`` and what follows it; for a URL, without
    query, fragment or trailing '/' (none is part of these identifiers)."""
    found = prefix.match(text)
    if found is None:
        return None, text
    rest = text[found.end():]
    if "/" in found.group():
        rest = re.split(r"[?#]", rest, maxsplit=1)[0].rstrip("/")
    return found, rest


def _is_ucschar(code: int) -> bool:
    """RFC 3987 ``ucschar``: the non-ASCII code points an IRI path may hold unescaped."""
    return (0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF
            or (0x10000 <= code <= 0xEFFFD and code & 0xFFFF <= 0xFFFD and not 0xE0000 <= code < 0xE1000))


# Any character _escape may have to encode: one regex search spares the per-character work
# for the usual plain-ASCII DOI.
_MAYBE_UNSAFE = re.compile(r'[^!$&-;=@-Z_a-z~]')
# General categories Cc (C0, DEL, C1) and Cs (surrogates), as one character class.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(text: str) -> str:
    """Percent-encode what an IRI path cannot hold unescaped; '/' stays (see module docstring)."""
    if not _MAYBE_UNSAFE.search(text):
        return text

    def escaped(char: str) -> str:
        code = ord(char)
        if (0x20 < code < 0x7F and char not in _IRI_UNSAFE_ASCII) or (code >= 0x80 and _is_ucschar(code)):
            return char
        return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return "".join(map(escaped, text))


class _Normalizer(Protocol):
    """A ``normalize_*`` function: ``strict=False`` turns any IdentifierError into None."""

    @overload
    def __call__(self, value: str, *, strict: Literal[True] = ...) -> str: ...
    @overload
    def __call__(self, value: str, *, strict: bool) -> str | None: ...


def _normalizer(parse: Callable[[str], str]) -> _Normalizer:
    """Add the ``strict`` keyword (curies' convention) to a parser that raises IdentifierError."""
    def normalize(value: str, *, strict: bool = True) -> str | None:
        try:
            return parse(value)
        except IdentifierError:
            if strict:
                raise
            return None
    # Not functools.wraps: its __wrapped__ would make help() show the signature without strict.
    normalize.__name__ = normalize.__qualname__ = parse.__name__
    normalize.__doc__ = parse.__doc__
    return cast(_Normalizer, normalize)


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


def doi_from_iri(iri: str) -> str:
    """The normalized DOI named by a doi.org IRI; raises IdentifierError for any other text.

    >>> doi_from_iri("https://doi.org/10.1/a%20b%3Cc%3E")
    '10.1/a b<c>'
    """
    found = _DOI_PREFIX.match(_unwrap(_text("doi", iri)))
    if found is None or found["url"] is None:
        raise IdentifierError("doi", iri, f"a DOI IRI starts with {DOI_BASE}")
    return normalize_doi(iri)


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


@_normalizer
def normalize_pmid(value: str) -> str:
    """The PubMed ID as a number without leading zeros.

    >>> normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/33462295/")
    '33462295'
    """
    _, text = _after(_PMID_PREFIX, _unwrap(_text("pmid", value)))
    if not _INTEGER.fullmatch(text) or int(text) == 0:
        raise IdentifierError("pmid", value, "a PubMed ID is a positive whole number, e.g. 33462295")
    return str(int(text))


@_normalizer
def normalize_pmcid(value: str) -> str:
    """The PMC ID, "PMC" and a number.

    >>> normalize_pmcid("pmcid:7814031"), normalize_pmcid("https://europepmc.org/article/PMC/pmc7814031")
    ('PMC7814031', 'PMC7814031')
    """
    found, text = _after(_PMCID_PREFIX, _unwrap(_text("pmcid", value)))
    number = _PMCID.fullmatch(text)
    if number is None or int(number[2]) == 0 or not (number[1] or (found and found["label"])):
        raise IdentifierError("pmcid", value, "a PMC ID is 'PMC' and a number, e.g. PMC7814031 "
                                              "(a bare number needs the prefix 'pmcid:')")
    return f"PMC{int(number[2])}"


@_normalizer
def normalize_arxiv(value: str) -> str:
    """The arXiv ID, version kept if given.

    >>> normalize_arxiv("https://arxiv.org/pdf/2101.00001v2.pdf"), normalize_arxiv("arXiv:math.ag/0601001")
    ('2101.00001v2', 'math.AG/0601001')
    """
    _, text = _after(_ARXIV_PREFIX, _unwrap(_text("arxiv", value)))
    doi = normalize_doi(text, strict=False)
    if doi is not None and doi.startswith("10.48550/arxiv."):
        text = doi.removeprefix("10.48550/arxiv.")
    found = _ARXIV_ID.fullmatch(text)
    if found is None:
        raise IdentifierError("arxiv", value, "an arXiv ID is yymm.number, e.g. 2101.00001 or 2101.00001v2, "
                                              "or archive/yymmnnn, e.g. hep-th/9901001")
    version = (found["version"] or "").lower()
    if found["new"]:
        return found["new"] + version
    return f"{found['archive'].lower()}{(found['subject'] or '').upper()}/{found['number']}{version}"


@dataclass(frozen=True)
class Identifier:
    """An identifier whose kind :func:`parse_identifier` recognised."""

    #: one of "doi", "orcid", "ror", "funder", "pdb", "pmid", "pmcid", "arxiv"
    kind: str
    #: the normalized value, as the kind's ``normalize_*`` function returns it
    value: str
    #: the canonical IRI for doi, orcid, ror, funder and pdb; None for pmid, pmcid and arxiv
    iri: str | None


_KINDS: dict[str, tuple[Callable[[str], str], Callable[[str], str] | None]] = {
    "doi": (normalize_doi, doi_iri), "orcid": (normalize_orcid, orcid_iri), "ror": (normalize_ror, ror_iri),
    "funder": (normalize_funder_id, funder_iri), "pdb": (normalize_pdb_id, pdb_iri),
    "pmid": (normalize_pmid, None), "pmcid": (normalize_pmcid, None), "arxiv": (normalize_arxiv, None)}
_PREFIXED = (("orcid", _ORCID_PREFIX), ("ror", _ROR_PREFIX), ("funder", _FUNDER_PREFIX), ("pdb", _PDB_PREFIX),
             ("pmid", _PMID_PREFIX), ("pmcid", _PMCID_PREFIX), ("arxiv", _ARXIV_PREFIX))


def _identify(kind: str, text: str) -> Identifier:
    normalize, iri = _KINDS[kind]
    value = normalize(text)
    return Identifier(kind, value, iri(value) if iri else None)


def parse_identifier(value: str) -> Identifier:
    """Recognise an identifier of any kind: prefixes and URLs first, then DOIs, then bare forms.

    A bare number could be a PMID, a PMC ID or a funder ID, so it needs a prefix.

    >>> parse_identifier("https://doi.org/10.2210/pdb6gv0/pdb")
    Identifier(kind='pdb', value='6GV0', iri='https://doi.org/10.2210/pdb6gv0/pdb')
    >>> parse_identifier("33462295")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.IdentifierError: not a valid identifier: '33462295' (a bare number is ambiguous: write pmid:...)
    """
    text = _unwrap(_text("identifier", value))
    for kind, prefix in _PREFIXED:
        if prefix.match(text):
            return _identify(kind, text)
    if _DOI_PREFIX.match(text) or text.startswith("10."):
        doi = normalize_doi(text)
        kind = "funder" if _FUNDER_DOI.fullmatch(doi) else "pdb" if pdb_id_from_doi(doi) else "doi"
        return _identify(kind, doi)
    if _INTEGER.fullmatch(text):
        raise IdentifierError("identifier", value, f"a bare number is ambiguous: write pmid:{text}, "
                                                   f"pmcid:{text} or funder:{text}")
    if _ORCID_ID.fullmatch(text) and text.count("-") == 3:
        return _identify("orcid", text)
    for kind, pattern in (("pdb", _PDB_ID), ("pmcid", _PMCID), ("arxiv", _ARXIV_ID), ("ror", _ROR_ID)):
        if pattern.fullmatch(text):
            return _identify(kind, text)
    raise IdentifierError("identifier", value, "expected a DOI (10.xxxx/...), an ORCID, a ROR ID, a PDB ID, "
                                               "PMC..., an arXiv ID, pmid:..., funder:..., or a URL of one")


def graph_iri(source: str, local_id: str) -> str:
    """The IRI of the named graph holding one source record; ``local_id`` escaped like a DOI.

    >>> graph_iri("crossref", "10.7554/elife.01567")
    'https://w3id.org/evidence-kg/graph/crossref/10.7554/elife.01567'
    """
    if not isinstance(source, str) or not _SOURCE.fullmatch(source):
        raise IdentifierError("source", repr(source), "a source name is lower-case letters, digits, '-' "
                                                      "and '_', e.g. crossref")
    return f"{KG_BASE}graph/{source}/{_escape(_text('record id', local_id))}"


# ------------------------------------------------------------------------------ archive accessions


@dataclass(frozen=True)
class Archive:
    """An archive whose records are named by accessions, and the IRIs sources write for them."""

    #: the archive's name in messages, e.g. "EMDB"
    name: str
    #: a valid accession, for messages and docs
    example: str
    #: what an accession looks like, for messages
    form: str
    #: the upper-cased accession, whole (group 1, when present, is the number of an EMDB map)
    pattern: re.Pattern[str]
    #: labels and URLs written before an accession ("GEO:", identifiers.org, the archive's pages)
    prefix: re.Pattern[str]
    #: the canonical IRI, then the other IRIs sources use for a record ("{}" is the accession)
    iris: tuple[str, ...]
    #: the scheme names sources give these accessions (lower case; "accession" is Crossref's id-type)
    schemes: tuple[str, ...]


def _archive_prefix(labels: str, urls: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{labels})\s*[:\s]\s*|(?:https?://)?(?:www\.)?(?:{urls})", _FLAGS)


_EBI = r"ebi\.ac\.uk/"
_NCBI = r"ncbi\.nlm\.nih\.gov/"
_ENA_VIEW = "https://www.ebi.ac.uk/ena/browser/view/{}"
_IDORG = "https://identifiers.org/"

#: accession kinds by name; each has a ``normalize_<kind>`` function and its IRIs (:func:`accession_iris`)
ARCHIVES: dict[str, Archive] = {
    "emdb": Archive("EMDB", "EMD-1234", "an EMDB accession is 'EMD-' and four or five digits",
                    re.compile(r"EMD[-_]?([0-9]{4,5})", re.A),
                    _archive_prefix("emdb", rf"identifiers\.org/emdb:|{_EBI}(?:pdbe/entry/)?emdb/"),
                    ("https://www.ebi.ac.uk/emdb/{}", _IDORG + "emdb:{}", "https://www.ebi.ac.uk/pdbe/entry/emdb/{}"),
                    ("emdb", "accession")),
    "empiar": Archive("EMPIAR", "EMPIAR-10001", "an EMPIAR accession is 'EMPIAR-' and five digits",
                      re.compile(r"EMPIAR-[0-9]{5}", re.A),
                      _archive_prefix("empiar", rf"identifiers\.org/empiar:|{_EBI}empiar/(?:entry/)?"),
                      ("https://www.ebi.ac.uk/empiar/{}", _IDORG + "empiar:{}", "https://doi.org/10.6019/{}"),
                      ("empiar", "accession")),
    "geo": Archive("GEO", "GSE12345", "a GEO accession is GSE, GSM, GDS or GPL and a number",
                   re.compile(r"G(?:SE|SM|DS|PL)[1-9][0-9]{0,8}", re.A),
                   _archive_prefix("geo", rf"identifiers\.org/geo:|{_NCBI}geo/query/acc\.cgi\?acc="),
                   ("https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={}", _IDORG + "geo:{}"),
                   ("geo", "accession")),
    "arrayexpress": Archive("ArrayExpress", "E-MTAB-1234",
                            "an ArrayExpress accession is 'E-', four letters, '-' and a number, e.g. E-GEOD-1234",
                            re.compile(r"E-[A-Z]{4}-[1-9][0-9]{0,8}", re.A),
                            _archive_prefix("arrayexpress", rf"identifiers\.org/arrayexpress:|{_EBI}(?:biostudies/"
                                                            r"(?:arrayexpress/)?studies/|arrayexpress/experiments/)"),
                            ("https://www.ebi.ac.uk/biostudies/arrayexpress/studies/{}", _IDORG + "arrayexpress:{}",
                             "https://www.ebi.ac.uk/arrayexpress/experiments/{}",
                             "https://www.ebi.ac.uk/arrayexpress/experiments/{}/"),
                            ("arrayexpress", "accession")),
    "insdc": Archive("GenBank/ENA/DDBJ", "MN908947",
                     "a GenBank/ENA/DDBJ nucleotide accession is one letter and five digits or two letters and six "
                     "or eight digits, optionally '.' and a version",
                     re.compile(r"(?:[A-Z][0-9]{5}|[A-Z]{2}(?:[0-9]{6}|[0-9]{8}))(?:\.[1-9][0-9]{0,3})?", re.A),
                     _archive_prefix("genbank|ena|ddbj|insdc", rf"identifiers\.org/(?:insdc|ena\.embl):"
                                                               rf"|{_EBI}ena/(?:browser|data)/view/|{_NCBI}nuccore/"),
                     (_ENA_VIEW, "https://www.ncbi.nlm.nih.gov/nuccore/{}", _IDORG + "insdc:{}",
                      _IDORG + "ena.embl:{}"),
                     ("insdc", "genbank", "ena", "ena.embl", "ddbj", "accession")),
    "uniprot": Archive("UniProt", "P69905", "a UniProt accession is six or ten letters and digits, e.g. P69905 or "
                                            "A0A023GPI8",
                       re.compile(r"[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2}", re.A),
                       _archive_prefix("uniprot(?:kb)?|swiss-?prot",
                                       r"identifiers\.org/uniprot:|(?:rest\.|purl\.)?uniprot\.org/uniprot(?:kb)?/"),
                       ("https://www.uniprot.org/uniprotkb/{}", "https://www.uniprot.org/uniprot/{}",
                        "http://purl.uniprot.org/uniprot/{}", _IDORG + "uniprot:{}"),
                       ("uniprot", "uniprotkb", "accession")),
    "bioproject": Archive("BioProject", "PRJNA123456", "a BioProject accession is PRJNA, PRJEB or PRJDB and a number",
                          re.compile(r"PRJ[DEN][A-Z][1-9][0-9]{0,8}", re.A),
                          _archive_prefix("bioproject", rf"identifiers\.org/bioproject:|{_NCBI}bioproject/"
                                                        rf"|{_EBI}ena/browser/view/"),
                          ("https://www.ncbi.nlm.nih.gov/bioproject/{}", _IDORG + "bioproject:{}", _ENA_VIEW),
                          ("bioproject", "accession")),
    "sra": Archive("SRA", "SRR1234567", "an SRA accession is SRR, ERR or DRR (or SRX, SRS, SRP, ...) and six to "
                                        "nine digits",
                   re.compile(r"[SED]R[RXSP][0-9]{6,9}", re.A),
                   _archive_prefix("sra", rf"identifiers\.org/insdc\.sra:|{_NCBI}sra/|{_EBI}ena/browser/view/"),
                   ("https://www.ncbi.nlm.nih.gov/sra/{}", _IDORG + "insdc.sra:{}", _ENA_VIEW),
                   ("sra", "insdc.sra", "accession")),
}


def _accession(kind: str, value: str) -> str:
    archive = ARCHIVES[kind]
    _, text = _after(archive.prefix, _unwrap(_text(kind, value)))
    found = archive.pattern.fullmatch(text.translate(_ASCII_UPPER))
    if found is None:
        raise IdentifierError(kind, value, f"{archive.form}, e.g. {archive.example}")
    return f"EMD-{found[1]}" if kind == "emdb" else found.group()


_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


@_normalizer
def normalize_emdb(value: str) -> str:
    """The EMDB accession of a map, "EMD-" and its number.

    >>> normalize_emdb("emd_1234"), normalize_emdb("https://www.ebi.ac.uk/emdb/EMD-12345")
    ('EMD-1234', 'EMD-12345')
    """
    return _accession("emdb", value)


@_normalizer
def normalize_empiar(value: str) -> str:
    """The EMPIAR accession of a raw image data set.

    >>> normalize_empiar("empiar:EMPIAR-10001")
    'EMPIAR-10001'
    """
    return _accession("empiar", value)


@_normalizer
def normalize_geo(value: str) -> str:
    """The GEO accession of a series, sample, data set or platform.

    >>> normalize_geo("https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE12345")
    'GSE12345'
    """
    return _accession("geo", value)


@_normalizer
def normalize_arrayexpress(value: str) -> str:
    """The ArrayExpress accession of an experiment.

    >>> normalize_arrayexpress("https://www.ebi.ac.uk/biostudies/arrayexpress/studies/E-MTAB-1234")
    'E-MTAB-1234'
    """
    return _accession("arrayexpress", value)


@_normalizer
def normalize_insdc(value: str) -> str:
    """The GenBank/ENA/DDBJ (INSDC) nucleotide accession, version kept if given.

    >>> normalize_insdc("GenBank: mn908947.3"), normalize_insdc("AB123", strict=False)
    ('MN908947.3', None)
    """
    return _accession("insdc", value)


@_normalizer
def normalize_uniprot(value: str) -> str:
    """The UniProtKB accession of a protein.

    >>> normalize_uniprot("https://www.uniprot.org/uniprotkb/p69905"), normalize_uniprot("UniProt: A0A023GPI8")
    ('P69905', 'A0A023GPI8')
    """
    return _accession("uniprot", value)


@_normalizer
def normalize_bioproject(value: str) -> str:
    """The BioProject accession of a project.

    >>> normalize_bioproject("bioproject:prjna123456")
    'PRJNA123456'
    """
    return _accession("bioproject", value)


@_normalizer
def normalize_sra(value: str) -> str:
    """The SRA (or ENA, DDBJ) accession of a run, experiment, sample or study.

    >>> normalize_sra("SRA: SRR1234567")
    'SRR1234567'
    """
    return _accession("sra", value)


def accession_iris(kind: str, value: str) -> tuple[str, ...]:
    """The IRIs sources name an accession's record by: the canonical one first (:func:`accession_iri`),
    then identifiers.org and the archive's other pages; a versioned INSDC accession also unversioned.

    >>> accession_iris("geo", "GEO: GSE12345")
    ('https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE12345', 'https://identifiers.org/geo:GSE12345')
    """
    accession = normalize_accession(kind, value)
    forms = [accession, accession.split(".")[0]] if kind == "insdc" else [accession]
    iris = (iri.format(_escape(form)) for iri in ARCHIVES[kind].iris for form in forms)
    # a DOI IRI is lower-cased like every other (EMPIAR's DOIs are 10.6019/EMPIAR-nnnnn)
    return tuple(dict.fromkeys(doi_iri(iri) if iri.startswith(DOI_BASE) else iri for iri in iris))


def accession_iri(kind: str, value: str) -> str:
    """The canonical IRI of an accession: the archive's page of the record, as the mappers write it.

    >>> accession_iri("emdb", "EMD-1234"), accession_iri("uniprot", "P69905")
    ('https://www.ebi.ac.uk/emdb/EMD-1234', 'https://www.uniprot.org/uniprotkb/P69905')
    """
    return accession_iris(kind, value)[0]


_NORMALIZE_ACCESSION: dict[str, _Normalizer] = {
    "emdb": normalize_emdb, "empiar": normalize_empiar, "geo": normalize_geo, "arrayexpress": normalize_arrayexpress,
    "insdc": normalize_insdc, "uniprot": normalize_uniprot, "bioproject": normalize_bioproject, "sra": normalize_sra}


@overload
def normalize_accession(kind: str, value: str, *, strict: Literal[True] = ...) -> str: ...
@overload
def normalize_accession(kind: str, value: str, *, strict: bool) -> str | None: ...


def normalize_accession(kind: str, value: str, *, strict: bool = True) -> str | None:
    """The accession normalised by its kind's ``normalize_<kind>`` (an unknown kind raises, even when not strict).

    >>> normalize_accession("sra", "err000001"), normalize_accession("geo", "GSE0", strict=False)
    ('ERR000001', None)
    """
    if kind not in _NORMALIZE_ACCESSION:
        raise IdentifierError("accession kind", kind, f"expected one of {', '.join(ARCHIVES)}")
    return _NORMALIZE_ACCESSION[kind](value) if strict else _NORMALIZE_ACCESSION[kind](value, strict=False)
