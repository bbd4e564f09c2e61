"""Zenodo: records from the REST API (``/api/records/{id}``), search pages (``/api/records?q=``,
``hits.hits[]``) and version lists (``/api/records/{id}/versions``).

Zenodo answers in two JSON forms, and both are read: the *legacy* form (``doi``, ``conceptdoi``,
``metadata.resource_type.type``, ``metadata.creators[].name``; what ``Accept: application/json``
returns, from the old Zenodo and from the InvenioRDM-based one since October 2023) and the
*InvenioRDM* form (``pids.doi``, ``parent.pids.doi``, ``metadata.resource_type.id``,
``metadata.creators[].person_or_org``; ``Accept: application/vnd.inveniordm.v1+json``). Each
field is read in whichever form the record gives it.

>>> from datetime import datetime, UTC
>>> data = {"id": 7, "doi": "10.5281/zenodo.7", "conceptdoi": "10.5281/zenodo.6",
...         "metadata": {"title": "Tool", "resource_type": {"type": "software"}}}
>>> mapped = ZenodoLoader.map(RawRecord("zenodo", data, "file:///x", datetime(2024, 1, 1, tzinfo=UTC)))
>>> mapped.graph.graph.value
'https://w3id.org/evidence-kg/graph/zenodo/7'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError
from kg.vocab import KG, RDF, SCHEMA
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.builder import CitedAs, RecordBuilder
from loaders.fields import FOUND_IN_TEXT, Fields, check_text, doi_in_text, parse_date
from loaders.http import HttpClient, Response

#: The first part of a resource type id ("publication-article") -> class. Poster, presentation,
#: image-*, video, lesson, physicalobject, other and anything new are schema:CreativeWork.
CLASSES: dict[str, NamedNode] = {
    "dataset": SCHEMA.Dataset,
    "software": SCHEMA.SoftwareSourceCode,
    "workflow": SCHEMA.SoftwareSourceCode,
    "publication": SCHEMA.ScholarlyArticle,
}
#: publication subtypes that are no article -> their schema.org class, written beside schema:CreativeWork (as
#: Crossref's and DataCite's books, chapters, reports and theses are: metrics count them as books and reports)
SPECIFIC: dict[str, NamedNode] = {"publication-book": SCHEMA.Book, "publication-section": SCHEMA.Chapter,
                                  "publication-report": SCHEMA.Report, "publication-deliverable": SCHEMA.Report,
                                  "publication-thesis": SCHEMA.Thesis}
#: Zenodo answers at most 25 records per page to requests without an access token.
MAX_PAGE_SIZE = 25
#: statistics of all versions of the concept, and of this version only
ALL_VERSIONS = {"views": KG.views, "downloads": KG.downloads, "unique_views": KG.uniqueViews,
                "unique_downloads": KG.uniqueDownloads}
THIS_VERSION = {"views": KG.versionViews, "downloads": KG.versionDownloads, "unique_views": KG.versionUniqueViews,
                "unique_downloads": KG.versionUniqueDownloads}
#: alternate identifier schemes kept as properties of the work
ALTERNATE = {"pmid": (KG.pmid, ids.normalize_pmid), "pmcid": (KG.pmcid, ids.normalize_pmcid),
             "arxiv": (KG.arxiv, ids.normalize_arxiv)}
SPDX_BASE = "https://spdx.org/licenses/"
#: SPDX identifiers in their registered case, by lower case (Zenodo writes them in lower case);
#: others are used as the record gives them.
SPDX = {i.lower(): i for i in (
    "CC-BY-4.0 CC-BY-3.0 CC-BY-2.0 CC-BY-SA-4.0 CC-BY-SA-3.0 CC-BY-NC-4.0 CC-BY-NC-3.0 CC-BY-ND-4.0 "
    "CC-BY-NC-SA-4.0 CC-BY-NC-ND-4.0 CC0-1.0 CC-PDDC MIT Apache-2.0 BSD-2-Clause BSD-3-Clause ISC "
    "GPL-2.0-only GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later LGPL-2.1-only LGPL-2.1-or-later "
    "LGPL-3.0-only LGPL-3.0-or-later AGPL-3.0-only AGPL-3.0-or-later MPL-2.0 EPL-2.0 EUPL-1.2 "
    "Unlicense Zlib ODbL-1.0 ODC-By-1.0 PDDL-1.0 Artistic-2.0 BSL-1.0 WTFPL GPL-2.0 GPL-3.0 LGPL-3.0 "
    "AGPL-3.0 CECILL-2.1 OFL-1.1 Python-2.0").split()}
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")
_ZENODO_DOI = re.compile(r"10\.5281/zenodo\.([0-9]+)")


class ZenodoLoader(Loader):
    name: ClassVar[str] = "zenodo"
    description: ClassVar[str] = "Zenodo records and search results"
    api: ClassVar[str] = "https://zenodo.org"
    #: Zenodo allows a guest about 60 requests a minute, fewer searches (a 429 slows kg down further)
    min_interval: ClassVar[float] = 1.0

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        hits = document.get("hits")
        if isinstance(hits, dict) and isinstance(hits.get("hits"), list):
            items = hits["hits"]
            return items if all(_is_record(i) for i in items[:5]) else None
        return [document] if _is_record(document) else None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        value = data.get("id", data.get("recid"))
        return str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) and value != "" \
            else "(no id)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """Zenodo's ``updated``, else ``modified``."""
        return first_date(data, "updated", "modified")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        top = Fields(raw.data, cls.name, cls.record_id(raw.data))
        if top.record_id == "(no id)":
            raise top.error("id", "is missing or is not a record number", raw.data.get("id", raw.data.get("recid")))
        md = top.obj("metadata")
        if md is None:
            raise top.error("metadata", "is missing; a Zenodo record has metadata")
        doi = _doi(top, md)
        work = NamedNode(ids.doi_iri(doi))
        b = RecordBuilder(md, work)
        kind = _resource_type(md)
        specific = SPECIFIC.get((kind or "").lower())
        b.typed(SCHEMA.CreativeWork if specific else _class_of(kind) or SCHEMA.CreativeWork, kind)
        if specific:
            b.add(work, RDF.type, specific)
        if (kind or "").lower() == "publication-preprint":
            b.add(work, RDF.type, KG.Preprint)  # beside its article class
        b.add(work, KG.doi, Literal(doi))
        title = md.string("title")
        b.text(work, SCHEMA.name, title, markup=True)
        for extra in md.objs("additional_titles"):
            subtitle = _type_id(extra, "type") == "subtitle"
            b.text(work, SCHEMA.alternativeHeadline if subtitle else SCHEMA.alternateName, extra.string("title"),
                   markup=True)
        published = parse_date(md.string("publication_date") or "")
        if published is not None:
            b.add(work, SCHEMA.datePublished, published)
        b.text(work, SCHEMA.description, md.string("description"), markup=True)
        b.text(work, SCHEMA.description, md.string("notes"), markup=True)
        for d in md.objs("additional_descriptions"):
            prop = SCHEMA.abstract if _type_id(d, "type") == "abstract" else SCHEMA.description
            b.text(work, prop, d.string("description"), markup=True)
        b.text(work, SCHEMA.version, md.string("version"))
        for keyword in md.strings("keywords"):
            b.text(work, SCHEMA.keywords, keyword)
        for s in md.objs("subjects"):
            b.text(work, SCHEMA.keywords, s.string("subject") or s.string("term"))
        for role, key in ((SCHEMA.creator, "creators"), (SCHEMA.contributor, "contributors")):
            for i, agent in enumerate(md.objs(key), start=1):
                _map_agent(agent, b, role, i)
        _map_funding(md, b)
        for rel in md.objs("related_identifiers"):
            _map_related(rel, b)
        for ident in [*md.objs("alternate_identifiers"), *md.objs("identifiers")]:
            _map_identifier(ident, b)
        _map_licenses(md, b)
        _map_context(top, md, b)
        concept = _map_versions(top, md, b, title)
        if concept is not None and specific:
            b.add(concept, RDF.type, specific)
        _map_stats(top, b, raw)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        """One response per record (``request.dois``: Zenodo DOIs, other DOIs or record numbers), or
        the pages of a search. ``request.filter`` holds search parameters ``key:value,...``
        (``type:dataset,communities:lexibank,allversions:true``); with DOIs, ``versions`` fetches
        every version of each record instead of the record alone."""
        api = request.api or cls.api
        params, versions = _filter_params(request.filter)
        for value in request.dois:
            record, doi = _record_key(value)
            if record is not None and versions:
                yield from cls.fetch_versions(client, record, api=api, max_pages=request.max_pages)
            elif record is not None:
                yield client.get_json(f"{api}/api/records/{record}")
            else:
                yield from cls.fetch_search(client, api=api, query=f'doi:"{doi}"', params=params, max_pages=1)
        if not request.dois:
            yield from cls.fetch_search(client, api=api, query=request.query, params=params, rows=request.rows,
                                        max_pages=request.max_pages)

    @classmethod
    def fetch_search(cls, client: HttpClient, *, api: str | None = None, query: str | None = None,
                     params: Mapping[str, str] | None = None, rows: int = MAX_PAGE_SIZE,
                     max_pages: int | None = None) -> Iterator[Response]:
        """Pages of ``/api/records`` (at most 25 records each), following ``links.next``."""
        first: dict[str, str | int] = {"size": max(1, min(rows, MAX_PAGE_SIZE)), **(params or {})}
        if query:
            first["q"] = query
        return client.paged(f"{api or cls.api}/api/records", first, _next_page, max_pages=max_pages)

    @classmethod
    def fetch_versions(cls, client: HttpClient, record_id: str | int, api: str | None = None, *,
                       max_pages: int | None = None) -> Iterator[Response]:
        """Pages of every version of a record (its number or Zenodo DOI), following ``links.next``."""
        record, _ = _record_key(str(record_id))
        if record is None:
            raise IdentifierError("zenodo record", str(record_id), "expected a record number or a Zenodo DOI "
                                                                    "10.5281/zenodo.N")
        return client.paged(f"{api or cls.api}/api/records/{record}/versions", {"size": MAX_PAGE_SIZE},
                            _next_page, max_pages=max_pages)


def _is_record(item: Any) -> bool:
    """A Zenodo record in either form: a record number, and metadata with a resource type or a title."""
    if not isinstance(item, dict) or not ("id" in item or "recid" in item):
        return False
    metadata = item.get("metadata")
    return isinstance(metadata, dict) and any(k in metadata for k in ("resource_type", "upload_type", "title"))


def _next_page(page: Response) -> tuple[str, None] | None:
    data = page.data if isinstance(page.data, dict) else {}
    hits = data.get("hits")
    links = data.get("links")
    following = links.get("next") if isinstance(links, dict) else None
    if not following or not isinstance(hits, dict) or not hits.get("hits"):
        return None
    return str(following), None


def _record_key(value: str) -> tuple[str | None, str | None]:
    """(record number, None) for a number or a Zenodo DOI; (None, DOI) for any other DOI."""
    text = value.strip()
    if text.isdigit():
        return text, None
    doi = ids.normalize_doi(text)
    found = _ZENODO_DOI.fullmatch(doi)
    return (found[1], None) if found else (None, doi)


def _filter_params(text: str | None) -> tuple[dict[str, str], bool]:
    params: dict[str, str] = {}
    versions = False
    for part in (p.strip() for p in (text or "").split(",")):
        if part == "versions":
            versions = True
        elif part:
            key, _, value = part.partition(":")
            params[key.strip()] = value.strip()
    return params, versions


def _doi(top: Fields, md: Fields) -> str:
    pids = top.obj("pids")
    pid = pids.obj("doi") if pids else None
    text = top.string("doi") or (pid.string("identifier") if pid else None) or md.string("doi")
    if not text:
        raise top.error("doi", "is missing; kg names a work by its DOI, and this record has none")
    try:
        return ids.normalize_doi(text)
    except IdentifierError as e:
        raise top.error("doi", f"is not a valid DOI ({e.reason})", text) from e


def _type_id(f: Fields, key: str) -> str | None:
    """A vocabulary term given as a string (legacy) or as ``{"id": ...}`` (InvenioRDM)."""
    if isinstance(f.data.get(key), dict):
        term = f.obj(key)
        return term.string("id") if term else None
    return f.string(key)


def _i18n(f: Fields, key: str) -> str | None:
    """A text given as a string, or as ``{"en": ..., "de": ...}`` (English first)."""
    if not isinstance(f.data.get(key), dict):
        return f.string(key)
    texts = f.obj(key)
    if texts is None:
        return None
    return texts.string("en") or next((texts.string(k) for k in texts.data if texts.string(k)), None)


def _resource_type(md: Fields) -> str | None:
    """The type id: "publication-article", "dataset", "image-figure", ... in either form."""
    rt = md.obj("resource_type")
    if rt is None:
        upload = md.string("upload_type")  # the deposit API's form
        sub = md.string("publication_type") or md.string("image_type")
        return f"{upload}-{sub}" if upload and sub else upload
    if "id" in rt.data:
        return rt.string("id")
    kind, sub = rt.string("type"), rt.string("subtype")
    return f"{kind}-{sub}" if kind and sub else kind


def _class_of(kind: str | None) -> NamedNode | None:
    return CLASSES.get((kind or "").split("-")[0].lower())


def _map_agent(c: Fields, b: RecordBuilder, role: NamedNode, position: int) -> None:
    person = c.obj("person_or_org")
    if person is None:  # legacy: {name, affiliation, orcid}
        affiliation = c.string("affiliation")
        b.agent(role, position, name=c.string("name"), orcid=c.string("orcid"),
                affiliations=[(affiliation, None)] if affiliation else [], field_name=c.path)
        return
    schemes = {(i.string("scheme") or "").lower(): i.string("identifier") for i in person.objs("identifiers")}
    affiliations = [(a.string("name"), a.string("id")) for a in c.objs("affiliations")]
    b.agent(role, position, name=person.string("name"), given=person.string("given_name"),
            family=person.string("family_name"), orcid=schemes.get("orcid"), ror=schemes.get("ror"),
            organization=(person.string("type") or "").lower().startswith("organi"),
            affiliations=affiliations, field_name=c.path)


def _map_funding(md: Fields, b: RecordBuilder) -> None:
    for grant in md.objs("grants"):  # legacy: {code, title, funder: {doi, name}}
        funder = grant.obj("funder")
        funder_doi, code = (funder.string("doi") if funder else None), grant.string("code")
        internal = grant.string("id") or grant.string("internal_id") or ""
        if "::" in internal:  # "10.13039/501100000780::654024"
            funder_doi, code = funder_doi or internal.split("::")[0], code or internal.split("::")[1]
        title = grant.string("title")
        b.funding(name=funder.string("name") if funder else None, funder_id=funder_doi,
                  scheme="doi" if funder_doi else None, awards=[(code, title)] if code or title else [],
                  field_name=grant.path)
    for fund in md.objs("funding"):  # InvenioRDM: {funder: {id (ROR), name}, award: {number, title}}
        funder, award = fund.obj("funder"), fund.obj("award")
        funder_id = funder.string("id") if funder else None
        number, title = (award.string("number"), _i18n(award, "title")) if award else (None, None)
        b.funding(name=funder.string("name") if funder else None, funder_id=funder_id,
                  scheme=("doi" if funder_id.startswith("10.") else "ror") if funder_id else None,
                  awards=[(number, title)] if number or title else [], field_name=fund.path)


def _map_references(md: Fields, b: RecordBuilder) -> None:
    """The record's reference list (``metadata.references``: each reference as its authors wrote it), in its
    order, each citing the DOI its text names as a doi.org link or after "doi:" (as a Crossref reference's
    text is read). The page listed none of 69 real references while saying "Zenodo lists 69"."""
    references = md.array("references")
    unresolved = 0
    for position, item in enumerate(references, start=1):
        # the legacy form gives each as text; InvenioRDM's as {"reference": text, ...}; anything else: no text
        text = item if isinstance(item, str) else item.get("reference") if isinstance(item, dict) else None
        text = check_text(text, md, f"references[{position - 1}]").strip() if isinstance(text, str) else None
        found = doi_in_text(text)
        target = NamedNode(ids.doi_iri(found)) if found else None
        if target is None:
            unresolved += 1
        else:
            b.cites(target)
        b.cited_as("reference", position, target,
                   CitedAs(unstructured=text or None, doi_asserted_by=FOUND_IN_TEXT if target is not None else None))
    if references:
        b.add(b.work, KG.referenceCount, Literal(len(references)))
        b.add(b.work, KG.unresolvedReferenceCount, Literal(unresolved))


def _map_related(rel: Fields, b: RecordBuilder) -> None:
    value = rel.string("identifier")
    if not value:
        return
    key = "relation_type" if "relation_type" in rel.data else "relation"
    kind = _type_id(rel, key)
    if not kind:
        raise rel.error(key, "is missing; every related identifier needs a relation", value)
    if kind.lower() == "isalternateidentifier":  # the deposit API's way to give another identifier
        _map_identifier(rel, b)
        return
    node = b.related_node(rel.string("scheme") or "url", value, rel.name("identifier"))
    if node is not None:
        b.relate(kind, node, rel.name(key), _class_of(_type_id(rel, "resource_type")))


def _map_identifier(ident: Fields, b: RecordBuilder) -> None:
    value = ident.string("identifier")
    scheme = (ident.string("scheme") or "").lower()
    if not value:
        return
    if scheme not in ALTERNATE:
        b.text(b.work, SCHEMA.identifier, f"{scheme}:{value}" if scheme else value)
        return
    prop, normalise = ALTERNATE[scheme]
    normal = normalise(value, strict=False)
    if normal:
        b.add(b.work, prop, Literal(normal))
    else:
        b.warn(ident.path, f"is not a valid {scheme}", value)


def _map_licenses(md: Fields, b: RecordBuilder) -> None:
    licenses: list[tuple[str | None, str | None, str | None, str]] = []  # (id, URL, title, field)
    if isinstance(md.data.get("license"), dict):
        lic = md.obj("license")
        if lic is not None:
            licenses.append((lic.string("id"), lic.string("url"), lic.string("title"), lic.path))
    elif md.string("license"):
        licenses.append((md.string("license"), None, None, "license"))
    for r in md.objs("rights"):
        props = r.obj("props")
        url = (props.string("url") if props else None) or r.string("link")
        licenses.append((r.string("id"), url, _i18n(r, "title"), r.path))
    for key, url, title, field_name in licenses:
        node = b.related_node("url", url, field_name) if url else None
        if node is None and key and _SPDX_ID.fullmatch(key) and not key.lower().startswith(("other-", "not")):
            node = NamedNode(SPDX_BASE + SPDX.get(key.lower(), key))
        if node is not None:
            b.add(b.work, SCHEMA.license, node)
        else:
            b.text(b.work, SCHEMA.license, key or title)


def _map_context(top: Fields, md: Fields, b: RecordBuilder) -> None:
    """Communities, journal, publisher, reference count and landing page."""
    for community in md.objs("communities"):
        b.text(b.work, KG.community, community.string("id"))
    parent = top.obj("parent")
    communities = parent.obj("communities") if parent else None
    for entry in communities.objs("entries") if communities else []:
        b.text(b.work, KG.community, entry.string("slug"))
    custom = top.obj("custom_fields")
    journal = md.obj("journal") or (custom.obj("journal:journal") if custom else None)
    if journal:
        b.text(b.work, KG.containerTitle, journal.string("title"), markup=True)
        b.placed(journal.string("volume"), journal.string("issue"), journal.string("pages"))
    imprint = md.obj("imprint")
    publisher = md.string("publisher") or (imprint.string("publisher") if imprint else None)
    if publisher:
        org = b.shared("org", publisher)
        b.add(b.work, SCHEMA.publisher, org)
        b.add(org, RDF.type, SCHEMA.Organization)
        b.text(org, SCHEMA.name, publisher)
    _map_references(md, b)
    links = top.obj("links")
    url = (links.string("self_html") or links.string("html")) if links else None
    node = b.related_node("url", url, "links.self_html") if url else None
    if node is not None and node != b.work:
        b.add(b.work, SCHEMA.url, node)


def _map_versions(top: Fields, md: Fields, b: RecordBuilder, title: str | None) -> NamedNode | None:
    """The concept (all versions) and this version's place among them, in this record's graph; the
    concept's node (None when the record names none). How many versions Zenodo holds (the legacy form's
    ``count``; else, of the latest version, its number: ``is_last``, ``is_latest``) is the concept's
    ``kg:sourceVersionCount``: Zenodo's figure, beside kg's own count of the versions in this graph, never in
    place of it."""
    versions = top.obj("versions")  # InvenioRDM: {"index": 3, "is_latest": true}, counted from 1
    relations = md.obj("relations")  # legacy: {"version": [{"index": 2, ...}]}, counted from 0
    legacy = relations.objs("version")[:1] if relations else []
    index = versions.integer("index") if versions else None
    if index is None and legacy and legacy[0].integer("index") is not None:
        index = (legacy[0].integer("index") or 0) + 1
    if index is not None:
        b.add(b.work, KG.versionIndex, Literal(index))
    parent = top.obj("parent")
    pids = parent.obj("pids") if parent else None
    pid = pids.obj("doi") if pids else None
    text = top.string("conceptdoi") or (pid.string("identifier") if pid else None)
    concept_doi = ids.normalize_doi(text, strict=False) if text else None
    if text and concept_doi is None:
        b.warn("conceptdoi", "is not a valid DOI and was left out", text)
    if not concept_doi or ids.doi_iri(concept_doi) == b.work.value:
        return None
    concept = NamedNode(ids.doi_iri(concept_doi))
    count = legacy[0].integer("count") if legacy else None
    if count is None and (versions.flag("is_latest") if versions else legacy and legacy[0].flag("is_last")):
        count = index
    if count is not None and count > 0:
        b.add(concept, KG.sourceVersionCount, Literal(count))
    b.relate("IsVersionOf", concept, "conceptdoi")
    b.add(concept, KG.hasVersion, b.work)
    b.add(concept, RDF.type, KG.Concept)
    if b.work_class is not None:
        b.add(concept, RDF.type, b.work_class)
    b.add(concept, KG.doi, Literal(concept_doi))
    b.text(concept, SCHEMA.name, title, markup=True)
    return concept


def _map_stats(top: Fields, b: RecordBuilder, raw: RawRecord) -> None:
    """Views and downloads as a usage observation, dated when harvested. Never citations.

    Which figures cover all versions depends on the form: InvenioRDM says ``all_versions`` and
    ``this_version``; the legacy form of today's Zenodo gives all versions as ``views`` and this
    version as ``version_views``; the old Zenodo (before October 2023, no ``recid``) the reverse.
    The all-versions figures are the concept's: GraphQL reads a concept DOI's views and downloads from the
    newest observation of one of its versions (every version's record repeats them), never their sum.
    """
    stats = top.obj("stats")
    if stats is None:
        return
    figures: list[tuple[NamedNode, int]] = []
    if "this_version" in stats.data or "all_versions" in stats.data:
        for key, props in (("all_versions", ALL_VERSIONS), ("this_version", THIS_VERSION)):
            part = stats.obj(key)
            figures += [(p, n) for name, p in props.items() if part and (n := _count(part, name, b)) is not None]
    else:
        whole, version = (ALL_VERSIONS, THIS_VERSION) if "recid" in top.data else (THIS_VERSION, ALL_VERSIONS)
        figures += [(whole[name], n) for name in whole if (n := _count(stats, name, b)) is not None]
        figures += [(version[name], n) for name in version if (n := _count(stats, f"version_{name}", b)) is not None]
    b.usage(raw.retrieved_at.astimezone(UTC).isoformat(), figures)


def _count(f: Fields, key: str, b: RecordBuilder) -> int | None:
    """A count, also when written as a float (9.0); None when absent, or negative (warned)."""
    value = f.data.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        kind = {str: "a string", float: "a fraction", list: "a list", dict: "an object"}.get(type(value), "true/false")
        raise f.error(key, f"is {kind}, expected a whole number", value)
    if isinstance(value, int) and value < 0:
        b.warn(f.name(key), "is negative and was left out", value)
        return None
    return value
