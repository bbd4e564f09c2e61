"""The HTML pages' templates (Jinja2, autoescaped), the filters and tests they use, and the error page.
Classes are named in words by :mod:`kg.labels`."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from kg import ids
from kg.errors import KgError
from kg.labels import (
    found_how,
    kind_label,
    kind_name,
    said_as,
    source_type,
    type_cell,
    type_label,
    work_note,
    year_label,
)
from kg.web.caching import static_url
from kg.web.errors import status_of
from kg.web.urls import facility_path, funder_path, work_key, work_path

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


#: how pages name the sources kg loads
SOURCE_NAMES = {"crossref": "Crossref", "crossref-funders": "Crossref", "crossref-datacitations": "Crossref",
                "datacite": "DataCite", "datacite-events": "DataCite", "zenodo": "Zenodo", "pdbe": "PDBe", "ror": "ROR",
                "opencitations": "OpenCitations", "scholix": "Scholix", "eventdata": "Crossref Event Data",
                "doi-ra": "the DOI Foundation"}


def source_name(source: str | None) -> str:
    """How a page names a source (``crossref`` -> ``Crossref``); an unknown one as it is.

    >>> source_name("datacite"), source_name("other")
    ('DataCite', 'other')
    """
    return SOURCE_NAMES.get(source or "", source or "an unknown source")


def shown_id(iri: str) -> str:
    """How a page shows a work's identifier beside its name: ``DOI 10.1/x`` for a doi.org IRI, else the IRI.

    >>> shown_id("https://doi.org/10.0133/32069"), shown_id("https://ror.org/018mejw64")
    ('DOI 10.0133/32069', 'https://ror.org/018mejw64')
    """
    found = ids.doi_or_iri(iri)
    return f"DOI {found}" if found != iri else iri


def is_web_address(value: object) -> bool:
    """Whether a value from the graph may be a link's target: only http(s) URLs, never ``javascript:``.

    >>> is_web_address("https://news.example/a"), is_web_address("javascript:alert(1)")
    (True, False)
    """
    return isinstance(value, str) and value.lower().startswith(("https://", "http://"))


def error_page(request: Request, error: KgError) -> Response:
    """The HTML page of an error, with the status of :func:`kg.web.errors.status_of`."""
    status = status_of(error)
    return TEMPLATES.TemplateResponse(request, "error.html", {"status": status, "message": str(error)},
                                      status_code=status, headers={"Vary": "Accept"})


TEMPLATES.env.globals["static_url"] = static_url
TEMPLATES.env.filters["work_path"] = work_path
TEMPLATES.env.filters["kind_name"] = kind_name
TEMPLATES.env.filters["kind_label"] = kind_label
TEMPLATES.env.filters["type_label"] = type_label
TEMPLATES.env.filters["year_label"] = year_label
TEMPLATES.env.filters["work_note"] = work_note
TEMPLATES.env.filters["source_type"] = source_type
TEMPLATES.env.filters["type_cell"] = type_cell
TEMPLATES.env.filters["said_as"] = said_as
TEMPLATES.env.filters["found_how"] = found_how
TEMPLATES.env.filters["shown_id"] = shown_id
TEMPLATES.env.filters["work_key"] = work_key
TEMPLATES.env.filters["source_name"] = source_name
TEMPLATES.env.filters["funder_path"] = funder_path
TEMPLATES.env.filters["facility_path"] = facility_path
TEMPLATES.env.tests["web_address"] = is_web_address
