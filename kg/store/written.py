"""Which graphs a SPARQL Update may write to, read from its text: what lets the cue index
(:mod:`kg.store.cues`) follow an update graph by graph instead of being built again whole.

An update writes only where its operations say: the ``GRAPH`` blocks of an ``INSERT DATA``,
``DELETE DATA``, ``DELETE WHERE`` or ``DELETE``/``INSERT`` template (a template's triples outside
``GRAPH`` go to the ``WITH`` graph, else to the store's default graph), the graph of ``LOAD ... INTO
GRAPH``, ``CLEAR``, ``DROP``, and the target of ``ADD``, ``COPY``, ``MOVE`` (and a ``MOVE``'s
source). A ``WHERE`` clause and ``USING`` only read. :func:`graphs_written` reads the update's tokens
(strings and comments skipped, ``PREFIX`` names expanded) and says those graphs, or None when it
cannot say: a template's ``GRAPH ?variable``, ``CLEAR``/``DROP`` ``ALL`` or ``NAMED``, a graph
named by a relative IRI or an unknown prefix, or syntax it does not know (an engine's own). The
caller then does what it did before it could say (the whole index is built again).

>>> sorted(graphs_written("PREFIX ex: <http://example/> DELETE { GRAPH ex:a { ?s ?p ?o } } "
...                       "INSERT { GRAPH <http://example/b> { ?s ?p 'x' } } WHERE { GRAPH ?g { ?s ?p ?o } }").graphs)
['http://example/a', 'http://example/b']
>>> graphs_written("WITH <http://example/c> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ; DROP SILENT DEFAULT")
Written(graphs=frozenset({'http://example/c'}), default=True)
>>> graphs_written("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }") is None
True
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.errors import StoreError
from kg.store.cuerows import PREDICATES, CueRow, record_cues
from kg.store.cues import CueIndexDb
from kg.store.summary_keeps import KeepsSummary
from kg.store.terms import SelectResult

__all__ = ["Written", "graphs_written", "update_keeping_cues"]

log = logging.getLogger(__name__)
#: graphs read back in one query after an update
_GRAPHS_A_QUERY = 200


@dataclass(frozen=True)
class Written:
    """What an update may write to: named graphs (their IRIs), and whether the store's default graph."""

    graphs: frozenset[str]
    default: bool = False


_TOKEN = re.compile(r'''
    (?P<skip>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\#[^\r\n]*|\s+)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<name>(?:[A-Za-z_][\w.-]*)?:[^\s{}()<>"',;]*|[A-Za-z][\w-]*)
  | (?P<punct>[{};])
  | (?P<other>[+-]?\d[\d.]*(?:[eE][+-]?\d+)?|\S)
''', re.VERBOSE)
#: an IRI that names a graph wherever it is used: it has a scheme
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class _Unknown(Exception):
    """The update holds what this module cannot read: say nothing."""


class _Reader:
    def __init__(self, text: str) -> None:
        # read as they come, one ahead: a large INSERT DATA is never held as a list of its tokens
        self._tokens = ((m.lastgroup or "", m[0]) for m in _TOKEN.finditer(text) if m.lastgroup != "skip")
        self._next = next(self._tokens, ("end", ""))
        self.prefixes: dict[str, str] = {}
        self.graphs: set[str] = set()
        self.default = False

    def peek(self) -> tuple[str, str]:
        return self._next

    def skip(self) -> None:
        """Past the next token."""
        self._next = next(self._tokens, ("end", ""))

    def word(self) -> str:
        """The next token as a keyword (upper case), "" when it is not a bare word."""
        kind, text = self.peek()
        return text.upper() if kind == "name" and ":" not in text else ""

    def take(self) -> tuple[str, str]:
        found = self.peek()
        if found[0] == "end":
            raise _Unknown
        self.skip()
        return found

    def expect(self, text: str) -> None:
        if self.take()[1].upper() != text:
            raise _Unknown

    def optional(self, word: str) -> bool:
        if self.word() == word:
            self.skip()
            return True
        return False

    def iri(self) -> str:
        """The next token as an absolute IRI (a prefixed name expanded)."""
        kind, text = self.take()
        if kind == "iri" and _ABSOLUTE.match(text[1:-1]):
            return text[1:-1]
        if kind == "name" and ":" in text and "\\" not in text:
            prefix, _, local = text.rstrip(".").partition(":")
            if prefix in self.prefixes:
                return self.prefixes[prefix] + local
        raise _Unknown  # a variable, a relative IRI, an unknown prefix

    def block(self) -> None:
        """Past a ``{ ... }`` group, whatever it holds."""
        self.expect("{")
        depth = 1
        while depth:
            text = self.take()[1]
            depth += (text == "{") - (text == "}")

    def template(self, into: str | None) -> None:
        """Past a quad template (``{ triples GRAPH <g> { triples } ... }``), noting where it writes:
        each ``GRAPH``'s graph, and ``into`` (None: the default graph) for triples outside one."""
        self.expect("{")
        while True:
            if self.peek()[1] == "}":
                self.skip()
                return
            if self.word() == "GRAPH":
                self.skip()
                self.graphs.add(self.iri())
                self.block()
                continue
            self.take()  # a term of a triple outside GRAPH
            if into is None:
                self.default = True
            else:
                self.graphs.add(into)

    def graph_ref(self, *, all_allowed: bool = False) -> str | None:
        """``GRAPH <g>`` or ``DEFAULT`` (None); ``NAMED``, ``ALL`` are unknown (every graph)."""
        if self.optional("DEFAULT"):
            return None
        if all_allowed and self.word() in ("NAMED", "ALL"):
            raise _Unknown
        self.optional("GRAPH")
        return self.iri()

    def write(self, graph: str | None) -> None:
        if graph is None:
            self.default = True
        else:
            self.graphs.add(graph)

    def operation(self) -> None:
        with_graph: str | None = None
        while self.word() in ("BASE", "PREFIX"):
            if self.take()[1].upper() == "BASE":
                self.take()
                continue
            kind, prefix = self.take()
            kind_iri, iri = self.take()
            if kind != "name" or not prefix.endswith(":") or kind_iri != "iri":
                raise _Unknown
            self.prefixes[prefix[:-1]] = iri[1:-1]
        word = self.word()
        if word == "":
            raise _Unknown
        self.skip()
        if word in ("INSERT", "DELETE") and self.word() in ("DATA", "WHERE"):
            self.skip()
            self.template(None)
            return
        if word == "WITH":
            with_graph = self.iri()
            word = self.word()
            self.skip()
        if word in ("INSERT", "DELETE"):
            self.template(with_graph)
            if word == "DELETE" and self.optional("INSERT"):
                self.template(with_graph)
            while self.optional("USING"):
                self.optional("NAMED")
                self.iri()
            self.expect("WHERE")
            self.block()
        elif word == "LOAD":
            self.optional("SILENT")
            self.iri()
            self.write(self.graph_ref() if self.optional("INTO") else None)
        elif word in ("CLEAR", "DROP"):
            self.optional("SILENT")
            self.write(self.graph_ref(all_allowed=True))
        elif word == "CREATE":
            self.optional("SILENT")
            self.expect("GRAPH")
            self.iri()  # an empty graph: nothing in it to index
        elif word in ("ADD", "COPY", "MOVE"):
            self.optional("SILENT")
            source = self.graph_ref()
            self.expect("TO")
            self.write(self.graph_ref())
            if word == "MOVE":
                self.write(source)
        else:
            raise _Unknown

    def read(self) -> Written:
        while self.peek()[0] != "end":
            self.operation()
            if self.peek()[0] != "end":
                self.expect(";")
        return Written(frozenset(self.graphs), self.default)


def graphs_written(update: str) -> Written | None:
    """The graphs ``update`` may write to, or None when its text does not say (module docstring)."""
    try:
        return _Reader(update).read()
    except _Unknown:
        return None


def update_keeping_cues(open_cues: Callable[[], CueIndexDb], update: str, run: Callable[[str], None],
                        select: Callable[[str], SelectResult], *, default_apart: bool) -> None:
    """Run ``update`` (with ``run``) and keep the cue index (``open_cues``) by graph: the rows of each
    graph it may write to are read again from the store (with ``select``) and replaced; the others are
    left as they are. An update that does not say where it writes, or that writes to the default graph
    where that is not apart from the named graphs (``default_apart``: an embedded store's; a server may
    take it for the union), marks the index stale: it is built again whole at its next use."""
    written = graphs_written(update)
    try:
        cues = open_cues()
    except StoreError:  # a server not answering: the update's own error says so, naming its endpoint
        run(update)
        raise
    try:
        nodes = [NamedNode(g) for g in sorted(written.graphs)] if written is not None else None
    except ValueError:
        nodes = None
    if written is None or nodes is None or (written.default and not default_apart) or not cues.built:
        run(update)
        cues.mark_stale()
        return
    if not nodes:  # the default graph alone (or an empty graph made): no record graph's rows change
        run(update)
        return
    cues.begin_write()  # cut short before the rows are replaced: built again at its next use
    try:
        run(update)
    except BaseException:
        try:  # the update failed, maybe whole, maybe not (a server gone): its graphs read again
            cues.replace(graph_cue_rows(select, nodes))
            cues.end_write()
        except Exception as e:  # noqa: BLE001 (the update's own error is the one to raise)
            log.warning("cannot read back the graphs of a failed update (%s): the cue index is built again", e)
        raise
    cues.replace(graph_cue_rows(select, nodes))
    cues.end_write()


def graph_cue_rows(select: Callable[[str], SelectResult], graphs: Iterable[NamedNode]) -> dict[str, list[CueRow]]:
    """The cue rows of each of ``graphs`` as the store holds it now (none: the graph is empty or gone),
    read with the predicates :func:`~kg.store.cuerows.record_cues` reads, a few hundred graphs a query."""
    wanted = list(graphs)
    quads: dict[str, list[Quad]] = {g.value: [] for g in wanted}
    predicates = " ".join(f"<{p}>" for p in sorted(PREDICATES))
    for at in range(0, len(wanted), _GRAPHS_A_QUERY):
        chunk = " ".join(str(g) for g in wanted[at:at + _GRAPHS_A_QUERY])
        result = select(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {chunk} }} VALUES ?p {{ {predicates} }} "
                        "GRAPH ?g { ?s ?p ?o } }")
        for g, s, p, o in result.rows:
            if (isinstance(g, NamedNode) and isinstance(s, NamedNode | BlankNode) and isinstance(p, NamedNode)
                    and isinstance(o, NamedNode | BlankNode | Literal)):
                quads[g.value].append(Quad(s, p, o, g))
    return {g: record_cues(q) for g, q in quads.items()}


#: one cue index is opened for a store however many threads ask at once
_OPENING_CUES = threading.RLock()


class KeepsCues(KeepsSummary):
    """What :class:`kg.store.Store` holds of its cue index (and of its metrics summary): opened on
    first use, kept by ``Store.write`` and, graph by graph, by ``Store.update`` (:func:`update_keeping_cues`)."""

    _cues: CueIndexDb | None = None
    #: an update's triples outside GRAPH go to a default graph of the store's own, not the union's graphs
    _default_apart: bool = False

    @property
    def cues(self) -> CueIndexDb:
        """The cue index of this store (:mod:`kg.store.cues`), opened on first use. A new one is
        complete at once when the store is empty; otherwise it is built from the store at its next use."""
        with _OPENING_CUES:
            return self._open_cues()

    def _before_write(self) -> None:  # noqa: B027 (no one else writes to it)
        """Before this process's rows go into the cue index and the metrics summary: a store others write
        to checks them against its mark (:class:`kg.store.remote_cues.FollowsMark`)."""

    def _open_cues(self) -> CueIndexDb:
        if self._cues is None:
            path = self.cue_index_path()
            empty = self._fresh or (path is not None and path.exists()) or not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }")
            self._cues = CueIndexDb(path, empty_store=empty)
        return self._cues
