"""Crossref's Funder Registry: one funder each (``GET /funders/{id}``: name, ``alt-names``,
``location``, ``replaces``/``replaced-by``, ``hierarchy``, ``work-count``) and funder search pages
(``GET /funders?query=...``, ``message.items[]``).

One funder is one record graph, ``graph_iri("crossref-funders", <Funder ID>)``, describing the
node ``https://doi.org/10.13039/<id>``: a ``schema:Organization`` with its name, other names
(``schema:alternateName``), country (``schema:location``, as Crossref names it), the Funder IDs it
replaces and is replaced by (``dcterms:replaces``, ``dcterms:isReplacedBy``: one body under an
old and a new ID, which reuse metrics count as one funder), its parent and direct children in the
registry's hierarchy (``schema:parentOrganization``, ``schema:subOrganization``, each named as
``hierarchy-names`` names it), its whole sub-tree (``descendants``: ``kg:descendantOrganization``,
which funder metrics roll up), and the number of works Crossref counts for it and for it with its
descendants (``kg:sourceWorkCount``, ``kg:sourceDescendantWorkCount``: the source's figures, never
ones kg computed).

>>> from datetime import datetime, UTC
>>> funder = {"id": "100000001", "name": "National Science Foundation", "alt-names": ["NSF"],
...           "replaces": ["100007522"], "replaced-by": [], "work-count": 447883}
>>> graph = CrossrefFundersLoader.map(RawRecord("crossref-funders", funder, "file:///x",
...                                             datetime(2024, 1, 1, tzinfo=UTC))).graph
>>> graph.graph.value, len(graph)
('https://w3id.org/evidence-kg/graph/crossref-funders/100000001', 5)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError
from kg.vocab import DCTERMS, KG, RDF, SCHEMA
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord
from loaders.builder import RecordBuilder
from loaders.fields import Fields
from loaders.http import HttpClient, Response

#: how deep the registry's hierarchy is searched for the funder's parent
MAX_DEPTH = 32


class CrossrefFundersLoader(Loader):
    name: ClassVar[str] = "crossref-funders"
    description: ClassVar[str] = "Crossref Funder Registry funders"
    api: ClassVar[str] = "https://api.crossref.org"
    min_interval: ClassVar[float] = 0.1

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if not isinstance(document, dict):
            return None
        message, kind = document.get("message"), document.get("message-type")
        if kind == "funder" and isinstance(message, dict):
            return [message]
        if kind == "funder-list" and isinstance(message, dict):
            return list(message.get("items") or [])
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        found = data.get("id")
        return found.strip() if isinstance(found, str) and found.strip() else "(no funder id)"

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        funder = _funder(f, "id", f.string("id"))
        if funder is None:
            raise f.error("id", "is missing; every funder has one")
        b = RecordBuilder(f, funder)
        b.add(funder, RDF.type, SCHEMA.Organization)
        name = f.string("name")
        if not name:
            raise f.error("name", "is missing; every funder has one")
        b.text(funder, SCHEMA.name, name)
        for other in f.strings("alt-names"):
            if other != name:
                b.text(funder, SCHEMA.alternateName, other)
        b.text(funder, SCHEMA.location, f.string("location"))
        for key, prop in (("replaces", DCTERMS.replaces), ("replaced-by", DCTERMS.isReplacedBy)):
            for value in f.strings(key):
                other_node = _funder(f, key, value, b)
                if other_node is not None and other_node != funder:
                    b.add(funder, prop, other_node)
        for key, prop in (("work-count", KG.sourceWorkCount), ("descendant-work-count", KG.sourceDescendantWorkCount)):
            count = f.integer(key)
            if count is not None:
                b.add(funder, prop, Literal(count))
        _hierarchy(f, b, funder)
        for value in f.strings("descendants"):
            below = _funder(f, "descendants", value, b)
            if below is not None and below != funder:
                b.add(funder, KG.descendantOrganization, below)
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        base = request.api or cls.api
        if request.dois:
            return (client.get_json(f"{base}/funders/{ids.doi_from_iri(ids.funder_iri(i)).split('/', 1)[1]}")
                    for i in request.dois)
        params: dict[str, str | int] = {"rows": request.rows, "offset": 0}
        if request.query:
            params["query"] = request.query

        def next_page(page: Response) -> tuple[str, Mapping[str, str | int] | None] | None:
            message = page.data.get("message") if isinstance(page.data, dict) else None
            if not isinstance(message, dict) or not message.get("items"):
                return None
            offset = int(str(page.url).rsplit("offset=", 1)[-1].split("&")[0]) if "offset=" in page.url else 0
            following = offset + request.rows
            total = message.get("total-results")
            return None if isinstance(total, int) and following >= total else \
                (f"{base}/funders", {**params, "offset": following})

        return client.paged(f"{base}/funders", params, next_page, max_pages=request.max_pages)


def _funder(f: Fields, key: str, value: str | None, b: RecordBuilder | None = None) -> NamedNode | None:
    """A Funder ID's node; an invalid one rejects the record (its own id) or is left out with a warning."""
    if not value:
        return None
    try:
        return NamedNode(ids.funder_iri(value))
    except IdentifierError as e:
        if b is None:
            raise f.error(key, f"is not a Crossref Funder ID: {e.reason}", value) from None
        b.warn(key, f"holds a Funder ID that is not valid and was left out: {e.reason}", value)
        return None


def _hierarchy(f: Fields, b: RecordBuilder, funder: NamedNode) -> None:
    """The funder's parent and direct children from ``hierarchy`` (nested objects keyed by Funder ID,
    the registry's top body first), named from ``hierarchy-names``."""
    tree = f.data.get("hierarchy")
    if tree is None:
        return
    if not isinstance(tree, dict):
        b.warn("hierarchy", "is not an object keyed by Funder IDs and was left out", str(tree)[:80])
        return
    names = f.data.get("hierarchy-names")
    names = names if isinstance(names, dict) else {}
    own = f.record_id
    # breadth first, bounded: (parent id, children) pairs
    level: list[tuple[str | None, dict[str, Any]]] = [(None, tree)]
    for _ in range(MAX_DEPTH):
        following: list[tuple[str | None, dict[str, Any]]] = []
        for parent, children in level:
            for key, below in children.items():
                if key == own:
                    for related, prop in ([(parent, SCHEMA.parentOrganization)] if parent else []) + \
                            [(child, SCHEMA.subOrganization) for child in (below if isinstance(below, dict) else {})
                             if child != "more"]:
                        node = _funder(f, "hierarchy", related, b)
                        if node is not None:
                            b.add(funder, prop, node)
                            label = names.get(related)
                            b.text(node, SCHEMA.name, label if isinstance(label, str) else None)
                    return
                if isinstance(below, dict):
                    following.append((key, below))
        if not following:
            return
        level = following
