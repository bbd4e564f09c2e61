"""Every query of the catalogue parses and has its header."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from kg.queries import QueryNotFoundError, all_queries, load_query


def test_the_catalogue_is_not_empty() -> None:
    assert len(all_queries()) >= 3


@pytest.mark.parametrize("query", all_queries(), ids=lambda q: q.name)
def test_query_has_a_header_and_parses(query) -> None:
    assert query.title and query.description and query.parameters and query.example
    assert query.name in query.example
    Store().query(query.text)  # raises SyntaxError when the query does not parse


def test_unknown_query_names_the_ones_there_are() -> None:
    with pytest.raises(QueryNotFoundError, match=r"no query named 'nope' .*there are: .*stats_sources"):
        load_query("nope")
