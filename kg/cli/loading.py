"""Commands that put records into the store: ``kg load`` (files) and ``kg harvest`` (an API)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg.cli.context import Context, pass_ctx
from kg.cli.output import echo_json, examples, output_format
from loaders import REGISTRY, get_loader
from loaders.base import HarvestRequest, Problem
from loaders.enrich import enrich as enrich_records
from loaders.harvest import harvest as harvest_records
from loaders.http import HttpConfig
from loaders.limits import Limits
from loaders.pipeline import LoadReport
from loaders.pipeline import load as load_records
from loaders.read import read_paths


@click.command(epilog=examples("kg load samples/", "kg load dump/ works.jsonl.gz --report problems.txt",
                               "kg load samples/ --json"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, readable=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Reject a record on any warning too.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True,
              help="Records per store transaction.")
@click.option("--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Processes mapping records (1: map in the loading process; see docs/loading.md, Performance).")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
@pass_ctx
def load(ctx: Context, paths: tuple[Path, ...], strict: bool, report: Path | None, fmt: str,
         batch_size: int, jobs: int) -> None:
    """Load record files: API responses, list pages, JSON Lines, .gz, data dumps, directories.

    Exit status: 0 all loaded, 1 some records or files rejected (the rest loaded), 2 the load
    failed or stopped early (see docs/loading.md)."""
    limits = Limits.from_env()
    store = ctx.writable_store()
    with problem_report(report) as on_problem, ProgressBar("loading") as bar:
        result = load_records(store, read_paths(paths, limits), strict=strict, batch_size=batch_size,
                              progress=bar.update, on_problem=on_problem, jobs=jobs)
    print_load_report(result, report, fmt)


def describe_sources() -> str:
    """One line per registered source: its name and what it loads."""
    return "\n".join(f"  {name:<14} {loader.description}" for name, loader in sorted(REGISTRY.items()))


@click.command(help="Fetch records from a source's API (online) and load them.\n\nSOURCE is one of:\n\n\b\n"
                    + describe_sources(),
               epilog=examples("kg harvest crossref --doi 10.7554/eLife.01567 --mailto you@example.org",
                               "kg harvest datacite --query climate --max-pages 2 --json"))
@click.argument("source")
@click.option("--doi", "dois", multiple=True,
              help="Fetch this identifier: a DOI, or the source's own (PDB ID, Zenodo record); repeatable.")
@click.option("--filter", "filter_",
              help="The source's filter, e.g. Crossref from-pub-date:2024-01-01,type:dataset (see docs/loading.md).")
@click.option("--query", help="Free-text query of the source's search.")
@click.option("--max-pages", type=int, help="Stop after this many pages.")
@click.option("--rows", type=int, default=100, show_default=True, help="Records per page.")
@click.option("--cache-dir", type=click.Path(path_type=Path), envvar="KG_CACHE_DIR",
              default=Path("./kg-cache"), show_default=True, help="Where raw responses are kept.")
@click.option("--mailto", envvar="KG_MAILTO", help="Your e-mail, for the sources' polite pools.")
@click.option("--refresh", is_flag=True, help="Fetch again even what is in the cache.")
@click.option("--api", help="The API's base URL, if not the public one (a mirror, a test system).")
@click.option("--strict", is_flag=True, help="Reject a record on any warning too.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@click.option("--follow-links", type=click.IntRange(0, 5), default=0, show_default=True,
              help="Then fetch the records of linked works that have none, this many rounds (see kg enrich).")
@click.option("--max-requests", type=click.IntRange(1), default=100, show_default=True,
              help="With --follow-links: requests the enrichment may send, in all.")
@click.option("--link-api", "link_apis", multiple=True, metavar="SOURCE=URL",
              help="With --follow-links: another source's API base URL (--api is the harvested source's).")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
@pass_ctx
def harvest(ctx: Context, source: str, dois: tuple[str, ...], filter_: str | None, query: str | None,
            max_pages: int | None, rows: int, cache_dir: Path, mailto: str | None, refresh: bool,
            api: str | None, strict: bool, report: Path | None, follow_links: int, max_requests: int,
            link_apis: tuple[str, ...], fmt: str) -> None:
    loader = get_loader(source)
    config = HttpConfig.from_env(mailto=mailto, cache_dir=cache_dir, refresh=refresh)
    store = ctx.writable_store()
    request = HarvestRequest(dois=list(dois), filter=filter_, query=query, rows=rows, max_pages=max_pages,
                             api=api)
    with problem_report(report) as on_problem, ProgressBar("harvesting") as bar:
        result = harvest_records(store, loader, config, request, strict=strict, progress=bar.update,
                                 on_problem=on_problem)
        budget, bases = max_requests, {**({source: api} if api else {}), **api_bases(link_apis)}
        for _ in range(follow_links):
            round_ = enrich_records(store, config, max_requests=budget, apis=bases, on_problem=on_problem)
            result.extend(round_.load)
            budget -= round_.requests
            if budget <= 0 or not round_.load.loaded:
                break
    print_load_report(result, report, fmt)


@click.command(epilog=examples("kg enrich", "kg enrich --max-requests 500 --json",
                               "kg enrich --api crossref=http://localhost:8080"))
@click.option("--max-requests", type=click.IntRange(1), default=100, show_default=True,
              help="Requests this run may send, in all; the next run goes on where it stopped.")
@click.option("--limit", type=click.IntRange(1), default=10_000, show_default=True,
              help="Linked works considered in this run.")
@click.option("--cache-dir", type=click.Path(path_type=Path), envvar="KG_CACHE_DIR",
              default=Path("./kg-cache"), show_default=True, help="Where raw responses are kept.")
@click.option("--mailto", envvar="KG_MAILTO", help="Your e-mail, for the sources' polite pools.")
@click.option("--api", "apis", multiple=True, metavar="SOURCE=URL",
              help="A source's API base URL (a mirror, a test system); repeatable.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
@pass_ctx
def enrich(ctx: Context, max_requests: int, limit: int, cache_dir: Path, mailto: str | None,
           apis: tuple[str, ...], report: Path | None, fmt: str) -> None:
    """Fetch the records of works the graph links to but has no record of (online; see docs/loading.md)."""
    config = HttpConfig.from_env(mailto=mailto, cache_dir=cache_dir)
    with problem_report(report) as on_problem:
        result = enrich_records(ctx.writable_store(), config, max_requests=max_requests, limit=limit,
                                apis=api_bases(apis),
                                on_problem=on_problem)
    if fmt == "json":
        echo_json({"candidates": result.candidates, "requests": result.requests, "found": result.found,
                   "missing": len(result.missing), "unsupported": result.unsupported, "left": result.left,
                   "loaded": result.load.loaded, "rejected": result.load.rejected})
        return
    found = ", ".join(f"{n} from {source}" for source, n in sorted(result.found.items())) or "none"
    click.echo(f"{result.candidates} linked works without a record; {result.requests} requests; found {found}; "
               f"{len(result.missing)} no source has; {result.left} left for the next run")
    for agency, n in sorted(result.unsupported.items()):
        click.echo(f"{n} registered by {agency}: kg has no loader for it", err=True)
    print_load_report(result.load, report, "text")


def api_bases(given: tuple[str, ...]) -> dict[str, str]:
    """``SOURCE=URL`` options as a mapping; a value without '=' is a usage error."""
    bad = [g for g in given if "=" not in g]
    if bad:
        raise click.BadParameter(f"{bad[0]!r}: write SOURCE=URL, e.g. crossref=http://localhost:8080")
    return dict(g.split("=", 1) for g in given)


class ProgressCounter:
    """Counts records into a progress bar, or into nothing when there is no bar."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)


class ProgressBar:
    """A records/s progress bar on stderr, shown only on a terminal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.bar: Any = None

    def __enter__(self) -> ProgressCounter:
        if sys.stderr.isatty() and not os.environ.get("CI"):
            # imported here: only a terminal shows a bar, and kg starts faster without tqdm
            from tqdm import tqdm
            self.bar = tqdm(desc=self.what, unit=" records", file=sys.stderr)
        return ProgressCounter(self.bar)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def problem_report(report: Path | None) -> Iterator[Callable[[Problem], None] | None]:
    """Every problem written to the report file as it happens (a report can outgrow memory)."""
    if report is None:
        yield None
        return
    with report.open("w", encoding="utf-8") as out:
        yield lambda p: print(p, file=out)


def print_load_report(result: LoadReport, report: Path | None, fmt: str) -> None:
    """The summary of a load or harvest on stdout, skipped files and errors on stderr; exit 1 if any
    record or file was rejected, 2 if the load failed or stopped early."""
    if fmt == "json":
        echo_json({"loaded": result.loaded, "unchanged": result.unchanged, "older": result.older,
                   "rejected": result.rejected, "quads": result.quads, "errors": result.error_count,
                   "warnings": result.warning_count,
                   "skipped": result.skipped_count, "failure": result.failure,
                   "problems": [str(p) for p in result.problems]})
    else:
        for p in [*result.skipped, *result.errors]:
            click.echo(str(p), err=True)
        if result.error_count > len(result.errors):
            click.echo(f"... and {result.error_count - len(result.errors)} more errors", err=True)
        warnings = result.warning_count
        if warnings:
            hint = f"; see {report}" if report else "; --report FILE lists them"
            click.echo(f"{warnings} warnings{hint}", err=True)
        click.echo(result.summary())
    if result.failure:
        raise SystemExit(2)
    if result.rejected or result.error_count:
        raise SystemExit(1)
