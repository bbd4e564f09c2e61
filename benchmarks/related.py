"""Related items per store, warm: wall and CPU time of each call, p50 and p95, and the largest/smallest ratio.

On a machine others share, wall time follows their load (a load average of 15 on 2 cores makes every
call 3 times longer); the CPU time a call takes in this process follows the question's shape and the
page cache, not the others' load, so it says better how a question grows with the graph. Each store is
opened read-only, ``--items`` works that others cite sampled (as ``benchmarks/queries.py`` samples
them), every call made once to warm the caches, then ``--rounds`` times measured.

    python benchmarks/related.py --stores /work/stores/q-1000000 /work/stores/q-50000000 --items 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))

from kg.related import related_items  # noqa: E402
from kg.store import Store  # noqa: E402
from queries import CITED, sample_items  # noqa: E402


def measure(path: Path, items: int, rounds: int, limit: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each measured call on the store at ``path``."""
    store = Store.open_read_only(path)
    try:
        works = [w.value for w in sample_items(store, items, CITED)]
        for work in works:
            related_items(store, work, limit)
        wall: list[float] = []
        cpu: list[float] = []
        for _ in range(rounds):
            for work in works:
                w, c = time.perf_counter(), time.process_time()
                related_items(store, work, limit)
                wall.append((time.perf_counter() - w) * 1000)
                cpu.append((time.process_time() - c) * 1000)
        return wall, cpu
    finally:
        store.close()


def q(values: list[float], k: int) -> float:
    return statistics.quantiles(values, n=100)[k - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=Path, nargs="+", required=True, help="stores, opened read-only")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    found = {}
    for path in args.stores:
        wall, cpu = measure(path, args.items, args.rounds, args.limit)
        found[path.name] = (wall, cpu)
        print(f"{path.name:<14} wall p50 {q(wall, 50):7.1f} p95 {q(wall, 95):7.1f} ms   "
              f"cpu p50 {q(cpu, 50):7.1f} p95 {q(cpu, 95):7.1f} ms   ({len(wall)} calls)", flush=True)
    if len(found) > 1:
        (first, (w1, c1)), (last, (w2, c2)) = list(found.items())[0], list(found.items())[-1]
        print(f"{last}/{first}: wall p50 {q(w2, 50) / q(w1, 50):.1f}, cpu p50 {q(c2, 50) / q(c1, 50):.1f}")


if __name__ == "__main__":
    main()
