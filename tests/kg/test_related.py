"""Related items with reasons, on the sample graph and on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg.errors import NotFoundError
from kg.related import RelatedItem, related_items
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
REALDATA = ROOT.parent / "shared" / "realdata"
DOI = "https://doi.org/"


@pytest.fixture(scope="module")
def sample() -> Store:
    s = Store.open(None)
    load(s, read_paths([SAMPLES]))
    return s


def _table(found: list[RelatedItem]) -> list[tuple[str, str, float, list[tuple[str, str, int]]]]:
    assert found
    return [(r.item.iri.removeprefix(DOI), r.tier, r.score, [(x.kind, x.text, x.count) for x in r.reasons])
            for r in found]


def test_a_software_version_is_related_to_its_concept_siblings_citers_and_co_cited_data(sample: Store) -> None:
    sibling = ("version", "another version of the same software", 1)
    # versions first (evidence), then co-citation by its cosine, then a plain citation; ties by year
    assert _table(related_items(sample, "10.5555/kg-sample.tool.v1")) == [
        ("10.5555/kg-sample.tool", "evidence", 3.0, [("version", "has it as version", 1)]),
        ("10.5555/kg-sample.tool.v3", "evidence", 3.0, [sibling]),
        ("10.5555/kg-sample.tool.v2", "evidence", 3.0, [sibling]),
        # P1 co-cited with it by P4 of 4 citers and 2 of P1's own (P4 and R): 1 / sqrt(4 x 2)
        ("10.5555/kg-sample.p1", "similarity", 1.3536, [("co-citation", "cited together by 1 work", 1),
                                                        ("link", "cites it", 1)]),
        ("10.5555/kg-sample.data", "similarity", 0.75, [("co-citation", "cited together by 3 works", 3)]),
        ("10.5555/kg-sample.p4", "link", 1.0, [("link", "cites it", 1)]),
    ]


def test_co_citation_of_a_version_rolls_up_over_all_versions_and_names_the_citing_works(sample: Store) -> None:
    data = next(r for r in related_items(sample, "10.5555/kg-sample.tool.v1") if r.item.iri.endswith("data"))
    assert data.reasons[0].shared == tuple(f"{DOI}10.5555/kg-sample.p{n}" for n in (2, 3, 4))
    assert data.item.kind == "Dataset" and data.item.year == 2019


def test_a_dataset_is_related_to_its_citers_and_the_software_concept_cited_with_it(sample: Store) -> None:
    cited = ("link", "cites it", 1)
    together = ("co-citation", "cited together by 1 work", 1)
    assert _table(related_items(sample, "10.5555/kg-sample.data")) == [
        ("10.5555/kg-sample.p3", "evidence", 5.5, [("evidence", "is supplemented by it", 1), together, cited]),
        ("10.5555/kg-sample.p2", "similarity", 1.5, [together, cited]),
        ("10.5555/kg-sample.tool", "similarity", 0.75, [("co-citation", "cited together by 3 works", 3)]),
        ("10.5555/kg-sample.p1", "similarity", 0.3536, [together]),
        ("10.5555/kg-sample.p5", "link", 1.0, [cited]),
        ("10.5555/kg-sample.p4", "link", 1.0, [cited]),
    ]


def test_a_link_reason_names_the_relation_from_the_related_node_to_the_item_as_its_text_reads(sample: Store) -> None:
    p3 = next(r for r in related_items(sample, "10.5555/kg-sample.data") if r.item.iri.endswith("p3"))
    assert [(r.text, r.label, r.relation) for r in p3.reasons if r.kind in ("evidence", "link")] == [
        ("is supplemented by it", "is supplemented by", "https://w3id.org/evidence-kg/ns#isSupplementedBy"),
        ("cites it", "cites", "https://w3id.org/evidence-kg/ns#cites")]


def test_bibliographic_coupling_counts_shared_references_normalised_by_salton(sample: Store) -> None:
    coupled = ("coupling", "cites 1 work it cites too", 1)
    assert _table(related_items(sample, "10.5555/kg-sample.p3")) == [
        ("10.5555/kg-sample.data", "evidence", 5.5, [("evidence", "is supplement to it", 1),
                                                     ("co-citation", "cited together by 1 work", 1),
                                                     ("link", "is cited by it", 1)]),
        ("10.5555/kg-sample.p2", "similarity", 1.5, [("co-citation", "cited together by 1 work", 1), coupled]),
        ("10.5555/kg-sample.p5", "similarity", 1.4082, [coupled, ("link", "cites it", 1)]),
        ("10.5555/kg-sample.p4", "similarity", 0.4082, [coupled]),
        ("10.5555/kg-sample.tool.v3", "link", 1.0, [("link", "is cited by it", 1)]),
    ]
    p4 = next(r for r in related_items(sample, "10.5555/kg-sample.p3") if r.item.iri.endswith("p4"))
    # 1 shared reference; P3 cites 2 works, P4 cites 3: 1 / sqrt(2 x 3)
    assert p4.reasons[0].strength == 0.4082


def test_a_concept_is_related_to_its_versions(sample: Store) -> None:
    found = _table(related_items(sample, NamedNode(f"{DOI}10.5555/kg-sample.tool")))
    assert [row for row in found if row[3][0][0] == "version"] == [
        (f"10.5555/kg-sample.tool.v{n}", "evidence", 3.0, [("version", "is version of it", 1)]) for n in (1, 3, 2)]


def test_the_sci_rep_article_is_related_to_its_structure(sample: Store) -> None:
    assert _table(related_items(sample, "10.1038/s41598-021-81251-2")) == [
        ("10.2210/pdb6gv0/pdb", "evidence", 4.0, [("evidence", "is supplement to it", 1)])]


def test_limit_keeps_the_best(sample: Store) -> None:
    assert [r.item.iri for r in related_items(sample, "10.5555/kg-sample.data", limit=2)] == [
        f"{DOI}10.5555/kg-sample.p3", f"{DOI}10.5555/kg-sample.p2"]


def test_results_are_json_ready(sample: Store) -> None:
    first = related_items(sample, "10.5555/kg-sample.tool.v1", limit=1)[0].as_dict()
    assert first["score"] == 3.0 and first["tier"] == "evidence" and first["reasons"][0] == {  # type: ignore[index]
        "kind": "version", "text": "has it as version", "count": 1, "shared": [],
        "relation": "https://w3id.org/evidence-kg/ns#hasVersion", "label": "has version", "strength": None,
        "rule": None}


def test_an_unknown_identifier_raises_not_found(sample: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.1/absent"):
        related_items(sample, "10.1/absent")


def test_an_item_with_no_links_has_no_related_items() -> None:
    s = Store.open(None)
    s.update('INSERT DATA { GRAPH <https://example.org/g> { '
             '<https://doi.org/10.1/alone> <http://schema.org/name> "x" } }')
    assert related_items(s, "10.1/alone") == []


def test_works_relying_on_the_same_data_software_and_structure_are_related() -> None:
    # the sample graph has no two works relying on the same data, so a small graph of our own
    s = Store.open(None)
    s.update("""PREFIX kg: <https://w3id.org/evidence-kg/ns#>
        INSERT DATA { GRAPH <https://example.org/g> {
          <https://doi.org/10.1/a> kg:reliesOnData <https://doi.org/10.1/d1>, <https://doi.org/10.1/d2>,
                                                   <https://doi.org/10.2210/pdb1abc/pdb> ;
                                   kg:reliesOnSoftware <https://doi.org/10.1/s> .
          <https://doi.org/10.1/b> kg:reliesOnData <https://doi.org/10.1/d1>, <https://doi.org/10.1/d2> .
          <https://doi.org/10.1/c> kg:reliesOnSoftware <https://doi.org/10.1/s> ;
                                   kg:reliesOnData <https://doi.org/10.2210/pdb1abc/pdb> .
          <https://doi.org/10.2210/pdb1abc/pdb> a kg:StructureEntry .
        } }""")
    assert _table(related_items(s, "10.1/a")) == [
        ("10.1/b", "evidence", 4.0, [("shared-data", "uses 2 of the same datasets: 10.1/d1, 10.1/d2", 2)]),
        ("10.1/c", "evidence", 4.0, [("structure", "uses the same structure 10.2210/pdb1abc/pdb", 1),
                                     ("shared-software", "uses the same software 10.1/s", 1)]),
    ]


def test_an_inferred_data_citation_is_evidence_ranked_below_stated_evidence_and_names_its_rule() -> None:
    s = Store.open(None)
    s.update("""PREFIX kg: <https://w3id.org/evidence-kg/ns#>
        PREFIX cito: <http://purl.org/spar/cito/>
        PREFIX schema: <http://schema.org/>
        INSERT DATA { GRAPH <https://example.org/g> {
          <https://doi.org/10.1/a> cito:cites <https://doi.org/10.5061/dryad.x>, <https://doi.org/10.1/p>,
                                              <https://doi.org/10.5281/zenodo.article>,
                                              <https://doi.org/10.5061/dryad.s> ;
                                   kg:requires <https://doi.org/10.1/s> ;
                                   kg:isSupplementedBy <https://doi.org/10.5061/dryad.s> .
          <https://doi.org/10.5281/zenodo.article> a schema:ScholarlyArticle .
        } }""")
    found = related_items(s, "10.1/a")
    assert _table(found) == [
        # stated as a supplement and cited: the stated link and the plain citation, never inferred
        ("10.5061/dryad.s", "evidence", 5.0, [("evidence", "is supplement to it", 1), ("link", "is cited by it", 1)]),
        ("10.1/s", "evidence", 4.0, [("evidence", "is required by it", 1)]),
        ("10.5061/dryad.x", "evidence", 2.0, [("inferred-evidence", "is cited by it as data (inferred: Dryad DOI)",
                                               1)]),
        # a Zenodo DOI a record types as an article: a plain citation
        ("10.1/p", "link", 1.0, [("link", "is cited by it", 1)]),
        ("10.5281/zenodo.article", "link", 1.0, [("link", "is cited by it", 1)]),
    ]
    inferred = found[2].reasons[0]
    assert (inferred.rule, inferred.as_dict()["rule"]) == ("repository-prefix:10.5061", "repository-prefix:10.5061")
    # from the data's side, the citing work is related by the same inference
    back = related_items(s, "10.5061/dryad.x")
    assert _table(back)[0] == ("10.1/a", "evidence", 2.0, [("inferred-evidence",
                                                            "cites it as data (inferred: Dryad DOI)", 1)])
    assert {r.tier for r in back[1:]} == {"similarity"}  # what a cites beside it


# -- the real corpus ---------------------------------------------------------------------

needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"the real corpus is not at {REALDATA}")


def test_a_coupling_weaker_than_a_tenth_ranks_after_the_works_the_item_cites() -> None:
    # on the real corpus an eLife article (27 references) "cited the same works" as a coal-mining paper
    # sharing one reference, ranked above the works it cites; a tenth in common is the least similarity
    cites = "<http://purl.org/spar/cito/cites>"
    refs = {"a": [*(f"r{i}" for i in range(20)), "x"], "b": ["r0", *(f"s{i}" for i in range(19))],
            "c": [*(f"r{i}" for i in range(5)), *(f"t{i}" for i in range(5))]}
    s = Store.open(None)
    s.update("INSERT DATA { GRAPH <https://example.org/g> { " + " ".join(
        f"<{DOI}10.1/{w}> {cites} <{DOI}10.1/{r}> ." for w, rs in refs.items() for r in rs) + " } }")
    found = [(r.item.iri.removeprefix(DOI), r.tier, r.reasons[0].kind, r.reasons[0].strength)
             for r in related_items(s, "10.1/a", limit=50)]
    assert found[0] == ("10.1/c", "similarity", "coupling", round(5 / (21 * 10) ** 0.5, 4))
    assert found[-1] == ("10.1/b", "link", "coupling", round(1 / (21 * 20) ** 0.5, 4))
    assert sorted(w for w, *_ in found[1:-1]) == sorted(f"10.1/{r}" for r in refs["a"])


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA}")
    s = Store.open(None)
    load(s, read_paths([REALDATA / "crossref", REALDATA / "datacite", REALDATA / "zenodo"]))
    return s


@needs_realdata
@pytest.mark.realdata
def test_the_elife_article_is_related_to_its_dryad_data(corpus: Store) -> None:
    found = related_items(corpus, "10.7554/elife.01567", limit=100)
    # the data supplement first, though the article also lists it among 27 plain references
    dryad = found[0]
    assert dryad.item.iri == f"{DOI}10.5061/dryad.b835k" and dryad.tier == "evidence"
    assert [(x.kind, x.text, x.label) for x in dryad.reasons] == [
        ("evidence", "is supplement to it", "is supplement to"), ("link", "is cited by it", "is cited by")]
    assert all(r.tier != "evidence" for r in found[1:])


def _zenodo_versions(store: Store) -> dict[str, tuple[str, list[str]]]:
    """Each loaded version of a concept: (its concept, its sibling versions loaded)."""
    rows = store.select("PREFIX kg: <https://w3id.org/evidence-kg/ns#> SELECT ?c ?v WHERE { "
                        "?c a kg:Concept ; kg:hasVersion ?v . ?v kg:isVersionOf ?c }").values()
    by_concept: dict[str, set[str]] = {}
    for c, v in rows:
        assert c is not None and v is not None
        by_concept.setdefault(c, set()).add(v)
    return {v: (c, sorted(vs - {v})) for c, vs in by_concept.items() for v in vs}


@needs_realdata
@pytest.mark.realdata
def test_a_zenodo_version_is_related_to_its_concept_and_the_concepts_other_versions(corpus: Store) -> None:
    versions = _zenodo_versions(corpus)
    # the corpus holds one version of each concept, so siblings are checked where there are any
    assert len(versions) >= 10
    for version, (concept, siblings) in versions.items():
        found = {r.item.iri: r for r in related_items(corpus, version, limit=1000)}
        # legacy Zenodo records may also say the version is part of its concept
        assert ("has it as version", "has version") in [(x.text, x.label) for x in found[concept].reasons]
        for sibling in siblings:
            assert "another version of the same" in found[sibling].reasons[0].text


def _corpus_records(store: Store) -> list[str]:
    """The works of the first 20 record graphs, by IRI."""
    rows = store.select("SELECT DISTINCT ?w WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> "
                        "{ ?g <http://schema.org/about> ?w } } ORDER BY ?w LIMIT 20").values()
    return [w for (w,) in rows if w is not None]


@needs_realdata
@pytest.mark.realdata
@pytest.mark.parametrize("index", range(20))
def test_related_items_run_on_corpus_records(corpus: Store, index: int) -> None:
    records = _corpus_records(corpus)
    assert len(records) == 20
    for related in related_items(corpus, NamedNode(records[index]), limit=1000):
        assert related.score > 0 and related.reasons and related.item.iri != records[index]


def reference_years(name: str) -> tuple[dict[str, Any], dict[str, int], Store]:
    """A real Crossref work (``crossref/works/<name>.json``), the year its references give each work they cite by
    DOI, and a store holding the work alone."""
    path = REALDATA / "crossref" / "works" / f"{name}.json"
    message: dict[str, Any] = json.loads(path.read_text("utf-8"))["message"]
    years = {f"https://doi.org/{r['DOI'].lower()}": int(r["year"][:4]) for r in message["reference"]
             if r.get("DOI") and (r.get("year") or "")[:4].isdigit()}
    store = Store.open(None)
    load(store, read_paths([path]))
    return message, years, store


@needs_realdata
def test_ties_among_works_no_record_dates_go_to_the_newer_by_the_year_they_are_cited_with() -> None:
    """A real article's references (no record of their own) tied on score and citers came out in IRI order
    (2016, 1994, 2017, 2007): the year their citers give them now breaks the tie, newest first."""
    message, years, s = reference_years("10.1371_journal.ppat.1008184")
    found = related_items(s, message["DOI"], limit=100)
    cited = [r for r in found if r.item.iri in years and r.tier == "link"]
    assert len(cited) > 10 and len({r.score for r in cited}) == 1  # all tied: one citer each, one score
    assert [r.item.iri for r in cited] == sorted(years, key=lambda w: (-years[w], w))[:len(cited)]
