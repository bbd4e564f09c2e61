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
from dataclasses import dataclass
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.ids import META_GRAPH
from kg.vocab import KG, PROV, RDF, SCHEMA, XSD

#: Bumped whenever a mapper's output changes for the same input, so re-loads replace graphs.
MAPPER_VERSION = "1"

META = NamedNode(META_GRAPH)


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
    #: when the raw record was retrieved
    retrieved_at: datetime


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
        lines = sorted(self.triples)
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
        return [Quad(g, p, o, META) for p, o in (
            (RDF.type, PROV.Entity),
            (KG.source, Literal(m.source)),
            (KG.recordId, Literal(m.record_id)),
            (SCHEMA.about, m.about),
            (PROV.wasDerivedFrom, derived),
            (PROV.generatedAtTime, Literal(m.retrieved_at.astimezone(UTC).isoformat(),
                                           datatype=XSD.dateTime)),
            (KG.contentHash, Literal(self.content_hash)),
            (KG.mapperVersion, Literal(MAPPER_VERSION)),
        )]


@dataclass(frozen=True)
class WriteResult:
    """What one :meth:`kg.store.Store.write` did: graphs written (new or changed), and left as they were."""

    written: int
    unchanged: int


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
