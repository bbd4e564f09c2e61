"""Crossref Event Data: links between works, one event each (``GET /v1/events``; event-list pages
``message.events[]`` and single events, the Scholix flavour included). The Event Data API was
retired in 2024; its files are still what many users hold, and an Event Data mirror answers the
same requests.

One event is one record graph, ``graph_iri("eventdata", <event id>)``, holding the link as
:mod:`loaders.links` writes it: ``subj_id`` -> ``relation_type_id`` -> ``obj_id``, the work types of
both ends, ``source_id`` as the link provider and ``occurred_at`` as the link's date. An event whose
``action`` is ``delete`` withdraws a link: nothing is stored, with a warning. Relation types outside
the catalogue (``discusses`` from social media, ...) reject the event, naming the field.

>>> from datetime import datetime, UTC
>>> event = {"id": "e1", "subj_id": "https://doi.org/10.1/A", "obj_id": "https://doi.org/10.1/b",
...          "relation_type_id": "references", "source_id": "crossref", "occurred_at": "2022-12-31T21:13:45Z",
...          "obj": {"work_type_id": "Dataset"}}
>>> graph = EventDataLoader.map(RawRecord("eventdata", event, "file:///x", datetime(2024, 1, 1, tzinfo=UTC))).graph
>>> graph.graph.value, len(graph)
('https://w3id.org/evidence-kg/graph/eventdata/e1', 8)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

from kg.errors import UnsupportedRequestError
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date, skipped
from loaders.fields import Fields
from loaders.http import HttpClient, Response
from loaders.links import Link, LinkEnd, map_link


class EventDataLoader(Loader):
    name: ClassVar[str] = "eventdata"
    description: ClassVar[str] = "Crossref Event Data events (links between works)"
    api: ClassVar[str] = "https://api.eventdata.crossref.org/v1"
    min_interval: ClassVar[float] = 0.5

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        message = document.get("message")
        if document.get("message-type") == "event-list" and isinstance(message, dict):
            events = message.get("events")
            return list(events) if isinstance(events, list) else []
        if _is_event(document):
            return [document]
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        found = data.get("id")
        return found.strip() if isinstance(found, str) and found.strip() else "(no event id)"

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """The event's ``updated_date`` (an edited event), else its ``timestamp`` (when Event Data recorded it)."""
        return first_date(data, "updated_date", "timestamp")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        if f.string("id") is None:
            raise f.error("id", "is missing; every Event Data event has one")
        if (f.string("action") or "add") == "delete":
            return skipped([f"{cls.name} record {f.record_id}: field 'action' is 'delete': the source withdrew "
                            f"this link, so nothing is stored"])
        ends = []
        for side in ("subj", "obj"):
            identifier = f.string(f"{side}_id")
            if not identifier:
                raise f.error(f"{side}_id", "is missing; an event links a subject to an object")
            detail = f.obj(side)
            ends.append(LinkEnd(f.name(f"{side}_id"), identifier, detail.string("work_type_id") if detail else None))
        relation = f.string("relation_type_id")
        if not relation:
            raise f.error("relation_type_id", "is missing; every event names its relation")
        return map_link(Link(f, relation, f.name("relation_type_id"), ends[0], ends[1],
                             provider=f.string("source_id"), date=f.string("occurred_at") or f.string("timestamp")),
                        raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.query:
            raise UnsupportedRequestError(cls.name, "--query", "Event Data has no free-text search; give --doi "
                                          "(events whose object is that DOI)")
        if not request.dois:
            raise UnsupportedRequestError(cls.name, "a listing without --doi", "give --doi")
        return (page for doi in request.dois for page in cls.fetch_events(client, {"obj-id": doi}, api=request.api,
                                                                          max_pages=request.max_pages))

    @classmethod
    def fetch_events(cls, client: HttpClient, params: Mapping[str, str | int], *, api: str | None = None,
                     max_pages: int | None = None) -> Iterator[Response]:
        """Pages of ``/events`` with cursor paging (``cursor`` from each page's ``next-cursor``)."""
        url = f"{api or cls.api}/events"

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            message = page.data.get("message") if isinstance(page.data, dict) else None
            if not isinstance(message, dict):
                return None
            cursor = message.get("next-cursor")
            if not cursor or not message.get("events"):
                return None
            return url, {**params, "cursor": str(cursor)}

        return client.paged(url, {**params, "rows": 1000}, next_page, max_pages=max_pages)


def _is_event(item: Any) -> bool:
    return isinstance(item, dict) and "subj_id" in item and "obj_id" in item and "relation_type_id" in item
