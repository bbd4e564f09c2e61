"""Tracing on hostile and large input: how long kg.trace takes to answer, or to refuse.

Runs kg.trace.trace on the sample graph (samples/) with claims not stored, offline, for:

- empty text, whitespace, binary junk (refused at once),
- 5 MB of text (refused: over the 1,000,000-character limit, before any parsing),
- 1,000,000 characters of news prose with identifiers and cues (the most that is traced),
- 2 MB of HTML, most of it scripts and styles, around a short story,
- one news paragraph (the usual case).

Prints the median of --repeat runs per case and what came out (claims, or the error). No
thresholds: the figures go to docs/tracing.md.

    python benchmarks/trace.py
    python benchmarks/trace.py --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.errors import KgError  # noqa: E402
from kg.store import Store  # noqa: E402
from kg.trace import trace  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

STORY = ("Insulin glulisine has had its crystal structure solved, researchers wrote in Scientific Reports in 2021. "
         "The raw images are at https://zenodo.org/record/4456817 (doi:10.5281/zenodo.4456817). "
         "The city also opened a new tram line on Tuesday, and tickets cost two euros.\n\n")


def cases() -> dict[str, str]:
    rng = random.Random(6)
    junk = bytes(rng.randrange(256) for _ in range(1_000_000)).decode("latin-1")
    prose = (STORY * (1_000_000 // len(STORY) + 1))[:999_000]
    scripts = "<script>" + "var x = '10.1038/s41598-021-81251-2';" * 20_000 + "</script>"
    styles = "<style>" + "p { color: red; }" * 20_000 + "</style>"
    html = f"<html><head>{styles}</head><body>{scripts}<p>{STORY}</p>{scripts}</body></html>"
    return {
        "empty": "",
        "whitespace (1 MB)": " \n" * 500_000,
        "binary junk (1 MB)": junk,
        "text (5 MB)": "word " * 1_048_576,
        "prose (999,000 chars)": prose,
        f"HTML with scripts ({len(html) / 1e6:.1f} MB)": html,
        "one paragraph": STORY,
    }


def timed(run: Callable[[], str], repeat: int) -> tuple[float, str]:
    times: list[float] = []
    outcome = ""
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    store = Store.open(None)
    load(store, read_paths([PROJECT / "samples"]))
    print(f"{'case':<32} {'median s':>9}  outcome")
    for name, text in cases().items():
        def run(text: str = text) -> str:
            try:
                result = trace(store, text, store_claims=False)
            except KgError as e:
                return f"refused: {str(e)[:90]}"
            works = {w.iri for c in result.claims for w in c.works}
            return f"{len(result.claims):,} claims, {len(works)} works"
        seconds, outcome = timed(run, args.repeat)
        print(f"{name:<32} {seconds:>9.3f}  {outcome}")


if __name__ == "__main__":
    main()
