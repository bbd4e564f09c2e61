"""Scholix: links between works, from ScholeXplorer (API v3 ``Links`` pages; its dumps of
relationships and of entities) and from the Asclepias broker (Scholix JSON events).

One link is one record graph, ``graph_iri("scholix", <link id>)``: the dump's ``identifier``
when it has one, else the first 32 hex digits of the sha256 of ``"<source>|<relation>|<target>"``,
where an end is ``doi:<DOI>`` (its first identifier that is a DOI, normalised) or else
``<scheme>:<value>`` of its first identifier, and the relation is the name mapped (below). The
relation goes through the catalogue from the source node to the target node; the graph also
says who asserted the link (``kg:linkProvider``) and when (``kg:linkDate``), as statements about
the graph node itself. A dump entity is one record graph ``graph_iri("scholix", "entity/" +
<dnetIdentifier>)`` describing one work.

>>> from datetime import datetime, UTC
>>> link = {"RelationshipType": {"Name": "References"}, "LinkPublicationDate": "2018-01-01",
...         "LinkProvider": [{"Name": "ADS"}], "Source": {"Identifier": {"ID": "10.1/A", "IDScheme": "doi"}},
...         "Target": {"Identifier": [{"ID": "10.1/b", "IDScheme": "doi"}], "Type": "software"}}
>>> mapped = ScholixLoader.map(RawRecord("scholix", link, "file:///x", datetime(2024, 1, 1, tzinfo=UTC)))
>>> sorted(q.predicate.value.rsplit("#", 1)[-1] for q in mapped.graph.quads if q.subject == mapped.graph.graph)
['linkDate', 'linkProvider']
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any, ClassVar

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import KgError, UnsupportedRequestError
from kg.vocab import KG, RDF, SCHEMA, relation, relation_key
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date, skipped
from loaders.builder import SCHEME_IRI, RecordBuilder
from loaders.fields import Fields, kind_of, parse_date
from loaders.http import HttpClient, Response

#: Scholix object types -> class; "other", "unknown" and anything else are CreativeWork.
CLASSES: dict[str, NamedNode] = {"publication": SCHEMA.ScholarlyArticle, "literature": SCHEMA.ScholarlyArticle,
                                 "dataset": SCHEMA.Dataset, "software": SCHEMA.SoftwareSourceCode}
#: resolver IRIs of schemes builder.SCHEME_IRI does not know, so one accession is one node everywhere
RESOLVERS: dict[str, Callable[[str], str]] = {
    "uniprot": lambda v: f"https://www.uniprot.org/uniprotkb/{v.upper()}",
    "ena": lambda v: f"https://www.ebi.ac.uk/ena/browser/view/{v}",
    "ads": lambda v: f"https://ui.adsabs.harvard.edu/abs/{v}",
    "ascl": lambda v: f"https://ascl.net/{v}",
    "pmc": lambda v: f"https://www.ncbi.nlm.nih.gov/pmc/articles/{v}",
}
#: other names sources give the schemes
ALIASES = {"pubmed": "pmid", "pmcid": "pmc", "pdbe": "pdb", "bibcode": "ads", "uri": "url", "magid": "mag_id"}
#: schemes whose values may be DOIs ("10.48550/arXiv.2301.00192" under arXiv, doi.org URLs)
DOI_LIKE = frozenset({"doi", "arxiv", "url", "handle", "purl", "w3id", ""})
#: OpenAIRE's text-similarity suggestions (relation keys): not links anyone asserted between two
#: works, so they are left out with a warning rather than stored as relations
SUGGESTIONS = frozenset({"hasamongtopnsimilardocuments", "isamongtopnsimilardocuments"})
#: query parameters of /v3/Links that --filter may set; one of the first six is required
#: publisher names ScholeXplorer gives where it knows none (OpenAIRE's placeholder data source): no publisher,
#: not one body that published them all (354 of the 749 entities of its dump sample)
NO_PUBLISHER = frozenset({"unknown repository"})
FILTERS = ("sourcePid", "targetPid", "sourcePublisher", "targetPublisher", "sourceType", "targetType",
           "relation", "from", "to")


@dataclass
class End:
    """One end of a link, whatever the record's shape."""

    #: the field it came from, for messages ("Source", "targetPid")
    field: str
    #: (scheme, value, resolver URL or None)
    pids: list[tuple[str, str, str | None]]
    kind: str | None = None
    subtype: str | None = None
    title: str | None = None


class ScholixLoader(Loader):
    name: ClassVar[str] = "scholix"
    description: ClassVar[str] = "Scholix links from ScholeXplorer and the Asclepias broker"
    api: ClassVar[str] = "https://api.scholexplorer.openaire.eu/v3"
    min_interval: ClassVar[float] = 0.5

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        result = document.get("result")
        if isinstance(result, list) and ("totalLinks" in document or "currentPage" in document):
            return result  # a /v3/Links page
        if _is_scholix(document) or _is_dump_link(document) or _is_entity(document):
            return [document]
        return None

    @classmethod
    def shape_problem(cls, document: Any) -> str | None:
        if not isinstance(document, dict):
            return None
        if "result" in document and ("totalLinks" in document or "currentPage" in document):
            return f"scholix links page: field 'result' is {kind_of(document['result'])}, expected a list of links"
        for shape, keys in (("Scholix link", ("Source", "Target", "RelationshipType")),
                            ("ScholeXplorer dump link", ("sourcePid", "targetPid", "relationType"))):
            present = [k for k in keys if k in document]
            if len(present) >= 2 or present and "LinkProvider" in document:
                missing = [k for k in keys if k not in document]
                if missing:
                    return f"scholix {shape}: field {missing[0]!r} is missing; a {shape} has {', '.join(keys)}"
                if shape == "Scholix link":
                    kind = kind_of(document["RelationshipType"])
                    return f"scholix {shape}: field 'RelationshipType' is {kind}, expected an object with a Name"
        if "dnetIdentifier" in document and "objectType" in document:
            return (f"scholix entity: field 'identifier' is {kind_of(document.get('identifier'))}, "
                    "expected a list of identifiers")
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        try:
            if _is_entity(data):
                return f"entity/{data['dnetIdentifier']}"
            identifier = data.get("identifier")
            if isinstance(identifier, str) and identifier.strip():
                return identifier.strip()
            f = Fields(data, cls.name, "(link)")
            source, target = _ends(f)
            name, _ = _relation_name(f)
            text = f"{_key(source)}|{name}|{_key(target)}"
            return hashlib.sha256(text.encode()).hexdigest()[:32]
        except (KgError, KeyError, TypeError, AttributeError):
            return "(no link id)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """The link's ``LinkPublicationDate`` (Scholix), or ``publicationDate`` (ScholeXplorer
        dumps); entities have none."""
        return None if _is_entity(data) else first_date(data, "LinkPublicationDate", "publicationDate")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        if _is_entity(raw.data):
            return _map_entity(f, raw)
        source, target = _ends(f)
        name, rel_field = _relation_name(f)
        if relation_key(name) in SUGGESTIONS and relation(name) is None:
            return skipped([f"{cls.name} record {f.record_id}: field {rel_field!r} is OpenAIRE's similarity "
                            f"suggestion {name}, not a link between the works; left out"])
        b = RecordBuilder(f, NamedNode(ids.graph_iri(cls.name, f.record_id)))
        source_node, source_class = _node(b, source)
        target_node, target_class = _node(b, target)
        if source_node == target_node:
            return skipped(b.warnings + [
                f"{cls.name} record {f.record_id}: field {target.field!r} names the same work as "
                f"{source.field!r} ({source_node.value}); the link is left out"])
        b.work = source_node
        b.work_class = source_class
        b.relate(name, target_node, rel_field, target_class)
        for provider in _providers(f):
            b.add(b.graph, KG.linkProvider, Literal(provider))
        date_field = "LinkPublicationDate" if "LinkPublicationDate" in f.data else "publicationDate"
        text = f.string(date_field)
        date = parse_date(text) if text else None
        if date is not None:
            b.add(b.graph, KG.linkDate, date)
        elif text:
            b.warn(date_field, "is not a date (YYYY, YYYY-MM or YYYY-MM-DD) and was left out", text)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.query:
            raise UnsupportedRequestError(cls.name, "--query", "ScholeXplorer has no free-text search; give --doi "
                                          "or --filter with one of " + ", ".join(FILTERS[:6]))
        params = _filter_params(cls.name, request.filter)
        if request.dois:
            return chain.from_iterable(
                cls.fetch_links(client, {**params, side: ids.normalize_doi(doi)}, api=request.api,
                                max_pages=request.max_pages)
                for doi in request.dois for side in ("sourcePid", "targetPid"))
        if not any(key in params for key in FILTERS[:6]):
            raise UnsupportedRequestError(cls.name, "a listing without --doi", "ScholeXplorer needs one of "
                                          + ", ".join(FILTERS[:6]) + " (e.g. --filter sourcePublisher:Zenodo)")
        return cls.fetch_links(client, params, api=request.api, max_pages=request.max_pages)

    @classmethod
    def fetch_links(cls, client: HttpClient, params: Mapping[str, str | int], *, api: str | None = None,
                    max_pages: int | None = None) -> Iterator[Response]:
        """Pages of ``/v3/Links`` (``page=0, 1, ...``) until the page numbered ``totalPages - 1``."""
        url = f"{api or cls.api}/Links"

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            data = page.data if isinstance(page.data, dict) else {}
            current, total = data.get("currentPage"), data.get("totalPages")
            if not isinstance(current, int) or not isinstance(total, int) or not data.get("result"):
                return None
            return (url, {**params, "page": current + 1}) if current + 1 < total else None

        return client.paged(url, {**params, "page": 0}, next_page, max_pages=max_pages)


def _is_scholix(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("RelationshipType"), dict) \
        and "Source" in item and "Target" in item


def _is_dump_link(item: Any) -> bool:
    return isinstance(item, dict) and "sourcePid" in item and "targetPid" in item and "relationType" in item


def _is_entity(item: Any) -> bool:
    return isinstance(item, Mapping) and "dnetIdentifier" in item and "objectType" in item \
        and isinstance(item.get("identifier"), list)


def _ends(f: Fields) -> tuple[End, End]:
    if "sourcePid" in f.data:
        return _dump_end(f, "source"), _dump_end(f, "target")
    return _scholix_end(f, "Source"), _scholix_end(f, "Target")


def _scholix_end(f: Fields, key: str) -> End:
    end = f.obj(key)
    if end is None:
        raise f.error(key, "is missing; a Scholix link has a Source and a Target")
    found = end.data.get("Identifier")
    items = end.objs("Identifier") if isinstance(found, list) else [end.obj("Identifier")] if found else []
    pids = [(i.string("IDScheme") or "", i.string("ID") or "", i.string("IDURL")) for i in items if i]
    # v3 gives "Type": "dataset"; Asclepias events give "Type": {"Name": "software"}
    typed = end.obj("Type") if isinstance(end.data.get("Type"), dict) else None
    kind = typed.string("Name") if typed else end.string("Type")
    subtype = (typed.string("SubType") if typed else None) or end.string("SubType")
    return End(key, [p for p in pids if p[1]], kind, subtype, end.string("Title"))


def _dump_end(f: Fields, side: str) -> End:
    pids = f.strings(f"{side}Pid")
    types = [t.lower() for t in f.strings(f"{side}PidType")]
    if len(pids) == len(types):
        classified = list(zip(types, pids, strict=True))
    else:
        # The dump lists each type once, in the order its pids come, so a pid's type is told by
        # its shape where only one listed type fits; digits that could be a PMID or a MAG id are left out.
        classified = []
        for pid in pids:
            fits: list[str] = [t for t in ("doi", "pmc") if t in types and _fits(t, pid)]
            fits = fits or [t for t in types if t not in ("doi", "pmc") and _fits(t, pid)]
            if len(fits) == 1:
                classified.append((fits[0], pid))
    return End(f"{side}Pid", [(t, p, None) for t, p in classified], f.string(f"{side}Type"),
               f.string(f"{side}SubType"))


def _fits(scheme: str, pid: str) -> bool:
    if scheme == "doi":
        return ids.normalize_doi(pid, strict=False) is not None
    if scheme == "pmc":
        return pid.upper().startswith("PMC") and ids.normalize_pmcid(pid, strict=False) is not None
    if scheme in ("pmid", "mag_id"):
        return pid.isdigit()
    if scheme == "arxiv":
        return ids.normalize_arxiv(pid, strict=False) is not None
    if scheme == "handle":
        return "/" in pid
    if scheme == "pdb":
        return ids.normalize_pdb_id(pid, strict=False) is not None
    return not pid.isdigit() and ids.normalize_doi(pid, strict=False) is None


def _scheme(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key.replace("-", "").replace("_", ""), ALIASES.get(key, key))


def _key(end: End) -> str:
    """The end as it enters the link id: its first DOI, else its first identifier."""
    for scheme, value, _ in end.pids:
        doi = ids.normalize_doi(value, strict=False) if _scheme(scheme) in DOI_LIKE else None
        if doi:
            return f"doi:{doi}"
    if not end.pids:
        raise KeyError(end.field)
    scheme, value, _ = end.pids[0]
    return f"{_scheme(scheme)}:{value.strip()}"


def _relation_name(f: Fields) -> tuple[str, str]:
    """The relation to map and its field: the DataCite SubType when the catalogue knows it, else Name."""
    if "relationType" in f.data:
        name = f.string("relationType")
        if not name:
            raise f.error("relationType", "is missing; every link has one")
        return name, "relationType"
    kind = f.obj("RelationshipType")
    if kind is None:
        raise f.error("RelationshipType", "is missing; every Scholix link has one")
    sub, schema = kind.string("SubType"), kind.string("SubTypeSchema") or ""
    if sub and "datacite" in schema.lower() and relation(sub) is not None:
        return sub, kind.name("SubType")
    name = kind.string("Name")
    if not name:
        raise kind.error("Name", "is missing; every Scholix relationship type has one")
    return name, kind.name("Name")


def _providers(f: Fields) -> list[str]:
    if "linkProviders" in f.data:
        return f.strings("linkProviders")
    value = f.data.get("LinkProvider")
    providers = [f.obj("LinkProvider")] if isinstance(value, dict) else f.objs("LinkProvider")
    return [n for p in providers if p and (n := p.string("Name") or p.string("name"))]


def _node(b: RecordBuilder, end: End) -> tuple[NamedNode, NamedNode]:
    """The node of one end (its best identifier: DOI, PDB, PMID, PMC, arXiv, then others), its
    class, and its minimal description in the record graph."""
    found: dict[str, list[str]] = {"doi": [], "pdb": [], "pmid": [], "pmc": [], "arxiv": []}
    others: list[tuple[str, str, str | None]] = []
    normalise = {"pdb": ids.normalize_pdb_id, "pmid": ids.normalize_pmid, "pmc": ids.normalize_pmcid,
                 "arxiv": ids.normalize_arxiv}
    for scheme, value, url in end.pids:
        key = _scheme(scheme)
        doi = ids.normalize_doi(value, strict=False) if key in DOI_LIKE else None
        normal = doi or (normalise[key](value, strict=False) if key in normalise else None)
        if normal:
            found["doi" if doi else key].append(normal)
        elif key == "doi" or key in normalise:
            b.warn(end.field, f"holds an invalid {scheme} identifier, left out", value)
        else:
            others.append((key, value.strip(), url))
    doi = found["doi"][0] if found["doi"] else None
    pdb = ids.pdb_id_from_doi(doi) if doi else found["pdb"][0] if found["pdb"] else None
    if doi is None and pdb is not None:
        doi = ids.doi_from_iri(ids.pdb_iri(pdb))
    node = NamedNode(ids.doi_iri(doi)) if doi else _other_node(b, end, found, others)
    cls = KG.StructureEntry if pdb else CLASSES.get((end.kind or "").lower(), SCHEMA.CreativeWork)
    b.add(node, RDF.type, cls)
    b.text(node, SCHEMA.additionalType, end.subtype)
    b.text(node, SCHEMA.name, end.title, markup=True)
    if doi:
        b.add(node, KG.doi, Literal(doi))
    if pdb:
        b.add(node, KG.pdbId, Literal(pdb))
    for key, prop in (("pmid", KG.pmid), ("pmc", KG.pmcid), ("arxiv", KG.arxiv)):
        for value in dict.fromkeys(found[key]):
            b.add(node, prop, Literal(value))
    return node, cls


def _other_node(b: RecordBuilder, end: End, found: dict[str, list[str]],
                others: list[tuple[str, str, str | None]]) -> NamedNode:
    node: NamedNode | None = None
    if found["pmid"]:
        node = b.related_node("pmid", found["pmid"][0], end.field)
    elif found["pmc"]:
        node = b.related_node("url", RESOLVERS["pmc"](found["pmc"][0]), end.field)
    elif found["arxiv"]:
        node = b.related_node("arxiv", found["arxiv"][0], end.field)
    # a MAG id only when nothing else names the work (the Microsoft Academic Graph is no more)
    for key, value, url in sorted(others, key=lambda o: o[0] == "mag_id"):
        if node is not None:
            break
        if key in RESOLVERS:
            # "P03069; D3DLN9; ...": an entry's accessions, the primary one first
            node = b.related_node("url", RESOLVERS[key](value.split(";")[0].strip()), end.field)
        elif key in SCHEME_IRI or not url:
            node = b.related_node(key, value, end.field)
        else:
            node = b.related_node("url", url, end.field)
    if node is None:
        raise b.fields.error(end.field, "has no identifier kg can use (a DOI, PDB ID, PMID, PMC ID, arXiv ID, "
                                        "accession or URL)", [v for _, v, _ in end.pids] or None)
    return node


def _filter_params(source: str, text: str | None) -> dict[str, str | int]:
    """``--filter sourcePublisher:Zenodo,relation:IsSupplementTo`` as /v3/Links query parameters."""
    params: dict[str, str | int] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, _, value = part.partition(":")
        if key.strip() not in FILTERS or not value.strip():
            raise UnsupportedRequestError(source, f"--filter {part.strip()!r}", "write name:value with a name "
                                          "among " + ", ".join(FILTERS))
        params[key.strip()] = value.strip()
    return params


def _map_entity(f: Fields, raw: RawRecord) -> Mapped:
    b = RecordBuilder(f, NamedNode(ids.graph_iri("scholix", f.record_id)))
    pids = [(i.string("schema") or "", i.string("identifier") or "", i.string("url")) for i in f.objs("identifier")]
    end = End("identifier", [p for p in pids if p[1]], f.string("objectType"), f.string("objectSubType"),
              f.string("title"))
    b.work, b.work_class = _node(b, end)
    date = f.string("publicationDate")
    published = parse_date(date) if date else None
    if published is not None:
        b.add(b.work, SCHEMA.datePublished, published)
    for i, creator in enumerate(f.objs("creator"), start=1):
        found = {(n.string("schema") or "").lower(): n.string("identifier") for n in creator.objs("identifiers")}
        # "orcid_pending": an ORCID the source gave that ORCID has not confirmed (like Crossref's)
        b.agent(SCHEMA.creator, i, name=creator.string("name"), orcid=found.get("orcid") or found.get("orcid_pending"),
                field_name=creator.path)
    for name in publishers(f):
        node = b.shared("org", name)
        b.add(b.work, SCHEMA.publisher, node)
        b.add(node, RDF.type, SCHEMA.Organization)
        b.text(node, SCHEMA.name, name)
    return b.build(raw)


def publishers(f: Fields) -> list[str]:
    """An entity's publishers, without ScholeXplorer's placeholder and without the aggregators it names among
    them: a publisher also named among the providers the entity was collected from (``collectedFrom``: Europe
    PubMed Central, DOAJ, RECOLECTA, a repository holding a copy; ``DOAJ`` for ``DOAJ-Articles``) is where
    ScholeXplorer found it, not who published it, when the entity names a publisher that is none of them (a
    journal: Zootaxa beside ZENODO). A sole publisher, or publishers that are all providers, are kept."""
    names = [n.strip() for p in f.objs("publisher") if (n := p.string("name")) and n.strip()
             and n.strip().lower() not in NO_PUBLISHER]
    providers = {(n or "").strip().lower() for c in f.objs("collectedFrom") if (p := c.obj("provider"))
                 for n in [p.string("name")]}

    def provided(name: str) -> bool:
        return any(v == name.lower() or v.startswith(name.lower() + "-") for v in providers)

    published = [n for n in names if not provided(n)]
    return list(dict.fromkeys(published if published else names))
