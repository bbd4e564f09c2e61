"""Statuses: a work retracted, withdrawn or removed, as a source says so, with its date, reason
and notice. Marked, never dropped: the work keeps its graph, and pages, chains and metrics say it.

A status is a ``kg:StatusNotice`` node named by what it says (the work, the kind, the notice), so
that the notice's own record (Crossref ``update-to``) and the retracted work's record (Crossref
``updated-by``) write the same node, and reloading either leaves it once.

>>> from pyoxigraph import NamedNode
>>> from loaders.fields import Fields
>>> b = RecordBuilder(Fields({}, "crossref", "10.1/notice"), NamedNode("https://doi.org/10.1/notice"))
>>> _ = mark(b, NamedNode("https://doi.org/10.1/x"), "retracted", "2024-02-01", "Retraction",
...          NamedNode("https://doi.org/10.1/notice"))
>>> len(b.triples)
6
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.errors import IdentifierError
from kg.vocab import KG, RDF
from loaders.builder import RecordBuilder
from loaders.fields import Fields, parse_date

#: Crossref ``update-to``/``updated-by`` types that change a work's standing -> its status. The
#: others (correction, erratum, new_version, addendum, ...) update a work without withdrawing it.
CROSSREF_STATUSES = {
    "retraction": "retracted",
    "partial_retraction": "partially-retracted",
    "withdrawal": "withdrawn",
    "removal": "removed",
    "expression_of_concern": "expression-of-concern",
}
#: every status kg writes (``kg:statusType``), the shapes' list
STATUSES = (*CROSSREF_STATUSES.values(), "obsoleted")


def mark(b: RecordBuilder, work: NamedNode, status: str, date: str | None, reason: str | None,
         notice: NamedNode | None = None, superseded_by: NamedNode | None = None) -> NamedNode:
    """Write that ``work`` has ``status`` since ``date`` (ISO 8601; its date part is kept), for
    ``reason``, as ``notice`` says; ``superseded_by`` the work that replaces it. Returns the
    status node."""
    key = [work.value, status, notice.value if notice is not None else ""]
    node = NamedNode(ids.shared_iri("status", *key))
    b.add(work, KG.status, node)
    b.add(node, RDF.type, KG.StatusNotice)
    b.add(node, KG.statusType, Literal(status))
    when = parse_date(date) if date else None
    if when is not None:
        b.add(node, KG.statusDate, when)
    b.text(node, KG.statusReason, reason)
    if notice is not None and notice != work:
        b.add(node, KG.notice, notice)
    if superseded_by is not None:
        b.add(node, KG.supersededBy, superseded_by)
    return node


def crossref_updates(f: Fields, b: RecordBuilder) -> None:
    """Crossref's ``update-to`` (this record is a notice about the works it lists) and
    ``updated-by`` (notices about this work): the retractions and withdrawals among them."""
    for key, notice_is_self in (("update-to", True), ("updated-by", False)):
        for update in f.objs(key):
            status = CROSSREF_STATUSES.get((update.string("type") or "").lower().replace("-", "_"))
            other = update.string("DOI")
            if status is None or not other:
                continue
            try:
                other_node = NamedNode(ids.doi_iri(other))
            except IdentifierError:
                b.warn(update.name("DOI"), "is not a valid DOI; the notice was left out", other)
                continue
            work, notice = (other_node, b.work) if notice_is_self else (b.work, other_node)
            updated = update.obj("updated")
            date = updated.string("date-time") if updated else None
            reason = update.string("label") or update.string("type")
            mark(b, work, status, date, reason, notice)


def datacite_state(f: Fields, b: RecordBuilder) -> None:
    """A DataCite DOI whose ``state`` is not ``findable`` (``registered``: taken out of search, a
    tombstone) is withdrawn, dated by its ``updated``."""
    state = f.string("state")
    if state is None or state == "findable":
        return
    mark(b, b.work, "withdrawn", f.string("updated"),
         f"DataCite state {state!r}: the DOI is no longer findable")
