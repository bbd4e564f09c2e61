"""What counting books and reports as kinds of their own costs: item and funder metrics on shared stores
(opened read-only), each timed with the kinds as before (no ``metrics_specific_classes`` query, a funder's
rollup kept before read as it is) and as now, interleaved in one run (the machine is shared: ratios, not
absolute figures, are what this shows).

    .venv/bin/python benchmarks/kinds.py --store /work/stores/q-10000000 --items 20 --funders 10

Prints p50/p95/max milliseconds per question and mode, and the ratio now/before of the p50s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from functools import partial
from unittest.mock import patch

from kg.metrics import funder_metrics, item_metrics
from kg.metrics.summarised import summary_of
from kg.store import Store


def _before() -> AbstractContextManager[object]:
    """The kinds as before: no book or report classes asked for, a kept rollup read whatever its kinds."""
    stack = ExitStack()
    stack.enter_context(patch("kg.metrics.counting.specific_classes", lambda store, works: {}))
    stack.enter_context(patch("kg.metrics.portfolio.ROLLUP_KINDS", None))
    return stack


def _time(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _line(name: str, mode: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{name:<8} {mode:<7} n={len(times):<4} p50 {statistics.median(times):8.1f}  p95 {p95:8.1f}  "
            f"max {max(times):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--funders", type=int, default=10)
    args = parser.parse_args()
    store = Store.open_read_only(args.store)
    summary = summary_of(store)
    if summary is None:
        raise SystemExit(f"{args.store}: no complete metrics summary")
    funders = sorted(summary.funders())[: args.funders]
    rows = store.select("SELECT ?w (COUNT(?c) AS ?n) WHERE { ?c <http://purl.org/spar/cito/cites> ?w } "
                        f"GROUP BY ?w ORDER BY DESC(?n) LIMIT {args.items}").values()
    items = [w for w, _ in rows if w is not None]
    print(f"{args.store}: {len(items)} most cited items, {len(funders)} funders")
    questions: list[tuple[str, list[str], Callable[[str], object]]] = [
        ("item", items, lambda i: item_metrics(store, i)), ("funder", funders, lambda f: funder_metrics(store, f))]
    for name, targets, ask in questions:
        times: dict[str, list[float]] = {"before": [], "now": []}
        for target in targets:
            ask(target)  # warm: the first call of each reads cold pages
            for mode in ("before", "now"):
                with _before() if mode == "before" else nullcontext():
                    times[mode].append(_time(partial(ask, target)))
        for mode in ("before", "now"):
            print(_line(name, mode, times[mode]))
        ratio = statistics.median(times["now"]) / statistics.median(times["before"])
        print(f"{name:<8} ratio now/before of p50s: {ratio:.2f}")


if __name__ == "__main__":
    main()
