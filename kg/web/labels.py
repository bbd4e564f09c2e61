"""How every page, chain box, widget and table names a work's class in words: one function,
:func:`kind_name`, used by all (never the class's CamelCase name, never "Work" for a book or a thesis).

>>> from kg.works import WorkSummary
>>> kind_name(WorkSummary("https://doi.org/10.1/x", kind="StructureEntry"))
'PDB entry'
>>> kind_name(WorkSummary("https://doi.org/10.1/b", kind="CreativeWork", types=("schema:Book", "schema:CreativeWork")))
'Book'
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.repositories import repository
from kg.works import WorkSummary

#: how pages name a work's class: singular, plural (never the class's own CamelCase name)
KIND_LABELS = {"ScholarlyArticle": ("Article", "articles"), "StructureEntry": ("PDB entry", "PDB entries"),
               "SoftwareSourceCode": ("Software", "software"), "Dataset": ("Dataset", "datasets"),
               "Book": ("Book or chapter", "books and chapters"), "Report": ("Report or thesis", "reports and theses"),
               "CreativeWork": ("Work", "other works")}

#: how pages name a work a source says more of than its kind (schema.org classes written beside
#: one of the five work classes: a Crossref "book-chapter" is a schema:Chapter and a schema:CreativeWork)
SPECIFIC_LABELS = {"schema:Book": "Book", "schema:Chapter": "Book chapter", "schema:Thesis": "Thesis",
                   "schema:Report": "Report", "schema:Review": "Review", "schema:Periodical": "Journal",
                   "schema:PublicationVolume": "Journal volume", "schema:PublicationIssue": "Journal issue",
                   "schema:BookSeries": "Book series", "schema:CreativeWorkSeries": "Series"}


def type_label(kind: str | None, types: Iterable[str] = ()) -> str:
    """A work's type in words: the specific class a source gives it, else its kind.

    >>> type_label("CreativeWork", ["schema:CreativeWork", "schema:Chapter"]), type_label("ScholarlyArticle")
    ('Book chapter', 'Article')
    """
    return next((SPECIFIC_LABELS[t] for t in types if t in SPECIFIC_LABELS), None) or kind_label(kind)


def kind_name(work: WorkSummary) -> str:
    """How a page names a work's class (:func:`type_label`); a work no record describes, by its DOI's
    repository if it has one (a data set cited by an article, its record not loaded, is not just "Work").

    >>> kind_name(WorkSummary("https://doi.org/10.5061/dryad.b835k")), kind_name(WorkSummary("https://doi.org/10.1/x"))
    ('Dryad DOI', 'Work')
    """
    if work.kind is None and (found := repository(work.iri)) is not None:
        return f"{found.name} DOI"
    return type_label(work.kind, work.types)


def kind_label(kind: str | None, count: int | None = None) -> str:
    """How a page names a class given by its short name: alone (capitalised), or after a ``count``.

    >>> kind_label("ScholarlyArticle"), kind_label("ScholarlyArticle", 3), kind_label("StructureEntry", 1)
    ('Article', '3 articles', '1 PDB entry')
    """
    one, many = KIND_LABELS.get(kind or "", ("Work", "other works"))
    if count is None:
        return one
    return f"{count} {one.lower() if one != 'PDB entry' else one}" if count == 1 else f"{count} {many}"


def year_label(work: WorkSummary) -> str:
    """A work's year as pages show it: a year its citers give, not a record of its own, is marked so.

    >>> year_label(WorkSummary("https://doi.org/10.1/x", year=2015, year_source="cited-as by 10.1/c"))
    '2015 (as cited)'
    >>> year_label(WorkSummary("https://doi.org/10.1/x", year=2015)), year_label(WorkSummary("https://doi.org/10.1/x"))
    ('2015', '')
    """
    if work.year is None:
        return ""
    return f"{work.year} (as cited)" if work.year_source.startswith("cited-as") else str(work.year)
