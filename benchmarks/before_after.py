"""p50/p99 of the evidence chain (depth 4) and related items (20), in process, for the code of any
checkout: run it once per checkout (e.g. a ``git worktree`` of an older commit) at the same time,
so that both share the machine's load, and compare the ratios.

    git worktree add ../kg-before c552cd7          # the commit before the issue-12 work
    python benchmarks/before_after.py ../kg-before /tmp/bench-before 40 &
    python benchmarks/before_after.py . /tmp/bench-after 40 &
    python benchmarks/before_after.py . /tmp/bench-after-1m 40 400000    # ~1M quads with this mapping

Arguments: checkout, work folder (its store is built there once, by that checkout's
benchmarks/queries.py), works sampled, size asked of ``build`` (default 1,000,000), rounds (3).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    root, work, items = Path(sys.argv[1]).resolve(), Path(sys.argv[2]), int(sys.argv[3])
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    sys.path.insert(0, str(root))
    import kg
    from benchmarks.queries import CITED, CITING, build, latencies, sample_items
    from kg.chains import evidence_chain
    from kg.related import related_items

    assert Path(kg.__file__).resolve().is_relative_to(root), f"kg imported from {kg.__file__}, not {root}"
    start = time.perf_counter()
    store = build(work / f"store-{size}", size)
    quads = sum(int(v or 0) for (v,) in store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").values())
    print(f"{root.name}: {quads:,} quads, ready in {time.perf_counter() - start:.0f} s", flush=True)
    citing, cited = sample_items(store, items, CITING), sample_items(store, items, CITED)

    def q(values: list[float], n: int) -> float:
        return statistics.quantiles(values, n=100)[n - 1]

    for n in range(rounds):
        chain = latencies(lambda w: evidence_chain(store, w, max_depth=4), citing)
        related = latencies(lambda w: related_items(store, w, limit=20), cited)
        print(f"{root.name} round {n}: chain n={len(chain)} p50 {q(chain, 50):.1f} p99 {q(chain, 99):.1f} ms; "
              f"related n={len(related)} p50 {q(related, 50):.1f} p99 {q(related, 99):.1f} ms", flush=True)
    store.close()


if __name__ == "__main__":
    main()
