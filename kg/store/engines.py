"""The SPARQL servers a remote store may be, and what each needs: the engine's part of the profile.

A :class:`~kg.store.remote.RemoteStore` learns which engine it talks to from the ``Server`` header
of the first answer (:func:`engine_of`). Each :class:`Engine` says how large one update may be and
rewrites what that engine gets wrong, on the way in (updates, queries) and on the way out (terms):

* Virtuoso 7.2 keeps graphs of its own (:attr:`Engine.system_graphs`): they are kept out of
  ``GRAPH ?g`` patterns (Virtuoso binds ``?g`` inside the pattern) and of exports;
* it refuses an update of more than 10,000 lines (``SP031``) and runs out of memory on
  a few megabytes (``SP030``); its SPARQL compiler mangles ``xsd:duration`` literals (``"P1Y"``
  stored as ``"12"``, ``"P1Y2M10D"`` as ``"14"``, ``"P0Y"`` or ``"P2DT3H"`` refused with ``SQ200:
  No column P0YD``), so they are written with a datatype of kg's it stores as it is
  (:data:`STORED_DURATION`) and read back as ``xsd:duration`` in Oxigraph's canonical form; it answers
  ``BIND(true AS ?x)`` as ``"1"^^xsd:integer`` and a boolean as ``"1"^^xsd:boolean``, so booleans
  in queries are written ``STRDT("true", xsd:boolean)`` and read back as ``true``/``false``.

>>> engine_of("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name, engine_of("Oxigraph/0.5.2").name
('virtuoso', 'oxigraph')
>>> VIRTUOSO.update_text('<a> <b> "P0Y"^^<http://www.w3.org/2001/XMLSchema#duration>')
'<a> <b> "P0Y"^^<https://w3id.org/evidence-kg/ns#storedDuration>'
>>> VIRTUOSO.query_text("SELECT ?f WHERE { BIND(true AS ?f) }")
'SELECT ?f WHERE { BIND(STRDT("true", <http://www.w3.org/2001/XMLSchema#boolean>) AS ?f) }'
>>> VIRTUOSO.term(Literal("1", datatype=XSD_BOOLEAN)).value  # type: ignore[attr-defined]
'true'
>>> VIRTUOSO.term(Literal("P0Y", datatype=STORED_DURATION))
<Literal value=PT0S datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#duration>>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal as Named

from pyoxigraph import Literal, NamedNode

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = NamedNode(XSD + "boolean")
XSD_DURATION = NamedNode(XSD + "duration")
XSD_DATETIME = NamedNode(XSD + "dateTime")
#: the datatype an ``xsd:duration`` is stored with on Virtuoso, whose compiler mangles that one
STORED_DURATION = NamedNode("https://w3id.org/evidence-kg/ns#storedDuration")

EngineName = Named["oxigraph", "virtuoso", "generic"]

_DURATION = re.compile(r'"(-?P[0-9YMDTHS.]*)"\^\^<' + re.escape(XSD) + r'duration>')
_GRAPH_VARIABLE = re.compile(r"\bGRAPH\s+([?$]\w+)\s*\{", re.IGNORECASE)
_DESCRIBE_IRIS = re.compile(r"\bDESCRIBE\s+((?:<[^<>\s]*>\s*)+)$", re.IGNORECASE)
_BIND_BOOLEAN = re.compile(r"\bBIND\s*\(\s*(true|false)\s+AS\b", re.IGNORECASE)
_PARTS = re.compile(r"^(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


@dataclass(frozen=True)
class Engine:
    """One kind of SPARQL server, as a remote store sees it."""

    name: EngineName
    #: the most bytes one update may hold (0: no limit); a longer one is split (records stay whole
    #: where they fit) and an update refused is split again before a record is given up
    update_bytes: int = 0
    #: the most lines one update may hold (0: no limit)
    update_lines: int = 0
    #: the most records one update may replace (0: no limit): Virtuoso's limit is on the SQL it generates
    #: (``SP031 ... exceeded 10000 lines``), which grows with each graph dropped and inserted and with
    #: each triple, so refusals (each split and sent again) start well below 10,000 lines of SPARQL
    update_records: int = 0

    #: graphs of the engine's own (Virtuoso's RDF views, its LDP and URIQA graphs): left out of exports
    #: and counts
    system_graphs: tuple[str, ...] = ()

    def graph_filter(self, variable: str) -> str:
        """A FILTER keeping ``variable`` off the engine's system graphs ("" when it has none).

        >>> VIRTUOSO.graph_filter("?g")[:60]
        'FILTER(?g NOT IN (<http://www.openlinksw.com/schemas/virtrdf'
        """
        if not self.system_graphs:
            return ""
        return f"FILTER({variable} NOT IN ({', '.join(f'<{g}>' for g in self.system_graphs)}))"

    def is_syntax_error(self, message: str) -> bool:
        """Whether the server's 400 says the query does not parse (else the engine failed on a good one:
        Virtuoso names SQL state 37000 for syntax, others for its own failures)."""
        if self.name != "virtuoso":
            return True
        return " 37000 " in message[:40] and "SP030" in message[:60] and "memory exhausted" not in message

    def update_text(self, sparql_update: str) -> str:
        """The update as this engine must get it."""
        if self.name != "virtuoso":
            return sparql_update
        return _DURATION.sub(lambda m: f'"{m[1]}"^^<{STORED_DURATION.value}>', sparql_update)

    def query_text(self, sparql: str) -> str:
        """The query as this engine must get it."""
        if self.name != "virtuoso":
            return sparql
        # its system graphs stay out of GRAPH ?g (Virtuoso binds ?g inside the pattern already)
        text = _GRAPH_VARIABLE.sub(lambda m: f"{m[0]} {self.graph_filter(m[1])}", sparql)
        return _BIND_BOOLEAN.sub(lambda m: f'BIND(STRDT("{m[1].lower()}", <{XSD}boolean>) AS', text)

    def describe_text(self, sparql: str) -> str | None:
        """A ``DESCRIBE <iri> ...`` as the CONSTRUCT of the IRIs' own triples, which is what Oxigraph
        describes (Virtuoso's own DESCRIBE gives a few of them); None to send the query as it is.

        >>> VIRTUOSO.describe_text("DESCRIBE <https://doi.org/10.1/x>")
        'CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <https://doi.org/10.1/x> } ?s ?p ?o }'
        """
        found = _DESCRIBE_IRIS.search(sparql)
        if self.name != "virtuoso" or found is None:
            return None
        iris = " ".join(found[1].split())
        return f"{sparql[:found.start()]}CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {iris} }} ?s ?p ?o }}"

    def term(self, term: object) -> object:
        """A term of an answer as the embedded store would give it."""
        if self.name != "virtuoso" or not isinstance(term, Literal):
            return term
        datatype = term.datatype.value
        if datatype == XSD_BOOLEAN.value and term.value in ("1", "0"):
            return Literal("true" if term.value == "1" else "false", datatype=XSD_BOOLEAN)
        if datatype in (XSD_DURATION.value, STORED_DURATION.value):
            return Literal(canonical_duration(term.value), datatype=XSD_DURATION)
        if datatype == XSD_DATETIME.value:
            return Literal(canonical_datetime(term.value), datatype=XSD_DATETIME)
        return term


GENERIC = Engine("generic")
OXIGRAPH = Engine("oxigraph")
#: Virtuoso 7.2: 10,000 lines of generated SQL an update (SP031); a few MB exhaust its memory (SP030).
#: Measured on 1,076 real Crossref records: 3,000 lines and 20 records an update had 186 of 500 updates
#: refused (136 s); 1,000 lines and 10 records none (85 s)
VIRTUOSO = Engine("virtuoso", update_bytes=1_000_000, update_lines=1_000, update_records=10, system_graphs=(
    "http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/sparql",
    "http://www.w3.org/2002/07/owl#"))


def engine_of(server: str | None) -> Engine:
    """The engine that signs its answers with this ``Server`` header."""
    text = (server or "").lower()
    if text.startswith("virtuoso"):
        return VIRTUOSO
    if text.startswith("oxigraph"):
        return OXIGRAPH
    return GENERIC


def canonical_duration(text: str) -> str:
    """An ``xsd:duration`` in the canonical form Oxigraph gives it (years and months, then days and
    time normalised; zero as ``PT0S``); the text itself when it is not a duration.

    >>> [canonical_duration(d) for d in ("P0Y", "P1YT0S", "-P3MT0S", "P1DT25H")]
    ['PT0S', 'P1Y', '-P3M', 'P2DT1H']
    """
    found = _PARTS.match(text)
    if found is None or text in ("P", "-P") or text.endswith("T"):
        return text
    sign, y, mo, d, h, mi, s = found.groups()
    months = int(y or 0) * 12 + int(mo or 0)
    seconds = ((int(d or 0) * 24 + int(h or 0)) * 60 + int(mi or 0)) * 60 + float(s or 0)
    years, months = divmod(months, 12)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    date = "".join(f"{int(v)}{u}" for v, u in ((years, "Y"), (months, "M"), (days, "D")) if v)
    sec = f"{secs:g}" if secs != int(secs) else str(int(secs))
    time = "".join(f"{v}{u}" for v, u in ((int(hours), "H"), (int(minutes), "M"), (sec, "S")) if v not in (0, "0"))
    if not date and not time:
        return "PT0S"
    return f"{sign if date or time else ''}P{date}{'T' + time if time else ''}"



_FRACTION = re.compile(r"^([^.]*T\d\d:\d\d:\d\d)(?:\.(\d*))?(.*)$")


def canonical_datetime(text: str) -> str:
    """An ``xsd:dateTime`` in the canonical form Oxigraph gives it: no trailing zeros in the seconds'
    fraction (Virtuoso keeps microseconds: ``.269560``), ``Z`` for a zero offset; the text itself
    when it is not a date-time.

    >>> [canonical_datetime(d) for d in ("2024-01-01T10:00:27.269560Z", "2024-01-01T10:00:27.000+00:00",
    ...                                  "2024-01-01T10:00:27.5-05:00", "2024-01-01")]
    ['2024-01-01T10:00:27.26956Z', '2024-01-01T10:00:27Z', '2024-01-01T10:00:27.5-05:00', '2024-01-01']
    """
    found = _FRACTION.match(text)
    if found is None:
        return text
    start, fraction, zone = found[1], (found[2] or "").rstrip("0"), found[3]
    return f"{start}{'.' + fraction if fraction else ''}{'Z' if zone in ('+00:00', '-00:00') else zone}"
