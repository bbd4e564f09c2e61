"""Identifiers of the literature other than DOIs: PubMed IDs, PMC IDs, arXiv IDs (and the DataCite
DOI arXiv gives each) and Zenodo records (the record pages sources link to, and the DOI Zenodo gives
each).
"""

from __future__ import annotations

import re

from kg.errors import IdentifierError
from kg.ids.doi import doi_iri, normalize_doi
from kg.ids.pasted import _FLAGS, _URL, _after, _normalizer, _text, _unwrap

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
#: the DOI prefix DataCite registers arXiv's IDs under ("10.48550/arXiv.2101.00001"; versions have none)
_ARXIV_DOI = "10.48550/arxiv."
_ZENODO_RECORD = re.compile(r"(?:https?://)?(?:www\.)?zenodo\.org/records?/([0-9]+)/?", _FLAGS)
#: the record pages of a Zenodo record sources write, the current form first
_ZENODO_PAGES = ("https://zenodo.org/records/{}", "https://zenodo.org/record/{}")


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
    if doi is not None and doi.startswith(_ARXIV_DOI):
        text = doi.removeprefix(_ARXIV_DOI)
    found = _ARXIV_ID.fullmatch(text)
    if found is None:
        raise IdentifierError("arxiv", value, "an arXiv ID is yymm.number, e.g. 2101.00001 or 2101.00001v2, "
                                              "or archive/yymmnnn, e.g. hep-th/9901001")
    version = (found["version"] or "").lower()
    if found["new"]:
        return found["new"] + version
    return f"{found['archive'].lower()}{(found['subject'] or '').upper()}/{found['number']}{version}"


def arxiv_doi(value: str) -> str:
    """The DataCite DOI of an arXiv ID (of the paper: any version is dropped).

    >>> arxiv_doi("arXiv:2101.00001v2"), arxiv_doi("hep-th/9901001")
    ('10.48550/arxiv.2101.00001', '10.48550/arxiv.hep-th/9901001')
    """
    arxiv = normalize_arxiv(value)
    return _ARXIV_DOI + re.sub(r"v[1-9][0-9]*$", "", arxiv)


def arxiv_doi_iri(value: str) -> str:
    """The IRI of the DataCite DOI of an arXiv ID.

    >>> arxiv_doi_iri("2101.00001v2")
    'https://doi.org/10.48550/arxiv.2101.00001'
    """
    return doi_iri(arxiv_doi(value))


@_normalizer
def normalize_zenodo_record(value: str) -> str:
    """The number of a Zenodo record, from its page's URL.

    >>> normalize_zenodo_record("https://zenodo.org/record/4456817/"), normalize_zenodo_record("x", strict=False)
    ('4456817', None)
    """
    found = _ZENODO_RECORD.fullmatch(_unwrap(_text("zenodo", value)))
    if found is None or int(found[1]) == 0:
        raise IdentifierError("zenodo", value, "a Zenodo record is named by its page, "
                                               "https://zenodo.org/records/ and a number")
    return str(int(found[1]))


def zenodo_record_pages(value: str) -> tuple[str, ...]:
    """The pages of a Zenodo record as sources link to them, the current form first.

    >>> zenodo_record_pages("https://zenodo.org/record/4456817")
    ('https://zenodo.org/records/4456817', 'https://zenodo.org/record/4456817')
    """
    number = normalize_zenodo_record(value) if not (value.isascii() and value.isdigit()) else str(int(value))
    return tuple(page.format(number) for page in _ZENODO_PAGES)


def zenodo_doi_iri(value: str) -> str:
    """The IRI of the DOI Zenodo gives a record (``10.5281/zenodo.{number}``).

    >>> zenodo_doi_iri("4456817")
    'https://doi.org/10.5281/zenodo.4456817'
    """
    number = normalize_zenodo_record(value) if not (value.isascii() and value.isdigit()) else str(int(value))
    return doi_iri(f"10.5281/zenodo.{number}")
