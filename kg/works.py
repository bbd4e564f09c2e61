"""Works as the query layer sees them: an identifier resolved to its node, and a short summary
(classes, title, year, identifiers, display name) gathered from every source that describes it.

A work's display name (:attr:`WorkSummary.name`) is, in this order: its own title (the longest
``schema:name`` any record gives the work); else the title its citers give it most often
(``kg:citedTitle`` of the references pointing at it; ties: the longest, then the first in
alphabetical order); else, the same way, a reference's wording: "author year, venue
volume:page" from its parts when it names an author, "venue volume:page (year)" when it names
a venue but no author, else its whole text
(``kg:unstructured``); else its identifier with its kind ("DOI 10.1/x", "PDB 6GV0") or its IRI.

>>> WorkSummary("https://doi.org/10.1/x").name
'DOI 10.1/x'
>>> cited_as_wording(CitedAsRow("10.1/c", None, "Smith", "1999", "Nature", "12", "3", None, 1))
'Smith 1999, Nature 12:3'

>>> from kg.store import Store, Term
>>> resolve(Store.open(None), "doi:10.1/nothing")
Traceback (most recent call last):
kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/nothing; load or harvest its record first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from kg import ids
from kg.cited_years import cited_years
from kg.errors import IdentifierError, NotFoundError
from kg.queries import load_query
from kg.store import Store, Term, summary_reads
from kg.store.limits import select_chunked
from kg.store.summary_cited import SAMPLE, Wording
from kg.store.summary_names import CitedAsRow, names_from
from kg.vocab import KG, RDF, SCHEMA, curie, preferred_name

#: identifier properties reported in summaries, by the name they are shown under
IDENTIFIERS = {"doi": KG.doi, "pdb": KG.pdbId, "pmid": KG.pmid, "pmcid": KG.pmcid, "arxiv": KG.arxiv}
#: how a display name built from an identifier names its kind
IDENTIFIER_KINDS = {"doi": "DOI", "pdb": "PDB", "pmid": "PMID", "pmcid": "PMCID", "arxiv": "arXiv"}
#: the classes of works, most specific first
WORK_CLASSES = (KG.StructureEntry, SCHEMA.SoftwareSourceCode, SCHEMA.Dataset, SCHEMA.ScholarlyArticle,
                SCHEMA.CreativeWork)
#: the work classes' IRIs by the short name a summary's ``kind`` gives them ("Dataset"), most specific first
KIND_CLASSES = {c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: c.value for c in WORK_CLASSES}
#: references read per work to name it from how it is cited (the first by IRI): the most frequent title
#: among them wins (docs/data-model.md, "Display names"); the real corpus has at most 4 references to a
#: work. The metrics summary keeps each work's sample (kg.store.summary_cited)
CITED_AS_SAMPLE = SAMPLE


@dataclass(frozen=True)
class WorkStatus:
    """A status a source gives a work: retracted, withdrawn, removed, obsoleted (docs/data-model.md)."""

    status: str
    date: str | None = None
    reason: str | None = None
    #: the work giving notice of it (a retraction notice), when there is one
    notice: str | None = None
    superseded_by: str | None = None

    @property
    def label(self) -> str:
        """"retracted on 2024-06-02 (Retraction; notice 10.5555/n)" for pages and terminals.

        >>> WorkStatus("retracted", "2024-06-02", "Retraction", "https://doi.org/10.5555/n").label
        'retracted on 2024-06-02 (Retraction; notice 10.5555/n)'
        """
        notice = self.notice and f"notice {self.notice.removeprefix('https://doi.org/')}"
        superseded = self.superseded_by and f"superseded by {self.superseded_by}"
        notes = "; ".join(n for n in (self.reason, notice, superseded) if n)
        when = f" on {self.date}" if self.date else ""
        return f"{self.status}{when}{f' ({notes})' if notes else ''}"

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "date": self.date, "reason": self.reason, "notice": self.notice,
                "supersededBy": self.superseded_by}


@dataclass(frozen=True)
class WorkSummary:
    iri: str
    #: the most specific work class any source gives, as a short name ("Dataset", "StructureEntry")
    kind: str | None = None
    #: the work's own title, from a record that describes it (None when no record does)
    title: str | None = None
    year: int | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    #: the name to show: the title, else how citers name it, else the identifier (module docs);
    #: worked out from the title and identifiers when not given
    name: str = ""
    #: where the name comes from: "record", "cited-as by <citing DOI or IRI>" or "identifier"
    name_source: str = ""
    #: retracted, withdrawn, ...: shown wherever the work is (pages, chains, metrics), never dropped
    status: tuple[WorkStatus, ...] = ()
    #: where the year comes from: "record", "cited-as by <citing DOI or IRI>" (a work only cited) or ""
    year_source: str = ""
    #: every class the sources give it, as CURIEs ("schema:Chapter"): pages name a book or thesis by them
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.year is not None and not self.year_source:
            object.__setattr__(self, "year_source", "record")
        if not self.name:
            name, source = (self.title, "record") if self.title else (identifier_name(self.iri, self.identifiers),
                                                                      "identifier")
            object.__setattr__(self, "name", name)
            object.__setattr__(self, "name_source", source)

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "kind": self.kind, "title": self.title, "year": self.year,
                "identifiers": self.identifiers, "version": self.version, "name": self.name,
                "nameSource": self.name_source, "status": [s.as_dict() for s in self.status],
                "yearSource": self.year_source or None, "types": list(self.types)}


def identifier_name(iri: str, identifiers: dict[str, str]) -> str:
    """The work's identifier with its kind: its PDB ID, else its DOI, else another, else its IRI.

    >>> identifier_name("https://doi.org/10.2210/pdb6gv0/pdb", {"pdb": "6GV0"})
    'PDB 6GV0'
    """
    for kind in ("pdb", "doi", "pmid", "pmcid", "arxiv"):
        if kind in identifiers:
            return f"{IDENTIFIER_KINDS[kind]} {identifiers[kind]}"
    if iri.startswith(ids.DOI_BASE):
        try:
            return f"DOI {ids.doi_from_iri(iri)}"
        except IdentifierError:
            pass
    return iri


def cited_as_wording(row: CitedAsRow) -> str | None:
    """A reference's wording without its title: "author year, venue volume:page" when it names an
    author, "venue volume:page (year)" when it names a venue but no author, else the reference's
    whole text; None when it holds neither."""
    return row.wording


def resolve(store: Store, identifier: str | NamedNode, check: bool = True) -> NamedNode:
    """The node an identifier names, in any form kg.ids accepts (or a full IRI, or the node).

    A PubMed, PMC or arXiv ID, which kg keeps as a property of the work's DOI node, names the work
    that carries it.

    Raises IdentifierError for malformed input and NotFoundError when the graph has nothing
    about it (``check=False``: not asked, for a caller reading the node's statements anyway)."""
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
    if check and not store.ask("ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }", {"node": node}):
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


def summaries(store: Store, iris: Iterable[NamedNode], names_of: Mapping[NamedNode, set[Term]] | None = None
              ) -> dict[str, WorkSummary]:
    """A summary of each work, with its display name, in one query however many works (and a
    second for those without a title of their own, over the references that point at them). Into
    ``names_of`` (node -> a set), every name of each node from every graph, as ``node_names`` reads them,
    by the same query (a lookup names the nodes its records leave unnamed so: linked works, mostly)."""
    nodes = list(dict.fromkeys(iris))
    names_of = names_of or {}
    found: dict[str, dict[str, list[str]]] = {n.value: {} for n in nodes}
    for work, prop, value in select_chunked(store, load_query("work_summaries").text, {"work": list(
            dict.fromkeys([*nodes, *names_of]))}).rows if nodes or names_of else ():
        if isinstance(work, NamedNode) and isinstance(prop, NamedNode) and value is not None:
            if prop == SCHEMA.name and work in names_of:
                names_of[work].add(value)
            if work.value in found:  # the lexical values, as SelectResult.values() gives them
                found[work.value].setdefault(prop.value, []).append(str(value) if isinstance(value, Triple)
                                                                    else value.value)
    marked = [n for n in nodes if KG.status.value in found[n.value]]  # rare: asked only for works that have one
    marks = statuses(store, marked) if marked else {}
    titles = {iri: preferred_name(props.get(SCHEMA.name.value, [])) for iri, props in found.items()}
    nameless = [n for n in nodes if titles[n.value] is None]
    years: dict[str, tuple[int, str]] = {}
    named = _cited_as_names(store, nameless, years) if nameless else {}
    # each made once, with its status and cited-as name and year (no copies: a lookup makes some 25)
    return {iri: _summary(iri, props, titles[iri], marks.get(iri, ()), named.get(iri), years.get(iri))
            for iri, props in found.items()}


def statuses(store: Store, nodes: list[NamedNode]) -> dict[str, tuple[WorkStatus, ...]]:
    """The statuses of the works that have any, a query per :data:`~kg.store.limits.VALUES_CHUNK` works
    (Virtuoso refuses more)."""
    found: dict[str, list[WorkStatus]] = {}
    rows = select_chunked(store, load_query("work_statuses").text, {"work": nodes}).values()
    for work, status, date, reason, notice, superseded in rows:
        if work is not None and status is not None:
            if (mark := WorkStatus(status, date, reason, notice, superseded)) not in found.setdefault(work, []):
                found[work].append(mark)
    return {work: tuple(marks) for work, marks in found.items()}


def _cited_as_names(store: Store, nodes: list[NamedNode], years: dict[str, tuple[int, str]] | None = None
                    ) -> dict[str, tuple[str, str]]:
    """Names from a sample of the references pointing at the works (:data:`CITED_AS_SAMPLE` a work, the
    first by IRI): read from the metrics summary when the store keeps one complete (the sample is kept
    there: :mod:`kg.store.summary_cited`), else asked of the store (every reference listed, the first
    taken). A work cited a million times is named from as many references as one cited ten times. Into
    ``years``, the year the same references give."""
    summary = store.complete_summary()
    if summary is not None:  # each work's name and year kept on write (kg.store.summary_names): one read
        kept = summary_reads.cited_names(summary, [n.value for n in nodes])
        if kept is not None:
            if years is not None:
                years.update((w, (y, yb)) for w, (_, _, y, yb) in kept.items() if y is not None and yb)
            return {w: (n, b) for w, (n, b, _, _) in kept.items() if n is not None and b is not None}
        refs, wordings = summary_reads.cited_wordings(summary, [n.value for n in nodes])
        asked_years: list[tuple[str | None, str | None]] | None = None
    else:
        sampled: dict[str, list[str]] = {}
        listed_refs = select_chunked(store, load_query("work_cited_as_references").text, {"work": nodes}).values()
        for work, listed in listed_refs:
            if work is not None and listed:
                sampled.setdefault(work, []).extend(listed.split())
        refs = {work: sorted(found)[:CITED_AS_SAMPLE] for work, found in sampled.items()}
        asked_years = []  # read with the titles: the same references not bound a second time
        wordings = _store_wordings(store, refs, asked_years)
    if years is not None:
        years.update(cited_years(store, refs, wordings, asked_years))
    return names_from(refs, wordings)


#: a reference's wording: title, author, year, venue, volume, first page, whole text
_Wording = Wording


def _store_wordings(store: Store, refs: dict[str, list[str]], years: list[tuple[str | None, str | None]]
                    ) -> dict[str, list[tuple[str, _Wording]]]:
    """Each reference's citing work and wordings, asked of the store: titles first
    (``work_cited_as_titles``, with the years, into ``years``); every part (``cited_as_names``) only of the
    references of works none of whose references gives a title (the title decides otherwise)."""
    found: dict[str, list[tuple[str, _Wording]]] = {}
    every = [r for sampled in refs.values() for r in sampled]
    for ref, citing, title, year in _ask_refs(store, "work_cited_as_titles", every):
        if ref is not None and year is not None:
            years.append((ref, year))
        titled: tuple[str, _Wording] | None = (citing, (title, None, None, None, None, None, None)) if citing else None
        if ref is not None and titled is not None and titled not in found.get(ref, ()):  # once, whatever its years
            found.setdefault(ref, []).append(titled)
    untitled = [r for sampled in refs.values() if not any(w[0] for r in sampled for _, w in found.get(r, ()))
                for r in sampled]
    if untitled:
        for r in untitled:
            found.pop(r, None)
        for ref, citing, *wording in _ask_refs(store, "cited_as_names", untitled):
            if ref is not None and citing is not None:
                found.setdefault(ref, []).append((citing, tuple(wording)))  # type: ignore[arg-type]
    return found


def _ask_refs(store: Store, query: str, refs: list[str]) -> list[tuple[str | None, ...]]:
    bound: list[Term] = [NamedNode(r) for r in refs]  # minted IRIs in the record graph (loaders/builder.py)
    return select_chunked(store, load_query(query).text, {"ref": bound}).values() if bound else []


def _summary(iri: str, props: dict[str, list[str]], title: str | None, status: tuple[WorkStatus, ...] = (),
             named: tuple[str, str] | None = None, dated: tuple[int, str] | None = None) -> WorkSummary:
    """The summary of a work from its properties: ``named`` and ``dated`` (what its citers call it and the
    year they give, with the first citing work) count only for a work with no title or year of its own."""
    classes = set(props.get(RDF.type.value, []))
    kind = next((k for k, c in KIND_CLASSES.items() if c in classes), None)
    years = sorted(int(d[:4]) for d in props.get(SCHEMA.datePublished.value, []) if d[:4].isdigit())
    identifiers = {name: sorted(props[p.value])[0] for name, p in IDENTIFIERS.items() if p.value in props}
    if "doi" not in identifiers and iri.startswith(ids.DOI_BASE) and (doi := _doi_of(iri)) is not None:
        identifiers["doi"] = doi  # a work only cited: its DOI is its IRI's
    versions = props.get(SCHEMA.version.value)
    named = named if title is None else None
    dated = dated if not years else None
    return WorkSummary(iri, kind, title, years[0] if years else dated[0] if dated else None, identifiers,
                       versions[0] if versions else None, types=tuple(sorted(curie(c) for c in classes)),
                       status=status, name=named[0] if named else "",
                       name_source=f"cited-as by {ids.doi_or_iri(named[1])}" if named else "",
                       year_source=f"cited-as by {ids.doi_or_iri(dated[1])}" if dated else "")


@lru_cache(maxsize=1 << 16)
def _doi_of(iri: str) -> str | None:
    """The DOI of a DOI IRI (None: not a valid one), kept: 13 us a call, some 23 a lookup at 50M quads."""
    try:
        return ids.doi_from_iri(iri)
    except IdentifierError:
        return None


def names(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The name shown of each node that has one (funders, facilities, works, people): of its
    names (``schema:name``), its own record's, then the one most records give, then the longest, then
    the first in code-point order (:func:`kg.vocab.preferred_name`).

    >>> names(Store.open(None), ["https://ror.org/000000000"])
    {}
    """
    nodes = [NamedNode(i) for i in dict.fromkeys(iris)]
    every: dict[str, dict[str, tuple[int, int]]] = {}
    rows = select_chunked(store, load_query("node_names").text, {"node": nodes}).values() if nodes else []
    for node, name, records, own in rows:
        if node is not None and name is not None:
            every.setdefault(node, {})[name] = (int(own or 0), int(records or 0))
    return {node: name for node, found in every.items() if (name := preferred_name(found)) is not None}


@dataclass(frozen=True)
class Reference:
    """One reference of a work, as the citing record words it (a ``kg:CitedAs`` node)."""

    position: int
    #: the cited work's IRI, when the reference has a usable DOI
    cited: str | None
    title: str | None
    author: str | None
    year: str | None
    venue: str | None
    unstructured: str | None
    #: who matched the DOI to the reference ("publisher", "crossref")
    asserted_by: str | None
    #: the cited work's own title, when a record of it is loaded
    own_title: str | None

    @property
    def label(self) -> str:
        """How to name the reference: the cited work's own title, else the title the reference gives, else
        its whole text, else its wording from author, year and venue, else its DOI, else its place in the list.

        >>> Reference(3, None, None, "Smith", "1999", None, "Smith J. 1999. A book.", None, None).label
        'Smith J. 1999. A book.'
        """
        wording = ", ".join(x for x in (self.author, self.year, self.venue) if x)
        return (self.own_title or self.title or self.unstructured or wording
                or (identifier_name(self.cited, {}) if self.cited else f"Reference {self.position}"))

    def as_dict(self) -> dict[str, object]:
        return {"position": self.position, "cited": self.cited, "title": self.title, "author": self.author,
                "year": self.year, "venue": self.venue, "unstructured": self.unstructured,
                "assertedBy": self.asserted_by, "ownTitle": self.own_title}


def references(store: Store, node: NamedNode) -> list[Reference]:
    """A work's references in list order with their cited-as metadata (``work_references``), each once.

    >>> references(Store.open(None), NamedNode("https://doi.org/10.1/x"))
    []
    """
    found: dict[int, Reference] = {}
    for position, *rest in store.select(load_query("work_references").text, {"work": node}).values():
        if position is not None and position.isdigit() and int(position) not in found:
            found[int(position)] = Reference(int(position), *rest)
    return [found[p] for p in sorted(found)]
