"""Pages for people (issue #7): funder and facility dashboards, the related-items widget for portals,
search, and the home page. The item page is kg.web.works; the trace page kg.web.tracing.

Every page is server-rendered HTML that works with scripts off; the drawings are SVG from
kg.web.svg; the only script is the widget loader, served from /static.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from kg import ids
from kg.errors import IdentifierError, KgError, NotFoundError
from kg.graph import KnowledgeGraph
from kg.metrics.counting import UNKNOWN
from kg.metrics.portfolio import FUNDER_IDS
from kg.web.services import services
from kg.web.svg import bar_chart
from kg.web.templating import TEMPLATES, error_page
from kg.web.urls import checked_id, whole_number, work_path

STATIC = Path(__file__).resolve().parent / "static"
#: works listed by a search page at most
SEARCH_LIMIT = 50
#: outputs listed per award on a funder's page (the CSV has them all); each with its DOI, as real records
#: share titles ("Dataset example")
AWARD_OUTPUTS_SHOWN = 10


def routes() -> list[BaseRoute]:
    methods = ["GET", "HEAD"]
    return [Route("/", home, methods=methods), Route("/search", search, methods=methods),
            Route("/funders/{id:path}", funder, methods=methods),
            Route("/facilities/{id:path}", facility, methods=methods),
            Route("/embed/related", embed_related, methods=methods),
            Route("/favicon.ico", favicon, methods=methods)]


def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


def _graph(request: Request) -> KnowledgeGraph:
    return services(request).graph


def home(request: Request) -> Response:
    return TEMPLATES.TemplateResponse(request, "home.html", {})


def search(request: Request) -> Response:
    """``/search?q=``: an identifier goes straight to its work's page; other text lists the works
    whose titles hold it."""
    graph = _graph(request)
    try:
        text = checked_id(request.query_params.get("q"), "q").strip()
    except KgError as e:
        return error_page(request, e)
    try:
        return RedirectResponse(work_path(graph.resolve(text).value), 303)
    except (IdentifierError, NotFoundError) as e:
        lookup_problem = str(e) if _looks_like_identifier(text) else None
    found = graph.search(text, SEARCH_LIMIT)
    return TEMPLATES.TemplateResponse(request, "search.html", {
        "q": text, "works": list(found.works), "more": found.more, "problem": lookup_problem})


def _looks_like_identifier(text: str) -> bool:
    try:
        ids.parse_identifier(text)
    except IdentifierError:
        return False
    return True


def _top(graph: KnowledgeGraph, rows: list[tuple[str, int, int]]) -> list[dict[str, object]]:
    works = graph.summaries(iri for iri, _, _ in rows)
    return [{"work": works[iri], "citations": own, "all_versions": rolled} for iri, own, rolled in rows]


def funder(request: Request) -> Response:
    """``/funders/{id}``: a funder's outputs, how many were reused, citations per year, the most reused."""
    graph = _graph(request)
    try:
        identifier = checked_id(request.path_params["id"])
        figures = graph.metrics.funder(identifier)
        awards = graph.metrics.awards(identifier)
    except KgError as e:
        return error_page(request, e)
    title = graph.names(figures.subjects).get(figures.subjects[0], identifier)
    shown = list(dict.fromkeys(w for a in awards for w in a.outputs[:AWARD_OUTPUTS_SHOWN]))
    return TEMPLATES.TemplateResponse(request, "funder.html", {
        "title": title, "identifier": identifier, "m": figures,
        # the funders below it in the registry's hierarchy (descendants also lists their ROR IDs)
        "below": sum(1 for d in figures.descendants if d.startswith(FUNDER_IDS)),
        # the funders above it, by name (a Funder ID no record names is shown as itself)
        "above": [(a, found.get(a, a.removeprefix(ids.DOI_BASE)))
                  for found in [graph.names(figures.ancestors)] for a in figures.ancestors],
        **_over_time(figures.citations_by_year, f"Works citing outputs funded by {title}, per year"),
        "top": _top(graph, [(t.iri, t.citations, t.all_versions) for t in figures.top]),
        "awards": awards, "names": graph.names(shown),
        # what the sources count of each output shown, beside kg's figures (never added to them)
        "reported": (reported := {w: c.reported for w, c in graph.metrics.cited_by(shown).items() if c.reported}),
        "reported_cited": sum(1 for counts in reported.values() if any(c.count for c in counts)),
        "outputs_shown": AWARD_OUTPUTS_SHOWN,
        "csv": f"/api/metrics/funder?id={quote(identifier, safe='')}&format=csv"})


def _over_time(by_year: dict[str, int], title: str) -> dict[str, object]:
    """A dashboard's chart of citing works per year, and how many have no year the graph knows: counted
    beside the chart, never drawn as a bar called "unknown" (as on the item page, kg.web.citing_years)."""
    unknown = by_year.get(UNKNOWN, 0)
    return {"chart": bar_chart(sorted((y, n) for y, n in by_year.items() if y != UNKNOWN), title, "citing works",
                               empty="no citing work's year is known" if unknown else ""),
            "year_unknown": unknown}


def facility(request: Request) -> Response:
    """``/facilities/{id}``: structures measured at a facility or beamline, their publications and reuse."""
    graph = _graph(request)
    try:
        identifier = checked_id(request.path_params["id"])
        figures = graph.metrics.facility(identifier)
    except KgError as e:
        return error_page(request, e)
    found = graph.names(figures.facilities)
    title = ", ".join(found.get(f, f) for f in figures.facilities)
    entries = graph.summaries([*(e.iri for e in figures.entry_figures),
                               *(w for e in figures.entry_figures for w in (*e.primary_publications, *e.raw_data))])
    return TEMPLATES.TemplateResponse(request, "facility.html", {
        "title": title, "identifier": identifier, "m": figures,
        **_over_time(figures.citations_by_year,
                     f"Works citing publications of structures measured at {title}, per year"),
        "entries": [(e, entries[e.iri]) for e in figures.entry_figures], "names": entries,
        "csv": f"/api/metrics/facility?id={quote(identifier, safe='')}&format=csv"})


def embed_related(request: Request) -> Response:
    """``/embed/related?id=&limit=``: the compact related-items list a portal shows in an iframe (any site
    may frame it: kg.web.security.FRAMEABLE)."""
    graph = _graph(request)
    try:
        identifier = checked_id(request.query_params.get("id"))
        found = graph.related(identifier, limit=whole_number(request, "limit", 5, 1, 20))
        root = graph.resolve(identifier).value
        cited = graph.metrics.cited_by(r.item.iri for r in found)
    except KgError as e:
        return error_page(request, e)
    return TEMPLATES.TemplateResponse(request, "embed_related.html", {
        "items": found, "root": root, "root_path": work_path(root), "identifier": identifier, "cited": cited})
