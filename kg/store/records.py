"""Record graphs: the quads one raw record maps to, in one named graph, with their provenance.

A :class:`RecordGraph` is what a loader hands to :meth:`kg.store.Store.write`. Its content hash
decides whether a write changes anything; its provenance goes into the meta graph in the same
transaction as the graph itself (:func:`replace_update`).

>>> from pyoxigraph import Literal
>>> from kg.vocab import SCHEMA
>>> work = NamedNode("https://doi.org/10.1/x")
>>> graph = NamedNode("https://w3id.org/evidence-kg/graph/test/10.1/x")
>>> record = RecordGraph.from_triples(graph, [f"{work} {SCHEMA.name} {Literal('X')}"],
...     GraphMeta("test", "10.1/x", work, "file:///x.json", datetime(2024, 1, 1, tzinfo=UTC)))
>>> len(record), record.quads[0].object.value, len(record.meta_quads())
(1, 'X', 8)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.ids import META_GRAPH
from kg.vocab import KG, PROV, RDF, SCHEMA, XSD

#: Bumped whenever a mapper's output changes for the same input, so re-loads replace graphs.
MAPPER_VERSION = "1"

META = NamedNode(META_GRAPH)
_OBSERVED = f" {KG.observedAt} "


@dataclass(frozen=True)
class GraphMeta:
    """Provenance of one record graph."""

    #: loader name, e.g. "crossref"
    source: str
    #: the record's id in its source, e.g. its DOI
    record_id: str
    #: the work the record describes
    about: NamedNode
    #: the API URL or file the record came from
    derived_from: str
    #: when the raw record was retrieved: when the source answered (its HTTP ``Date``), or for a
    #: file without that, the file's modification time
    retrieved_at: datetime
    #: when the source last changed the record, by the record's own date (Crossref ``indexed``,
    #: DataCite ``updated``, ...); None when the record has none. Decides which of two versions
    #: of a record is kept (:meth:`kg.store.Store.write`)
    source_modified: datetime | None = None


class RecordGraph:
    """The quads one raw record maps to, all in one named graph, with their provenance.

    Made from quads, or (what the loaders do: cheaper, since the store takes N-Quads text and
    the content hash is computed from text) from ``triples``, each triple in N-Triples form as
    ``str(Triple)`` writes it. Either form is there on demand. The content hash is the same
    whichever form a record was made from.
    """

    def __init__(self, graph: NamedNode, quads: Sequence[Quad], meta: GraphMeta, content_hash: str = "") -> None:
        self.graph = graph
        self.meta = meta
        self._quads: list[Quad] | None = list(quads)
        self._triples: list[str] | None = None
        self.content_hash = content_hash or self._hash()

    @classmethod
    def from_triples(cls, graph: NamedNode, triples: list[str], meta: GraphMeta) -> RecordGraph:
        """A record graph from its triples in N-Triples form (``"<s> <p> \"o\""``, no final dot)."""
        record = cls.__new__(cls)
        record.graph, record.meta = graph, meta
        record._quads, record._triples = None, triples
        record.content_hash = record._hash()
        return record

    def _hash(self) -> str:
        """The record's fingerprint: its distinct triples, but not when figures in it were observed
        (``kg:observedAt``, the retrieval time: a file's modification time when nothing better is
        known), so the same content read from two files, or again later, is the same content."""
        lines = sorted({t for t in self.triples if _OBSERVED not in t})
        return hashlib.sha256("\n".join([MAPPER_VERSION, *lines]).encode()).hexdigest()

    @property
    def triples(self) -> list[str]:
        """The graph's triples in N-Triples form."""
        if self._triples is None:
            self._triples = [str(q.triple) for q in self._quads or ()]
        return self._triples

    @property
    def quads(self) -> list[Quad]:
        """The graph's quads."""
        if self._quads is None:
            g = self.graph
            text = "".join(f"{t} .\n" for t in self._triples or ())
            self._quads = [Quad(q.subject, q.predicate, q.object, g) for q in parse(text, format=RdfFormat.N_TRIPLES)]
        return self._quads

    def quads_with(self, predicates: frozenset[str]) -> list[Quad]:
        """The graph's quads whose predicate is one of ``predicates`` (IRIs): of a record made from
        triples, only those triples are parsed (what the cue index reads of each graph written)."""
        if self._quads is not None or self._triples is None:
            return [q for q in self.quads if q.predicate.value in predicates]
        # an N-Triples subject (an IRI or a blank node) holds no space: the predicate is the second field
        lines = [t for t in self._triples if t.split(" ", 2)[1][1:-1] in predicates]
        g = self.graph
        return [Quad(q.subject, q.predicate, q.object, g)
                for q in parse("".join(f"{t} .\n" for t in lines), format=RdfFormat.N_TRIPLES)]

    def __len__(self) -> int:
        """The number of quads in the graph (its provenance not counted)."""
        return len(self._triples) if self._triples is not None else len(self._quads or ())

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RecordGraph) and (self.graph, self.meta) == (other.graph, other.meta)
                and self.triples == other.triples)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordGraph({self.graph.value!r}, {len(self)} quads, {self.meta!r})"

    def nquads(self) -> str:
        """The graph and its provenance as N-Quads text."""
        g = self.graph
        return "".join([*(f"{t} {g} .\n" for t in self.triples), *(f"{q} .\n" for q in self.meta_quads())])

    def meta_quads(self) -> list[Quad]:
        """The meta-graph quads that describe this record graph."""
        m, g = self.meta, self.graph
        derived = (NamedNode(m.derived_from) if "://" in m.derived_from and " " not in m.derived_from
                   else Literal(m.derived_from))
        modified: list[tuple[NamedNode, Literal]] = (
            [] if m.source_modified is None else [(KG.sourceModified, date_literal(m.source_modified))])
        pairs: list[tuple[NamedNode, NamedNode | Literal]] = [
            (RDF.type, PROV.Entity),
            (KG.source, Literal(m.source)),
            (KG.recordId, Literal(m.record_id)),
            (SCHEMA.about, m.about),
            (PROV.wasDerivedFrom, derived),
            (PROV.generatedAtTime, date_literal(m.retrieved_at)),
            *modified,
            (KG.contentHash, Literal(self.content_hash)),
            (KG.mapperVersion, Literal(MAPPER_VERSION)),
        ]
        return [Quad(g, p, o, META) for p, o in pairs]


def date_literal(when: datetime) -> Literal:
    """An ``xsd:dateTime`` literal of ``when`` in UTC.

    >>> date_literal(datetime(2024, 1, 1, 12, tzinfo=UTC)).value
    '2024-01-01T12:00:00+00:00'
    """
    return Literal(when.astimezone(UTC).isoformat(), datatype=XSD.dateTime)


@dataclass(frozen=True)
class StoredVersion:
    """What the meta graph says of a stored record graph: enough to decide whether a new version replaces it."""

    content_hash: str
    #: the record's own date (``kg:sourceModified``), None when it had none
    source_modified: datetime | None
    #: when it was retrieved (``prov:generatedAtTime``); decides between two undated versions
    retrieved: datetime | None = None


@dataclass(frozen=True)
class WriteResult:
    """What one :meth:`kg.store.Store.write` did: graphs written (new or changed), records left as
    they were, and records not written because a newer version of the same record (by the
    source's own date) is stored or came earlier in the batch."""

    written: int
    unchanged: int
    older: int = 0
    #: records the store would not take (a SPARQL server's refusal), each with the server's reason;
    #: not counted in ``written``
    refused: tuple[Refusal, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Refusal:
    """A record the store would not take, and the server's reason (cut short)."""

    source: str
    record_id: str
    message: str


def is_older(incoming: datetime | None, kept: datetime | None,
             incoming_retrieved: datetime | None = None, kept_retrieved: datetime | None = None) -> bool:
    """Whether a record dated ``incoming`` loses to the version dated ``kept``: it is older, or it
    has no date while the kept version has one (an undated record cannot be shown newer). When
    neither has a date, the one retrieved earlier loses (``*_retrieved``: when the source
    answered, else the file's modification time). With the same date, or the same retrieval
    time, the incoming record is not older.

    >>> is_older(datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))
    True
    >>> is_older(None, datetime(2024, 1, 1, tzinfo=UTC)), is_older(datetime(2023, 1, 1, tzinfo=UTC), None)
    (True, False)
    >>> is_older(None, None), is_older(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))
    (False, False)
    >>> is_older(None, None, datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))
    True
    """
    if kept is None:
        if incoming is None and incoming_retrieved is not None and kept_retrieved is not None:
            return incoming_retrieved < kept_retrieved
        return False
    return incoming is None or incoming < kept


@dataclass
class WritePlan:
    """What a batch of record graphs changes in the store (:func:`plan_write`)."""

    #: graphs to write: new, or replacing a stored version
    write: list[RecordGraph]
    #: stored graphs whose content stays and whose ``kg:sourceModified`` moves forward
    redate: dict[NamedNode, datetime]
    #: records not written because a newer version is stored or came earlier in the batch
    older: int


def plan_write(records: Sequence[RecordGraph], stored: dict[str, StoredVersion]) -> WritePlan:
    """Which of ``records`` to write over the ``stored`` versions. Content already stored (the
    same fingerprint, :attr:`RecordGraph.content_hash`) is never written again, whatever the
    dates: a newer source date for it only moves the stored date forward. Only when the content
    differs do dates decide (:func:`is_older`): the newer by the source's own date wins; when
    neither version has one, the later retrieved; with the same date or retrieval time, the
    later one in the load.

    >>> from kg.vocab import SCHEMA
    >>> def version(title: str, year: int) -> RecordGraph:
    ...     g = NamedNode("https://w3id.org/evidence-kg/graph/test/1")
    ...     meta = GraphMeta("test", "1", NamedNode("https://doi.org/10.1/x"), "file:///x.json",
    ...                      datetime(2025, 1, 1, tzinfo=UTC), datetime(year, 1, 1, tzinfo=UTC))
    ...     return RecordGraph.from_triples(g, [f"<https://doi.org/10.1/x> {SCHEMA.name} {Literal(title)}"], meta)
    >>> old, new = version("Old", 2023), version("New", 2024)
    >>> plan = plan_write([new, old], {})
    >>> [r.meta.source_modified.year for r in plan.write], plan.older
    ([2024], 1)
    >>> plan_write([old], {new.graph.value: StoredVersion(new.content_hash, datetime(2024, 1, 1, tzinfo=UTC))}).older
    1
    """
    kept: dict[str, StoredVersion] = dict(stored)
    chosen: dict[str, RecordGraph] = {}
    redated: dict[str, RecordGraph] = {}
    older = 0
    for r in records:
        g, date = r.graph.value, r.meta.source_modified
        current = kept.get(g)
        if current is not None and current.content_hash == r.content_hash:
            if date is not None and (current.source_modified is None or date > current.source_modified):
                kept[g] = StoredVersion(r.content_hash, date, current.retrieved)
                (chosen if g in chosen else redated)[g] = r
            continue
        if current is not None and is_older(date, current.source_modified, r.meta.retrieved_at, current.retrieved):
            older += 1
            continue
        kept[g] = StoredVersion(r.content_hash, date, r.meta.retrieved_at)
        chosen[g] = r
        redated.pop(g, None)
    for g, r in list(chosen.items()):
        if g in stored and stored[g].content_hash == r.content_hash:  # changed, then changed back
            del chosen[g]
            if r.meta.source_modified is not None and r.meta.source_modified != stored[g].source_modified:
                redated[g] = r
    redate = {r.graph: r.meta.source_modified for r in redated.values() if r.meta.source_modified is not None}
    return WritePlan(list(chosen.values()), redate, older)


def redate_update(dates: dict[NamedNode, datetime]) -> str:
    """One SPARQL Update that sets the stored ``kg:sourceModified`` of record graphs whose content
    is unchanged but whose source gave a newer date."""
    deletes = " ".join(f"DELETE WHERE {{ GRAPH {META} {{ {g} {KG.sourceModified} ?d }} }} ;" for g in dates)
    inserts = " .\n".join(f"{g} {KG.sourceModified} {date_literal(d)}" for g, d in dates.items())
    return f"{deletes}\nINSERT DATA {{ GRAPH {META} {{\n{inserts} }} }}"


def replace_update(records: Iterable[RecordGraph]) -> str:
    """One SPARQL Update that replaces each record graph and its provenance.

    Terms are written in their N-Triples form by pyoxigraph, which escapes them.
    """
    parts: list[str] = []
    inserts: list[str] = []
    for r in records:
        parts.append(f"DROP SILENT GRAPH {r.graph} ;")
        parts.append(f"DELETE WHERE {{ GRAPH {META} {{ {r.graph} ?p ?o }} }} ;")
        body = " .\n".join(r.triples)
        meta = " .\n".join(str(q.triple) for q in r.meta_quads())
        inserts.append(f"GRAPH {r.graph} {{\n{body} }}\nGRAPH {META} {{\n{meta} }}")
    return "\n".join(parts) + "\nINSERT DATA {\n" + "\n".join(inserts) + "\n}"
