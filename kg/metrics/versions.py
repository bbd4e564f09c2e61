"""How many versions a work has, as one answer (:class:`VersionCounts`) for the item page, the item metrics'
JSON and CSV: kg's count of the versions in this graph beside what the sources say, each labelled, never
mixed: the count a source reports (Zenodo's of a concept's versions, ``kg:sourceVersionCount``), and the
highest number a source gives one of the versions loaded (``kg:versionIndex``, counted from 1: at least
that many versions exist, however many are loaded).

>>> from kg.store import Store
>>> version_counts(Store.open(None), ["https://doi.org/10.1/v1"], ())
VersionCounts(in_graph=1, concept=False, numbered=None, reported=())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store

if TYPE_CHECKING:
    from kg.metrics.item import SourceCount


@dataclass(frozen=True)
class VersionCounts:
    """A work's versions counted: by kg in this graph, and as its sources number and count them."""

    #: versions in this graph: the nodes the work's reuse rolls up over (itself, its concept, every version
    #: of it), the concept not counted (it is not a version of itself)
    in_graph: int
    #: whether its concept (Zenodo's "all versions" DOI) is in this graph too
    concept: bool = False
    #: the highest number a source gives one of the versions in this graph (``kg:versionIndex``): at least
    #: that many versions exist; None when no source numbers them
    numbered: int | None = None
    #: the counts of versions the sources report (Zenodo's of the concept), with their record and its date
    reported: tuple[SourceCount, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"in_graph": self.in_graph, "concept": self.concept, "numbered": self.numbered,
                "reported": [s.as_dict() for s in self.reported]}

    @property
    def more_exist(self) -> bool:
        """Whether a source says there are more versions than this graph holds."""
        return max([self.numbered or 0, *(s.count for s in self.reported)]) > self.in_graph


def version_counts(store: Store, scope: Sequence[str], reported: Sequence[SourceCount]) -> VersionCounts:
    """The versions of a work whose reuse rolls up over the nodes ``scope`` (:func:`kg.metrics.version_scopes`),
    beside the version counts its sources report (``reported``, of metric "versions")."""
    concepts: set[str] = set()
    numbers: list[int] = []
    if len(scope) > 1 or reported:
        for node, concept, index in store.select(load_query("metrics_version_counts").text,
                                                 {"node": [NamedNode(n) for n in scope]}).values():
            if node is not None and concept is not None:
                concepts.add(node)
            if index is not None and index.isdigit():
                numbers.append(int(index))
    return VersionCounts(len(scope) - len(concepts & set(scope)), bool(concepts & set(scope)),
                         max(numbers, default=None), tuple(reported))
