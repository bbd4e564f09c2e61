"""A work described in full on the sample graph: summary, identifiers, typed links with their
sources, statements, records, creators in order, versions, and the RDF triples; the statements
read once per description. (``/works/{id}`` serves these: tests/web/test_works.py checks the HTTP
side, the URLs and formats.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.describe import describe, work_triples
from kg.errors import IdentifierError, NotFoundError
from kg.queries import load_query
from kg.store import Store
from kg.vocab import KG, SCHEMA
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = Store.open(None)
    assert load(s, read_paths([SAMPLES])).rejected == 0
    yield s
    s.close()


def test_the_summary_and_identifiers_come_from_every_source(store: Store) -> None:
    work = describe(store, "pmid:33462295")
    assert work.iri == A0
    assert (work.summary.kind, work.summary.year) == ("ScholarlyArticle", 2021)
    assert work.summary.identifiers == {"doi": "10.1038/s41598-021-81251-2", "pmid": "33462295"}
    found = work.as_dict()
    assert found["id"] == A0 and found["kind"] == "ScholarlyArticle" and found["year"] == 2021
    assert found["identifiers"] == {"doi": "10.1038/s41598-021-81251-2", "pmid": "33462295"}
    assert found["types"] == ["schema:ScholarlyArticle"]
    assert found["dates"] == {"schema:datePublished": ["2021"]}


def test_typed_links_name_the_other_work_and_the_sources_stating_them(store: Store) -> None:
    work = describe(store, A0).as_dict()
    assert isinstance(work["links"], list)
    relies = [link for link in work["links"] if link["relation"] == "kg:reliesOnData"]
    assert relies == [{"relation": "kg:reliesOnData", "direction": "out", "other": ENTRY,
                       "otherName": "Insulin glulisine (sample record: title is a placeholder)",
                       "otherNameSource": "record",
                       "sources": ["pdbe"],
                       "graphs": ["https://w3id.org/evidence-kg/graph/pdbe/6gv0/publications"]}]
    inward = [(link["relation"], link["other"]) for link in work["links"] if link["direction"] == "in"]
    assert inward == [("kg:isSupplementTo", ENTRY)]
    assert work["linksTruncated"] is False


def test_statements_and_records_carry_their_sources(store: Store) -> None:
    work = describe(store, A0)
    names = [s for s in work.as_dict()["statements"] if s["property"] == "schema:name"]  # type: ignore[union-attr]
    assert names and names[0]["sources"] == ["crossref", "pdbe"]
    assert {r.source for r in work.records} == {"crossref", "pdbe"}
    assert all(r.retrieved for r in work.records)


def test_publishers_venues_and_names_of_what_the_work_points_to(store: Store) -> None:
    work = describe(store, A0)
    assert work.publishers == ("https://id.crossref.org/member/297",)
    assert work.name_of("https://id.crossref.org/member/297") == "Springer Science and Business Media LLC"
    assert work.venues == ("Sci Rep", "Scientific Reports")
    assert work.values(KG.doi) == ("10.1038/s41598-021-81251-2",)
    assert work.funders == ()


def test_creators_are_listed_once_each_in_order(store: Store) -> None:
    entry = describe(store, "PDB 6GV0")
    assert [(c.name, c.role, c.position) for c in entry.creators] == [("Sample, A.", "author", 1),
                                                                     ("Example, B.", "author", 2)]
    assert [SCHEMA.datePublished.value, SCHEMA.dateModified.value, KG.depositionDate.value] == list(entry.dates)


def test_a_concept_lists_its_versions_and_a_version_what_it_is_a_version_of(store: Store) -> None:
    concept = describe(store, "10.5555/kg-sample.tool")
    assert concept.as_dict()["versions"] == [f"https://doi.org/10.5555/kg-sample.tool.v{n}" for n in (1, 2, 3)]
    version = describe(store, "10.5555/kg-sample.tool.v2").as_dict()
    assert version["versionOf"] == ["https://doi.org/10.5555/kg-sample.tool"]
    assert version["version"] == "1.1"
    assert version["creators"] and version["creators"][0]["role"] == "creator"  # type: ignore[index]


def test_the_triples_hold_the_statements_and_the_creator_roles(store: Store) -> None:
    triples = work_triples(store, A0)
    assert Triple(NamedNode(A0), KG.reliesOnData, NamedNode(ENTRY)) in triples
    assert Triple(NamedNode(A0), KG.pmid, Literal("33462295")) in triples
    assert triples == list(describe(store, A0).triples)
    entry = work_triples(store, ENTRY)
    assert {t.object.value for t in entry if t.predicate == SCHEMA.position} == {"1", "2"}
    assert any(t.object == Literal("Sample, A.") for t in entry if t.predicate == SCHEMA.name)


def test_the_statements_are_read_once_per_description(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    select = store.select

    def counting(sparql: str, bindings: object = None) -> object:
        asked.append(sparql)
        return select(sparql, bindings)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "select", counting)
    describe(store, A0)
    assert asked.count(load_query("work_statements").text) == 1
    # statements, incoming links, provenance, and one query for the work's and its linked works' summaries with
    # the names of the nodes its records leave unnamed (+ the CONSTRUCT; no ASK: it has statements; no
    # work_funding: it states no funder or grant)
    assert len(asked) == 4
    assert load_query("node_names").text not in asked


def test_what_a_work_points_to_is_named_as_every_graph_names_it(store: Store) -> None:
    # a lookup names the nodes its records leave unnamed with the query that summarises its linked works, and
    # leaves out the nodes minted in its own record graphs (its references), which no other graph states: the
    # same triples as asking every graph (node_names) for every name of every unnamed node it points to
    roles = {SCHEMA.author, SCHEMA.creator, SCHEMA.contributor, SCHEMA.editor}
    works = [w for (w,) in store.select(f"SELECT DISTINCT ?w WHERE {{ GRAPH ?g {{ ?w <{KG.doi.value}> ?d }} }}").rows
             if isinstance(w, NamedNode)]
    minted = 0
    for work in works:
        own = store.select(load_query("work_statements").text, {"work": work}).rows
        expected = {Triple(work, p, o) for p, o, _ in own if isinstance(p, NamedNode) and o is not None}
        expected |= set(store.construct(load_query("work_description").text, {"work": work}))
        pointed = {o for _, o, _ in own if isinstance(o, NamedNode)}
        pointed |= {t.object for t in expected if t.predicate in roles and isinstance(t.object, NamedNode)}
        unnamed = sorted(pointed - {t.subject for t in expected if t.predicate == SCHEMA.name} - {work}, key=str)
        minted += sum("#reference-" in n.value for n in unnamed)
        for node, name, *_ in store.select(load_query("node_names").text, {"node": unnamed}).rows if unnamed else ():
            expected.add(Triple(node, SCHEMA.name, name))  # type: ignore[arg-type]
        assert set(describe(store, work).triples) == expected, work
    assert len(works) > 10 and minted > 10  # the sample's references were among the unnamed


def test_unknown_and_malformed_identifiers_say_what_is_wrong(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"nothing in the graph is named https://doi.org/10.1/absent"):
        describe(store, "10.1/absent")
    with pytest.raises(IdentifierError, match=r"not a valid identifier: '11.1/x'"):
        describe(store, "11.1/x")


def test_the_nodes_a_work_names_are_named_as_its_own_records_name_them() -> None:
    # a funder and a publisher named by every record of their works, each its own way (data-model.md, "Bounds")
    s = Store.open(None)
    s.update("""PREFIX schema: <http://schema.org/>
        INSERT DATA {
          GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
            <https://doi.org/10.1/a> schema:name "A" ; schema:funder <https://doi.org/10.13039/1> ;
                schema:publisher <https://example.org/pub> ; schema:funding <https://example.org/a#grant> ;
                <http://purl.org/spar/cito/cites> <https://doi.org/10.1/c> .
            <https://doi.org/10.13039/1> schema:name "NSF" .
            <https://example.org/pub> schema:name "Imprint" .
            <https://example.org/a#grant> schema:funder <https://doi.org/10.13039/2> ; schema:identifier "G-1" . }
          GRAPH <https://w3id.org/evidence-kg/graph/test/b> {
            <https://doi.org/10.1/b> schema:funder <https://doi.org/10.13039/1> ;
                schema:publisher <https://example.org/pub> .
            <https://doi.org/10.13039/1> schema:name "National Science Foundation" .
            <https://example.org/pub> schema:name "The Publisher of Many Imprints" .
            <https://doi.org/10.13039/2> schema:name "Named elsewhere" . }
          GRAPH <https://w3id.org/evidence-kg/graph/test/c> {
            <https://doi.org/10.1/c> schema:name "The cited work" ; schema:alternateName "C" . }
        }""")
    d = describe(s, "10.1/a")
    assert d.name_of("https://doi.org/10.13039/1") == "NSF"  # its record's name, not the longest anywhere
    assert d.name_of("https://example.org/pub") == "Imprint"
    assert d.name_of("https://doi.org/10.1/c") == "The cited work"  # named by no record of the work: by its own
    assert [(f.funder, f.name, [a.number for a in f.awards]) for f in d.facts.funding] == [
        ("https://doi.org/10.13039/2", "Named elsewhere", ["G-1"]), ("https://doi.org/10.13039/1", "NSF", [])]
