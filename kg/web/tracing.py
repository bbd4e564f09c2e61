"""Tracing claims over HTTP: the trace page ``/trace`` (a form, answered with the claims, the works
they rest on and each work's evidence chain drawn) and ``POST /api/trace`` (the same as JSON).

A trace may write: the claims it resolves are stored in their own graphs, and, when the service
fetches on demand (``kg serve --online``), the records it fetched. Writes to an embedded store wait
until the /sparql workers are stopped (see kg.web.sparql_runner). Offline, the trace reads beside
the workers and only the claims' write takes the runner's write access; online, the whole trace
does (fetches write at any point).
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kg.claims import MAX_INPUT_CHARS
from kg.errors import BadRequestError, KgError
from kg.graph import KnowledgeGraph
from kg.ondemand import fetch_page
from kg.trace import SOURCE_KINDS, TraceResult
from kg.web.config import Settings
from kg.web.services import services
from kg.web.sparql_runner import QueryRunner
from kg.web.svg import chain_svg
from kg.web.templating import TEMPLATES, error_page
from kg.web.urls import work_path
from loaders.http import HttpConfig

#: the most claims one trace stores (a long article's claims beyond are answered, not stored)
MAX_STORED_CLAIMS = 100
MAX_URL_LENGTH = 2_000
NOT_STORED = ("the claims were not stored: this service stores traces sent with its update token "
              "(Authorization: Bearer ...), or every trace when started with --store-traces")
TOO_MANY = f"only the first {MAX_STORED_CLAIMS} claims resting on a work were stored"
#: bytes of request body /trace and /api/trace read at most (the text limit, in UTF-8 at worst, plus
#: the form's overhead); kg.web.app's BodyLimit refuses more with 413
MAX_BODY = MAX_INPUT_CHARS * 4 + 65_536


def routes() -> list[BaseRoute]:
    return [Route("/trace", page, methods=["GET", "HEAD", "POST"]),
            Route("/api/trace", api_trace, methods=["POST"])]


def run_trace(graph: KnowledgeGraph, settings: Settings, runner: QueryRunner | None, text: str, url: str | None,
              source_kind: str | None, authorized: bool = False) -> TraceResult:
    """Trace ``text`` (or, when it is empty and fetching is on, the page at ``url``), writing with the
    query runner's write access. The one way the web traces: the page, /api/trace and GraphQL's
    traceClaim.

    The claims are stored when the request carries the update token or the service stores every
    trace (``--store-traces``): otherwise anyone could put text on the works' pages. At most
    :data:`MAX_STORED_CLAIMS` claims of one trace are stored."""
    if source_kind is not None and source_kind not in SOURCE_KINDS:
        raise BadRequestError("source_kind", f"must be one of {', '.join(SOURCE_KINDS)}", source_kind)
    if url is not None and url.strip():
        _check_url(url)
    online = settings.trace_online
    if not text.strip() and url:
        if not online:
            raise BadRequestError("url", "cannot be fetched: this service does not fetch pages (it runs offline); "
                                  "paste the text instead")
        text = fetch_page(url, HttpConfig.from_env(), public_only=True)
    writing = runner.writes if runner is not None else nullcontext
    # online, fetching stores the records it fetches at any point of the trace; offline the trace reads
    # beside the /sparql workers, and only the claims' write below waits for them
    with writing() if online else nullcontext():
        found = graph.trace(text, url=url or None, source_kind=source_kind or None, online=online,
                            store_claims=False, max_depth=settings.trace_max_depth)
    if not (settings.store_traces or authorized):
        return replace(found, notes=(*found.notes, NOT_STORED))
    stored = [c for c in found.claims if c.works][:MAX_STORED_CLAIMS]
    if not stored:
        return found
    with writing():
        saved = graph.save_claims(replace(found, claims=tuple(stored)))
    kept = {c.iri: c for c in saved.claims}
    notes = found.notes if len(stored) == sum(1 for c in found.claims if c.works) else (*found.notes, TOO_MANY)
    return replace(found, claims=tuple(kept.get(c.iri, c) for c in found.claims), notes=notes)


def _check_url(url: str) -> None:
    if len(url) > MAX_URL_LENGTH:
        raise BadRequestError("url", f"is {len(url):,} characters long; at most {MAX_URL_LENGTH:,} are accepted")
    if not url.lower().startswith(("http://", "https://")):
        raise BadRequestError("url", "must be an http(s) URL: where the text appeared", url)


def _run(request: Request, text: str, url: str | None, source_kind: str | None) -> TraceResult:
    state = services(request)
    return run_trace(state.graph, state.settings, state.runner, text, url, source_kind,
                     state.settings.authorizes(request.headers.get("authorization")))


async def api_trace(request: Request) -> Response:
    """``POST /api/trace`` with JSON ``{"text": ..., "url": ..., "source_kind": ...}`` (or a form)."""
    fields = await _fields(request)
    result = await run_in_threadpool(_run, request, fields.get("text", ""), fields.get("url"),
                                     fields.get("source_kind"))
    return JSONResponse(result.as_dict())


async def _fields(request: Request) -> dict[str, str]:
    body = await request.body()  # at most MAX_BODY bytes: the app refuses more with 413
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise BadRequestError("body", f"is not valid JSON: {e}") from None
        if not isinstance(data, dict):
            raise BadRequestError("body", "must be a JSON object with 'text', and optionally 'url', 'source_kind'")
    elif kind in ("application/x-www-form-urlencoded", ""):
        try:
            data = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            raise BadRequestError("text", "is not UTF-8 text") from None
    elif kind == "text/plain":
        try:
            data = {"text": body.decode("utf-8")}
        except UnicodeDecodeError:
            raise BadRequestError("text", "is not UTF-8 text") from None
    else:
        raise BadRequestError("Content-Type", "must be application/json, a form, or text/plain", kind)
    for name in ("text", "url", "source_kind"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise BadRequestError(name, "must be a string", data[name])
    return {k: v for k, v in data.items() if isinstance(v, str)}


async def page(request: Request) -> Response:
    """``/trace``: the form; posted, the form again with what the trace found."""
    if request.method != "POST":
        return TEMPLATES.TemplateResponse(request, "trace.html", {"kinds": SOURCE_KINDS, "form": {}})
    fields: dict[str, str] = {}
    try:
        fields = await _fields(request)
        result = await run_in_threadpool(_run, request, fields.get("text", ""), fields.get("url"),
                                         fields.get("source_kind") or None)
    except KgError as e:
        if not isinstance(e, ValueError):  # bad input is shown above the form; the rest as error pages
            return error_page(request, e)
        return TEMPLATES.TemplateResponse(request, "trace.html", {"kinds": SOURCE_KINDS, "form": fields,
                                                                  "problem": str(e)}, status_code=400)
    drawings = {iri: chain_svg(chain, lambda w: work_path(w.iri)) for iri, chain in result.chains.items()}
    return TEMPLATES.TemplateResponse(request, "trace.html", {
        "kinds": SOURCE_KINDS, "form": fields, "result": result, "drawings": drawings})
