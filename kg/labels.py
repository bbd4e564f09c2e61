"""How every page, chain box, widget, table and CLI line names a work's class in words: one function,
:func:`kind_name`, used by all (never the class's CamelCase name, never "Work" for a book or a thesis, and
no kind at all for a work no record describes: :func:`work_note` says what the graph knows of it instead).
Pure wording, no web library: the pages and the CLI read the same.

>>> from kg.works import WorkSummary, identifier_name
>>> kind_name(WorkSummary("https://doi.org/10.1/x", kind="StructureEntry"))
'PDB entry'
>>> kind_name(WorkSummary("https://doi.org/10.1/b", kind="CreativeWork", types=("schema:Book", "schema:CreativeWork")))
'Book'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from kg.repositories import repository
from kg.store.cuerows import fold
from kg.works import WorkSummary, identifier_name

#: how pages name a work's class: singular, plural (never the class's own CamelCase name)
KIND_LABELS = {"ScholarlyArticle": ("Article", "articles"), "StructureEntry": ("PDB entry", "PDB entries"),
               "SoftwareSourceCode": ("Software", "software"), "Dataset": ("Dataset", "datasets"),
               "Book": ("Book or chapter", "books and chapters"), "Report": ("Report or thesis", "reports and theses"),
               "CreativeWork": ("Other work", "other works")}

#: how pages name a work a source says more of than its kind (schema.org classes written beside
#: one of the five work classes: a Crossref "book-chapter" is a schema:Chapter and a schema:CreativeWork)
SPECIFIC_LABELS = {"schema:Book": "Book", "schema:Chapter": "Book chapter", "schema:Thesis": "Thesis",
                   "schema:Report": "Report", "schema:Review": "Review", "schema:Periodical": "Journal",
                   "schema:PublicationVolume": "Journal volume", "schema:PublicationIssue": "Journal issue",
                   "schema:BookSeries": "Book series", "schema:CreativeWorkSeries": "Series", "kg:Preprint": "Preprint"}


def type_label(kind: str | None, types: Iterable[str] = ()) -> str:
    """A work's type in words: the specific class a source gives it, else its kind; a concept (Zenodo's
    "all versions" DOI, ``kg:Concept``), said so, since it is named by one of its versions' titles.

    >>> type_label("CreativeWork", ["schema:CreativeWork", "schema:Chapter"]), type_label("ScholarlyArticle")
    ('Book chapter', 'Article')
    >>> type_label("SoftwareSourceCode", ["schema:SoftwareSourceCode", "kg:Concept"])
    'Software, all versions'
    """
    types = tuple(types)
    found = next((SPECIFIC_LABELS[t] for t in types if t in SPECIFIC_LABELS), None) or kind_label(kind)
    return f"{found}, all versions" if "kg:Concept" in types else found


def kind_name(work: WorkSummary) -> str:
    """How a page names a work's class (:func:`type_label`); a work no record describes, by its DOI's
    repository if it has one (a data set cited by an article, its record not loaded, is not just "Work"),
    else by nothing: its kind is not known, and a bare "Work" would read like its name.

    >>> kind_name(WorkSummary("https://doi.org/10.5061/dryad.b835k")), kind_name(WorkSummary("https://doi.org/10.1/x"))
    ('Dryad DOI', '')
    """
    if work.kind is None:
        found = repository(work.iri)
        return f"{found.name} DOI" if found is not None else ""
    return type_label(work.kind, work.types)


def described(work: WorkSummary) -> bool:
    """Whether a loaded record describes the work (gives its title or its class), not only citers or links."""
    return work.title is not None or work.kind is not None


def work_note(work: WorkSummary, with_id: bool = True) -> str:
    """What a list says of a work after its name: its kind and year when a record describes it; else
    what the graph knows of it, said as such: the year its citers give ("as cited"), that no record of
    it is loaded, and (``with_id``) its DOI unless its name is its DOI already; a kind only as its DOI's
    repository gives it ("Dryad DOI"), never one no source gives.

    >>> work_note(WorkSummary("https://doi.org/10.1/a", "ScholarlyArticle", "A", 2012))
    'Article, 2012'
    >>> work_note(WorkSummary("https://doi.org/10.1007/bf00994018", name="Support-vector Networks",
    ...                       name_source="cited-as by 10.7554/elife.01567", year=1995,
    ...                       year_source="cited-as by 10.7554/elife.01567", identifiers={"doi": "10.1007/bf00994018"}))
    'as cited, 1995 · no record loaded · DOI 10.1007/bf00994018'
    >>> work_note(WorkSummary("https://doi.org/10.5061/dryad.b835k", identifiers={"doi": "10.5061/dryad.b835k"}))
    'Dryad DOI · no record loaded'
    >>> work_note(WorkSummary("https://doi.org/10.1/x", identifiers={"doi": "10.1/x"}))
    'no record loaded'
    """
    if described(work):
        return ", ".join(p for p in (kind_name(work), year_label(work)) if p)
    cited = work.name_source.startswith("cited-as") or work.year_source.startswith("cited-as")
    parts = [kind_name(work), ", ".join(p for p in ("as cited" if cited else "", str(work.year) if work.year else "")
                                        if p), "no record loaded"]
    if with_id and work.name_source != "identifier":
        parts.append(identifier_name(work.iri, work.identifiers))
    return " · ".join(p for p in parts if p)


def type_cell(work: WorkSummary) -> str:
    """What a table's Type column says of a work (beside its year, in a column of its own): its kind when
    known; else what the graph knows instead of a kind, never a blank cell: that no record of it is loaded
    (after its DOI's repository, "Dryad DOI", when it has one), or that its record gives no class.

    >>> type_cell(WorkSummary("https://doi.org/10.1/a", "Dataset", "A", 2012))
    'Dataset'
    >>> type_cell(WorkSummary("https://doi.org/10.1007/bf00994018", name="Support-vector Networks",
    ...                       name_source="cited-as by 10.7554/elife.01567", year=1995))
    'not known: no record loaded, only cited'
    >>> type_cell(WorkSummary("https://doi.org/10.5061/dryad.b835k")), type_cell(WorkSummary("https://doi.org/10.1/x"))
    ('Dryad DOI · no record loaded', 'not known: no record loaded')
    """
    kind = kind_name(work)
    if described(work):
        return kind or "not given by its record"
    cited = work.name_source.startswith("cited-as") or work.year_source.startswith("cited-as")
    if kind:
        return f"{kind} · no record loaded"
    return f"not known: no record loaded{', only cited' if cited else ''}"


def source_type(work: Mapping[str, object]) -> tuple[str, tuple[str, ...]] | None:
    """A work's type as its source words it (``schema:additionalType``: DataCite's ``resourceTypeGeneral``,
    "Collection"), with the sources saying so, from the work's JSON (its ``statements``): what the item page
    says when the work's class is only the generic ``schema:CreativeWork`` ("Other work").

    >>> source_type({"kind": "CreativeWork", "types": ["schema:CreativeWork"], "statements": [
    ...     {"property": "schema:additionalType", "value": "Collection", "sources": ["datacite"]}]})
    ('Collection', ('datacite',))
    """
    kind, types, statements = work.get("kind"), work.get("types"), work.get("statements")
    if kind != "CreativeWork" or type_label("CreativeWork", types if isinstance(types, list) else ()) != KIND_LABELS[
            "CreativeWork"][0] or not isinstance(statements, list):
        return None
    for s in statements:
        if isinstance(s, dict) and s.get("property") == "schema:additionalType" and s.get("value"):
            sources = s.get("sources")
            return str(s["value"]), tuple(str(x) for x in sources) if isinstance(sources, list) else ()
    return None


def kind_label(kind: str | None, count: int | None = None) -> str:
    """How a page names a class given by its short name: alone (capitalised), or after a ``count``.

    >>> kind_label("ScholarlyArticle"), kind_label("ScholarlyArticle", 3), kind_label("StructureEntry", 1)
    ('Article', '3 articles', '1 PDB entry')
    """
    one, many = KIND_LABELS.get(kind or "", ("Other work", "other works"))
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


def said_as(matched: Sequence[str], text: str) -> list[str]:
    """The words of a claim a work was matched by, as the claim writes them: the matcher's are lower case
    with plurals folded ("processe", "specy"); a lone letter (the "s" of "Parkinson's") is left out.

    >>> said_as(["processe", "within-specy", "s", "scientific reports", "2021"],
    ...         "Processes within-species of Parkinson's, in Scientific Reports (2021)")
    ['Processes', 'within-species', 'Scientific Reports', '2021']
    """
    words: dict[str, str] = {}
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]", text):
        words.setdefault(fold(word.lower()), word)
    shown: list[str] = []
    for m in matched:
        at = text.lower().find(m)
        word = words.get(m) or (text[at:at + len(m)] if at >= 0 else m)
        if len(word) > 1 and word not in shown:
            shown.append(word)
    return shown


#: how an identifier named in a claim is worded for readers
_IDENTIFIERS = {"doi": "DOI", "pdb": "PDB ID", "pmid": "PubMed ID", "pmcid": "PubMed Central ID", "arxiv": "arXiv ID",
                "zenodo": "Zenodo record"}
#: a matching signal of the cue index, for readers
_SIGNALS = {"title": "its title's words", "abstract": "its abstract's wording", "author": "its author",
            "venue": "its journal", "organisation": "its facility", "year": "its year"}


def found_how(method: str) -> str:
    """How a traced claim found a work, for a reader, after "found by" (the method itself,
    "identifier:doi" or "cues:title+year", stays in the JSON and the score's tooltip).

    >>> found_how("identifier:doi"), found_how("identifier:emdb")
    ('its DOI in the text', 'its EMDB ID in the text')
    >>> found_how("cues:title+abstract+year")
    "its title's words, its abstract's wording and its year"
    """
    kind, _, detail = method.partition(":")
    if kind == "identifier":
        return f"its {_IDENTIFIERS.get(detail, detail.upper() + ' ID')} in the text"
    parts = [_SIGNALS.get(signal, signal) for signal in detail.split("+") if signal]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts) or method
