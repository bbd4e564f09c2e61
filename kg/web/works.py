"""Item URLs: ``/works/{id}`` names one work, in any identifier form kg.ids reads, and answers in the
format the client asks for.

Every work has ONE canonical URL: ``/works/`` and its DOI, lower-case, percent-encoded where a URL
path cannot hold the character (``/works/10.1038/s41598-021-81251-2``); a node without a DOI is
named by its IRI. Any other form (``doi:10.1038/S41598-…``, ``https://doi.org/…``, ``PDB 6GV0``,
``pmid:33462295``) is answered with a 308 Permanent Redirect to it, the query string kept. The
canonical URL answers, by ``Accept`` (q-values) or ``?format=``: an HTML page, JSON (summary,
identifiers, typed links, the sources of each statement), JSON-LD (schema.org context), Turtle
and N-Triples. Unknown but valid identifiers get 404, malformed ones 400 with kg.ids' message, and
an ``Accept`` nothing matches gets 406 listing what is available.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote, urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from kg import ids
from kg.errors import BadRequestError, IdentifierError, KgError, NotFoundError
from kg.queries import load_query
from kg.store import Store
from kg.vocab import KG, PREFIXES, RDF, SCHEMA, curie, evidence_edges, relations
from kg.web.config import Settings
from kg.web.errors import error_response, status_of
from kg.web.negotiation import preferred
from kg.works import resolve, summaries

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
#: what /works/{id} can answer, by its ``format`` name, in the order preferred when the client has none
FORMATS: dict[str, str] = {"html": "text/html", "json": "application/json", "jsonld": "application/ld+json",
                           "turtle": "text/turtle", "ntriples": "application/n-triples"}
#: other names ``format=`` accepts
FORMAT_ALIASES = {"json-ld": "jsonld", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples"}
#: the longest identifier accepted; DOIs are short, this only keeps huge input away from the parser
MAX_ID_LENGTH = 2000
#: characters a URL path keeps unescaped (RFC 3986 pchar and '/'); everything else is percent-encoded
_PATH_SAFE = "/!$&'()*+,;=:@"
_CREATOR_PROPERTIES = (SCHEMA.author, SCHEMA.creator, SCHEMA.contributor, SCHEMA.editor)
_DATE_PROPERTIES = (SCHEMA.datePublished, SCHEMA.dateCreated, SCHEMA.dateModified, KG.depositionDate)
#: identifier properties a work carries besides its IRI, by the kind kg.ids names them
_JSONLD_CONTEXT = {"@vocab": SCHEMA.base, **{p: base for p, base in PREFIXES.items() if p != "schema"}}


def routes() -> list[BaseRoute]:
    return [Route("/works/{id:path}", work, methods=["GET", "HEAD"])]


# -- identifiers and URLs -------------------------------------------------------------------------


def checked_id(value: str | None, parameter: str = "id") -> str:
    """The identifier text of a request, or BadRequestError when it is missing or too long."""
    if value is None or not value.strip():
        raise BadRequestError(parameter, "is required: give a DOI, a PDB ID, pmid:..., or an IRI")
    if len(value) > MAX_ID_LENGTH:
        raise BadRequestError(parameter, f"is {len(value)} characters long; at most {MAX_ID_LENGTH} are accepted")
    return value


def work_key(iri: str) -> str:
    """What follows ``/works/`` in a node's canonical URL (not yet percent-encoded): its DOI, or the IRI.

    >>> work_key("https://doi.org/10.1/a%20b%3Cc%3E"), work_key("https://w3id.org/evidence-kg/related/x")
    ('10.1/a b<c>', 'https://w3id.org/evidence-kg/related/x')
    """
    return ids.doi_from_iri(iri) if iri.startswith(ids.DOI_BASE) else iri


def work_path(iri: str) -> str:
    """The canonical path of a node's page.

    >>> work_path("https://doi.org/10.1/a%20b%3Fc%23d")
    '/works/10.1/a%20b%3Fc%23d'
    """
    return "/works/" + quote(work_key(iri), safe=_PATH_SAFE)


def base_of(request: Request, settings: Settings) -> str:
    """The service's public base URL, without a trailing '/'."""
    return (settings.base_url or str(request.base_url)).rstrip("/")


# -- content negotiation --------------------------------------------------------------------------


def chosen_format(request: Request) -> str | None:
    """The format name asked for by ``?format=`` or ``Accept``; None when nothing offered is acceptable.

    :raises BadRequestError: an unknown ``format`` value
    """
    asked = request.query_params.get("format")
    if asked is not None:
        name = FORMAT_ALIASES.get(asked.lower(), asked.lower())
        if name not in FORMATS:
            raise BadRequestError("format", f"must be one of {', '.join(FORMATS)}", asked)
        return name
    media = preferred(request.headers.get("accept"), list(FORMATS.values()))
    return next((name for name, m in FORMATS.items() if m == media), None)


def not_acceptable(accept: str) -> Response:
    available = ", ".join(FORMATS.values())
    shown = accept if len(accept) <= 200 else accept[:200] + "..."
    return error_response(406, "NotAcceptableError",
                          f"none of the media types in Accept ({shown}) is available; available: {available} "
                          f"(or ?format={'|'.join(FORMATS)})", {"Vary": "Accept"})


# -- what a work is -------------------------------------------------------------------------------


def description(store: Store, node: NamedNode) -> list[Triple]:
    """The work's statements and the nodes that make them readable, each once, in a stable order."""
    own = store.select(load_query("work_statements").text, {"work": node}).rows
    triples = {Triple(node, p, o) for p, o, _ in own if isinstance(p, NamedNode) and o is not None}
    triples.update(store.construct(load_query("work_description").text, {"work": node}))
    return sorted(triples, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))


def text(term: object) -> str:
    """A term's lexical value (IRI, blank node id, literal text)."""
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


def _term_json(term: object) -> object:
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    if isinstance(term, BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return {"@value": term.value, "@type": term.datatype.value}
        return term.value
    return str(term)


def _jsonld_key(iri: str) -> str:
    if iri.startswith(SCHEMA.base) and iri[len(SCHEMA.base):].isalnum():
        return iri[len(SCHEMA.base):]
    short = curie(iri)
    return short if short != iri and ":" in short else iri


def to_jsonld(triples: Iterable[Triple]) -> dict[str, object]:
    """The triples as compact JSON-LD: one node object per subject, schema.org as the vocabulary."""
    nodes: dict[str, dict[str, object]] = {}
    for t in triples:
        subject = t.subject.value if isinstance(t.subject, NamedNode) else f"_:{text(t.subject)}"
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate == RDF.type and isinstance(t.object, NamedNode):
            values = node.setdefault("@type", [])
            value: object = _jsonld_key(t.object.value)
        else:
            values = node.setdefault(_jsonld_key(t.predicate.value), [])
            value = _term_json(t.object)
        if isinstance(values, list):
            values.append(value)
    return {"@context": _JSONLD_CONTEXT, "@graph": list(nodes.values())}


def rdf_body(triples: Sequence[Triple], name: str) -> bytes:
    if name == "jsonld":
        return json.dumps(to_jsonld(triples), ensure_ascii=False, indent=1).encode()
    if name == "turtle":
        body = serialize(triples, format=RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    else:
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
    return body or b""


def _link_properties() -> set[str]:
    return {r.iri.value for r in relations()} | set(evidence_edges())


def _creators(node: NamedNode, triples: Sequence[Triple]) -> list[dict[str, object]]:
    """The work's creators (authors, creators, contributors, editors), each once, in list order."""
    about: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        about.setdefault(text(t.subject), {}).setdefault(t.predicate.value, []).append(text(t.object))
    last = 1 << 30
    found: dict[tuple[str, str], tuple[int, dict[str, object]]] = {}
    for t in triples:
        if t.subject != node or t.predicate not in _CREATOR_PROPERTIES:
            continue
        role, kind = about.get(text(t.object), {}), t.predicate.value.rsplit("/", 1)[-1]
        agent = next(iter(role.get(t.predicate.value, [])), None)
        agent_names = about.get(agent, {}).get(SCHEMA.name.value, []) if agent else []
        name = next(iter(role.get(SCHEMA.name.value, []) or agent_names), None)
        position = next((int(p) for p in role.get(SCHEMA.position.value, []) if p.isdigit()), last)
        # two sources listing one person: the same ORCID, or the same name when the IRI is minted
        key = (kind, agent if agent and not agent.startswith(ids.KG_BASE) else str(name).casefold())
        if key not in found or position < found[key][0]:
            found[key] = (position, {"name": name, "id": agent, "role": kind,
                                     "position": None if position == last else position})
    return [entry for _, entry in sorted(found.values(), key=lambda f: (str(f[1]["role"]), f[0], str(f[1]["name"])))]


def summary_json(store: Store, node: NamedNode, base: str) -> dict[str, object]:
    """The JSON of a work: summary, creators, dates, identifiers, typed links and the sources of each statement."""
    triples = description(store, node)
    statements: dict[tuple[str, str], set[str]] = {}
    for p, value, g in store.select(load_query("work_statements").text, {"work": node}).rows:
        if p is not None and value is not None and isinstance(g, NamedNode):
            statements.setdefault((text(p), text(value)), set()).add(g.value)
    incoming_rows = store.select(load_query("work_incoming_links").text, {"work": node}).rows
    incoming: dict[tuple[str, str], set[str]] = {}
    for other, p, g in incoming_rows:
        if isinstance(other, NamedNode) and p is not None and isinstance(g, NamedNode):
            incoming.setdefault((text(p), other.value), set()).add(g.value)
    graphs = sorted({g for gs in (*statements.values(), *incoming.values()) for g in gs})
    provenance = {g: (source, retrieved) for g, source, retrieved in store.select(
        load_query("graph_provenance").text, {"g": [NamedNode(g) for g in graphs]}).values() if g} if graphs else {}
    names = {text(t.subject): text(t.object) for t in triples if t.predicate == SCHEMA.name}

    def sources(gs: set[str]) -> dict[str, object]:
        return {"sources": sorted({s for g in gs if (s := provenance.get(g, (None, None))[0])}), "graphs": sorted(gs)}

    links = _link_properties()
    typed = [{"relation": curie(p), "direction": direction, "other": o, "otherName": names.get(o),
              "otherUrl": base + work_path(o), **sources(gs)}
             for direction, found in (("out", statements), ("in", incoming))
             for (p, o), gs in sorted(found.items()) if p in links]
    work = summaries(store, [node])[node.value].as_dict()
    by_property = {p: sorted(v for (q, v) in statements if q == p) for p, _ in statements}
    iri = node.value
    return {
        **work, "id": iri, "url": base + work_path(iri),
        "types": [curie(t) for t in by_property.get(RDF.type.value, [])],
        "titles": by_property.get(SCHEMA.name.value, []),
        "creators": _creators(node, triples),
        "dates": {curie(p.value): by_property[p.value] for p in _DATE_PROPERTIES if p.value in by_property},
        "versions": sorted({o for (p, o) in statements if p == KG.hasVersion.value}
                           | {o for (p, o) in incoming if p == KG.isVersionOf.value}),
        "versionOf": sorted({o for (p, o) in statements if p == KG.isVersionOf.value}),
        "links": typed,
        "linksTruncated": len(incoming_rows) >= 1000,
        "statements": [{"property": curie(p), "value": v, **sources(gs)} for (p, v), gs in sorted(statements.items())],
        "records": [{"graph": g, "source": provenance.get(g, (None, None))[0],
                     "retrieved": provenance.get(g, (None, None))[1]} for g in graphs],
        "api": {"related": f"{base}/api/related?{urlencode({'id': work_key(iri)})}",
                "chain": f"{base}/api/chain?{urlencode({'id': work_key(iri)})}",
                "metrics": f"{base}/api/metrics/item?{urlencode({'id': work_key(iri)})}"},
        "formats": {name: f"{base}{work_path(iri)}?format={name}" for name in FORMATS},
    }


# -- the endpoint ---------------------------------------------------------------------------------


def work(request: Request) -> Response:
    """``GET /works/{id}``: a redirect to the canonical URL, or the work in the negotiated format."""
    from kg.web.app import services  # app imports this module

    state = services(request)
    vary = {"Vary": "Accept"}
    name = chosen_format(request)
    if name is None:
        return not_acceptable(request.headers.get("accept", ""))
    given = request.path_params["id"]
    try:
        node = resolve(state.store, checked_id(given))
    except (IdentifierError, NotFoundError, BadRequestError) as e:
        if name != "html":
            raise
        return error_page(request, e)
    base = base_of(request, state.settings)
    if given != work_key(node.value):
        query = f"?{request.url.query}" if request.url.query else ""
        location = (state.settings.base_url or "").rstrip("/") + work_path(node.value) + query
        return Response(status_code=308, headers={"Location": location, **vary})
    if name == "json":
        body = json.dumps(summary_json(state.store, node, base), ensure_ascii=False)
        return Response(body, media_type="application/json", headers=vary)
    if name == "html":
        from kg.web.item import page_context  # it imports this module

        summary = summary_json(state.store, node, base)
        return TEMPLATES.TemplateResponse(request, "work.html",
                                          {"work": summary, **page_context(state.store, node, summary)},
                                          headers=vary)
    return Response(rdf_body(description(state.store, node), name), media_type=FORMATS[name], headers=vary)


def error_page(request: Request, error: KgError) -> Response:
    status = status_of(error)
    return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": str(error)},
                                      status_code=status, headers={"Vary": "Accept"})


TEMPLATES.env.filters["work_path"] = work_path
