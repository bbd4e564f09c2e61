"""The ``kg`` command. Each command parses its input, calls one core function and prints.

Only this package knows the terminal. Commands live by theme: ``loading`` (load, harvest, enrich),
``querying`` (stats, query, export), ``analyses`` (chain, related, metrics, cite), ``trace_command``,
``serving``; ``output`` holds the one ``--format``/``--json`` convention and the printers."""

from __future__ import annotations

import logging

import click

from kg.cli.analyses import chain, cite, metrics, related
from kg.cli.bulk import bulk_load, map_command
from kg.cli.context import DEFAULT_STORE, Context
from kg.cli.loading import enrich, harvest, load
from kg.cli.output import examples
from kg.cli.querying import export, query, stats
from kg.cli.serving import serve
from kg.cli.syncing import sync
from kg.cli.trace_command import index_cues, index_metrics, trace_command
from kg.errors import KgError

__all__ = ["cli", "main"]


@click.group(epilog=examples("kg load samples/", "kg chain 10.1038/s41598-021-81251-2 --json",
                             "kg --store http://localhost:7878/query stats"))
@click.option("--store", "location", envvar="KG_STORE", default=DEFAULT_STORE, show_default=True,
              help="A directory (embedded store) or the URL of a SPARQL 1.1 query endpoint.")
@click.option("-v", "--verbose", is_flag=True, help="Log every warning as it happens.")
@click.version_option(package_name="evidence-kg")
@click.pass_context
def cli(ctx: click.Context, location: str, verbose: bool) -> None:
    """kg: the evidence graph. Load research records, then ask where claims' data comes from.

    Every command that prints results takes --format, and --json for --format json."""
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(message)s")
    ctx.obj = Context(location)
    ctx.call_on_close(ctx.obj.close)


for command in (load, map_command, bulk_load, harvest, enrich, sync, stats, query, export, chain, metrics, related,
                cite, serve, trace_command, index_cues, index_metrics):
    cli.add_command(command)


def main() -> None:
    """Entry point: KgError becomes a one-line message and exit code 2."""
    try:
        cli(standalone_mode=True)
    except KgError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(2) from e
