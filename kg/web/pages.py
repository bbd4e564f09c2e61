"""Pages for people (issue #7): funder and facility dashboards, the related-items widget for portals,
search, and the home page. The item page is kg.web.works; the trace page kg.web.tracing.

Every page is server-rendered HTML that works with scripts off; the drawings are SVG from
kg.web.svg; the only script is the widget loader, served from /static.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kg import ids
from kg.errors import IdentifierError, KgError, NotFoundError
from kg.metrics import facility_metrics, funder_metrics
from kg.queries import load_query
from kg.related import related_items
from kg.store import Store
from kg.web.api import whole_number
from kg.web.svg import bar_chart
from kg.web.works import TEMPLATES, checked_id, error_page, work_path
from kg.works import WorkSummary, resolve, summaries

STATIC = Path(__file__).resolve().parent / "static"
#: works listed by a search page at most
SEARCH_LIMIT = 50


def routes() -> list[BaseRoute]:
    methods = ["GET", "HEAD"]
    return [Route("/", home, methods=methods), Route("/search", search, methods=methods),
            Route("/funders/{id:path}", funder, methods=methods),
            Route("/facilities/{id:path}", facility, methods=methods),
            Route("/embed/related", embed_related, methods=methods),
            Route("/favicon.ico", favicon, methods=methods)]


def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


def _store(request: Request) -> Store:
    from kg.web.app import services  # app imports this module

    return services(request).store


def names(store: Store, iris: list[str]) -> dict[str, str]:
    """The longest schema:name of each node that has one."""
    found: dict[str, str] = {}
    rows = store.select(load_query("node_names").text, {"node": [NamedNode(i) for i in iris]}).values() if iris else []
    for node, name in rows:
        if node is not None and name is not None and len(name) > len(found.get(node, "")):
            found[node] = name
    return found


def home(request: Request) -> Response:
    return TEMPLATES.TemplateResponse(request, "home.html", {})


def search(request: Request) -> Response:
    """``/search?q=``: an identifier goes straight to its work's page; other text lists the works
    whose titles hold it."""
    store = _store(request)
    try:
        text = checked_id(request.query_params.get("q"), "q").strip()
    except KgError as e:
        return error_page(request, e)
    try:
        return RedirectResponse(work_path(resolve(store, text).value), 303)
    except (IdentifierError, NotFoundError) as e:
        lookup_problem = str(e) if _looks_like_identifier(text) else None
    rows = store.select(load_query("gql_work_search").text, {"text": Literal(text.lower())}).rows
    found = [r[0] for r in rows if isinstance(r[0], NamedNode)][:SEARCH_LIMIT + 1]
    works = summaries(store, found[:SEARCH_LIMIT])
    return TEMPLATES.TemplateResponse(request, "search.html", {
        "q": text, "works": [works[n.value] for n in found[:SEARCH_LIMIT]], "more": len(found) > SEARCH_LIMIT,
        "problem": lookup_problem})


def _looks_like_identifier(text: str) -> bool:
    try:
        ids.parse_identifier(text)
    except IdentifierError:
        return False
    return True


def _top(store: Store, rows: list[tuple[str, int, int]]) -> list[dict[str, object]]:
    works = summaries(store, [NamedNode(iri) for iri, _, _ in rows])
    return [{"work": works[iri], "citations": own, "all_versions": rolled} for iri, own, rolled in rows]


def funder(request: Request) -> Response:
    """``/funders/{id}``: a funder's outputs, how many were reused, citations per year, the most reused."""
    store = _store(request)
    try:
        identifier = checked_id(request.path_params["id"])
        figures = funder_metrics(store, identifier)
    except KgError as e:
        return error_page(request, e)
    title = names(store, list(figures.subjects)).get(figures.subjects[0], identifier)
    return TEMPLATES.TemplateResponse(request, "funder.html", {
        "title": title, "identifier": identifier, "m": figures,
        "chart": bar_chart(sorted(figures.citations_by_year.items()), f"Works citing outputs funded by {title}, "
                                                                       "per year"),
        "top": _top(store, [(t.iri, t.citations, t.all_versions) for t in figures.top]),
        "csv": f"/api/metrics/funder?id={quote(identifier, safe='')}&format=csv"})


def facility(request: Request) -> Response:
    """``/facilities/{id}``: structures measured at a facility or beamline, their publications and reuse."""
    store = _store(request)
    try:
        identifier = checked_id(request.path_params["id"])
        figures = facility_metrics(store, identifier)
    except KgError as e:
        return error_page(request, e)
    found = names(store, list(figures.facilities))
    title = ", ".join(found.get(f, f) for f in figures.facilities)
    entries = summaries(store, [NamedNode(e.iri) for e in figures.entry_figures])
    return TEMPLATES.TemplateResponse(request, "facility.html", {
        "title": title, "identifier": identifier, "m": figures,
        "chart": bar_chart(sorted(figures.citations_by_year.items()),
                           f"Works citing publications of structures measured at {title}, per year"),
        "entries": [(e, entries[e.iri]) for e in figures.entry_figures],
        "csv": f"/api/metrics/facility?id={quote(identifier, safe='')}&format=csv"})


def embed_related(request: Request) -> Response:
    """``/embed/related?id=&limit=``: the compact related-items list a portal shows in an iframe."""
    store = _store(request)
    try:
        identifier = checked_id(request.query_params.get("id"))
        found = related_items(store, identifier, limit=whole_number(request, "limit", 5, 1, 20))
        root = resolve(store, identifier).value
    except KgError as e:
        return error_page(request, e)
    return TEMPLATES.TemplateResponse(request, "embed_related.html", {
        "items": found, "root": root, "root_path": work_path(root), "identifier": identifier},
        headers={"Content-Security-Policy": "frame-ancestors *"})


def kind_name(work: WorkSummary) -> str:
    """How a page names a work's class."""
    return {"ScholarlyArticle": "Article", "StructureEntry": "PDB entry", "SoftwareSourceCode": "Software",
            "Dataset": "Dataset"}.get(work.kind or "", "Work")


TEMPLATES.env.filters["kind_name"] = kind_name
