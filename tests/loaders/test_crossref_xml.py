"""Crossref's XML over the real corpus: every unixsd file of ``crossref/unixsd`` is read by the reader
``kg load`` uses and mapped by the Crossref mapper. Each work is checked against what its XML says,
read here with regular expressions over the file's text (never through kg's reading of XML): its
class, its cited DOIs and reference count, its authors' ORCIDs, its funders, licences and related
DOIs (its own relations, not unixsd's relation claims), its title. Where the corpus also holds the
same DOI's REST API JSON, the XML's work has the class and container the JSON gives it. The mapped
XML records of both sources pass the SHACL shapes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.vocab import CITO, KG, RDF, SCHEMA
from loaders.base import RawRecord
from loaders.read import read_paths
from tests.loaders.test_realdata import (
    ABSENT,
    CROSSREF_CLASS,
    CROSSREF_OWN_CLASS,
    REALDATA,
    corpus_files,
    load_file,
    shacl_violations,
)

FILES = corpus_files("crossref/unixsd/*.xml")
#: Crossref types whose container-title lists a series before the book or proceedings volume
CHAPTERS = ("book-chapter", "book-section", "book-part", "book-track", "proceedings-article", "reference-entry")
#: unixsd's ``<doi type>`` -> the REST API's type (Crossref's own correspondence)
API_TYPE = {"journal_article": "journal-article", "conference_paper": "proceedings-article",
            "posted_content": "posted-content", "book_content": "book-chapter", "dissertation": "dissertation",
            "report-paper_title": "report", "dataset": "dataset", "peer_review": "peer-review",
            "journal_issue": "journal-issue", "component": "component", "book_title": "book"}


@dataclass
class Source:
    """What one unixsd file says, read with regular expressions."""

    doi: str
    kind: str
    #: the whole text, without the citation list and (unless the work is a component) the components
    body: str
    citations: list[str]

    @property
    def work(self) -> NamedNode:
        return NamedNode(ids.doi_iri(self.doi))


def source(path: Path) -> Source:
    text = path.read_text("utf-8")
    found = re.search(r'<doi type="([^"]+)">([^<]+)</doi>', text)
    assert found, path
    kind, doi = found.groups()
    own = text if kind == "component" else re.sub(r"<component_list>.*?</component_list>", "", text, flags=re.S)
    citations = re.findall(r"<citation\b[^>]*>(.*?)</citation>", own, re.S)
    body = re.sub(r"<citation_list>.*?</citation_list>", "", own, flags=re.S)
    return Source(doi.strip(), kind, body, citations)


def objects(path: Path, subject: NamedNode, predicate: NamedNode) -> set[object]:
    loaded = load_file(path)
    return {q.object for g in loaded.graphs for q in g.quads if q.subject == subject and q.predicate == predicate}


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_each_file_is_one_work_in_its_own_record_graph(path: Path) -> None:
    src, loaded = source(path), load_file(path)
    assert loaded.problems == []
    assert [r.source for r in loaded.records] == ["crossref"]
    assert [g.graph.value for g in loaded.graphs] == [ids.graph_iri("crossref", src.doi.lower())]
    classes = objects(path, src.work, RDF.type)
    expected = KG.StructureEntry if ids.pdb_id_from_doi(src.doi.lower()) else \
        CROSSREF_CLASS.get(API_TYPE[src.kind], SCHEMA.CreativeWork)
    assert expected in classes
    own = CROSSREF_OWN_CLASS.get(API_TYPE[src.kind])
    if own and expected != KG.StructureEntry:
        assert own in classes


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_the_citation_list_is_the_reference_list(path: Path) -> None:
    src = source(path)
    cited = {NamedNode(ids.doi_iri(html.unescape(d.strip())))
             for c in src.citations for d in re.findall(r"<doi\b[^>]*>([^<]+)<", c)}
    assert cited <= objects(path, src.work, CITO.cites)
    counts = objects(path, src.work, KG.referenceCount)
    assert [int(c.value) for c in counts] == ([len(src.citations)] if src.citations else [])  # type: ignore[attr-defined]


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_people_funders_licences_and_relations_are_linked(path: Path) -> None:
    src, loaded = source(path), load_file(path)
    nodes = {t for g in loaded.graphs for q in g.quads for t in (q.subject, q.object)}
    orcids = {NamedNode(f"https://orcid.org/{o}") for o in
              re.findall(r"<ORCID[^>]*>\s*https?://orcid\.org/([\dX-]{19})\s*</ORCID>", src.body)}
    funders = {NamedNode(ids.doi_iri(d)) for d in re.findall(
        r'"funder_identifier"[^>]*>\s*(?:https?://(?:dx\.)?doi\.org/)?(10\.13039/[^<\s]+)', src.body)}
    licences = {NamedNode(u) for u in re.findall(r"<ai:license_ref[^>]*>\s*([^<\s]+)\s*<", src.body)}
    related = {NamedNode(ids.doi_iri(d.strip())) for d in re.findall(r'relationship-type="[^"]+">([^<]+)<', src.body)}
    claimed = {NamedNode(ids.doi_iri(d.strip())) for d in
               re.findall(r'<crm-item name="relation" type="doi" claim="[^"]+">([^<]+)<', src.body)}
    assert orcids <= nodes
    assert funders <= objects(path, src.work, SCHEMA.funder) | {
        o for g in loaded.graphs for q in g.quads if q.predicate == SCHEMA.funder for o in [q.object]}
    assert licences == objects(path, src.work, SCHEMA.license)
    assert related <= nodes
    # unixsd's relation claims are other records' claims, in their direction: not this record's relations
    assert not (claimed - related) & nodes


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_the_name_is_the_works_own_title(path: Path) -> None:
    """One of the file's titles (its own language's when it has no other), and not its container's
    (a journal issue has none)."""
    src = source(path)
    titles = {" ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split())
              for t in re.findall(r"<(?:title|original_language_title)\b[^>]*>(.*?)</", src.body, re.S)}
    names = {n.value for n in objects(path, src.work, SCHEMA.name)}  # type: ignore[attr-defined]
    assert len(names) == (1 if titles - {""} else 0)
    assert names <= titles
    assert not names & {c.value for c in objects(path, src.work, KG.containerTitle)}  # type: ignore[attr-defined]


def json_twins() -> list[object]:
    """The unixsd files whose DOI the corpus also holds as REST API JSON."""
    if not REALDATA.is_dir():
        return [pytest.param(None, None, id="realdata-absent", marks=pytest.mark.skip(reason=ABSENT))]
    works = {p.stem.lower(): p for p in (REALDATA / "crossref" / "works").glob("*.json")}
    xml = sorted((REALDATA / "crossref" / "unixsd").glob("*.xml"))
    return [pytest.param(p, works[p.stem.lower()], id=p.stem) for p in xml if p.stem.lower() in works]


@pytest.mark.realdata
@pytest.mark.parametrize(("path", "twin"), json_twins())
def test_the_xml_gives_the_class_and_container_the_json_gives(path: Path, twin: Path) -> None:
    message = json.loads(twin.read_text("utf-8"))["message"]
    src = source(path)
    expected = KG.StructureEntry if ids.pdb_id_from_doi(src.doi.lower()) else \
        CROSSREF_CLASS.get(message["type"], SCHEMA.CreativeWork)
    assert expected in objects(path, src.work, RDF.type)
    containers = {c.value for c in objects(path, src.work, KG.containerTitle)}  # type: ignore[attr-defined]
    titles = message.get("container-title") or []
    if titles and src.kind != "component":  # (a PDB entry's XML is a component, in no container)
        # a chapter's titles list its series first, its book last
        assert containers == {" ".join(titles[-1 if message["type"] in CHAPTERS else 0].split())}


def test_json_twins_are_in_the_corpus() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    assert len(json_twins()) >= 20


@pytest.mark.realdata
def test_every_xml_file_of_the_corpus_is_read_as_a_record_and_passes_the_shapes() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    folders = [REALDATA / "crossref" / "unixsd", REALDATA / "datacite" / "xml"]
    read = list(read_paths(folders))
    files = sorted(p for f in folders for p in f.glob("*.xml"))
    assert len(read) == len(files)
    assert all(isinstance(r, RawRecord) for r in read), [r for r in read if not isinstance(r, RawRecord)]
    graphs = [g for p in files for g in load_file(p).graphs]
    assert len(graphs) == len(files)
    violations = shacl_violations(q for g in graphs for q in (*g.quads, *g.meta_quads()))
    assert violations == [], "\n".join(violations)
