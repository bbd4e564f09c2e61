"""The Crossref and DataCite mappers over the real recorded corpus (``../shared/realdata``).

Every file of ``crossref/works``, ``crossref/works-lists``, ``datacite/dois`` and
``datacite/dois-lists`` is read, mapped and loaded into its own in-memory store; each record is
then checked against expectations computed here from the raw JSON, independently of the mapper
code: the work's class and record graph, its references, its relations with DOIs, its funders
and its people with ORCIDs. The whole mapped corpus must also pass ``ontology/shapes.ttl``.

The corpus is recorded API responses that nobody on this project wrote. It lives beside the
project, not in it, so these tests skip, saying why, where it is absent (a fresh clone).
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from kg import ids
from kg.errors import IdentifierError
from kg.ids import META_GRAPH
from kg.store import GraphMeta, RecordGraph, Store
from kg.vocab import CITO, KG, ONTOLOGY_DIR, RDF, SCHEMA, XSD, relation, relations
from loaders.base import Problem, RawRecord
from loaders.pipeline import map_record
from loaders.read import read_file

REALDATA = (Path(__file__).parents[2] / ".." / "shared" / "realdata").resolve()
FOLDERS = ("crossref/works", "crossref/works-lists", "datacite/dois", "datacite/dois-lists")
ABSENT = (f"the real corpus is not at {REALDATA}: it is kept beside the project in ../shared/realdata, "
          "not in a fresh clone")
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
META = NamedNode(META_GRAPH)


def corpus_files(*patterns: str) -> list[Any]:
    """One parameter per corpus file matching the glob ``patterns`` (relative to realdata/),
    named by its path there; one skipped parameter, saying why, when the corpus is absent."""
    if not REALDATA.is_dir():
        return [pytest.param(None, id="realdata-absent", marks=pytest.mark.skip(reason=ABSENT))]
    return [pytest.param(path, id=path.relative_to(REALDATA).as_posix())
            for pattern in patterns for path in sorted(REALDATA.glob(pattern))]


FILES = corpus_files(*(f"{folder}/*.json" for folder in FOLDERS))


# ---------------------------------------------------------------- expectations, from the raw JSON

#: Crossref work type -> class. Articles (journal and proceedings articles, preprints, encyclopedia
#: entries, standards) are ScholarlyArticle; books, chapters, reports, theses, peer reviews, containers
#: (journals, issues, volumes, series, proceedings volumes), grants, components and "other" are not
#: articles: they are CreativeWork, with their own schema.org class beside it where schema.org has one.
CROSSREF_CLASS: dict[str, NamedNode] = {
    **dict.fromkeys(("journal-article", "proceedings-article", "posted-content", "reference-entry", "standard"),
                    SCHEMA.ScholarlyArticle),
    **dict.fromkeys(("dataset", "database"), SCHEMA.Dataset),
}
CROSSREF_OWN_CLASS: dict[str, NamedNode] = {
    **dict.fromkeys(("book", "monograph", "edited-book", "reference-book", "book-set"), SCHEMA.Book),
    **dict.fromkeys(("book-chapter", "book-section", "book-part", "book-track"), SCHEMA.Chapter),
    **dict.fromkeys(("report", "report-component"), SCHEMA.Report),
    "peer-review": SCHEMA.Review, "dissertation": SCHEMA.Thesis, "journal": SCHEMA.Periodical,
    "journal-volume": SCHEMA.PublicationVolume, "journal-issue": SCHEMA.PublicationIssue,
    "book-series": SCHEMA.BookSeries,
    **dict.fromkeys(("proceedings-series", "report-series", "standard-series"), SCHEMA.CreativeWorkSeries),
}

#: DataCite resourceTypeGeneral -> class (metadata schema 4.6 definitions). A Collection is "an
#: aggregation of resources ... of mixed types", a Journal and a ConferenceProceeding are
#: containers of articles, an Instrument is a device: none is an article or a dataset.
DATACITE_CLASS: dict[str, NamedNode] = {
    "Dataset": SCHEMA.Dataset,
    **dict.fromkeys(("Software", "ComputationalNotebook"), SCHEMA.SoftwareSourceCode),
    **dict.fromkeys(("JournalArticle", "Preprint", "Text", "ConferencePaper", "DataPaper", "Standard",
                     "StudyRegistration"), SCHEMA.ScholarlyArticle),
    **dict.fromkeys(("Collection", "Journal", "ConferenceProceeding", "Instrument", "Image", "Audiovisual",
                     "Sound", "InteractiveResource", "Model", "Workflow", "PhysicalObject", "Service",
                     "Event", "OutputManagementPlan", "Award", "Project", "Other"), SCHEMA.CreativeWork),
}

#: DataCite types with a class of their own beside their class: texts that are not articles (a CreativeWork and a
#: schema.org class), and a Preprint (kg:Preprint beside schema:ScholarlyArticle)
DATACITE_OWN_CLASS = {"Book": SCHEMA.Book, "BookChapter": SCHEMA.Chapter, "Dissertation": SCHEMA.Thesis,
                      "Report": SCHEMA.Report, "PeerReview": SCHEMA.Review, "Preprint": KG.Preprint}

AGENT_ROLES = (SCHEMA.author, SCHEMA.creator, SCHEMA.contributor, SCHEMA.editor)
EVIDENCE = (KG.reliesOnData, KG.reliesOnSoftware, KG.reliesOnMethod)
#: the evidence edges each role may give (a data edge to software is kg:reliesOnSoftware)
EVIDENCE_BY_ROLE = {"data": {KG.reliesOnData, KG.reliesOnSoftware}, "software": {KG.reliesOnSoftware},
                    "method": {KG.reliesOnMethod}}
_DOI_FORM = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


@dataclass
class Expected:
    """What the graph of one record must say, read straight from its JSON."""

    source: str
    doi: str
    cls: NamedNode
    #: the schema.org class the source's type names beside :attr:`cls` (a Crossref book: schema:Book)
    own_class: NamedNode | None = None
    #: DOIs of the reference list (DataCite: ``relationships.references``)
    references: set[NamedNode] = field(default_factory=set)
    #: DOIs of the works citing it, as the record lists them (DataCite ``relationships.citations``)
    cited_by: set[NamedNode] = field(default_factory=set)
    #: (relation name as the source gives it, DOI IRI of the related work)
    relations: set[tuple[str, NamedNode]] = field(default_factory=set)
    funders: set[NamedNode] = field(default_factory=set)
    #: (role, ORCID IRI)
    orcids: set[tuple[NamedNode, NamedNode]] = field(default_factory=set)

    @property
    def work(self) -> NamedNode:
        return NamedNode(ids.doi_iri(self.doi))

    @property
    def graph(self) -> NamedNode:
        return NamedNode(ids.graph_iri(self.source, self.doi))


def raw_items(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The source and the records of one corpus file, counted straight from its JSON."""
    document = json.loads(path.read_text("utf-8"))
    if "message" in document:
        message = document["message"]
        return "crossref", message["items"] if document.get("message-type") == "work-list" else [message]
    data = document["data"]
    return "datacite", data if isinstance(data, list) else [data]


def doi_node(value: Any, own: str | None = None) -> NamedNode | None:
    """The IRI of a valid DOI other than the record's own, else None."""
    doi = ids.normalize_doi(value, strict=False) if isinstance(value, str) else None
    return NamedNode(ids.doi_iri(doi)) if doi and doi != own else None


#: where a reference's text says "this is a DOI": a doi.org link, or "doi:"; the DOI runs to a space,
#: a quote or a tag
_WRITTEN_DOI = re.compile(r"(?:doi\.org/|doi:\s*)(10\.[^\s\"'<>]+)", re.IGNORECASE)


def doi_written_in(text: Any) -> str | None:
    """The one DOI a reference without a ``DOI`` field writes in its ``unstructured`` text (as a
    doi.org link or after "doi:"), normalised; None for none, or for several different ones."""
    found = {doi for m in _WRITTEN_DOI.finditer(html.unescape(text) if isinstance(text, str) else "")
             if (doi := ids.normalize_doi(m.group(1), strict=False))}
    return next(iter(found)) if len(found) == 1 else None


def named(to_iri: Any, value: Any) -> NamedNode | None:
    """``to_iri(value)`` as a node, or None when the value is not a valid identifier."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return NamedNode(to_iri(value))
    except IdentifierError:
        return None


def expect_crossref(item: dict[str, Any]) -> Expected:
    doi = ids.normalize_doi(item["DOI"])
    cls = KG.StructureEntry if ids.pdb_id_from_doi(doi) else \
        CROSSREF_CLASS.get(item.get("type") or "other", SCHEMA.CreativeWork)
    preprint = item.get("type") == "posted-content" and item.get("subtype") == "preprint"
    own = None if ids.pdb_id_from_doi(doi) else \
        CROSSREF_OWN_CLASS.get(item.get("type") or "other") or (KG.Preprint if preprint else None)
    e = Expected("crossref", doi, cls, own)
    e.references = {n for ref in item.get("reference") or []
                    if (n := doi_node(ref.get("DOI") or doi_written_in(ref.get("unstructured")), doi))}
    for name, targets in (item.get("relation") or {}).items():
        for target in targets:
            if (target.get("id-type") or "").lower() == "doi" and (n := doi_node(target.get("id"), doi)):
                e.relations.add((name, n))
    for funder in item.get("funder") or []:
        candidates = [(ids.funder_iri, funder.get("DOI"))] + [
            (ids.ror_iri if (i.get("id-type") or "").upper() == "ROR" else ids.funder_iri, i.get("id"))
            for i in funder.get("id") or [] if (i.get("id-type") or "").upper() in ("DOI", "ROR")]
        found = next((n for to_iri, value in candidates if (n := named(to_iri, value))), None)
        if found is not None:
            e.funders.add(found)
    for role, key in ((SCHEMA.author, "author"), (SCHEMA.editor, "editor")):
        for person in item.get(key) or []:
            if n := named(ids.orcid_iri, person.get("ORCID")):
                e.orcids.add((role, n))
    return e


def _is_orcid(identifier: dict[str, Any]) -> bool:
    """A DataCite name identifier that says it is an ORCID, by scheme, scheme URI or value."""
    scheme = str(identifier.get("nameIdentifierScheme") or "")
    return (scheme.upper() == "ORCID" or "orcid.org" in scheme.lower()
            or "orcid.org" in str(identifier.get("schemeUri") or "").lower()
            or "orcid.org/" in str(identifier.get("nameIdentifier") or "").lower())


def expect_datacite(item: dict[str, Any]) -> Expected:
    attributes = item["attributes"]
    doi = ids.normalize_doi(attributes.get("doi") or item["id"])
    general = (attributes.get("types") or {}).get("resourceTypeGeneral") or ""
    cls = KG.StructureEntry if ids.pdb_id_from_doi(doi) else DATACITE_CLASS.get(general, SCHEMA.CreativeWork)
    e = Expected("datacite", doi, cls, None if ids.pdb_id_from_doi(doi) else DATACITE_OWN_CLASS.get(general))
    for rel in attributes.get("relatedIdentifiers") or []:
        value = rel.get("relatedIdentifier")
        is_doi = (rel.get("relatedIdentifierType") or "").upper() == "DOI" or \
            (isinstance(value, str) and _DOI_FORM.match(value))
        if is_doi and (n := doi_node(value, doi)):
            e.relations.add((rel["relationType"], n))
    relationships = item.get("relationships") or {}
    for key, found in (("references", e.references), ("citations", e.cited_by)):
        found.update(n for link in (relationships.get(key) or {}).get("data") or []
                     if link.get("type") == "dois" if (n := doi_node(link.get("id"), doi)))
    for key, name in (("parts", "HasPart"), ("partOf", "IsPartOf"), ("versions", "HasVersion"),
                      ("versionOf", "IsVersionOf")):  # DataCite's own lists of parts and versions
        e.relations.update((name, n) for link in (relationships.get(key) or {}).get("data") or []
                           if link.get("type") == "dois" if (n := doi_node(link.get("id"), doi)))
    for funding in attributes.get("fundingReferences") or []:
        kind = (funding.get("funderIdentifierType") or "").upper()
        to_iri = {"CROSSREF FUNDER ID": ids.funder_iri, "ROR": ids.ror_iri}.get(kind)
        if to_iri and (n := named(to_iri, funding.get("funderIdentifier"))):
            e.funders.add(n)
    for default, key in ((SCHEMA.creator, "creators"), (SCHEMA.contributor, "contributors")):
        for agent in attributes.get(key) or []:
            role = SCHEMA.editor if agent.get("contributorType") == "Editor" else default
            orcid = next((n for i in agent.get("nameIdentifiers") or [] if _is_orcid(i)
                          if (n := named(ids.orcid_iri, i.get("nameIdentifier")))), None)
            if orcid is not None:
                e.orcids.add((role, orcid))
    return e


@cache
def expectations(path: Path) -> list[Expected]:
    """One expectation per distinct DOI of the file (the last record wins, as in the store)."""
    source, items = raw_items(path)
    expect = expect_crossref if source == "crossref" else expect_datacite
    by_doi = {e.doi: e for e in map(expect, items)}
    assert by_doi, f"{path.name}: no records"
    return list(by_doi.values())


# ---------------------------------------------------------------- the mapped corpus, loaded once

@dataclass
class LoadedFile:
    """One corpus file read, mapped and loaded into its own store."""

    records: list[RawRecord]
    graphs: list[RecordGraph]
    problems: list[Problem]
    store: Store


@functools.cache
def load_file(path: Path) -> LoadedFile:
    """One corpus file read, mapped and written into its own in-memory store (cached: several
    test modules share it)."""
    records: list[RawRecord] = []
    graphs: list[RecordGraph] = []
    problems: list[Problem] = []
    for item in read_file(path):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        records.append(item)
        graph, mapping_problems = map_record(item)
        problems.extend(mapping_problems)
        if graph is not None:
            graphs.append(graph)
    store = Store.open(None)
    store.write(graphs)
    return LoadedFile(records, graphs, problems, store)


@pytest.fixture(scope="module")
def corpus() -> dict[Path, LoadedFile]:
    """Every corpus file, each in its own store: files overlap (the same DOI recorded at two
    dates), and one store would keep only the last version of each record."""
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    return {param.values[0]: load_file(param.values[0]) for param in FILES}


PREFIXES = """PREFIX kg: <https://w3id.org/evidence-kg/ns#>
PREFIX schema: <http://schema.org/>
PREFIX cito: <http://purl.org/spar/cito/>
"""


def select(store: Store, sparql: str, **bindings: NamedNode) -> list[dict[str, Any]]:
    """The rows of a SELECT over the store, its variables bound to terms (never pasted in)."""
    return store.select(PREFIXES + sparql, bindings).dicts()


def is_doi_iri(term: Any) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(ids.DOI_BASE)


def show(item: Any) -> str:
    """A node as its IRI, a tuple of nodes as their IRIs separated by spaces."""
    return " ".join(map(show, item)) if isinstance(item, tuple) else getattr(item, "value", str(item))


def diff(expected: set[Any], actual: set[Any]) -> str:
    return (f"missing {sorted(map(show, expected - actual))[:10]}, "
            f"unexpected {sorted(map(show, actual - expected))[:10]}")


@pytest.mark.realdata
def test_corpus_has_files_in_every_folder() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    counts = {folder: len(list((REALDATA / folder).glob("*.json"))) for folder in FOLDERS}
    assert all(counts.values()), f"empty corpus folders: {counts}"


# ---------------------------------------------------------------- per file

@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_file_reads_and_maps_every_record_without_error(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    loaded = corpus[path]
    errors = [str(p) for p in loaded.problems if p.level == "error"]
    assert errors == []
    _, items = raw_items(path)
    assert len(loaded.records) == len(items)
    assert len(loaded.graphs) == len(items)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_work_has_the_class_of_its_type_in_its_own_record_graph(path: Path,
                                                                 corpus: dict[Path, LoadedFile]) -> None:
    store = corpus[path].store
    wrong = []
    for e in expectations(path):
        classes = {r["t"] for r in select(store, "SELECT ?t WHERE { GRAPH ?g { ?work a ?t } }",
                                          work=e.work, g=e.graph)}
        graphs = {r["g"] for r in select(store, "SELECT ?g WHERE { GRAPH ?meta { ?g schema:about ?work } }",
                                         work=e.work, meta=META)}
        if classes != {e.cls} | ({e.own_class} if e.own_class else set()):
            wrong.append(f"{e.doi}: classes {sorted(map(show, classes))}, expected {show(e.cls)} {e.own_class}")
        if graphs != {e.graph}:
            wrong.append(f"{e.doi}: record graphs {sorted(map(show, graphs))}, expected {show(e.graph)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_references_and_citation_relations_are_cito_cites_edges(path: Path,
                                                                 corpus: dict[Path, LoadedFile]) -> None:
    store = corpus[path].store
    wrong = []
    for e in expectations(path):
        # Citation relations give cito:cites too, in the direction the catalogue says.
        expected = {(e.work, target) for target in e.references} | {(citer, e.work) for citer in e.cited_by}
        for name, target in e.relations:
            rel = relation(name)
            if rel is not None and rel.role == "citation":
                expected.add((e.work, target) if rel.reliance == "subject" else (target, e.work))
        rows = select(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s cito:cites ?o } }", g=e.graph)
        actual = {(r["s"], r["o"]) for r in rows if is_doi_iri(r["s"]) and is_doi_iri(r["o"])}
        if actual != expected:
            wrong.append(f"{e.doi}: {diff(expected, actual)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_doi_relations_are_catalogue_edges_with_their_evidence_edges(path: Path,
                                                                     corpus: dict[Path, LoadedFile]) -> None:
    store = corpus[path].store
    catalogue = {r.iri for r in relations()}
    wrong = []
    for e in expectations(path):
        expected_edges: set[tuple[NamedNode, NamedNode]] = set()
        expected_evidence: dict[tuple[NamedNode, NamedNode], set[NamedNode]] = defaultdict(set)
        for name, target in e.relations:
            rel = relation(name)
            if rel is None:
                wrong.append(f"{e.doi}: relation {name!r} is not in the catalogue")
                continue
            expected_edges.add((rel.iri, target))
            if rel.role in EVIDENCE_BY_ROLE:
                pair = (e.work, target) if rel.reliance == "subject" else (target, e.work)
                expected_evidence[pair] |= EVIDENCE_BY_ROLE[rel.role]
        rows = select(store, "SELECT ?p ?o WHERE { GRAPH ?g { ?work ?p ?o } }", work=e.work, g=e.graph)
        actual_edges = {(r["p"], r["o"]) for r in rows if r["p"] in catalogue and is_doi_iri(r["o"])}
        if actual_edges != expected_edges:
            wrong.append(f"{e.doi}: relations {diff(expected_edges, actual_edges)}")
        rows = select(store, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                             "VALUES ?p { kg:reliesOnData kg:reliesOnSoftware kg:reliesOnMethod } }", g=e.graph)
        actual_evidence = {(r["s"], r["o"]): r["p"] for r in rows
                           if is_doi_iri(r["s"]) and is_doi_iri(r["o"])}
        if set(actual_evidence) != set(expected_evidence):
            wrong.append(f"{e.doi}: evidence edges {diff(set(expected_evidence), set(actual_evidence))}")
        wrong += [f"{e.doi}: {s.value} {p.value} {o.value} (expected one of "
                  f"{sorted(x.value for x in expected_evidence[(s, o)])})"
                  for (s, o), p in actual_evidence.items()
                  if (s, o) in expected_evidence and p not in expected_evidence[(s, o)]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_funders_with_identifiers_are_linked_by_their_iri(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    store = corpus[path].store
    wrong = []
    for e in expectations(path):
        rows = select(store, "SELECT ?f WHERE { GRAPH ?g { ?work schema:funder ?f } }", work=e.work, g=e.graph)
        # funders without a usable identifier are named by their name (kg's org/ IRIs)
        actual = {r["f"] for r in rows if not r["f"].value.startswith(ids.KG_BASE)}
        if actual != e.funders:
            wrong.append(f"{e.doi}: {diff(e.funders, actual)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.realdata
@pytest.mark.parametrize("path", FILES)
def test_people_with_an_orcid_are_named_by_it(path: Path, corpus: dict[Path, LoadedFile]) -> None:
    store = corpus[path].store
    wrong = []
    for e in expectations(path):
        rows = select(store, "SELECT ?role ?agent WHERE { GRAPH ?g { ?work ?role ?slot . ?slot ?role ?agent } "
                             "VALUES ?role { schema:author schema:creator schema:contributor schema:editor } }",
                      work=e.work, g=e.graph)
        actual = {(r["role"], r["agent"]) for r in rows if r["agent"].value.startswith(ids.ORCID_BASE)}
        if actual != e.orcids:
            wrong.append(f"{e.doi}: {diff(e.orcids, actual)}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- the whole corpus

@pytest.mark.realdata
def test_corpus_exercises_every_kind_of_expectation(corpus: dict[Path, LoadedFile]) -> None:
    """The per-file tests compare sets; this makes sure the sets are not all empty."""
    every = [e for param in FILES for e in expectations(param.values[0])]
    assert len(every) > 1000
    assert sum(len(e.references) for e in every) > 1000
    assert sum(len(e.relations) for e in every) > 100
    assert sum(len(e.funders) for e in every) > 50
    assert sum(len(e.orcids) for e in every) > 100
    assert {e.cls for e in every} >= {SCHEMA.ScholarlyArticle, SCHEMA.Dataset, SCHEMA.SoftwareSourceCode,
                                      SCHEMA.CreativeWork, KG.StructureEntry}
    assert {e.own_class for e in every} >= {SCHEMA.Book, SCHEMA.Chapter, SCHEMA.Report, SCHEMA.Review, SCHEMA.Thesis,
                                            SCHEMA.Periodical, SCHEMA.PublicationIssue}


def relation_names_in_corpus() -> Iterator[tuple[str, str]]:
    """(relation name, file) for every Crossref relation key and DataCite relationType."""
    for param in FILES:
        path = param.values[0]
        source, items = raw_items(path)
        for item in items:
            if source == "crossref":
                names: Iterable[str] = (item.get("relation") or {}).keys()
            else:
                names = (r.get("relationType") for r in item["attributes"].get("relatedIdentifiers") or [])
            yield from ((name, path.name) for name in names if name)


@pytest.mark.realdata
def test_every_relation_name_in_the_corpus_is_in_the_catalogue() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    met = Counter(name for name, _ in relation_names_in_corpus())
    assert len(met) > 20
    unknown = {name: [f for n, f in relation_names_in_corpus() if n == name][:3]
               for name in met if relation(name) is None}
    assert unknown == {}


def to_rdflib(quads: Iterable[Quad]) -> Any:
    """An rdflib Graph of the quads' triples (their graph names dropped)."""
    import rdflib
    memo: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        if t not in memo:
            if isinstance(t, NamedNode):
                memo[t] = rdflib.URIRef(t.value)
            elif isinstance(t, BlankNode):
                memo[t] = rdflib.BNode(t.value)
            else:
                memo[t] = rdflib.Literal(t.value, lang=t.language,
                                         datatype=None if t.language else rdflib.URIRef(t.datatype.value))
        return memo[t]

    graph = rdflib.Graph()
    for q in quads:
        graph.add((term(q.subject), term(q.predicate), term(q.object)))
    return graph


def shacl_violations(quads: Iterable[Quad], limit: int = 20) -> list[str]:
    """The first violations of ontology/shapes.ttl by the quads' triples, one line each."""
    import pyshacl
    import rdflib
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, report, _ = pyshacl.validate(to_rdflib(quads), shacl_graph=shapes)
    if conforms:
        return []
    # top-level results only: those of nested shapes (sh:node) are their sh:detail
    results = sorted(report.objects(None, sh.result), key=str)
    assert results, "pyshacl said the data does not conform, but reported no result"

    def path(result: Any) -> str:
        found = report.value(result, sh.resultPath)
        return "(alternative-path)" if isinstance(found, rdflib.BNode) else str(found)

    return [f"{report.value(r, sh.focusNode)} {path(r)} = {report.value(r, sh.value)}: "
            f"{report.value(r, sh.resultMessage)}" for r in results[:limit]]


@pytest.mark.realdata
@pytest.mark.slow
def test_every_mapped_record_passes_the_shapes(corpus: dict[Path, LoadedFile]) -> None:
    """Each record graph with its provenance. A record recorded in several files is validated in
    each version; versions of one record go to different passes, since their provenance would
    add up in one graph."""
    passes: list[list[RecordGraph]] = []
    seen: Counter[str] = Counter()
    for loaded in corpus.values():
        for graph in loaded.graphs:
            n = seen[graph.graph.value]
            seen[graph.graph.value] += 1
            if n == len(passes):
                passes.append([])
            passes[n].append(graph)
    assert sum(map(len, passes)) > 1000
    for records in passes:
        violations = shacl_violations(q for r in records for q in (*r.quads, *r.meta_quads()))
        assert violations == [], "\n".join(violations)


# ---------------------------------------------------------------- the shapes themselves (no corpus)

@pytest.mark.parametrize("kind", ["targets", "path"])
def test_shapes_cover_exactly_the_catalogue_relations(kind: str) -> None:
    """kgsh:EdgeShape lists every catalogue property (and the evidence edges) twice: as targets
    and in its alternative path. Both lists must match ontology/kg.ttl."""
    triples = list(parse(path=SHAPES, format=RdfFormat.TURTLE))
    edge_shape = NamedNode("https://w3id.org/evidence-kg/shapes#EdgeShape")
    if kind == "targets":
        listed = {t.object for t in triples
                  if t.subject == edge_shape and t.predicate.value.endswith("#targetSubjectsOf")}
    else:
        rest = {t.subject: t.object for t in triples if t.predicate == RDF.rest}
        first = {t.subject: t.object for t in triples if t.predicate == RDF.first}
        heads = [t.object for t in triples if t.predicate.value.endswith("#alternativePath")]
        assert len(heads) == 1
        listed, node = set(), heads[0]
        while node != RDF.nil:
            listed.add(first[node])
            node = rest[node]
    expected = {r.iri for r in relations()} | {CITO.cites, KG.reliesOn, *EVIDENCE}
    assert len(expected) > 60
    assert listed == expected, diff(expected, listed)


def test_shapes_reject_a_work_that_breaks_them() -> None:
    """The shapes can fail: a work with two classes, a literal citation, a negative count, an
    author without position, a date-time as publication date and provenance without a content
    hash each give one violation."""
    work = NamedNode("https://doi.org/10.1/x")
    graph = NamedNode(ids.graph_iri("crossref", "10.1/x"))
    author = NamedNode(graph.value + "#person-1")
    quads = [Quad(s, p, o, graph) for s, p, o in (
        (work, RDF.type, SCHEMA.ScholarlyArticle), (work, RDF.type, SCHEMA.Dataset),
        (work, KG.doi, Literal("10.1/x")), (work, CITO.cites, Literal("10.1/y")),
        (work, KG.referenceCount, Literal(-1)), (work, SCHEMA.author, author), (author, RDF.type, SCHEMA.Person),
        (work, SCHEMA.datePublished, Literal("2020-01-01", datatype=XSD.dateTime)))]
    from datetime import UTC, datetime
    record = RecordGraph(graph, quads, GraphMeta("crossref", "10.1/x", work, "file:///x.json",
                                                 datetime(2024, 1, 1, tzinfo=UTC)))
    meta = [q for q in record.meta_quads() if q.predicate != KG.contentHash]
    violations = shacl_violations([*quads, *meta], limit=100)
    paths = Counter(v.split(" ")[1] for v in violations)
    assert paths == Counter({RDF.type.value: 1, "(alternative-path)": 1, KG.referenceCount.value: 1,
                             SCHEMA.author.value: 1, SCHEMA.datePublished.value: 1,
                             KG.contentHash.value: 1}), "\n".join(violations)
