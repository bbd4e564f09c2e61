"""DataCite's own example GraphQL queries (``tests/web/datacite_queries/``, each with its source in the
README there), sent unchanged to kg's schema: every one validates (but for ``bibtex`` and
``formattedCitation``, wired at merge), and each answers with what kg holds, on the sample graph and on
the real corpus (``../shared/realdata``). Expectations on the real corpus are computed from the
records' JSON, never from kg's output."""

from __future__ import annotations

import asyncio
import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from strawberry.types import ExecutionResult

from graphql import parse, validate
from kg.graph import KnowledgeGraph
from kg.store import Store
from kg.web.config import Settings
from kg.web.graphql.context import Context
from kg.web.graphql.schema import build_schema
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import REALDATA
from tests.web.conftest import SAMPLES, Live, unlisted_queries

QUERIES = Path(__file__).parent / "datacite_queries"
NAMES = sorted(p.stem for p in QUERIES.glob("*.graphql"))
DOI = "https://doi.org/"


def text(name: str) -> str:
    return (QUERIES / f"{name}.graphql").read_text("utf-8")


def variables(name: str) -> dict[str, Any]:
    path = QUERIES / f"{name}.variables.json"
    found: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    return found


def run(store: Store, name: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The query's data and error messages."""
    result = execute(store, text(name), variables(name))
    return result.data, [e.message for e in result.errors or []]


def execute(store: Store, query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
    """The schema's answer, computed in a thread of its own: a browser test of the session may have left
    an event loop running in this one."""
    schema = build_schema(Settings())
    coroutine = schema.execute(query, variable_values=variables, context_value=Context(store, Settings()))
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def not_found(iri: str) -> str:
    return f"nothing in the graph is named {iri}; load or harvest its record first"


def test_the_collection_holds_at_least_14_queries_each_with_its_source() -> None:
    assert len(NAMES) >= 14
    assert unlisted_queries(QUERIES, NAMES) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_query_validates_unchanged(name: str) -> None:
    schema = build_schema(Settings())._schema
    errors = [e.message for e in validate(schema, parse(text(name)))]
    assert errors == [], errors


# -- the sample graph ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Store:
    store = Store.open(None)
    load(store, read_paths([SAMPLES]))
    return store


#: queries naming a node the sample does not hold: null, with the error naming it
SAMPLE_ABSENT = {
    "us1_work_citations": ("work", f"{DOI}10.15468/1z5fn8"),
    "us2_software_versions": ("software", f"{DOI}10.5281/zenodo.2799488"),
    "us3_organization_works": ("organization", "https://ror.org/052gg0110"),
    "us7_dataset_citations": ("dataset", f"{DOI}10.5061/dryad.234"),
    "us8_dataset_parts": ("dataset", f"{DOI}10.14291/tccon.ggg2014"),
    "us9_person_publications": ("person", "https://orcid.org/0000-0002-6294-6366"),
    "researcher_publications": ("person", "https://orcid.org/0000-0003-1419-2405"),
    "us10_grant_outputs": ("funder", f"{DOI}10.13039/501100000780"),
}


@pytest.mark.parametrize("name", NAMES)
def test_each_query_answers_on_the_sample(sample: Store, name: str) -> None:
    data, errors = run(sample, name)
    assert data is not None
    if name in SAMPLE_ABSENT:
        root, iri = SAMPLE_ABSENT[name]
        assert data == {root: None} and errors == [not_found(iri)]
        return
    assert errors == [] or name == "us4_funder_licenses", errors
    if name == "us4_funder_licenses":  # DFG, ANR and SNF fund nothing in the sample
        assert set(data.values()) == {None} and len(errors) == 9
        assert {e.split(";")[0] for e in errors} == {not_found(v).split(";")[0] for v in variables(name).values()}
    elif name == "mdc_datasets_total":
        # the sample's data sets: kg-sample.data, the Dryad supplement, PDB 6GV0 and its raw images
        assert data == {"datasets": {"totalCount": 4}}
    elif name == "mdc_datasets_with_views":
        assert data["datasets"]["totalCount"] == 0 and data["datasets"]["published"] == []
    elif name == "lupo_datasets_citations_by_type":
        nodes = {n["id"]: n for n in data["datasets"]["nodes"]}
        assert data["datasets"]["totalCount"] == len(nodes) == 4
        # the sample data set is cited by four papers (2021, 2022 twice, 2023), none of them a data set
        d = nodes[f"{DOI}10.5555/kg-sample.data"]
        assert d["citationCount"] == 4 and d["citations"] == {"totalCount": 0, "nodes": []}
        assert d["citationsOverTime"] == [{"year": 2021, "total": 1}, {"year": 2022, "total": 2},
                                          {"year": 2023, "total": 1}]
    elif name == "us6_people":
        assert data == {"people": {"totalCount": 0, "nodes": []}}
    elif name == "us1_repository_works":
        assert data == {"pangaea": None}  # DataCite's account gbif.gbif names nothing kg holds
    elif name == "us5_dissertations":
        assert data["dissertations"]["totalCount"] == 0
    else:
        pytest.fail(f"no expectation for {name}")


# -- the real corpus: expectations from the records' JSON --------------------------------------------


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def datacite_records() -> list[dict[str, Any]]:
    """Every DataCite DOI record's attributes, from single records and list pages."""
    found = []
    for path in sorted((REALDATA / "datacite").glob("dois*/*.json")):
        data = _json(path).get("data")
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("attributes"), dict) and item["attributes"].get("doi"):
                found.append(item["attributes"])
    return found


def crossref_records() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((REALDATA / "crossref").glob("works*/*.json")):
        message = _json(path).get("message", {})
        found += message["items"] if "items" in message else [message] if message.get("DOI") else []
    return found


def zenodo_records() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((REALDATA / "zenodo").glob("records*/*.json")):
        data = _json(path)
        hits = data.get("hits")
        found += hits["hits"] if isinstance(hits, dict) else [data]
    return [r for r in found if r.get("doi")]


def zenodo_version_views(record: dict[str, Any]) -> int:
    """This version's views as Zenodo's forms give them: InvenioRDM's ``this_version``; the legacy
    form's ``version_views``; the old form (no ``recid``) the reverse, ``views``."""
    stats = record.get("stats") or {}
    if "this_version" in stats:
        return int(stats["this_version"].get("views") or 0)
    return int(stats.get("version_views" if "recid" in record else "views") or 0)


def orcid_named(record: Any, orcid: str) -> bool:
    return orcid in json.dumps(record)


@pytest.mark.realdata
@pytest.mark.parametrize("name", NAMES)
def test_each_query_answers_on_the_real_corpus(corpus: Store, name: str) -> None:
    data, errors = run(corpus, name)
    assert data is not None
    absent = {k: v for k, v in SAMPLE_ABSENT.items() if k not in ("researcher_publications", "us10_grant_outputs")}
    if name in absent:  # none of these records is in the corpus either
        root, iri = absent[name]
        assert data == {root: None} and errors == [not_found(iri)]
        return
    assert errors == [], errors
    if name == "researcher_publications":
        check_fenner_publications(data)
    elif name == "us10_grant_outputs":
        check_freya_outputs(data)
    elif name == "us4_funder_licenses":
        check_funder_licenses(data)
    elif name == "mdc_datasets_with_views":
        check_datasets_with_views(data)
    elif name == "mdc_datasets_total":
        own = {a["doi"].lower() for a in datacite_records()
               if a.get("types", {}).get("resourceTypeGeneral") == "Dataset"}
        own |= {r["DOI"].lower() for r in crossref_records() if r.get("type") in ("dataset", "database")}
        assert data["datasets"]["totalCount"] >= len(own) > 0
    elif name == "lupo_datasets_citations_by_type":
        nodes = data["datasets"]["nodes"]
        assert nodes and all(n["citations"]["totalCount"] <= n["citationCount"] for n in nodes)
    elif name == "us6_people":
        people = {json.dumps(c).lower() for a in datacite_records() for c in a.get("creators", [])
                  if c.get("nameType") == "Personal"}
        wanted = [p for p in people if "john" in p and "smith" in p]
        assert data["people"]["totalCount"] == len(wanted)
    elif name == "us1_repository_works":
        assert data == {"pangaea": None}
    elif name == "us5_dissertations":
        theses = [a for a in datacite_records() if a.get("types", {}).get("resourceTypeGeneral") == "Dissertation"
                  and any("machine learning" in (t.get("title") or "").lower() for t in a.get("titles", []))]
        assert data["dissertations"]["totalCount"] == len(theses)
    else:
        pytest.fail(f"no expectation for {name}")


#: DataCite's text types: kg's publications
TEXT_GENERAL = {"Text", "JournalArticle", "Preprint", "ConferencePaper", "DataPaper", "Book", "BookChapter",
                "Dissertation", "Report", "PeerReview", "Standard", "StudyRegistration"}
CROSSREF_NOT_TEXT = {"dataset", "database", "component", "other", "journal", "journal-issue", "journal-volume",
                     "book-series", "proceedings", "book-set", "report-series", "grant"}


def check_fenner_publications(data: dict[str, Any]) -> None:
    orcid = "0000-0003-1419-2405"
    texts = {a["doi"].lower() for a in datacite_records() if orcid_named(a.get("creators"), orcid)
             and a.get("types", {}).get("resourceTypeGeneral") in TEXT_GENERAL}
    texts |= {r["DOI"].lower() for r in crossref_records() if orcid_named(r.get("author"), orcid)
              and r.get("type") not in CROSSREF_NOT_TEXT}
    person = data["person"]
    assert person["id"] == f"https://orcid.org/{orcid}" and texts
    assert person["publications"]["totalCount"] == len(texts)
    assert {n["id"] for n in person["publications"]["nodes"]} == {DOI + d for d in texts}


def check_freya_outputs(data: dict[str, Any]) -> None:
    ec = "10.13039/501100000780"
    funded = {a["doi"].lower() for a in datacite_records() for f in a.get("fundingReferences", [])
              if f.get("awardNumber") == "777523" and ec in (f.get("funderIdentifier") or "")}
    assert funded
    works = data["funder"]["works"]
    assert works["totalCount"] == len(funded)
    for node in works["nodes"]:
        assert any(f["awardNumber"] == "777523" for f in node["fundingReferences"])


def check_funder_licenses(data: dict[str, Any]) -> None:
    for alias, funder in variables("us4_funder_licenses").items():
        doi = funder.removeprefix(DOI)
        named = {r["DOI"].lower(): r for r in crossref_records()
                 if any(f.get("DOI") == doi for f in r.get("funder", []))}
        assert named, funder
        works = data[alias]["works"]
        # kg counts every work naming the funder, in any source, under any of its identities
        assert works["totalCount"] >= len(named)
        licences = {lic["URL"] for r in named.values() for lic in r.get("license", [])}
        assert licences <= {f["title"] for f in works["licenses"]}
    for alias in ("funder1Dataset", "funder1Text"):
        assert data[alias]["works"]["totalCount"] <= data["funder1"]["works"]["totalCount"]


def check_datasets_with_views(data: dict[str, Any]) -> None:
    viewed = {a["doi"].lower() for a in datacite_records()
              if a.get("types", {}).get("resourceTypeGeneral") == "Dataset" and (a.get("viewCount") or 0) >= 1}
    viewed |= {r["doi"].lower() for r in zenodo_records()
               if (r.get("metadata", {}).get("resource_type") or {}).get("type") == "dataset"
               and zenodo_version_views(r) >= 1}
    datasets = data["datasets"]
    assert datasets["totalCount"] == len(viewed) > 0
    assert sum(f["count"] for f in datasets["published"]) <= len(viewed)
    assert datasets["fieldsOfScience"] == []


# -- DataCite's query shapes over every DataCite record of the corpus ---------------------------------


def _by_doi() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for a in datacite_records():
        found.setdefault(a["doi"].lower(), []).append(a)
    return found


@pytest.mark.realdata
def test_the_dataset_query_answers_each_datacite_records_figures(corpus: Store) -> None:
    """user-story-8's query, its DOI replaced by each data set DataCite describes in the corpus."""
    shape = text("us8_dataset_parts")
    zenodo = {r["doi"].lower(): r for r in zenodo_records()}
    records = {d: rs for d, rs in _by_doi().items() if rs[0].get("types", {}).get("resourceTypeGeneral") == "Dataset"}
    assert len(records) >= 5
    for doi, versions in sorted(records.items()):
        query = shape.replace("https://doi.org/10.14291/tccon.ggg2014", DOI + doi)
        result = execute(corpus, query)
        assert not result.errors, (doi, result.errors)
        assert result.data is not None
        work = result.data["dataset"]
        main = [t["title"] for a in versions for t in a.get("titles", []) if not t.get("titleType")]
        titles = [_plain(t["title"]) for t in work["titles"]]
        assert any(_plain(m) in titles for m in main), (doi, main, titles)
        years = [int(a["publicationYear"]) for a in versions if str(a.get("publicationYear") or "").isdigit()]
        if years:
            assert work["publicationYear"] is not None and work["publicationYear"] <= min(years), doi
        views = {a.get("viewCount") for a in versions if a.get("viewCount")}
        downloads = {a.get("downloadCount") for a in versions if a.get("downloadCount")}
        assert (work["viewCount"] in views) if views else (work["viewCount"] is None or doi in zenodo), doi
        assert (work["downloadCount"] in downloads) if downloads else (
            work["downloadCount"] is None or doi in zenodo), doi
        # one record graph per DOI: the copy loaded last (a list page or the single record) holds
        kept = {_plain(d["description"]) for d in work["descriptions"] if d["descriptionType"] == "Abstract"}
        assert any({_plain(d["description"]) for d in a.get("descriptions", [])
                    if d.get("descriptionType") == "Abstract" and d.get("description")} <= kept for a in versions), doi
        assert work["partCount"] == len(work["parts"]["nodes"]) or work["partCount"] > 25


def _plain(value: str) -> str:
    """Text to compare: markup removed, entities decoded, no white space (kg folds it as it sees fit)."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", value)))


# -- over HTTP, and the DataCite shapes on the sample ----------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_query_is_answered_over_http_by_the_live_service(live: Live, name: str) -> None:
    """Sent as a DataCite client sends it (POSTed JSON), to ``kg serve`` on each backend."""
    answer = requests.post(live("/graphql"), json={"query": text(name), "variables": variables(name)}, timeout=60)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    errors = [e["message"] for e in body.get("errors", [])]
    assert body["data"] is not None
    assert all(e.startswith("nothing in the graph is named ") for e in errors), errors


def test_works_are_typed_as_datacite_types_them(sample: Store) -> None:
    query = """{ works(first: 30) { nodes { __typename type id ... on Dataset { repository { name } } } }
                 dataset(id: "PDB 6GV0") { __typename type types { resourceTypeGeneral kgClass } }
                 software(id: "10.5555/kg-sample.tool") { __typename } }"""
    result = execute(sample, query)
    assert result.errors is None and result.data is not None
    kinds = {n["id"]: n["__typename"] for n in result.data["works"]["nodes"]}
    assert all(n["type"] == n["__typename"] for n in result.data["works"]["nodes"])
    assert kinds[f"{DOI}10.2210/pdb6gv0/pdb"] == kinds[f"{DOI}10.5555/kg-sample.data"] == "Dataset"
    assert kinds[f"{DOI}10.5555/kg-sample.tool"] == "Software"
    assert kinds[f"{DOI}10.1038/s41598-021-81251-2"] == "JournalArticle"
    assert result.data["dataset"] == {"__typename": "Dataset", "type": "Dataset",
                                      "types": {"resourceTypeGeneral": "Dataset", "kgClass": "StructureEntry"}}
    assert result.data["software"] == {"__typename": "Software"}
    named = {n["id"]: n.get("repository") for n in result.data["works"]["nodes"]}
    assert named[f"{DOI}10.2210/pdb6gv0/pdb"] == {"name": "Protein Data Bank (wwPDB)"}
    assert named[f"{DOI}10.5555/kg-sample.data"] is None  # 10.5555 is no repository of kg's table


def test_facets_count_the_whole_list_not_the_page(sample: Store) -> None:
    query = """{ works(first: 1) { totalCount nodes { id } published { id title count }
                 resourceTypes { id title count } } }"""
    result = execute(sample, query)
    assert result.errors is None and result.data is not None
    works = result.data["works"]
    assert len(works["nodes"]) == 1
    assert sum(f["count"] for f in works["resourceTypes"]) == works["totalCount"] == 17
    years = [f["title"] for f in works["published"]]
    assert years == sorted(years, reverse=True) and all(f["id"] == f["title"] for f in works["published"])


def test_a_query_field_kg_does_not_read_is_named(sample: Store) -> None:
    result = execute(sample, '{ works(query: "subjects.subjectScheme:FOS") { totalCount } }')
    assert result.errors is not None
    assert "kg reads only these fields of a query: fundingReferences.awardNumber, types.resourceTypeGeneral" in \
        result.errors[0].message


def test_a_query_joins_at_most_ten_terms(sample: Store) -> None:
    words = " AND ".join(["x"] * 11)
    query = f'{{ works(query: "{words}") {{ totalCount }} people(query: "{words}") {{ totalCount }} }}'
    result = execute(sample, query)
    assert result.errors is not None and len(result.errors) == 2
    assert all("joins 11 terms with AND; at most 10" in e.message for e in result.errors)


def test_datasets_by_ids_keep_the_data_sets_named(sample: Store) -> None:
    query = """{ datasets(ids: ["PDB 6GV0", "10.5555/kg-sample.tool", "10.5555/kg-sample.data", "10.1/absent"]) {
                   totalCount nodes { id type } } }"""
    result = execute(sample, query)
    assert result.errors is None and result.data is not None
    # the software and the identifier naming nothing are left out, as DataCite leaves out what it does not hold
    assert result.data["datasets"] == {"totalCount": 2, "nodes": [
        {"id": f"{DOI}10.2210/pdb6gv0/pdb", "type": "Dataset"},
        {"id": f"{DOI}10.5555/kg-sample.data", "type": "Dataset"}]}


@pytest.mark.realdata
def test_contributors_are_each_datacite_records_in_order(corpus: Store) -> None:
    by_doi = {a["doi"].lower(): a for a in (_json(p)["data"]["attributes"]
                                            for p in sorted((REALDATA / "datacite" / "dois").glob("*.json")))}
    copies = _by_doi()
    listed = {d: a for d, a in by_doi.items() if a.get("contributors") and len(copies[d]) == 1}
    assert len(listed) >= 10
    for doi, record in sorted(listed.items()):
        result = execute(corpus, "query($id: ID!) { work(id: $id) { contributors { name contributorType } } }",
                         {"id": doi})
        assert result.errors is None and result.data is not None, doi
        # one agent named twice (the same organisation listed in two roles) is one contributor; an Editor is said
        # to be one, kg keeping no other type
        expected = list(dict.fromkeys((c["name"], "Editor" if c.get("contributorType") == "Editor" else None)
                                      for c in record["contributors"]))
        assert [(c["name"], c["contributorType"]) for c in result.data["work"]["contributors"]] == expected, doi


def test_all_and_other_related_read_every_link_either_way(sample: Store) -> None:
    query = """{ work(id: "10.5555/kg-sample.data") { allRelatedCount otherRelatedCount citationCount
                   otherRelated { nodes { id } edges { relationTypes } } container { title } }
                 p: work(id: "10.1038/s41598-021-81251-2") { container { title type } } }"""
    result = execute(sample, query)
    assert result.errors is None and result.data is not None
    work = result.data["work"]
    # four papers cite the data set; P3 is also supplemented by it: the one link that is no citation
    assert (work["allRelatedCount"], work["citationCount"], work["otherRelatedCount"]) == (4, 4, 1)
    assert work["otherRelated"] == {"nodes": [{"id": f"{DOI}10.5555/kg-sample.p3"}],
                                    "edges": [{"relationTypes": ["IsSupplementTo"]}]}
    assert work["container"] is None
    assert result.data["p"]["container"] == {"title": "Sci Rep", "type": None}


@pytest.mark.realdata
def test_each_datacite_record_is_typed_by_its_resource_type(corpus: Store) -> None:
    """kg's class gives the object type and the general type (DataCite's Collection, Image, ... are Other; a
    Book, BookChapter, Dissertation, Report or PeerReview is a Publication of that general type);
    the source's own type is the record's resourceType, else its resourceTypeGeneral."""
    copies = _by_doi()
    records = [_json(p)["data"]["attributes"] for p in sorted((REALDATA / "datacite" / "dois").glob("*.json"))]
    assert len(records) >= 50
    for record in records:
        doi, types = record["doi"].lower(), record["types"]
        query = "query($id: ID!) { work(id: $id) { type types { resourceTypeGeneral resourceType } } }"
        result = execute(corpus, query, {"id": doi})
        assert result.errors is None and result.data is not None, doi
        work, general = result.data["work"], types.get("resourceTypeGeneral")
        if general in ("Dataset", "Software"):
            assert (work["type"], work["types"]["resourceTypeGeneral"]) == (general, general), doi
        elif general in TEXT_GENERAL:
            # a book, chapter, thesis, report or review keeps its general type (its schema.org class says it); the
                # corpus records some DOIs twice, at two dates and types
            assert (work["type"], work["types"]["resourceTypeGeneral"]) in (
                ("Publication", "Text"), ("JournalArticle", "JournalArticle"),
                *(("Publication", c["types"].get("resourceTypeGeneral")) for c in copies[doi])), doi
        else:
            assert (work["type"], work["types"]["resourceTypeGeneral"]) == ("Other", "Other"), doi
        if len(copies[doi]) == 1:
            assert work["types"]["resourceType"] == (types.get("resourceType") or general or "").strip(), doi


def test_titles_and_creators_take_datacites_first(sample: Store) -> None:
    query = """{ work(id: "PDB 6GV0") { all: creators { name } one: creators(first: 1) { name }
                                      titles(first: 0) { title } }
                 x: work(id: "PDB 6GV0") { titles(first: -1) { title } } }"""
    result = execute(sample, query)
    assert result.data is not None and result.errors is not None
    work = result.data["work"]
    assert [c["name"] for c in work["all"]] == ["Sample, A.", "Example, B."]
    assert work["one"] == [{"name": "Sample, A."}] and work["titles"] == []
    assert result.data["x"] is None and [e.message for e in result.errors] == [
        "parameter 'first' must not be negative (value: -1)"]


def test_bibtex_and_formatted_citation_are_the_works_citations(sample: Store) -> None:
    """DataCite's ``bibtex`` and ``formattedCitation`` answer what ``/works/{id}`` gives by content
    negotiation (``g.cite``), HTML-escaped for ``format: html``; null for a node known only as a target."""
    g = KnowledgeGraph(sample)
    article = "https://doi.org/10.5555/kg-sample.article"
    query = """query($id: ID!) { work(id: $id) { bibtex text: formattedCitation(style: "vancouver", format: text)
               html: formattedCitation(locale: "de-DE") } }"""
    result = execute(sample, query, {"id": article})
    assert result.errors is None, result.errors
    data = result.data
    assert data is not None
    assert data["work"]["bibtex"] == g.cite(article, "bibtex")
    assert data["work"]["text"] == g.cite(article, "text", "vancouver")
    assert data["work"]["html"] == html.escape(g.cite(article, "text", "apa", "de-DE"))
    assert "10.5555/kg-sample.article" in data["work"]["bibtex"]
