"""People on real records (``../shared/realdata``): a DataCite contributor of type ``Editor`` is the work's
editor (a book of 1822 edited by Schumacher and Warnstorff), and a name that stands for no one (a creator
"Unknown", DataCite's ":unav", an editor "et al.") names no creator, author or editor. Expectations are read
from the records' JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.vocab import SCHEMA
from loaders.builder import NO_ONE
from tests.loaders.test_realdata import ABSENT, REALDATA, load_file

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


def _datacite(path: Path) -> Iterator[dict[str, Any]]:
    data = json.loads(path.read_text("utf-8"))["data"]
    yield from (item["attributes"] for item in (data if isinstance(data, list) else [data]))


def _names(path: Path, work: NamedNode, role: NamedNode) -> list[str]:
    """The names printed in the work's ``role`` slots, in their order."""
    quads = [q for g in load_file(path).graphs if g.graph.value.endswith(ids.doi_from_iri(work.value))
             for q in g.quads]
    slots: set[Any] = {q.object for q in quads if q.subject == work and q.predicate == role}
    position = {q.subject: int(q.object.value) for q in quads if q.subject in slots and q.predicate == SCHEMA.position
                and isinstance(q.object, Literal)}
    names = {q.subject: q.object.value for q in quads if q.subject in slots and q.predicate == SCHEMA.name
             and isinstance(q.object, Literal)}
    return [names[s] for s in sorted(slots, key=lambda s: position[s]) if s in names]


def _person(agent: dict[str, Any]) -> str:
    """The name as printed (kg keeps it without surrounding white space)."""
    return (agent.get("name") or ", ".join(x for x in (agent.get("familyName"), agent.get("givenName")) if x)).strip()


def test_a_datacite_editor_is_the_works_editor_and_no_one_is_no_creator() -> None:
    editors = placeholders = 0
    for path in sorted((REALDATA / "datacite" / "dois").glob("*.json")):
        for attributes in _datacite(path):
            work = NamedNode(ids.doi_iri(attributes["doi"]))
            named = [_person(c) for c in attributes.get("contributors") or [] if c.get("contributorType") == "Editor"]
            expected = [n for n in named if n.lower() not in NO_ONE]
            assert _names(path, work, SCHEMA.editor) == expected, path.name
            editors += bool(expected)
            creators = [_person(c) for c in attributes.get("creators") or []]
            kept = [n for n in creators if n.lower() not in NO_ONE]
            placeholders += len(creators) - len(kept)
            assert _names(path, work, SCHEMA.creator) == kept, path.name
    assert editors and placeholders  # the corpus holds both


def test_an_et_al_editor_of_a_crossref_work_is_no_one() -> None:
    found = 0
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        named = [_person(e) or e.get("family", "") for e in message.get("editor") or []]
        if not any(n.strip().lower() in NO_ONE for n in named):
            continue
        found += 1
        work = NamedNode(ids.doi_iri(message["DOI"]))
        assert not {n.strip().lower() for n in _names(path, work, SCHEMA.editor)} & NO_ONE, path.name
    assert found
