"""What an operator can set about the service, read from ``kg serve`` options or ``KG_*`` variables."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from kg.tracing import MAX_CLAIMS, TracePolicy


@dataclass(frozen=True)
class Settings:
    """The service's limits and switches. Every field has a safe default.

    >>> Settings().query_timeout
    30.0
    """

    #: seconds a SPARQL query may run before it is stopped and answered with a timeout error
    query_timeout: float = 30.0
    #: rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a SPARQL answer holds at most; beyond, it is
    #: truncated and says so
    max_rows: int = 10_000
    #: bytes a SPARQL answer holds at most (as written, in the format asked for); beyond, it is
    #: truncated and says so, as past ``max_rows``
    max_answer_bytes: int = 64 << 20
    #: worker processes that run /sparql queries against an embedded store (each can be stopped)
    query_workers: int = 2
    #: megabytes of address space each query worker may use (``RLIMIT_AS``); a query needing more is
    #: stopped with an error and its worker replaced. 0: no limit
    query_memory_mb: int = 2048
    #: /sparql queries one client address may have running at once (more are refused with 429);
    #: None: half the query workers, at least one, so one client cannot hold every worker
    queries_per_client: int | None = None
    #: when set, SPARQL Update is accepted with ``Authorization: Bearer <token>``; else read-only
    update_token: str | None = None
    #: run SERVICE clauses of /sparql queries (federation): off, since they make the service call any host
    allow_federation: bool = False
    #: origins allowed to call the service from a browser (``*`` for any); none by default
    cors_origins: tuple[str, ...] = ()
    #: largest page a list (GraphQL connection, JSON endpoint) returns
    max_page_size: int = 100
    #: GraphQL: deepest selection nesting, most aliases, most tokens in one document
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 2_000
    #: GraphQL: most objects one document may resolve, as estimated before execution (kg.web.graphql.cost)
    graphql_max_cost: int = 50_000
    #: GraphQL: most field selections of a document once its fragments are spread (checked in time
    #: linear in the document, before validation: kg.web.graphql.expansion)
    graphql_max_fields: int = 5_000
    #: GraphQL: seconds a request may take to validate and execute before it is answered with an error
    graphql_timeout: float = 30.0
    #: tracing fetches identifiers missing from the graph (and pages by URL) from their sources
    trace_online: bool = False
    #: store every trace's claims; when off, only traces sent with the update token are stored
    store_traces: bool = False
    #: hops of the evidence chains a trace returns
    trace_max_depth: int = 5
    #: distinct claims a trace answers at most (the rest counted, and said so)
    trace_max_claims: int = MAX_CLAIMS
    #: traces run at once (each may hold a parsed text of up to a million characters, about 100 MB)
    traces_at_once: int = 2
    #: seconds a trace waits for one of ``traces_at_once`` to finish, before it is answered 503
    trace_wait: float = 30.0
    #: seconds a client has to send a request's headers (from the connection's start or the last
    #: answer) before its connection is closed
    headers_deadline: float = 10.0
    #: seconds a request body may take to arrive, from its first read, before it is answered 408
    body_deadline: float = 30.0
    #: seconds an idle kept-alive connection stays open (uvicorn's ``timeout_keep_alive``, set by ``kg serve``)
    keep_alive: int = 5
    #: the public base URL, when the service sits behind a proxy (for links and redirects)
    base_url: str | None = None
    #: megabytes of answers kept per store revision (kg.answer_cache, kg.web.caching); 0: none kept
    cache_mb: int = 256
    #: seconds a browser or proxy may reuse an answer before asking again with its ETag (Cache-Control max-age)
    cache_max_age: int = 10
    #: seconds between the rounds of the sync loop run inside the service (kg.web.syncloop); None: no loop
    sync_every: float | None = None
    #: the sources the loop syncs (none: every source synced before), the date of a first sync, the
    #: sources' API bases ("SOURCE=URL"), where responses are cached, and the lock shared with ``kg sync``
    sync_sources: tuple[str, ...] = ()
    sync_since: str | None = None
    sync_apis: tuple[str, ...] = ()
    sync_cache_dir: str = "kg-cache"
    sync_lock: str | None = None
    #: threads computing answers at once (the request thread pool); more requests queue for them rather than
    #: thrash: each thread competes with the event loop for the interpreter (kg.web.app)
    threads: int = 8
    #: a port of its own answering GET /healthz from a thread, never behind the event loop's queue (None: none)
    health_port: int | None = None
    #: the address it listens on (kg serve's --host)
    health_host: str = "127.0.0.1"

    @property
    def client_query_limit(self) -> int:
        """/sparql queries one client may have running at once.

        >>> Settings().client_query_limit, Settings(query_workers=8).client_query_limit
        (1, 4)
        """
        return self.queries_per_client or max(1, self.query_workers // 2)

    def authorizes(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries the update token (never, when none is set).

        >>> Settings(update_token="t0k").authorizes("Bearer t0k"), Settings().authorizes("Bearer t0k")
        (True, False)
        """
        scheme, _, given = (authorization or "").partition(" ")
        return (self.update_token is not None and scheme.lower() == "bearer"
                and hmac.compare_digest(given.strip().encode(), self.update_token.encode()))

    def trace_policy(self, authorized: bool) -> TracePolicy:
        """What a trace for a request may do: fetch when the service runs online, store its claims when the
        service stores every trace or the request carries the update token (``authorized``).

        >>> Settings(store_traces=True).trace_policy(authorized=False).permitted
        True
        """
        return TracePolicy.for_service(online=self.trace_online, store_every=self.store_traces, authorized=authorized,
                                       max_depth=self.trace_max_depth, max_claims=self.trace_max_claims)
