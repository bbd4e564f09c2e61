"""The Crossref mapper, on a record of our own that holds every field it maps."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import RecordError
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD
from loaders.crossref import CrossrefLoader
from tests.loaders.conftest import Edges, fixture_json, raw
from tests.loaders.test_realdata import shacl_violations

WORK = NamedNode("https://doi.org/10.5555/kg.test.1")


@pytest.fixture
def record() -> dict:
    return fixture_json("crossref/work-full.json")["message"]


def mapped(data: dict) -> Edges:
    return Edges(CrossrefLoader.map(raw("crossref", data)))


def test_work_is_named_by_its_lower_case_doi_in_its_own_graph(record: dict) -> None:
    m = mapped(record)
    assert m.mapped.graph.graph.value == "https://w3id.org/evidence-kg/graph/crossref/10.5555/kg.test.1"
    assert m.values(WORK, KG.doi) == {"10.5555/kg.test.1"}
    assert m.objects(WORK, RDF.type) == {SCHEMA.ScholarlyArticle}
    assert m.values(WORK, SCHEMA.additionalType) == {"journal-article"}


def test_title_and_abstract_lose_their_markup(record: dict) -> None:
    m = mapped(record)
    assert m.values(WORK, SCHEMA.name) == {"A test article about shared data"}
    assert m.values(WORK, SCHEMA.abstract) == {"We used the data & the code."}


def test_dates_keep_their_precision(record: dict) -> None:
    m = mapped(record)
    assert m.objects(WORK, SCHEMA.datePublished) == {Literal("2021-03-04", datatype=XSD.date)}
    record["issued"] = {"date-parts": [[2021]]}
    assert mapped(record).objects(WORK, SCHEMA.datePublished) == {Literal("2021", datatype=XSD.gYear)}
    record["issued"] = {"date-parts": [[None]]}
    record.pop("created")
    assert mapped(record).objects(WORK, SCHEMA.datePublished) == set()


def test_authors_are_ordered_roles_naming_orcid_people_and_their_affiliations(record: dict) -> None:
    m = mapped(record)
    slots = m.objects(WORK, SCHEMA.author)
    assert len(slots) == 3
    assert all(m.objects(s, RDF.type) == {SCHEMA.Role} for s in slots)
    by_position = {next(iter(m.values(s, SCHEMA.position))): s for s in slots}
    assert sorted(by_position) == ["1", "2", "3"]
    carberry = NamedNode("https://orcid.org/0000-0002-1825-0097")
    assert m.objects(by_position["1"], SCHEMA.author) == {carberry}
    assert m.objects(carberry, RDF.type) == {SCHEMA.Person}
    assert m.values(carberry, SCHEMA.familyName) == {"Carberry"}
    assert m.objects(by_position["1"], SCHEMA.affiliation) == {NamedNode("https://ror.org/05gq02987")}
    assert m.values(by_position["2"], SCHEMA.name) == {"Lovelace, Ada"}
    (lovelace,) = m.objects(by_position["2"], SCHEMA.author)
    assert lovelace.value.startswith("https://w3id.org/evidence-kg/person/")
    (consortium,) = m.objects(by_position["3"], SCHEMA.author)
    assert m.objects(consortium, RDF.type) == {SCHEMA.Organization}
    assert m.values(consortium, SCHEMA.name) == {"The Test Consortium"}


def test_funders_link_by_funder_id_with_one_grant_per_award(record: dict) -> None:
    m = mapped(record)
    nsf = NamedNode("https://doi.org/10.13039/100000001")
    funders = m.objects(WORK, SCHEMA.funder)
    assert nsf in funders and len(funders) == 2
    grants = m.objects(WORK, SCHEMA.funding)
    assert {next(iter(m.values(g, SCHEMA.identifier))) for g in grants} == {"ABC-123", "DEF-456"}
    assert all(m.objects(g, SCHEMA.funder) == {nsf} for g in grants)


def test_references_with_a_doi_are_citations_and_the_rest_are_counted(record: dict, doi) -> None:
    m = mapped(record)
    assert m.objects(WORK, CITO.cites) == {doi("10.5555/kg.cited.1"), doi("10.5555/kg.cited.2")}
    assert m.values(WORK, KG.unresolvedReferenceCount) == {"1"}
    assert m.values(WORK, KG.referenceCount) == {"3"}


def test_relations_go_through_the_catalogue_with_evidence_edges(record: dict, doi) -> None:
    m = mapped(record)
    dryad = doi("10.5061/dryad.test")
    assert m.objects(WORK, KG.isSupplementedBy) == {dryad}
    assert m.objects(WORK, KG.reliesOnData) == {dryad}
    review = doi("10.5555/kg.review.1")
    assert m.objects(WORK, KG.isReviewedBy) == {review}
    # a review is a stated link, not a citation: no evidence edge either way
    assert m.objects(review, CITO.cites) == set() and m.objects(WORK, CITO.cites).isdisjoint({review})
    assert m.objects(WORK, KG.isPartOf) == {NamedNode("https://portal.issn.org/resource/ISSN/1234-5679")}


def test_source_reported_count_is_kept_apart(record: dict) -> None:
    assert mapped(record).values(WORK, KG.sourceCitationCount) == {"12"}


def test_pdb_doi_is_a_structure_entry_with_its_pdb_id(record: dict) -> None:
    record = {"DOI": "10.2210/pdb4hhb/pdb", "type": "dataset", "title": ["Haemoglobin"]}
    m = mapped(record)
    entry = NamedNode("https://doi.org/10.2210/pdb4hhb/pdb")
    assert m.objects(entry, RDF.type) == {KG.StructureEntry}
    assert m.values(entry, KG.pdbId) == {"4HHB"}


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda r: r.pop("DOI"), "DOI", "is missing"),
    (lambda r: r.update(DOI="11.1/x"), "DOI", "is not a valid DOI"),
    (lambda r: r.update(title=5), "title", "is a number, expected a list"),
    (lambda r: r.update(author="Carberry"), "author", "is a string, expected a list"),
    (lambda r: r.update(author=["Carberry"]), r"author\[0\]", "is a string, expected an object"),
    (lambda r: r.update(title=["x" * 10_000_000]), "title", "is 10,000,000 characters long"),
    (lambda r: r.update(relation={"is-frobnicated-by": [{"id-type": "doi", "id": "10.1/x"}]}),
     "relation.is-frobnicated-by", "not in the catalogue"),
    (lambda r: r.update({"is-referenced-by-count": "many"}), "is-referenced-by-count", "expected a whole number"),
])
def test_bad_record_is_rejected_naming_the_record_and_the_field(record: dict, change, field, message) -> None:
    bad = copy.deepcopy(record)
    change(bad)
    with pytest.raises(RecordError, match=rf"crossref record .*: field '{field}' .*{message}"):
        CrossrefLoader.map(raw("crossref", bad))


def test_records_in_recognises_every_crossref_shape(record: dict) -> None:
    single = {"status": "ok", "message-type": "work", "message": record}
    page = {"status": "ok", "message-type": "work-list", "message": {"items": [record, record]}}
    annual = {"items": [record]}
    assert [len(CrossrefLoader.records_in(d) or []) for d in (single, page, annual, record)] == [1, 2, 1, 1]
    assert CrossrefLoader.records_in({"data": {"type": "dois"}}) is None


def test_a_resource_url_with_brackets_is_escaped_and_the_record_loads_whole(record: dict) -> None:
    data = copy.deepcopy(record)
    data["resource"] = {"primary": {"URL": "https://example.org/article?id=[12]&v=2"}}
    m = Edges(CrossrefLoader.map(raw("crossref", data)))
    work = NamedNode("https://doi.org/" + data["DOI"].lower())
    assert m.values(work, SCHEMA.url) == {"https://example.org/article?id=%5B12%5D&v=2"}
    assert m.objects(work, CITO.cites)

# ---------------------------------------------------------------- references as cited

REFS_WORK = NamedNode("https://doi.org/10.5555/kg.refs.1")
REFS_GRAPH = "https://w3id.org/evidence-kg/graph/crossref/10.5555/kg.refs.1"


def cited_as() -> tuple[Edges, dict[int, NamedNode]]:
    """The references of our fixture that words a reference in every way, by position."""
    m = mapped(fixture_json("crossref/work-references.json")["message"])
    nodes = m.objects(REFS_WORK, KG.citedAs)
    return m, {int(next(iter(m.values(n, SCHEMA.position)))): n for n in nodes}


def test_every_reference_is_a_cited_as_node_in_the_citing_graph_with_or_without_a_doi() -> None:
    m, refs = cited_as()
    assert sorted(refs) == list(range(1, 9))
    assert refs[1] == NamedNode(REFS_GRAPH + "#reference-1")
    assert all(m.objects(n, RDF.type) == {KG.CitedAs} for n in refs.values())
    assert m.objects(refs[7], KG.citedWork) == set()
    assert m.objects(refs[8], KG.citedWork) == set()
    assert m.values(REFS_WORK, KG.referenceCount) == {"8"}
    assert m.values(REFS_WORK, KG.unresolvedReferenceCount) == {"2"}


def test_a_cited_as_node_keeps_the_references_own_metadata(doi) -> None:
    m, refs = cited_as()
    article = refs[1]
    assert m.objects(article, KG.citedWork) == {doi("10.5555/kg.cited.article")}
    assert m.values(article, KG.citedTitle) == {"A cited article"}
    assert m.values(article, KG.citedAuthor) == {"Smith"}
    assert m.objects(article, KG.citedYear) == {Literal("1999", datatype=XSD.gYear)}
    assert m.values(article, KG.citedVenue) == {"J Test"}
    assert m.values(article, KG.citedVolume) == {"12"}
    assert m.values(article, KG.citedFirstPage) == {"34"}
    assert m.values(article, KG.doiAssertedBy) == {"publisher"}
    assert m.values(refs[6], KG.unstructured) == {"Green A. 2010. Something said once. Obscure Proceedings."}
    assert m.values(refs[7], KG.unstructured) == {"White B. A reference without a DOI. 2012."}


def test_a_chapter_is_titled_by_its_article_title_in_its_book_and_a_book_by_its_volume_title() -> None:
    m, refs = cited_as()
    assert m.values(refs[2], KG.citedTitle) == {"A chapter"}
    assert m.values(refs[2], KG.citedVenue) == {"The book it is in"}
    assert m.values(refs[3], KG.citedTitle) == {"A book cited whole"}
    assert m.values(refs[3], KG.citedVenue) == set()
    assert m.objects(refs[3], KG.citedYear) == set()  # "in press" is no year
    assert m.values(refs[4], KG.citedTitle) == {"A series"}


def test_a_reference_field_of_the_wrong_type_is_left_out_with_a_warning_not_the_record() -> None:
    m, refs = cited_as()
    assert m.values(refs[8], KG.citedTitle) == {"A reference whose DOI is broken"}
    assert m.objects(refs[8], KG.citedYear) == set()
    assert any("reference[7].year" in w and "was left out" in w for w in m.mapped.warnings)
    assert any("reference[7].DOI" in w and "not a valid DOI" in w for w in m.mapped.warnings)


def test_references_still_count_as_citations(doi) -> None:
    m, _ = cited_as()
    assert len(m.objects(REFS_WORK, CITO.cites)) == 6


def test_the_shapes_reject_a_cited_as_node_that_breaks_them() -> None:
    """Two titles, a literal cited work, position 0 and no citing work: one violation each."""
    graph = NamedNode(REFS_GRAPH)
    ref = NamedNode(REFS_GRAPH + "#reference-1")
    quads = [Quad(s, p, o, graph) for s, p, o in (
        (ref, RDF.type, KG.CitedAs), (ref, SCHEMA.position, Literal(0)),
        (ref, KG.citedWork, Literal("10.1/y")), (ref, KG.citedTitle, Literal("A")), (ref, KG.citedTitle, Literal("B")))]
    violations = shacl_violations(quads, limit=100)
    paths = Counter(v.split(" ")[1] for v in violations)
    assert paths == Counter({"(alternative-path)": 1, SCHEMA.position.value: 1, KG.citedWork.value: 1,
                             KG.citedTitle.value: 1}), "\n".join(violations)
