"""CPU and wall time per call of work lookups and item metrics, for the code of any checkout, over one
store opened read-only: the same sampled works as ``benchmarks/queries.py`` (20 citing works for a
lookup, 20 cited ones for item metrics), each asked ``rounds`` times after one warm-up call. Run it for
two checkouts alternately (main, this branch, main, ...) so that both see the machine's load alike; the
CPU time of the calling process is what a change to the reads moves, wall time what other processes'
load adds to it.

    git archive main | tar -x -C /tmp/kg-main
    python benchmarks/cpu_calls.py /tmp/kg-main /work/stores/q-50000000
    python benchmarks/cpu_calls.py . /work/stores/q-50000000

Arguments: checkout, store, rounds (2), works sampled (20), then the questions to ask (default: work
lookup and item metrics; "related items" asks ``g.related(w, 20)`` of the cited works). Prints one line a
question: p50 of CPU and of wall time, in ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    root, store_path = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    only = sys.argv[5:] or ["work lookup", "item metrics"]
    sys.path.insert(0, str(root))
    import kg
    from benchmarks.queries import CITED, CITING, sample_items
    from kg.graph import KnowledgeGraph
    from kg.store import Store

    assert Path(kg.__file__).resolve().is_relative_to(root), f"kg imported from {kg.__file__}, not {root}"
    store = Store.open_read_only(store_path)
    g = KnowledgeGraph(store)
    asked = {"work lookup": ([w.value for w in sample_items(store, count, CITING)], g.work),
             "item metrics": ([w.value for w in sample_items(store, count, CITED)], g.metrics.item),
             "related items": ([w.value for w in sample_items(store, count, CITED)], lambda w: g.related(w, 20))}
    for question, (works, call) in ((q, asked[q]) for q in only):
        call(works[0])
        cpu: list[float] = []
        wall: list[float] = []
        for _ in range(rounds):
            for work in works:
                c, w = time.process_time(), time.perf_counter()
                call(work)
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - w) * 1000)
        print(f"{root.name} {store_path.name} {question}: CPU p50 {statistics.median(cpu):.1f} ms, "
              f"wall p50 {statistics.median(wall):.1f} ms ({len(cpu)} calls)", flush=True)
    store.close()


if __name__ == "__main__":
    main()
