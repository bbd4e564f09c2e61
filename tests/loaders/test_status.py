"""Statuses (loaders/status.py): a retraction notice marks the work it retracts, the retracted work's
own ``updated-by`` marks the same node, corrections and new versions mark nothing, a DataCite DOI no
longer findable is withdrawn; over the real corpus, the marks are exactly what its update lists say."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.ids import doi_iri
from kg.store import Store
from kg.vocab import KG
from kg.works import statuses
from loaders.crossref import CrossrefLoader
from loaders.datacite import DataciteLoader
from loaders.status import CROSSREF_STATUSES
from tests.loaders.conftest import Edges, raw
from tests.loaders.test_realdata import REALDATA, corpus_files, shacl_violations
from tests.loaders.timeline import TIMELINE

NOTICE = copy.deepcopy(next(r for r in TIMELINE["crossref"] if r.get("update-to")))
UPDATE = NOTICE["update-to"][0]


def marks(*records: dict[str, Any], loader: Any = CrossrefLoader) -> dict[str, list[tuple[Any, ...]]]:
    store = Store.open(None)
    for record in records:
        mapped = loader.map(raw(loader.name, record))
        assert mapped.graph is not None
        store.write([mapped.graph])
    works = [NamedNode(w) for (w,) in store.select(
        "SELECT DISTINCT ?w WHERE { ?w <https://w3id.org/evidence-kg/ns#status> ?s }").values() if w]
    return {w: [(m.status, m.date, m.reason, m.notice) for m in found] for w, found in statuses(store, works).items()}


def test_a_retraction_notice_marks_the_work_it_retracts() -> None:
    assert marks(NOTICE) == {doi_iri(UPDATE["DOI"]): [
        ("retracted", UPDATE["updated"]["date-time"][:10], UPDATE["label"], doi_iri(NOTICE["DOI"]))]}
    # not the notice itself
    edges = Edges(CrossrefLoader.map(raw("crossref", NOTICE)))
    assert edges.objects(NamedNode(doi_iri(NOTICE["DOI"])), KG.status) == set()


def test_the_retracted_works_own_updated_by_names_the_same_status_once() -> None:
    work = {"DOI": UPDATE["DOI"], "type": "journal-article", "title": ["Retracted"],
            "updated-by": [{**UPDATE, "DOI": NOTICE["DOI"]}]}
    both = marks(NOTICE, work)
    assert both == marks(NOTICE) == marks(work)


@pytest.mark.parametrize("kind", ["correction", "erratum", "new_version", "addendum", "clarification"])
def test_updates_that_do_not_withdraw_mark_nothing(kind: str) -> None:
    notice = copy.deepcopy(NOTICE)
    notice["update-to"][0]["type"] = kind
    assert marks(notice) == {}


@pytest.mark.parametrize(("kind", "status"), sorted(CROSSREF_STATUSES.items()))
def test_each_withdrawing_update_type_has_its_status(kind: str, status: str) -> None:
    notice = copy.deepcopy(NOTICE)
    notice["update-to"][0]["type"] = kind
    assert [m[0] for m in marks(notice)[doi_iri(UPDATE["DOI"])]] == [status]


def test_a_notice_naming_a_bad_doi_still_loads_with_a_warning() -> None:
    notice = copy.deepcopy(NOTICE)
    notice["update-to"][0]["DOI"] = "not a doi"
    mapped = CrossrefLoader.map(raw("crossref", notice))
    assert mapped.graph is not None
    assert any("'update-to[0].DOI' is not a valid DOI; the notice was left out" in w for w in mapped.warnings)


def test_a_datacite_doi_no_longer_findable_is_withdrawn_and_keeps_its_metadata() -> None:
    gone = next(r for r in TIMELINE["datacite"] if r["attributes"]["state"] != "findable")
    assert marks(gone, loader=DataciteLoader) == {doi_iri(gone["id"]): [
        ("withdrawn", gone["attributes"]["updated"][:10],
         f"DataCite state {gone['attributes']['state']!r}: the DOI is no longer findable", None)]}
    edges = Edges(DataciteLoader.map(raw("datacite", gone)))
    assert Literal(gone["attributes"]["titles"][0]["title"]) in {o for (_, _, o) in edges.triples}
    findable = next(r for r in TIMELINE["datacite"] if r["attributes"]["state"] == "findable")
    assert marks(findable, loader=DataciteLoader) == {}


def test_status_nodes_pass_the_shapes() -> None:
    quads = CrossrefLoader.map(raw("crossref", NOTICE)).graph.quads  # type: ignore[union-attr]
    assert any(q.predicate == KG.statusType for q in quads)
    assert shacl_violations(quads) == []
    unknown = [Quad(q.subject, q.predicate, Literal("gone"), q.graph_name) if q.predicate == KG.statusType else q
               for q in quads]
    assert [v for v in shacl_violations(unknown) if "statusType = gone" in v]


# ---------------------------------------------------------------- the real corpus


def expected_marks(record: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(work, status, notice) from a Crossref record's own update lists."""
    found = set()
    for key, notice_is_self in (("update-to", True), ("updated-by", False)):
        for update in record.get(key) or []:
            status = CROSSREF_STATUSES.get(str(update.get("type", "")).lower().replace("-", "_"))
            if status and update.get("DOI"):
                other = doi_iri(update["DOI"])
                work, notice = (other, doi_iri(record["DOI"])) if notice_is_self else (doi_iri(record["DOI"]), other)
                found.add((work, status, notice))
    return found


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/works/*.json", "crossref/works-lists/*.json"))
def test_real_crossref_records_are_marked_exactly_as_their_update_lists_say(path: Path) -> None:
    document = json.loads(path.read_text("utf-8"))
    message = document.get("message", {})
    items = message.get("items", [message]) if isinstance(message, dict) else []
    assert items, f"no Crossref works in {path.relative_to(REALDATA)}"
    for item in items:
        mapped = CrossrefLoader.map(raw("crossref", item))
        assert mapped.graph is not None
        edges = Edges(mapped)
        got = set()
        for work, _, node in [t for t in edges.triples if t[1] == KG.status]:
            notice = next(iter(edges.objects(node, KG.notice)), None)
            status = next(iter(edges.values(node, KG.statusType)))
            got.add((work.value, status, notice.value if notice is not None else work.value))
        assert got == expected_marks(item), item["DOI"]


@pytest.mark.realdata
def test_the_real_corpus_holds_updates_that_withdraw_nothing() -> None:
    """The corpus's updates are corrections and new versions: the test above checks them against
    something, and none of them marks a work."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent")
    kinds = set()
    for path in sorted((REALDATA / "crossref").glob("works*/*.json")):
        message = json.loads(path.read_text("utf-8")).get("message", {})
        for item in message.get("items", [message]) if isinstance(message, dict) else []:
            kinds |= {u.get("type") for key in ("update-to", "updated-by") for u in item.get(key) or []}
    assert {"correction", "new_version"} <= kinds
