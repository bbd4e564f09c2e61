"""The DataCite mapper, on a record of our own that holds every field it maps."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.errors import RecordError
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD
from loaders.datacite import DataciteLoader
from tests.loaders.conftest import Edges, fixture_json, raw

WORK = NamedNode("https://doi.org/10.5281/zenodo.999001")


@pytest.fixture
def record() -> dict:
    return fixture_json("datacite/software-full.json")["data"]


def mapped(data: dict) -> Edges:
    return Edges(DataciteLoader.map(raw("datacite", data)))


def test_software_is_typed_titled_dated_and_versioned(record: dict) -> None:
    m = mapped(record)
    assert m.objects(WORK, RDF.type) == {SCHEMA.SoftwareSourceCode}
    assert m.values(WORK, SCHEMA.name) == {"kgtool: a test tool"}
    assert m.values(WORK, SCHEMA.alternateName) == {"kgtool"}
    assert m.objects(WORK, SCHEMA.datePublished) == {Literal("2022-05-06", datatype=XSD.date)}
    assert m.values(WORK, SCHEMA.version) == {"v1.2.0"}
    assert m.values(WORK, KG.pmid) == {"33462295"}
    assert m.values(WORK, SCHEMA.abstract) == {"A tool."}


def test_creators_with_orcid_ror_and_organisations(record: dict) -> None:
    m = mapped(record)
    slots = {next(iter(m.values(s, SCHEMA.position))): s for s in m.objects(WORK, SCHEMA.creator)}
    assert sorted(slots) == ["1", "2"]
    assert m.objects(slots["1"], SCHEMA.creator) == {NamedNode("https://orcid.org/0000-0002-1825-0097")}
    assert m.objects(slots["1"], SCHEMA.affiliation) == {NamedNode("https://ror.org/05gq02987")}
    (lab,) = m.objects(slots["2"], SCHEMA.creator)
    assert m.objects(lab, RDF.type) == {SCHEMA.Organization}
    assert m.values(lab, SCHEMA.name) == {"Test Lab"}


@pytest.mark.parametrize(("scheme", "value"), [
    ("ORCID", "0000-0002-1825-0097"),
    ("https://orcid.org/", "0000-0002-1825-0097"),
    ("Other", "https://orcid.org/0000-0002-1825-0097"),
])
def test_orcids_are_recognised_however_the_scheme_is_named(record: dict, scheme: str, value: str) -> None:
    creator = record["attributes"]["creators"][0]
    creator["nameIdentifiers"] = [{"nameIdentifier": "0000-0002-1825-0098", "nameIdentifierScheme": "ORCID"},
                                  {"nameIdentifier": value, "nameIdentifierScheme": scheme}]
    m = mapped(record)
    slot = next(s for s in m.objects(WORK, SCHEMA.creator) if m.values(s, SCHEMA.position) == {"1"})
    assert m.objects(slot, SCHEMA.creator) == {NamedNode("https://orcid.org/0000-0002-1825-0097")}


def test_funding_references_by_funder_id_and_ror(record: dict) -> None:
    m = mapped(record)
    assert m.objects(WORK, SCHEMA.funder) == {NamedNode("https://doi.org/10.13039/501100000780"),
                                              NamedNode("https://ror.org/05gq02987")}
    grants = m.objects(WORK, SCHEMA.funding)
    assert len(grants) == 1
    grant = next(iter(grants))
    assert m.values(grant, SCHEMA.identifier) == {"101004728"}
    assert m.values(grant, SCHEMA.name) == {"PaNOSC"}


def test_related_identifiers_of_every_scheme_through_the_catalogue(record: dict, doi) -> None:
    m = mapped(record)
    article = doi("10.5555/kg.test.1")
    assert m.objects(WORK, KG.isSupplementTo) == {article}
    # the article relies on this record, which is software
    assert m.objects(article, KG.reliesOnSoftware) == {WORK}
    assert m.objects(WORK, KG.isVersionOf) == {doi("10.5281/zenodo.999000")}
    lib = NamedNode("https://github.com/example/lib")
    assert m.objects(WORK, KG.requires) == {lib}
    assert m.objects(WORK, KG.reliesOnSoftware) == {lib}
    assert m.objects(WORK, CITO.cites) == {NamedNode("https://arxiv.org/abs/arXiv:2101.00001")} or \
        m.objects(WORK, CITO.cites) == {NamedNode("https://arxiv.org/abs/2101.00001")}
    derived = m.objects(WORK, KG.isDerivedFrom)
    assert len(derived) == 1
    assert m.values(next(iter(derived)), SCHEMA.identifier) == {"bibcode:2020ApJ...900..100X"}


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda r: r["attributes"].pop("doi") and r.pop("id"), "attributes.doi", "is missing"),
    (lambda r: r["attributes"].update(titles="A title"), "attributes.titles", "is a string, expected a list"),
    (lambda r: r["attributes"].update(titles=[{"title": 7}]), r"attributes.titles\[0\].title", "is a number"),
    (lambda r: r["attributes"].update(relatedIdentifiers=[
        {"relationType": "IsFrobnicatedBy", "relatedIdentifier": "10.1/x", "relatedIdentifierType": "DOI"}]),
     r"attributes.relatedIdentifiers\[0\].relationType", "not in the catalogue"),
    (lambda r: r["attributes"].update(descriptions=[{"description": "\ud800 broken"}]),
     r"attributes.descriptions\[0\].description", "unpaired UTF-16 surrogate"),
])
def test_bad_record_is_rejected_naming_the_record_and_the_field(record: dict, change, field, message) -> None:
    bad = copy.deepcopy(record)
    change(bad)
    with pytest.raises(RecordError, match=rf"datacite record .*: field '{field}' .*{message}"):
        DataciteLoader.map(raw("datacite", bad))


def test_view_and_download_counts_are_a_usage_observation_citation_count_apart(record: dict) -> None:
    data = copy.deepcopy(record)
    data["attributes"].update({"viewCount": 491, "downloadCount": 37, "citationCount": 4})
    m = mapped(data)
    [observation] = m.objects(WORK, KG.usage)
    assert m.values(observation, KG.versionViews) == {"491"}
    assert m.values(observation, KG.versionDownloads) == {"37"}
    assert m.values(observation, KG.observedAt) == {"2024-05-01T12:00:00+00:00"}
    assert m.values(WORK, KG.sourceCitationCount) == {"4"}


def test_zero_counts_are_no_usage_report(record: dict) -> None:
    data = copy.deepcopy(record)
    data["attributes"].update({"viewCount": 0, "downloadCount": 0})
    assert mapped(data).objects(WORK, KG.usage) == set()

# ---------------------------------------------------------------- related items as cited

RELATED_ITEMS = [
    {"relationType": "IsPublishedIn", "relatedItemType": "ConferenceProceeding",
     "relatedItemIdentifier": {"relatedItemIdentifier": "10.5555/KG.PROCEEDINGS", "relatedItemIdentifierType": "DOI"},
     "titles": [{"title": "Proceedings of a test", "titleType": "Subtitle"}, {"title": "KG Test 2013"}],
     "creators": [{"name": "Severini, Simone", "nameType": "Personal"}], "publicationYear": "2013",
     "volume": "22", "firstPage": "93"},
    {"relationType": "IsVariantFormOf", "relatedItemType": "Text",
     "titles": [{"title": "A variant without an identifier"}]},
    {"relationType": "Cites", "titles": "not a list"},
    "not an object",
]


def test_related_items_are_cited_as_nodes_with_their_own_metadata(record: dict, doi) -> None:
    record["attributes"]["relatedItems"] = copy.deepcopy(RELATED_ITEMS)
    m = mapped(record)
    graph = "https://w3id.org/evidence-kg/graph/datacite/10.5281/zenodo.999001"
    nodes = {int(next(iter(m.values(n, SCHEMA.position)))): n for n in m.objects(WORK, KG.citedAs)}
    assert nodes == {1: NamedNode(f"{graph}#related-item-1"), 2: NamedNode(f"{graph}#related-item-2")}
    first = nodes[1]
    assert m.objects(first, KG.citedWork) == {doi("10.5555/kg.proceedings")}
    assert m.objects(first, KG.citedVia) == {KG.isPublishedIn}
    assert m.values(first, KG.citedTitle) == {"KG Test 2013"}
    assert m.values(first, KG.citedAuthor) == {"Severini, Simone"}
    assert m.objects(first, KG.citedYear) == {Literal("2013", datatype=XSD.gYear)}
    assert (m.values(first, KG.citedVolume), m.values(first, KG.citedFirstPage)) == ({"22"}, {"93"})
    assert m.objects(nodes[2], KG.citedWork) == set()
    assert m.values(nodes[2], KG.citedTitle) == {"A variant without an identifier"}
    # malformed items are left out with a warning; the typed links stay those of relatedIdentifiers
    assert [w for w in m.mapped.warnings if "relatedItems" in w] == [
        "datacite record 10.5281/zenodo.999001: field 'attributes.relatedItems[2].titles' was left out with its "
        "related item: is a string, expected a list (value: 'not a list')",
        "datacite record 10.5281/zenodo.999001: field 'attributes.relatedItems[3]' is not an object and was left out"]
    assert m.subjects(KG.isPublishedIn, doi("10.5555/kg.proceedings")) == set()


@pytest.mark.realdata
def test_a_related_identifier_that_is_a_sentence_names_no_work() -> None:
    """DataCite's template text left as a related identifier in 19 records of its test system ("Identifier of
    complementary material related to this resource e.g. a scientific article", a bibcode cited by the record):
    no node shared by those records cites them all (a funder's 19 data sets were "reused" by it); each record says
    so in a warning naming its field."""
    from tests.loaders.test_realdata import REALDATA, load_file
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    sentences: dict[str, list[str]] = {}
    for path in sorted((REALDATA / "datacite" / "dois-lists").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))["data"]
        for item in data if isinstance(data, list) else [data]:
            for i, rel in enumerate(item["attributes"].get("relatedIdentifiers") or []):
                if len(str(rel.get("relatedIdentifier") or "").split()) >= 4:
                    sentences.setdefault(str(path), []).append(
                        f"record {item['attributes']['doi'].lower()}: field 'attributes.relatedIdentifiers[{i}]"
                        f".relatedIdentifier' is text, not a {rel['relatedIdentifierType']} identifier")
    assert sum(map(len, sentences.values())) >= 19
    for path, expected in sentences.items():
        loaded = load_file(Path(path))
        warned = [str(p) for p in loaded.problems]
        assert all(any(e in w for w in warned) for e in expected), (path, warned[:3])
        assert loaded.store.select("SELECT ?s WHERE { ?s <http://schema.org/identifier> ?id "
                                   "FILTER(CONTAINS(STR(?id), 'complementary material')) }").rows == []
