"""Record graphs written to a SPARQL server in updates it takes: sized by the engine's limits, split
when refused, and a record the server will not take given up alone.

Records go together into updates of at most :attr:`Engine.update_bytes` bytes,
:attr:`Engine.update_lines` lines and :attr:`Engine.update_records` records. An update the
server refuses is split in two and each half sent again; a record refused alone is sent in parts
(the graph dropped, its triples inserted a slice at a time, its provenance last: a write cut short
leaves no content hash, so the next load writes the record again); refused again, it is a
:class:`Refusal` carrying the server's message and the rest of the batch is written.

>>> from kg.store.engines import VIRTUOSO
>>> sent: list[str] = []
>>> write_records([], sent.append, VIRTUOSO), sent
([], [])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kg.errors import StoreError
from kg.store.engines import Engine
from kg.store.records import META, RecordGraph, Refusal, replace_update

#: bytes and lines a record's provenance and the update's frame add, besides its triples
_FRAME_BYTES, _FRAME_LINES = 1_200, 16
#: the longest server message a refusal keeps
MESSAGE_CHARS = 300


class UpdateRefusedError(StoreError):
    """The server answered an update with an error: this update, not the server, is the problem.
    ``server_message`` is the server's own reason, cut short (:func:`short`)."""

    server_message: str = ""

    @classmethod
    def saying(cls, endpoint: str, message: str) -> UpdateRefusedError:
        error = cls(f"the SPARQL server at {endpoint} refused the update: {short(message)}")
        error.server_message = short(message)
        return error


def write_records(records: Sequence[RecordGraph], send: Callable[[str], None], engine: Engine) -> list[Refusal]:
    """Write ``records`` with ``send`` (one SPARQL Update a call); the records refused."""
    refused: list[Refusal] = []
    for group in _groups(records, engine):
        _write_group(group, send, engine, refused)
    return refused


def _size(record: RecordGraph) -> tuple[int, int]:
    return sum(len(t) for t in record.triples) + 3 * len(record) + _FRAME_BYTES, len(record) + _FRAME_LINES


def _fits(nbytes: int, lines: int, engine: Engine) -> bool:
    return (not engine.update_bytes or nbytes <= engine.update_bytes) and (
        not engine.update_lines or lines <= engine.update_lines)


def _groups(records: Sequence[RecordGraph], engine: Engine) -> list[list[RecordGraph]]:
    """Consecutive records packed into updates within the engine's limits (a record over them alone)."""
    groups: list[list[RecordGraph]] = []
    nbytes = lines = 0
    for r in records:
        b, n = _size(r)
        room = not engine.update_records or (groups and len(groups[-1]) < engine.update_records)
        if groups and room and _fits(nbytes + b, lines + n, engine):
            groups[-1].append(r)
            nbytes, lines = nbytes + b, lines + n
        else:
            groups.append([r])
            nbytes, lines = b, n
    return groups


def _write_group(group: list[RecordGraph], send: Callable[[str], None], engine: Engine,
                 refused: list[Refusal]) -> None:
    if len(group) == 1 and not _fits(*_size(group[0]), engine):
        _write_in_parts(group[0], send, engine, refused, 1)
        return
    try:
        send(engine.update_text(replace_update(group)))
    except UpdateRefusedError as e:
        if len(group) == 1:
            _write_in_parts(group[0], send, engine, refused, 4, first=e)
            return
        half = len(group) // 2
        _write_group(group[:half], send, engine, refused)
        _write_group(group[half:], send, engine, refused)


def _write_in_parts(record: RecordGraph, send: Callable[[str], None], engine: Engine, refused: list[Refusal],
                    shrink: int, first: UpdateRefusedError | None = None) -> None:
    """One record in several updates, each a ``shrink``-th of the engine's limits at most."""
    g = record.graph
    limit_bytes = (engine.update_bytes or 1_000_000) // shrink
    limit_lines = (engine.update_lines or 10_000) // shrink
    slices: list[list[str]] = [[]]
    nbytes = 0
    for t in record.triples:
        if slices[-1] and (nbytes + len(t) > limit_bytes or len(slices[-1]) >= limit_lines):
            slices.append([])
            nbytes = 0
        slices[-1].append(t)
        nbytes += len(t) + 3
    meta = " .\n".join(str(q.triple) for q in record.meta_quads())
    updates = [f"DROP SILENT GRAPH {g} ;\nDELETE WHERE {{ GRAPH {META} {{ {g} ?p ?o }} }}",
               *("INSERT DATA { GRAPH " + str(g) + " {\n" + " .\n".join(s) + " } }" for s in slices if s),
               f"INSERT DATA {{ GRAPH {META} {{\n{meta} }} }}"]
    try:
        for update in updates:
            send(engine.update_text(update))
    except UpdateRefusedError as e:
        if shrink < 16 and len(record) > 1:
            _write_in_parts(record, send, engine, refused, shrink * 4, first or e)
            return
        reason = (first or e).server_message
        try:  # leave no part of it behind
            send(f"DROP SILENT GRAPH {g}")
        except UpdateRefusedError:
            pass
        refused.append(Refusal(record.meta.source, record.meta.record_id, short(reason)))


def short(message: str) -> str:
    """A server's message without the update it quotes, on one line, at most :data:`MESSAGE_CHARS` long.

    >>> short("Virtuoso 37000 Error SP031: SPARQL: exceeded 10000 lines\\n\\nSPARQL query:\\nINSERT ...")
    'Virtuoso 37000 Error SP031: SPARQL: exceeded 10000 lines'
    """
    text = " ".join(message.split("SPARQL query:")[0].split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
