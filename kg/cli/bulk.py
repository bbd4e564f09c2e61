"""The bulk path for big inputs (the sources' public data files): ``kg map`` maps record files to
sharded N-Quads in parallel, ``kg bulk-load`` hands the shards to the store's own bulk loader."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.context import Context, pass_ctx
from kg.cli.loading import print_load_report, problem_report
from kg.cli.output import echo_json, examples, output_format
from loaders.bulkmap import map_inputs
from loaders.bulkqlever import write_qlever_input
from loaders.limits import Limits


@click.command(name="map", epilog=examples("kg map crossref-2025/ --out shards/",
                                           "kg map datacite.jsonl.gz --out shards/ --jobs 4",
                                           "kg map dump/ --out /shared/shards --scheduler tcp://10.0.0.5:8786"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, readable=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder the shards go to (one per input file; a file mapped before is skipped).")
@click.option("--jobs", type=click.IntRange(1), default=2, show_default=True,
              help="Input files mapped at once, each in its own process.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on this dask.distributed scheduler (e.g. tcp://host:8786) instead of local processes.")
@click.option("--strict", is_flag=True, help="Reject a record on any warning too.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
def map_command(paths: tuple[Path, ...], out: Path, jobs: int, scheduler: str | None, strict: bool,
                report: Path | None, fmt: str) -> None:
    """Map record files (the same inputs as kg load: API responses, JSON Lines, .json.gz dumps, folders)
    to gzipped N-Quads shards in OUT, with the provenance kg load writes; then kg bulk-load OUT.

    Runs again skip the input files already mapped. Exit status: 0 all mapped, 1 some records or
    files rejected (the rest mapped)."""
    with problem_report(report) as on_problem:
        result = map_inputs(paths, out, jobs=jobs, scheduler=scheduler, strict=strict, limits=Limits.from_env(),
                            on_problem=on_problem)
    if fmt == "json":
        echo_json({"inputs": len(result.files), "mapped_now": result.mapped_now, "done_before": result.done_before,
                   "records": sum(f.records for f in result.files), "quads": sum(f.lines for f in result.files),
                   "rejected": result.load.rejected, "errors": result.load.error_count,
                   "warnings": result.load.warning_count, "skipped": result.load.skipped_count,
                   "problems": [str(p) for p in result.load.problems]})
    else:
        for p in [*result.load.skipped, *result.load.errors]:
            click.echo(str(p), err=True)
        click.echo(result.summary())
    if result.load.rejected or result.load.error_count:
        raise SystemExit(1)


@click.command(name="bulk-load", epilog=examples("kg bulk-load shards/", "kg --store big-store bulk-load shards/",
                                                 "kg --store big-store bulk-load shards/ --no-indexes --json",
                                                 "kg bulk-load shards/ --engine qlever"))
@click.argument("shards", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["store", "qlever"]), default="store", show_default=True,
              help="store: load into the store with its engine's own loader. qlever: write SHARDS/Qleverfile "
                   "and the input of QLever's index builder instead (no store is opened; docs/scaling.md).")
@click.option("--name", default="kg", show_default=True, help="The dataset's name in the Qleverfile (--engine qlever).")
@click.option("--indexes/--no-indexes", default=True, show_default=True,
              help="Build the cue index and the metrics summary again afterwards (else kg index-cues and kg "
                   "index-metrics do; until then traces build the cue index, and metrics ask the store).")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
@pass_ctx
def bulk_load(ctx: Context, shards: Path, engine: str, name: str, indexes: bool, report: Path | None,
              fmt: str) -> None:
    """Load the shards kg map wrote with the store's own bulk loader; the store ends as kg load of the
    same inputs leaves it (records repeated, or already stored, go through kg load's own write).
    With --engine qlever, write a Qleverfile for QLever's index builder beside the shards instead.

    Exit status as kg load's."""
    if engine == "qlever":
        with problem_report(report) as on_problem:
            written = write_qlever_input(shards, name=name, on_problem=on_problem)
        what = (f"the {len(written.inputs)} shards as they are" if written.as_they_are else
                f"{written.inputs[0]}, the version kg load keeps of each graph (some are in the shards twice)")
        click.echo(f"wrote {written.qleverfile} (input: {what}, {written.quads:,} quads); then: cd {shards} && "
                   "qlever index && qlever start", err=fmt == "json")
        print_load_report(written.report, report, fmt)
        return
    ctx.writable_store()
    with problem_report(report) as on_problem:
        result = ctx.graph.bulk_load(shards, indexes=indexes, on_problem=on_problem)
    print_load_report(result, report, fmt)
