"""kg.ids.parse: recognising an identifier of any kind."""

from __future__ import annotations

import re

import pytest

from kg import ids
from kg.errors import IdentifierError
from kg.ids import Identifier

SICI = "10.1002/(sici)1097-4636(199605)31:1<1::aid-jbm1>3.0.co;2-r"
SICI_IRI = "https://doi.org/10.1002/(sici)1097-4636(199605)31:1%3C1::aid-jbm1%3E3.0.co;2-r"


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
