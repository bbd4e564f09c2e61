"""DataCite events and activities (``GET /events``, ``GET /activities``; JSON:API pages and single
answers).

- **Events** link two things: ``subjId`` -> ``relationTypeId`` -> ``objId`` (``references``,
  ``is-supplement-to``, ``has-metadata``, ...). A link event is one record graph,
  ``graph_iri("datacite-events", <event id>)``, holding the link as :mod:`loaders.links` writes
  it, with ``sourceId`` as the provider and ``occurredAt`` as its date.
- **Usage events** (``sourceId`` ``datacite-usage``; relation types such as
  ``total-dataset-investigations-regular``) are COUNTER usage reports about the object DOI:
  a ``kg:UsageObservation`` observed at ``occurredAt`` with ``total`` as its views
  (investigations) or downloads (requests), total or unique. Machine traffic is left out with a
  warning. Usage never counts as a citation.
- Authorship events (``is-authored-by``, ORCID auto-update) are left out with a warning: kg takes a
  work's creators from the work's own record. A ``delete`` message withdraws a link: nothing is stored.
- **Activities** record a DOI's registration changes. One is one record graph,
  ``graph_iri("datacite-events", "activity/" + <id>)``: the DOI's ``kg:registrationState`` when the
  activity changed it (``aasm_state``: ``findable``, ``registered``, ``draft``) on a
  ``kg:registrationChange`` node dated with ``prov:atTime``; an activity that changes no state
  stores nothing. The DOI records an activities page ``included`` are DataCite records,
  mapped as the DataCite loader maps them.

>>> from datetime import datetime, UTC
>>> event = {"id": "e1", "type": "events", "attributes": {"subjId": "https://doi.org/10.1/A",
...          "objId": "https://doi.org/10.1/b", "relationTypeId": "is-supplement-to", "sourceId": "datacite-crossref",
...          "occurredAt": "2019-06-23T16:00:46.000Z"}}
>>> DataciteEventsLoader.map(RawRecord("datacite-events", event, "file:///x", datetime(2024, 1, 1, tzinfo=UTC))
...     ).graph.graph.value
'https://w3id.org/evidence-kg/graph/datacite-events/e1'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.vocab import KG, PROV, XSD
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date, skipped
from loaders.builder import RecordBuilder
from loaders.datacite import DataciteLoader
from loaders.fields import Fields
from loaders.http import HttpClient, Response
from loaders.links import Link, LinkEnd, map_link

#: COUNTER metric of a usage event -> the usage property it counts
USAGE: dict[str, NamedNode] = {
    "total-dataset-investigations": KG.views, "unique-dataset-investigations": KG.uniqueViews,
    "total-dataset-requests": KG.downloads, "unique-dataset-requests": KG.uniqueDownloads,
}
#: relation types that say who wrote a work, left out (the work's own record says it)
AUTHORSHIP = frozenset({"is-authored-by", "is-authored-at"})


class DataciteEventsLoader(Loader):
    name: ClassVar[str] = "datacite-events"
    description: ClassVar[str] = "DataCite events (links, usage) and activities (registration changes)"
    api: ClassVar[str] = "https://api.datacite.org"
    min_interval: ClassVar[float] = 0.2

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        data = document.get("data")
        if isinstance(data, dict) and _is_ours(data):
            return [data]
        if isinstance(data, list) and data and all(_is_ours(d) for d in data[:5]):
            included = document.get("included")
            return [*data, *(i for i in included if _is_doi(i))] if isinstance(included, list) else data
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        found = data.get("id")
        if not isinstance(found, str) or not found.strip():
            return "(no id)"
        return f"activity/{found.strip()}" if data.get("type") == "activities" else found.strip()

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """An event's or activity's ``updated``, else its ``timestamp`` (when DataCite recorded it),
        else an activity's ``prov:generatedAtTime``; a DOI record's ``updated``."""
        return first_date(data, "attributes.updated", "attributes.timestamp", "attributes.prov:generatedAtTime")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        if _is_doi(raw.data):
            return DataciteLoader.map(replace(raw, source=DataciteLoader.name))
        top = Fields(raw.data, cls.name, cls.record_id(raw.data))
        f = top.obj("attributes")
        if f is None:
            raise top.error("attributes", "is missing; a DataCite event or activity has attributes")
        if raw.data.get("type") == "activities":
            return _map_activity(top, f, raw)
        if (f.string("messageAction") or "create") == "delete":
            return skipped([f"{cls.name} record {top.record_id}: field 'messageAction' is 'delete': the source "
                            f"withdrew this event, so nothing is stored"])
        relation = f.string("relationTypeId")
        if not relation:
            raise f.error("relationTypeId", "is missing; every event names its relation")
        if relation in AUTHORSHIP:
            return skipped([f"{cls.name} record {top.record_id}: field {f.name('relationTypeId')!r} is {relation!r}: "
                            f"authorship is taken from the work's own record, so the event is left out"])
        metric = relation.removesuffix("-regular").removesuffix("-machine")
        if metric in USAGE:
            return _map_usage(top, f, raw, relation, USAGE[metric])
        ends = []
        for side in ("subjId", "objId"):
            identifier = f.string(side)
            if not identifier:
                raise f.error(side, "is missing; an event links a subject to an object")
            ends.append(LinkEnd(f.name(side), identifier))
        return map_link(Link(top, relation, f.name("relationTypeId"), ends[0], ends[1],
                             provider=f.string("sourceId"), date=f.string("occurredAt") or f.string("timestamp")),
                        raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        params: dict[str, str | int] = {"page[size]": min(request.rows, 1000)}
        if request.query:
            params["query"] = request.query
        for part in (request.filter or "").split(","):
            key, _, value = part.partition(":")
            if key.strip() and value.strip():
                params[key.strip()] = value.strip()
        base = request.api or cls.api
        targets = [{**params, "doi": ids.normalize_doi(doi)} for doi in request.dois] or [params]

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            links = page.data.get("links") if isinstance(page.data, dict) else None
            following = links.get("next") if isinstance(links, dict) else None
            if not following or not page.data.get("data"):
                return None
            return str(following), None

        return (page for target in targets
                for page in client.paged(f"{base}/events", target, next_page, max_pages=request.max_pages))


def _is_ours(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") in ("events", "activities") \
        and isinstance(item.get("attributes"), dict)


def _is_doi(item: Any) -> bool:
    return isinstance(item, Mapping) and item.get("type") == "dois" and isinstance(item.get("attributes"), dict)


def _map_usage(top: Fields, f: Fields, raw: RawRecord, relation: str, prop: NamedNode) -> Mapped:
    if relation.endswith("-machine"):
        return skipped([f"{top.source} record {top.record_id}: field {f.name('relationTypeId')!r} is {relation!r}: "
                        f"machine traffic is left out of usage"])
    doi = ids.normalize_doi(f.string("objId") or "", strict=False)
    if doi is None:
        raise f.error("objId", "is not a DOI; a usage event counts the use of a DOI", f.string("objId"))
    total = f.integer("total")
    if total is None or total < 0:
        raise f.error("total", "is missing or negative; a usage event counts something", f.data.get("total"))
    b = RecordBuilder(top, NamedNode(ids.doi_iri(doi)))
    b.add(b.work, KG.doi, Literal(doi))
    b.usage(f.string("occurredAt") or raw.retrieved_at.astimezone(UTC).isoformat(), [(prop, total)])
    return b.build(raw)


def _map_activity(top: Fields, f: Fields, raw: RawRecord) -> Mapped:
    relations = top.obj("relationships")
    doi_link = relations.obj("doi") if relations else None
    data = doi_link.obj("data") if doi_link else None
    doi = ids.normalize_doi((data.string("id") if data else None) or f.string("prov:wasDerivedFrom") or "",
                            strict=False)
    if doi is None:
        raise top.error("relationships.doi.data.id", "is missing; an activity is about one DOI")
    b = RecordBuilder(top, NamedNode(ids.doi_iri(doi)))
    b.add(b.work, KG.doi, Literal(doi))
    changes = f.obj("changes")
    state = changes.data.get("aasm_state") if changes else None
    # a change is [old, new] on update, the value itself on create
    new = state[-1] if isinstance(state, list) and state else state
    if not isinstance(new, str) or not new:
        return skipped([f"{top.source} record {top.record_id}: the activity does not change the DOI's registration "
                        f"state, so nothing is stored"])
    change = b.mint("change")
    b.add(b.work, KG.registrationChange, change)
    b.add(change, KG.registrationState, Literal(new))
    generated = f.string("prov:generatedAtTime")
    if generated:
        b.add(change, PROV.atTime, Literal(generated, datatype=XSD.dateTime))
    return b.build(raw)
