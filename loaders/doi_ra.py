"""DOI registration agencies: who registered a DOI prefix (or one DOI), as the DOI Foundation's
lookup answers (``GET https://doi.org/ra/{prefix}``: ``[{"DOI": "10.1038", "RA": "Crossref"}]``;
Crossref's ``doiRA`` answers the same shape for a whole DOI).

One answer item is one record graph, ``graph_iri("doi-ra", <prefix or DOI>)``: a prefix is the
node ``https://w3id.org/evidence-kg/doi-prefix/<prefix>`` (``kg:DoiPrefix``), a DOI its own node,
each with ``kg:registrationAgency`` ("Crossref", "DataCite", "mEDRA", "JaLC", "KISTI", "ISTIC",
"OP", ...). A work kg has no record of is then still known by its agency (display names, the
sources to fetch it from). ``"RA": "Unknown"`` and the lookup's refusals (``"status": "DOI does
not exist"``, ``"Invalid DOI"``) store nothing, with a warning saying what the lookup said.
``kg harvest doi-ra --doi 10.5061/dryad.x`` looks the prefix up: one request per prefix, cached.

>>> from datetime import datetime, UTC
>>> graph = DoiRaLoader.map(RawRecord("doi-ra", {"DOI": "10.5281", "RA": "DataCite"}, "file:///x",
...                                   datetime(2024, 1, 1, tzinfo=UTC))).graph
>>> sorted(graph.triples)[2]
'<https://w3id.org/evidence-kg/doi-prefix/10.5281> <https://w3id.org/evidence-kg/ns#registrationAgency> "DataCite"'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import UnsupportedRequestError
from kg.vocab import KG, RDF, SCHEMA
from loaders.base import HarvestRequest, Loader, Mapped, RawRecord, skipped
from loaders.builder import RecordBuilder
from loaders.fields import Fields
from loaders.http import HttpClient, Response

_PREFIX = re.compile(r"10\.[0-9]{4,9}")



class DoiRaLoader(Loader):
    name: ClassVar[str] = "doi-ra"
    description: ClassVar[str] = "DOI registration agencies by prefix (the DOI Foundation's RA lookup)"
    api: ClassVar[str] = "https://doi.org/ra"
    min_interval: ClassVar[float] = 0.2

    @classmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        if _is_answer(document):
            return [document]
        return None

    @classmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        given = data.get("DOI")
        if not isinstance(given, str):
            return "(no DOI)"
        text = given.strip().lower()
        return text if _PREFIX.fullmatch(text) else ids.normalize_doi(text, strict=False) or text

    @classmethod
    def map(cls, raw: RawRecord) -> Mapped:
        f = Fields(raw.data, cls.name, cls.record_id(raw.data))
        given = f.string("DOI")
        if not given:
            raise f.error("DOI", "is missing; a registration-agency answer names its prefix or DOI")
        status, agency = f.string("status"), f.string("RA")
        if status or not agency or agency.lower() == "unknown":
            said = status or f"RA is {agency!r}"
            return skipped([f"{cls.name} record {f.record_id}: the lookup said {said!r}, so nothing is stored"])
        if _PREFIX.fullmatch(f.record_id):
            node = NamedNode(ids.doi_prefix_iri(f.record_id))
            b = RecordBuilder(f, node)
            b.add(node, RDF.type, KG.DoiPrefix)
            b.add(node, SCHEMA.name, Literal(f.record_id))
        else:
            if ids.normalize_doi(given, strict=False) is None:
                raise f.error("DOI", "is neither a DOI prefix (10.NNNN) nor a DOI", given)
            node = NamedNode(ids.doi_iri(given))
            b = RecordBuilder(f, node)
        b.add(node, KG.registrationAgency, Literal(agency))
        return b.build(raw)

    @classmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        if request.query or request.filter or not request.dois:
            raise UnsupportedRequestError(cls.name, "--query, --filter or no --doi", "the lookup answers for DOIs: "
                                          "give --doi (each DOI's prefix is looked up once)")
        prefixes = dict.fromkeys(ids.doi_prefix(doi) for doi in request.dois)
        return (client.get_json(f"{request.api or cls.api}/{quote(prefix)}") for prefix in prefixes)


def _is_answer(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("DOI"), str) and set(item) <= {"DOI", "RA", "status"} \
        and ("RA" in item or "status" in item)
