"""What every loader shares: raw records, the loader base class, and the record builder.

A loader does three things, each testable alone: *fetch* (HTTP, raw responses cached on disk),
*read* (recognise its records inside a parsed JSON document) and *map* (one raw record ->
the quads of one named graph). ``map`` is a pure function of one record.
"""

from __future__ import annotations

import html
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pyoxigraph import Literal, NamedNode, Quad

from kg import ids
from kg.errors import IdentifierError, RecordError
from kg.store import GraphMeta, RecordGraph
from kg.vocab import CITO, KG, RDF, SCHEMA, XSD, Relation, relation
from loaders.http import HttpClient, Response

#: The longest text kept in one literal; a longer one rejects its record.
MAX_TEXT = 100_000


@dataclass(frozen=True)
class RawRecord:
    """One record as its source gave it, with where and when it came from."""

    source: str
    data: Mapping[str, Any]
    #: the API URL or file it was read from
    origin: str
    retrieved_at: datetime
    #: where in the origin: "item 3", "line 12"
    location: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one record or one piece of input, as reported to the user."""

    level: str  # "error" (the record was rejected) or "warning" (loaded without one value)
    message: str
    origin: str = ""
    location: str = ""

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.origin, self.location) if x)
        return f"{self.level}: {where}: {self.message}" if where else f"{self.level}: {self.message}"


@dataclass
class Mapped:
    """A mapped record: its graph and the warnings met on the way."""

    graph: RecordGraph
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HarvestRequest:
    """What to fetch from a source: some identifiers, or a filtered/queried listing."""

    dois: list[str] = field(default_factory=list)
    filter: str | None = None
    query: str | None = None
    rows: int = 100
    max_pages: int | None = None
    #: the API's base URL, when not the source's public one (a mirror, a test system)
    api: str | None = None


class Loader(ABC):
    """A source of records. Subclasses are registered in :mod:`loaders`."""

    #: the source's name, used on the command line and in graph IRIs
    name: ClassVar[str]
    #: one line for the CLI help and the docs
    description: ClassVar[str]
    #: the API's base URL
    api: ClassVar[str]
    #: seconds between the starts of two requests (the source's rate limit)
    min_interval: ClassVar[float] = 0.1

    @classmethod
    @abstractmethod
    def records_in(cls, document: Any) -> list[Any] | None:
        """The raw records inside one parsed JSON document, or None if the shape is not ours."""

    @classmethod
    @abstractmethod
    def record_id(cls, data: Mapping[str, Any]) -> str:
        """The record's id in the source (for messages, before mapping)."""

    @classmethod
    @abstractmethod
    def map(cls, raw: RawRecord) -> Mapped:
        """Map one raw record to the quads of its graph. Raises RecordError for a bad record."""

    @classmethod
    @abstractmethod
    def fetch(cls, client: HttpClient, request: HarvestRequest) -> Iterator[Response]:
        """The API responses that answer ``request`` (one per identifier, or one per page)."""


class Fields:
    """Typed access to one raw record's JSON; a wrong type raises RecordError naming the field.

    >>> f = Fields({"title": ["A"], "n": "x"}, "crossref", "10.1/x")
    >>> f.strings("title")
    ['A']
    >>> f.integer("n")
    Traceback (most recent call last):
    kg.errors.RecordError: crossref record 10.1/x: field 'n' is a string, expected a whole number (value: 'x')
    """

    def __init__(self, data: Mapping[str, Any], source: str, record_id: str, path: str = "") -> None:
        self.data = data
        self.source = source
        self.record_id = record_id
        self.path = path

    def name(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | int, problem: str, value: object = None) -> RecordError:
        return RecordError(self.source, self.record_id, self.name(key), problem, value)

    def _typed(self, key: str, kinds: type | tuple[type, ...], expected: str) -> Any:
        value = self.data.get(key)
        if value is None or isinstance(value, kinds) and not isinstance(value, bool):
            return value
        raise self.error(key, f"is {_kind(value)}, expected {expected}", value)

    def string(self, key: str) -> str | None:
        """A text field, checked for length and encoding; None when absent or empty."""
        value = self._typed(key, str, "a string")
        return check_text(value, self, key) if value else None

    def integer(self, key: str) -> int | None:
        value = self._typed(key, int, "a whole number")
        return int(value) if value is not None else None

    def array(self, key: str) -> list[Any]:
        return self._typed(key, list, "a list") or []

    def strings(self, key: str) -> list[str]:
        """A list of strings; a bare string counts as a list of one."""
        value = self.data.get(key)
        items = [value] if isinstance(value, str) else self._typed(key, list, "a list of strings") or []
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(self.source, self.record_id, f"{self.name(key)}[{i}]",
                                  f"is {_kind(item)}, expected a string", item)
        return [check_text(s, self, key) for s in items if s.strip()]

    def obj(self, key: str) -> Fields | None:
        value = self._typed(key, dict, "an object")
        return Fields(value, self.source, self.record_id, self.name(key)) if value else None

    def objs(self, key: str) -> list[Fields]:
        """A list of objects, each as Fields named ``key[i]``."""
        out = []
        for i, item in enumerate(self.array(key)):
            name = f"{self.name(key)}[{i}]"
            if not isinstance(item, dict):
                raise RecordError(self.source, self.record_id, name, f"is {_kind(item)}, expected an object",
                                  item)
            out.append(Fields(item, self.source, self.record_id, name))
        return out


def _kind(value: object) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: str, fields: Fields, key: str) -> str:
    if len(value) > MAX_TEXT:
        raise fields.error(key, f"is {len(value):,} characters long; the limit is {MAX_TEXT:,}")
    if _SURROGATE.search(value):
        raise fields.error(key, "holds an unpaired UTF-16 surrogate (broken Unicode)", value)
    return value


_BLOCK_TAG = re.compile(r"</?(?:[a-z]+:)?(?:p|br|div|li|ul|ol|sec|title|tr|td|h[1-6])\b[^>]{0,200}>", re.I)
_TAG = re.compile(r"</?[a-z][a-z0-9:_-]*\b[^>]{0,200}>", re.I)
_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Markup (JATS, HTML) removed, entities decoded, white space folded.

    >>> plain("<jats:p>Arabidopsis  <i>thaliana</i> &amp; H<sub>2</sub>O</jats:p><p>Next</p>")
    'Arabidopsis thaliana & H2O Next'
    >>> plain("if a < b and c > d")
    'if a < b and c > d'
    """
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))).strip()


def date_literal(year: int, month: int | None = None, day: int | None = None) -> Literal:
    """The most precise XSD literal for a partial date.

    >>> date_literal(2014, 2).value, date_literal(2014, 2, 11).datatype.value[-4:]
    ('2014-02', 'date')
    """
    if day and month:
        return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)
    if month:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{year:04d}", datatype=XSD.gYear)


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(text: str) -> Literal | None:
    """A date literal from the start of an ISO 8601 text, or None."""
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    if not year or (month and not 1 <= month <= 12) or (day and not 1 <= day <= 31):
        return None
    return date_literal(year, month, day)


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


class RecordBuilder:
    """Collects the quads of one record graph, with the shared mapping rules."""

    def __init__(self, fields: Fields, work: NamedNode) -> None:
        self.fields = fields
        self.source = fields.source
        self.record_id = fields.record_id
        self.graph = NamedNode(ids.graph_iri(fields.source, fields.record_id))
        self.work = work
        self.quads: list[Quad] = []
        self.warnings: list[str] = []
        self._minted = 0
        self._keyed: dict[tuple[str, str], NamedNode] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: NamedNode, value: str | None, *, markup: bool = False) -> None:
        if value:
            value = plain(value) if markup else value.strip()
            if value:
                self.add(s, p, Literal(value))

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

    def warn(self, field_name: str, problem: str, value: object = None) -> None:
        shown = "" if value is None else f" (value: {value!r:.80})"
        self.warnings.append(f"{self.source} record {self.record_id}: field {field_name!r} {problem}{shown}")

    def related_node(self, scheme: str, value: str, field_name: str) -> NamedNode | None:
        """The node of a related item named by an identifier of ``scheme``."""
        value = value.strip()
        key = scheme.lower()
        try:
            if key == "doi" or (key in SCHEME_IRI and ids.normalize_doi(value, strict=False)
                                and key not in ("issn", "eissn", "lissn")):
                return NamedNode(ids.doi_iri(value))
            if key in SCHEME_IRI:
                iri = SCHEME_IRI[key].format(value)
                if re.match(r"^[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", iri, re.I):
                    return NamedNode(iri)
        except IdentifierError as e:
            self.warn(field_name, f"is not a valid {scheme}: {e.reason}", value)
            return None
        node = self.mint("related")
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
        evidence = rel.evidence_property
        if evidence is not None:
            relier, relied = (self.work, target) if rel.reliance == "subject" else (target, self.work)
            relied_class = self.work_class if relied == self.work else target_class
            if evidence == KG.reliesOnData and relied_class == SCHEMA.SoftwareSourceCode:
                evidence = KG.reliesOnSoftware
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
              field_name: str) -> NamedNode:
        """A creator, contributor or editor of the work, in the schema.org Role pattern.

        ``<work> role <slot>``, and the slot (minted in this record graph, a ``schema:Role``)
        holds what is true of this person in this work: ``role <agent>``, ``schema:position``,
        the name as the record gives it, and the affiliations. The agent is named by its ORCID
        (a person) or ROR ID (an organisation) when valid, else minted in this record graph.
        ``affiliations`` are (name, ROR) pairs. Returns the agent.
        """
        agent = self._known(ids.orcid_iri, orcid, f"{field_name}.ORCID") if orcid else None
        if ror and agent is None:
            agent = self._known(ids.ror_iri, ror, f"{field_name}.ROR")
        agent = agent or self.mint("org" if organization else "person")
        if not name:
            name = ", ".join(x for x in (family, given) if x) or None
        slot = self.mint(role.value.rsplit("/", 1)[-1])
        self.add(self.work, role, slot)
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
            aff = aff or self.mint("org", aff_name)
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
        funder = funder or self.mint("funder", name)
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

    def build(self, raw: RawRecord) -> Mapped:
        meta = GraphMeta(self.source, self.record_id, self.work, raw.origin, raw.retrieved_at)
        return Mapped(RecordGraph(self.graph, _unique(self.quads), meta), self.warnings)


def _unique(quads: list[Quad]) -> list[Quad]:
    return list(dict.fromkeys(quads))


def iter_dicts(items: Any) -> Iterator[Any]:
    """The items of a list, or nothing when it is not one."""
    if isinstance(items, list):
        yield from items
