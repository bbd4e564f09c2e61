"""What related items read of a work's neighbourhood: its citation links, the works citing its version
family, what a sample of them cite, the concepts of versions and bibliographic coupling.

Each read has two sources giving the same rows. Where the store keeps its metrics summary complete
(:meth:`kg.store.Store.complete_summary`: an embedded store; it holds every record graph's
``cito:cites``, ``kg:hasVersion`` and work classes, :mod:`kg.store.summary`), the rows come from its
indexed SQLite tables: a lookup per bound term, whatever the size of the graph. Otherwise (a remote
store: ``oxigraph serve``, Virtuoso, or a summary not built) the catalogue queries ``related_*.rq``
are asked, one a read.

Blank nodes are left out of the summary's rows: a citation link joins two works named by IRIs.

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.update('''INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
...     <https://doi.org/10.1/a> <http://purl.org/spar/cito/cites> <https://doi.org/10.1/d> } }''')
>>> citing_works(store, None, ["https://doi.org/10.1/d"])
['https://doi.org/10.1/a']
"""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store, Term
from kg.store.summary import CITES, HAS_VERSION, TYPE, MetricsSummaryDb
from kg.vocab import CITO, KG


def select_rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    """The rows of catalogue query ``name``, each term as its text."""
    result = store.select(load_query(name).text, bindings)
    return [{k: getattr(t, "value", str(t)) for k, t in row.items()} for row in result.dicts()]


def link_rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    """The rows of ``related_direct_links.rq`` or ``related_versions_and_parts.rq`` as those queries
    leave them to the caller (no FILTER, which slowed Oxigraph): without the "out" rows to a literal
    (the caller drops a work's "sibling" row of itself)."""
    result = store.select(load_query(name).text, bindings)
    return [{k: getattr(t, "value", str(t)) for k, t in row.items()} for row in result.dicts()
            if isinstance(row["other"], NamedNode) or getattr(row["direction"], "value", None) != "out"]


def _named(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, b in pairs if not a.startswith("_:") and not b.startswith("_:"))


def direct_links(store: Store, summary: MetricsSummaryDb | None, items: list[str], relations: list[Term]
                 ) -> list[dict[str, str]]:
    """Rows of ``related_direct_links.rq`` (item, relation, direction, other) for the bound items and
    relations; with a summary its ``cito:cites`` rows are read there and the store is asked the rest."""
    nodes: list[Term] = [NamedNode(i) for i in items]
    if summary is None:
        return link_rows(store, "related_direct_links", {"item": nodes, "relation": relations})
    others = [r for r in relations if r != CITO.cites]
    rows = link_rows(store, "related_direct_links", {"item": nodes, "relation": others}) if others else []
    if len(others) < len(relations):
        cites = CITO.cites.value
        rows += [{"item": i, "relation": cites, "direction": "out", "other": o}
                 for i, o in _named(summary.objects(CITES, items))]
        rows += [{"item": i, "relation": cites, "direction": "in", "other": o}
                 for i, o in _named(summary.subjects(CITES, items))]
    return rows


def citing_works(store: Store, summary: MetricsSummaryDb | None, targets: list[str]) -> list[str]:
    """The works citing any of ``targets`` (``related_citing_works.rq``), each once, by IRI."""
    if summary is not None:
        return sorted({c for _, c in _named(summary.subjects(CITES, targets))})
    rows = select_rows(store, "related_citing_works", {"target": [NamedNode(t) for t in targets]})
    return sorted({row["citing"] for row in rows})


def co_cited(store: Store, summary: MetricsSummaryDb | None, sample: list[str]) -> dict[str, list[str]]:
    """What the ``sample`` of citing works cite, each cited work with those of them citing it
    (``related_co_citation.rq``)."""
    if not sample:
        return {}
    if summary is not None:
        found: dict[str, list[str]] = defaultdict(list)
        for citing, cited in _named(summary.objects(CITES, sample)):
            found[cited].append(citing)
        return dict(found)
    return {row["cited"]: row["citers"].split()
            for row in select_rows(store, "related_co_citation", {"citing": [NamedNode(c) for c in sample]})}


def concepts_of(store: Store, summary: MetricsSummaryDb | None, versions: list[str]) -> list[dict[str, str]]:
    """Rows (version, concept) of ``related_concepts.rq``: the kg:Concept each work is a version of."""
    if not versions:
        return []
    if summary is not None:
        pairs = _named(summary.subjects(HAS_VERSION, versions))
        typed = {c for c, cls in summary.objects(TYPE, {c for _, c in pairs}) if cls == KG.Concept.value}
        return [{"version": v, "concept": c} for v, c in pairs if c in typed]
    return select_rows(store, "related_concepts", {"version": [NamedNode(v) for v in versions]})


def coupling(store: Store, summary: MetricsSummaryDb | None, item: str) -> list[dict[str, str]]:
    """Rows (other, shared) of ``related_bibliographic_coupling.rq``: works citing what the item cites."""
    if summary is None:
        return select_rows(store, "related_bibliographic_coupling", {"item": NamedNode(item)})
    refs = [r for _, r in _named(summary.objects(CITES, [item]))]
    if not refs:
        return []
    return [{"other": o, "shared": s} for s, o in _named(summary.subjects(CITES, refs)) if o != item]
