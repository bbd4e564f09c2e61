"""A record graph made ready for the spool of a load (:mod:`kg.store.spool`): what ``kg load --jobs N``'s
mapping processes (:mod:`loaders.mapworkers`) hand back, so that the loading process does no more
with a new graph than append its text to the spool and keep its rows.

A :class:`PreparedGraph` is a :class:`~kg.store.records.RecordGraph` (the same graph, provenance and
content hash) that also holds the N-Quads text of its quads and of its provenance but the content hash
(what the spool loads first), and its cue index and metrics summary rows. Pickled, it is that text and
those rows as tuples, not one object a triple: its triples are read back from the text if asked.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from kg.store.cuerows import PREDICATES, CueRow, Term, cue_rows, quad_terms
from kg.store.records import GraphMeta, RecordGraph
from kg.store.summary_terms import ABOUT, KEYS, Row, keeps, term_text
from kg.vocab import KG


class PreparedGraph(RecordGraph):
    """A record graph with what the spool takes of it made ready: the text of its quads and provenance
    but its content hash (``text``), its provenance's quads (``meta_count``), its cue and summary rows
    (None: not made)."""

    text: bytes
    meta_count: int
    cues: list[CueRow] | None
    summary: list[Row] | None
    _count: int

    @classmethod
    def of(cls, record: RecordGraph, cues: bool, summary: bool) -> PreparedGraph:
        """``record`` prepared: its rows made where asked (``cues``, ``summary``), its triples parsed once for both."""
        done = cls.__new__(cls)
        g, meta = record.graph, record.meta_quads()
        done.graph, done.meta, done.content_hash = g, record.meta, record.content_hash
        done._triples, done._quads, done._count = record.triples, None, len(record)
        done.text = "".join([*(f"{t} {g} .\n" for t in record.triples),
                             *(f"{q} .\n" for q in meta if q.predicate != KG.contentHash)]).encode()
        done.meta_count = len(meta)
        done.cues = text_cue_rows(record) if cues else None
        done.summary = text_summary_rows(record) if summary else None
        return done

    def holds(self, cues: bool, summary: bool) -> bool:
        """Whether the rows asked for are made."""
        return (not cues or self.cues is not None) and (not summary or self.summary is not None)

    @property
    def triples(self) -> list[str]:
        """The graph's triples in N-Triples form (read back from the text after unpickling)."""
        if self._triples is None:
            cut = len(str(self.graph)) + 3  # " <graph> ."
            self._triples = [line[:-cut] for line in self.text.decode().split("\n")[:self._count]]
        return self._triples

    @property
    def quads(self) -> list[Quad]:
        """The graph's quads."""
        self.triples  # noqa: B018 (read back first)
        found: list[Quad] = RecordGraph.quads.fget(self)  # type: ignore[attr-defined]
        return found

    def __len__(self) -> int:
        return self._count

    def __reduce__(self) -> tuple[Any, ...]:
        cues = None if self.cues is None else [(r.work, r.kind, r.value, r.position, r.family) for r in self.cues]
        return (_restore, (self.graph.value, self.meta, self.content_hash, self.text, self._count,
                           self.meta_count, cues, self.summary))


def text_summary_rows(record: RecordGraph) -> list[Row]:
    """:func:`kg.store.summary.summary_rows` of ``record`` read from its triples' text, not parsed: an
    IRI's text is between its brackets, a literal's between its quotes (a triple with an escape in it,
    or a quoted triple, is parsed)."""
    graph = record.graph.value
    rows: set[Row] = set()
    parsed: list[str] = []
    for t in record.triples:
        s, p, o = t.split(" ", 2)
        if p[1:-1] not in KEYS:
            continue
        if "\\" in t or o.startswith("<<"):
            parsed.append(t)
            continue
        rows.add((_text(s, graph), p[1:-1], _text(o, graph)))
    if parsed:
        rows.update((term_text(q.subject, graph), q.predicate.value, term_text(q.object, graph))
                    for q in parse("".join(f"{t} .\n" for t in parsed), format=RdfFormat.N_TRIPLES))
    rows.add((graph, ABOUT, record.meta.about.value))
    return sorted(r for r in rows if keeps(r[1], r[2]))


def text_cue_rows(record: RecordGraph) -> list[CueRow]:
    """:func:`kg.store.cuerows.record_cues` of ``record`` read from its triples' text, not parsed (as
    :func:`text_summary_rows`; a triple with an escape in it, or a quoted triple, is parsed)."""
    terms: list[Term] = []
    for t in record.triples:
        if t.startswith("<<"):
            continue  # (a quoted triple is no subject cue_rows reads)
        s, p, o = t.split(" ", 2)
        if p[1:-1] not in PREDICATES:
            continue
        if "\\" in t or o.startswith("<<"):
            terms.extend(quad_terms(parse(f"{t} .\n", format=RdfFormat.N_TRIPLES)))
        elif o[0] == '"':
            terms.append((s, p[1:-1], None, o[1:o.rindex('"')]))
        else:
            terms.append((s, p[1:-1], o, None))
    return cue_rows(terms)


def _text(term: str, graph: str) -> str:
    """:func:`kg.store.summary_terms.term_text` of a term in N-Triples form without an escape."""
    if term[0] == "<":
        return term[1:-1]
    if term[0] == "_":
        return f"_:{graph}#{term[2:]}"
    return term[1:term.rindex('"')]


def _restore(graph: str, meta: GraphMeta, content_hash: str, text: bytes, count: int, meta_count: int,
             cues: list[tuple[str, str, str, str, str]] | None, summary: list[Row] | None) -> PreparedGraph:
    done = PreparedGraph.__new__(PreparedGraph)
    done.graph, done.meta, done.content_hash = NamedNode(graph), meta, content_hash
    done._triples, done._quads, done._count = None, None, count
    done.text, done.meta_count, done.summary = text, meta_count, summary
    done.cues = None if cues is None else [CueRow(*r) for r in cues]
    return done
