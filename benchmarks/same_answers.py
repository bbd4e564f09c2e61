"""Dump the answers of work lookups and item metrics over a store's sampled works as JSON, for the code
of any checkout, to compare two checkouts' answers byte for byte (a change meant to make them faster
must leave them alone):

    git archive main | tar -x -C /tmp/kg-main
    python benchmarks/same_answers.py /tmp/kg-main /work/stores/q-1000000 /tmp/main.json
    python benchmarks/same_answers.py . /work/stores/q-1000000 /tmp/this.json
    cmp /tmp/main.json /tmp/this.json

Related items (``related``: ``g.related(w, 20)`` of the works sampled, cited and citing; ``related-all``: of
every DOI named in the store, for the real corpus) instead of lookups and item metrics:

    python benchmarks/same_answers.py . /work/stores/q-50000000 /tmp/this.json 40 related

Arguments: checkout, store (opened read-only), output file, works sampled per kind (40), and ``pages``
to add each item's first two pages of 20 citing works as listed (in order, ``citing_page`` too: for two
checkouts that both list a page at a time). Per work: the
description's ``as_dict()``, its triples and ``work_triples``; per item: ``item_metrics`` with every
citing work listed (sorted by IRI, so that code listing them in another order or a page at a time
compares alike; ``citing_page`` left out). Unknown and malformed identifiers give their error's text.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    root, store_path, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]), Path(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    pages = sys.argv[5:6] == ["pages"]
    if sys.argv[5:6] in (["related"], ["related-all"]):
        related(root, store_path, out, count, sys.argv[5] == "related-all")
        return
    sys.path.insert(0, str(root))
    from benchmarks.queries import CITED, CITING, sample_items
    from kg.describe import describe, work_triples
    from kg.metrics import item_metrics
    from kg.store import Store

    store = Store.open_read_only(store_path)
    works = [w.value for pattern in (CITING, CITED, "?w <https://w3id.org/evidence-kg/ns#doi> ?d")
             for w in sample_items(store, count, pattern)]
    works += [w.value for w in sample_items(store, 10, "?w <https://w3id.org/evidence-kg/ns#pdbId> ?d")]
    works += [w.value for w in sample_items(store, 10, "?w <http://schema.org/funder> ?d")]
    works = [*dict.fromkeys(works), "https://doi.org/10.1/nothing-here", "pmid:1", "https://example.org/a b"]
    items = [*dict.fromkeys(w.value for pattern in (CITED, "?w <http://schema.org/version> ?v")
                            for w in sample_items(store, count, pattern))]
    paged = "citing_limit" in inspect.signature(item_metrics).parameters
    found: dict[str, Any] = {"works": {}, "items": {}}
    for work in works:
        try:
            d = describe(store, work)
            found["works"][work] = {"dict": d.as_dict(), "triples": [str(t) for t in d.triples],
                                    "rdf": [str(t) for t in work_triples(store, work)]}
        except Exception as e:  # noqa: BLE001 (the error is part of the answer compared)
            found["works"][work] = {"error": f"{type(e).__name__}: {e}"}
    for item in items:
        m = item_metrics(store, item, citing_limit=None) if paged else item_metrics(store, item)
        answer = m.as_dict()
        answer.pop("citing_page", None)
        for scope in ("citations", "all_versions"):
            answer[scope]["citing"] = sorted(answer[scope]["citing"], key=lambda c: c["iri"])
        found["items"][item] = answer
        if pages:
            found["items"][item]["pages"] = [item_metrics(store, item, citing_limit=20, citing_offset=offset).as_dict()
                                             for offset in (0, 20)]
    out.write_text(json.dumps(found, indent=0, sort_keys=True, default=str), "utf-8")
    print(f"{len(works)} works, {len(items)} items written to {out}")


def related(root: Path, store_path: Path, out: Path, count: int, every: bool) -> None:
    """Each work's related items (20) as JSON: of ``count`` cited and ``count`` citing works, or of every DOI named."""
    sys.path.insert(0, str(root))
    import kg
    from benchmarks.queries import CITED, CITING, sample_items
    from kg.related import related_items
    from kg.store import Store

    assert Path(kg.__file__).resolve().is_relative_to(root), f"kg imported from {kg.__file__}, not {root}"
    store = Store.open_read_only(store_path)
    if every:
        works = sorted({str(w.value) for (w,) in store.select(
            "SELECT DISTINCT ?w WHERE { GRAPH ?g { { ?w ?p ?o } UNION { ?s ?p ?w } } "
            "FILTER(isIRI(?w) && STRSTARTS(STR(?w), 'https://doi.org/')) }").rows})
    else:
        works = [*dict.fromkeys(w.value for pattern in (CITED, CITING) for w in sample_items(store, count, pattern))]
    found = {w: [r.as_dict() for r in related_items(store, w, 20)] for w in works}
    out.write_text(json.dumps(found, indent=0, sort_keys=True, default=str), "utf-8")
    print(f"{len(works)} works, {sum(map(len, found.values())):,} related items written to {out}")


if __name__ == "__main__":
    main()
