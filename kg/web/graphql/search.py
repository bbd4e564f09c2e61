"""The works that ``works(...)``, ``datasets(...)`` and ``softwares(...)`` list: the filters bound to
``queries/gql_work_search.rq`` (an unbound filter matches every work), the rows in IRI order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg.errors import BadRequestError
from kg.queries import load_query
from kg.store import Store, Term
from kg.vocab import KG, SCHEMA
from kg.works import resolve

#: the ``type`` argument: DataCite's resourceTypeGeneral names (and kg's StructureEntry) -> classes
TYPES: dict[str, tuple[NamedNode, ...]] = {
    "Dataset": (SCHEMA.Dataset, KG.StructureEntry),
    "Software": (SCHEMA.SoftwareSourceCode,),
    "Text": (SCHEMA.ScholarlyArticle,),
    "JournalArticle": (SCHEMA.ScholarlyArticle,),
    "StructureEntry": (KG.StructureEntry,),
    "Other": (SCHEMA.CreativeWork,),
}
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class WorkFilter:
    """What a search asks for; None matches everything."""

    query: str | None = None
    funder_id: str | None = None
    type: str | None = None
    published: str | None = None


def search_works(store: Store, wanted: WorkFilter) -> list[str]:
    """The IRIs of the works matching every filter given, in IRI order.

    :raises BadRequestError: an unknown ``type`` or a ``published`` that is not a year
    :raises IdentifierError: a malformed ``funderId``; NotFoundError: a funder the graph does not name
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
        bindings["funder"] = resolve(store, wanted.funder_id)
    rows = store.select(load_query("gql_work_search").text, bindings).values()
    return [work for (work,) in rows if work is not None]
