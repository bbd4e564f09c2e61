"""Tracing claims over HTTP: the trace page ``/trace`` (a form, answered with the claims, the works
they rest on and each work's evidence chain drawn) and ``POST /api/trace`` (the same as JSON).

Both call :func:`kg.tracing.trace_text` with the service's policy (:meth:`kg.web.config.Settings.trace_policy`)
and the query runner's write access: writes to an embedded store wait until the /sparql workers
are stopped (see kg.store.workers).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kg.errors import BadRequestError, KgError, TracesBusyError
from kg.tracing import MAX_INPUT_CHARS, NOT_STORED, SOURCE_KINDS, TraceResult
from kg.web.services import services
from kg.web.svg import chain_svg
from kg.web.templating import TEMPLATES, error_page
from kg.web.urls import work_path

#: traces the service runs at once by default (``Settings.traces_at_once``, ``kg serve --traces-at-once``):
#: each may hold a spaCy document of up to a million characters (about 100 MB), so more wait, and past
#: ``Settings.trace_wait`` seconds are answered 503
MAX_RUNNING_TRACES = 2

#: bytes of request body /trace and /api/trace read at most (the text limit, in UTF-8 at worst, plus
#: the form's overhead); kg.web.app's BodyLimit refuses more with 413
MAX_BODY = MAX_INPUT_CHARS * 4 + 65_536
#: how kg.tracing begins the reason of a mention of a work the graph holds only as cited
LINKED_ONLY = "only linked to in the graph"


def routes() -> list[BaseRoute]:
    return [Route("/trace", page, methods=["GET", "HEAD", "POST"]),
            Route("/api/trace", api_trace, methods=["POST"])]


def _trace_request(request: Request, text: str, url: str | None, source_kind: str | None) -> TraceResult:
    """The trace, in a worker thread (the event loop keeps answering), when one of the service's
    ``traces_at_once`` is free within its ``trace_wait`` seconds."""
    state = services(request)
    settings = state.settings
    policy = settings.trace_policy(settings.authorizes(request.headers.get("authorization")))
    running = state.traces
    if not running.acquire(timeout=settings.trace_wait):
        raise TracesBusyError(settings.traces_at_once, settings.trace_wait)
    try:
        return state.graph.trace(text, url=url, source_kind=source_kind, policy=policy,
                                 writes=state.runner.writes if state.runner is not None else None)
    finally:
        running.release()


async def api_trace(request: Request) -> Response:
    """``POST /api/trace`` with JSON ``{"text": ..., "url": ..., "source_kind": ...}`` (or a form)."""
    fields = await _fields(request)
    result = await run_in_threadpool(_trace_request, request, fields.get("text", ""), fields.get("url"),
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
        result = await run_in_threadpool(_trace_request, request, fields.get("text", ""), fields.get("url"),
                                         fields.get("source_kind") or None)
    except KgError as e:
        if not isinstance(e, ValueError):  # bad input is shown above the form; the rest as error pages
            return error_page(request, e)
        return TEMPLATES.TemplateResponse(request, "trace.html", {"kinds": SOURCE_KINDS, "form": fields,
                                                                  "problem": str(e)}, status_code=400)
    drawings = {iri: chain_svg(chain, lambda w: work_path(w.iri)) for iri, chain in result.chains.items()}
    # each chain's hops are listed too, with the sources asserting them: a drawing shows them only on hover
    chain_names = {iri: {n.iri: n.work.name for n in chain.nodes} for iri, chain in result.chains.items()}
    # a work several claims find (a whole article's sentences, each quoting one abstract) has its chain
    # drawn once, under the first; the others point there
    found_by: dict[str, list[int]] = {}
    for number, claim in enumerate(result.claims, 1):
        for w in claim.works:
            found_by.setdefault(w.iri, []).append(number)
    # an identifier the graph only links to (cited, no record of its own) is named as its citers name it
    linked = {m.mention.iri for c in result.claims for m in c.mentions
              if m.status == "unresolved" and m.mention.iri and (m.reason or "").startswith(LINKED_ONLY)}
    cited = await run_in_threadpool(services(request).graph.summaries, sorted(linked)) if linked else {}
    return TEMPLATES.TemplateResponse(request, "trace.html", {
        "kinds": SOURCE_KINDS, "form": fields, "result": result, "drawings": drawings, "cited": cited,
        "found_by": found_by, "chain_names": chain_names,
        # the reader is not told how the service is run (its update token): the JSON API's callers are
        "not_stored": NOT_STORED})
