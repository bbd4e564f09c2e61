"""A work described in full: its summary, titles, creators, dates, versions, typed links in and out,
every statement with the record graphs (and sources) stating it, and the provenance of those
records; and the RDF triples that describe it (its statements and the nodes that make them
readable: creator roles, agents, names).

Catalogue queries per work: ``work_statements`` (once), ``work_description`` (what the work's own
records say of the nodes they name, graph by graph: a publisher or funder named by a million records
costs nothing more), ``work_incoming_links``, ``graph_provenance``, ``work_summaries`` (the work and
its linked works, and the names every graph gives the nodes its records leave unnamed, one query;
``work_cited_as_references`` and ``cited_as_names`` for those without a record of their own, or the
metrics summary) and ``work_funding`` (of a work naming a funder or grant); a PDB entry one more,
naming its publications and raw data (:mod:`kg.facts`). An ASK only for a work with no statements.
What ``/works/{id}`` answers (HTML, JSON, JSON-LD, Turtle) is built from these.

>>> from kg.store import Store
>>> describe(Store.open(None), "10.1/nothing")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/nothing; load or harvest its record first
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal as Lit

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg import ids
from kg.facts import WorkFacts, work_facts
from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.vocab import KG, RDF, SCHEMA, curie, evidence_edges, preferred_name, relations
from kg.works import WorkSummary, resolve, summaries

_CREATOR_PROPERTIES = (SCHEMA.author, SCHEMA.creator, SCHEMA.contributor, SCHEMA.editor)
#: the dates a description lists, in this order
DATE_PROPERTIES = (SCHEMA.datePublished, SCHEMA.dateCreated, SCHEMA.dateModified, KG.depositionDate)
#: incoming links read at most (``work_incoming_links.rq``'s LIMIT): beyond, the list says it is truncated
INCOMING_LIMIT = 1000


def text(term: object) -> str:
    """A term's lexical value (IRI, blank node id, literal text).

    >>> text(NamedNode("https://doi.org/10.1/x")), text(Literal("1"))
    ('https://doi.org/10.1/x', '1')
    """
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


@dataclass(frozen=True)
class Creator:
    """An author, creator, contributor or editor, once however many sources list them."""

    name: str | None
    #: the agent's IRI (an ORCID, or one kg minted)
    id: str | None
    #: author, creator, contributor or editor
    role: str
    #: the place in the list, when a source gives it
    position: int | None

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "id": self.id, "role": self.role, "position": self.position}


@dataclass(frozen=True)
class Statement:
    """One statement about the work, with every record graph stating it and their sources."""

    #: the property's IRI
    property: str
    value: str
    graphs: tuple[str, ...]
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"property": curie(self.property), "value": self.value, "sources": list(self.sources),
                "graphs": list(self.graphs)}


@dataclass(frozen=True)
class TypedLink:
    """A typed link (a catalogue relation, ``cito:cites`` or an evidence edge) from or to the work."""

    #: the property's IRI, as stated (an inward link keeps the property its source stated)
    relation: str
    direction: Lit["out", "in"]
    other: str
    #: the linked work's display name (:class:`~kg.works.WorkSummary`: its own title, else how
    #: citers name it, else its identifier), never this work's
    other_name: str | None
    graphs: tuple[str, ...]
    sources: tuple[str, ...]
    #: where ``other_name`` comes from: "record", "cited-as by <citing DOI>" or "identifier"
    other_name_source: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"relation": curie(self.relation), "direction": self.direction, "other": self.other,
                "otherName": self.other_name, "otherNameSource": self.other_name_source,
                "sources": list(self.sources), "graphs": list(self.graphs)}


@dataclass(frozen=True)
class RecordSource:
    """A record graph stating something about the work: its source and when it was retrieved."""

    graph: str
    source: str | None
    retrieved: str | None

    def as_dict(self) -> dict[str, object]:
        return {"graph": self.graph, "source": self.source, "retrieved": self.retrieved}


@dataclass(frozen=True)
class WorkDescription:
    """Everything the graph says about one work, and who said it."""

    summary: WorkSummary
    #: class IRIs, sorted
    types: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    creators: tuple[Creator, ...] = ()
    #: date property IRI -> its values, for the properties of :data:`DATE_PROPERTIES` the work has
    dates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    versions: tuple[str, ...] = ()
    version_of: tuple[str, ...] = ()
    links: tuple[TypedLink, ...] = ()
    #: whether the incoming links were cut at :data:`INCOMING_LIMIT`
    links_truncated: bool = False
    statements: tuple[Statement, ...] = ()
    records: tuple[RecordSource, ...] = ()
    #: the work's statements and the nodes that make them readable, each once, in a stable order
    triples: tuple[Triple, ...] = ()
    #: venue, publishers, funders with their awards, a PDB entry's structure facts
    facts: WorkFacts = field(default_factory=WorkFacts)

    @property
    def iri(self) -> str:
        return self.summary.iri

    def values(self, prop: NamedNode | str) -> tuple[str, ...]:
        """The values of one property from every source, sorted (``d.values(SCHEMA.publisher)``)."""
        iri = prop if isinstance(prop, str) else prop.value
        return tuple(s.value for s in self.statements if s.property == iri)

    def name_of(self, iri: str) -> str | None:
        """The name the graph gives a node the work points to (a publisher, a funder, a linked work)."""
        return preferred_name(text(t.object) for t in self.triples
                              if text(t.subject) == iri and t.predicate == SCHEMA.name)

    @property
    def publishers(self) -> tuple[str, ...]:
        """The publishers' IRIs (:meth:`name_of` names them)."""
        return self.values(SCHEMA.publisher)

    @property
    def venues(self) -> tuple[str, ...]:
        """The journals or books the work appeared in, as each source names them."""
        return self.values(KG.containerTitle)

    @property
    def funders(self) -> tuple[str, ...]:
        """The funders the work names directly (grants and their funders: ``g.records.funding``)."""
        return self.values(SCHEMA.funder)

    def as_dict(self) -> dict[str, object]:
        """The description as JSON-ready data (properties as CURIEs); ``/works/{id}`` adds its URLs.
        Venues, publishers, funding (funders with their awards) and structure facts are also among the
        statements, there without their names."""
        return {
            **self.summary.as_dict(), "id": self.iri,
            "types": [curie(t) for t in self.types], "titles": list(self.titles),
            "creators": [c.as_dict() for c in self.creators],
            "dates": {curie(p): list(v) for p, v in self.dates.items()},
            "versions": list(self.versions), "versionOf": list(self.version_of),
            "links": [link.as_dict() for link in self.links], "linksTruncated": self.links_truncated,
            "statements": [s.as_dict() for s in self.statements],
            "records": [r.as_dict() for r in self.records], **self.facts.as_dict(),
        }


def describe(store: Store, identifier: str | NamedNode) -> WorkDescription:
    """The full description of a work (any identifier form :func:`kg.works.resolve` reads).

    :raises IdentifierError: the identifier is malformed
    :raises NotFoundError: the graph has nothing about it
    """
    node = resolve(store, identifier, check=False)
    own = store.select(load_query("work_statements").text, {"work": node}).rows
    if not own:  # a work only cited, or nothing: asked only then (a work with statements is in the graph)
        node = resolve(store, node)
    described, unnamed = _described(store, node, own)
    statements: dict[tuple[str, str], set[str]] = {}
    for p, value, g in own:
        if p is not None and value is not None and isinstance(g, NamedNode):
            statements.setdefault((text(p), text(value)), set()).add(g.value)
    incoming_rows = store.select(load_query("work_incoming_links").text, {"work": node}).rows
    incoming: dict[tuple[str, str], set[str]] = {}
    for other, p, g in incoming_rows:
        if isinstance(other, NamedNode) and p is not None and isinstance(g, NamedNode):
            incoming.setdefault((text(p), other.value), set()).add(g.value)
    graphs = sorted({g for gs in (*statements.values(), *incoming.values()) for g in gs})
    provenance = {g: (source, retrieved) for g, source, retrieved in select_chunked(
        store, load_query("graph_provenance").text, {"g": [NamedNode(g) for g in graphs]}).values()
        if g} if graphs else {}

    def sources(gs: set[str]) -> tuple[str, ...]:
        return tuple(sorted({s for g in gs if (s := provenance.get(g, (None, None))[0])}))

    links = _link_properties()
    directions: tuple[tuple[Lit["out", "in"], dict[tuple[str, str], set[str]]], ...] = (
        ("out", statements), ("in", incoming))
    found_links = [(direction, p, o, gs) for direction, found in directions
                   for (p, o), gs in sorted(found.items()) if p in links]
    # the work's own summary, its linked works' and the names of the nodes its records leave unnamed: one query
    named_as: dict[NamedNode, set[Term]] = {n: set() for n in unnamed}
    others = summaries(store, [node, *(NamedNode(o) for _, _, o, _ in found_links if o != node.value and "://" in o)],
                       named_as)
    triples = _sorted(node, described | {Triple(n, SCHEMA.name, name) for n, got in named_as.items() for name in got})
    names = _names(triples)

    def link(direction: Lit["out", "in"], p: str, o: str, gs: set[str]) -> TypedLink:
        other = others.get(o) if o != node.value else None
        return TypedLink(p, direction, o, other.name if other else names.get(o), tuple(sorted(gs)), sources(gs),
                         other.name_source if other else None)

    typed = tuple(link(*found) for found in found_links)
    grouped: dict[str, list[str]] = {}
    for key, text_value in statements:  # one pass: a work with thousands of statements is not read per property
        grouped.setdefault(key, []).append(text_value)
    by_property = {prop: tuple(sorted(vs)) for prop, vs in grouped.items()}
    out_links = {p: by_property[p] for p in by_property if p in links}
    return WorkDescription(
        summary=others[node.value],
        types=by_property.get(RDF.type.value, ()), titles=by_property.get(SCHEMA.name.value, ()),
        creators=creators(node, triples),
        dates={p.value: by_property[p.value] for p in DATE_PROPERTIES if p.value in by_property},
        versions=tuple(sorted({o for (p, o) in statements if p == KG.hasVersion.value}
                              | {o for (p, o) in incoming if p == KG.isVersionOf.value})),
        version_of=tuple(sorted({o for (p, o) in statements if p == KG.isVersionOf.value})),
        links=typed, links_truncated=len(incoming_rows) >= INCOMING_LIMIT,
        statements=tuple(Statement(p, v, tuple(sorted(gs)), sources(gs)) for (p, v), gs in sorted(statements.items())),
        records=tuple(RecordSource(g, *provenance.get(g, (None, None))) for g in graphs),
        triples=tuple(triples), facts=work_facts(store, node, by_property, names, out_links))


def work_triples(store: Store, identifier: str | NamedNode) -> list[Triple]:
    """The work's statements and the nodes that make them readable, each once, in a stable order: what
    its RDF formats hold (two queries; :func:`describe` gives them too, as ``triples``). Of a work no
    record describes, the statements linking to it (its citations, links to it; a third query), where
    :func:`describe` has none."""
    node = resolve(store, identifier)
    found = _triples(store, node, store.select(load_query("work_statements").text, {"work": node}).rows)
    if found:
        return found
    # no record describes it (a cited work): what the records citing or linking to it state of it, so that its
    # RDF is not empty where its page lists them (at most INCOMING_LIMIT, as the page)
    incoming = store.select(load_query("work_incoming_links").text, {"work": node}).rows
    return sorted({Triple(other, p, node) for other, p, _ in incoming
                   if isinstance(other, NamedNode) and isinstance(p, NamedNode)}, key=str)


def _triples(store: Store, node: NamedNode, own: Sequence[tuple[Term | None, ...]]) -> list[Triple]:
    """The work's statements, what its records say of the nodes they name (``work_description``), and the
    names every graph gives the nodes its records leave unnamed (``node_names``: linked works, mostly)."""
    triples, unnamed = _described(store, node, own)
    names = select_chunked(store, load_query("node_names").text, {"node": list(unnamed)}).rows if unnamed else []
    for other, name, *_ in names:
        if isinstance(other, NamedNode) and name is not None:
            triples.add(Triple(other, SCHEMA.name, name))
    return _sorted(node, triples)


def _described(store: Store, node: NamedNode, own: Sequence[tuple[Term | None, ...]]
               ) -> tuple[set[Triple], list[NamedNode]]:
    """The work's statements and what its records say of the nodes they name (``work_description``), and
    the nodes its records leave unnamed (sorted), which every graph's names name. A node minted in one of
    the work's record graphs (``<graph#reference-1>``: docs/data-model.md) is stated by that graph alone,
    which ``work_description`` read: it is not looked for in every graph (a work's references are most
    of what its records leave unnamed, and each look costs a seek across the whole store)."""
    triples = {Triple(node, p, o) for p, o, _ in own if isinstance(p, NamedNode) and o is not None}
    triples.update(store.construct(load_query("work_description").text, {"work": node}))
    named = {t.subject for t in triples if t.predicate == SCHEMA.name}
    pointed = {o for _, o, _ in own if isinstance(o, NamedNode)}
    pointed |= {t.object for t in triples if t.predicate in _CREATOR_PROPERTIES and isinstance(t.object, NamedNode)}
    minted = tuple({f"{g.value}#" for _, _, g in own if isinstance(g, NamedNode)})
    return triples, sorted((n for n in pointed - named - {node}
                            if isinstance(n, NamedNode) and not n.value.startswith(minted)), key=str)


def _sorted(node: NamedNode, triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))


def _link_properties() -> set[str]:
    return {r.iri.value for r in relations()} | set(evidence_edges())


def creators(node: NamedNode, triples: Iterable[Triple]) -> tuple[Creator, ...]:
    """The work's creators (authors, creators, contributors, editors), each once, in list order."""
    triples = list(triples)
    about: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        about.setdefault(text(t.subject), {}).setdefault(t.predicate.value, []).append(text(t.object))
    last = 1 << 30
    found: dict[tuple[str, str], tuple[int, Creator]] = {}
    for t in triples:
        if t.subject != node or t.predicate not in _CREATOR_PROPERTIES:
            continue
        role, kind = about.get(text(t.object), {}), t.predicate.value.rsplit("/", 1)[-1]
        agent = next(iter(role.get(t.predicate.value, [])), None)
        agent_names = about.get(agent, {}).get(SCHEMA.name.value, []) if agent else []
        name = preferred_name(role.get(SCHEMA.name.value, []) or agent_names)
        position = next((int(p) for p in role.get(SCHEMA.position.value, []) if p.isdigit()), last)
        # two sources listing one person: the same ORCID, or the same name when the IRI is minted
        key = (kind, agent if agent and not agent.startswith(ids.KG_BASE) else str(name).casefold())
        if key not in found or position < found[key][0]:
            found[key] = (position, Creator(name, agent, kind, None if position == last else position))
    # authors and creators first, then editors and contributors (never by the roles' alphabet: a DataCite
    # record's contributors were listed before its creators)
    rank = {"author": 0, "creator": 0, "editor": 1, "contributor": 2}
    return tuple(entry for _, entry in sorted(found.values(), key=lambda f: (rank.get(f[1].role, 3), f[1].role, f[0],
                                                                            str(f[1].name))))


def _names(triples: Iterable[Triple]) -> dict[str, str]:
    """The name shown of each subject named in ``triples`` (:func:`kg.vocab.preferred_name`)."""
    every: dict[str, list[str]] = {}
    for t in triples:
        if t.predicate == SCHEMA.name:
            every.setdefault(text(t.subject), []).append(text(t.object))
    return {node: name for node, found in every.items() if (name := preferred_name(found)) is not None}
