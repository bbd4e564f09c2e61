"""Crossref's data citations: links from works to the datasets they cite or are supplemented by
(the beta data-citations endpoint: pages ``message.items[]`` of ``{timestamp, relation, subject,
object}``, each end with its DOI, work type and registration agency).

One link is one record graph, ``graph_iri("crossref-datacitations", <id>)`` where the id is
:func:`loaders.links.link_id` of ``doi:<subject>``, the relation and ``doi:<object>`` (the service
gives links no id of their own), holding the link as :mod:`loaders.links` writes it, with
``crossref`` as its provider and the timestamp as its date.

>>> from datetime import datetime, UTC
>>> item = {"timestamp": "2018-01-04T08:00:44Z", "relation": "is_supplemented_by",
...         "subject": {"id": "10.7554/elife.33125", "type": "journal-article"},
...         "object": {"id": "10.5281/zenodo.834787", "type": "dataset"}}
>>> graph = DataCitationsLoader.map(RawRecord("crossref-datacitations", item, "file:///x",
...                                           datetime(2024, 1, 1, tzinfo=UTC))).graph
>>> "<https://w3id.org/evidence-kg/ns#reliesOnData>" in " ".join(graph.triples)
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar

from kg import ids
from kg.errors import UnsupportedRequestError
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, first_date
from loaders.fields import Fields
from loaders.http import HttpClient, Response
from loaders.links import Link, LinkEnd, link_id, map_link


class DataCitationsLoader(Loader):
    name: ClassVar[str] = "crossref-datacitations"
    description: ClassVar[str] = "Crossref data citations (article -> dataset links)"
    api: ClassVar[str] = "https://api.crossref.org/beta/datacitations"
    min_interval: ClassVar[float] = 0.2

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        message = document.get("message")
        items = message.get("items") if isinstance(message, dict) else None
        if isinstance(items, list) and document.get("message-type") in (None, "data-citations-list") \
                and all(_is_link(i) for i in items[:5]):
            return items
        if _is_link(document):
            return [document]
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        ends = [data.get(side) for side in ("subject", "object")]
        dois = [ids.normalize_doi(e.get("id", ""), strict=False) if isinstance(e, dict) and isinstance(e.get("id"), str)
                else None for e in ends]
        if dois[0] is None or dois[1] is None:
            return "(no link id)"
        return link_id(f"doi:{dois[0]}", str(data.get("relation", "")), f"doi:{dois[1]}")

    @classmethod
    def record_date(cls, data: Mapping[str, Any]) -> datetime | None:
        """The link's ``timestamp``."""
        return first_date(data, "timestamp")

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        ends = []
        for side in ("subject", "object"):
            end = f.obj(side)
            identifier = end.string("id") if end else None
            if end is None or not identifier:
                raise f.error(f"{side}.id", "is missing; a data citation links a subject to an object")
            ends.append(LinkEnd(end.name("id"), identifier, end.string("type")))
        relation = f.string("relation")
        if not relation:
            raise f.error("relation", "is missing; every data citation names its relation")
        return map_link(Link(f, relation, f.name("relation"), ends[0], ends[1], provider="crossref",
                             date=f.string("timestamp")), raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.query or request.dois:
            raise UnsupportedRequestError(cls.name, "--query or --doi", "the data-citations endpoint lists by "
                                          "date: give --filter from-created-date:YYYY-MM-DD,until-created-date:...")
        params: dict[str, str | int] = {"rows": request.rows}
        for part in (request.filter or "").split(","):
            key, _, value = part.partition(":")
            if key.strip() and value.strip():
                params[key.strip()] = value.strip()
        url = request.api or cls.api

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            message = page.data.get("message") if isinstance(page.data, dict) else None
            if not isinstance(message, dict):
                return None
            following = message.get("next-page")
            if not isinstance(following, int) or not message.get("items"):
                return None
            return url, {**params, "page": following}

        return client.paged(url, {**params, "page": 0}, next_page, max_pages=request.max_pages)


def _is_link(item: Any) -> bool:
    return (isinstance(item, dict) and "relation" in item and isinstance(item.get("subject"), dict)
            and isinstance(item.get("object"), dict))
