"""Crossref's XML: a ``unixsd`` query result (``<crossref_result>``, what content negotiation for
``application/vnd.crossref.unixsd+xml`` answers) or ``unixref`` records (``<doi_records>``), read into
the REST API's JSON shape so :class:`loaders.crossref.CrossrefLoader` maps them as it maps the JSON.

Each ``<crossref>`` record's work is the element whose ``<doi_data>`` holds the record's DOI (the
query's DOI in unixsd; in unixref the last DOI outside a component list): a journal article, a book
or its chapter, a conference paper, a dissertation, a report, a dataset, a peer review, a preprint,
a component. Its titles, contributors, dates, volume, issue and pages, abstract, funding (FundRef), licences (Access
Indicators), own relations, updates (Crossmark) and citation list are read; the enclosing journal,
book or proceedings gives the container title, ISSN and, when the work has none, the date. The
``crm-item`` lines of unixsd give the publisher, member, citation count, and creation and
last-update dates. Nothing is invented: what the XML lacks the JSON lacks.

>>> from xml.etree.ElementTree import fromstring
>>> doc = crossref_document(fromstring(
...     '<doi_records><doi_record><crossref><journal><journal_metadata><full_title>J</full_title>'
...     '</journal_metadata><journal_article><titles><title>A <i>B</i></title></titles>'
...     '<doi_data><doi>10.1/X</doi></doi_data></journal_article></journal></crossref></doi_record>'
...     '</doi_records>'))
>>> work = doc["message"]["items"][0]
>>> work["DOI"], work["type"], work["title"], work["container-title"]
('10.1/X', 'journal-article', ['A <i>B</i>'], ['J'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from typing import Any
from xml.etree.ElementTree import Element

from loaders.fields import page_range

_MATHML = "{http://www.w3.org/1998/Math/MathML}"
#: the element whose <doi_data> names the work -> Crossref's type (a content item by its component_type)
TYPES = {
    "journal_article": "journal-article", "journal_issue": "journal-issue", "journal_volume": "journal-volume",
    "journal_metadata": "journal", "conference_paper": "proceedings-article", "proceedings_metadata": "proceedings",
    "dissertation": "dissertation", "report-paper_metadata": "report", "dataset": "dataset",
    "database_metadata": "database", "peer_review": "peer-review", "posted_content": "posted-content",
    "component": "component", "standard_metadata": "standard", "grant": "grant",
    "series_metadata": "book-series",
}
#: the elements that hold a book's own metadata (and DOI), beside its series' or set's
_BOOK = ("book_metadata", "book_series_metadata", "book_set_metadata")
_BOOKS = {"edited_book": "edited-book", "monograph": "monograph", "reference": "reference-book"}
_PARTS = {"chapter": "book-chapter", "section": "book-section", "part": "book-part", "track": "book-track",
          "reference_entry": "reference-entry"}
_DATES = ("publication_date", "approval_date", "posted_date", "review_date", "database_date")
#: a citation's elements -> the REST API's reference keys
_REFERENCE = {"doi": "DOI", "unstructured_citation": "unstructured", "article_title": "article-title",
              "journal_title": "journal-title", "author": "author", "cYear": "year", "volume": "volume",
              "first_page": "first-page", "volume_title": "volume-title", "series_title": "series-title",
              "issue": "issue", "edition_number": "edition", "isbn": "ISBN", "issn": "ISSN"}
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def crossref_document(root: Element) -> dict[str, Any]:
    """The REST API's work list (``message-type: work-list``) of the records in a unixsd or unixref
    document (one item per ``<crossref>`` record that names a work)."""
    items = []
    for query in _all(root, "query") or [root]:
        asked = _text(_child(query, "doi"))
        crm = {item.get("name"): item for item in _children(query, "crm-item")}
        for record in _all(query, "crossref"):
            work = _work(record, asked)
            if work is not None:
                items.append(_message(work, _parents(record), crm))
    return {"status": "ok", "message-type": "work-list", "message": {"items": items}}


def _message(work: Element, parents: dict[Element, Element], crm: dict[str | None, Element]) -> dict[str, Any]:
    ancestors = list(_ancestors(work, parents))
    data = _child(work, "doi_data")
    message: dict[str, Any] = {"DOI": _text(_child(data, "doi")), "type": _type(work, ancestors)}
    if _local(work.tag) == "posted_content" and work.get("type"):
        message["subtype"] = work.get("type")  # preprint, working_paper, letter, ...
    titles = _child(work, "titles")
    for key, name in (("title", "title"), ("subtitle", "subtitle"), ("original-title", "original_language_title")):
        _put(message, key, [text for text in (_markup(t) for t in _children(titles, name)) if text])
    containers = [_container(a, work) for a in [work, *ancestors]]
    _put(message, "container-title", [t for titles, _ in containers for t in titles])
    _put(message, "ISSN", [i for _, issns in containers for i in issns])
    abstracts = list(_own(work, "abstract"))
    if abstracts:
        main = next((a for a in abstracts if not a.get("abstract-type")), abstracts[0])
        message["abstract"] = _markup(main)
    _put(message, "issued", _date(work, ancestors))
    _put(message, "created", _crm_date(crm.get("created")))
    updated = _text(crm.get("last-update"))
    _put(message, "indexed", {"date-time": updated} if updated else None)
    people = [p for c in [work, _child(work, "contributors")] if c is not None for p in c
              if _local(p.tag) in ("person_name", "organization")]
    for role in ("author", "editor"):
        _put(message, role, [_person(p) for p in people if (p.get("contributor_role") or "author") == role])
    _put(message, "funder", _funders(work))
    _put(message, "license", [{"URL": _text(ref), "content-version": ref.get("applies_to") or "unspecified"}
                              for ref in _own(work, "license_ref") if _text(ref)])
    _put(message, "relation", _relations(work))
    _put(message, "update-to", [{"DOI": _text(u), "type": u.get("type") or "",
                                 **({"updated": {"date-time": u.get("date")}} if u.get("date") else {})}
                                for u in _own(work, "update") if _text(u)])
    references = [_reference(c) for c in _own(work, "citation")]
    _put(message, "reference", references)
    _put(message, "reference-count", len(references))
    publisher = next((_text(_child(p, "publisher_name")) for a in [work, *ancestors] for m in [a, *_metadata(a)]
                      for p in _children(m, "publisher")), None) or _text(crm.get("publisher-name"))
    _put(message, "publisher", publisher)
    for key, name in (("member", "member-id"), ("is-referenced-by-count", "citedby-count")):
        value = _text(crm.get(name))
        if value and value.isdigit():
            message[key] = value if key == "member" else int(value)
    issue = next((i for a in ancestors for i in _children(a, "journal_issue")), None)
    volume = _child(issue, "journal_volume")
    pages = _child(work, "pages")
    number = next((_text(n) for n in _own(work, "item_number") if n.get("item_number_type") == "article-number"), None)
    for key, value in (("volume", _text(_child(volume, "volume"))), ("issue", _text(_child(issue, "issue"))),
                       ("page", page_range(_text(_child(pages, "first_page")), _text(_child(pages, "last_page")))),
                       ("article-number", number)):
        _put(message, key, value)
    url = _text(_child(data, "resource"))
    _put(message, "resource", {"primary": {"URL": url}} if url else None)
    return message


def _work(record: Element, asked: str | None) -> Element | None:
    """The element of ``record`` whose <doi_data> holds ``asked`` (any DOI when None: the last
    outside a component list, else the first)."""
    found: list[tuple[Element, bool]] = []
    stack: list[tuple[Element, bool]] = [(record, False)]
    while stack:
        element, in_components = stack.pop()
        for child in reversed(element):
            name = _local(child.tag)
            if name == "doi_data":
                doi = _text(_child(child, "doi"))
                if doi and (asked is None or doi.lower() == asked.lower()):
                    found.append((element, in_components))
            elif name != "citation_list":
                stack.append((child, in_components or name == "component_list"))
    if not found:
        return None
    outside = [e for e, inside in found if not inside]
    return outside[-1] if asked is None and outside else found[0][0]


def _type(work: Element, ancestors: list[Element]) -> str:
    name = _local(work.tag)
    parent = _local(ancestors[0].tag) if ancestors else ""
    if name in _BOOK:
        return _BOOKS.get(ancestors[0].get("book_type") or "", "book") if ancestors else "book"
    if name == "content_item":
        return "report-component" if parent == "report-paper" else \
            _PARTS.get(work.get("component_type") or "", "book-chapter")
    return TYPES.get(name, "other")


def _container(element: Element, work: Element) -> tuple[list[str], list[str]]:
    """The titles (a series' before its book's, as the REST API lists them) and ISSNs that an
    enclosing journal, book, series or proceedings gives its works."""
    titles: list[str] = []
    issns: list[str] = []
    own = element is work  # a book's own element: only its series is a container
    for meta in [work] if own else [m for m in _metadata(element) if m is not work]:
        for holder in [*_children(meta, "series_metadata"), *([] if own else [meta])]:
            title = _text(_child(holder, "full_title")) or _text(_child(holder, "proceedings_title")) \
                or _text(_child(_child(holder, "titles"), "title"))
            titles += [title] if title else []
            issns += [_issn(i) for i in (_text(e) for e in _children(holder, "issn")) if i]
    return titles, issns


def _issn(text: str) -> str:
    """An ISSN as the REST API writes it: ``1865-1674``, not ``18651674``."""
    return f"{text[:4]}-{text[4:]}" if re.fullmatch(r"\d{7}[\dXx]", text) else text


def _metadata(element: Element) -> list[Element]:
    return [c for c in element if _local(c.tag).endswith("_metadata")]


def _date(work: Element, ancestors: list[Element]) -> dict[str, Any] | None:
    """The earliest of the work's own dates, else of the nearest container that has one."""
    for holder in [work, *ancestors]:
        holders = [holder, *_metadata(holder), *_children(holder, "journal_issue")]
        candidates = [d for m in holders for name in _DATES for d in _children(m, name)]
        parts = sorted(p for p in (_parts(d) for d in candidates) if p)
        if parts:
            return {"date-parts": [parts[0]]}
    return None


def _parts(date: Element) -> list[int]:
    parts = []
    for name in ("year", "month", "day"):
        text = _text(_child(date, name))
        if not (text and text.isdigit()):
            break
        parts.append(int(text))
    return parts


def _crm_date(item: Element | None) -> dict[str, Any] | None:
    text = _text(item)
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text or "")
    return {"date-parts": [[int(g) for g in match.groups()]], "date-time": text} if match else None


def _person(person: Element) -> dict[str, Any]:
    out: dict[str, Any] = {"sequence": person.get("sequence") or "additional"}
    if _local(person.tag) == "organization":
        out["name"] = _text(person)
        return out
    for key, name in (("given", "given_name"), ("family", "surname"), ("suffix", "suffix"), ("ORCID", "ORCID")):
        value = _text(_child(person, name))
        if value:
            out[key] = value
    affiliations: list[dict[str, Any]] = [{"name": _text(a)} for a in _children(person, "affiliation") if _text(a)]
    for institution in _all(person, "institution"):
        ror = [_text(i) for i in _children(institution, "institution_id") if i.get("type") == "ror" and _text(i)]
        affiliations.append({"name": _text(_child(institution, "institution_name")),
                             **({"id": [{"id": ror[0], "id-type": "ROR"}]} if ror else {})})
    _put(out, "affiliation", affiliations)
    return out


def _funders(work: Element) -> list[dict[str, Any]]:
    """FundRef's fund groups: each funder named in a group, with the group's award numbers."""
    funders = []
    for program in (p for p in _own(work, "program") if p.get("name") == "fundref"):
        groups = [a for a in program if a.get("name") == "fundgroup"] or [program]
        for group in groups:
            awards = [a for a in (_text(e) for e in group if e.get("name") == "award_number") if a]
            for funder in (e for e in group if e.get("name") == "funder_name"):
                ids = [_text(e) for e in [*funder, *group] if e.get("name") == "funder_identifier"]
                doi = next((m[0] for m in (_DOI.search(i or "") for i in ids) if m), None)
                name = " ".join("".join([funder.text or "", *(c.tail or "" for c in funder)]).split())
                funders.append({"name": name, **({"DOI": doi} if doi else {}), "award": awards})
    return funders


def _relations(work: Element) -> dict[str, list[dict[str, str]]]:
    """The record's own relations, keyed as the REST API keys them. (unixsd's ``crm-item`` relation
    claims are left out: most are another record's claim, in its direction, not this record's —
    "isPreprintOf" a bioRxiv preprint on a Nature Genetics article.)"""
    found = [(r.get("relationship-type"), r.get("identifier-type"), _text(r))
             for name in ("inter_work_relation", "intra_work_relation") for r in _own(work, name)]
    relations: dict[str, list[dict[str, str]]] = {}
    for kind, scheme, value in found:
        if kind and value:
            key = re.sub(r"(?<=[a-z])([A-Z])", r"-\1", kind).lower()
            target = {"id": value, "id-type": scheme or "uri"}
            if target not in relations.setdefault(key, []):
                relations[key].append(target)
    return relations


def _reference(citation: Element) -> dict[str, str]:
    out = {"key": citation.get("key") or ""}
    for child in citation:
        key = _REFERENCE.get(_local(child.tag))
        value = _text(child)
        if key and value and key not in out:
            out[key] = value
            if key == "DOI":
                out["doi-asserted-by"] = child.get("provider") or "publisher"
    return out


# ---------------------------------------------------------------- the tree, bounded and namespace-blind

def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element | None, name: str) -> list[Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _child(element: Element | None, name: str) -> Element | None:
    return next(iter(_children(element, name)), None)


def _all(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _own(work: Element, name: str) -> Iterator[Element]:
    """The ``name`` elements inside ``work`` but not inside its component list (its parts' own)."""
    stack = [work]
    while stack:
        element = stack.pop()
        for child in reversed(element):
            local = _local(child.tag)
            if local == name:
                yield child
            elif local != "component_list":
                stack.append(child)


def _parents(record: Element) -> dict[Element, Element]:
    return {child: parent for parent in record.iter() for child in parent}


def _ancestors(element: Element, parents: dict[Element, Element]) -> Iterator[Element]:
    while element in parents:
        element = parents[element]
        if _local(element.tag) == "crossref":
            return
        yield element


def _text(element: Element | None) -> str | None:
    text = " ".join("".join(element.itertext()).split()) if element is not None else ""
    return text or None


def _put(message: dict[str, Any], key: str, values: Any) -> None:
    if values:
        message[key] = values


def _markup(element: Element) -> str:
    """The element's content as the REST API gives it: text with its inline markup (``<i>``,
    ``<jats:p>``, MathML as ``mml:``), written out without recursion however deep it nests."""
    out = [escape(element.text or "", quote=False)]
    stack: list[tuple[Element, bool]] = [(child, False) for child in reversed(element)]
    while stack:
        node, closing = stack.pop()
        tag = ("mml:" if str(node.tag).startswith(_MATHML) else "") + _local(node.tag)
        if closing:
            out += [f"</{tag}>", escape(node.tail or "", quote=False)]
            continue
        out += [f"<{tag}>", escape(node.text or "", quote=False)]
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return " ".join("".join(out).split())
