"""DataCite: DOIs from the REST API (``/dois/{doi}``, ``/dois?query=...``) and the public data
file (JSON Lines, one ``{"id", "type": "dois", "attributes"}`` per line).

>>> from datetime import datetime, UTC
>>> data = {"id": "10.5281/ZENODO.1", "type": "dois", "attributes": {"doi": "10.5281/ZENODO.1",
...         "types": {"resourceTypeGeneral": "Software"}, "titles": [{"title": "Tool"}]}}
>>> mapped = DataciteLoader.map(RawRecord("datacite", data, "file:///x", datetime(2024, 1, 1, tzinfo=UTC)))
>>> len(mapped.graph.quads) > 2
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, RecordError
from kg.vocab import CITO, KG, RDF, SCHEMA, relation
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.builder import CitedAs, RecordBuilder
from loaders.fields import Fields, page_range, parse_date
from loaders.http import HttpClient, Response
from loaders.status import datacite_state

#: DataCite's usage figures of one DOI (this version, as the repository reports them) -> property
USAGE = {"viewCount": KG.versionViews, "downloadCount": KG.versionDownloads}

#: resourceTypeGeneral -> class (DataCite metadata schema 4.6); others (Collection, Journal,
#: ConferenceProceeding, Image, Instrument, ...) are CreativeWork.
CLASSES: dict[str, NamedNode] = {
    "Dataset": SCHEMA.Dataset,
    **{t: SCHEMA.SoftwareSourceCode for t in ("Software", "ComputationalNotebook")},
    **{t: SCHEMA.ScholarlyArticle for t in (
        "JournalArticle", "Preprint", "Text", "ConferencePaper", "DataPaper", "Standard", "StudyRegistration")},
}
#: resourceTypeGeneral of texts that are not articles -> their schema.org class, written beside
#: schema:CreativeWork (as Crossref's book, chapter, thesis, report and peer-review types are)
SPECIFIC: dict[str, NamedNode] = {"Book": SCHEMA.Book, "BookChapter": SCHEMA.Chapter, "Dissertation": SCHEMA.Thesis,
                                  "Report": SCHEMA.Report, "PeerReview": SCHEMA.Review, "Preprint": KG.Preprint}
#: resourceTypeGeneral of the relation's target -> its class, where it tells the evidence role.
TARGET_CLASSES = {"Dataset": SCHEMA.Dataset, "Software": SCHEMA.SoftwareSourceCode,
                  "ComputationalNotebook": SCHEMA.SoftwareSourceCode}
#: alternate identifier types kept as properties of the work
ALTERNATE = {"pmid": KG.pmid, "pmcid": KG.pmcid, "arxiv": KG.arxiv}


class DataciteLoader(Loader):
    name: ClassVar[str] = "datacite"
    description: ClassVar[str] = "DataCite REST API DOIs and public data files"
    api: ClassVar[str] = "https://api.datacite.org"
    min_interval: ClassVar[float] = 0.1

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        data = document.get("data")
        if isinstance(data, dict) and _is_doi(data):
            return [data]
        if isinstance(data, list) and all(_is_doi(d) for d in data[:5]):
            return data
        if _is_doi(document):
            return [document]
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        attributes = data.get("attributes")
        doi = attributes.get("doi") if isinstance(attributes, dict) else None
        doi = doi or data.get("id")
        return str(doi).lower() if isinstance(doi, str) and doi else "(no DOI)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """DataCite's ``attributes.updated``."""
        return first_date(data, "attributes.updated")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        top = Fields(raw.data, cls.name, cls.record_id(raw.data))
        f = top.obj("attributes")
        if f is None:
            raise top.error("attributes", "is missing; a DataCite DOI record has attributes")
        doi_text = f.string("doi") or top.string("id")
        if not doi_text:
            raise f.error("doi", "is missing; every DataCite record has one")
        try:
            doi = ids.normalize_doi(doi_text) or ""
        except IdentifierError as e:
            raise f.error("doi", f"is not a valid DOI ({e.reason})", doi_text) from e
        f.record_id = doi
        work = NamedNode(ids.doi_iri(doi))
        b = RecordBuilder(f, work)
        types = f.obj("types")
        general = types.string("resourceTypeGeneral") if types else None
        specific = types.string("resourceType") if types else None
        pdb = ids.pdb_id_from_doi(doi)
        b.typed(KG.StructureEntry if pdb else CLASSES.get(general or "", SCHEMA.CreativeWork),
                specific or general)
        if not pdb and general in SPECIFIC:
            b.add(work, RDF.type, SPECIFIC[general])
        b.add(work, KG.doi, Literal(doi))
        if pdb:
            b.add(work, KG.pdbId, Literal(pdb))
        _map_titles(f, b)
        _map_dates(f, b)
        _map_publisher(f, b)
        for i, c in enumerate(f.objs("creators"), start=1):
            _map_agent(c, b, SCHEMA.creator, i)
        for i, c in enumerate(f.objs("contributors"), start=1):  # an Editor is the work's editor, at its place
            _map_agent(c, b, SCHEMA.editor if c.string("contributorType") == "Editor" else SCHEMA.contributor, i)
        b.text(work, SCHEMA.version, f.string("version"))
        for fund in f.objs("fundingReferences"):
            b.funding(name=fund.string("funderName"), funder_id=fund.string("funderIdentifier"),
                      scheme=fund.string("funderIdentifierType"),
                      awards=[(fund.string("awardNumber"), fund.string("awardTitle"))]
                      if fund.string("awardNumber") or fund.string("awardTitle") else [],
                      field_name=fund.path)
        for rel in f.objs("relatedIdentifiers"):
            _map_related(rel, b)
        _map_relationships(top, b)
        datacite_state(f, b)
        for position, item in enumerate(f.array("relatedItems"), start=1):
            name = f"{f.name('relatedItems')}[{position - 1}]"
            if isinstance(item, dict):
                related = Fields(item, f.source, f.record_id, name)
                _map_related_item(related, position, b)
                _map_published_in(related, b)
            else:
                b.warn(name, "is not an object and was left out")
        for ident in [*f.objs("identifiers"), *f.objs("alternateIdentifiers")]:
            _map_identifier(ident, b)
        for rights in f.objs("rightsList"):
            uri = rights.string("rightsUri")
            node = b.related_node("url", uri, rights.name("rightsUri")) if uri else None
            if node is not None:
                b.add(work, SCHEMA.license, node)
            elif rights.string("rights"):
                b.text(work, SCHEMA.license, rights.string("rights"))
        for d in f.objs("descriptions"):
            prop = SCHEMA.abstract if d.string("descriptionType") == "Abstract" else SCHEMA.description
            b.text(work, prop, d.string("description"), markup=True)
        for s in f.objs("subjects"):
            b.text(work, SCHEMA.keywords, s.string("subject"))
        count = f.integer("citationCount")
        if count is not None:
            b.add(work, KG.sourceCitationCount, Literal(count))
        # DataCite reports 0 for DOIs whose repository sends no usage reports: only figures are kept
        usage = [(prop, n) for key, prop in USAGE.items() if (n := f.integer(key))]
        b.usage(raw.retrieved_at.astimezone(UTC).isoformat(), usage)
        url = f.string("url")
        node = b.related_node("url", url, "url") if url else None
        if node is not None and node != work:
            b.add(work, SCHEMA.url, node)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.dois:
            return (cls.fetch_doi(client, doi, api=request.api) for doi in request.dois)
        return cls.fetch_dois(client, api=request.api, query=request.query, page_size=request.rows,
                              max_pages=request.max_pages)

    @classmethod
    def fetch_doi(cls, client: HttpClient, doi: str, *, api: str | None = None) -> Response:
        """One DOI's metadata."""
        return client.get_json(f"{api or cls.api}/dois/{quote(ids.normalize_doi(doi), safe='/')}")

    @classmethod
    def fetch_batch(cls, client: HttpClient, dois: list[str], *, api: str | None = None) -> Response:
        """The records of several DOIs in one request: ``query=doi:("a" OR "b")``, one page."""
        normal = [ids.normalize_doi(d) for d in dois]
        terms = " OR ".join('"' + d.replace("\\", "\\\\").replace('"', '\\"') + '"' for d in normal)
        return client.get_json(f"{api or cls.api}/dois", {"query": f"doi:({terms})", "page[size]": len(normal)})

    @classmethod
    def fetch_dois(cls, client: HttpClient, *, api: str | None = None, query: str | None = None,
                   client_id: str | None = None, page_size: int = 100, max_pages: int | None = None
                   ) -> Iterator[Response]:
        """Pages of ``/dois`` with cursor paging (``page[cursor]=1``, then ``links.next``)."""
        params: dict[str, str | int] = {"page[size]": page_size, "page[cursor]": 1}
        if query:
            params["query"] = query
        if client_id:
            params["client-id"] = client_id

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            links = page.data.get("links", {}) if isinstance(page.data, dict) else {}
            following = links.get("next") if isinstance(links, dict) else None
            if not following or not page.data.get("data"):
                return None
            return str(following), None

        return client.paged(f"{api or cls.api}/dois", params, next_page, max_pages=max_pages)


def _is_doi(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") == "dois" and isinstance(item.get("attributes"), dict)


def _map_titles(f: Fields, b: RecordBuilder) -> None:
    titles = f.objs("titles")
    main = next((t for t in titles if not t.string("titleType")), titles[0] if titles else None)
    for t in titles:
        prop = SCHEMA.name if t is main else SCHEMA.alternateName
        b.text(b.work, prop, t.string("title"), markup=True)


def _map_dates(f: Fields, b: RecordBuilder) -> None:
    dates = {d.string("dateType"): d.string("date") for d in f.objs("dates")}
    issued = parse_date(dates.get("Issued") or "") if dates.get("Issued") else None
    year = f.data.get("publicationYear")
    if issued is None and isinstance(year, (int, str)) and str(year).isdigit():
        issued = parse_date(str(year))
    if issued is not None:
        b.add(b.work, SCHEMA.datePublished, issued)
    created = parse_date(dates.get("Created") or "")
    if created is not None:
        b.add(b.work, SCHEMA.dateCreated, created)


def _map_publisher(f: Fields, b: RecordBuilder) -> None:
    value = f.data.get("publisher")
    pub = f.obj("publisher") if isinstance(value, dict) else None
    name = pub.string("name") if pub else f.string("publisher")
    scheme = (pub.string("publisherIdentifierScheme") or "").lower() if pub else ""
    ror = pub.string("publisherIdentifier") if pub and "ror" in scheme else None
    if not name and not ror:
        return
    node = None
    if ror:
        try:
            node = NamedNode(ids.ror_iri(ror))
        except IdentifierError as e:
            b.warn("publisher.publisherIdentifier", f"is not a valid ROR ID: {e.reason}", ror)
    node = node or b.shared("org", name or "")
    b.add(b.work, SCHEMA.publisher, node)
    b.text(node, SCHEMA.name, name)


def _map_agent(c: Fields, b: RecordBuilder, role: NamedNode, position: int) -> None:
    # Real records name the ORCID scheme "ORCID", "https://orcid.org/", or "Other" with an
    # ORCID URL as the value; the first valid one wins (an invalid one alone is warned about).
    named = [(n.string("nameIdentifier") or "",
              " ".join(x for x in (n.string("nameIdentifierScheme"), n.string("schemeUri"), n.string("nameIdentifier"))
                       if x).lower()) for n in c.objs("nameIdentifiers")]
    orcids = [v for v, scheme in named if v and "orcid" in scheme]
    rors = [v for v, scheme in named if v and "ror" in scheme]
    orcid = next((v for v in orcids if ids.normalize_orcid(v, strict=False)), orcids[0] if orcids else None)
    ror = next((v for v in rors if ids.normalize_ror(v, strict=False)), None)
    affiliations: list[tuple[str | None, str | None]] = []
    for i, aff in enumerate(c.array("affiliation")):
        if isinstance(aff, str):
            affiliations.append((aff, None))
        elif isinstance(aff, dict):
            a = Fields(aff, c.source, c.record_id, c.name("affiliation") + f"[{i}]", c.notes, c.controls)
            scheme = (a.string("affiliationIdentifierScheme") or "").upper()
            affiliations.append((a.string("name"), a.string("affiliationIdentifier") if scheme == "ROR" else None))
    organization = c.string("nameType") == "Organizational"
    b.agent(role, position, name=c.string("name"), given=c.string("givenName"), family=c.string("familyName"),
            orcid=orcid, ror=ror, organization=organization, affiliations=affiliations, field_name=c.path)


def _map_related(rel: Fields, b: RecordBuilder) -> None:
    value = rel.string("relatedIdentifier")
    kind = rel.string("relationType")
    if not value:
        return
    if not kind:
        raise rel.error("relationType", "is missing; every related identifier needs one", value)
    node = b.related_node(rel.string("relatedIdentifierType") or "uri", value, rel.name("relatedIdentifier"))
    if node is not None:
        b.relate(kind, node, rel.name("relationType"),
                 TARGET_CLASSES.get(rel.string("resourceTypeGeneral") or ""))


def _map_related_item(item: Fields, position: int, b: RecordBuilder) -> None:
    """A related item described in the record (``relatedItems[]``): its node as cited, with the
    record's title, first creator, year, volume and first page for it (and the relation, as
    ``kg:citedVia``). The typed links stay those of ``relatedIdentifiers``. A malformed item is
    left out with a warning; the record still loads."""
    try:
        ident = item.obj("relatedItemIdentifier")
        value = ident.string("relatedItemIdentifier") if ident else None
        target = b.related_node(ident.string("relatedItemIdentifierType") or "uri", value,
                                ident.name("relatedItemIdentifier")) if ident and value else None
        titles = item.objs("titles")
        main = next((t for t in titles if not t.string("titleType")), titles[0] if titles else None)
        creators = item.objs("creators")
        first = creators[0] if creators else None
        author = (first.string("name") or ", ".join(x for x in (first.string("familyName"), first.string("givenName"))
                                                    if x)) if first else None
        year = item.data.get("publicationYear")
        cited = CitedAs(title=main.string("title") if main else None, author=author or None,
                        year=str(year) if isinstance(year, (int, str)) else None, volume=item.string("volume"),
                        first_page=item.string("firstPage"))
        rel = relation(item.string("relationType") or "")
    except RecordError as e:
        b.warn(e.field, f"was left out with its related item: {e.problem}", e.value)
        return
    node = b.cited_as("related-item", position, target, cited)
    if rel is not None:
        b.add(node, KG.citedVia, rel.iri)


def _map_published_in(item: Fields, b: RecordBuilder) -> None:
    """The journal or book a related item the work ``IsPublishedIn`` names: its title and ISSN, and the
    work's volume, issue and pages in it. A malformed part is left out with a warning."""
    try:
        if item.string("relationType") != "IsPublishedIn":
            return
        titles = item.objs("titles")
        ident = item.obj("relatedItemIdentifier")
        issn = ident.string("relatedItemIdentifier") \
            if ident and ident.string("relatedItemIdentifierType") == "ISSN" else None
        found = (titles[0].string("title") if titles else None, issn, item.string("volume"), item.string("issue"),
                 page_range(item.string("firstPage"), item.string("lastPage")))
    except RecordError as e:
        b.warn(e.field, f"was left out: {e.problem}", e.value)
        return
    title, issn, volume, issue, pages = found
    b.text(b.work, KG.containerTitle, title, markup=True)
    b.text(b.work, KG.issn, issn)
    b.placed(volume, issue, pages)


def _map_identifier(ident: Fields, b: RecordBuilder) -> None:
    kind = (ident.string("identifierType") or ident.string("alternateIdentifierType") or "").lower()
    value = ident.string("identifier") or ident.string("alternateIdentifier")
    if value and kind in ALTERNATE:
        normalise = {"pmid": ids.normalize_pmid, "pmcid": ids.normalize_pmcid, "arxiv": ids.normalize_arxiv}[kind]
        normal = normalise(value, strict=False)
        if normal:
            b.add(b.work, ALTERNATE[kind], Literal(normal))
        else:
            b.warn(ident.path, f"is not a valid {kind}", value)


#: DataCite's ``relationships`` of parts and versions -> the relation each is, from the work to the DOI listed
RELATIONSHIPS = {"parts": "HasPart", "partOf": "IsPartOf", "versions": "HasVersion", "versionOf": "IsVersionOf"}


def _map_relationships(top: Fields, b: RecordBuilder) -> None:
    """DataCite's ``relationships``: ``citations`` (the DOIs of works citing this one) and ``references``
    (the DOIs it cites), the links DataCite gathered from its own and Crossref's metadata, each a
    ``cito:cites`` edge in this record graph, so asserted by DataCite; ``parts``, ``partOf``, ``versions``
    and ``versionOf`` likewise, each the typed relation it names (DataCite's partCount and versionCount
    count them: a PANGAEA data set's part, named only there, was missing from kg's). Another kind of item,
    or the work's own DOI, is left out; an invalid DOI is left out with a warning."""
    relationships = top.obj("relationships")
    for key in ("citations", "references", *RELATIONSHIPS):
        group = relationships.obj(key) if relationships else None
        for item in group.objs("data") if group else []:
            value = item.string("id")
            if not value or (item.string("type") or "dois") != "dois":
                continue
            try:
                node = NamedNode(ids.doi_iri(value))
            except IdentifierError as e:
                b.warn(item.name("id"), f"is not a valid DOI and was left out: {e.reason}", value)
                continue
            if node != b.work and key == "citations":
                b.add(node, CITO.cites, b.work)
            elif node != b.work and key in RELATIONSHIPS:
                b.relate(RELATIONSHIPS[key], node, item.name("id"))
            elif node != b.work:
                b.cites(node)
