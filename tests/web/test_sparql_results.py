"""/sparql's content negotiation: q-values and specificity are honoured; ``format=`` names choose a format per
query form."""

from __future__ import annotations

import pytest

from kg.store.answers import GRAPH_FORMATS, SOLUTION_FORMATS
from kg.web.sparql_results import by_name, negotiate


@pytest.mark.parametrize("accept, solutions, graph", [
    ("text/csv;q=0.5, application/sparql-results+xml", "xml", None),
    ("text/*;q=0.3, text/csv;q=0.8", "csv", "turtle"),
    ("application/json", "json", "jsonld"),
    ("text/turtle, application/sparql-results+json;q=0.1", "json", "turtle"),
    ("*/*;q=0.1, text/tab-separated-values;q=0", "json", "turtle"),
    (None, "json", "turtle"),
    ("image/png", None, None),
    ("text/csv;q=0", None, None)])
def test_negotiation_honours_q_values_and_specificity(accept: str | None, solutions: str | None,
                                                      graph: str | None) -> None:
    found_solutions, found_graph = negotiate(accept, SOLUTION_FORMATS), negotiate(accept, GRAPH_FORMATS)
    assert (found_solutions.key if found_solutions else None) == solutions
    assert (found_graph.key if found_graph else None) == graph


@pytest.mark.parametrize("name, solutions, graph", [
    ("json", "json", "jsonld"), ("xml", "xml", "rdfxml"), ("csv", "csv", None), ("n3", None, "n3"),
    ("trig", None, "trig"),
    ("text/tab-separated-values", "tsv", None), ("rdf+xml", None, "rdfxml"), ("yaml", None, None)])
def test_format_names_choose_per_query_form(name: str, solutions: str | None, graph: str | None) -> None:
    found_solutions, found_graph = by_name(name, SOLUTION_FORMATS), by_name(name, GRAPH_FORMATS)
    assert (found_solutions.key if found_solutions else None) == solutions
    assert (found_graph.key if found_graph else None) == graph
