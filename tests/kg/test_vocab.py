"""The relation catalogue: complete, consistent, and what the loaders read."""

from __future__ import annotations

import pytest

from kg.vocab import (
    CITO,
    EVIDENCE_PROPERTY,
    KG,
    PREFIXES,
    catalogue,
    curie,
    evidence_edges,
    inverse,
    relation,
    relation_key,
    relations,
    relations_by_iri,
)

#: Every relationType of the DataCite Metadata Schema 4.6.
DATACITE_RELATION_TYPES = """
IsCitedBy Cites IsSupplementTo IsSupplementedBy IsContinuedBy Continues IsDescribedBy Describes
HasMetadata IsMetadataFor HasVersion IsVersionOf IsNewVersionOf IsPreviousVersionOf IsPartOf HasPart
IsPublishedIn IsReferencedBy References IsDocumentedBy Documents IsCompiledBy Compiles
IsVariantFormOf IsOriginalFormOf IsIdenticalTo IsReviewedBy Reviews IsDerivedFrom IsSourceOf
IsRequiredBy Requires IsObsoletedBy Obsoletes IsCollectedBy Collects IsTranslationOf HasTranslation
""".split()

#: Every key of Crossref's `relation` object (schema relations.xsd), plus the odd keys the API
#: really returns (new_version, correction, is-component-of).
CROSSREF_RELATION_KEYS = """
is-expression-of has-expression is-format-of has-format is-identical-to is-manifestation-of
has-manifestation is-manuscript-of has-manuscript is-preprint-of has-preprint is-replaced-by replaces
is-translation-of has-translation is-variant-form-of is-original-form-of is-version-of has-version
is-derived-from has-derivation is-review-of has-review is-comment-on has-comment is-reply-to has-reply
based-on-data is-data-basis-for has-related-material is-related-material is-compiled-by compiles
is-documented-by documents is-supplement-to is-supplemented-by is-continued-by continues is-part-of
has-part references is-referenced-by is-based-on is-basis-for requires is-required-by finances
is-financed-by cites is-cited-by is-same-as new_version correction is-component-of has-component
""".split()


@pytest.mark.parametrize("name", DATACITE_RELATION_TYPES + CROSSREF_RELATION_KEYS)
def test_every_source_relation_name_is_in_the_catalogue(name: str) -> None:
    assert relation(name) is not None, f"{name} is missing from ontology/kg.ttl"


@pytest.mark.parametrize("rel", relations(), ids=lambda r: r.label)
def test_every_relation_has_an_inverse_that_points_back(rel) -> None:
    inverse = next((r for r in relations() if r.iri == rel.inverse), None)
    assert inverse is not None, f"{rel.label}: its inverse {rel.inverse} is not in the catalogue"
    assert inverse.inverse == rel.iri
    assert inverse.role == rel.role
    if rel.reliance:
        assert {rel.reliance, inverse.reliance} == {"subject", "object"} or rel.iri == inverse.iri


@pytest.mark.parametrize("rel", relations(), ids=lambda r: r.label)
def test_evidence_roles_say_who_relies_and_others_do_not(rel) -> None:
    if rel.role in ("data", "software", "method", "citation"):
        assert rel.reliance in ("subject", "object")
        assert rel.evidence_property is not None
    else:
        assert rel.reliance is None and rel.evidence_property is None


def test_names_match_whatever_the_case_and_punctuation() -> None:
    assert relation("IsSupplementTo") is relation("is-supplement-to") is relation("isSupplementTo")
    assert relation_key("is_previous-Version_of") == "ispreviousversionof"
    assert relation("IsFrobnicatedBy") is None


def test_known_semantics() -> None:
    supplement = relation("IsSupplementTo")
    assert supplement is not None and (supplement.role, supplement.reliance) == ("data", "object")
    assert supplement.evidence_property == KG.reliesOnData
    cites = relation("Cites")
    assert cites is not None and cites.evidence_property == CITO.cites and cites.reliance == "subject"
    assert relation("HasVersion").role == "version"  # type: ignore[union-attr]
    assert len(catalogue()) >= len(relations()) == 68


def test_the_evidence_edges_are_read_from_the_ontology_with_the_role_of_their_hops() -> None:
    assert evidence_edges() == {KG.reliesOnData.value: "data", KG.reliesOnSoftware.value: "software",
                                KG.reliesOnMethod.value: "method", KG.reliesOn.value: "unspecified",
                                CITO.cites.value: "citation"}


@pytest.mark.parametrize("role", list(EVIDENCE_PROPERTY))
def test_every_evidence_property_a_relation_writes_is_an_evidence_edge(role: str) -> None:
    assert evidence_edges()[EVIDENCE_PROPERTY[role].value] == role


@pytest.mark.parametrize("rel", relations(), ids=lambda r: r.label)
def test_inverse_reads_the_catalogue_both_ways(rel) -> None:
    assert inverse(rel.iri) == rel.inverse
    assert inverse(inverse(rel.iri)) == rel.iri
    assert relations_by_iri()[rel.iri.value] is rel


def test_cito_cites_reads_back_as_is_cited_by_and_anything_else_is_refused() -> None:
    assert inverse(CITO.cites) == KG.isCitedBy
    with pytest.raises(KeyError, match="reliesOn"):
        inverse(KG.reliesOn)


@pytest.mark.parametrize("prefix", list(PREFIXES))
def test_curie_shortens_each_prefix_and_leaves_the_bare_base(prefix: str) -> None:
    assert curie(PREFIXES[prefix] + "x") == f"{prefix}:x"
    assert curie(PREFIXES[prefix]) == PREFIXES[prefix]
