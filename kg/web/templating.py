"""The HTML pages' templates (Jinja2, autoescaped), the filters and tests they use, and the error page.

>>> kind_name(WorkSummary("https://doi.org/10.1/x", kind="StructureEntry"))
'PDB entry'
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from kg import ids
from kg.errors import KgError
from kg.repositories import repository
from kg.web.caching import static_url
from kg.web.errors import status_of
from kg.web.urls import facility_path, funder_path, work_key, work_path
from kg.works import WorkSummary

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


#: how pages name a work's class: singular, plural (never the class's own CamelCase name)
KIND_LABELS = {"ScholarlyArticle": ("Article", "articles"), "StructureEntry": ("PDB entry", "PDB entries"),
               "SoftwareSourceCode": ("Software", "software"), "Dataset": ("Dataset", "datasets"),
               "Book": ("Book or chapter", "books and chapters"), "Report": ("Report or thesis", "reports and theses"),
               "CreativeWork": ("Work", "other works")}


#: how the item page names a work a source says more of than its kind (schema.org classes written beside
#: one of the five work classes: a Crossref "book-chapter" is a schema:Chapter and a schema:CreativeWork)
SPECIFIC_LABELS = {"schema:Book": "Book", "schema:Chapter": "Book chapter", "schema:Thesis": "Thesis",
                   "schema:Report": "Report", "schema:Review": "Review", "schema:Periodical": "Journal",
                   "schema:PublicationVolume": "Journal volume", "schema:PublicationIssue": "Journal issue",
                   "schema:BookSeries": "Book series", "schema:CreativeWorkSeries": "Series"}


def type_label(kind: str | None, types: list[str] | tuple[str, ...] = ()) -> str:
    """How the item page names a work's type: the specific class a source gives it, else its kind.

    >>> type_label("CreativeWork", ["schema:CreativeWork", "schema:Chapter"]), type_label("ScholarlyArticle")
    ('Book chapter', 'Article')
    """
    return next((SPECIFIC_LABELS[t] for t in types if t in SPECIFIC_LABELS), None) or kind_label(kind)


def kind_name(work: WorkSummary) -> str:
    """How a page names a work's class; a work no record describes, by its DOI's repository if it has one
    (a data set cited by an article, its record not loaded, is not just "Work").

    >>> kind_name(WorkSummary("https://doi.org/10.5061/dryad.b835k")), kind_name(WorkSummary("https://doi.org/10.1/x"))
    ('Dryad DOI', 'Work')
    """
    if work.kind is None and (found := repository(work.iri)) is not None:
        return f"{found.name} DOI"
    return kind_label(work.kind)


def kind_label(kind: str | None, count: int | None = None) -> str:
    """How a page names a class given by its short name: alone (capitalised), or after a ``count``.

    >>> kind_label("ScholarlyArticle"), kind_label("ScholarlyArticle", 3), kind_label("StructureEntry", 1)
    ('Article', '3 articles', '1 PDB entry')
    """
    one, many = KIND_LABELS.get(kind or "", ("Work", "other works"))
    if count is None:
        return one
    return f"{count} {one.lower() if one != 'PDB entry' else one}" if count == 1 else f"{count} {many}"


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
TEMPLATES.env.filters["shown_id"] = shown_id
TEMPLATES.env.filters["work_key"] = work_key
TEMPLATES.env.filters["source_name"] = source_name
TEMPLATES.env.filters["funder_path"] = funder_path
TEMPLATES.env.filters["facility_path"] = facility_path
TEMPLATES.env.tests["web_address"] = is_web_address
