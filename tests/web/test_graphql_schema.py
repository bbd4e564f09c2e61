"""The GraphQL schema in process (strawberry's ``schema.execute`` over a real in-memory store): the
checked-in SDL matches the code, a page of works costs a fixed number of store queries whatever its
size, a document that could resolve too many objects is refused before execution, and unexpected
errors are masked while kg's own keep their message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from strawberry.types import ExecutionResult

from graphql import parse
from kg.errors import StoreError
from kg.store import Bindings, EmbeddedStore
from kg.web.config import Settings
from kg.web.graphql.context import Context
from kg.web.graphql.cost import Sizes, estimate
from kg.web.graphql.limits import MASKED
from kg.web.graphql.schema import build_schema, sdl
from loaders.pipeline import load
from loaders.read import read_paths
from tests.conftest import run_async

ROOT = Path(__file__).resolve().parents[2]


class CountingStore(EmbeddedStore):
    """The real in-memory store, counting the queries it is asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.queries = 0

    def _query(self, sparql: str, bindings: Bindings) -> Any:
        self.queries += 1
        return super()._query(sparql, bindings)


class FailingStore(CountingStore):
    """A store whose reads fail after loading, the way a broken disk or server would."""

    failure: Exception = RuntimeError("disk /var/secret/kg-data is gone")
    failing = False

    def _query(self, sparql: str, bindings: Bindings) -> Any:
        if self.failing:
            raise self.failure
        return super()._query(sparql, bindings)


def _loaded(store: CountingStore) -> CountingStore:
    report = load(store, read_paths([ROOT / "samples"]))
    assert report.rejected == 0
    return store


@pytest.fixture(scope="module")
def store() -> CountingStore:
    return _loaded(CountingStore())


def execute(store: EmbeddedStore, query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
    schema = build_schema(Settings())

    return run_async(schema.execute(query, variable_values=variables, context_value=Context(store, Settings())))


def test_the_checked_in_sdl_matches_the_code() -> None:
    checked_in = (ROOT / "graphql" / "schema.graphql").read_text("utf-8")
    assert checked_in == sdl(), "graphql/schema.graphql is stale: run python -m kg.web.graphql > graphql/schema.graphql"


def test_the_sdl_command_prints_the_schema() -> None:
    printed = subprocess.run([sys.executable, "-m", "kg.web.graphql"], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout
    assert printed == sdl()
    assert "citationsOverTime: [YearTotal!]!" in printed
    assert "evidenceChain(maxDepth: Int! = 5, allCitations: Boolean! = false)" in printed


PAGE = """query($ids: [ID!]!) { works(ids: $ids) { totalCount nodes {
  id titles { title } publisher creators { name affiliation { name } } fundingReferences { funderName }
  citationCount citationsOverTime { year total } referenceCount versionCount
  citations(first: 5) { nodes { doi publicationYear } edges { provenance { source } } }
  references(first: 5) { nodes { doi } }
  relatedIdentifiers { relationType provenance { source } }
  metrics { allVersionsCitationCount }
} } }"""


def test_a_page_of_works_costs_the_same_queries_whatever_its_size(store: CountingStore) -> None:
    small = ["10.5555/kg-sample.data", "10.5555/kg-sample.p5"]
    large = [*small, *(f"10.5555/kg-sample.p{n}" for n in range(1, 5)), "10.5555/kg-sample.tool",
             *(f"10.5555/kg-sample.tool.v{n}" for n in range(1, 4)), "PDB 6GV0", "10.1038/s41598-021-81251-2",
             # R cites P1: without it the page would not hold all the works its works link to
             "10.5555/kg-sample.article"]
    costs = {}
    for page in (small, large):
        store.queries = 0
        result = execute(store, PAGE, {"ids": page})
        assert result.errors is None
        assert result.data is not None and len(result.data["works"]["nodes"]) == len(page)
        costs[len(page)] = store.queries
    # fields, creators, funding, links, provenance, fields of linked works (one batch per level of
    # the selection; none when the page holds them all already), version scopes, citing works,
    # usage, source counts: a bound that does not grow with the page
    assert costs[13] <= costs[2] <= 11, costs


def test_funder_and_person_lookups_name_what_is_wrong(store: CountingStore) -> None:
    result = execute(store, '{ funder(id: "funder:abc") { id } person(id: "0000-0002-1825-0097") { id } }')
    assert result.data == {"funder": None, "person": None}
    messages = sorted(e.message for e in result.errors or [])
    assert messages[0].startswith("not a valid Crossref Funder ID: 'funder:abc'")
    assert messages[1] == ("nothing in the graph is named https://orcid.org/0000-0002-1825-0097; "
                           "load or harvest its record first")


@pytest.mark.parametrize("failure", [RuntimeError("disk /var/secret/kg-data is gone"),
                                     StoreError("cannot open /var/secret/kg-data")], ids=["unexpected", "store"])
def test_unexpected_and_store_errors_are_masked(failure: Exception) -> None:
    store = FailingStore()
    _loaded(store)
    store.failure = failure
    store.failing = True
    result = execute(store, '{ work(id: "10.5555/kg-sample.data") { id } }')
    assert result.data == {"work": None}
    assert [e.message for e in result.errors or []] == [MASKED]
    assert "secret" not in str(result.errors)


NESTED = ("{ works(first: 100) { nodes { citations(first: 100) { nodes { references(first: 100) { nodes { "
          "citations(first: 100) { nodes { id } } } } } } } } }")
REFUSED = ("the query could resolve about 102,020,201 objects, more than the limit of 50,000 (graphql_max_cost): "
           "ask for smaller pages (first) or fewer nested lists")


def test_a_document_nesting_pages_is_refused_before_execution(store: CountingStore) -> None:
    store.queries = 0
    result = execute(store, NESTED)
    assert result.data is None
    assert [e.message for e in result.errors or []] == [REFUSED]
    assert store.queries == 0, "refused before any resolver asked the store"


def test_variables_for_first_are_honoured_by_the_cost_limit(store: CountingStore) -> None:
    query = ("query($n: Int! = 100) { works(first: $n) { nodes { citations(first: $n) { nodes { "
             "references(first: $n) { nodes { id } } } } } } }")
    for variables in ({"n": 100}, None):
        [error] = execute(store, query, variables).errors or []
        assert "could resolve about 1,020,201 objects, more than the limit of 50,000" in error.message
    small = execute(store, query, {"n": 5})
    assert small.errors is None and small.data is not None and len(small.data["works"]["nodes"]) == 5


def test_a_page_of_100_works_with_10_references_each_passes(store: CountingStore) -> None:
    query = "{ works(first: 100) { nodes { id titles { title } references(first: 10) { nodes { id doi } } } } }"
    result = execute(store, query)
    assert result.errors is None and result.data is not None
    assert len(result.data["works"]["nodes"]) >= 14


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "graphql" / "examples").glob("*.graphql")))
def test_every_example_is_well_under_the_cost_limit(name: str) -> None:
    document = parse((ROOT / "graphql" / "examples" / f"{name}.graphql").read_text("utf-8"))
    assert estimate(build_schema(Settings())._schema, document, Sizes()) <= Settings().graphql_max_cost // 4


def test_fragments_chains_and_the_running_operation_are_costed() -> None:
    schema = build_schema(Settings())._schema
    spread = parse("fragment F on Work { citations(first: 100) { nodes { references(first: 100) { nodes { id } } } } }"
                   "{ works(first: 100) { nodes { ...F } } }")
    # works, its nodes; citations of each, their nodes; references of each, their nodes
    assert estimate(schema, spread, Sizes()) == 1 + 100 + 100 + 100 ** 2 + 100 ** 2 + 100 ** 3
    # a chain counts as the most works it can reach on each of its lists: fan-out 200 per level
    chain = parse('{ work(id: "x") { evidenceChain(maxDepth: 2) { nodes { work { id } } } } }')
    assert estimate(schema, chain, Sizes()) == 1 + 1 + 600 + 600
    # a first or maxDepth out of range counts as its bound (the resolver names the parameter)
    assert estimate(schema, parse("{ works(first: 1000000) { nodes { id } } }"), Sizes()) == 1 + 100
    two = parse("query Small { works(first: 1) { totalCount } } query Big { works(first: 50) { nodes { id } } }")
    assert [estimate(schema, two, Sizes(), name) for name in ("Small", "Big", None)] == [1, 51, 51]
    # introspection costs nothing
    assert estimate(schema, parse("{ __schema { types { name fields { name } } } }"), Sizes()) == 0


def test_a_document_the_other_limits_refuse_gets_their_error_alone(store: CountingStore) -> None:
    deep = "{ work(id: \"10.5555/kg-sample.data\") { " + "citations { nodes { " * 5 + "id" + " } }" * 5 + " } }"
    assert [e.message for e in execute(store, deep).errors or []] == [
        "'anonymous' exceeds maximum operation depth of 10"]


def test_people_organisations_and_funders_share_the_agent_interface(store: CountingStore) -> None:
    query = """fragment A on Agent { id name works(first: 10) { totalCount nodes { doi } } }
    { funder(id: "10.13039/100000001") { ...A metrics { outputCount } }
      organization(id: "10.13039/100000001") { ...A }
      person(id: "https://w3id.org/evidence-kg/person/c3d479e73b478311c5b3") { ...A givenName } }"""
    result = execute(store, query)
    assert result.errors is None and result.data is not None
    funder, organization, person = result.data["funder"], result.data["organization"], result.data["person"]
    assert funder["name"] == organization["name"] == "National Science Foundation"
    # a funder's works are the outputs it funded (the metrics' query), as many as its metrics count
    assert funder["works"]["totalCount"] == funder["metrics"]["outputCount"] == 6
    assert (person["name"], person["givenName"]) == ("Example, B.", "B.")
    assert [n["doi"] for n in person["works"]["nodes"]] == ["10.2210/pdb6gv0/pdb"]


def test_a_works_references_are_named_as_cited_in_a_fixed_number_of_queries() -> None:
    store = CountingStore()
    report = load(store, read_paths([ROOT / "tests" / "fixtures" / "crossref" / "work-references.json"]))
    assert report.rejected == 0
    store.queries = 0
    result = execute(store, """{ work(id: "10.5555/kg.refs.1") { name nameSource
      references(first: 10) { nodes { id name nameSource titles { title } } } } }""")
    assert result.errors is None and result.data is not None
    work = result.data["work"]
    assert (work["name"], work["nameSource"]) == (
        "A test article citing in every way Crossref words a reference", "record")
    named = {n["id"].removeprefix("https://doi.org/"): (n["name"], n["nameSource"], n["titles"])
             for n in work["references"]["nodes"]}
    by = "cited-as by 10.5555/kg.refs.1"
    assert named == {
        "10.5555/kg.cited.article": ("A cited article", by, []),
        "10.5555/kg.cited.chapter": ("A chapter", by, []),
        "10.5555/kg.cited.book": ("A book cited whole", by, []),
        "10.5555/kg.cited.series": ("A series", by, []),
        "10.5555/kg.cited.parts": ("Brown 2005, Nature 7:100", by, []),
        "10.5555/kg.cited.text": ("Green A. 2010. Something said once. Obscure Proceedings.", by, [])}
    # the names of the work and of its whole page of references: two summary queries, not one per work
    store.queries = 0
    execute(store, """{ work(id: "10.5555/kg.refs.1") { references(first: 10) { nodes { name } } } }""")
    with_names = store.queries
    store.queries = 0
    execute(store, """{ work(id: "10.5555/kg.refs.1") { references(first: 10) { nodes { id } } } }""")
    assert with_names - store.queries <= 2, (with_names, store.queries)
