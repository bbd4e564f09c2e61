"""``kg sync``: bring the graph up to date with what the sources changed, once or ``--every`` while."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path

import click

from kg.cli.context import Context, pass_ctx
from kg.cli.loading import api_bases, problem_report
from kg.cli.output import echo_json, examples, output_format
from kg.errors import KgError
from loaders.http import HttpConfig
from loaders.pipeline import LoadReport
from loaders.sync import SOURCES, SyncReport, SyncScope, every
from loaders.sync import sync as sync_source
from loaders.syncstate import SyncLock, read_states

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(value: str | None, option: str = "--every") -> float | None:
    """``1h``, ``30m``, ``90s``, ``1d`` as seconds; a usage error naming ``option`` otherwise."""
    if value is None:
        return None
    m = _DURATION.fullmatch(value.strip())
    if not m or float(m[1]) <= 0:
        raise click.BadParameter(f"{value!r}: write a duration such as 1h, 30m or 90s", param_hint=option)
    return float(m[1]) * _SECONDS[m[2]]


def default_lock(cache_dir: Path, location: str) -> Path:
    """One lock per store, in the cache folder: ``sync-<hash of the store's location>.lock``."""
    where = location if location.startswith(("http://", "https://")) else str(Path(location).resolve())
    return cache_dir / f"sync-{hashlib.sha256(where.encode()).hexdigest()[:12]}.lock"


@click.command(epilog=examples("kg sync crossref --since 2024-06-01 --mailto you@example.org",
                               "kg sync", "kg sync crossref --prefix 10.1371 --since 2024-06-01",
                               "kg sync zenodo --community lexibank --since 2024-01-01",
                               "kg sync pdbe --since 2024-06-01", "kg sync ror opencitations",
                               "kg sync --every 1h --json"))
@click.argument("sources", nargs=-1)
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="The first sync of a source and scope fetches changes from this date; later ones go on "
                   "from the watermark.")
@click.option("--prefix", "prefixes", multiple=True, help="Keep only DOIs of this prefix (Crossref, DataCite).")
@click.option("--funder", "funders", multiple=True, help="Keep only works of this funder (Crossref Funder ID).")
@click.option("--doi", "dois", multiple=True, help="Keep only these DOIs; repeatable.")
@click.option("--doi-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Keep only the DOIs in this file, one per line.")
@click.option("--community", help="Keep only this Zenodo community's records.")
@click.option("--every", "every_", metavar="DURATION",
              help="Run for ever: a sync every DURATION (1h, 30m), each wait jittered by 10%.")
@click.option("--rounds", type=click.IntRange(1), hidden=True, help="With --every: stop after this many syncs.")
@click.option("--max-pages", type=click.IntRange(1),
              help="Stop each source after this many pages; the next sync goes on from there.")
@click.option("--rows", type=click.IntRange(1, 1000), default=100, show_default=True, help="Records per page.")
@click.option("--cache-dir", type=click.Path(path_type=Path), envvar="KG_CACHE_DIR",
              default=Path("./kg-cache"), show_default=True, help="Where raw responses (and the lock) are kept.")
@click.option("--lock", "lock_path", type=click.Path(path_type=Path),
              help="The lock file that keeps two syncs of this store apart (default: in --cache-dir).")
@click.option("--mailto", envvar="KG_MAILTO", help="Your e-mail, for the sources' polite pools.")
@click.option("--api", "apis", multiple=True, metavar="SOURCE=URL",
              help="A source's API base URL (a mirror, a test system); repeatable. wwpdb=URL: the PDB's "
                   "latest weekly release lists (earlier weeks' dated folders beside it).")
@click.option("--strict", is_flag=True, help="Reject a record on any warning too.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@output_format("text", "json", default="text", help="Print the summary as text or JSON.")
@pass_ctx
def sync(ctx: Context, sources: tuple[str, ...], since: datetime | None, prefixes: tuple[str, ...],
         funders: tuple[str, ...], dois: tuple[str, ...], doi_file: Path | None, community: str | None,
         every_: str | None, rounds: int | None, max_pages: int | None, rows: int, cache_dir: Path,
         lock_path: Path | None, mailto: str | None, apis: tuple[str, ...], strict: bool, report: Path | None,
         fmt: str) -> None:
    """Fetch what each SOURCE changed since its last sync and store it (online; see docs/operations.md).

    SOURCE is crossref, datacite, zenodo, pdbe (by the wwPDB's weekly release lists; --api
    wwpdb=URL for a mirror of them), ror or opencitations (by their dumps' versions; --api
    SOURCE=URL names the version record); none: every source synced before. Records a source
    retracts, withdraws or obsoletes are marked, never dropped. A sync that dies goes on where it stopped;
    two syncs of one store never run at once.

    Exit status: 0 up to date, 1 some records rejected, 2 a window left unfinished (the next sync
    goes on from there) or another sync is running."""
    interval = parse_every(every_)
    listed = tuple(line.strip() for line in doi_file.read_text("utf-8").splitlines() if line.strip()) \
        if doi_file else ()
    scope = SyncScope(prefixes, funders, (*dois, *listed), community)
    bases = api_bases(apis)
    config = HttpConfig.from_env(mailto=mailto, cache_dir=cache_dir, refresh=True)
    store = ctx.writable_store()
    when = since.replace(tzinfo=UTC) if since else None
    lock = SyncLock(lock_path or default_lock(cache_dir, ctx.location))

    def once() -> list[SyncReport]:
        done = []
        with lock, problem_report(report) as on_problem:  # the lock first: a second sync touches nothing
            names = list(sources) or sorted({s.source for s in read_states(store) if s.source in SOURCES})
            if not names:
                raise click.UsageError(f"name a source to sync: {', '.join(sorted(SOURCES))} (none was synced before)")
            for name in names:
                done.append(sync_source(store, name, config, scope=scope, since=when, api=bases.get(name),
                                        lists=bases.get("wwpdb"), rows=rows, max_pages=max_pages, strict=strict,
                                        on_problem=on_problem))
        return done

    if interval is None:
        _print(once(), fmt, report, last=True)
        return

    def round_() -> None:
        try:
            _print(once(), fmt, report, last=False)
        except KgError as e:  # a busy lock, a source down, a store in use: say so and try again next round
            click.echo(f"error: {e}", err=True)
        finally:
            store.close()  # an embedded store is free for others between rounds (it reopens on next use)

    every(round_, interval, rounds=rounds)


def _print(reports: list[SyncReport], fmt: str, report: Path | None, *, last: bool) -> None:
    """Each source's window and what it did; exit codes like ``kg load`` (2: a window left unfinished)."""
    total = LoadReport()
    for r in reports:
        total.extend(r.load)
    if fmt == "json":
        echo_json({"syncs": [r.as_dict() for r in reports], "at": datetime.now(UTC).isoformat(timespec="seconds")})
    else:
        for r in reports:
            scope = f" ({r.scope})" if r.scope else ""
            state = "watermark now " + _day(r.window_until) if r.complete else \
                "window unfinished: the next sync goes on from there"
            again = ", resumed" if r.resumed else ""
            again += f", dump version {r.version}" if r.version else ""
            click.echo(f"{r.source}{scope}: {_day(r.window_from)} to {_day(r.window_until)}{again}: "
                       f"{r.requests} requests, {r.load.summary()}; {state}")
    if fmt != "json":
        for p in total.errors:
            click.echo(str(p), err=True)
    if not last:
        return
    if any(not r.complete for r in reports):
        raise SystemExit(2)
    if total.rejected or total.error_count:
        raise SystemExit(1)


def _day(when: datetime | date) -> str:
    return when.date().isoformat() if isinstance(when, datetime) else when.isoformat()
