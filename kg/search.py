"""Finding works: by words of their titles, and by the filters of the GraphQL ``works(...)`` lists
(text, funder, type, year), all bound to ``queries/gql_work_search.rq`` (an unbound filter matches
every work), the works in IRI order.

>>> from kg.store import Store
>>> find_works(Store.open(None), WorkFilter(query="insulin"))
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg.errors import BadRequestError
from kg.queries import load_query
from kg.store import Store, Term
from kg.vocab import KG, SCHEMA
from kg.works import WorkSummary, resolve, summaries

#: the ``type`` filter: DataCite's resourceTypeGeneral names (and kg's StructureEntry) -> classes
TYPES: dict[str, tuple[NamedNode, ...]] = {
    "Dataset": (SCHEMA.Dataset, KG.StructureEntry),
    "Software": (SCHEMA.SoftwareSourceCode,),
    # books, chapters, theses, reports and reviews (their own schema.org class beside CreativeWork) are texts
    "Text": (SCHEMA.ScholarlyArticle, SCHEMA.Book, SCHEMA.Chapter, SCHEMA.Thesis, SCHEMA.Report, SCHEMA.Review),
    "JournalArticle": (SCHEMA.ScholarlyArticle,),
    "StructureEntry": (KG.StructureEntry,),
    "Other": (SCHEMA.CreativeWork,),
}
#: works a title search lists at most, unless told
SEARCH_LIMIT = 50
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class WorkFilter:
    """What a search asks for; None matches everything."""

    #: words of the title (case-insensitive)
    query: str | None = None
    #: the funder, in any form :func:`kg.works.resolve` reads; its other identities (ROR ID, Funder ID) count too
    funder_id: str | None = None
    #: one of :data:`TYPES`
    type: str | None = None
    #: the year of publication (four digits)
    published: str | None = None


@dataclass(frozen=True)
class SearchResult:
    """The works whose titles hold a text, at most ``limit`` of them, and whether there are more."""

    text: str
    works: tuple[WorkSummary, ...]
    more: bool

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "works": [w.as_dict() for w in self.works], "more": self.more}


def find_works(store: Store, wanted: WorkFilter) -> list[str]:
    """The IRIs of the works matching every filter given, in IRI order.

    :raises BadRequestError: an unknown ``type`` or a ``published`` that is not a year
    :raises IdentifierError: a malformed ``funder_id``; NotFoundError: a funder the graph does not name
    """
    bindings: dict[str, Term | list[Term]] = {}
    if wanted.type is not None:
        if wanted.type not in TYPES:
            raise BadRequestError("type", f"must be one of {', '.join(TYPES)}", wanted.type)
        bindings["type"] = list(TYPES[wanted.type])
    if wanted.published is not None:
        if not _YEAR.fullmatch(wanted.published):
            raise BadRequestError("published", "must be a year (four digits, e.g. 2021)", wanted.published)
        bindings["year"] = Literal(wanted.published)
    if wanted.query is not None and wanted.query.strip():
        bindings["text"] = Literal(wanted.query.strip().lower())
    if wanted.funder_id is not None:
        # the funder under each of its identities (its ROR ID and Funder ID are one funder), as
        # kg.metrics.funder_metrics counts its outputs
        funder = resolve(store, wanted.funder_id)
        same = {r for (r,) in store.select(load_query("funder_identities").text, {"funder": funder}).values() if r}
        bindings["funder"] = [funder, *(NamedNode(iri) for iri in sorted(same - {funder.value}))]
    rows = store.select(load_query("gql_work_search").text, bindings).values()
    return [work for (work,) in rows if work is not None]


def search_titles(store: Store, text: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """The works whose titles hold ``text`` (case-insensitive), summarised, at most ``limit``.

    >>> search_titles(Store.open(None), "insulin").as_dict()
    {'text': 'insulin', 'works': [], 'more': False}
    """
    rows = store.select(load_query("gql_work_search").text, {"text": Literal(text.lower())}).rows
    found = [r[0] for r in rows if isinstance(r[0], NamedNode)][:limit + 1]
    works = summaries(store, found[:limit])
    return SearchResult(text, tuple(works[n.value] for n in found[:limit]), len(found) > limit)
