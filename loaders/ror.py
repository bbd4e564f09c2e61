"""ROR: the Research Organization Registry's organisations (API v2 and v1 records, the early v1
shape, search and affiliation-matching pages, and the data dump's JSON array of v2 records).

One organisation is one record graph, ``graph_iri("ror", <ROR ID>)``, describing the node
``https://ror.org/<id>``: a ``schema:Organization`` with its display name (``schema:name``), its
other names and acronyms (``schema:alternateName``), its ROR types (``schema:additionalType``:
Funder, Government, ...), website, country, founding year, parent and child organisations, and
its other identifiers (GRID, ISNI, Wikidata as ``schema:identifier`` "scheme:value").

Funders: ROR lists the Crossref Funder IDs of each organisation. Every one is kept as
``kg:funderId <https://doi.org/10.13039/...>``; the organisation's own Funder ID — ROR's
``preferred`` one, else the first listed — is ``owl:sameAs`` the organisation: the same body
named two ways, which reuse metrics count as one funder. The other listed IDs are bodies ROR folds
into the organisation (programmes, colleges): shown, never summed in.

>>> from datetime import datetime, UTC
>>> record = {"id": "https://ror.org/021nxhr62", "names": [{"value": "U.S. National Science Foundation",
...           "types": ["ror_display", "label"]}], "external_ids": [{"type": "fundref",
...           "all": ["100000001", "100015388"], "preferred": None}], "types": ["funder"]}
>>> graph = RorLoader.map(RawRecord("ror", record, "file:///x", datetime(2024, 1, 1, tzinfo=UTC))).graph
>>> [t for t in graph.triples if "sameAs" in t]
['<https://ror.org/021nxhr62> <http://www.w3.org/2002/07/owl#sameAs> <https://doi.org/10.13039/100000001>']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError
from kg.vocab import KG, OWL, RDF, SCHEMA, XSD
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.builder import RecordBuilder, url_node
from loaders.fields import Fields
from loaders.http import HttpClient, Response

#: ROR relationship types -> the property from this organisation to the other
RELATIONSHIPS = {"parent": SCHEMA.parentOrganization, "child": SCHEMA.subOrganization}
#: other identifier schemes kept as schema:identifier "scheme:value"
SCHEMES = ("grid", "isni", "wikidata")


class RorLoader(Loader):
    name: ClassVar[str] = "ror"
    description: ClassVar[str] = "ROR organisations (API v2 and v1, data dump), with their Funder IDs"
    api: ClassVar[str] = "https://api.ror.org/v2"
    min_interval: ClassVar[float] = 0.1
    #: results per search page, fixed by the API
    page_size: ClassVar[int] = 20

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        items = document.get("items")
        if isinstance(items, list) and "number_of_results" in document:
            # an affiliation match wraps each organisation
            return [i["organization"] if isinstance(i, dict) and "organization" in i else i for i in items]
        if _is_organisation(document):
            return [document]
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        found = data.get("id")
        try:
            return ids.normalize_ror(found) if isinstance(found, str) else "(no ROR ID)"
        except IdentifierError:
            return "(no ROR ID)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """ROR's ``admin.last_modified.date`` (schema v2; v1 records have none)."""
        return first_date(data, "admin.last_modified.date")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        given = f.string("id")
        if not given:
            raise f.error("id", "is missing; every ROR record has one")
        try:
            org = NamedNode(ids.ror_iri(given))
        except IdentifierError as e:
            raise f.error("id", f"is not a ROR ID: {e.reason}", given) from None
        b = RecordBuilder(f, org)
        b.add(org, RDF.type, SCHEMA.Organization)
        display, others = _names(f)
        if display is None:
            raise f.error("names" if "names" in f.data else "name", "holds no name; every organisation has one")
        b.text(org, SCHEMA.name, display)
        for other in others:
            if other != display:
                b.text(org, SCHEMA.alternateName, other)
        for kind in f.strings("types"):
            b.text(org, SCHEMA.additionalType, kind.capitalize())
        established = f.integer("established")
        if established is not None:
            b.add(org, SCHEMA.foundingDate, Literal(str(established), datatype=XSD.gYear))
        for website in _websites(f):
            b.add(org, SCHEMA.url, url_node(website))
        for country in _countries(f):
            b.text(org, SCHEMA.addressCountry, country)
        for relationship in f.objs("relationships"):
            prop = RELATIONSHIPS.get((relationship.string("type") or "").lower())
            related = relationship.string("id")
            if prop is None or not related:
                continue
            try:
                b.add(org, prop, NamedNode(ids.ror_iri(related)))
            except IdentifierError as e:
                b.warn(relationship.name("id"), f"is not a ROR ID and was left out: {e.reason}", related)
        schemes = _external_ids(f)
        funder_ids = schemes.pop("fundref", ([], None))
        _funders(b, org, *funder_ids)
        for scheme in SCHEMES:
            for value in schemes.get(scheme, ([], None))[0]:
                b.add(org, SCHEMA.identifier, Literal(f"{scheme}:{value}"))
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        base = request.api or cls.api
        if request.dois:
            return (client.get_json(f"{base}/organizations/{quote(ids.normalize_ror(i))}") for i in request.dois)
        params: dict[str, str | int] = {"page": 1}
        if request.query:
            params["query"] = request.query
        if request.filter:
            params["filter"] = request.filter

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            data = page.data if isinstance(page.data, dict) else {}
            total, items = data.get("number_of_results"), data.get("items")
            number = int(page.url.rsplit("page=", 1)[-1].split("&")[0]) if "page=" in page.url else 1
            if not isinstance(total, int) or not items or number * cls.page_size >= total:
                return None
            return f"{base}/organizations", {**params, "page": number + 1}

        return client.paged(f"{base}/organizations", params, next_page, max_pages=request.max_pages)


def _is_organisation(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), str) and "ror.org/" in item["id"]
            and ("names" in item or "name" in item))


def _names(f: Fields) -> tuple[str | None, list[str]]:
    """The display name and every other name (v2 ``names``; v1 ``name``, ``aliases``, ``acronyms``, ``labels``)."""
    if "names" in f.data:
        names = f.objs("names")
        display = next((n.string("value") for n in names if "ror_display" in n.strings("types")), None)
        others = [v for n in names if (v := n.string("value"))]
        return display or (others[0] if others else None), others
    labels = [v for label in f.objs("labels") if (v := label.string("label"))]
    return f.string("name"), [*f.strings("aliases"), *f.strings("acronyms"), *labels]


def _websites(f: Fields) -> list[str]:
    links = f.data.get("links")
    if not isinstance(links, list):
        return []
    if all(isinstance(link, str) for link in links):
        return [link for link in links if link.startswith(("http://", "https://"))]
    return [v for link in f.objs("links") if link.string("type") == "website" and (v := link.string("value"))
            and v.startswith(("http://", "https://"))]


def _countries(f: Fields) -> list[str]:
    country = f.obj("country")
    if country is not None:
        return [c for c in (country.string("country_code"),) if c]
    found = []
    for location in f.objs("locations"):
        details = location.obj("geonames_details")
        code = details.string("country_code") if details else None
        if code:
            found.append(code)
    return list(dict.fromkeys(found))


def _external_ids(f: Fields) -> dict[str, tuple[list[str], str | None]]:
    """Each scheme's (all values, preferred value), lower-cased scheme names (v2 list, v1 object)."""
    found: dict[str, tuple[list[str], str | None]] = {}
    value = f.data.get("external_ids")
    if isinstance(value, list):
        for entry in f.objs("external_ids"):
            scheme = (entry.string("type") or "").lower()
            found[scheme] = (entry.strings("all"), entry.string("preferred"))
    elif isinstance(value, dict):
        ext = f.obj("external_ids")
        for scheme in value:
            held = ext.obj(scheme) if ext else None
            if held is None:
                continue
            listed = held.data.get("all")
            values = [listed] if isinstance(listed, str) else held.strings("all")
            found[scheme.lower()] = (values, held.string("preferred"))
    return found


def _funders(b: RecordBuilder, org: NamedNode, listed: list[str], preferred: str | None) -> None:
    own = preferred or (listed[0] if listed else None)
    for value in dict.fromkeys([*([preferred] if preferred else []), *listed]):
        try:
            funder = NamedNode(ids.funder_iri(value))
        except IdentifierError as e:
            b.warn("external_ids.fundref", f"holds a Funder ID that is not valid and was left out: {e.reason}", value)
            continue
        b.add(org, KG.funderId, funder)
        if value == own:
            b.add(org, OWL.sameAs, funder)
