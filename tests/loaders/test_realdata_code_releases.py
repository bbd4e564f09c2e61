"""Zenodo's GitHub integration on real records (``../shared/realdata``): a release archived on Zenodo says it
``isSupplementTo`` its GitHub page (``.../tree/<tag>``), in Zenodo's own records and in the DataCite records
of the same DOIs. That page is the same code, not a work that used it: it gave 29 real records a "reuse"
(the GitHub page relying on the archive as software or data) and made it their strongest related item. The
link stays, with the repository and tag; no evidence edge. Expectations are computed from the records' JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.metrics.item import item_metrics
from kg.store import Store
from kg.vocab import KG, SCHEMA
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

TREE = re.compile(r"https://github\.com/([\w.-]+)/([\w.-]+)/tree/(\S+)")


def releases() -> dict[tuple[str, str], Path]:
    """(DOI, GitHub release URL) of every real record that isSupplementTo a GitHub release, and its file."""
    found: dict[tuple[str, str], Path] = {}
    for path in sorted((REALDATA / "zenodo").rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        for r in data.get("hits", {}).get("hits", [data]):
            for rel in (r.get("metadata") or {}).get("related_identifiers") or []:
                if rel.get("relation") == "isSupplementTo" and TREE.fullmatch(rel["identifier"]):
                    found[(r["doi"].lower(), rel["identifier"])] = path
    for path in sorted((REALDATA / "datacite").glob("dois*/*.json")):
        data = json.loads(path.read_text("utf-8"))["data"]
        for r in data if isinstance(data, list) else [data]:
            for rel in r["attributes"].get("relatedIdentifiers") or []:
                if rel.get("relationType") == "IsSupplementTo" and TREE.fullmatch(rel.get("relatedIdentifier") or ""):
                    found[(r["attributes"]["doi"].lower(), rel["relatedIdentifier"])] = path
    return found


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = Store.open(None)
    load(s, read_paths(sorted(set(releases().values()))))
    yield s


def test_a_github_release_a_record_archives_is_a_link_not_a_use(store: Store) -> None:
    found = releases()
    assert len(found) >= 29 and {p.parts[-3] for p in found.values()} >= {"zenodo", "datacite"}
    for doi, url in found:
        work, page = NamedNode(f"https://doi.org/{doi}"), NamedNode(url)
        owner, repository, _ = TREE.fullmatch(url).groups()  # type: ignore[union-attr]
        assert store.ask(f"ASK {{ {work} {KG.isSupplementTo} {page} }}"), (doi, url)
        assert not store.ask(f"ASK {{ {page} ?evidence {work} FILTER(?evidence IN ({KG.reliesOnData}, "
                             f"{KG.reliesOnSoftware})) }}"), (doi, url)
        assert store.ask(f"ASK {{ {work} {SCHEMA.codeRepository} <https://github.com/{owner}/{repository}> }}")


def test_the_archive_is_not_counted_as_used_by_its_own_github_page(store: Store) -> None:
    for doi, _ in sorted(releases())[:8]:
        metrics = item_metrics(store, doi).as_dict()
        used = {k for part in ("citations", "all_versions") for k in metrics[part]["by_relation"]}
        assert not used & {"kg:reliesOnSoftware", "kg:reliesOnData"}, doi
