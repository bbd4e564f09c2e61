"""The terms of the metrics summary (:mod:`kg.store.summary`): the predicates and classes it keeps,
their codes in its table, and a term as text.

>>> keeps(TYPE, "http://schema.org/Person"), keeps(CITES, "urn:x"), keeps(KG.isSupplementTo.value, "urn:x")
(False, True, True)
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode

from kg.vocab import CITO, KG, RDF, SCHEMA, evidence_edges, relations

FUNDER, FUNDING, CITES, DATE = SCHEMA.funder.value, SCHEMA.funding.value, CITO.cites.value, SCHEMA.datePublished.value
HAS_VERSION, IS_VERSION_OF, TYPE = KG.hasVersion.value, KG.isVersionOf.value, RDF.type.value
CITED_WORK, CITED_AS, ABOUT = KG.citedWork.value, KG.citedAs.value, SCHEMA.about.value
STATUS = KG.status.value
#: a reference's wording, in the order of ``cited_as_names.rq``'s columns
WORDING = tuple(p.value for p in (KG.citedTitle, KG.citedAuthor, KG.citedYear, KG.citedVenue, KG.citedVolume,
                                  KG.citedFirstPage, KG.unstructured))
_KEPT = {FUNDER: 1, FUNDING: 2, CITES: 3, DATE: 4, HAS_VERSION: 5, IS_VERSION_OF: 6, TYPE: 7, CITED_WORK: 8,
         CITED_AS: 9, **{p: 10 + i for i, p in enumerate(WORDING)}, ABOUT: 17, STATUS: 18}
#: the links item metrics count per relation (``metrics_incoming_relations``): every typed relation of the
#: catalogue and every evidence edge (those kept already for other figures keep their codes), by IRI
LINKS = tuple(sorted({r.iri.value for r in relations()} | set(evidence_edges())))
#: the predicates kept, and their codes in the table (version 5 added ``kg:status`` and the links)
PREDICATES = {**_KEPT, **{p: 19 + i for i, p in enumerate(p for p in LINKS if p not in _KEPT)}}
KEYS = frozenset(PREDICATES)
#: the classes kept of ``rdf:type`` statements: the work classes (metrics count by them), grants, concepts
CLASSES = frozenset(c.value for c in (KG.StructureEntry, SCHEMA.SoftwareSourceCode, SCHEMA.Dataset,
                                      SCHEMA.ScholarlyArticle, SCHEMA.CreativeWork, SCHEMA.Grant, KG.Concept))
#: a row of one graph: subject, predicate IRI, object, as text (blank nodes named within their graph)
Row = tuple[str, str, str]


def term_text(term: object, graph: str) -> str:
    """A term as the summary keeps it: an IRI or a literal's text; a blank node named within its graph."""
    if isinstance(term, BlankNode):
        return f"_:{graph}#{term.value}"
    return term.value if isinstance(term, (NamedNode, Literal)) else str(term)


def keeps(predicate: str, obj: str) -> bool:
    """Whether a statement with this predicate and object (its text) is one the summary keeps."""
    return predicate in PREDICATES and (predicate != TYPE or obj in CLASSES)
