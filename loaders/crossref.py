"""Crossref: works from the REST API (``/works/{doi}``, ``/works?filter=...``) and the annual
public data file (many ``.json.gz`` files, each ``{"items": [...]}``).

>>> from datetime import datetime, UTC
>>> raw = RawRecord("crossref", {"DOI": "10.1/ABC", "type": "journal-article", "title": ["A"]},
...                 "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC))
>>> mapped = CrossrefLoader.map(raw)
>>> mapped.graph.graph.value
'https://w3id.org/evidence-kg/graph/crossref/10.1/abc'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, RecordError
from kg.vocab import KG, RDF, SCHEMA
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.builder import CitedAs, RecordBuilder
from loaders.fields import FOUND_IN_TEXT, Fields, date_literal, doi_in_text
from loaders.http import HttpClient, Response
from loaders.status import crossref_updates

#: Crossref types of containers and records that are not themselves research outputs.
CONTAINERS = ("journal", "journal-volume", "journal-issue", "book-series", "book-set", "proceedings",
              "proceedings-series", "report-series", "standard-series", "grant")
#: Crossref types of parts of a book or proceedings volume: their container-title lists the series before the
#: book ("SpringerBriefs in Medical Earth Sciences", "Human Health and Physical Activity During Heat Exposure")
IN_SERIES = ("book-chapter", "book-section", "book-part", "book-track", "proceedings-article", "reference-entry")
#: Crossref work types -> class, the one of kg's five work classes that counts, pages and summaries use
#: (kg.works.WORK_CLASSES). Every type Crossref lists at /types; others are CreativeWork.
CLASSES: dict[str, NamedNode] = {
    **{t: SCHEMA.ScholarlyArticle for t in (
        "journal-article", "proceedings-article", "posted-content", "reference-entry", "standard")},
    **{t: SCHEMA.CreativeWork for t in (
        *CONTAINERS, "component", "other", "book", "monograph", "edited-book", "reference-book", "book-chapter",
        "book-section", "book-part", "book-track", "peer-review", "dissertation", "report", "report-component")},
    "dataset": SCHEMA.Dataset,
    "database": SCHEMA.Dataset,
}
#: Crossref work types -> the schema.org class that says what the work is, written beside its
#: :data:`CLASSES` class (a book is a schema:Book and a schema:CreativeWork, never a ScholarlyArticle)
SPECIFIC: dict[str, NamedNode] = {
    **{t: SCHEMA.Book for t in ("book", "monograph", "edited-book", "reference-book", "book-set")},
    **{t: SCHEMA.Chapter for t in ("book-chapter", "book-section", "book-part", "book-track")},
    **{t: SCHEMA.Report for t in ("report", "report-component")},
    "peer-review": SCHEMA.Review,
    "dissertation": SCHEMA.Thesis,
    "journal": SCHEMA.Periodical,
    "journal-volume": SCHEMA.PublicationVolume,
    "journal-issue": SCHEMA.PublicationIssue,
    "book-series": SCHEMA.BookSeries,
    **{t: SCHEMA.CreativeWorkSeries for t in ("proceedings-series", "report-series", "standard-series")},
}


#: a JATS abstract's own heading, "Abstract", at its start
_HEADING = re.compile(r"^\s*<jats:title>\s*abstract\s*</jats:title>", re.IGNORECASE)


class CrossrefLoader(Loader):
    name: ClassVar[str] = "crossref"
    description: ClassVar[str] = "Crossref REST API works and public data files"
    api: ClassVar[str] = "https://api.crossref.org"
    min_interval: ClassVar[float] = 0.1

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        message = document.get("message")
        kind = document.get("message-type")
        if kind == "work" and isinstance(message, dict):
            return [message]
        if kind == "work-list" and isinstance(message, dict):
            return list(message.get("items") or [])
        items = document.get("items")
        if kind is None and isinstance(items, list) and all(_is_work(i) for i in items[:5]):
            return items  # the annual public data file
        if _is_work(document):
            return [document]  # one work per line in JSON Lines
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        doi = data.get("DOI")
        return str(doi).lower() if isinstance(doi, str) and doi else "(no DOI)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """Crossref's ``indexed`` (when the record last changed in its index), else ``deposited``."""
        return first_date(data, "indexed.date-time", "deposited.date-time")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        doi_text = f.string("DOI")
        if not doi_text:
            raise f.error("DOI", "is missing; every Crossref work has one")
        try:
            doi = ids.normalize_doi(doi_text) or ""
        except IdentifierError as e:
            raise f.error("DOI", f"is not a valid DOI ({e.reason})", doi_text) from e
        f.record_id = doi
        work = NamedNode(ids.doi_iri(doi))
        b = RecordBuilder(f, work)
        kind = f.string("type") or "other"
        pdb = ids.pdb_id_from_doi(doi)
        b.typed(KG.StructureEntry if pdb else CLASSES.get(kind, SCHEMA.CreativeWork), kind)
        if not pdb and kind in SPECIFIC:
            b.add(work, RDF.type, SPECIFIC[kind])
        if kind == "posted-content" and f.string("subtype") == "preprint":
            b.add(work, RDF.type, KG.Preprint)
        b.add(work, KG.doi, Literal(doi))
        if pdb:
            b.add(work, KG.pdbId, Literal(pdb))
        titles = f.strings("title") or f.strings("original-title")  # a title only in its own language
        b.text(work, SCHEMA.name, titles[0] if titles else None, markup=True)
        for extra in [*titles[1:], *(t for t in f.strings("original-title") if t not in titles)]:
            b.text(work, SCHEMA.alternateName, extra, markup=True)
        for subtitle in f.strings("subtitle"):
            b.text(work, SCHEMA.alternativeHeadline, subtitle, markup=True)
        # the heading a JATS abstract opens with ("<jats:title>Abstract</jats:title>This article ...") is no part of it
        b.text(work, SCHEMA.abstract, _HEADING.sub("", f.string("abstract") or ""), markup=True)
        # a thesis has only its approval date, a preprint its posting date
        issued = _date(f, "issued") or _date(f, "published") or _date(f, "published-online") \
            or _date(f, "published-print") or _date(f, "approved") or _date(f, "posted")
        if issued is not None:
            b.add(work, SCHEMA.datePublished, issued)
        created = _date(f, "created")
        if created is not None:
            b.add(work, SCHEMA.dateCreated, created)
        _map_publisher(f, b)
        containers = f.strings("container-title")
        # a chapter's or a proceedings paper's titles list the series first, its own book or volume last
        b.text(work, KG.containerTitle, (containers[-1] if kind in IN_SERIES else containers[0]) if containers
               else None, markup=True)
        for issn in f.strings("ISSN"):
            b.text(work, KG.issn, issn)
        # an online-only article's number stands for its pages (Physical Review Letters' 117701, eLife's e01567)
        b.placed(f.string("volume"), f.string("issue"), f.string("page") or f.string("article-number"))
        for i, a in enumerate(f.objs("author"), start=1):
            _map_person(a, b, SCHEMA.author, i)
        for i, editor in enumerate(f.objs("editor"), start=1):
            _map_person(editor, b, SCHEMA.editor, i)
        for fund in f.objs("funder"):
            _map_funder(fund, b)
        _map_references(f, b)
        _map_relations(f, b)
        crossref_updates(f, b)
        for lic in f.objs("license"):
            url = lic.string("URL")
            node = b.related_node("url", url, lic.name("URL")) if url else None
            if node is not None:
                b.add(work, SCHEMA.license, node)
        for subject in f.strings("subject"):
            b.text(work, SCHEMA.keywords, subject)
        count = f.integer("is-referenced-by-count")
        if count is not None:
            b.add(work, KG.sourceCitationCount, Literal(count))
        resource = f.obj("resource")
        primary = resource.obj("primary") if resource else None
        url = (primary.string("URL") if primary else None) or f.string("URL")
        node = b.related_node("url", url, "URL") if url else None
        if node is not None and node != work:
            b.add(work, SCHEMA.url, node)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.dois:
            return (cls.fetch_work(client, doi, api=request.api) for doi in request.dois)
        return cls.fetch_works(client, api=request.api, filter=request.filter, query=request.query,
                               rows=request.rows, max_pages=request.max_pages)

    @classmethod
    def fetch_work(cls, client: HttpClient, doi: str, *, api: str | None = None) -> Response:
        """One work by DOI."""
        return client.get_json(f"{api or cls.api}/works/{quote(ids.normalize_doi(doi), safe='/')}")

    @classmethod
    def fetch_batch(cls, client: HttpClient, dois: list[str], *, api: str | None = None) -> Response:
        """The works of several DOIs in one request (``filter=doi:a,doi:b``: the filters are OR-ed)."""
        normal = [ids.normalize_doi(d) for d in dois]
        return client.get_json(f"{api or cls.api}/works", {"filter": ",".join(f"doi:{d}" for d in normal),
                                                            "rows": len(normal)})

    @classmethod
    def fetch_works(cls, client: HttpClient, *, api: str | None = None, filter: str | None = None,
                    query: str | None = None, rows: int = 100, max_pages: int | None = None
                    ) -> Iterator[Response]:
        """Pages of ``/works`` with deep cursor paging (``cursor=*``, then ``next-cursor``)."""
        params: dict[str, str | int] = {"rows": rows, "cursor": "*"}
        if filter:
            params["filter"] = filter
        if query:
            params["query"] = query

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            message = page.data.get("message", {}) if isinstance(page.data, dict) else {}
            cursor = message.get("next-cursor")
            if not cursor or not message.get("items"):
                return None
            return f"{api or cls.api}/works", {**params, "cursor": cursor}

        return client.paged(f"{api or cls.api}/works", params, next_page, max_pages=max_pages)


def _is_work(item: Any) -> bool:
    """A Crossref work: has a DOI and a type or title, or (DOI missing) a Crossref type and titles."""
    if not isinstance(item, dict):
        return False
    if "DOI" in item:
        return "type" in item or "title" in item
    return item.get("type") in CLASSES and isinstance(item.get("title"), list)


def _date(f: Fields, key: str) -> Literal | None:
    value = f.obj(key)
    if value is None:
        return None
    parts = value.array("date-parts")
    first = parts[0] if parts and isinstance(parts[0], list) else []
    nums = [p if isinstance(p, int) else int(p) if isinstance(p, str) and p.isdigit() else None
            for p in first[:3]]
    if not nums or not nums[0]:
        return None
    month = nums[1] if len(nums) > 1 and nums[1] and 1 <= nums[1] <= 12 else None
    day = nums[2] if month and len(nums) > 2 and nums[2] and 1 <= nums[2] <= 31 else None
    return date_literal(nums[0], month, day)


def _map_publisher(f: Fields, b: RecordBuilder) -> None:
    name = f.string("publisher")
    member = f.string("member")
    if not (name or member):
        return
    node = NamedNode(f"https://id.crossref.org/member/{member}") if member and member.isdigit() \
        else b.shared("org", name or "")
    b.add(b.work, SCHEMA.publisher, node)
    b.add(node, SCHEMA.name, Literal(name)) if name else None


def _map_person(a: Fields, b: RecordBuilder, role: NamedNode, position: int) -> None:
    affiliations: list[tuple[str | None, str | None]] = []
    for aff in a.objs("affiliation"):
        ror = next((i.string("id") for i in aff.objs("id") if (i.string("id-type") or "").upper() == "ROR"), None)
        affiliations.append((aff.string("name"), ror))
    given, family, name = a.string("given"), a.string("family"), a.string("name")
    b.agent(role, position, name=name if not (given or family) else None, given=given, family=family,
            orcid=a.string("ORCID"), organization=bool(name and not (given or family)),
            affiliations=affiliations, field_name=a.path)


def _map_funder(fund: Fields, b: RecordBuilder) -> None:
    funder_id = fund.string("DOI")
    scheme = "doi" if funder_id else None
    if not funder_id:
        for i in fund.objs("id"):
            if (i.string("id-type") or "").upper() in ("DOI", "ROR"):
                funder_id, scheme = i.string("id"), (i.string("id-type") or "").lower()
                break
    awards = [(a, None) for a in fund.strings("award")]
    b.funding(name=fund.string("name"), funder_id=funder_id, scheme=scheme, awards=awards,
              field_name=fund.path)


def _map_references(f: Fields, b: RecordBuilder) -> None:
    refs = f.objs("reference")
    unresolved = 0
    for position, ref in enumerate(refs, start=1):
        doi = _lenient(ref, "DOI", b)
        found = None if doi else doi_in_text(_lenient(ref, "unstructured", b))
        target: NamedNode | None = None
        try:
            target = NamedNode(ids.doi_iri(doi or found or ""))
        except IdentifierError:
            unresolved += 1
            if doi:
                b.warn(ref.name("DOI"), "is not a valid DOI; counted as unresolved", doi)
        if target is not None:
            b.cites(target)
        b.cited_as("reference", position, target, _cited_as(ref, b, found_in_text=found is not None))
    if refs or f.integer("reference-count"):
        b.add(b.work, KG.referenceCount, Literal(max(len(refs), f.integer("reference-count") or 0)))
        b.add(b.work, KG.unresolvedReferenceCount, Literal(unresolved))


def _cited_as(ref: Fields, b: RecordBuilder, *, found_in_text: bool = False) -> CitedAs:
    """A Crossref reference's own metadata. A chapter's title is its article-title and its book
    the volume-title; a book cited whole has only the volume-title (or series-title). A DOI kg
    read from the reference's text is asserted by :data:`FOUND_IN_TEXT`."""
    def text(key: str) -> str | None:
        return _lenient(ref, key, b)

    article, volume_title, series = text("article-title"), text("volume-title"), text("series-title")
    return CitedAs(title=article or volume_title or series, author=text("author"), year=text("year"),
                   venue=text("journal-title") or (volume_title if article else None),
                   volume=text("volume"), first_page=text("first-page"), unstructured=text("unstructured"),
                   doi_asserted_by=FOUND_IN_TEXT if found_in_text else text("doi-asserted-by"))


def _lenient(ref: Fields, key: str, b: RecordBuilder) -> str | None:
    """A reference's text field; a value of the wrong type is left out with a warning, never
    rejecting the whole record over one reference."""
    try:
        return ref.string(key)
    except RecordError as e:
        b.warn(ref.name(key), f"was left out: {e.problem}", ref.data.get(key))
        return None


def _map_relations(f: Fields, b: RecordBuilder) -> None:
    relations = f.obj("relation")
    if relations is None:
        return
    for key in relations.data:
        for target in relations.objs(key):
            value = target.string("id")
            if not value:
                continue
            node = b.related_node(target.string("id-type") or "uri", value, target.name("id"))
            if node is not None:
                b.relate(key, node, relations.name(key))
