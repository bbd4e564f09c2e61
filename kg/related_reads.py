"""What related items read of a work's neighbourhood: its citation links, the works citing its version
family, what a sample of them cite, the concepts of versions and bibliographic coupling.

Each read has two sources giving the same rows. Where the store keeps its metrics summary complete
(:meth:`kg.store.Store.complete_summary`: an embedded store; it holds every record graph's
``cito:cites``, ``kg:hasVersion`` and work classes, :mod:`kg.store.summary`), the rows come from its
indexed SQLite tables: a lookup per bound term, whatever the size of the graph. Otherwise (a remote
store: ``oxigraph serve``, Virtuoso, or a summary not built) the catalogue queries ``related_*.rq``
are asked, one a read. Co-citation and bibliographic coupling are counted by term id in the summary
(:func:`kg.store.summary_similar.similar`), else read with ``related_co_citation.rq``,
``related_concepts.rq`` and ``related_bibliographic_coupling.rq`` (:func:`similar`).

The citations (``cito:cites``), versions of concepts and work classes are kept by every summary; the
other links (the catalogue's typed relations, the evidence edges) are read there when its version keeps
them (:func:`kg.store.summary_links.kept`), else asked of the store. Blank nodes are left out of the
summary's rows, and literals from the objects read (a link joins two nodes named by IRIs).

>>> from kg.store import Store
>>> store = Store.open(None)
>>> store.update('''INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/a> {
...     <https://doi.org/10.1/a> <http://purl.org/spar/cito/cites> <https://doi.org/10.1/d> } }''')
>>> citing_works(store, None, ["https://doi.org/10.1/d"])
['https://doi.org/10.1/a']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from pyoxigraph import NamedNode

from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.store.summary import CITES, HAS_VERSION, TYPE, MetricsSummaryDb
from kg.store.summary_links import kept, links
from kg.store.summary_similar import similar as similar_ids
from kg.vocab import KG

_CONCEPT, _STRUCTURE, _RELIES_ON_DATA = KG.Concept.value, KG.StructureEntry.value, KG.reliesOnData.value


def select_rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    """The rows of catalogue query ``name``, each term as its text."""
    result = select_chunked(store, load_query(name).text, bindings)
    return [{k: getattr(t, "value", str(t)) for k, t in row.items()} for row in result.dicts()]


def link_rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    """The rows of ``related_direct_links.rq`` or ``related_versions_and_parts.rq`` as those queries
    leave them to the caller (no FILTER, which slowed Oxigraph): without the "out" rows to a literal
    (the caller drops a work's "sibling" row of itself)."""
    result = select_chunked(store, load_query(name).text, bindings)
    return [{k: getattr(t, "value", str(t)) for k, t in row.items()} for row in result.dicts()
            if isinstance(row["other"], NamedNode) or getattr(row["direction"], "value", None) != "out"]


def _named(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, b in pairs if not a.startswith("_:") and not b.startswith("_:"))


def _text(term: Term) -> str:
    return getattr(term, "value", str(term))


def _iri(text: str) -> bool:
    """Whether a term's text from the summary names a node by IRI (not a blank node, nor a literal's text)."""
    return ":" in text and not text.startswith("_:") and not any(c in text for c in " <>\"{}|^`\\")


def direct_links(store: Store, summary: MetricsSummaryDb | None, items: list[str], relations: list[Term]
                 ) -> list[dict[str, str]]:
    """Rows of ``related_direct_links.rq`` (item, relation, direction, other) for the bound items and
    relations; with a summary the relations it keeps are read there and the store is asked the rest."""
    nodes: list[Term] = [NamedNode(i) for i in items]
    if summary is None:
        return link_rows(store, "related_direct_links", {"item": nodes, "relation": relations})
    here = [t for t in map(_text, relations) if kept(summary, [t])]
    others = [r for r in relations if _text(r) not in here]
    rows = link_rows(store, "related_direct_links", {"item": nodes, "relation": others}) if others else []
    for direction, by in (("out", "s"), ("in", "o")):
        rows += [{"item": i, "relation": p, "direction": direction, "other": o}
                 for p, i, o in sorted(links(summary, here, items, by)) if _iri(o)]  # type: ignore[arg-type]
    return rows


def versions_and_parts(store: Store, summary: MetricsSummaryDb | None, item: str, relations: list[Term]
                       ) -> list[dict[str, str]]:
    """Rows of ``related_versions_and_parts.rq`` (relation, direction, other; concept for a sibling), from
    the summary when it keeps every version and part relation."""
    names = [_text(r) for r in relations]
    if summary is None or not kept(summary, names):
        return link_rows(store, "related_versions_and_parts", {"item": NamedNode(item), "relation": relations})
    rows = []
    for direction, by in (("out", "s"), ("in", "o")):
        rows += [{"relation": p, "direction": direction, "other": o}
                 for p, _, o in sorted(links(summary, names, [item], by)) if _iri(o)]  # type: ignore[arg-type]
    outward = {(r["relation"], r["other"]) for r in rows if r["direction"] == "out"}
    concepts = {c for c, cls in summary.objects(TYPE, {o for _, o in outward}) if cls == _CONCEPT}
    versions: dict[str, set[str]] = defaultdict(set)
    for concept, version in summary.objects(HAS_VERSION, concepts):
        versions[concept].add(version)
    rows += [{"relation": p, "direction": "sibling", "other": v, "concept": c}
             for p, c in sorted(outward) if c in concepts for v in sorted(versions[c]) if _iri(v)]
    return rows


def shared_uses(store: Store, summary: MetricsSummaryDb | None, item: str, relations: list[Term]
                ) -> list[dict[str, str]]:
    """Rows (other, shared, relation) of ``related_shared_data_or_software.rq``: works with the same
    evidence edge to the same node as the item, structure entries left out."""
    names = [_text(r) for r in relations]
    if summary is None or not kept(summary, names):
        return select_rows(store, "related_shared_data_or_software", {"item": NamedNode(item), "relation": relations})
    mine = {(p, o) for p, _, o in links(summary, names, [item], "s")}
    structures = {o for o, cls in summary.objects(TYPE, {o for _, o in mine}) if cls == _STRUCTURE}
    return [{"other": other, "shared": shared, "relation": p}
            for p, shared, other in sorted(links(summary, names, {o for _, o in mine} - structures, "o"))
            if (p, shared) in mine and other != item and _iri(other)]


def same_structure(store: Store, summary: MetricsSummaryDb | None, item: str) -> list[dict[str, str]]:
    """Rows (other, shared) of ``related_same_structure.rq``: works relying on or citing the same
    structure entry as the item."""
    names = [_RELIES_ON_DATA, CITES]
    if summary is None or not kept(summary, names):
        return select_rows(store, "related_same_structure", {"item": NamedNode(item)})
    mine = {o for _, _, o in links(summary, names, [item], "s")}
    structures = {o for o, cls in summary.objects(TYPE, mine) if cls == _STRUCTURE}
    pairs = {(other, shared) for _, shared, other in links(summary, names, structures, "o")}
    return [{"other": o, "shared": s} for o, s in sorted(pairs) if o != item and _iri(o)]


def citing_works(store: Store, summary: MetricsSummaryDb | None, targets: list[str]) -> list[str]:
    """The works citing any of ``targets`` (``related_citing_works.rq``), each once, by IRI."""
    if summary is not None:
        return sorted({c for _, c in _named(summary.subjects(CITES, targets))})
    rows = select_rows(store, "related_citing_works", {"target": [NamedNode(t) for t in targets]})
    return sorted({row["citing"] for row in rows})


def _co_cited(store: Store, sample: list[str]) -> dict[str, list[str]]:
    """What the ``sample`` of citing works cite, each cited work with those of them citing it
    (``related_co_citation.rq``)."""
    if not sample:
        return {}
    return {row["cited"]: row["citers"].split()
            for row in select_rows(store, "related_co_citation", {"citing": [NamedNode(c) for c in sample]})}


def _concepts_of(store: Store, versions: list[str]) -> list[dict[str, str]]:
    """Rows (version, concept) of ``related_concepts.rq``: the kg:Concept each work is a version of."""
    if not versions:
        return []
    return select_rows(store, "related_concepts", {"version": [NamedNode(v) for v in versions]})


def similar(store: Store, summary: MetricsSummaryDb | None, item: str, sample: list[str], known: Collection[str],
            family: Collection[str], keep: int) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Bibliographic coupling and co-citation: the works citing what ``item`` cites, each with the shared
    references, and the works the ``sample`` of its citers cite, each with those of them citing it (a
    version counting for each concept it is a version of, rolled up, else for itself; none of ``family``).
    Of the works with no reason in ``known``, only the ``keep`` with the most shared references and
    co-citing works together (then by IRI), as :func:`kg.related._strongest` ranks them. From the summary
    counted by term id in SQLite (:func:`kg.store.summary_similar.similar`); else from the store, where
    every coupled work is kept and the co-cited ones are cut alone (the same candidates reach the ranking)."""
    if summary is not None:
        return similar_ids(summary, item, sample, _CONCEPT, known, [*family, item], keep)
    coupled: dict[str, set[str]] = defaultdict(set)
    for row in _coupling(store, item):
        coupled[row["other"]].add(row["shared"])
    citers = _co_cited(store, sample)
    concepts: dict[str, set[str]] = defaultdict(set)
    for row in _concepts_of(store, list(citers)):
        concepts[row["version"]].add(row["concept"])
    by_other: dict[str, set[str]] = defaultdict(set)
    for cited, citing_works in citers.items():
        for other in sorted(concepts.get(cited, ())) or [cited]:
            by_other[other].update(citing_works)
    held = {*known, *coupled}
    alone = sorted((o for o in by_other if o not in held and o not in family), key=lambda o: (-len(by_other[o]), o))
    return dict(coupled), {o: by_other[o] for o in [*(o for o in by_other if o in held and o not in family),
                                                    *alone[:keep]]}


def _coupling(store: Store, item: str) -> list[dict[str, str]]:
    """Rows (other, shared) of ``related_bibliographic_coupling.rq``: works citing what the item cites."""
    return select_rows(store, "related_bibliographic_coupling", {"item": NamedNode(item)})
