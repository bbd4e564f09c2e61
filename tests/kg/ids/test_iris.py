"""kg.ids.iris: the IRIs kg mints (named graphs, shared nodes)."""

from __future__ import annotations

import re

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.errors import IdentifierError

# --- graph IRIs ------------------------------------------------------------------------------

def test_graph_iri_names_source_and_record() -> None:
    assert ids.graph_iri("crossref", "10.7554/elife.01567") == \
        "https://w3id.org/evidence-kg/graph/crossref/10.7554/elife.01567"
    assert ids.META_GRAPH == "https://w3id.org/evidence-kg/graph/meta"


def test_graph_iri_escapes_local_id_like_doi_iri() -> None:
    local_id = "10.1/a b<c>#?%"
    iri = ids.graph_iri("datacite", local_id)
    assert iri == "https://w3id.org/evidence-kg/graph/datacite/10.1/a%20b%3Cc%3E%23%3F%25"
    assert iri.removeprefix(ids.KG_BASE + "graph/datacite/") == \
        ids.doi_iri(local_id).removeprefix(ids.DOI_BASE)
    assert NamedNode(iri).value == iri


@pytest.mark.parametrize(("source", "local_id", "message"), [
    ("Cross Ref", "x", "not a valid source: \"'Cross Ref'\" (a source name is lower-case letters"),
    ("", "x", "a source name is lower-case letters"),
    ("crossref", "", "not a valid record id: '' (the value is empty)"),
])
def test_graph_iri_rejects_bad_source_or_empty_id(source: str, local_id: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=re.escape(message)):
        ids.graph_iri(source, local_id)


def test_shared_iri_ignores_case_and_spacing_and_keeps_keys_apart() -> None:
    assert ids.shared_iri("org", "University of  Lausanne") == ids.shared_iri("org", "university of lausanne")
    assert ids.shared_iri("related", "geo", "GSE1") != ids.shared_iri("related", "geoGSE1")
    assert ids.shared_iri("org", "x").startswith(ids.KG_BASE + "org/")
    assert ids.shared_iri("related", "geo", "GSE12345") == \
        "https://w3id.org/evidence-kg/related/690358b30ee0f8ea696f"
