"""``kg serve``: the HTTP service over the store."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import click

from kg.cli.context import Context, pass_ctx
from kg.cli.loading import api_bases
from kg.cli.output import examples
from kg.cli.syncing import default_lock, parse_every

#: what kg.web.app.served_app reads the store and the options from (kg.web.app.SERVE_ENV)
SERVE_ENV = "KG_SERVE"


@click.command(epilog=examples("kg serve", "kg --store ./kg-data serve --port 8080 --online",
                               "KG_UPDATE_TOKEN=secret kg serve --host 0.0.0.0",
                               "kg serve --sync-every 1h --sync-source crossref --sync-since 2024-06-01",
                               "kg --store ./kg-data serve --workers 2",
                               "kg --store ./kg-data serve --read-only --port 8001"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), envvar="KG_WORKERS", default=1, show_default=True,
              help="Service processes sharing the port. Over a store directory, more than 1 makes each a "
                   "read-only replica (writes: kg load / kg sync, or a kg serve --workers 1 beside them).")
@click.option("--read-only", is_flag=True, envvar="KG_READ_ONLY",
              help="Open the store directory read-only, beside the one process writing it: a replica that "
                   "follows its writes and refuses writes (403) (see docs/operations.md).")
@click.option("--update-token", envvar="KG_UPDATE_TOKEN",
              help="Accept SPARQL Update with 'Authorization: Bearer TOKEN' (read-only without it).")
@click.option("--query-timeout", type=click.FloatRange(0.1), envvar="KG_QUERY_TIMEOUT", default=30.0,
              show_default=True, help="Seconds a /sparql query may run before it is stopped.")
@click.option("--max-rows", type=click.IntRange(1), envvar="KG_MAX_ROWS", default=10_000, show_default=True,
              help="Rows or triples a /sparql answer holds at most (truncated beyond, and says so).")
@click.option("--query-workers", type=click.IntRange(1, 64), envvar="KG_QUERY_WORKERS", default=2,
              show_default=True, help="Processes running /sparql queries against an embedded store.")
@click.option("--query-memory-mb", type=click.IntRange(0), envvar="KG_QUERY_MEMORY_MB", default=2048,
              show_default=True, help="Address space of each query worker, in MB (0: no limit).")
@click.option("--max-answer-bytes", type=click.IntRange(1), envvar="KG_MAX_ANSWER_BYTES", default=64 << 20,
              show_default=True, help="Bytes a /sparql answer holds at most (truncated beyond, and says so).")
@click.option("--queries-per-client", type=click.IntRange(1), envvar="KG_QUERIES_PER_CLIENT",
              help="/sparql queries one client address may run at once [default: half the workers, at least 1].")
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
@click.option("--graphql-max-fields", type=click.IntRange(1), envvar="KG_GRAPHQL_MAX_FIELDS", default=5_000,
              show_default=True, help="Field selections of a GraphQL document once its fragments are spread.")
@click.option("--graphql-timeout", type=click.FloatRange(0.1), envvar="KG_GRAPHQL_TIMEOUT", default=30.0,
              show_default=True, help="Seconds a GraphQL request may take before it is answered with an error.")
@click.option("--trace-max-claims", type=click.IntRange(1), envvar="KG_TRACE_MAX_CLAIMS", default=200,
              show_default=True, help="Distinct claims a trace answers at most (the rest counted, and said so).")
@click.option("--traces-at-once", type=click.IntRange(1, 64), envvar="KG_TRACES_AT_ONCE", default=2,
              show_default=True, help="Traces run at once (each may hold about 100 MB); more wait.")
@click.option("--trace-wait", type=click.FloatRange(0.1), envvar="KG_TRACE_WAIT", default=30.0, show_default=True,
              help="Seconds a trace waits for a free slot before it is answered 503.")
@click.option("--headers-deadline", type=click.FloatRange(0.1), envvar="KG_HEADERS_DEADLINE", default=10.0,
              show_default=True, help="Seconds a client has to send a request's headers before it is dropped.")
@click.option("--body-deadline", type=click.FloatRange(0.1), envvar="KG_BODY_DEADLINE", default=30.0,
              show_default=True, help="Seconds a request body may take to arrive before it is answered 408.")
@click.option("--keep-alive", type=click.IntRange(1), envvar="KG_KEEP_ALIVE", default=5, show_default=True,
              help="Seconds an idle kept-alive connection stays open.")
@click.option("--store-traces", is_flag=True, envvar="KG_STORE_TRACES",
              help="Store the claims of every trace; without it, only traces sent with the update token.")
@click.option("--allow-federation", is_flag=True, envvar="KG_ALLOW_FEDERATION",
              help="Run SERVICE clauses of /sparql queries (they make the service call other hosts).")
@click.option("--cache-mb", type=click.IntRange(0), envvar="KG_CACHE_MB", default=256, show_default=True,
              help="Megabytes of answers kept until the store is next written (0: none kept).")
@click.option("--cache-max-age", type=click.IntRange(0), envvar="KG_CACHE_MAX_AGE", default=10, show_default=True,
              help="Seconds browsers and proxies may reuse an answer before revalidating it (its ETag).")
@click.option("--sync-every", metavar="DURATION", envvar="KG_SYNC_EVERY",
              help="Run kg sync inside the service every DURATION (1h, 30m), writing through the service "
                   "(for an embedded store, which the service holds); see docs/operations.md.")
@click.option("--sync-source", "sync_sources", multiple=True, metavar="SOURCE",
              help="With --sync-every: a source to sync (repeatable); none: every source synced before.")
@click.option("--sync-since", type=click.DateTime(["%Y-%m-%d"]),
              help="With --sync-every: the date the first sync of a source starts from.")
@click.option("--sync-api", "sync_apis", multiple=True, metavar="SOURCE=URL",
              help="With --sync-every: a source's API base URL (as kg sync --api); repeatable.")
@click.option("--cache-dir", type=click.Path(path_type=Path), envvar="KG_CACHE_DIR", default=Path("./kg-cache"),
              show_default=True, help="With --sync-every: where raw responses and the sync lock are kept.")
@click.option("--health-port", type=click.IntRange(1, 65535), envvar="KG_HEALTH_PORT",
              help="Also answer GET /healthz on this port, from a small process of its own fed by the service's "
                   "heartbeat: never queued behind the service's requests (for load balancers' and orchestrators' "
                   "probes; see docs/operations.md).")
@click.option("--threads", type=click.IntRange(1, 256), envvar="KG_THREADS", default=8, show_default=True,
              help="Threads computing answers at once; more requests queue for them (see docs/operations.md).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="info", show_default=True)
@pass_ctx
def serve(ctx: Context, host: str, port: int, workers: int, read_only: bool, update_token: str | None,
          query_timeout: float, max_rows: int,
          query_workers: int, query_memory_mb: int, max_answer_bytes: int, queries_per_client: int | None,
          cors_origins: tuple[str, ...], base_url: str | None, online: bool, max_page_size: int,
          graphql_max_cost: int, graphql_max_depth: int, graphql_max_fields: int, graphql_timeout: float,
          trace_max_claims: int, traces_at_once: int, trace_wait: float, headers_deadline: float,
          body_deadline: float, keep_alive: int, store_traces: bool, allow_federation: bool,
          cache_mb: int, cache_max_age: int, threads: int, health_port: int | None,
          sync_every: str | None, sync_sources: tuple[str, ...],
          sync_since: datetime | None, sync_apis: tuple[str, ...], cache_dir: Path, log_level: str) -> None:
    """Run the HTTP service: /sparql, /graphql, /works/{id}, /api/..., /healthz (see docs/api.md)."""
    # imported here: the server is needed by this command only
    import uvicorn

    remote = ctx.location.startswith(("http://", "https://"))
    if read_only and remote:
        raise click.UsageError("--read-only is for a store directory: over a SPARQL server, run as many kg serve "
                               "(or --workers N) as you like, each a full service; the server takes the writes")
    if workers > 1 and not remote and not read_only:
        read_only = True  # one RocksDB writer at most: every worker opens the directory read-only
        click.echo(f"kg serve: {workers} workers, each a read-only replica of {ctx.shown_location}; write with kg load "
                   "or kg sync (or a kg serve --workers 1 beside them), the workers follow", err=True)

    # the web is named by its import string, never imported: the options reach its app factory as JSON
    # in KG_SERVE (kg.web.app.served_app), which opens the store itself
    settings = {"query_timeout": query_timeout, "max_rows": max_rows, "query_workers": query_workers,
                "update_token": update_token or None, "cors_origins": list(cors_origins),
                "base_url": base_url.rstrip("/") if base_url else None, "trace_online": online,
                "max_page_size": max_page_size, "graphql_max_cost": graphql_max_cost,
                "graphql_max_depth": graphql_max_depth, "store_traces": store_traces,
                "allow_federation": allow_federation, "query_memory_mb": query_memory_mb,
                "max_answer_bytes": max_answer_bytes, "queries_per_client": queries_per_client,
                "graphql_max_fields": graphql_max_fields, "graphql_timeout": graphql_timeout,
                "cache_mb": cache_mb, "cache_max_age": cache_max_age, "threads": threads,
                "health_port": health_port, "health_host": host,
                "trace_max_claims": trace_max_claims, "traces_at_once": traces_at_once, "trace_wait": trace_wait,
                "headers_deadline": headers_deadline, "body_deadline": body_deadline, "keep_alive": keep_alive}
    if sync_every is not None:
        if read_only:
            raise click.UsageError("--sync-every writes to the store: run it in the one writing kg serve "
                                   "(--workers 1, not --read-only), or run kg sync beside the replicas")
        api_bases(sync_apis)  # SOURCE=URL, or a usage error now
        settings.update(sync_every=parse_every(sync_every, "--sync-every"), sync_sources=list(sync_sources),
                        sync_since=sync_since.date().isoformat() if sync_since else None, sync_apis=list(sync_apis),
                        sync_cache_dir=str(cache_dir), sync_lock=str(default_lock(cache_dir, ctx.location)))
    os.environ[SERVE_ENV] = json.dumps({"store": ctx.location, "read_only": read_only, **settings})
    # the h11 protocol with a deadline on request headers, and idle kept-alive connections closed after
    # --keep-alive s: slow clients are dropped (kg.web.protocol, and kg.web.app.BodyLimit for bodies). With
    # --workers N, uvicorn binds the port once and starts N processes on it, each building the app itself
    uvicorn.run("kg.web.app:served_app", factory=True, host=host, port=port, log_level=log_level,
                http="kg.web.protocol:HeaderDeadlineProtocol", timeout_keep_alive=keep_alive,
                workers=workers if workers > 1 else None)
