"""RecordBuilder: the quads of one record graph, with the mapping rules every loader shares
(agents in the Role pattern, funding, related items, relations through the catalogue)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError, RecordError
from kg.store import GraphMeta, RecordGraph
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD, Relation, relation
from loaders.base import Mapped, RawRecord
from loaders.fields import Fields, date_literal, plain, strip_controls

#: a year at the start of a reference's year text ("1999", "1999a", "2005-2006")
_YEAR = re.compile(r"^\s*([12]\d{3})(?!\d)")
#: a GitHub page of one release of a repository (owner, repository, tag): what Zenodo's GitHub integration archives
_GITHUB_TREE = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/tree/(\S+?)/?", re.A)


#: words from which a related identifier is a sentence, not an identifier (an ISBN may be written in five)
SENTENCE_WORDS = 4


#: names that stand for no one: a list's "et al.", DataCite's standard values for unknown information
#: (":unav" unavailable, ":unkn" unknown, ":tba", ...), and "Unknown"
NO_ONE = frozenset({"et al.", "et al", "unknown", ":etal", ":unac", ":unal", ":unap", ":unas", ":unav", ":unkn",
                    ":none", ":null", ":tba"})


@dataclass(frozen=True)
class CitedAs:
    """How a record names a work it cites: the reference's own metadata, as the citing record
    gives it (Crossref ``reference[]``, DataCite ``relatedItems[]``). Every field may be absent."""

    #: the title of the cited work (Crossref article-title, else volume-title or series-title)
    title: str | None = None
    #: the first author, as printed ("Smith", "Smith J", "Smith, John")
    author: str | None = None
    #: the year text; its first four digits become an xsd:gYear ("1999a" -> 1999)
    year: str | None = None
    #: the journal, book or series it appeared in
    venue: str | None = None
    volume: str | None = None
    first_page: str | None = None
    #: the whole reference as the citing authors wrote it
    unstructured: str | None = None
    #: who matched the DOI to the reference (Crossref doi-asserted-by: "publisher", "crossref")
    doi_asserted_by: str | None = None


#: IRIs that resolve an identifier scheme's values, for related items without a DOI.
SCHEME_IRI = {
    "url": "{}", "uri": "{}", "purl": "{}", "w3id": "{}",
    "handle": "https://hdl.handle.net/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}",
    "arxiv": "https://arxiv.org/abs/{}",
    "issn": "https://portal.issn.org/resource/ISSN/{}",
    "eissn": "https://portal.issn.org/resource/ISSN/{}",
    "lissn": "https://portal.issn.org/resource/ISSN/{}",
    "igsn": "https://igsn.org/{}",
}


def url_node(url: str) -> NamedNode:
    """The node of a URL; characters an IRI cannot hold (``[``, ``]`` outside a host) percent-encoded,
    as DOIs are, so a publisher's odd link never costs a record.

    >>> url_node("https://example.org/a[1]?q=x y").value
    'https://example.org/a%5B1%5D?q=x%20y'
    """
    try:
        return NamedNode(url)
    except ValueError:
        return NamedNode(quote(url, safe=":/?#@!$&'()*+,;=%~-._"))


class RecordBuilder:
    """Collects the quads of one record graph, with the shared mapping rules."""

    def __init__(self, fields: Fields, work: NamedNode) -> None:
        self.fields = fields
        self.source = fields.source
        self.record_id = fields.record_id
        self.graph = NamedNode(ids.graph_iri(fields.source, fields.record_id))
        self.work = work
        #: the record's triples in N-Triples form (what the store and the content hash take)
        self.triples: list[str] = []
        #: the Fields' notes (lists cut short, control characters removed) come first
        self.warnings: list[str] = fields.notes
        self._minted = 0
        self._keyed: dict[tuple[str, str], NamedNode] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        # N-Triples text as pyoxigraph writes each term: several times cheaper than a Quad
        self.triples.append(f"{s} {p} {o}")

    def text(self, s: NamedNode, p: NamedNode, value: str | None, *, markup: bool = False) -> None:
        if value:
            value = strip_controls(value, self.fields)
            value = plain(value) if markup else value.strip()
            if value:
                self.add(s, p, Literal(value))

    def placed(self, volume: str | None, issue: str | None, pages: str | None) -> None:
        """Where in its journal or book the work is: volume, issue and pages as the record writes them."""
        for prop, value in ((SCHEMA.volumeNumber, volume), (SCHEMA.issueNumber, issue), (SCHEMA.pagination, pages)):
            self.text(self.work, prop, value)

    def mint(self, kind: str, key: str | None = None) -> NamedNode:
        """A node local to this record graph (people without ORCID, grants, ...).

        Calls with the same ``kind`` and ``key`` (e.g. an affiliation's name) get the same node.
        """
        if key is not None and (kind, key) in self._keyed:
            return self._keyed[(kind, key)]
        self._minted += 1
        node = NamedNode(f"{self.graph.value}#{kind}-{self._minted}")
        if key is not None:
            self._keyed[(kind, key)] = node
        return node

    def shared(self, kind: str, *key: str) -> NamedNode:
        """A node named by what identifies it when it has no identifier of its own (:func:`kg.ids.shared_iri`):
        a person by their name in this work, an organisation by its name.

        >>> RecordBuilder(Fields({}, "crossref", "10.1/x"), NamedNode("https://doi.org/10.1/x")).shared("org", "ETH")
        <NamedNode value=https://w3id.org/evidence-kg/org/c69ea13227bace6e1f8a>
        """
        return NamedNode(ids.shared_iri(kind, *key))

    def warn(self, field_name: str, problem: str, value: object = None) -> None:
        shown = "" if value is None else f" (value: {value!r:.80})"
        self.warnings.append(f"{self.source} record {self.record_id}: field {field_name!r} {problem}{shown}")

    def related_node(self, scheme: str, value: str, field_name: str) -> NamedNode | None:
        """The node of a related item named by an identifier of ``scheme``; None (warned) for a value that
        is a sentence, not an identifier (DataCite's template text "Identifier of complementary material
        related to this resource e.g. a scientific article", left in 19 records: a node shared by them all
        would have cited all 19)."""
        value = value.strip()
        key = scheme.lower()
        if len(value.split()) >= SENTENCE_WORDS and key not in ("isbn", "eisbn", "lisbn"):
            self.warn(field_name, f"is text, not a {scheme} identifier, and was left out", value)
            return None
        try:
            if key == "doi" or (key in SCHEME_IRI and ids.normalize_doi(value, strict=False)
                                and key not in ("issn", "eissn", "lissn")):
                return NamedNode(ids.doi_iri(value))
            if key in SCHEME_IRI:
                iri = SCHEME_IRI[key].format(value)
                if re.match(r"^[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", iri, re.I):
                    return url_node(iri)
        except IdentifierError as e:
            self.warn(field_name, f"is not a valid {scheme}: {e.reason}", value)
            return None
        node = self.shared("related", key, value)
        self.add(node, SCHEMA.identifier, Literal(f"{scheme}:{value}"))
        return node

    def relate(self, name: str, target: NamedNode, field_name: str,
               target_class: NamedNode | None = None) -> Relation:
        """The typed edge for a relation the source names, and its evidence edge.

        Raises RecordError when the catalogue does not know the relation.
        """
        rel = relation(name)
        if rel is None:
            raise RecordError(self.source, self.record_id, field_name,
                              "names a relation type that is not in the catalogue "
                              "(add it to ontology/kg.ttl)", name)
        if target == self.work:
            return rel
        self.add(self.work, rel.iri, target)
        release = _GITHUB_TREE.fullmatch(target.value)
        if release:  # a GitHub release: its repository and tag kept (docs/data-model.md, "GitHub releases")
            self.add(self.work, SCHEMA.codeRepository, NamedNode(f"https://github.com/{release[1]}/{release[2]}"))
            self.text(self.work, KG.releaseTag, unquote(release[3]))
            if rel.iri == KG.isSupplementTo:  # Zenodo's GitHub integration: the record archives the release, which
                return rel  # relies on nothing of it (the same code, not its user: it was the "reuse" of 29 records)
        evidence = rel.evidence_property
        if evidence is not None:
            relier, relied = (self.work, target) if rel.reliance == "subject" else (target, self.work)
            relied_class = self.work_class if relied == self.work else target_class
            if evidence == KG.reliesOnData and relied_class == SCHEMA.SoftwareSourceCode:
                evidence = KG.reliesOnSoftware
            elif evidence == KG.reliesOnSoftware and relied_class in (SCHEMA.Dataset, KG.StructureEntry):
                evidence = KG.reliesOnData  # "requires" a data set: relies on it as data (283 real Scholix links)
            self.add(relier, evidence, relied)
        return rel

    work_class: NamedNode | None = None

    def typed(self, cls: NamedNode, additional: str | None) -> None:
        self.work_class = cls
        self.add(self.work, RDF.type, cls)
        self.text(self.work, SCHEMA.additionalType, additional)

    def agent(self, role: NamedNode, position: int, *, name: str | None, given: str | None = None,
              family: str | None = None, orcid: str | None = None, ror: str | None = None,
              organization: bool = False, affiliations: Sequence[tuple[str | None, str | None]] = (),
              field_name: str, work: NamedNode | None = None) -> NamedNode | None:
        """A creator, contributor or editor of the work, in the schema.org Role pattern; None, and
        nothing written, for a name that stands for no one (:data:`NO_ONE`: "et al.", DataCite's ":unav").

        ``<work> role <slot>``, and the slot (minted in this record graph, a ``schema:Role``)
        holds what is true of this person in this work: ``role <agent>``, ``schema:position``,
        the name as the record gives it, and the affiliations. The agent is named by its ORCID
        (a person) or ROR ID (an organisation) when valid; else a person is named by their
        name in this work, and an organisation by its name (:meth:`shared`), so two sources
        describing the same work name the same agents. ``affiliations`` are (name, ROR) pairs.
        ``work`` is the record's work unless another work described in the record is meant
        (e.g. a PDB entry's primary article).
        """
        if not (orcid or ror or given or family) and (name or "").strip().lower() in NO_ONE:
            return None
        agent = self._known(ids.orcid_iri, orcid, f"{field_name}.ORCID") if orcid else None
        if ror and agent is None:
            agent = self._known(ids.ror_iri, ror, f"{field_name}.ROR")
        if not name:
            name = ", ".join(x for x in (family, given) if x) or None
        if agent is None and name:
            agent = self.shared("org", name) if organization else self.shared("person", (work or self.work).value, name)
        agent = agent or self.mint("org" if organization else "person")
        slot = self.mint(role.value.rsplit("/", 1)[-1])
        self.add(work or self.work, role, slot)
        self.add(slot, RDF.type, SCHEMA.Role)
        self.add(slot, role, agent)
        self.add(slot, SCHEMA.position, Literal(position))
        self.text(slot, SCHEMA.name, name)
        self.add(agent, RDF.type, SCHEMA.Organization if organization else SCHEMA.Person)
        self.text(agent, SCHEMA.name, name)
        self.text(agent, SCHEMA.givenName, given)
        self.text(agent, SCHEMA.familyName, family)
        for aff_name, aff_ror in affiliations:
            aff = self._known(ids.ror_iri, aff_ror, f"{field_name}.affiliation") if aff_ror else None
            if aff is None and not aff_name:
                continue
            aff = aff or self.shared("org", aff_name or "")
            self.add(slot, SCHEMA.affiliation, aff)
            self.add(aff, RDF.type, SCHEMA.Organization)
            self.text(aff, SCHEMA.name, aff_name)
        return agent

    def funding(self, *, name: str | None, funder_id: str | None, scheme: str | None,
                awards: Sequence[tuple[str | None, str | None]], field_name: str) -> None:
        """A funder of the work (Crossref Funder ID or ROR), with one schema:Grant per award.

        ``awards`` are (award number, award title) pairs.
        """
        funder: NamedNode | None = None
        if funder_id:
            kind = (scheme or "").lower()
            normalise = ids.ror_iri if "ror" in kind or "ror.org" in funder_id else ids.funder_iri
            if kind in ("", "crossref funder id", "doi", "ror") or "ror.org" in funder_id:
                funder = self._known(normalise, funder_id, f"{field_name}.identifier")
        funder = funder or (self.shared("org", name) if name else self.mint("funder"))
        self.add(funder, RDF.type, SCHEMA.Organization)
        self.text(funder, SCHEMA.name, name)
        self.add(self.work, SCHEMA.funder, funder)
        for number, title in awards:
            grant = self.mint("grant")
            self.add(self.work, SCHEMA.funding, grant)
            self.add(grant, RDF.type, SCHEMA.Grant)
            self.add(grant, SCHEMA.funder, funder)
            self.text(grant, SCHEMA.identifier, number)
            self.text(grant, SCHEMA.name, title)

    def _known(self, to_iri: Any, value: str, field_name: str) -> NamedNode | None:
        try:
            return NamedNode(to_iri(value))
        except IdentifierError as e:
            self.warn(field_name, f"is not valid and was left out: {e.reason}", value)
            return None

    def cites(self, target: NamedNode) -> None:
        if target != self.work:
            self.add(self.work, CITO.cites, target)

    def usage(self, observed_at: str, figures: Sequence[tuple[NamedNode, int]]) -> None:
        """A usage observation of the work (views, downloads: never citations), when there are figures.

        :param observed_at: when the source reported them, an ISO date-time
        """
        if not figures:
            return
        node = self.mint("usage")
        self.add(self.work, KG.usage, node)
        self.add(node, RDF.type, KG.UsageObservation)
        self.add(node, KG.observedAt, Literal(observed_at, datatype=XSD.dateTime))
        for prop, count in figures:
            self.add(node, prop, Literal(count))

    def cited_as(self, kind: str, position: int, target: NamedNode | None, ref: CitedAs) -> NamedNode:
        """A reference of the work, as the record words it: ``<work> kg:citedAs <graph#kind-N>``,
        the node (a ``kg:CitedAs``, minted in this record graph, so it carries the record's
        provenance) holds its place in the list, the cited work when known (``kg:citedWork``)
        and the reference's own metadata. A reference without a usable identifier gets a node
        too, without ``kg:citedWork``, so its references are counted honestly.

        Its own ``kg:cited*`` terms, not schema:name and schema:datePublished: searches, the cue
        index and summaries read those of works, and a reference is not a work.
        """
        node = NamedNode(f"{self.graph.value}#{kind}-{position}")
        self.add(self.work, KG.citedAs, node)
        self.add(node, RDF.type, KG.CitedAs)
        self.add(node, SCHEMA.position, Literal(position))
        if target is not None and target != self.work:
            self.add(node, KG.citedWork, target)
        self.text(node, KG.citedTitle, ref.title, markup=True)
        self.text(node, KG.citedAuthor, ref.author, markup=True)
        year = _YEAR.match(ref.year or "")
        if year:
            self.add(node, KG.citedYear, date_literal(int(year.group(1))))
        self.text(node, KG.citedVenue, ref.venue, markup=True)
        self.text(node, KG.citedVolume, ref.volume)
        self.text(node, KG.citedFirstPage, ref.first_page)
        self.text(node, KG.unstructured, ref.unstructured, markup=True)
        self.text(node, KG.doiAssertedBy, ref.doi_asserted_by)
        return node

    def build(self, raw: RawRecord) -> Mapped:
        meta = GraphMeta(self.source, self.record_id, self.work, raw.origin, raw.retrieved_at, raw.source_modified)
        return Mapped(RecordGraph.from_triples(self.graph, list(dict.fromkeys(self.triples)), meta), self.warnings)
