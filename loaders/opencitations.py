"""OpenCitations: citations from the Index (COCI REST API v1 ``citations``, ``references`` and
``citation`` answers; the Index v2 form whose ``citing``/``cited`` are "omid:... doi:..." lists;
the CSV dumps, one citation per row) and the metadata of works (COCI ``metadata`` answers,
OpenCitations Meta SPARQL results).

A citation is one record graph, ``graph_iri("opencitations", <oci>)``: ``<citing> cito:cites
<cited>``, and the citation itself as OpenCitations models it, ``<https://w3id.org/oc/oci/<oci>>
a cito:Citation`` with its citing and cited entities, creation date, time span and self-citation
flags. A work's metadata is one record graph ``graph_iri("opencitations", "meta/" + <doi>)``.

>>> from datetime import datetime, UTC
>>> row = {"oci": "061-062", "citing": "10.1/A", "cited": "10.1/b", "creation": "2015-03",
...        "timespan": "P1Y", "journal_sc": "no", "author_sc": "yes"}
>>> mapped = OpenCitationsLoader.map(RawRecord("opencitations", row, "file:///x.csv", datetime(2024, 1, 1, tzinfo=UTC)))
>>> sorted(q.object.value for q in mapped.graph.quads if q.subject.value == OCI_BASE + "061-062")[:3]
['2015-03', 'P1Y', 'false']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, UnsupportedRequestError
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, skipped
from loaders.builder import RecordBuilder
from loaders.fields import Fields, parse_date
from loaders.http import HttpClient, Response

#: citations as OpenCitations names them: this base and the OCI
OCI_BASE = "https://w3id.org/oc/oci/"
#: OpenCitations Meta entities (``omid:br/061...`` is ``https://w3id.org/oc/meta/br/061...``)
META_BASE = "https://w3id.org/oc/meta/"
_OCI = re.compile(r"(?:oci:)?([0-9]+-[0-9]+)", re.I)
_OMID = re.compile(r"(?:br|ra|id|re|ar)/[0-9]+")
# xsd:duration, as OpenCitations writes time spans ("P1Y2M10D", "-P3M")
_DURATION = re.compile(r"-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
                       r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?")
# a "scheme:value" token of the Index v2 id lists; a bare DOI ("10.1/x") is not one
_PREFIXED = re.compile(r"[a-z][a-z0-9_]*:\S", re.I)
_LIST = re.compile(r";\s+")
_FLAGS = {"yes": True, "no": False, "true": True, "false": False}
SELF_CITATION = (("journal_sc", KG.journalSelfCitation), ("author_sc", KG.authorSelfCitation))
#: identifier variables of Meta SPARQL results; "value" holds the one the query looked up
META_VARS = ("doi", "pmid", "pmcid")


class OpenCitationsLoader(Loader):
    name: ClassVar[str] = "opencitations"
    description: ClassVar[str] = "OpenCitations Index citations, CSV dumps and metadata"
    api: ClassVar[str] = "https://opencitations.net/index/coci/api/v1"
    min_interval: ClassVar[float] = 0.5

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        if _is_citation(document) or _is_metadata(document):
            return [document]  # one citation (a REST answer's item, a CSV row, a JSON line) or one work
        if _is_meta_results(document):
            return _meta_records(document)
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        if _is_citation(data):
            oci = data.get("oci", data.get("id"))
            found = _OCI.fullmatch(oci.strip()) if isinstance(oci, str) else None
            return found[1] if found else "(no OCI)"
        if _is_metadata(data):
            doi = data.get("doi")
            normal = ids.normalize_doi(doi, strict=False) if isinstance(doi, str) else None
            return f"meta/{normal or '(no DOI)'}"
        if _is_meta_results(data):
            try:
                names = _meta_identifiers(data)
            except (KeyError, TypeError, AttributeError):
                return "meta/(unreadable)"
            return "meta/" + (names["doi"][0] if names["doi"] else names["omid"][0] if names["omid"] else "(no DOI)")
        return "(unknown)"

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        if _is_citation(raw.data):
            return _map_citation(f, raw)
        if _is_metadata(raw.data):
            return _map_metadata(f, raw)
        return _map_meta_results(f, raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        for option, value in (("--query", request.query), ("--filter", request.filter)):
            if value:
                raise UnsupportedRequestError(cls.name, option, "the OpenCitations Index API looks citations "
                                              "up by DOI only; give --doi")
        if not request.dois:
            raise UnsupportedRequestError(cls.name, "a listing without --doi", "the OpenCitations Index API "
                                          "looks citations up by DOI only; give --doi")
        return (cls.fetch_doi(client, doi, kind, api=request.api)
                for doi in request.dois for kind in ("citations", "references"))

    @classmethod
    def fetch_doi(cls, client: HttpClient, doi: str, kind: str, *, api: str | None = None) -> Response:
        """``/citations/<doi>`` (the works citing it) or ``/references/<doi>`` (the works it cites)."""
        return client.get_json(f"{api or cls.api}/{kind}/{quote(ids.normalize_doi(doi), safe='/')}")


def _is_citation(item: Any) -> bool:
    return isinstance(item, Mapping) and "citing" in item and "cited" in item and ("oci" in item or "id" in item)


def _is_metadata(item: Any) -> bool:
    return isinstance(item, Mapping) and "doi" in item and "citation_count" in item \
        and ("reference" in item or "citation" in item)


def _is_meta_results(item: Any) -> bool:
    """SPARQL JSON results whose rows name OpenCitations Meta entities."""
    if not isinstance(item, Mapping) or not isinstance(item.get("head"), dict) \
            or not isinstance(item.get("results"), dict):
        return False
    rows = item["results"].get("bindings")
    return isinstance(rows, list) and bool(rows) and isinstance(rows[0], dict) and any(
        isinstance(term, dict) and str(term.get("value", "")).startswith(META_BASE) for term in rows[0].values())


def _meta_identifiers(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The OMIDs, DOIs, PMIDs and PMC IDs of some Meta result rows. A query's "value" column
    holds the identifier it looked up: the scheme of META_VARS missing from its columns."""
    columns = [v for v in data["head"].get("vars") or [] if isinstance(v, str)]
    missing = [v for v in META_VARS if v not in columns]
    found: dict[str, list[str]] = {"omid": [], **{v: [] for v in META_VARS}}
    for row in data["results"]["bindings"]:
        for column, term in row.items():
            value = term.get("value") if isinstance(term, dict) else None
            if not isinstance(value, str):
                continue
            if value.startswith(META_BASE):
                found["omid"].append(value.removeprefix(META_BASE))
            scheme = column if column in META_VARS else missing[0] if column == "value" and len(missing) == 1 \
                else None
            if scheme == "doi":
                value = ids.normalize_doi(value, strict=False) or value
            if scheme:
                found[scheme].append(value)
    return {k: list(dict.fromkeys(v)) for k, v in found.items()}


def _meta_records(document: Mapping[str, Any]) -> list[Any]:
    """One record per (Meta entity, DOI): the result rows about it, in the results' own shape."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in document["results"]["bindings"]:
        one = {"head": document["head"], "results": {"bindings": [row]}}
        try:
            found = _meta_identifiers(one)
        except (KeyError, TypeError, AttributeError):
            found = {}
        key = ((found.get("omid") or [""])[0], (found.get("doi") or [""])[0])
        groups.setdefault(key, []).append(row)
    return [{"head": document["head"], "results": {"bindings": rows}} for rows in groups.values()]


def _end(b: RecordBuilder, f: Fields, key: str) -> NamedNode:
    """The node of a citation's citing or cited end: its DOI, else its PMID, else its OMID."""
    text = f.string(key)
    if not text:
        raise f.error(key, "is missing; a citation has a citing and a cited work")
    tokens = text.split()
    found: dict[str, list[str]] = {}
    if all(_PREFIXED.match(t) for t in tokens):
        for token in tokens:
            scheme, _, value = token.partition(":")
            found.setdefault(scheme.lower(), []).append(value)
    else:
        found["doi"] = [text]
    node: NamedNode | None = None
    try:
        if "doi" in found:
            node = NamedNode(ids.doi_iri(found["doi"][0]))
        elif "pmid" in found:
            node = b.related_node("pmid", ids.normalize_pmid(found["pmid"][0]), key)
    except IdentifierError as e:
        raise f.error(key, f"is not a valid {e.kind.upper()} ({e.reason})", text) from e
    omids = [o for o in found.get("omid", []) if _OMID.fullmatch(o)]
    if node is None and omids:
        # a work OpenCitations knows only by its OMID: named by its Meta IRI, so it is one node
        node = b.related_node("url", META_BASE + omids[0], key)
    if node is None:
        raise f.error(key, "names no DOI, PMID or OMID", text)
    for omid in omids:
        b.add(node, SCHEMA.identifier, Literal(f"omid:{omid}"))
    for pmid in found.get("pmid", []):
        normal = ids.normalize_pmid(pmid, strict=False)
        if normal:
            b.add(node, KG.pmid, Literal(normal))
    return node


def _map_citation(f: Fields, raw: RawRecord) -> Mapped:
    oci = f.record_id
    if oci == "(no OCI)":
        key = "oci" if "oci" in f.data else "id"
        raise f.error(key, "is not an Open Citation Identifier (digits, '-', digits)", f.data.get(key))
    b = RecordBuilder(f, NamedNode(OCI_BASE + oci))
    citing, cited = _end(b, f, "citing"), _end(b, f, "cited")
    if citing == cited:
        return skipped(b.warnings + [f"opencitations record {oci}: field 'cited' names the citing work itself "
                                     f"({citing.value}); the citation is left out"])
    b.work = citing
    # OpenCitations does not say what kind of work cites; every work is a CreativeWork
    b.typed(SCHEMA.CreativeWork, None)
    if citing.value.startswith(ids.DOI_BASE):
        b.add(citing, KG.doi, Literal(ids.doi_from_iri(citing.value)))
    b.cites(cited)
    citation = NamedNode(OCI_BASE + oci)
    b.add(citation, RDF.type, CITO.Citation)
    b.add(citation, CITO.hasCitingEntity, citing)
    b.add(citation, CITO.hasCitedEntity, cited)
    creation = f.string("creation")
    date = parse_date(creation) if creation else None
    if date is not None:
        b.add(citation, CITO.hasCitationCreationDate, date)
    elif creation:
        b.warn("creation", "is not a date (YYYY, YYYY-MM or YYYY-MM-DD) and was left out", creation)
    span = (f.string("timespan") or "").strip()
    if span and _DURATION.fullmatch(span):
        b.add(citation, CITO.hasCitationTimeSpan, Literal(span, datatype=XSD.duration))
    elif span:
        b.warn("timespan", "is not an xsd:duration such as P1Y2M3D and was left out", span)
    for key, prop in SELF_CITATION:
        flag = (f.string(key) or "").strip().lower()
        if flag in _FLAGS:
            b.add(citation, prop, Literal(_FLAGS[flag]))
        elif flag:
            b.warn(key, "is not yes or no and was left out", flag)
    return b.build(raw)


def _map_metadata(f: Fields, raw: RawRecord) -> Mapped:
    text = f.string("doi")
    if not text:
        raise f.error("doi", "is missing; every OpenCitations metadata record has one")
    try:
        doi = ids.normalize_doi(text)
    except IdentifierError as e:
        raise f.error("doi", f"is not a valid DOI ({e.reason})", text) from e
    work = NamedNode(ids.doi_iri(doi))
    b = RecordBuilder(f, work)
    b.typed(SCHEMA.CreativeWork, None)
    b.add(work, KG.doi, Literal(doi))
    b.text(work, SCHEMA.name, f.string("title"), markup=True)
    year = f.string("year")
    published = parse_date(year) if year else None
    if published is not None:
        b.add(work, SCHEMA.datePublished, published)
    for i, author in enumerate((a for a in (f.string("author") or "").split(";") if a.strip()), start=1):
        _map_author(b, author, i)
    b.text(work, KG.containerTitle, f.string("source_title"))
    for source_id in (f.string("source_id") or "").split(";"):
        scheme, _, value = source_id.strip().partition(":")
        if scheme.lower() == "issn" and value:
            b.text(work, KG.issn, value)
    count = f.string("citation_count")
    if count and count.strip().isdigit():
        b.add(work, KG.sourceCitationCount, Literal(int(count)))
    elif count:
        b.warn("citation_count", "is not a whole number and was left out", count)
    references, unresolved = _dois(b, f, "reference")
    for cited in references:
        b.cites(cited)
    if f.string("reference") is not None:
        b.add(work, KG.referenceCount, Literal(len(references) + unresolved))
        b.add(work, KG.unresolvedReferenceCount, Literal(unresolved))
    citing_works, _ = _dois(b, f, "citation")
    for citing in citing_works:
        if citing != work:
            b.add(citing, CITO.cites, work)
    return b.build(raw)


def _dois(b: RecordBuilder, f: Fields, key: str) -> tuple[list[NamedNode], int]:
    """The DOIs of a "; "-separated list, and how many entries were not DOIs (warned about).

    Only "; " separates: a DOI may hold ";" ("10.1002/(sici)...3.0.co;2-u").
    """
    nodes, invalid = [], 0
    for entry in _LIST.split(f.string(key) or ""):
        if not entry.strip():
            continue
        doi = ids.normalize_doi(entry, strict=False)
        if doi:
            nodes.append(NamedNode(ids.doi_iri(doi)))
        else:
            invalid += 1
            b.warn(key, "holds an entry that is not a DOI; left out", entry.strip())
    return nodes, invalid


def _map_author(b: RecordBuilder, text: str, position: int) -> None:
    """One author of a COCI metadata record: "Family, Given", optionally followed by ", ORCID"
    or by "[orcid:...]" (OpenCitations Meta)."""
    name, _, bracket = text.partition("[")
    parts = [p.strip() for p in name.split(",") if p.strip()]
    orcid = next((p for p in parts[2:] if ids.normalize_orcid(p, strict=False)), None)
    orcid = orcid or next((t.removeprefix("orcid:") for t in bracket.rstrip("]").split()
                           if t.lower().startswith("orcid:")), None)
    family = parts[0] if parts else None
    given = parts[1] if len(parts) > 1 and parts[1] != orcid else None
    b.agent(SCHEMA.author, position, name=None, given=given, family=family, orcid=orcid,
            field_name=f"author[{position - 1}]")


def _map_meta_results(f: Fields, raw: RawRecord) -> Mapped:
    head, results = f.obj("head"), f.obj("results")
    if head is None or results is None:
        raise f.error("results", "is missing; SPARQL JSON results have head and results")
    found = _meta_identifiers(raw.data)
    if not found["doi"]:
        raise f.error("results.bindings", "names no DOI of the OpenCitations Meta entity; kg names works by DOI",
                      found["omid"] or None)
    doi = ids.normalize_doi(found["doi"][0], strict=False)
    if doi is None:
        raise f.error("results.bindings", "holds a DOI that is not valid", found["doi"][0])
    work = NamedNode(ids.doi_iri(doi))
    b = RecordBuilder(f, work)
    b.typed(SCHEMA.CreativeWork, None)
    b.add(work, KG.doi, Literal(doi))
    for omid in found["omid"]:
        b.add(work, SCHEMA.identifier, Literal(f"omid:{omid}"))
    for key, prop, normalise in (("pmid", KG.pmid, ids.normalize_pmid), ("pmcid", KG.pmcid, ids.normalize_pmcid)):
        for value in found[key]:
            normal = normalise(value, strict=False)
            if normal:
                b.add(work, prop, Literal(normal))
            else:
                b.warn("results.bindings", f"holds an invalid {key}, left out", value)
    return b.build(raw)
