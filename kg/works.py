"""Works as the query layer sees them: an identifier resolved to its node, and a short summary
(classes, title, year, identifiers) gathered from every source that describes it.

>>> from kg.store import Store
>>> resolve(Store.open(None), "doi:10.1/nothing")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/nothing; load or harvest its record first
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, NotFoundError
from kg.queries import load_query
from kg.store import Store
from kg.vocab import KG, RDF, SCHEMA

#: identifier properties reported in summaries, by the name they are shown under
IDENTIFIERS = {"doi": KG.doi, "pdb": KG.pdbId, "pmid": KG.pmid, "pmcid": KG.pmcid, "arxiv": KG.arxiv}
#: the classes of works, most specific first
WORK_CLASSES = (KG.StructureEntry, SCHEMA.SoftwareSourceCode, SCHEMA.Dataset, SCHEMA.ScholarlyArticle,
                SCHEMA.CreativeWork)


@dataclass(frozen=True)
class WorkSummary:
    iri: str
    #: the most specific work class any source gives, as a short name ("Dataset", "StructureEntry")
    kind: str | None = None
    title: str | None = None
    year: int | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    version: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "kind": self.kind, "title": self.title, "year": self.year,
                "identifiers": self.identifiers, "version": self.version}


def resolve(store: Store, identifier: str | NamedNode) -> NamedNode:
    """The node an identifier names, in any form kg.ids accepts (or a full IRI, or the node).

    A PubMed, PMC or arXiv ID, which kg keeps as a property of the work's DOI node, names the work
    that carries it.

    Raises IdentifierError for malformed input and NotFoundError when the graph has nothing
    about it."""
    if isinstance(identifier, NamedNode):
        identifier = identifier.value
    try:
        parsed = ids.parse_identifier(identifier)
    except IdentifierError:
        if not identifier.startswith(("http://", "https://")):
            raise
        iri = identifier
    else:
        if parsed.iri is None:
            return _carrying(store, parsed)
        iri = parsed.iri
    try:
        node = NamedNode(iri)
    except ValueError as e:  # a URL that is no IRI (a space, '<'): the user's mistake, not a server error
        raise IdentifierError("IRI", identifier, str(e)) from None
    if not store.ask("ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }", {"node": node}):
        raise NotFoundError(iri)
    return node


def _carrying(store: Store, parsed: ids.Identifier) -> NamedNode:
    """The work carrying an identifier kept as a property (kg:pmid, kg:pmcid, kg:arxiv)."""
    prop = {"pmid": KG.pmid, "pmcid": KG.pmcid, "arxiv": KG.arxiv}.get(parsed.kind)
    if prop is None:
        raise IdentifierError(parsed.kind, parsed.value, "it names no node here; give a DOI, a PDB ID or an IRI")
    rows = store.select(load_query("work_by_identifier").text, {"property": prop, "value": Literal(parsed.value)}).rows
    found = [r[0] for r in rows if isinstance(r[0], NamedNode)]
    if not found:
        raise NotFoundError(f"{parsed.kind}:{parsed.value}")
    return found[0]


def summaries(store: Store, iris: Iterable[NamedNode]) -> dict[str, WorkSummary]:
    """A summary of each work, in one query however many works."""
    nodes = list(dict.fromkeys(iris))
    if not nodes:
        return {}
    found: dict[str, dict[str, list[str]]] = {n.value: {} for n in nodes}
    for work, prop, value in store.select(load_query("work_summaries").text, {"work": nodes}).values():
        if work is not None and prop is not None and value is not None:
            found[work].setdefault(prop, []).append(value)
    return {iri: _summary(iri, props) for iri, props in found.items()}


def _summary(iri: str, props: dict[str, list[str]]) -> WorkSummary:
    classes = set(props.get(RDF.type.value, []))
    kind = next((c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in WORK_CLASSES if c.value in classes), None)
    years = sorted(int(d[:4]) for d in props.get(SCHEMA.datePublished.value, []) if d[:4].isdigit())
    titles = sorted(props.get(SCHEMA.name.value, []), key=len, reverse=True)
    identifiers = {name: sorted(props[p.value])[0] for name, p in IDENTIFIERS.items() if p.value in props}
    versions = props.get(SCHEMA.version.value)
    return WorkSummary(iri, kind, titles[0] if titles else None, years[0] if years else None, identifiers,
                       versions[0] if versions else None)


def names(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The longest ``schema:name`` of each node that has one (funders, facilities, works, people).

    >>> names(Store.open(None), ["https://ror.org/000000000"])
    {}
    """
    nodes = [NamedNode(i) for i in dict.fromkeys(iris)]
    found: dict[str, str] = {}
    rows = store.select(load_query("node_names").text, {"node": nodes}).values() if nodes else []
    for node, name in rows:
        if node is not None and name is not None and len(name) > len(found.get(node, "")):
            found[node] = name
    return found
