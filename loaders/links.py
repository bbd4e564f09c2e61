"""A link between two works, as the link services publish them one event at a time (Crossref Event
Data, Crossref's data citations, DataCite's events): what the loaders of those services share.

One link is one record graph: ``<subject> <relation> <object>`` through the relation catalogue
(with its evidence edge), a minimal description of each end (class, ``kg:doi``), and, as
statements about the graph node itself, who asserted the link (``kg:linkProvider``) and when
(``kg:linkDate``), as Scholix links are stored.

>>> from datetime import datetime, UTC
>>> from loaders.fields import Fields
>>> raw = RawRecord("crossref-datacitations", {}, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC))
>>> link = Link(Fields({}, "crossref-datacitations", "l1"), "references", "relation",
...             LinkEnd("subject.id", "10.1/A", "journal-article"), LinkEnd("object.id", "10.1/b", "dataset"),
...             provider="crossref", date="2018-01-04T00:05:30Z")
>>> sorted(t.split(" ")[1] for t in map_link(link, raw).graph.triples if "/ns#link" in t)
['<https://w3id.org/evidence-kg/ns#linkDate>', '<https://w3id.org/evidence-kg/ns#linkProvider>']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.vocab import KG, RDF, SCHEMA
from loaders.base import Mapped, RawRecord, skipped
from loaders.builder import RecordBuilder
from loaders.crossref import CLASSES as CROSSREF_CLASSES
from loaders.fields import Fields, parse_date

#: work types the link services give (Crossref's, DataCite's resourceTypeGeneral, lower-cased) -> class
CLASSES: dict[str, NamedNode] = {
    **CROSSREF_CLASSES, "software": SCHEMA.SoftwareSourceCode, "computationalnotebook": SCHEMA.SoftwareSourceCode,
    "text": SCHEMA.ScholarlyArticle, "preprint": SCHEMA.ScholarlyArticle,
}


@dataclass(frozen=True)
class LinkEnd:
    """One end of a link: the field it came from, its identifier (a DOI, a doi.org or other URL)
    and its work type when the service gives one."""

    field: str
    identifier: str
    kind: str | None = None


@dataclass(frozen=True)
class Link:
    """One link as a service published it."""

    fields: Fields
    #: the relation as the service names it, and the field it came from
    relation: str
    relation_field: str
    subject: LinkEnd
    object: LinkEnd
    #: who asserted the link (the service's source id: "crossref", "datacite-related", ...)
    provider: str | None = None
    #: when the link was made or collected (an ISO date or date-time)
    date: str | None = None


def link_id(*parts: str) -> str:
    """A link's id where the service gives none: the first 32 hex digits of the sha256 of its parts.

    >>> link_id("doi:10.1/a", "references", "doi:10.1/b")
    'abbde95e069b15ab69e281e3da661e11'
    """
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def map_link(link: Link, raw: RawRecord) -> Mapped:
    """The record graph of one link; nothing stored (with a warning) for a link of a work to itself."""
    f = link.fields
    b = RecordBuilder(f, NamedNode(ids.graph_iri(f.source, f.record_id)))
    subject, subject_class = _end(b, link.subject)
    target, target_class = _end(b, link.object)
    if subject == target:
        return skipped(b.warnings + [f"{f.source} record {f.record_id}: field {link.object.field!r} names the same "
                                     f"work as {link.subject.field!r} ({subject.value}); the link is left out"])
    b.work, b.work_class = subject, subject_class
    b.relate(link.relation, target, link.relation_field, target_class)
    if link.provider:
        b.add(b.graph, KG.linkProvider, Literal(link.provider))
    date = parse_date(link.date[:10]) if link.date else None
    if date is not None:
        b.add(b.graph, KG.linkDate, date)
    elif link.date:
        b.warn("date", "is not a date (YYYY-MM-DD...) and was left out", link.date)
    return b.build(raw)


def _end(b: RecordBuilder, end: LinkEnd) -> tuple[NamedNode, NamedNode]:
    """The node of one end and its class, described in the record graph."""
    doi = ids.normalize_doi(end.identifier, strict=False)
    cls = CLASSES.get((end.kind or "").lower().replace("-", "").replace("_", ""),
                      CLASSES.get((end.kind or "").lower(), SCHEMA.CreativeWork))
    if doi is not None:
        pdb = ids.pdb_id_from_doi(doi)
        node = NamedNode(ids.doi_iri(doi))
        cls = KG.StructureEntry if pdb else cls
        b.add(node, KG.doi, Literal(doi))
        if pdb:
            b.add(node, KG.pdbId, Literal(pdb))
    else:
        found = b.related_node("url", end.identifier, end.field)
        if found is None or not end.identifier.startswith(("http://", "https://")):
            raise b.fields.error(end.field, "is neither a DOI nor an http(s) URL", end.identifier)
        node = found
    b.add(node, RDF.type, cls)
    return node, cls
