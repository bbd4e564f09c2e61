"""The ``kg`` command. Each command parses its input, calls one core function and prints."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pyoxigraph import QueryBoolean, QuerySolutions, RdfFormat, serialize

from kg.errors import KgError
from kg.store import Store
from loaders import REGISTRY, get_loader
from loaders.base import HarvestRequest, Problem
from loaders.harvest import harvest as run_harvest
from loaders.http import HttpConfig
from loaders.limits import Limits
from loaders.pipeline import LoadReport
from loaders.pipeline import load as run_load
from loaders.read import read_paths

DEFAULT_STORE = "./kg-data"


class Context:
    def __init__(self, location: str) -> None:
        self.location = location
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.location)
        return self._store


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option("--store", "location", envvar="KG_STORE", default=DEFAULT_STORE, show_default=True,
              help="A directory (embedded store) or the URL of a SPARQL 1.1 query endpoint.")
@click.option("-v", "--verbose", is_flag=True, help="Log every warning as it happens.")
@click.version_option(package_name="evidence-kg")
@click.pass_context
def cli(ctx: click.Context, location: str, verbose: bool) -> None:
    """kg: the evidence graph. Load research records, then ask where claims' data comes from."""
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, format="%(message)s")
    ctx.obj = Context(location)
    ctx.call_on_close(lambda: ctx.obj._store.close() if ctx.obj._store else None)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Reject a record on any warning too.")
@click.option("--report", type=click.Path(path_type=Path), help="Write every problem to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True,
              help="Records per store transaction.")
@pass_ctx
def load(ctx: Context, paths: tuple[Path, ...], strict: bool, report: Path | None, as_json: bool,
         batch_size: int) -> None:
    """Load record files: API responses, list pages, JSON Lines, .gz, data dumps, directories.

    Exit status: 0 all loaded, 1 some records or files rejected (the rest loaded), 2 the load
    failed or stopped early (see docs/loading.md)."""
    limits = Limits.from_env()
    _store_folder(ctx.location)
    with _problems(report) as on_problem, _progress("loading") as bar:
        result = run_load(ctx.store, read_paths(paths, limits), strict=strict, batch_size=batch_size,
                          progress=bar.update, on_problem=on_problem)
    _finish(result, report, as_json)


def _sources() -> str:
    return "\n".join(f"  {name:<14} {loader.description}" for name, loader in sorted(REGISTRY.items()))


@cli.command(help="Fetch records from a source's API (online) and load them.\n\nSOURCE is one of:\n\n\b\n"
                  + _sources())
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
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
def harvest(ctx: Context, source: str, dois: tuple[str, ...], filter_: str | None, query: str | None,
            max_pages: int | None, rows: int, cache_dir: Path, mailto: str | None, refresh: bool,
            api: str | None, strict: bool, report: Path | None, as_json: bool) -> None:
    loader = get_loader(source)
    config = HttpConfig.from_env(mailto=mailto, cache_dir=cache_dir, refresh=refresh)
    _store_folder(ctx.location)
    request = HarvestRequest(dois=list(dois), filter=filter_, query=query, rows=rows, max_pages=max_pages,
                             api=api)
    with _problems(report) as on_problem, _progress("harvesting") as bar:
        result = run_harvest(ctx.store, loader, config, request, strict=strict, progress=bar.update,
                             on_problem=on_problem)
    _finish(result, report, as_json)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def stats(ctx: Context, as_json: bool) -> None:
    """What the store holds: quads, graphs per source, works per class."""
    from kg.stats import store_stats
    s = store_stats(ctx.store)
    if as_json:
        click.echo(json.dumps(s.as_dict(), indent=2))
        return
    click.echo(f"store: {ctx.location}")
    click.echo(f"quads: {s.quads:,}  citations: {s.citations:,}  evidence edges: {s.evidence_edges:,}")
    for name, n in s.graphs_by_source.items():
        click.echo(f"  {name:<12} {n:>8,} records")
    for name, n in s.works_by_class.items():
        click.echo(f"  {name:<28} {n:>8,} works")


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@pass_ctx
def query(ctx: Context, query: str, fmt: str) -> None:
    """Run a SPARQL query: its text, a .rq file, or the name of a catalogue query."""
    from kg.queries import load_query
    path = Path(query)
    if query.endswith(".rq") and path.is_file():
        text = path.read_text("utf-8")
    elif query.isidentifier():
        text = load_query(query).text
    else:
        text = query
    result = ctx.store.query(text)
    if isinstance(result, QueryBoolean):
        click.echo(json.dumps({"boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower())
    elif isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [[_cell(sol[v]) for v in variables] for sol in result]
        click.echo(_table(variables, rows, fmt), nl=False)
    else:
        out = io.BytesIO()
        serialize(result, out, format=RdfFormat.TURTLE)
        click.echo(out.getvalue().decode())


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["nq", "trig", "ttl", "nt"]), default="nq",
              show_default=True, help="nq/trig keep the graphs; ttl/nt merge them (no provenance).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@pass_ctx
def export(ctx: Context, fmt: str, output: Path | None) -> None:
    """Write the whole store as RDF."""
    formats = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "ttl": RdfFormat.TURTLE,
               "nt": RdfFormat.N_TRIPLES}
    if output:
        with output.open("wb") as f:
            ctx.store.dump(f, formats[fmt])
    else:
        ctx.store.dump(sys.stdout.buffer, formats[fmt])


@cli.command()
@click.argument("identifier")
@click.option("--depth", type=click.IntRange(0, 10), default=5, show_default=True, help="Hops to follow at most.")
@click.option("--format", "fmt", type=click.Choice(["tree", "json", "node-link", "graphml"]), default="tree",
              show_default=True)
@pass_ctx
def chain(ctx: Context, identifier: str, depth: int, fmt: str) -> None:
    """The evidence chain of a work: what it relies on, down to the data, with every hop's source."""
    from kg.chains import evidence_chain, to_graphml, to_node_link
    found = evidence_chain(ctx.store, identifier, max_depth=depth)
    if fmt == "json":
        click.echo(json.dumps(found.as_dict(), indent=2))
    elif fmt == "node-link":
        click.echo(json.dumps(to_node_link(found), indent=2))
    elif fmt == "graphml":
        out = io.BytesIO()
        to_graphml(found, out)
        click.echo(out.getvalue().decode())
    else:
        click.echo(_chain_tree(found))


@cli.command()
@click.argument("kind", type=click.Choice(["item", "funder", "facility", "publisher"]))
@click.argument("identifier")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@pass_ctx
def metrics(ctx: Context, kind: str, identifier: str, fmt: str) -> None:
    """Reuse metrics of a work (versions rolled up), a funder, a facility or beamline, a publisher.

    See docs/metrics.md for what each figure counts and what it does not."""
    from kg import metrics as m
    result: m.ItemMetrics | m.PortfolioMetrics | m.FacilityMetrics
    if kind == "item":
        result = m.item_metrics(ctx.store, identifier)
    elif kind == "funder":
        result = m.funder_metrics(ctx.store, identifier)
    elif kind == "facility":
        result = m.facility_metrics(ctx.store, identifier)
    else:
        result = m.publisher_metrics(ctx.store, identifier)
    click.echo(m.to_csv(result) if fmt == "csv" else json.dumps(result.as_dict(), indent=2), nl=fmt != "csv")


@cli.command()
@click.argument("identifier")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def related(ctx: Context, identifier: str, limit: int, as_json: bool) -> None:
    """Works related to a work, each with a score and the reasons why."""
    from kg.related import related_items
    found = related_items(ctx.store, identifier, limit=limit)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in found], indent=2))
        return
    for r in found:
        ident = r.item.identifiers.get("doi") or r.item.identifiers.get("pdb") or r.item.iri
        click.echo(f"{r.score:5.1f}  {r.item.kind or 'Work'} {ident}: {r.item.title or '(no title)'}")
        click.echo(f"       {'; '.join(reason.text for reason in r.reasons)}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--update-token", envvar="KG_UPDATE_TOKEN",
              help="Accept SPARQL Update with 'Authorization: Bearer TOKEN' (read-only without it).")
@click.option("--query-timeout", type=click.FloatRange(0.1), envvar="KG_QUERY_TIMEOUT", default=30.0,
              show_default=True, help="Seconds a /sparql query may run before it is stopped.")
@click.option("--max-rows", type=click.IntRange(1), envvar="KG_MAX_ROWS", default=10_000, show_default=True,
              help="Rows or triples a /sparql answer holds at most (truncated beyond, and says so).")
@click.option("--query-workers", type=click.IntRange(1, 64), envvar="KG_QUERY_WORKERS", default=2,
              show_default=True, help="Processes running /sparql queries against an embedded store.")
@click.option("--cors-origin", "cors_origins", multiple=True, envvar="KG_CORS_ORIGINS",
              help="An origin allowed to call the service from a browser ('*' for any); repeatable.")
@click.option("--base-url", envvar="KG_BASE_URL", help="The public URL of the service, behind a proxy.")
@click.option("--online/--offline", envvar="KG_ONLINE", default=False, show_default=True,
              help="Let traces fetch identifiers missing from the graph (and pages by URL) from their sources.")
@click.option("--max-page-size", type=click.IntRange(1, 10_000), envvar="KG_MAX_PAGE_SIZE", default=100,
              show_default=True, help="Largest page of a GraphQL connection or a JSON list.")
@click.option("--graphql-max-cost", type=click.IntRange(1), envvar="KG_GRAPHQL_MAX_COST", default=50_000,
              show_default=True, help="Objects a GraphQL document may resolve at most (estimated before it runs).")
@click.option("--graphql-max-depth", type=click.IntRange(1, 100), envvar="KG_GRAPHQL_MAX_DEPTH", default=10,
              show_default=True, help="Deepest selection nesting of a GraphQL document.")
@click.option("--store-traces", is_flag=True, envvar="KG_STORE_TRACES",
              help="Store the claims of every trace; without it, only traces sent with the update token.")
@click.option("--allow-federation", is_flag=True, envvar="KG_ALLOW_FEDERATION",
              help="Run SERVICE clauses of /sparql queries (they make the service call other hosts).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True)
@pass_ctx
def serve(ctx: Context, host: str, port: int, update_token: str | None, query_timeout: float, max_rows: int,
          query_workers: int, cors_origins: tuple[str, ...], base_url: str | None, online: bool,
          max_page_size: int, graphql_max_cost: int, graphql_max_depth: int, store_traces: bool,
          allow_federation: bool, log_level: str) -> None:
    """Run the HTTP service: /sparql, /graphql, /works/{id}, /api/..., /healthz (see docs/api.md)."""
    import uvicorn

    from kg.web.app import create_app
    from kg.web.config import Settings
    settings = Settings(query_timeout=query_timeout, max_rows=max_rows, query_workers=query_workers,
                        update_token=update_token or None, cors_origins=cors_origins,
                        base_url=base_url.rstrip("/") if base_url else None, trace_online=online,
                        max_page_size=max_page_size, graphql_max_cost=graphql_max_cost,
                        graphql_max_depth=graphql_max_depth, store_traces=store_traces,
                        allow_federation=allow_federation)
    uvicorn.run(create_app(ctx.store, settings), host=host, port=port, log_level=log_level)


@cli.command(name="trace")
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
def trace_command(ctx: Context, text: str | None, file_: Any, url: str | None, source_kind: str | None,
                  published: Any, offline: bool, no_store: bool, depth: int, apis: tuple[str, ...],
                  as_json: bool) -> None:
    """Trace the claims of TEXT to the works and data behind them ('-' reads stdin; an http(s) URL is
    fetched unless --offline). Prints each claim, the works it rests on with scores, and their
    evidence chains; identifiers missing from the graph are fetched from their sources."""
    from kg.ondemand import fetch_page
    from kg.trace import trace
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
    result = trace(ctx.store, body, url=url, source_kind=source_kind, published=published.date() if published else None,
                   online=not offline, http=config, apis=overrides, store_claims=not no_store, max_depth=depth)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
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
            click.echo(f"  {w.score:.2f} {w.method} [{', '.join(w.matched)}]")
            click.echo("\n".join("    " + line for line in _chain_tree(result.chains[w.iri]).splitlines()))
        if claim.stored:
            click.echo(f"  stored as {claim.iri}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


def _chain_tree(found: Any) -> str:
    """The chain as an indented tree: each work once, under the first hop that reaches it."""
    lines: list[str] = []
    seen: set[str] = set()

    def label(iri: str) -> str:
        work = found.node(iri).work
        ident = work.identifiers.get("doi") or work.identifiers.get("pdb") or iri
        year = f" ({work.year})" if work.year else ""
        return f"{work.kind or 'Work'} {ident}{year}: {work.title or '(no title)'}"

    def walk(iri: str, indent: int) -> None:
        for hop in found.hops_from(iri):
            sources = ", ".join(sorted({a.source or "?" for a in hop.assertions}))
            lines.append(f"{'  ' * indent}└ {hop.role} [{hop.evidence}; {sources}] {label(hop.to)}")
            if hop.to not in seen:
                seen.add(hop.to)
                walk(hop.to, indent + 1)

    seen.add(found.root)
    lines.append(label(found.root))
    walk(found.root, 1)
    if found.truncated:
        lines.append("(truncated: some levels had more works than the fan-out limit)")
    return "\n".join(lines)


def _cell(term: Any) -> str:
    return "" if term is None else str(term.value)


def _table(variables: list[str], rows: list[list[str]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(variables, r, strict=True)) for r in rows], indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(rows)
        return out.getvalue()
    widths = [min(60, max([len(v), *(len(r[i]) for r in rows)])) for i, v in enumerate(variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c[:w].ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"


class _Bar:
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)


class _progress:
    """A records/s progress bar on stderr, shown only on a terminal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.bar: Any = None

    def __enter__(self) -> _Bar:
        if sys.stderr.isatty() and not os.environ.get("CI"):
            from tqdm import tqdm
            self.bar = tqdm(desc=self.what, unit=" records", file=sys.stderr)
        return _Bar(self.bar)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def _problems(report: Path | None) -> Iterator[Callable[[Problem], None] | None]:
    """Every problem written to the report file as it happens (a report can outgrow memory)."""
    if report is None:
        yield None
        return
    with report.open("w", encoding="utf-8") as out:
        yield lambda p: print(p, file=out)


def _finish(result: LoadReport, report: Path | None, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"loaded": result.loaded, "unchanged": result.unchanged,
                               "rejected": result.rejected, "quads": result.quads,
                               "errors": result.error_count, "warnings": result.warning_count,
                               "skipped": result.skipped_count, "failure": result.failure,
                               "problems": [str(p) for p in result.problems]}, indent=2))
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


def _store_folder(location: str) -> None:
    """Make an embedded store's parent folders, so ``--store new/dir`` works like ``mkdir -p``."""
    if not location.startswith(("http://", "https://")):
        try:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise click.UsageError(f"cannot make the store's folder {Path(location).parent}: {e.strerror}") from e


def main() -> None:
    """Entry point: KgError becomes a one-line message and exit code 2."""
    try:
        cli(standalone_mode=True)
    except KgError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(2) from e
