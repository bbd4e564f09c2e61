"""Whether two stores agree on every catalogue query: prints, for each query of queries/, "agree",
"differ" (with the row counts) or the error each store gave.

    python benchmarks/backends.py http://dba:dba@127.0.0.1:8890/sparql-auth [--load samples]

The second store is an embedded one in memory loaded from the same files (``--load``, default
samples/). ``--load`` also loads them into the first store (clear it first if it holds other data).
Each query runs without bound parameters, over everything the stores hold; rows are compared as
multisets of their N-Triples terms, so row order does not matter.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kg.errors import KgError
from kg.queries import all_queries
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths


def answers(store: Store, text: str) -> Counter[tuple[str, ...]] | str:
    """The query's rows as a multiset of N-Triples terms, or the store's error (its first line)."""
    try:
        if "\nCONSTRUCT" in text:
            return Counter((str(t),) for t in store.construct(text))
        rows = store.select(text).rows
    except (KgError, SyntaxError, OSError) as e:
        return f"error: {str(e).splitlines()[0][:160]}"
    return Counter(tuple("" if t is None else str(t) for t in row) for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="the store URL (or directory) to compare with the embedded store")
    parser.add_argument("--load", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    parser.add_argument("-v", "--verbose", action="store_true", help="show rows found on one side only")
    args = parser.parse_args()
    verbose = args.verbose
    other, embedded = Store.open(args.store), Store.open(None)
    load(embedded, read_paths([args.load]))
    load(other, read_paths([args.load]))
    differ = 0
    for query in all_queries():
        a, b = answers(embedded, query.text), answers(other, query.text)
        if a == b:
            verdict = "agree" if not isinstance(a, str) else f"both fail ({a})"
        else:
            differ += 1
            if isinstance(a, str) or isinstance(b, str):
                said = [x if isinstance(x, str) else "answers" for x in (a, b)]
                verdict = f"differ: embedded {said[0]}; there {said[1]}"
            else:
                verdict = f"differ: {sum(a.values())} rows embedded, {sum(b.values())} rows there"
                if verbose:
                    verdict += (f"\n  only embedded: {list((a - b).items())[:3]}"
                                f"\n  only there: {list((b - a).items())[:3]}")
        print(f"{query.name:40} {verdict}")
    print(f"{differ} of {len(all_queries())} queries differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
