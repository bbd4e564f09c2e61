"""PDBe: PDB entries from the PDBe REST API (``/pdb/entry/{endpoint}/{id}``, or a POST of many ids)
and documents of PDBe's Solr search.

A response is ``{"<pdb id>": [item, ...], ...}``, one key per entry. :meth:`PdbeLoader.records_in`
makes one raw record of each entry of a response, wrapped as ``{"pdb_id": key, "endpoint": name,
"items": value}`` (the value as the response gives it, checked by ``map``), because the endpoint
is told by the items' keys and ``map`` needs both. A Solr search document is one record,
``{"pdb_id": ..., "endpoint": "search", "items": [document]}``. The record id is
``"<pdb id lower>/<endpoint>"``, so each endpoint's statements about an entry live in their own graph.

>>> from datetime import datetime, UTC
>>> [record] = PdbeLoader.records_in({"6gv0": [{"title": "Insulin", "release_date": "20190116"}]})
>>> record["endpoint"], PdbeLoader.record_id(record)
('summary', '6gv0/summary')
>>> mapped = PdbeLoader.map(RawRecord("pdbe", record, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC)))
>>> mapped.graph.graph.value, mapped.graph.meta.about.value
('https://w3id.org/evidence-kg/graph/pdbe/6gv0/summary', 'https://doi.org/10.2210/pdb6gv0/pdb')
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, cast

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import FetchError, IdentifierError, RecordError
from kg.vocab import KG, RDF, SCHEMA, XSD
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.builder import RecordBuilder
from loaders.fields import Fields, date_literal, kind_of, parse_date
from loaders.http import HttpClient, Response
from loaders.status import mark

#: The entry endpoints mapped, in the order they are fetched.
ENDPOINTS = ("summary", "publications", "related_experiment_data", "experiment")
SEARCH = "search"
#: ``/pdb/entry/status/{id}``: an entry's release status, read by ``kg sync pdbe`` for the entries
#: the weekly lists obsolete (loaders/pdbe_sync.py); not fetched by ``kg harvest``
STATUS = "status"
#: Keys that tell an endpoint's items from the others', tried in this order. Summary and
#: experiment items share ``experimental_method``: a list in the summary, a string in experiment.
SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    (STATUS, frozenset({"status_code", "superceded_by", "obsoletes"})),
    ("publications", frozenset({"journal_info", "author_list", "pubmed_id", "associated_entries"})),
    ("related_experiment_data", frozenset({"data_reference", "dataset_type", "metadata_reference"})),
    ("summary", frozenset({"release_date", "deposition_date", "revision_date", "entry_authors", "assemblies",
                           "number_of_entities", "related_structures", "split_entry"})),
    ("experiment", frozenset({"resolution", "resolution_high", "diffraction_experiment", "imaging", "spacegroup",
                              "r_factor", "crystal_growth", "specimen_preparation", "processing",
                              "experiment_data_available", "structure_determination_method"})),
)
FACILITY_BASE = ids.KG_BASE + "facility/"
INSTRUMENT_BASE = ids.KG_BASE + "instrument/"
#: PDBe's relationship of an EMDB map to the model built into it: the model is derived from it.
EM_VOLUME = "associated em volume"


class PdbeLoader(Loader):
    name: ClassVar[str] = "pdbe"
    description: ClassVar[str] = "PDBe REST API entries: summary, publications, raw data, experiment"
    api: ClassVar[str] = "https://www.ebi.ac.uk/pdbe/api"
    min_interval: ClassVar[float] = 0.1
    #: the entry endpoints fetched for each id
    endpoints: ClassVar[tuple[str, ...]] = ENDPOINTS
    #: the most ids sent in one POST
    batch_size: ClassVar[int] = 100

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict) or not document:
            return None
        if set(document) == {"pdb_id", "endpoint", "items"}:
            return [document]  # a record as records_in makes it
        if _is_search_doc(document):
            return [_wrap(document["pdb_id"], SEARCH, [document])]
        response = document.get("response")
        docs = response.get("docs") if isinstance(response, dict) else None
        if isinstance(docs, list) and docs and all(_is_search_doc(d) for d in docs[:5]):
            return [_wrap(d.get("pdb_id"), SEARCH, [d]) if isinstance(d, dict) else d for d in docs]
        # An entry response: some key is a PDB id and the items have one endpoint's keys. Bad keys
        # and values stay in, for map() to reject by name.
        if not any(isinstance(k, str) and ids.normalize_pdb_id(k, strict=False) for k in document):
            return None
        endpoint = _endpoint(document.values())
        return None if endpoint is None else [_wrap(k, endpoint, v) for k, v in document.items()]

    @classmethod
    def shape_problem(cls, document: Any) -> str | None:
        if not isinstance(document, dict) or not document:
            return None
        if "pdb_id" in document and ("endpoint" in document or "items" in document):
            missing = [k for k in ("pdb_id", "endpoint", "items") if k not in document]
            return f"pdbe record: field {missing[0]!r} is missing" if missing else None
        pdb_id = document.get("pdb_id")
        if pdb_id is not None and any(k in document for k in ("title", "experimental_method", "entry_entity")):
            return f"pdbe search document: field 'pdb_id' is not a PDB ID (value: {str(pdb_id)[:40]!r})"
        response = document.get("response")
        if isinstance(response, dict) and "docs" in response:
            return f"pdbe search answer: field 'response.docs' is {kind_of(response['docs'])} or holds no search " \
                   "documents, expected a list of them"
        keys = [k for k in document if isinstance(k, str) and ids.normalize_pdb_id(k, strict=False)]
        if not keys:
            return None
        for key in keys:
            value = document[key]
            if not isinstance(value, list):
                return f"pdbe entry response: field {key!r} is {kind_of(value)}, expected a list of objects"
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    return f"pdbe entry response: field '{key}[{i}]' is {kind_of(item)}, expected an object"
        return (f"pdbe entry response: the items of field {keys[0]!r} have none of the fields of a PDBe endpoint "
                f"({', '.join(ENDPOINTS)})")

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        key, endpoint = data.get("pdb_id"), data.get("endpoint")
        pdb = ids.normalize_pdb_id(key, strict=False) if isinstance(key, str) else None
        shown = pdb.lower() if pdb else str(key).lower() if key else "(no PDB id)"
        return f"{shown}/{endpoint}"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """The entry's ``revision_date`` (its latest revision), else its ``release_date``, from the
        first item that has one (summary and search answers; the experiment answer has none)."""
        items = data.get("items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and (found := first_date(item, "revision_date", "release_date")):
                return found
        return None

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        data = raw.data
        rid = cls.record_id(data)
        top = Fields(data, cls.name, rid)
        endpoint, key = data.get("endpoint"), data.get("pdb_id")
        if endpoint not in MAPPERS:
            raise top.error("endpoint", f"is not one kg maps ({', '.join(MAPPERS)})", endpoint)
        key_field = "pdb_id" if endpoint == SEARCH else str(key)
        try:
            pdb = ids.normalize_pdb_id(cast(str, key))  # a non-string is an IdentifierError too
        except IdentifierError as e:
            problem = "is not a PDB ID" if endpoint == SEARCH else "is a response key that is not a PDB ID"
            raise RecordError(cls.name, rid, key_field, f"{problem} ({e.reason})", key) from e
        if endpoint == SEARCH:
            docs = data.get("items")
            if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
                raise top.error("items", "is not a list of search documents", docs)
            items = [Fields(d, cls.name, rid, "", top.notes, top.controls) for d in docs]
        else:
            items = Fields({key_field: data.get("items")}, cls.name, rid, "", top.notes, top.controls).objs(key_field)
        entry = NamedNode(ids.pdb_iri(pdb))
        b = RecordBuilder(top, entry)
        b.typed(KG.StructureEntry, None)
        b.add(entry, KG.doi, Literal(ids.doi_from_iri(entry.value)))
        b.add(entry, KG.pdbId, Literal(pdb))
        for i, item in enumerate(items):
            MAPPERS[endpoint](item, b, i)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        """Every endpoint for the ids of ``request.dois`` (PDB ids or PDB DOIs): GETs for one id,
        POSTs of up to :attr:`batch_size` ids for several.

        PDBe answers 404 where an entry has no data of an endpoint (most have no raw data
        reference), so a 404 is skipped, except for the summary: there it means no such entry.

        :raises IdentifierError: at once, for an id that is not a PDB id, or no id at all.
        """
        if not request.dois:
            raise IdentifierError("pdb", "(none given)", "PDBe is harvested by entry: name one or more PDB IDs, "
                                                         "e.g. --doi 6GV0")
        pdb_ids = list(dict.fromkeys(ids.normalize_pdb_id(d).lower() for d in request.dois))
        base = f"{request.api or cls.api}/pdb/entry"
        calls: list[tuple[str, str, str | None]]
        if len(pdb_ids) == 1:
            calls = [(e, f"{base}/{e}/{pdb_ids[0]}", None) for e in cls.endpoints]
        else:
            batches = [",".join(pdb_ids[i:i + cls.batch_size]) for i in range(0, len(pdb_ids), cls.batch_size)]
            calls = [(e, f"{base}/{e}/", body) for body in batches for e in cls.endpoints]
        return _answers(client, calls)


def _answers(client: HttpClient, calls: list[tuple[str, str, str | None]]) -> Iterator[Response]:
    """GET each (endpoint, URL, None), POST each (endpoint, URL, body); skip a 404 but the summary's."""
    for endpoint, url, body in calls:
        try:
            yield client.get_json(url) if body is None else client.post_json(url, body)
        except FetchError as e:
            if e.status != 404 or endpoint == "summary":
                raise


def _wrap(key: Any, endpoint: str, items: Any) -> dict[str, Any]:
    return {"pdb_id": key, "endpoint": endpoint, "items": items}


def _is_search_doc(item: Any) -> bool:
    """A document of PDBe's Solr search (``/pdbe/search/pdb/select``): one PDB id and its fields."""
    return (isinstance(item, dict) and isinstance(item.get("pdb_id"), str) and "endpoint" not in item
            and ids.normalize_pdb_id(item["pdb_id"], strict=False) is not None
            and any(k in item for k in ("title", "experimental_method", "entry_entity", "q_pdb_id")))


def _endpoint(values: Any) -> str | None:
    """The endpoint whose keys the items of a response's entries have."""
    keys: set[str] = set()
    listed_method: bool | None = None
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                keys.update(item)
                if "experimental_method" in item:
                    listed_method = isinstance(item["experimental_method"], list)
    for endpoint, signature in SIGNATURES:
        if keys & signature:
            return endpoint
    if listed_method is not None:
        return "summary" if listed_method else "experiment"
    return None


def slug(text: str) -> str:
    """A facility's or instrument's name as an IRI segment: lower case, accents dropped, each run
    of other characters than a-z and 0-9 one '-'.

    >>> slug("PETRA III, DESY"), slug("5.0.2"), slug(" Diamond  I04-1 ")
    ('petra-iii-desy', '5-0-2', 'diamond-i04-1')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _date(f: Fields, key: str, b: RecordBuilder) -> Literal | None:
    """A PDBe date: "19950126" (REST API) or "2010-12-01T01:00:00Z" (search)."""
    text = f.string(key)
    if text is None:
        return None
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text.strip())
    found = parse_date("-".join(compact.groups()) if compact else text)
    if found is None:
        b.warn(f.name(key), "is not a date", text)
    return found


def _resolution(f: Fields, key: str) -> Literal | None:
    value = f.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = {str: "a string", list: "a list", dict: "an object", bool: "true/false"}.get(type(value), "not a number")
        raise f.error(key, f"is {kind}, expected a number of Ångström", value)
    if not math.isfinite(value) or value <= 0:
        raise f.error(key, "must be a positive number of Ångström", value)
    return Literal(format(Decimal(str(value)), "f"), datatype=XSD.decimal)


def _identifier(f: Fields, key: str) -> str | None:
    """A text field that some responses give as a number (PubMed ids)."""
    value = f.data.get(key)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else f.string(key)


def _year(f: Fields, key: str) -> Literal | None:
    value = _identifier(f, key)
    return date_literal(int(value)) if value and value.isdigit() and 1000 <= int(value) <= 9999 else None


def _methods(f: Fields, b: RecordBuilder) -> None:
    for method in f.strings("experimental_method"):
        b.text(b.work, KG.experimentalMethod, method)


def _entry_dates(f: Fields, b: RecordBuilder) -> None:
    for key, prop in (("release_date", SCHEMA.datePublished), ("deposition_date", KG.depositionDate),
                      ("revision_date", SCHEMA.dateModified)):
        value = _date(f, key, b)
        if value is not None:
            b.add(b.work, prop, value)


def _map_summary(f: Fields, b: RecordBuilder, index: int) -> None:
    b.text(b.work, SCHEMA.name, f.string("title"))
    _entry_dates(f, b)
    _methods(f, b)
    if "assemblies" in f.data:
        b.add(b.work, KG.assemblyCount, Literal(len(f.array("assemblies"))))
    # "Kleywegt, G.J.": named as Crossref's record of the entry's DOI names its authors, so the
    # two records of one entry share their people.
    for position, name in enumerate(f.strings("entry_authors"), start=1):
        family, _, given = name.partition(",")
        b.agent(SCHEMA.author, position, name=name, family=family.strip() or None, given=given.strip() or None,
                field_name=f"{f.name('entry_authors')}[{position - 1}]")
    for related in f.objs("related_structures"):
        resource, accession = related.string("resource") or "", related.string("accession")
        if not accession:
            continue
        if resource.upper() == "EMDB" and re.fullmatch(r"EMD-\d+", accession):
            node: NamedNode | None = NamedNode(ids.EMDB_BASE + accession)
        else:
            node = b.related_node(resource or "other", accession, related.name("accession"))
        if node is None:
            continue
        derived = (related.string("relationship") or "").lower() == EM_VOLUME
        if derived:
            b.add(node, RDF.type, SCHEMA.Dataset)
        b.relate("IsDerivedFrom" if derived else "IsRelatedTo", node, related.name("relationship"),
                 SCHEMA.Dataset if derived else None)


def _article(f: Fields, b: RecordBuilder, *, doi: str | None, pmid: str | None, title: str | None,
             year: Literal | None, journal: str | None, authors: list[tuple[str | None, str | None, str | None]],
             abstract: str | None, fields: tuple[str, str, str]) -> NamedNode:
    """A publication of the entry: named by its DOI, else its PubMed IRI, else minted here.
    ``authors`` are (full name, family name, given name); ``fields`` name the DOI, PMID and
    author list fields."""
    node: NamedNode | None = None
    normal = ids.normalize_doi(doi, strict=False) if doi else None
    if doi and normal is None:
        b.warn(f.name(fields[0]), "is not a valid DOI and was left out", doi)
    pubmed = ids.normalize_pmid(pmid, strict=False) if pmid else None
    if pmid and pubmed is None:
        b.warn(f.name(fields[1]), "is not a valid PubMed ID and was left out", pmid)
    if normal:
        node = NamedNode(ids.doi_iri(normal))
    elif pubmed:
        node = b.related_node("pmid", pubmed, f.name(fields[1]))
    node = node or b.mint("publication")
    b.add(node, RDF.type, SCHEMA.ScholarlyArticle)
    if normal:
        b.add(node, KG.doi, Literal(normal))
    if pubmed:
        b.add(node, KG.pmid, Literal(pubmed))
    b.text(node, SCHEMA.name, title, markup=True)
    b.text(node, SCHEMA.abstract, abstract, markup=True)
    if year is not None:
        b.add(node, SCHEMA.datePublished, year)
    if journal and journal.strip().lower() != "to be published":
        b.text(node, KG.containerTitle, journal)
    for i, (name, family, given) in enumerate(authors):
        b.agent(SCHEMA.author, i + 1, name=name, family=family, given=given,
                field_name=f"{f.name(fields[2])}[{i}]", work=node)
    return node


def _map_publication(f: Fields, b: RecordBuilder, index: int) -> None:
    """PDBe lists the primary citation first: the article that reports the structure. The entry
    IsSupplementTo it, so the article relies on the entry as data; the entry References the
    others (methods, earlier structures), which gives ``<entry> cito:cites <other>``."""
    journal = f.obj("journal_info") or Fields({}, f.source, f.record_id, f.name("journal_info"), f.notes, f.controls)
    abstract = f.obj("abstract")
    authors = [(a.string("full_name"), a.string("last_name"), a.string("first_name")) for a in f.objs("author_list")]
    node = _article(f, b, doi=f.string("doi"), pmid=_identifier(f, "pubmed_id"), title=f.string("title"),
                    year=_year(journal, "year"),
                    journal=journal.string("ISO_abbreviation") or journal.string("pdb_abbreviation"),
                    authors=authors, abstract=abstract.string("unassigned") if abstract else None,
                    fields=("doi", "pubmed_id", "author_list"))
    b.relate("IsSupplementTo" if index == 0 else "References", node, f.path)


def _map_related_data(f: Fields, b: RecordBuilder, index: int) -> None:
    """A raw data set the entry was derived from (``_pdbx_related_exp_data_set``)."""
    reference = f.string("data_reference")
    if not reference:
        b.warn(f.name("data_reference"), "is missing, so this related data set was left out")
        return
    node = _reference_node(f, "data_reference", reference, b)
    if node is None:
        return
    b.add(node, RDF.type, SCHEMA.Dataset)
    b.text(node, SCHEMA.additionalType, f.string("dataset_type"))
    b.text(node, SCHEMA.description, f.string("details"))
    b.relate("IsDerivedFrom", node, f.name("data_reference"), SCHEMA.Dataset)
    metadata = f.string("metadata_reference")
    meta_node = _reference_node(f, "metadata_reference", metadata, b) if metadata else None
    if meta_node is not None and meta_node != node:
        b.add(node, KG.hasMetadata, meta_node)


def _reference_node(f: Fields, key: str, value: str, b: RecordBuilder) -> NamedNode | None:
    doi = ids.normalize_doi(value, strict=False)
    if doi:
        node = NamedNode(ids.doi_iri(doi))
        b.add(node, KG.doi, Literal(doi))
        return node
    return b.related_node("url" if "://" in value else "other", value, f.name(key))


def _map_experiment(f: Fields, b: RecordBuilder, index: int) -> None:
    _methods(f, b)
    resolution = _resolution(f, "resolution")
    if resolution is not None:
        b.add(b.work, KG.resolution, resolution)
    for source in f.objs("diffraction_experiment"):
        site, beamline = source.string("synchrotron_site"), source.string("synchrotron_beamline")
        if site and slug(site):
            facility = NamedNode(FACILITY_BASE + slug(site))
            b.add(b.work, KG.facility, facility)
            b.add(facility, RDF.type, KG.Facility)
            b.text(facility, SCHEMA.name, site)
            if beamline and slug(beamline):
                instrument = NamedNode(f"{facility.value}/{slug(beamline)}")
                _instrument(b, instrument, beamline, None)
                b.add(instrument, KG.partOfFacility, facility)
        elif beamline:
            b.warn(source.name("synchrotron_beamline"), "has no synchrotron_site, so it was left out", beamline)
    for imaging in f.objs("imaging"):
        microscope = imaging.string("microscope")
        if microscope and slug(microscope):
            # a microscope model, not one microscope: PDBe does not say where it stands
            _instrument(b, NamedNode(INSTRUMENT_BASE + slug(microscope)), microscope, "electron microscope")


def _instrument(b: RecordBuilder, node: NamedNode, name: str, kind: str | None) -> None:
    b.add(b.work, KG.instrument, node)
    b.add(node, RDF.type, KG.Instrument)
    b.text(node, SCHEMA.name, name)
    b.text(node, SCHEMA.additionalType, kind)


def _map_search(f: Fields, b: RecordBuilder, index: int) -> None:
    """A Solr search document. Its entry authors ("Cody V") are not mapped: the summary names
    them as Crossref does ("Cody, V."), and two spellings would make two people of one."""
    b.text(b.work, SCHEMA.name, f.string("title"))
    _entry_dates(f, b)
    _methods(f, b)
    resolution = _resolution(f, "resolution")
    if resolution is not None:
        b.add(b.work, KG.resolution, resolution)
    doi, pmid, title = f.string("citation_doi"), _identifier(f, "pubmed_id"), f.string("citation_title")
    if doi or pmid or title:
        authors: list[tuple[str | None, str | None, str | None]] = [
            (name, None, None) for name in f.strings("citation_authors")]
        abstracts = f.strings("abstracttext_unassigned")
        node = _article(f, b, doi=doi, pmid=pmid, title=title, year=_year(f, "citation_year"),
                        journal=f.string("journal"), authors=authors, abstract=abstracts[0] if abstracts else None,
                        fields=("citation_doi", "pubmed_id", "citation_authors"))
        b.relate("IsSupplementTo", node, "citation_doi")


def _map_status(f: Fields, b: RecordBuilder, index: int) -> None:
    """PDBe's ``/pdb/entry/status/{id}``: ``status_code`` ``REL`` (released), ``OBS`` (obsoleted), ...;
    ``since`` the date of that status (``YYYYMMDD``); ``superceded_by`` (PDBe's spelling) the entries
    that replace an obsoleted one, empty or ``[null]`` when none does. An obsoleted entry is marked
    (loaders/status.py), dated by ``since``; other statuses mark nothing."""
    code = f.string("status_code")
    if code is None:
        raise f.error("status_code", "is missing: a status answer names the entry's status")
    if code.strip().upper() != "OBS":
        return
    successors = []
    for i, value in enumerate(f.array("superceded_by")):
        if value is None:
            continue
        pdb = ids.normalize_pdb_id(value, strict=False) if isinstance(value, str) else None
        if pdb is None:
            b.warn(f"{f.name('superceded_by')}[{i}]", "is not a PDB ID and was left out", value)
            continue
        successors.append(NamedNode(ids.pdb_iri(pdb)))
    since = _date(f, "since", b)
    node = mark(b, b.work, "obsoleted", since.value if since is not None else None,
                "PDB entry obsoleted (PDBe status OBS)", None, successors[0] if successors else None)
    for successor in successors[1:]:
        b.add(node, KG.supersededBy, successor)


MAPPERS: dict[str, Callable[[Fields, RecordBuilder, int], None]] = {
    "summary": _map_summary, "publications": _map_publication, "related_experiment_data": _map_related_data,
    "experiment": _map_experiment, SEARCH: _map_search, STATUS: _map_status,
}
