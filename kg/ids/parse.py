"""Recognising an identifier of any kind (:func:`parse_identifier`), for what users type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.errors import IdentifierError
from kg.ids.contributors import (
    _FUNDER_DOI,
    _FUNDER_PREFIX,
    _INTEGER,
    _ORCID_ID,
    _ORCID_PREFIX,
    _ROR_ID,
    _ROR_PREFIX,
    funder_iri,
    normalize_funder_id,
    normalize_orcid,
    normalize_ror,
    orcid_iri,
    ror_iri,
)
from kg.ids.doi import (
    _DOI_PREFIX,
    _PDB_ID,
    _PDB_PREFIX,
    doi_iri,
    normalize_doi,
    normalize_pdb_id,
    pdb_id_from_doi,
    pdb_iri,
)
from kg.ids.literature import (
    _ARXIV_ID,
    _ARXIV_PREFIX,
    _PMCID,
    _PMCID_PREFIX,
    _PMID_PREFIX,
    normalize_arxiv,
    normalize_pmcid,
    normalize_pmid,
)
from kg.ids.pasted import _text, _unwrap


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

