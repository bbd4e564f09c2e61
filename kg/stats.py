"""What the store holds: graphs per source, works per class and per kind, quads and edges."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.queries import load_query
from kg.store import Store
from kg.vocab import curie

#: the kind each flag of ``stats_kinds`` stands for, in its column order
_FLAGS = ("StructureEntry", "SoftwareSourceCode", "Dataset", "ScholarlyArticle", "Book", "Report")
#: the kinds, most specific first, as kg.metrics.counting.KINDS has them (an independent module: a test
#: keeps the two equal)
KINDS = ("StructureEntry", "SoftwareSourceCode", "Dataset", "Book", "Report", "ScholarlyArticle", "CreativeWork")
#: how a terminal names each kind (docs/metrics.md, "Kinds of works")
KIND_NAMES = {"StructureEntry": "PDB entries", "SoftwareSourceCode": "software", "Dataset": "datasets",
              "ScholarlyArticle": "articles", "Book": "books and chapters", "Report": "reports and theses",
              "CreativeWork": "other works"}


@dataclass(frozen=True)
class Stats:
    quads: int
    citations: int
    evidence_edges: int
    graphs_by_source: dict[str, int] = field(default_factory=dict)
    #: distinct works typed with each class (a work of two classes counts under both)
    works_by_class: dict[str, int] = field(default_factory=dict)
    #: distinct works per kind, each counted once under its most specific kind as metrics count them
    #: (kg.metrics.counting.KINDS: books and chapters as ``Book``, reports and theses as ``Report``)
    works_by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"quads": self.quads, "citations": self.citations, "evidence_edges": self.evidence_edges,
                "graphs_by_source": self.graphs_by_source, "works_by_class": self.works_by_class,
                "works_by_kind": self.works_by_kind}


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
    return Stats(quads, citations, evidence, by_source, by_class, works_by_kind(store))


def works_by_kind(store: Store) -> dict[str, int]:
    """Distinct works per kind (``stats_kinds``), most works first, ties in :data:`KINDS` order."""
    found: dict[str, int] = {}
    for *flags, n in store.select(load_query("stats_kinds").text).values():
        if n is None:
            continue
        present = {k for k, flag in zip(_FLAGS, flags, strict=True) if flag is not None}
        kind = next((k for k in KINDS if k in present), "CreativeWork")
        found[kind] = found.get(kind, 0) + int(n)
    order = {k: i for i, k in enumerate(KINDS)}
    return {k: found[k] for k in sorted(found, key=lambda k: (-found[k], order[k]))}
