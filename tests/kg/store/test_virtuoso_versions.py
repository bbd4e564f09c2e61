"""The item metrics' version counts (kg.metrics.VersionCounts) and the item page's citation dates: the same
answers on Virtuoso as on the embedded store, over the sample graph's versioned tool."""

from __future__ import annotations

from pyoxigraph import NamedNode

from kg.metrics import item_metrics
from kg.queries import load_query
from kg.store import Store


def test_version_counts_are_alike_on_virtuoso(stores: tuple[Store, Store]) -> None:
    virtuoso, embedded = stores
    for work in ("10.5555/kg-sample.tool.v1", "10.5555/kg-sample.data"):
        found = [item_metrics(s, work).version_counts for s in stores]
        assert found[0] == found[1], work
    tool = item_metrics(embedded, "10.5555/kg-sample.tool.v1").version_counts
    assert tool is not None and tool.in_graph > 1


def test_citation_dates_are_alike_on_virtuoso(stores: tuple[Store, Store]) -> None:
    bound = {"citing": [NamedNode("https://doi.org/10.1/none")], "cited": [NamedNode("https://doi.org/10.1/x")]}
    assert [s.select(load_query("citation_dates").text, bound).values() for s in stores] == [[], []]
