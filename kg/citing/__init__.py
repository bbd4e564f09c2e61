"""Citations and metadata records of a work, in the formats DOI content negotiation answers: BibTeX,
RIS, CSL-JSON, a formatted citation in any CSL style and locale, DataCite JSON, schema.org JSON-LD,
and for datasets DCAT.

Everything is written from what the graph holds about the work (:func:`work_record`: three
queries, a fourth for the awards of a funded work); a field no record gives is left out, never invented.

* :mod:`kg.citing.record`: the metadata read from the graph
* :mod:`kg.citing.bibliography`: BibTeX, RIS, CSL-JSON, formatted (citeproc-py)
* :mod:`kg.citing.metadata`: DataCite JSON, schema.org JSON-LD, DCAT

>>> from kg.store import Store
>>> cite(Store.open(None), "10.1/x", "bibtex")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/x; load or harvest its record first
>>> cite(Store.open(None), "10.1/x", "marc")  # doctest: +ELLIPSIS
Traceback (most recent call last):
kg.errors.BadRequestError: parameter 'format' must be one of bibtex, ris, csl-json, text, ... (value: 'marc')
"""

from __future__ import annotations

import json

from pyoxigraph import NamedNode

from kg.citing.bibliography import bibtex, csl_item, csl_json, formatted, locales, ris
from kg.citing.metadata import datacite, dcat, dcat_triples, schema_org
from kg.citing.record import Contributor, WorkRecord, work_record
from kg.errors import BadRequestError
from kg.store import Store

#: the formats :func:`cite` writes, by name, with the media type DOI content negotiation gives each
FORMATS: dict[str, str] = {
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl-json": "application/vnd.citationstyles.csl+json",
    "text": "text/x-bibliography",
    "datacite-json": "application/vnd.datacite.datacite+json",
    "jsonld": "application/vnd.schemaorg.ld+json",
    "dcat": "text/turtle",
}

__all__ = ["FORMATS", "Contributor", "WorkRecord", "bibtex", "cite", "csl_item", "csl_json", "datacite", "dcat",
           "dcat_triples", "formatted", "locales", "render", "ris", "schema_org", "work_record"]


def render(record: WorkRecord, format: str = "bibtex", style: str = "apa", locale: str = "en-US") -> str:
    """One work's record in one format (names of :data:`FORMATS`).

    :raises BadRequestError: an unknown format, style or locale; ``dcat`` of a work that is no dataset
    """
    if format == "bibtex":
        return bibtex(record)
    if format == "ris":
        return ris(record)
    if format == "csl-json":
        return csl_json(record)
    if format == "text":
        return formatted(record, style, locale)
    if format == "datacite-json":
        return json.dumps(datacite(record), ensure_ascii=False, indent=2)
    if format == "jsonld":
        return json.dumps(schema_org(record), ensure_ascii=False, indent=2)
    if format == "dcat":
        return dcat(record).decode()
    raise BadRequestError("format", f"must be one of {', '.join(FORMATS)}", format)


def cite(store: Store, identifier: str | NamedNode, format: str = "bibtex", style: str = "apa",
         locale: str = "en-US") -> str:
    """The work named by ``identifier`` (any form :mod:`kg.ids` reads) as a citation or metadata record.

    :raises IdentifierError: a malformed identifier
    :raises NotFoundError: the graph has nothing about it
    :raises BadRequestError: an unknown format, style or locale; ``dcat`` of a work that is no dataset
    """
    if format not in FORMATS:
        raise BadRequestError("format", f"must be one of {', '.join(FORMATS)}", format)
    return render(work_record(store, identifier), format, style, locale)
