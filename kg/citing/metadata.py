"""Metadata records of a work for other catalogues: DataCite JSON (the ``attributes`` of DataCite's REST
API), schema.org JSON-LD, and for datasets DCAT (as RDF), from a :class:`WorkRecord`.

>>> r = WorkRecord("https://doi.org/10.1/x", kind="dataset", doi="10.1/x", title="Counts", issued="2021",
...                creators=(Contributor("Sankar, Martial", "Martial", "Sankar", "https://orcid.org/0000-0002-1825-0097"),))
>>> d = datacite(r)
>>> d["types"]["resourceTypeGeneral"], d["publicationYear"], d["creators"][0]["nameIdentifiers"][0]["nameIdentifier"]
('Dataset', 2021, 'https://orcid.org/0000-0002-1825-0097')
>>> sorted(t.predicate.value.rsplit("/", 1)[-1].rsplit("#")[-1] for t in dcat_triples(r))
['creator', 'familyName', 'givenName', 'identifier', 'issued', 'name', 'title', 'type', 'type']
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kg.citing.bibliography import BIBTEX_TYPES, RIS_TYPES, csl_type
from kg.citing.record import Contributor, WorkRecord, page_bounds
from kg.errors import BadRequestError
from kg.facts import Funding
from kg.vocab import DCAT, DCTERMS, FOAF, RDF, XSD

#: DataCite's resourceTypeGeneral values among the sources' own types
DATACITE_TYPES = frozenset({
    "Audiovisual", "Book", "BookChapter", "Collection", "ComputationalNotebook", "ConferencePaper",
    "ConferenceProceeding", "DataPaper", "Dataset", "Dissertation", "Event", "Image", "Instrument",
    "InteractiveResource", "Journal", "JournalArticle", "Model", "OutputManagementPlan", "PeerReview",
    "PhysicalObject", "Preprint", "Report", "Service", "Software", "Sound", "Standard", "StudyRegistration",
    "Text", "Workflow", "Other"})
#: CSL types -> resourceTypeGeneral, when no source gives a DataCite type
CSL_DATACITE = {"article-journal": "JournalArticle", "paper-conference": "ConferencePaper", "chapter": "BookChapter",
                "book": "Book", "thesis": "Dissertation", "report": "Report", "dataset": "Dataset",
                "software": "Software", "standard": "Standard", "review": "PeerReview", "article": "Text",
                "document": "Other"}
#: kg's kinds -> schema.org types
SCHEMA_TYPES = {"structure": "Dataset", "dataset": "Dataset", "software": "SoftwareSourceCode",
                "article": "ScholarlyArticle", "other": "CreativeWork"}


def resource_type_general(record: WorkRecord) -> str:
    """The source's own type when it is one of DataCite's general types, else the one kg's class maps to
    (the graph keeps a DataCite record's most specific type, so its general type is known only when the
    record gives no other)."""
    return next((t for t in record.source_types if t in DATACITE_TYPES), None) or CSL_DATACITE[csl_type(record)]


def _datacite_name(person: Contributor) -> dict[str, object]:
    name: dict[str, object] = {"name": person.family_given() or person.name,
                               "nameType": "Organizational" if person.organization else "Personal"}
    if person.given and not person.organization:
        name["givenName"] = person.given
    if person.family and not person.organization:
        name["familyName"] = person.family
    name["nameIdentifiers"] = [{"nameIdentifier": person.orcid, "nameIdentifierScheme": "ORCID",
                                "schemeUri": "https://orcid.org"}] if person.orcid else []
    name["affiliation"] = []
    return name


def datacite(record: WorkRecord) -> dict[str, object]:
    """The work in the shape of a DataCite REST API record's ``attributes`` (what DOI content
    negotiation answers for ``application/vnd.datacite.datacite+json``); fields kg does not hold are
    left out, never filled in."""
    csl = csl_type(record)
    identifiers = [{"identifier": value, "identifierType": kind}
                   for kind, value in (("PMID", record.pmid), ("PMCID", record.pmcid), ("arXiv", record.arxiv),
                                       ("PDB", record.pdb_id)) if value]
    attributes: dict[str, object | None] = {
        "id": record.doi_url or record.iri, "doi": record.doi.upper() if record.doi else None,
        "url": record.url, "identifiers": identifiers,
        "types": {"resourceTypeGeneral": resource_type_general(record),
                  **({"resourceType": record.source_types[0]} if record.source_types else {}),
                  "schemaOrg": SCHEMA_TYPES.get(record.kind or "", "CreativeWork"), "citeproc": csl,
                  "bibtex": BIBTEX_TYPES.get(csl, "misc"), "ris": RIS_TYPES.get(csl, "GEN")},
        "creators": [_datacite_name(p) for p in record.creators],
        "titles": [{"title": record.title}] + ([{"title": record.subtitle, "titleType": "Subtitle"}]
                                               if record.subtitle else []) if record.title else [],
        "publisher": record.publishers[0] if record.publishers else None,
        "container": _container(record, csl) if record.venue else None,
        "contributors": [{**_datacite_name(p), "contributorType": "Editor"} for p in record.editors],
        "publicationYear": record.year,
        "dates": [{"date": record.issued, "dateType": "Issued"}] if record.issued else [],
        "subjects": [{"subject": k} for k in record.keywords],
        "version": record.version,
        "rightsList": [{"rightsUri": lic} if lic.startswith("http") else {"rights": lic} for lic in record.licenses],
        "descriptions": [{"description": record.abstract, "descriptionType": "Abstract"}] if record.abstract else [],
        "fundingReferences": [ref for f in record.funding for ref in _funding_references(f)],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    return {k: v for k, v in attributes.items() if v is not None}


#: the CSL type of a work -> the DataCite type of the container it appeared in
_CONTAINER_TYPES = {"article-journal": "Journal", "chapter": "Book", "paper-conference": "Proceedings"}


def _container(record: WorkRecord, csl: str) -> dict[str, object]:
    """The journal or book, with the work's volume, issue and pages in it, as DataCite's ``container``."""
    first, last = page_bounds(record.pages)
    issn = record.issns[0] if record.issns else None
    found = {"type": _CONTAINER_TYPES.get(csl), "title": record.venue, "identifier": issn,
             "identifierType": "ISSN" if issn else None, "volume": record.volume, "issue": record.issue,
             "firstPage": first, "lastPage": last}
    return {k: v for k, v in found.items() if v is not None}


def _funding_references(funding: Funding) -> list[dict[str, object]]:
    """One DataCite funding reference per award (one without an award when it names none): the funder's name
    and its Crossref Funder ID or ROR ID, the award's number and title."""
    scheme = "Crossref Funder ID" if (funding.funder or "").startswith("https://doi.org/10.13039/") else \
        "ROR" if (funding.funder or "").startswith("https://ror.org/") else None
    funder = {"funderName": funding.name, **({"funderIdentifier": funding.funder, "funderIdentifierType": scheme}
                                             if scheme else {})}
    awards = [{"awardNumber": a.number, "awardTitle": a.title} for a in funding.awards] or [{}]
    return [{k: v for k, v in {**funder, **award}.items() if v is not None} for award in awards]


def _schema_person(person: Contributor) -> dict[str, object]:
    found: dict[str, object] = {"@type": "Organization" if person.organization else "Person",
                                "name": person.name or person.family_given()}
    if person.orcid:
        found["@id"] = person.orcid
    if person.given and not person.organization:
        found["givenName"] = person.given
    if person.family and not person.organization:
        found["familyName"] = person.family
    return found


def schema_org(record: WorkRecord) -> dict[str, object]:
    """The work as schema.org JSON-LD (``application/vnd.schemaorg.ld+json`` in DOI content negotiation)."""
    doc: dict[str, object | None] = {
        "@context": "https://schema.org", "@type": SCHEMA_TYPES.get(record.kind or "", "CreativeWork"),
        "@id": record.doi_url or record.iri,
        "identifier": ({"@type": "PropertyValue", "propertyID": "DOI", "value": record.doi} if record.doi else None),
        "url": record.url, "name": record.title, "alternativeHeadline": record.subtitle,
        "author": [_schema_person(p) for p in record.creators] or None,
        "editor": [_schema_person(p) for p in record.editors] or None,
        "datePublished": record.issued,
        "publisher": {"@type": "Organization", "name": record.publishers[0]} if record.publishers else None,
        "isPartOf": {"@type": "Periodical", "name": record.venue,
                     **({"issn": list(record.issns)} if record.issns else {})} if record.venue else None,
        "version": record.version, "license": list(record.licenses) or None, "description": record.abstract,
        "keywords": list(record.keywords) or None,
        "funder": [{"@type": "Organization", "name": n} for n in record.funders] or None,
    }
    return {k: v for k, v in doc.items() if v is not None}


def dcat_triples(record: WorkRecord) -> list[Triple]:
    """A dataset described with DCAT and Dublin Core terms.

    :raises BadRequestError: the work is not a dataset (DCAT describes datasets)
    """
    if record.kind not in ("dataset", "structure"):
        raise BadRequestError("format", f"is dcat, which describes datasets, and {record.iri} is "
                              f"{'typed ' + record.kind if record.kind else 'of no known class'}")
    node = NamedNode(record.doi_url or record.iri)
    triples = [Triple(node, RDF.type, DCAT.Dataset)]

    def add(prop: NamedNode, value: str | None, datatype: NamedNode | None = None) -> None:
        if value:
            triples.append(Triple(node, prop, Literal(value, datatype=datatype) if datatype else Literal(value)))

    add(DCTERMS.title, record.title)
    add(DCTERMS.identifier, record.doi)
    add(DCTERMS.issued, record.issued, {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(record.issued or "")))
    add(DCTERMS.description, record.abstract)
    add(DCAT.version, record.version)
    for keyword in record.keywords:
        add(DCAT.keyword, keyword)
    if record.url:
        triples.append(Triple(node, DCAT.landingPage, NamedNode(record.url)))
    for lic in record.licenses:
        triples.append(Triple(node, DCTERMS.license, NamedNode(lic) if lic.startswith("http") else Literal(lic)))
    for index, person in enumerate(record.creators):
        agent: NamedNode | BlankNode = NamedNode(person.orcid) if person.orcid else BlankNode(f"creator{index + 1}")
        triples.append(Triple(node, DCTERMS.creator, agent))
        triples.append(Triple(agent, RDF.type, FOAF.Organization if person.organization else FOAF.Person))
        for prop, value in ((FOAF.name, person.name), (FOAF.givenName, person.given), (FOAF.familyName, person.family)):
            if value and (prop == FOAF.name or not person.organization):
                triples.append(Triple(agent, prop, Literal(value)))
    for index, name in enumerate(record.publishers):
        publisher = BlankNode(f"publisher{index + 1}")
        triples += [Triple(node, DCTERMS.publisher, publisher), Triple(publisher, RDF.type, FOAF.Agent),
                    Triple(publisher, FOAF.name, Literal(name))]
    return triples


def dcat(record: WorkRecord, format: RdfFormat = RdfFormat.TURTLE) -> bytes:
    """The DCAT description of a dataset, serialised (Turtle unless ``format`` says otherwise)."""
    prefixes = {"dcat": DCAT.base, "dcterms": DCTERMS.base, "foaf": FOAF.base, "xsd": XSD.base}
    if format in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS):
        return serialize(dcat_triples(record), format=format) or b""
    return serialize(dcat_triples(record), format=format, prefixes=prefixes) or b""
