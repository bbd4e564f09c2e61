"""How a work stands in the graph: how often it is cited, how many works it cites, whether a
record is about it, its year and kind. One catalogue query (``queries/work_standing.rq``) for any
number of works.

Evidence chains rank a work's plain citations by it (:mod:`kg.chains`), and related items break
ties with it (:mod:`kg.related`). The counts are kg's own, over what is loaded; a count a source
reports (``kg:sourceCitationCount``) is never mixed in.

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.update('''INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
...     <https://doi.org/10.1/a> <http://purl.org/spar/cito/cites> <https://doi.org/10.1/d> .
...     <https://doi.org/10.1/d> a <http://schema.org/Dataset> } }''')
>>> d = standings(store, [NamedNode("https://doi.org/10.1/d")])["https://doi.org/10.1/d"]
>>> d.citers, d.kind, d.is_data_or_software
(1, 'Dataset', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.store.summary_standing import standing_rows
from kg.works import WORK_CLASSES

#: the kinds of work that are data or software (a citation of one is a data or software citation)
DATA_OR_SOFTWARE = frozenset({"Dataset", "StructureEntry", "SoftwareSourceCode"})


@dataclass(frozen=True)
class Standing:
    """What the graph says of a work's weight: its citations, references, records, year and kind."""

    iri: str
    #: works in the graph citing it (for a concept: citing it or any of its versions)
    citers: int = 0
    #: works it cites
    references: int = 0
    #: record graphs about it (0: known only as the target of links)
    records: int = 0
    year: int | None = None
    #: its most specific work class, as a short name ("Dataset"), like kg.works.WorkSummary.kind
    kind: str | None = None
    #: every work class any graph gives it, as short names (a record may say Dataset, another article)
    classes: frozenset[str] = frozenset()

    @property
    def is_data_or_software(self) -> bool:
        return self.kind in DATA_OR_SOFTWARE


def standings(store: Store, iris: Iterable[NamedNode]) -> dict[str, Standing]:
    """The standing of each work, in one query however many; a work the graph says nothing of
    stands at zero."""
    nodes = list(dict.fromkeys(iris))
    found = {n.value: Standing(n.value) for n in nodes}
    if not nodes:
        return found
    summary = store.complete_summary()  # the same rows, kept beside the store (kg.store.summary)
    rows = (standing_rows(summary, [n.value for n in nodes]) if summary is not None else
            select_chunked(store, load_query("work_standing").text, {"work": nodes}).values())
    for work, citers, references, records, published, classes in rows:
        if work is None:
            continue
        types = set((classes or "").split())
        named = [c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in WORK_CLASSES if c.value in types]
        year = int(published[:4]) if published and published[:4].isdigit() else None
        found[work] = Standing(work, int(citers or 0), int(references or 0), int(records or 0), year,
                               named[0] if named else None, frozenset(named))
    return found
