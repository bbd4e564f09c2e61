"""The cookbook's analyst questions on the real corpus (``../shared/realdata``): PDB entries are data sets (a
subclass the store does not infer), so "the most used datasets" lists the structures real works reference.
Expectations are computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import pytest

from kg.graph import KnowledgeGraph
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

#: Crossref's data citations: articles referencing data sets, PDB entries among them
LINKS = REALDATA / "crossref" / "beta-datacitations"


@pytest.fixture(scope="module")
def graph() -> Iterator[KnowledgeGraph]:
    g = KnowledgeGraph.open(None)
    g.load([LINKS])
    yield g


def test_the_most_used_datasets_include_the_structures_works_reference(graph: KnowledgeGraph) -> None:
    citers: dict[str, set[str]] = defaultdict(set)
    for path in sorted(LINKS.glob("*.json")):
        for link in json.loads(path.read_text("utf-8"))["message"]["items"]:
            if link["object"]["id"].lower().startswith("10.2210/pdb"):
                citers[link["object"]["id"].lower()].add(link["subject"]["id"].lower())
    assert citers  # (the case: a structure among the data sets referenced)
    answer = graph.query("analyst_most_used_datasets")
    rows = {d: int(n or 0) for d, _, _, n in answer.values() if d}
    assert len(rows) < 100  # (the query's LIMIT cut nothing)
    assert {d: rows.get(f"https://doi.org/{d}") for d in citers} == {d: len(c) for d, c in citers.items()}


def test_a_funders_dataset_citations_count_what_it_funded_under_its_ror_id_too() -> None:
    """The question is asked by the NSF's Funder ID; a DataCite data set names the NSF by its ROR ID, which the
    ROR record says is the same body (its Funder ID among its external IDs). The metrics API counted it; the
    cookbook's query, asked by the Funder ID alone, answered nothing."""
    dataset = REALDATA / "datacite" / "dois" / "10.6071_z7wc73.json"
    ror = REALDATA / "ror" / "organizations" / "021nxhr62_v2.json"
    attributes = json.loads(dataset.read_text("utf-8"))["data"]["attributes"]
    assert {f["funderIdentifier"] for f in attributes["fundingReferences"]} == {"https://ror.org/021nxhr62"}
    fundref = [e for e in json.loads(ror.read_text("utf-8"))["external_ids"] if e["type"] == "fundref"]
    assert "100000001" in fundref[0]["all"]  # (the question's funder: 10.13039/100000001)
    record = json.loads(dataset.read_text("utf-8"))["data"]
    citers = {r["relatedIdentifier"].lower() for r in attributes["relatedIdentifiers"]
              if r["relationType"] in ("IsCitedBy", "IsReferencedBy")}
    citers |= {c["id"].lower() for c in record["relationships"]["citations"]["data"]}  # DataCite's citation events
    g = KnowledgeGraph.open(None)
    g.load([dataset, ror])
    rows = g.query("analyst_funder_dataset_citations_by_year").values()
    assert [(int(n or 0), int(m or 0)) for _, n, m in rows] == [(len(citers), 1)]


ASCLEPIAS = sorted((REALDATA / "scholix").glob("asclepias_cornerpy-*.json")) + [
    REALDATA / "scholix" / "asclepias_ads-events-1.json"]
CORNER = "10.5281/zenodo.591491"


def test_software_reuse_lists_every_version_of_a_software_concept() -> None:
    """corner.py's concept has five versions; one is typed software (ADS says so), the others are known only as
    its versions: each is listed with the works referencing it, as Asclepias' links say."""
    versions: set[str] = set()
    users: dict[str, set[str]] = defaultdict(set)
    for path in ASCLEPIAS:
        for link in json.loads(path.read_text("utf-8")):
            source, target = (link[end]["Identifier"]["ID"].lower() for end in ("Source", "Target"))
            kind = link["RelationshipType"].get("SubType") or link["RelationshipType"]["Name"]
            if source == CORNER and kind == "HasVersion":
                versions.add(target)
            elif kind in ("References", "Cites"):
                users[target].add(source)
    assert len(versions) >= 5
    g = KnowledgeGraph.open(None)
    g.load(ASCLEPIAS)
    rows = [r for r in g.query("analyst_software_reuse_across_versions").dicts()
            if str(r["software"]) == f"https://doi.org/{CORNER}"]
    assert {str(r["version"]).removeprefix("https://doi.org/"): int(str(r["usedBy"])) for r in rows} == {
        v: len(users[v]) for v in versions}
