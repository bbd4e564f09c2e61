"""What a citation of a work is made of, as the graph holds it: the metadata every citation format
reads (type, titles, creators with their ORCIDs, date, venue, publisher, DOI, ...), gathered with
three catalogue queries (``work_statements``, ``work_description``, ``work_creator_names``).

Nothing here is invented: a field the graph does not hold is None or empty, and each format leaves
it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.describe import creators, text, work_triples
from kg.errors import IdentifierError
from kg.facts import Funding, funding
from kg.queries import load_query
from kg.store import Store
from kg.vocab import KG, RDF, SCHEMA, preferred_name
from kg.works import resolve, summaries

#: the kinds of work a citation tells apart, from kg's classes, most specific first
KINDS: tuple[tuple[NamedNode, str], ...] = (
    (KG.StructureEntry, "structure"), (SCHEMA.SoftwareSourceCode, "software"), (SCHEMA.Dataset, "dataset"),
    (SCHEMA.ScholarlyArticle, "article"), (SCHEMA.CreativeWork, "other"))


@dataclass(frozen=True)
class Contributor:
    """A creator or editor of the work, as its records name them."""

    #: the name as the record prints it ("Sankar, Martial", "Test Lab")
    name: str | None
    given: str | None = None
    family: str | None = None
    #: the ORCID IRI, when the record gives one
    orcid: str | None = None
    organization: bool = False
    #: author, creator, contributor or editor
    role: str = "author"

    @property
    def orcid_id(self) -> str | None:
        """The bare ORCID (``0000-0002-1825-0097``)."""
        return self.orcid.rsplit("/", 1)[-1] if self.orcid else None

    def family_given(self) -> str | None:
        """"Family, Given" when the record splits the name, else the name as printed."""
        if self.family and not self.organization:
            return f"{self.family}, {self.given}" if self.given else self.family
        return self.name


def page_bounds(pages: str | None) -> tuple[str | None, str | None]:
    """The first and last page of pages as a record writes them.

    >>> page_bounds("181-186"), page_bounds("e0214986"), page_bounds(None)
    (('181', '186'), ('e0214986', None), (None, None))
    """
    first, _, last = (pages or "").partition("-")
    return first or None, last or None


@dataclass(frozen=True)
class WorkRecord:
    """The metadata of one work that citations are written from."""

    iri: str
    #: structure, software, dataset, article, other; None when no record gives a class
    kind: str | None = None
    #: the sources' own types ("journal-article", "Dataset"), sorted
    source_types: tuple[str, ...] = ()
    doi: str | None = None
    title: str | None = None
    subtitle: str | None = None
    #: authors (or DataCite creators) in list order
    creators: tuple[Contributor, ...] = ()
    editors: tuple[Contributor, ...] = ()
    #: the publication date as precisely as the record gives it ("2021-01-19", "2021-01", "2021")
    issued: str | None = None
    publishers: tuple[str, ...] = ()
    #: the journal or book the work appeared in
    venue: str | None = None
    #: where in the venue: volume, issue and pages ("181-186", "e0214986") as the record writes them
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    issns: tuple[str, ...] = ()
    url: str | None = None
    version: str | None = None
    licenses: tuple[str, ...] = ()
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    pmid: str | None = None
    pmcid: str | None = None
    arxiv: str | None = None
    pdb_id: str | None = None
    #: funders' names
    funders: tuple[str, ...] = ()
    #: the funders with their IRIs and the awards the work names (:func:`kg.facts.funding`)
    funding: tuple[Funding, ...] = ()
    #: where the title came from when no record of the work gives one: "cited-as by <DOI>" (the wording of
    #: a loaded record's reference to it, as :class:`kg.works.WorkSummary` reads it), else ""
    title_source: str = ""
    #: where the year came from when no record gives a date: "cited-as by <DOI>", else ""
    year_source: str = ""

    @property
    def cited_note(self) -> str | None:
        """A note saying which of the title and year are as a citing reference gives them, None when the
        work's own record gives both.

        >>> WorkRecord("urn:x", title="T", issued="2015", title_source="cited-as by 10.1/a",
        ...            year_source="cited-as by 10.1/a").cited_note
        'Title and year as cited by 10.1/a (no record of this work is loaded)'
        """
        title, year = self.title_source.removeprefix("cited-as by "), self.year_source.removeprefix("cited-as by ")
        said = [f"{what} as cited by {by}" for what, by, source in (("title", title, self.title_source),
                                                                    ("year", year, self.year_source))
                if source.startswith("cited-as by ")]
        if not said:
            return None
        if len(said) == 2 and title == year:
            said = [f"title and year as cited by {title}"]
        text = "; ".join(said)
        return text[0].upper() + text[1:] + " (no record of this work is loaded)"

    @property
    def year(self) -> int | None:
        return int(self.issued[:4]) if self.issued and self.issued[:4].isdigit() else None

    @property
    def date_parts(self) -> list[int]:
        """The issued date as CSL date parts ([2021, 1, 19], [2021])."""
        parts = []
        for piece in (self.issued or "").split("-")[:3]:
            if not piece.isdigit():
                break
            parts.append(int(piece))
        return parts

    @property
    def doi_url(self) -> str | None:
        if self.iri.startswith(ids.DOI_BASE):
            return self.iri
        return f"{ids.DOI_BASE}{self.doi}" if self.doi else None

    @property
    def key(self) -> str:
        """A citation key: first author's family name (ASCII letters) and year, else the identifier."""
        first = next(iter(self.creators), None)
        stem = (first.family or (first.name or "").split(",")[0]) if first else ""
        letters = "".join(c for c in stem if c.isascii() and c.isalnum())
        if letters:
            return f"{letters}{self.year or ''}"
        return "".join(c if c.isascii() and c.isalnum() else "_" for c in (self.doi or self.iri)).strip("_")


def work_record(store: Store, identifier: str | NamedNode) -> WorkRecord:
    """The citation metadata of a work (any identifier form :func:`kg.works.resolve` reads).

    :raises IdentifierError: the identifier is malformed
    :raises NotFoundError: the graph has nothing about it
    """
    node = resolve(store, identifier)
    triples = work_triples(store, node)
    props: dict[str, list[str]] = {}
    for t in triples:
        if t.subject == node:
            props.setdefault(t.predicate.value, []).append(text(t.object))
    every: dict[str, list[str]] = {}
    for t in triples:
        if t.predicate == SCHEMA.name and t.subject != node:
            every.setdefault(text(t.subject), []).append(text(t.object))
    names = {subject: name for subject, found in every.items() if (name := preferred_name(found)) is not None}
    parts: dict[str, tuple[str | None, str | None, bool]] = {}
    for agent, given, family, organization in store.select(load_query("work_creator_names").text,
                                                            {"work": node}).rows:
        if agent is not None:
            parts.setdefault(text(agent), (_lexical(given), _lexical(family),
                                           isinstance(organization, Literal) and organization.value == "true"))
    people = []
    for c in creators(node, triples):
        given_name, family_name, is_organization = parts.get(c.id or "", (None, None, False))
        orcid = c.id if c.id and c.id.startswith(ids.ORCID_BASE) else None
        people.append(Contributor(c.name, given_name, family_name, orcid, is_organization, c.role))

    def first(prop: NamedNode) -> str | None:
        counts = Counter(props.get(prop.value, ()))  # the most sources' value; of those, the first in order
        return min(counts, key=lambda value: (-counts[value], value), default=None)

    classes = set(props.get(RDF.type.value, []))
    title = preferred_name(props.get(SCHEMA.name.value, []))
    issued = _issued(props.get(SCHEMA.datePublished.value, []))
    title_source = year_source = ""
    if title is None:  # a work only cited: its name and year as the citing references give them
        summary = summaries(store, [node])[node.value]
        if summary.name_source.startswith("cited-as by "):
            title, title_source = summary.name, summary.name_source
        if issued is None and summary.year is not None and summary.year_source.startswith("cited-as by "):
            issued, year_source = str(summary.year), summary.year_source
    authors = tuple(p for p in people if p.role == "author") or tuple(p for p in people if p.role == "creator")
    return WorkRecord(
        iri=node.value, kind=next((kind for cls, kind in KINDS if cls.value in classes), None),
        source_types=tuple(sorted(set(props.get(SCHEMA.additionalType.value, [])))),
        doi=_doi(node.value, first(KG.doi)), title=title,
        subtitle=first(SCHEMA.alternativeHeadline), creators=authors,
        editors=tuple(p for p in people if p.role == "editor"),
        issued=issued,
        publishers=tuple(sorted({names[p] for p in props.get(SCHEMA.publisher.value, []) if p in names})),
        venue=first(KG.containerTitle), volume=first(SCHEMA.volumeNumber), issue=first(SCHEMA.issueNumber),
        pages=first(SCHEMA.pagination), issns=tuple(sorted(set(props.get(KG.issn.value, [])))),
        url=first(SCHEMA.url), version=first(SCHEMA.version),
        licenses=tuple(sorted(set(props.get(SCHEMA.license.value, [])))), abstract=first(SCHEMA.abstract),
        keywords=tuple(sorted(set(props.get(SCHEMA.keywords.value, [])))), pmid=first(KG.pmid),
        pmcid=first(KG.pmcid), arxiv=first(KG.arxiv), pdb_id=first(KG.pdbId),
        funders=tuple(sorted({names[f] for f in props.get(SCHEMA.funder.value, []) if f in names})),
        funding=funding(store, node) if SCHEMA.funder.value in props or SCHEMA.funding.value in props else (),
        title_source=title_source, year_source=year_source)


def _lexical(term: object) -> str | None:
    return term.value if isinstance(term, Literal) else None


def _doi(iri: str, stated: str | None) -> str | None:
    if stated:
        return stated
    try:
        return ids.doi_from_iri(iri) if iri.startswith(ids.DOI_BASE) else None
    except IdentifierError:
        return None


def _issued(dates: list[str]) -> str | None:
    """The earliest publication year's most precise date."""
    dated = [d for d in dates if d[:4].isdigit()]
    if not dated:
        return None
    year = min(d[:4] for d in dated)
    return max((d for d in dated if d.startswith(year)), key=len)
