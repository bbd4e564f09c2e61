"""What the Python API's objects share (:mod:`kg.graph`): questions asked once per store revision when a
cache is given, and reuse metrics (``g.metrics``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pyoxigraph import NamedNode

from kg import metrics
from kg.answer_cache import AnswerCache
from kg.store import Store

T = TypeVar("T")


def key_of(identifier: str | NamedNode) -> str:
    return identifier.value if isinstance(identifier, NamedNode) else identifier


class Answers:
    """Asks a question once per store revision when a cache is given (:mod:`kg.answer_cache`)."""

    def __init__(self, store: Store, cache: AnswerCache | None) -> None:
        self._store, self.cache = store, cache

    def __call__(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        if self.cache is None:
            return compute()
        found = self.cache.answer(self._store.revision(), key, compute)
        # the kept answer is shared: a caller may change the list or dict it gets, never the kept one
        if isinstance(found, (list, dict)):
            return found.copy()  # type: ignore[return-value]
        return found


class MetricsQueries:
    """Reuse metrics (``g.metrics``): see docs/metrics.md for what each figure counts."""

    def __init__(self, store: Store, cache: AnswerCache | None = None) -> None:
        self._store = store
        self._answers = Answers(store, cache)

    def item(self, identifier: str | NamedNode, citing_limit: int | None = metrics.CITING_PAGE,
             citing_offset: int = 0) -> metrics.ItemMetrics:
        """Citations of a work, alone and rolled up over all its versions, its usage and the sources' counts;
        the citing works a page at a time, most recent first (``page.next``: the next ``citing_offset``).

        >>> import kg
        >>> kg.open(None).metrics.item("pmid:1")
        Traceback (most recent call last):
        kg.errors.NotFoundError: nothing in the graph is named pmid:1; load or harvest its record first
        """
        key = key_of(identifier)
        return self._answers(("metrics.item", key, citing_limit, citing_offset), lambda: metrics.item_metrics(
            self._store, key, citing_limit, citing_offset))

    def cited_by(self, iris: Iterable[str]) -> dict[str, metrics.CitedBy]:
        """How often each work is cited: by works in this graph, beside the counts its sources reported.

        >>> import kg
        >>> kg.open(None).metrics.cited_by(["https://doi.org/10.1/x"])["https://doi.org/10.1/x"].in_graph
        0
        """
        return metrics.cited_by(self._store, list(iris))

    def funder(self, funder_id: str) -> metrics.PortfolioMetrics:
        """A funder's outputs and their reuse (a Crossref Funder ID, ``funder:...`` or a ROR ID)."""
        return self._answers(("metrics.funder", funder_id), lambda: metrics.funder_metrics(self._store, funder_id))

    def awards(self, funder_id: str) -> list[metrics.Award]:
        """A funder's awards (over every node that names it), each with the works it funded."""
        return self._answers(("metrics.awards", funder_id), lambda: metrics.funder_awards(self._store, funder_id))

    def facility(self, facility_id: str) -> metrics.FacilityMetrics:
        """Structures measured at a facility or instrument (its IRI, name or slug), their publications and reuse."""
        return self._answers(("metrics.facility", facility_id),
                             lambda: metrics.facility_metrics(self._store, facility_id))

    def publisher(self, publisher: str) -> metrics.PortfolioMetrics:
        """A publisher's works and their reuse (its name or IRI)."""
        return self._answers(("metrics.publisher", publisher),
                             lambda: metrics.publisher_metrics(self._store, publisher))
