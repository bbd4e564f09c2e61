"""Tracing on hostile and large input: how long kg.tracing takes to answer, or to refuse.

Runs kg.tracing.trace on the sample graph (samples/) with claims not stored, offline, for:

- empty text, whitespace, binary junk (refused at once),
- 5 MB of text (refused: over the 1,000,000-character limit, before any parsing),
- 1,000,000 characters of news prose with identifiers and cues (the most that is traced),
- 2 MB of HTML, most of it scripts and styles, around a short story,
- one news paragraph (the usual case).

Prints the median of --repeat runs per case and what came out (claims, or the error). Then, on
the store of about 1M quads that benchmarks/queries.py builds (--large; skipped when it is not
there), a paragraph with a DOI and one with cues only: the first trace (the cue index read from
the store), a repeated trace (the index kept), and where the time goes (reading the index,
extraction, matching; the rest is resolution, summaries and chains). No thresholds: the figures
go to docs/tracing.md.

    python benchmarks/trace.py
    python benchmarks/trace.py --repeat 5 --large benchmarks/out/store-10000000
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
from kg.tracing import trace  # noqa: E402
from kg.tracing.claims import checked_text, extract  # noqa: E402
from kg.tracing.cues import read_cue_index  # noqa: E402
from loaders.pipeline import load  # noqa: E402
from loaders.read import read_paths  # noqa: E402

STORY = ("Insulin glulisine has had its crystal structure solved, researchers wrote in Scientific Reports in 2021. "
         "The raw images are at https://zenodo.org/record/4456817 (doi:10.5281/zenodo.4456817). "
         "The city also opened a new tram line on Tuesday, and tickets cost two euros.\n\n")


#: news paragraphs about a work of the replicated corpus (benchmarks/ingest.py): by DOI, and by cues only
LARGE_CASES = {
    "DOI": ("Zirconium dioxide films were grown by atomic layer deposition, the team reported "
            "(doi:10.1149/2.0041802jss.kgbench0). The city also opened a new tram line on Tuesday."),
    "cues only": ("Kukli and colleagues grew zirconium dioxide by atomic layer deposition from zirconium "
                  "tetraiodide and ozone, they wrote in the ECS Journal of Solid State Science and Technology "
                  "in 2018."),
}


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


def large(path: Path, repeat: int) -> None:
    """First and repeated traces on an on-disk store, and where the time goes."""
    print(f"\n{path.name}: traces of one paragraph, claims not stored (median of {repeat})")
    print(f"{'paragraph':<10} {'first s':>8} {'again s':>8} {'index s':>8} {'extract s':>9} {'match s':>8}  works")
    for name, text in LARGE_CASES.items():
        times: dict[str, list[float]] = {k: [] for k in ("first", "again", "index", "extract", "match")}
        works: set[str] = set()
        for _ in range(repeat):
            store = Store.open(path)  # a new store object: its index is read again
            marks = [time.perf_counter()]
            trace(store, text, store_claims=False)
            marks.append(time.perf_counter())
            result = trace(store, text, store_claims=False)
            marks.append(time.perf_counter())
            index = read_cue_index(store)
            marks.append(time.perf_counter())
            extraction = extract(checked_text(text), index.names(), index.names_a_title)
            marks.append(time.perf_counter())
            for claim in extraction.claims:
                if not claim.mentions:
                    index.match(claim)
            marks.append(time.perf_counter())
            for key, begin, end in zip(times, marks[:-1], marks[1:], strict=True):
                times[key].append(end - begin)
            works = {w.iri for c in result.claims for w in c.works}
            store.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        shown = ", ".join(sorted(w.rsplit("/", 1)[-1] for w in works)[:3])
        print(f"{name:<10} {med['first']:>8.2f} {med['again']:>8.3f} {med['index']:>8.2f} {med['extract']:>9.3f} "
              f"{med['match']:>8.4f}  {len(works)} ({shown})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=Path, default=PROJECT / "benchmarks" / "out" / "store-1000000",
                        help="an on-disk store for the first/repeated trace figures (skipped when absent)")
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
        median, outcome = timed(run, args.repeat)
        print(f"{name:<32} {median:>9.3f}  {outcome}")
    if args.large.exists():
        large(args.large, args.repeat)
    else:
        print(f"\n{args.large} is not there (python benchmarks/queries.py --sizes 1000000 builds it)")


if __name__ == "__main__":
    main()
