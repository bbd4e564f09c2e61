"""What the store holds: graphs per source, works per class, quads and edges."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.queries import load_query
from kg.store import Store
from kg.vocab import curie


@dataclass(frozen=True)
class Stats:
    quads: int
    citations: int
    evidence_edges: int
    graphs_by_source: dict[str, int] = field(default_factory=dict)
    works_by_class: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"quads": self.quads, "citations": self.citations, "evidence_edges": self.evidence_edges,
                "graphs_by_source": self.graphs_by_source, "works_by_class": self.works_by_class}


def store_stats(store: Store) -> Stats:
    """Counts over the whole store.

    >>> store_stats(Store.open(None)).quads
    0
    """
    sizes = store.select(load_query("stats_quads").text).values()
    quads, citations, evidence = (int(v or 0) for v in sizes[0]) if sizes else (0, 0, 0)
    by_source = {name: int(n) for name, n, *_ in store.select(load_query("stats_sources").text).values()
                 if name is not None and n is not None}
    by_class = {curie(cls): int(n) for cls, n in store.select(load_query("stats_classes").text).values()
                if cls is not None and n is not None}
    return Stats(quads, citations, evidence, by_source, by_class)
