"""XML record files read into the JSON shape of their source's API, so the source's loader maps
them as it maps that JSON: Crossref's unixsd and unixref (:mod:`loaders.crossref_xml`) and the
DataCite Metadata Kernel (:mod:`loaders.datacite_xml`, kernel 2.x to 4.x).

XML is parsed with ``defusedxml``: a document declaring entities is refused, never expanded, and
no external resource is fetched. The size of the document is bounded by the caller, as for JSON.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kg.errors import ReadError
from loaders.crossref_xml import crossref_document
from loaders.datacite_xml import datacite_document

#: how many bytes of a file's start tell XML from HTML and JSON
HEAD = 200
HTML = ("an HTML document, not a record: kg reads the sources' JSON and Crossref's and DataCite's XML "
        "(harvest the API, or save its answers)")
#: the root elements kg reads, by local name
KINDS = {"crossref_result": "Crossref unixsd", "doi_records": "Crossref unixref", "resource": "DataCite kernel"}


def looks_like_xml(head: bytes) -> bool:
    """Whether a file's first bytes are XML, not HTML (or JSON)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:HEAD].lower()
    return start.startswith(b"<") and b"<html" not in start and not start.startswith(b"<!doctype html")


def xml_document(raw: bytes, path: str) -> Any:
    """The source-shaped JSON document of an XML file's bytes.

    :raises ReadError: naming ``path``, when the bytes are not well-formed XML, declare entities,
        are XML of another kind, or hold no record.
    """
    if not looks_like_xml(raw[:HEAD]):
        raise ReadError(path, HTML)
    try:
        root = fromstring(raw)
    except ParseError as e:
        raise ReadError(path, f"not well-formed XML ({e})") from None
    except DefusedXmlException as e:
        raise ReadError(path, f"XML that declares entities or external references ({type(e).__name__}); "
                              "kg does not expand them") from None
    name = str(root.tag).rsplit("}", 1)[-1]
    if name == "resource":
        return datacite_document(root)
    if name not in KINDS:
        raise ReadError(path, f"XML whose root element is <{name}>; kg reads {', '.join(KINDS.values())} XML "
                              "(and the sources' JSON)")
    document = crossref_document(root)
    if not document["message"]["items"]:
        statuses = sorted({q.get("status") or "" for q in root.iter() if str(q.tag).endswith("}query")} - {""})
        said = f" (query status: {', '.join(statuses)})" if statuses else ""
        raise ReadError(path, f"{KINDS[name]} XML that holds no work{said}")
    return document
