"""The service's URLs: a work's canonical path, the public base URL, and the parameters of a request
(the identifier it names, numbers and choices), each checked with a 400 naming the parameter.

Every work has ONE canonical URL: ``/works/`` and its DOI, lower-case, percent-encoded where a URL
path cannot hold the character; a node without a DOI is named by its IRI.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request

from kg import ids
from kg.errors import BadRequestError
from kg.web.config import Settings

#: the longest identifier accepted; DOIs are short, this only keeps huge input away from the parser
MAX_ID_LENGTH = 2000
#: characters a URL path keeps unescaped (RFC 3986 pchar and '/'); everything else is percent-encoded
_PATH_SAFE = "/!$&'()*+,;=:@"


#: what a request names a work by, as an error asking for one says
ANY_ID = "a DOI, a PDB ID, pmid:..., or an IRI"


def checked_id(value: str | None, parameter: str = "id", what: str = ANY_ID) -> str:
    """The identifier text of a request, or BadRequestError when it is missing (saying ``what`` to give) or
    too long.

    >>> checked_id(None)
    Traceback (most recent call last):
    kg.errors.BadRequestError: parameter 'id' is required: give a DOI, a PDB ID, pmid:..., or an IRI
    """
    if value is None or not value.strip():
        raise BadRequestError(parameter, f"is required: give {what}")
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


def funder_path(iri: str | None) -> str | None:
    """The path of a funder's dashboard: by its Funder ID or ROR ID; None for a funder only named in a record.

    >>> funder_path("https://doi.org/10.13039/100000001"), funder_path("https://w3id.org/evidence-kg/org/x")
    ('/funders/10.13039/100000001', None)
    """
    if iri is None or iri.startswith(ids.KG_BASE):
        return None
    if iri.startswith(ids.DOI_BASE):
        return "/funders/" + quote(ids.doi_from_iri(iri), safe=_PATH_SAFE)
    return "/funders/" + quote(iri, safe=_PATH_SAFE) if iri.startswith("https://ror.org/") else None


def facility_path(iri: str) -> str:
    """The path of a facility's or beamline's dashboard: by the slug of kg's IRI for it, else by the IRI.

    >>> facility_path("https://w3id.org/evidence-kg/facility/example-light-source/bl-1")
    '/facilities/example-light-source/bl-1'
    """
    for marker in ("/facility/", "/instrument/"):
        if iri.startswith(ids.KG_BASE) and marker in iri:
            return "/facilities/" + quote(iri.split(marker, 1)[1], safe=_PATH_SAFE)
    return "/facilities/" + quote(iri, safe=_PATH_SAFE)


def base_of(request: Request, settings: Settings) -> str:
    """The service's public base URL, without a trailing '/'."""
    return (settings.base_url or str(request.base_url)).rstrip("/")


def one(request: Request, name: str) -> str | None:
    """The query parameter ``name`` (None when absent); given twice (``limit=5&limit=6``), a BadRequestError
    rather than one of them taken silently (the SPARQL endpoint refuses a repeated parameter too)."""
    given = request.query_params.getlist(name)
    if len(given) > 1:
        raise BadRequestError(name, f"is given {len(given)} times; give it once")
    return given[0] if given else None


def whole_number(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The integer query parameter ``name`` (``default`` when absent), checked to lie in [low, high]."""
    raw = one(request, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BadRequestError(name, f"must be a whole number between {low} and {high}", raw)
    return value


def choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    """The query parameter ``name``, one of ``allowed`` (the first when absent)."""
    value = one(request, name) or allowed[0]
    if value not in allowed:
        raise BadRequestError(name, f"must be one of {', '.join(allowed)}", value)
    return value
