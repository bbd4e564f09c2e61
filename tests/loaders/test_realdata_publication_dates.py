"""A Crossref work's publication date on the real corpus (``../shared/realdata``): a thesis whose record
has no ``issued`` date is dated by its ``approved`` date, a preprint by its ``posted`` date; expectations
are read from the JSON."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.vocab import SCHEMA
from loaders.pipeline import map_record
from loaders.read import read_file
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


def _year(message: dict[str, object], key: str) -> int | None:
    parts = (message.get(key) or {}).get("date-parts") or [[None]]  # type: ignore[attr-defined]
    return parts[0][0] if parts and parts[0] else None


def test_an_undated_thesis_or_preprint_is_dated_by_its_approval_or_posting() -> None:
    checked = 0
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        if any(_year(message, k) for k in ("issued", "published", "published-online", "published-print")):
            continue
        expected = _year(message, "approved") or _year(message, "posted")
        if expected is None:
            continue
        (raw,) = read_file(path)
        graph, problems = map_record(raw)  # type: ignore[arg-type]
        assert graph is not None, problems
        work = NamedNode(ids.doi_iri(message["DOI"]))
        dates = [q.object for q in graph.quads if q.subject == work and q.predicate == SCHEMA.datePublished]
        assert [int(d.value[:4]) for d in dates if isinstance(d, Literal)] == [expected], path.name
        checked += 1
    assert checked >= 1  # the University of Queensland thesis 10.14264/uql.2020.791
