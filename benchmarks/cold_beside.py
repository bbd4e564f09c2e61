"""Cold answers of two checkouts side by side: two ``kg serve --cache-mb 0`` (every answer computed) up at
once, each over its own copy of one store, and the same load sent to each in turn, each kind alone at each
client count, alternating which goes first; then, with ``--mixed``, all six kinds mixed at 32 clients.
Prints p50/p99, requests/s and kg serve's CPU per answer of both, and a table of them (docs/operations.md,
issue 17's "cold" paragraph). Both servers share the machine's load at the moment of each pair: on a busy
machine, read the ratios and the CPU per answer rather than the absolute figures.

    cp -a /work/stores/q-1000000 /tmp/cold/before && cp -a /work/stores/q-1000000 /tmp/cold/after
    git worktree add /tmp/kg-before main
    python benchmarks/cold_beside.py --before /tmp/kg-before --stores /tmp/cold/before /tmp/cold/after --mixed 35

The stores are written to (``kg serve`` opens them read-write): give copies, never a shared store.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks import http_load as h  # noqa: E402
from benchmarks.queries import CITED, CITING, sample_items  # noqa: E402
from kg.ids import doi_from_iri  # noqa: E402
from kg.store import Store  # noqa: E402

KINDS = "item page,work lookup,related items,evidence chain,GraphQL work"
#: the DOIs benchmarks/cold_after_write.py loads records under (into one copy only): never asked here
WRITTEN = "10.5555/cold."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout of kg to compare with")
    parser.add_argument("--after", type=Path, default=PROJECT, help="the checkout measured (default: this one)")
    parser.add_argument("--stores", type=Path, nargs=2, required=True, metavar=("BEFORE", "AFTER"),
                        help="two copies of one store, one for each server")
    parser.add_argument("--kinds", default=KINDS, help="kinds asked alone, comma-separated")
    parser.add_argument("--clients", default="8,32", help="client counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of each cell")
    parser.add_argument("--items", type=int, default=200, help="distinct works asked about")
    parser.add_argument("--mixed", type=float, default=0, help="then all six kinds mixed, 32 clients, this long")
    parser.add_argument("--before-options", default="--cache-mb 0",
                        help="kg serve's options for the checkout compared with (a checkout older than the answer "
                             "cache, 8b31265, has no --cache-mb: give '')")
    parser.add_argument("--after-options", default="--cache-mb 0", help="kg serve's options for the checkout measured")
    args = parser.parse_args()
    store = Store.open_read_only(args.stores[1])
    citing = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.items, CITING))
              if d and not d.startswith(WRITTEN)]
    cited = [d for d in (doi_from_iri(w.value) for w in sample_items(store, args.items, CITED))
             if d and not d.startswith(WRITTEN)]
    store.close()
    kinds = h.requests_for(citing, cited)
    rows: list[str] = []
    with ExitStack() as stack:
        bases: dict[str, str] = {}
        pids: dict[str, int] = {}
        for label, project, path, options in (("before", args.before, args.stores[0], args.before_options),
                                              ("after", args.after, args.stores[1], args.after_options)):
            bases[label] = stack.enter_context(h.served(path, project, options.split()))
            pids[label] = h.SERVER_PID[0]
        for base in bases.values():
            h.warm_every_item(base, kinds, 1, threads=1)  # each path once, before the clock starts
        turn = 0
        for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:  # --kinds '': the mixed load only
            for clients in [int(n) for n in args.clients.split(",")]:
                found: dict[str, tuple[h.Figures, float]] = {}
                for label in (("before", "after") if turn % 2 == 0 else ("after", "before")):
                    cpu = h.cpu_seconds(pids[label])
                    tally, wall, *_ = h.load(bases[label], {kind: kinds[kind]}, clients, args.seconds, 2)
                    cpu = h.cpu_seconds(pids[label]) - cpu
                    figures = h.Figures.of(tally.ms[kind], len(tally.errors[kind]), wall)
                    found[label] = (figures, 1000 * cpu / max(figures.count, 1))
                    print(f"{kind:<16} {clients:>3} {label:<6} {figures.rate:7.1f}/s p50 {figures.p50:8.1f} "
                          f"p99 {figures.p99:8.1f} errors {figures.errors} CPU {found[label][1]:.1f} ms per answer",
                          flush=True)
                turn += 1
                (b, b_cpu), (a, a_cpu) = found["before"], found["after"]
                ratio = a_cpu / max(b_cpu, 1e-9)
                rows.append(f"| {kind} | {clients} | {b.p50:,.0f} / {b.p99:,.0f} | {b.rate:.1f} | {b_cpu:.1f} | "
                            f"{a.p50:,.0f} / {a.p99:,.0f} | {a.rate:.1f} | {a_cpu:.1f} ({ratio:.2f}×) |")
        if args.mixed:
            for label in (("before", "after") if turn % 2 == 0 else ("after", "before")):
                cpu = h.cpu_seconds(pids[label])
                tally, wall, health, _ = h.load(bases[label], kinds, 32, args.mixed, 2, 0.5)
                cpu = h.cpu_seconds(pids[label]) - cpu
                answered = sum(len(v) for v in tally.ms.values())
                print(f"\nmixed, {label}: kg serve's CPU {1000 * cpu / max(answered, 1):.1f} ms per answer")
                h.report(tally, wall, health, list(kinds), f"{label}: mixed, 32 clients, {wall:.0f} s, cold", 0.5)
    print("\n| kind (cold) | clients | before p50 / p99 ms | req/s | CPU ms per answer | after p50 / p99 ms | req/s "
          "| CPU ms per answer |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
