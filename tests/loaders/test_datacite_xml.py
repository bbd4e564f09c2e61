"""DataCite Metadata Kernel XML as the REST API's JSON (:mod:`loaders.datacite_xml`).

The real kernel XML records of ``../shared/realdata/datacite/xml`` are converted, found by the DataCite
loader's ``records_in`` and mapped; what their graphs must say is read from the XML text here, with
regular expressions, never from the converter. The one record kept both as XML and as API JSON is
compared field by field. Kernel 2 and 3 forms, and what the real files do not show, are records of our own.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import RecordError
from kg.vocab import KG, RDF, SCHEMA, relation
from loaders.base import RawRecord
from loaders.datacite import DataciteLoader
from loaders.datacite_xml import datacite_document
from tests.loaders.conftest import Edges
from tests.loaders.test_realdata import DATACITE_CLASS, DATACITE_OWN_CLASS, REALDATA, corpus_files

XML_FILES = corpus_files("datacite/xml/*.xml")
BOTH = corpus_files("datacite/xml/10.5438_4k3m-nyvg.xml")
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def convert(xml: str | bytes) -> dict[str, Any]:
    return datacite_document(fromstring(xml))


def mapped(document: dict[str, Any]) -> Edges:
    """The document's one record, as the DataCite loader finds and maps it."""
    records = DataciteLoader.records_in(document)
    assert records is not None and len(records) == 1, "the DataCite loader does not see one record in it"
    return Edges(DataciteLoader.map(RawRecord("datacite", records[0], "file:///x.xml", WHEN)))


# ---------------------------------------------------------------- expectations, from the XML text

def elements(text: str, tag: str) -> list[tuple[dict[str, str], str]]:
    """Each ``<tag>`` of the text (no namespace prefix, as in the corpus): its attributes and its text."""
    found = re.finditer(rf"<{tag}(\s[^>]*?)?\s*(?:/>|>(.*?)</{tag}>)", text, re.DOTALL)
    return [({k: html.unescape(v) for k, v in re.findall(r'([\w:]+)="([^"]*)"', m[1] or "")},
             html.unescape(m[2] or "").strip()) for m in found]


def section(text: str, tag: str) -> str:
    """The XML between ``<tag>`` and ``</tag>`` (empty when absent)."""
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.DOTALL)
    return m[1] if m else ""


def doi_of(text: str) -> str:
    ((_, doi),) = elements(text, "identifier")
    return ids.normalize_doi(doi)


def work_of(text: str) -> NamedNode:
    return NamedNode(ids.doi_iri(doi_of(text)))


def real(path: Path | None) -> tuple[str, Edges]:
    assert path is not None
    text = path.read_text("utf-8")
    return text, mapped(convert(path.read_bytes()))


# ---------------------------------------------------------------- the real XML records

def test_corpus_holds_the_six_xml_records() -> None:
    if not REALDATA.is_dir():
        pytest.skip("the real corpus is not at ../shared/realdata")
    assert len(XML_FILES) == 6


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_work_has_its_doi_and_the_class_of_its_resource_type(path: Path | None) -> None:
    text, m = real(path)
    ((attrs, _),) = elements(text, "resourceType")
    general = attrs["resourceTypeGeneral"]
    own = DATACITE_OWN_CLASS.get(general)
    assert m.mapped.graph is not None and m.mapped.graph.graph == NamedNode(ids.graph_iri("datacite", doi_of(text)))
    assert m.objects(work_of(text), RDF.type) == {DATACITE_CLASS[general], *([own] if own else [])}
    assert m.values(work_of(text), KG.doi) == {doi_of(text)}
    assert m.mapped.warnings == []


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_work_is_named_by_its_first_title_without_a_type(path: Path | None) -> None:
    text, m = real(path)
    titles = [t for attrs, t in elements(section(text, "titles"), "title") if "titleType" not in attrs and t]
    assert titles
    assert m.values(work_of(text), SCHEMA.name) == {titles[0]}
    assert m.values(work_of(text), SCHEMA.alternateName) == set(titles[1:])


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_creators_keep_their_order_names_and_orcids(path: Path | None) -> None:
    text, m = real(path)
    creators = re.findall(r"<creator>(.*?)</creator>", section(text, "creators"), re.DOTALL)
    assert creators
    slots = {int(next(iter(m.values(s, SCHEMA.position)))): s for s in m.objects(work_of(text), SCHEMA.creator)}
    assert sorted(slots) == list(range(1, len(creators) + 1))
    for position, creator in enumerate(creators, start=1):
        ((_, name),) = elements(creator, "creatorName")
        assert m.values(slots[position], SCHEMA.name) == {name}
        orcids = {NamedNode(ids.orcid_iri(v)) for attrs, v in elements(creator, "nameIdentifier")
                  if attrs.get("nameIdentifierScheme") == "ORCID"}
        if orcids:
            assert m.objects(slots[position], SCHEMA.creator) == orcids


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_related_dois_are_related_by_their_relation_type(path: Path | None) -> None:
    text, m = real(path)
    expected = {(r.iri, NamedNode(ids.doi_iri(value))) for attrs, value in elements(text, "relatedIdentifier")
                if attrs["relatedIdentifierType"] == "DOI" if (r := relation(attrs["relationType"]))}
    actual = {(p, o) for (s, p, o) in m.triples if s == work_of(text) and (p, o) in expected}
    assert actual == expected


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_funders_are_named_and_identified_as_the_xml_says(path: Path | None) -> None:
    text, m = real(path)
    references = re.findall(r"<fundingReference>(.*?)</fundingReference>", text, re.DOTALL)
    funders = m.objects(work_of(text), SCHEMA.funder)
    names = {name for f in references for _, name in elements(f, "funderName")}
    identified = {NamedNode(ids.funder_iri(v)) for f in references for _, v in elements(f, "funderIdentifier")}
    assert {v for f in funders for v in m.values(f, SCHEMA.name)} == names
    assert identified <= funders
    awards = {v for f in references for _, v in elements(f, "awardNumber")}
    assert {v for g in m.objects(work_of(text), SCHEMA.funding) for v in m.values(g, SCHEMA.identifier)} == awards


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_licences_are_the_rights_uris_or_the_rights_text(path: Path | None) -> None:
    text, m = real(path)
    rights = elements(section(text, "rightsList"), "rights")
    expected = {NamedNode(a["rightsURI"]) if "rightsURI" in a else Literal(t) for a, t in rights}
    assert m.objects(work_of(text), SCHEMA.license) == expected


#: attribute list -> the XML element of each entry
LISTS = {"titles": "title", "subjects": "subject", "dates": "date", "relatedIdentifiers": "relatedIdentifier",
         "alternateIdentifiers": "alternateIdentifier", "sizes": "size", "formats": "format",
         "descriptions": "description", "rightsList": "rights", "fundingReferences": "fundingReference"}


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_document_keeps_every_entry_that_has_a_value(path: Path | None) -> None:
    assert path is not None
    text, attributes = path.read_text("utf-8"), convert(path.read_bytes())["data"]["attributes"]
    for key, tag in LISTS.items():
        found = [t for a, t in elements(text, tag) if t or "rightsURI" in a]
        assert len(attributes.get(key, [])) == len(found), key
    assert len(attributes["creators"]) == len(elements(text, "creator"))
    assert len(attributes.get("contributors", [])) == len(elements(text, "contributor"))  # none is a Funder


@pytest.mark.realdata
@pytest.mark.parametrize("path", XML_FILES)
def test_funding_references_carry_every_part_the_xml_gives(path: Path | None) -> None:
    assert path is not None
    text = path.read_text("utf-8")
    expected = []
    for reference in re.findall(r"<fundingReference>(.*?)</fundingReference>", text, re.DOTALL):
        entry = {}
        for tag in ("funderName", "funderIdentifier", "awardNumber", "awardTitle"):
            for attrs, value in elements(reference, tag):
                entry[tag] = value
                entry.update({k.replace("URI", "Uri"): v for k, v in attrs.items()})
        expected.append(entry)
    assert convert(path.read_bytes())["data"]["attributes"].get("fundingReferences", []) == expected


def test_the_real_files_hold_each_kind_of_expectation() -> None:
    """The per-file tests above check something: the corpus has ORCIDs, DOI relations, funder IDs and licences."""
    if not REALDATA.is_dir():
        pytest.skip("the real corpus is not at ../shared/realdata")
    text = "".join(p.read_text("utf-8") for p in sorted((REALDATA / "datacite" / "xml").glob("*.xml")))
    for needle in ('nameIdentifierScheme="ORCID"', 'relatedIdentifierType="DOI"', "<funderIdentifier ",
                   "rightsURI=", "<awardNumber", 'xmlns="http://datacite.org/schema/kernel-3"'):
        assert needle in text, needle


# ---------------------------------------------------------------- one record as XML and as API JSON

def api_attributes(xml_path: Path) -> dict[str, Any]:
    document = json.loads((REALDATA / "datacite" / "dois" / f"{xml_path.stem}.json").read_text("utf-8"))
    return dict(document["data"]["attributes"])


@pytest.mark.realdata
@pytest.mark.parametrize("path", BOTH)
def test_xml_and_api_json_agree_on_what_both_versions_say(path: Path | None) -> None:
    assert path is not None
    xml, api = convert(path.read_bytes())["data"]["attributes"], api_attributes(path)
    assert ids.normalize_doi(xml["doi"]) == ids.normalize_doi(api["doi"])
    assert xml["titles"] == [{k: v for k, v in t.items() if v is not None} for t in api["titles"]]
    for key in ("publisher", "publicationYear", "version"):
        assert xml[key] == api[key], key
    assert xml["types"] == {k: api["types"][k] for k in ("resourceTypeGeneral", "resourceType")}
    assert [(c["name"], c["givenName"], c["familyName"]) for c in xml["creators"]] == \
        [(c["name"], c["givenName"], c["familyName"]) for c in api["creators"]]
    assert [[ids.normalize_orcid(n["nameIdentifier"]) for n in c["nameIdentifiers"]] for c in xml["creators"]] == \
        [[ids.normalize_orcid(n["nameIdentifier"]) for n in c["nameIdentifiers"]] for c in api["creators"]]

    def related(r: dict[str, Any]) -> tuple[str, str, str]:
        return r["relationType"], r["relatedIdentifierType"], ids.normalize_doi(r["relatedIdentifier"])

    assert [related(r) for r in xml["relatedIdentifiers"]] == [related(r) for r in api["relatedIdentifiers"]]
    assert xml["descriptions"] == [{k: v for k, v in d.items() if v is not None} for d in api["descriptions"]]
    assert xml["dates"] == [{k: v for k, v in d.items() if v is not None} for d in api["dates"]]
    assert xml["subjects"] == api["subjects"][:len(xml["subjects"])]  # the API added a FOS subject


@pytest.mark.realdata
@pytest.mark.parametrize("path", BOTH)
def test_xml_record_maps_to_nothing_its_api_json_does_not(path: Path | None) -> None:
    """The XML version is the older and the smaller: the API's adds a licence, a subject, links."""
    assert path is not None
    from_xml = mapped(convert(path.read_bytes())).triples
    from_json = mapped(json.loads((REALDATA / "datacite" / "dois" / f"{path.stem}.json").read_text("utf-8"))).triples
    assert len(from_xml) > 20
    assert from_xml - from_json == set()


# ---------------------------------------------------------------- kernel 2 and 3, records of our own

BODY = """<identifier identifierType="DOI">10.5072/K-1</identifier>
  <creators><creator><creatorName>Smith, Jo</creatorName>
    <nameIdentifier nameIdentifierScheme="ORCID" schemeURI="http://orcid.org/">0000-0002-1825-0097</nameIdentifier>
  </creator></creators>
  <titles><title>Cores</title><title titleType="Subtitle">A data set</title></titles>
  <publisher>TIB</publisher><publicationYear>2009</publicationYear>
  <resourceType resourceTypeGeneral="Dataset"/>
  <relatedIdentifiers>
    <relatedIdentifier relatedIdentifierType="DOI" relationType="IsCitedBy">10.5072/002</relatedIdentifier>
  </relatedIdentifiers>
  <sizes><size>4 MB</size></sizes><version>1</version>"""


@pytest.mark.parametrize("namespace", ["", "http://datacite.org/schema/kernel-2.2",
                                       "http://datacite.org/schema/kernel-3", "http://datacite.org/schema/kernel-4"])
def test_the_namespace_does_not_change_the_document(namespace: str) -> None:
    declared = f' xmlns="{namespace}"' if namespace else ""
    assert convert(f"<resource{declared}>{BODY}</resource>") == {"data": {
        "id": "10.5072/k-1", "type": "dois", "attributes": {
            "doi": "10.5072/K-1",
            "creators": [{"name": "Smith, Jo", "nameIdentifiers": [
                {"nameIdentifier": "0000-0002-1825-0097", "nameIdentifierScheme": "ORCID",
                 "schemeUri": "http://orcid.org/"}]}],
            "titles": [{"title": "Cores"}, {"title": "A data set", "titleType": "Subtitle"}],
            "publisher": "TIB", "publicationYear": 2009, "types": {"resourceTypeGeneral": "Dataset"},
            "relatedIdentifiers": [{"relatedIdentifier": "10.5072/002", "relatedIdentifierType": "DOI",
                                    "relationType": "IsCitedBy"}],
            "sizes": ["4 MB"], "version": "1"}}}


KERNEL_2 = """<resource>
  <identifier identifierType="DOI">10.5072/K2</identifier>
  <creators><creator><creatorName>Smith, Jo</creatorName></creator></creators>
  <titles><title>Cores</title></titles><publisher>TIB</publisher><publicationYear>2011</publicationYear>
  <contributors>
    <contributor contributorType="Funder"><contributorName>Deutsche Forschungsgemeinschaft</contributorName>
      <nameIdentifier nameIdentifierScheme="FundRef">10.13039/501100001659</nameIdentifier></contributor>
    <contributor contributorType="Funder"><contributorName>European Commission</contributorName>
      <nameIdentifier nameIdentifierScheme="info">info:eu-repo/grantAgreement/EC/FP7/282896/EU/T/A</nameIdentifier>
    </contributor>
    <contributor contributorType="DataCollector"><contributorName>Doe, Al</contributorName></contributor>
  </contributors>
  <rights>CC0</rights>
</resource>"""


def test_kernel_2_funder_contributors_are_funding_references_not_contributors() -> None:
    document = convert(KERNEL_2)
    attributes = document["data"]["attributes"]
    assert attributes["fundingReferences"] == [
        {"funderName": "Deutsche Forschungsgemeinschaft", "funderIdentifier": "10.13039/501100001659",
         "funderIdentifierType": "Crossref Funder ID"},
        {"funderName": "European Commission", "awardNumber": "282896"}]
    assert attributes["contributors"] == [{"name": "Doe, Al", "contributorType": "DataCollector"}]
    assert attributes["rightsList"] == [{"rights": "CC0"}]
    m = mapped(document)
    work = NamedNode(ids.doi_iri("10.5072/k2"))
    dfg = NamedNode("https://doi.org/10.13039/501100001659")
    assert dfg in m.objects(work, SCHEMA.funder)
    assert {v for f in m.objects(work, SCHEMA.funder) for v in m.values(f, SCHEMA.name)} == \
        {"Deutsche Forschungsgemeinschaft", "European Commission"}
    assert {v for g in m.objects(work, SCHEMA.funding) for v in m.values(g, SCHEMA.identifier)} == {"282896"}
    assert {v for s in m.objects(work, SCHEMA.contributor) for v in m.values(s, SCHEMA.name)} == {"Doe, Al"}


def test_kernel_3_rights_uri_is_the_licence_with_or_without_text() -> None:
    document = convert("""<resource xmlns="http://datacite.org/schema/kernel-3">
      <identifier identifierType="DOI">10.5072/K3</identifier><titles><title>T</title></titles>
      <rightsList><rights rightsURI="http://creativecommons.org/licenses/by/4.0/">CC BY 4.0</rights>
        <rights rightsURI=" https://creativecommons.org/publicdomain/zero/1.0/ "/></rightsList></resource>""")
    assert document["data"]["attributes"]["rightsList"] == [
        {"rights": "CC BY 4.0", "rightsUri": "http://creativecommons.org/licenses/by/4.0/"},
        {"rightsUri": "https://creativecommons.org/publicdomain/zero/1.0/"}]
    assert mapped(document).objects(NamedNode(ids.doi_iri("10.5072/k3")), SCHEMA.license) == {
        NamedNode("http://creativecommons.org/licenses/by/4.0/"),
        NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")}


def test_elements_without_text_are_left_out() -> None:
    document = convert("""<resource xmlns="http://datacite.org/schema/kernel-4">
      <identifier identifierType="DOI">10.5072/E</identifier>
      <creators><creator><creatorName> </creatorName><givenName/></creator></creators>
      <titles><title/><title xml:lang="en">  Kept  </title></titles><publisher></publisher>
      <subjects><subject subjectScheme="keyword"></subject></subjects><sizes><size> </size></sizes>
      <relatedIdentifiers><relatedIdentifier relatedIdentifierType="DOI" relationType="Cites"/></relatedIdentifiers>
      <descriptions><description descriptionType="Abstract" xml:lang="en"></description>
        <description descriptionType="Methods">One<br/>two</description></descriptions>
      <fundingReferences><fundingReference><funderName/></fundingReference></fundingReferences>
    </resource>""")
    assert document["data"]["attributes"] == {
        "doi": "10.5072/E", "titles": [{"title": "Kept", "lang": "en"}],
        "descriptions": [{"description": "One\ntwo", "descriptionType": "Methods"}]}
    assert mapped(document).values(NamedNode(ids.doi_iri("10.5072/e")), SCHEMA.name) == {"Kept"}


def test_kernel_4_identifiers_of_publisher_and_affiliation_are_kept() -> None:
    document = convert("""<resource xmlns="http://datacite.org/schema/kernel-4">
      <identifier identifierType="DOI">10.5072/R</identifier>
      <creators><creator><creatorName nameType="Personal">Smith, Jo</creatorName>
        <affiliation affiliationIdentifier="https://ror.org/04wxnsj81" affiliationIdentifierScheme="ROR"
          schemeURI="https://ror.org"/></creator></creators>
      <publisher publisherIdentifier="https://ror.org/04wxnsj81" publisherIdentifierScheme="ROR"
        xml:lang="en">DataCite</publisher></resource>""")
    attributes = document["data"]["attributes"]
    assert attributes["creators"] == [{"name": "Smith, Jo", "nameType": "Personal", "affiliation": [
        {"affiliationIdentifier": "https://ror.org/04wxnsj81", "affiliationIdentifierScheme": "ROR",
         "schemeUri": "https://ror.org"}]}]
    assert attributes["publisher"] == {"name": "DataCite", "publisherIdentifier": "https://ror.org/04wxnsj81",
                                       "publisherIdentifierScheme": "ROR", "lang": "en"}
    m = mapped(document)
    ror = NamedNode("https://ror.org/04wxnsj81")
    assert m.objects(NamedNode(ids.doi_iri("10.5072/r")), SCHEMA.publisher) == {ror}
    (slot,) = m.objects(NamedNode(ids.doi_iri("10.5072/r")), SCHEMA.creator)
    assert m.objects(slot, SCHEMA.affiliation) == {ror}


def test_resource_without_identifier_is_reported_as_missing_its_doi() -> None:
    document = convert("<resource><titles><title>No DOI</title></titles></resource>")
    assert "id" not in document["data"] and "doi" not in document["data"]["attributes"]
    with pytest.raises(RecordError, match=re.escape("field 'attributes.doi' is missing")):
        mapped(document)
