"""Item URLs: ``/works/{id}`` names one work, in any identifier form kg.ids reads, and answers in the
format the client asks for.

Every work has ONE canonical URL (:func:`kg.web.urls.work_path`): ``/works/`` and its DOI,
lower-case, percent-encoded where a URL path cannot hold the character
(``/works/10.1038/s41598-021-81251-2``); a node without a DOI is named by its IRI. Any other form
(``doi:10.1038/S41598-…``, ``https://doi.org/…``, ``PDB 6GV0``, ``pmid:33462295``) is answered
with a 308 Permanent Redirect to it, the query string kept. The canonical URL answers, by
``Accept`` (q-values) or ``?format=``: an HTML page, JSON (summary, identifiers, typed links, the
sources of each statement), its triples in every RDF format (JSON-LD with the schema.org context,
Turtle, N-Triples, N-Quads, TriG, RDF/XML, N3), and a citation or metadata record in the media
types of DOI content negotiation (BibTeX, RIS, CSL-JSON, ``text/x-bibliography`` with ``style`` and
``locale`` as media type or query parameters, DataCite JSON, schema.org JSON-LD; DCAT for datasets
by ``?format=dcat`` or Turtle asked with ``Accept-Profile: <http://www.w3.org/ns/dcat#>``), written by
:mod:`kg.citing`. Unknown but valid
identifiers get 404, malformed ones 400 with kg.ids' message, and an ``Accept`` nothing matches
gets 406 listing what is available.

What a work is comes from the Python API (:meth:`kg.graph.KnowledgeGraph.work`, ``.triples``): this
module adds the URLs and the formats.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kg.describe import WorkDescription, text
from kg.errors import BadRequestError, IdentifierError, NotFoundError
from kg.store import one_view
from kg.vocab import DCAT, PREFIXES, RDF, SCHEMA, curie
from kg.web.errors import error_response
from kg.web.item import page_context
from kg.web.negotiation import media_parameters, preferred
from kg.web.services import services
from kg.web.templating import TEMPLATES, error_page
from kg.web.urls import base_of, checked_id, work_key, work_path

#: what /works/{id} can answer, by its ``format`` name, in the order preferred when the client has none
FORMATS: dict[str, str] = {"html": "text/html", "json": "application/json", "jsonld": "application/ld+json",
                           "turtle": "text/turtle", "ntriples": "application/n-triples",
                           "nquads": "application/n-quads", "trig": "application/trig",
                           "rdfxml": "application/rdf+xml", "n3": "text/n3",
                           "bibtex": "application/x-bibtex", "ris": "application/x-research-info-systems",
                           "csl-json": "application/vnd.citationstyles.csl+json", "text": "text/x-bibliography",
                           "datacite-json": "application/vnd.datacite.datacite+json",
                           "schemaorg": "application/vnd.schemaorg.ld+json", "dcat": "text/turtle"}
#: the RDF formats of the work's triples, beside JSON-LD
RDF_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "nquads": RdfFormat.N_QUADS,
               "trig": RdfFormat.TRIG, "rdfxml": RdfFormat.RDF_XML, "n3": RdfFormat.N3}
#: formats written by kg.citing: /works name -> kg.citing name (DCAT is Turtle too: only ``?format=dcat`` asks for it)
CITATION_FORMATS = {"bibtex": "bibtex", "ris": "ris", "csl-json": "csl-json", "text": "text",
                    "datacite-json": "datacite-json", "schemaorg": "jsonld", "dcat": "dcat"}
#: other names ``format=`` accepts
FORMAT_ALIASES = {"json-ld": "jsonld", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads",
                  "n-quads": "nquads", "rdf": "rdfxml", "rdf-xml": "rdfxml", "bib": "bibtex",
                  "csl": "csl-json", "citation": "text", "bibliography": "text", "datacite": "datacite-json",
                  "schema.org": "schemaorg"}
_NEGOTIATED = {name: media for name, media in FORMATS.items() if name != "dcat"}
#: how the item page names each format
FORMAT_LABELS = {"json": "JSON", "jsonld": "JSON-LD", "turtle": "Turtle", "ntriples": "N-Triples",
                 "nquads": "N-Quads", "trig": "TriG", "rdfxml": "RDF/XML", "n3": "N3", "bibtex": "BibTeX",
                 "ris": "RIS", "csl-json": "CSL-JSON", "text": "APA", "datacite-json": "DataCite JSON",
                 "schemaorg": "schema.org", "dcat": "DCAT"}
_JSONLD_CONTEXT = {"@vocab": SCHEMA.base, **{p: base for p, base in PREFIXES.items() if p != "schema"}}


def routes() -> list[BaseRoute]:
    return [Route("/works/{id:path}", work, methods=["GET", "HEAD"])]


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
    media = preferred(request.headers.get("accept"), list(_NEGOTIATED.values()))
    found = next((name for name, m in _NEGOTIATED.items() if m == media), None)
    # content negotiation by profile (W3C): Turtle in the DCAT profile is the DCAT description
    if found == "turtle" and DCAT.base.rstrip("#") in request.headers.get("accept-profile", ""):
        return "dcat"
    return found


def not_acceptable(accept: str) -> Response:
    available = ", ".join(_NEGOTIATED.values())
    shown = accept if len(accept) <= 200 else accept[:200] + "..."
    return error_response(406, "NotAcceptableError",
                          f"none of the media types in Accept ({shown}) is available; available: {available} "
                          f"(or ?format={'|'.join(FORMATS)})", {"Vary": "Accept"})


# -- formats ----------------------------------------------------------------------------------


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
    rdf_format = RDF_FORMATS[name]
    if rdf_format in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS):
        body = serialize(triples, format=rdf_format)
    else:
        body = serialize(triples, format=rdf_format, prefixes=dict(PREFIXES))
    return body or b""


def citation(request: Request, node: NamedNode, name: str) -> Response:
    """The work as a citation or metadata record (:func:`kg.citing.cite`); a formatted citation takes
    ``style`` and ``locale`` from the query, else from the ``Accept`` header's media type parameters."""
    asked = media_parameters(request.headers.get("accept"), FORMATS["text"])
    style = request.query_params.get("style") or asked.get("style") or "apa"
    locale = request.query_params.get("locale") or asked.get("locale") or "en-US"
    body = services(request).graph.cite(node, CITATION_FORMATS[name], style=style, locale=locale)
    return Response(body, media_type=FORMATS[name],
                    headers={"Vary": "Accept, Accept-Profile" if name == "dcat" else "Accept"})


def work_json(found: WorkDescription, base: str) -> dict[str, object]:
    """The JSON of a work: its description (:meth:`~kg.describe.WorkDescription.as_dict`) with the URLs
    of the work, of each linked work, of the API's answers about it and of its other formats."""
    iri = found.iri
    body: dict[str, object] = {}
    for key, value in found.as_dict().items():
        body[key] = value
        if key == "id":
            body["url"] = base + work_path(iri)
    body["links"] = [{"relation": link["relation"], "direction": link["direction"], "other": link["other"],
                      "otherName": link["otherName"], "otherNameSource": link["otherNameSource"],
                      "otherUrl": base + work_path(str(link["other"])),
                      "sources": link["sources"], "graphs": link["graphs"]}
                     for link in (x.as_dict() for x in found.links)]
    key = urlencode({"id": work_key(iri)})
    body["api"] = {"related": f"{base}/api/related?{key}", "chain": f"{base}/api/chain?{key}",
                   "metrics": f"{base}/api/metrics/item?{key}"}
    body["formats"] = {name: f"{base}{work_path(iri)}?format={name}" for name in FORMATS
                       if name != "dcat" or found.summary.kind in ("Dataset", "StructureEntry")}
    return body


# -- the endpoint ---------------------------------------------------------------------------------


def work(request: Request) -> Response:
    """``GET /works/{id}``: a redirect to the canonical URL, or the work in the negotiated format.

    Its parts ask some questions alike (the node an identifier names, the work's statements: its
    description and its citation both start there): each is asked of the store once (:func:`one_view`)."""
    with one_view():
        return _work(request)


def _work(request: Request) -> Response:
    state = services(request)
    vary = {"Vary": "Accept"}
    name = chosen_format(request)
    if name is None:
        return not_acceptable(request.headers.get("accept", ""))
    given = request.path_params["id"]
    try:
        node = state.graph.resolve(checked_id(given))
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
        body = json.dumps({**work_json(state.graph.work(node), base), "counts": state.graph.counts(node).as_dict()},
                          ensure_ascii=False)
        return Response(body, media_type="application/json", headers=vary)
    if name == "html":
        summary = work_json(state.graph.work(node), base)
        asked = request.query_params
        return TEMPLATES.TemplateResponse(request, "work.html", {
            "work": summary, "media_types": FORMATS, "format_labels": FORMAT_LABELS,
            "citation_formats": CITATION_FORMATS, "max_page_size": state.settings.max_page_size, **page_context(
            state.graph, node, summary, all_references=asked.get("refs") == "all",
            all_links=asked.get("links") == "all")}, headers=vary)
    if name in CITATION_FORMATS:
        return citation(request, node, name)
    if name == "turtle":  # Turtle in the DCAT profile is the DCAT description
        vary = {"Vary": "Accept, Accept-Profile"}
    return Response(rdf_body(state.graph.triples(node), name), media_type=FORMATS[name], headers=vary)
