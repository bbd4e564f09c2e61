"""JSON endpoints for portals, mirroring the Python API: ``/api/related``, ``/api/chain``,
``/api/metrics/{item,funder,facility,publisher}``, ``/api/works`` (a batch of summaries) and
``/api/scholix/links`` (links as Scholix packages, shaped like ScholeXplorer's ``Links`` API).

Each endpoint reads and checks its parameters (a missing or out-of-range one is a 400 naming it),
calls one core function and returns its ``as_dict()``; the metrics also as CSV (``format=csv``).
Identifiers are read as /works/{id} reads them (:meth:`kg.graph.KnowledgeGraph.resolve`), so
``pmid:...`` works here too. Errors have the one JSON shape of :mod:`kg.web.errors`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kg import chains, metrics
from kg.answering import MetricsQueries
from kg.errors import BadRequestError, KgError
from kg.graph import KnowledgeGraph
from kg.web.config import Settings
from kg.web.errors import status_of
from kg.web.services import services
from kg.web.urls import ANY_ID, base_of, checked_id, choice, one, whole_number, work_path

#: the deepest evidence chain asked for (each level is one query)
MAX_DEPTH = 10
#: related items and chain depth when the request does not say
DEFAULT_LIMIT = 20
DEFAULT_DEPTH = 5
#: the highest ``citing_offset`` /api/metrics/item takes
MAX_OFFSET = 1_000_000_000


def routes() -> list[BaseRoute]:
    methods = ["GET", "HEAD"]
    return [Route("/api/related", related, methods=methods), Route("/api/chain", chain, methods=methods),
            Route("/api/metrics/item", item_metrics, methods=methods),
            Route("/api/metrics/funder", funder_metrics, methods=methods),
            Route("/api/metrics/facility", facility_metrics, methods=methods),
            Route("/api/metrics/publisher", publisher_metrics, methods=methods),
            Route("/api/works", works, methods=methods),
            Route("/api/scholix/links", scholix_links, methods=methods)]


def _state(request: Request) -> tuple[KnowledgeGraph, Settings]:
    found = services(request)
    return found.graph, found.settings


def related(request: Request) -> Response:
    """``/api/related?id=&limit=``: the works related to one, best first, each with its reasons."""
    graph, settings = _state(request)
    limit = whole_number(request, "limit", min(DEFAULT_LIMIT, settings.max_page_size), 1, settings.max_page_size)
    node = graph.resolve(checked_id(one(request, "id")))
    base = base_of(request, settings)
    items = [{**r.as_dict(), "url": base + work_path(r.item.iri)} for r in graph.related(node, limit)]
    return JSONResponse({"id": node.value, "url": base + work_path(node.value), "limit": limit, "items": items})


def chain(request: Request) -> Response:
    """``/api/chain?id=&depth=&fanout=&all_citations=false|true&format=json|node-link``: the evidence
    chain from a work (its 10 strongest citations per work, or all with ``all_citations=true``)."""
    graph, settings = _state(request)
    depth = whole_number(request, "depth", DEFAULT_DEPTH, 0, MAX_DEPTH)
    fanout = whole_number(request, "fanout", settings.max_page_size, 1, settings.max_page_size)
    shape = choice(request, "format", ("json", "node-link"))
    node = graph.resolve(checked_id(one(request, "id")))
    every = choice(request, "all_citations", ("false", "true")) == "true"
    found = graph.chain(node, depth, fanout=fanout, all_citations=every)
    return JSONResponse(chains.to_node_link(found) if shape == "node-link" else found.as_dict())


def _metrics(request: Request, parameter: str, compute: Callable[[MetricsQueries, str], metrics.Metrics],
             locate_first: bool = False, what: str = ANY_ID) -> Response:
    graph, _ = _state(request)
    shape = choice(request, "format", ("json", "csv"))
    subject = checked_id(one(request, parameter), parameter, what)
    if locate_first:
        subject = graph.resolve(subject).value
    found = compute(graph.metrics, subject)
    if shape == "csv":
        # a funder's CSV carries what its page shows: the awards with their outputs, the outputs' years
        awards = graph.metrics.awards(subject) if compute is MetricsQueries.funder else []
        iris = metrics.named_iris(found, awards)
        years = {iri: s.year for iri, s in graph.summaries(
            t.iri for t in (*found.top, *(found.with_descendants.top if found.with_descendants else ()))
        ).items() if s.year} if isinstance(found, metrics.PortfolioMetrics) else {}
        return Response(metrics.to_csv(found, csv_names(graph, iris), awards, years), media_type="text/csv")
    return JSONResponse(found.as_dict())


def csv_names(graph: KnowledgeGraph, iris: list[str]) -> dict[str, str]:
    """The names a page shows for ``iris``: a node's own name (a funder's, a facility's), else a work's
    display name (its title, or how its citers name it); none for what is named only by its identifier."""
    found = graph.names(iris)
    works = graph.summaries(i for i in iris if i not in found)
    return {**{i: s.name for i, s in works.items() if s.name_source != "identifier"}, **found}


def item_metrics(request: Request) -> Response:
    """``/api/metrics/item?id=&citing_limit=&citing_offset=&format=json|csv``: citations of a work, alone and
    over all its versions; the citing works listed a page at a time, most recent first (the counts are of all)."""
    _, settings = _state(request)
    limit = whole_number(request, "citing_limit", min(DEFAULT_LIMIT, settings.max_page_size), 1,
                         settings.max_page_size)
    offset = whole_number(request, "citing_offset", 0, 0, MAX_OFFSET)
    return _metrics(request, "id", lambda m, work: m.item(work, limit, offset), locate_first=True)


def funder_metrics(request: Request) -> Response:
    """``/api/metrics/funder?id=``: a funder's outputs and their reuse (Crossref Funder ID or ROR ID)."""
    return _metrics(request, "id", MetricsQueries.funder, what="a Crossref Funder ID (10.13039/...) or a ROR ID")


def facility_metrics(request: Request) -> Response:
    """``/api/metrics/facility?id=``: entries measured at a facility or instrument (IRI, name or slug)."""
    return _metrics(request, "id", MetricsQueries.facility, what="a facility's or instrument's name, slug or IRI")


def publisher_metrics(request: Request) -> Response:
    """``/api/metrics/publisher?name=``: a publisher's works and their reuse (name or IRI)."""
    return _metrics(request, "name", MetricsQueries.publisher, what="a publisher's name or IRI")


def works(request: Request) -> Response:
    """``/api/works?id=A&id=B``: a summary of each work, in the order asked; an unknown or malformed
    identifier gets its error in place, the others still answer. One parameter per identifier: DOIs
    may hold commas and spaces, so a list in one parameter could not be split safely."""
    graph, settings = _state(request)
    given = request.query_params.getlist("id")
    if not given:
        raise BadRequestError("id", "is required: repeat it once per work, e.g. ?id=10.1/a&id=PDB 6GV0")
    if len(given) > settings.max_page_size:
        raise BadRequestError("id", f"is given {len(given)} times; at most {settings.max_page_size} are accepted")
    found: list[tuple[str, str | None, dict[str, object] | None]] = []
    for text in given:
        try:
            found.append((text, graph.resolve(checked_id(text)).value, None))
        except KgError as e:
            found.append((text, None, {"status": status_of(e), "type": type(e).__name__, "message": str(e)}))
    summary = graph.summaries(iri for _, iri, _ in found if iri is not None)
    base = base_of(request, settings)
    return JSONResponse({"works": [
        {"id": text, "work": None if iri is None else {**summary[iri].as_dict(), "url": base + work_path(iri)},
         "error": error} for text, iri, error in found]})


#: the largest page /api/scholix/links reads to (pages count from 0)
MAX_SCHOLIX_PAGE = 100_000


def scholix_links(request: Request) -> Response:
    """``/api/scholix/links?sourcePid=&targetPid=&relation=&linkProvider=&page=``: one page of links as
    Scholix packages, like ScholeXplorer's ``Links``. A sourcePid or targetPid is required: every link of
    the graph is read to filter by the other parameters alone (``kg export --format scholix`` writes them all)."""
    graph, _ = _state(request)
    asked = request.query_params
    source, target, provider = asked.get("sourcePid"), asked.get("targetPid"), asked.get("linkProvider")
    if not (source or target):
        raise BadRequestError("sourcePid", "or targetPid is required, e.g. ?sourcePid=10.1/a (every link: "
                                           "kg export --format scholix)")
    found = graph.scholix_links(checked_id(source, "sourcePid") if source else None,
                                checked_id(target, "targetPid") if target else None,
                                relation=asked.get("relation") or None, provider=provider or None,
                                page=whole_number(request, "page", 0, 0, MAX_SCHOLIX_PAGE))
    return JSONResponse(found.as_dict())
