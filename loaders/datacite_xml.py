"""DataCite Metadata Kernel XML (MDS, OAI-PMH ``oai_datacite``, content negotiation) as the
REST API's JSON, so that :class:`loaders.datacite.DataciteLoader` maps it.

Kernel 2.x, 3 and 4.x are read, in their namespace or in none: elements are matched by local
name, along the kernel's own paths only. Keys are the API's (schema 4 JSON): the kernel's
attribute names, with ``schemeURI``, ``rightsURI``, ``valueURI`` and ``awardURI`` spelled
``...Uri`` and ``xml:lang`` as ``lang``. What the XML lacks, the document lacks: an element
without text is left out, and nothing is derived that the API adds (``types.schemaOrg``,
``url``, ``relationships``, counts).

>>> from xml.etree.ElementTree import fromstring
>>> root = fromstring('<resource><identifier identifierType="DOI">10.5072/ABC</identifier>'
...                   '<titles><title xml:lang="en"> A title </title><title/></titles></resource>')
>>> datacite_document(root)
{'data': {'id': '10.5072/abc', 'type': 'dois', 'attributes': {'doi': '10.5072/ABC', \
'titles': [{'title': 'A title', 'lang': 'en'}]}}}
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: kernel attributes whose JSON key is spelled otherwise; every other one keeps its name
_RENAMED = {"schemeURI": "schemeUri", "rightsURI": "rightsUri", "valueURI": "valueUri", "awardURI": "awardUri",
            _LANG: "lang"}
#: the OpenAIRE way of naming a grant in kernel 3: info:eu-repo/grantAgreement/{funder}/{programme}/{id}/...
_GRANT_AGREEMENT = "info:eu-repo/grantAgreement/"


def datacite_document(root: Element) -> dict[str, Any]:
    """The REST API document (``{"data": {"id", "type": "dois", "attributes"}}``) of one kernel
    ``<resource>`` element.

    :param root: the ``<resource>`` element of a parsed kernel XML document
    :returns: the document; without ``id`` and ``doi`` when the resource has no DOI identifier

    Kernel 2 and 3 contributors of type ``Funder`` (made ``fundingReferences`` in kernel 4)
    become funding references: their name, their Crossref Funder ID (scheme ``FundRef``) and
    the grant number of an OpenAIRE ``info:eu-repo/grantAgreement/`` identifier.
    """
    ident = _child(root, "identifier")
    doi = _text(ident) if (_attr(ident, "identifierType") or "DOI").upper() == "DOI" else None
    contributors = _items(root, "contributors", "contributor")
    funders = [c for c in contributors if _attr(c, "contributorType") == "Funder"]
    resource_type = _child(root, "resourceType")
    attributes = _compact({
        "doi": doi,
        "alternateIdentifiers": _entries(root, "alternateIdentifiers", "alternateIdentifier"),
        "creators": _agents(_items(root, "creators", "creator"), "creatorName"),
        "contributors": _agents([c for c in contributors if c not in funders], "contributorName"),
        "titles": _entries(root, "titles", "title"),
        "publisher": _publisher(_child(root, "publisher")),
        "publicationYear": _year(_text(_child(root, "publicationYear"))),
        "types": _compact({"resourceTypeGeneral": _attr(resource_type, "resourceTypeGeneral"),
                           "resourceType": _text(resource_type)}),
        "subjects": _entries(root, "subjects", "subject"),
        "dates": _entries(root, "dates", "date"),
        "language": _text(_child(root, "language")),
        "relatedIdentifiers": _entries(root, "relatedIdentifiers", "relatedIdentifier"),
        "sizes": [t for e in _items(root, "sizes", "size") if (t := _text(e))],
        "formats": [t for e in _items(root, "formats", "format") if (t := _text(e))],
        "version": _text(_child(root, "version")),
        # kernel 2 has one <rights> in <resource>; kernel 3 on, a <rightsList>
        "rightsList": [r for e in _children(root, "rights") + _items(root, "rightsList", "rights")
                       if (r := _entry(e, "rights", keep="rightsURI"))],
        "descriptions": _entries(root, "descriptions", "description"),
        "fundingReferences": [f for f in [*map(_funding, _items(root, "fundingReferences", "fundingReference")),
                                          *map(_funder_contributor, funders)] if f],
        "relatedItems": [_related_item(e) for e in _items(root, "relatedItems", "relatedItem")],
    })
    data: dict[str, Any] = {"id": doi.lower()} if doi else {}
    return {"data": {**data, "type": "dois", "attributes": attributes}}


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(parent: Element | None, name: str) -> list[Element]:
    """The children of ``parent`` named ``name``, in any namespace."""
    return [] if parent is None else [e for e in parent if _local(e) == name]


def _child(parent: Element | None, name: str) -> Element | None:
    return next(iter(_children(parent, name)), None)


def _items(root: Element | None, group: str, name: str) -> list[Element]:
    """The ``name`` elements of ``root``'s ``group`` (``creators/creator``)."""
    return _children(_child(root, group), name)


def _text(element: Element | None) -> str | None:
    """The element's text, stripped; None when it has none. A ``<br/>`` (kernel 3.1 on, in
    descriptions) is a line break."""
    if element is None:
        return None
    parts = [element.text or ""]
    for child in element:
        parts += ["\n" if _local(child) == "br" else "".join(child.itertext()), child.tail or ""]
    return "".join(parts).strip() or None


def _attr(element: Element | None, name: str) -> str | None:
    value = element.get(name) if element is not None else None
    return (value.strip() or None) if value else None


def _attrs(element: Element | None) -> dict[str, str]:
    """The element's kernel attributes under their JSON names (others, like ``xsi:type``, left out)."""
    if element is None:
        return {}
    named = ((_RENAMED.get(key, key), value.strip()) for key, value in element.attrib.items())
    return {key: value for key, value in named if value and not key.startswith("{")}


def _entry(element: Element | None, key: str, keep: str = "") -> dict[str, Any] | None:
    """``{key: text, **attributes}``; None for an element without text (or without the ``keep``
    attribute either: a ``<rights rightsURI>`` names its licence by the URI alone)."""
    text = _text(element)
    if element is None or not (text or (keep and _attr(element, keep))):
        return None
    return _compact({key: text, **_attrs(element)})


def _entries(root: Element | None, group: str, name: str) -> list[dict[str, Any]]:
    return [entry for e in _items(root, group, name) if (entry := _entry(e, name))]


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without the empty ones (None, "", [], {})."""
    return {key: value for key, value in fields.items() if value not in (None, "", [], {})}


def _year(text: str | None) -> int | str | None:
    """A whole year as the number the API gives; other text as written."""
    return int(text) if text and text.isascii() and text.isdigit() else text


def _agents(elements: list[Element], name_tag: str) -> list[dict[str, Any]]:
    return [agent for e in elements if (agent := _agent(e, name_tag))]


def _agent(element: Element, name_tag: str) -> dict[str, Any]:
    """A creator or contributor (``creatorName``/``contributorName``, kernel 4.1's ``nameType`` on it)."""
    name = _child(element, name_tag)
    return _compact({
        "name": _text(name),
        "nameType": _attr(name, "nameType"),
        "givenName": _text(_child(element, "givenName")),
        "familyName": _text(_child(element, "familyName")),
        "nameIdentifiers": [n for e in _children(element, "nameIdentifier") if (n := _entry(e, "nameIdentifier"))],
        # an affiliation named by its identifier alone (kernel 4.3) is kept: the mapper reads its ROR
        "affiliation": [a for e in _children(element, "affiliation")
                        if (a := _entry(e, "name", keep="affiliationIdentifier"))],
        "contributorType": _attr(element, "contributorType"),
    })


def _publisher(element: Element | None) -> str | dict[str, Any] | None:
    """The name, as the API gives it; an object when the publisher has an identifier (kernel 4.5)."""
    if _attr(element, "publisherIdentifier") is None:
        return _text(element)
    return _entry(element, "name", keep="publisherIdentifier")


def _funding(element: Element) -> dict[str, Any]:
    identifier, award = _child(element, "funderIdentifier"), _child(element, "awardNumber")
    return _compact({"funderName": _text(_child(element, "funderName")),
                     "funderIdentifier": _text(identifier), **_attrs(identifier),
                     "awardNumber": _text(award), **_attrs(award),
                     "awardTitle": _text(_child(element, "awardTitle"))})


def _funder_contributor(element: Element) -> dict[str, Any]:
    """A kernel 2/3 ``Funder`` contributor as a funding reference."""
    identifier = _child(element, "nameIdentifier")
    value = _text(identifier) or ""
    scheme = (_attr(identifier, "nameIdentifierScheme") or "").lower()
    fundref = "fundref" in scheme or "crossref" in scheme
    grant = value[len(_GRANT_AGREEMENT):].split("/") if value.startswith(_GRANT_AGREEMENT) else []
    return _compact({"funderName": _text(_child(element, "contributorName")),
                     "funderIdentifier": value if fundref else None,
                     "funderIdentifierType": "Crossref Funder ID" if fundref and value else None,
                     "awardNumber": grant[2] if len(grant) > 2 else None})


def _related_item(element: Element) -> dict[str, Any]:
    """A related item described in the record (kernel 4.4)."""
    number = _child(element, "number")
    return _compact({
        **_attrs(element),
        "relatedItemIdentifier": _entry(_child(element, "relatedItemIdentifier"), "relatedItemIdentifier"),
        "creators": _agents(_items(element, "creators", "creator"), "creatorName"),
        "contributors": _agents(_items(element, "contributors", "contributor"), "contributorName"),
        "titles": _entries(element, "titles", "title"),
        "publicationYear": _year(_text(_child(element, "publicationYear"))),
        **{key: _text(_child(element, key)) for key in ("volume", "issue", "firstPage", "lastPage", "publisher",
                                                        "edition")},
        "number": _text(number),
        "numberType": _attr(number, "numberType"),
    })
