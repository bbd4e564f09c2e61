"""kg.ids.pasted: what every normaliser shares (strings only, blanks refused, ``strict=False``)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kg import ids
from kg.errors import IdentifierError

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
