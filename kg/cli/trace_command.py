"""``kg trace``: the claims of a text, the works they rest on and those works' evidence chains; ``kg
index-cues``: the index its cues are matched against, built again."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from kg.cli.context import Context, pass_ctx
from kg.cli.output import echo_json, examples, format_chain_tree, output_format
from kg.labels import said_as
from kg.tracing import fetch_page
from loaders.http import HttpConfig


@click.command(name="trace", epilog=examples(
    "kg trace \"The structure (doi:10.1038/s41598-021-81251-2) was solved from new data.\"",
    "kg trace --file story.html --url https://example.org/news/1 --json", "curl -s https://example.org/a | kg trace -"))
@click.argument("text", required=False)
@click.option("--file", "file_", type=click.File("rb"), help="Read the text or HTML from this file ('-': stdin).")
@click.option("--url", help="Where the text appeared (stored with each claim).")
@click.option("--source-kind", type=click.Choice(["news", "academic", "social", "other"]),
              help="The kind of source (default: guessed from --url).")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="When the text first appeared.")
@click.option("--offline", is_flag=True, help="Never fetch: identifiers not in the graph are reported unresolved.")
@click.option("--no-store", is_flag=True, help="Do not store the claims in the graph.")
@click.option("--depth", type=click.IntRange(0, 10), default=5, show_default=True, help="Hops of each chain.")
@click.option("--api", "apis", multiple=True, metavar="SOURCE=URL",
              help="A source's API base URL (a mirror, a test system); repeatable.")
@output_format("text", "json", default="text", help="text: claims, works and chain trees; json: all of it.")
@pass_ctx
def trace_command(ctx: Context, text: str | None, file_: Any, url: str | None, source_kind: str | None,
                  published: Any, offline: bool, no_store: bool, depth: int, apis: tuple[str, ...],
                  fmt: str) -> None:
    """Trace the claims of TEXT to the works and data behind them ('-' reads stdin; an http(s) URL is
    fetched unless --offline). Prints each claim, the works it rests on with scores, and their
    evidence chains; identifiers missing from the graph are fetched from their sources."""
    if (text is None) == (file_ is None):
        raise click.UsageError("give TEXT, '-' for stdin, or --file FILE (one of them)")
    overrides = dict(a.split("=", 1) for a in apis if "=" in a)
    if len(overrides) != len(apis):
        raise click.BadParameter("expected SOURCE=URL, e.g. crossref=http://127.0.0.1:8080", param_hint="--api")
    config = HttpConfig.from_env()
    if file_ is not None or text == "-":
        stream = file_ if file_ is not None else sys.stdin.buffer
        body = bytes(stream.read()).decode("utf-8", errors="replace")
    elif text is not None and text.startswith(("http://", "https://")) and " " not in text.strip():
        if offline:
            raise click.UsageError("fetching a URL needs the network: drop --offline, or save the page and use --file")
        body, url = fetch_page(text.strip(), config), url or text.strip()
    else:
        body = text or ""
    result = ctx.graph.trace(body, url=url, source_kind=source_kind, published=published.date() if published else None,
                             http=config, apis=overrides, online=not offline, store_claims=not no_store,
                             max_depth=depth)
    if fmt == "json":
        echo_json(result.as_dict())
        return
    if not result.claims:
        click.echo(f"no research claims found in {result.characters:,} characters")
    for n, claim in enumerate(result.claims, start=1):
        shown = " ".join(claim.text.split())
        click.echo(f"claim {n}: {shown[:300]}{'...' if len(shown) > 300 else ''}")
        for m in claim.mentions:
            status = f"-> {m.work}" if m.work else f"unresolved: {m.reason}"
            click.echo(f"  {m.mention.kind} {m.mention.value} {status}{' (fetched)' if m.fetched else ''}")
        if not claim.works:
            click.echo("  (no work found)")
        for w in claim.works:
            click.echo(f"  {w.score:.2f} {w.method} [{', '.join(said_as(w.matched, claim.text))}]")
            click.echo("\n".join("    " + line for line in format_chain_tree(result.chains[w.iri]).splitlines()))
        if claim.stored:
            click.echo(f"  stored as {claim.iri}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@click.command(name="index-cues", epilog=examples("kg index-cues", "kg --store http://localhost:7878/query index-cues"))
@output_format("text", "json", default="text", help="text: one line; json: the store and its works.")
@pass_ctx
def index_cues(ctx: Context, fmt: str) -> None:
    """Build the cue index again from the whole store: the titles, names, venues and years tracing
    matches citation cues against, on disk beside the store (cues.sqlite in its directory; for a remote
    store in $KG_CUE_INDEX_DIR, else ~/.cache/kg). Loads and SPARQL Updates keep it current; run this
    after N-Quads bulk loads (else the next trace builds it), or after other clients' SPARQL Updates
    to a remote store."""
    start = time.perf_counter()
    works = ctx.graph.index_cues()
    if fmt == "json":
        echo_json({"store": ctx.shown_location, "works": works})
        return
    click.echo(f"cue index of {ctx.shown_location}: {works:,} works, built in {time.perf_counter() - start:.1f} s")


@click.command(name="index-metrics", epilog=examples(
    "kg index-metrics", "kg index-metrics --json", "kg index-metrics --rollups",
    "kg --store http://db.example.org:8890/sparql index-metrics --shards shards/"))
@click.option("--rollups", is_flag=True, help="Only compute again the funders' rollups an earlier kg kept "
              "(it counted works by other kinds); the summary's rows are kept. Minutes, not a full build.")
@click.option("--shards", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build it from the shards kg bulk-load loaded into the (then empty) store, not from the store: "
                   "a SPARQL server's summary in minutes where asking the server takes hours.")
@output_format("text", "json", default="text", help="text: one line; json: the store and its record graphs.")
@pass_ctx
def index_metrics(ctx: Context, rollups: bool, shards: Path | None, fmt: str) -> None:
    """Build the metrics summary again from the whole store: the funding, citation, date, version and
    class statements of every record graph that funder and item metrics are read from, beside the
    store (metrics.sqlite in its directory). Loads keep it current; run this after kg bulk-load or
    SPARQL Updates (until then metrics ask the store, slower, with the same answers). A SPARQL server's
    summary is a file on this machine (beside its cue index, in $KG_CUE_INDEX_DIR or ~/.cache/kg), read
    while no other process has written to the server since: run this after their loads, or, on each
    machine that serves a server kg bulk-load filled when empty, with --shards."""
    start = time.perf_counter()
    graphs = ctx.graph.index_metrics(rollups=rollups, shards=shards)
    if fmt == "json":
        echo_json({"store": ctx.shown_location, "funders" if rollups else "graphs": graphs})
        return
    click.echo(f"metrics summary of {ctx.shown_location}: {graphs:,} {'funders' if rollups else 'record graphs'}"
               f"{' computed again' if rollups else ''}, built in {time.perf_counter() - start:.1f} s")
