"""``kg sync``: bring the graph up to date with what each source changed since its last sync.

For each source and scope, one *window* of changes: from the watermark (the end of the last
complete window) to now, asked by the source's own change date (Crossref ``from-index-date`` /
``until-index-date``, DataCite and Zenodo ``updated:[from TO until]``). Dates are days and the
bounds inclusive, so consecutive windows overlap by a day: a record seen twice is stored once
(content hash). Every page goes through the same read -> map -> :meth:`kg.store.Store.write`
path as ``kg harvest``; after each page is stored, the state's cursor moves to the next page
(:mod:`loaders.syncstate`), so a sync that dies goes on from there; the watermark moves only when
the window is complete. The lock (:class:`loaders.syncstate.SyncLock`) is the caller's.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from kg.errors import ConfigError, FetchError, UnsupportedRequestError
from kg.store import Store
from loaders import get_loader
from loaders.base import Problem
from loaders.dump_sync import DUMPS, sync_dump
from loaders.http import HttpClient, HttpConfig, Response
from loaders.pdbe_sync import sync_pdbe
from loaders.pipeline import load
from loaders.read import records_of
from loaders.syncstate import SyncReport, SyncScope, SyncState, WriteGuard, fail, read_state, refuse, save_state

#: a request: its URL and parameters
Request = tuple[str, dict[str, str | int]]


class SyncPlan:
    """How one source is asked for its changes in a window."""

    def first(self, api: str, scope: SyncScope, start: datetime, until: datetime, rows: int) -> Request:
        raise NotImplementedError

    def next(self, page: Response, asked: Request) -> Request | None:
        raise NotImplementedError


def _day(when: datetime) -> str:
    return when.astimezone(UTC).date().isoformat()


def _quoted(values: tuple[str, ...]) -> str:
    return " OR ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)


class CrossrefPlan(SyncPlan):
    """``/works?filter=from-index-date:D,until-index-date:D[,prefix:..,funder:..,doi:..]`` with
    deep cursor paging. Filters of one name are OR-ed, of different names AND-ed."""

    def first(self, api: str, scope: SyncScope, start: datetime, until: datetime, rows: int) -> Request:
        refuse("crossref", scope, {"--prefix", "--funder", "--doi"})
        filters = [f"from-index-date:{_day(start)}", f"until-index-date:{_day(until)}",
                   *(f"prefix:{p}" for p in scope.prefixes), *(f"funder:{f}" for f in scope.funders),
                   *(f"doi:{d}" for d in scope.dois)]
        return f"{api}/works", {"filter": ",".join(filters), "rows": rows, "cursor": "*"}

    def next(self, page: Response, asked: Request) -> Request | None:
        message = page.data.get("message", {}) if isinstance(page.data, dict) else {}
        cursor = message.get("next-cursor") if isinstance(message, dict) else None
        if not cursor or not message.get("items"):
            return None
        return asked[0], {**asked[1], "cursor": str(cursor)}


class LinksNextPlan(SyncPlan):
    """A listing that names its next page in ``links.next`` (DataCite, Zenodo)."""

    def items(self, data: Mapping[str, Any]) -> object:
        """The records of a page (an empty page ends the listing)."""
        return data.get("data")

    def next(self, page: Response, asked: Request) -> Request | None:
        data = page.data if isinstance(page.data, dict) else {}
        links = data.get("links")
        following = links.get("next") if isinstance(links, dict) else None
        if not following or not self.items(data):
            return None
        return str(following), {}


class DatacitePlan(LinksNextPlan):
    """``/dois?query=updated:[D TO D]`` with cursor paging; ``prefix=`` for a prefix."""

    def first(self, api: str, scope: SyncScope, start: datetime, until: datetime, rows: int) -> Request:
        refuse("datacite", scope, {"--prefix", "--funder", "--doi"})
        if len(scope.prefixes) > 1:
            raise UnsupportedRequestError("datacite", "--prefix", "DataCite takes one prefix per sync")
        clauses = [f"updated:[{_day(start)} TO {_day(until)}]"]
        if scope.funders:
            clauses.append(f"fundingReferences.funderIdentifier:({_quoted(scope.funders)})")
        if scope.dois:
            clauses.append(f"doi:({_quoted(tuple(d.lower() for d in scope.dois))})")
        params: dict[str, str | int] = {"query": " AND ".join(clauses), "page[size]": rows, "page[cursor]": 1}
        if scope.prefixes:
            params["prefix"] = scope.prefixes[0]
        return f"{api}/dois", params


class ZenodoPlan(LinksNextPlan):
    """``/api/records?q=updated:[D TO D]``, ``communities=`` for a community."""

    def items(self, data: Mapping[str, Any]) -> object:
        hits = data.get("hits")
        return hits.get("hits") if isinstance(hits, dict) else None

    def first(self, api: str, scope: SyncScope, start: datetime, until: datetime, rows: int) -> Request:
        refuse("zenodo", scope, {"--community", "--doi"})
        query = f"updated:[{_day(start)} TO {_day(until)}]"
        if scope.dois:
            query += f" AND doi:({_quoted(scope.dois)})"
        params: dict[str, str | int] = {"q": query, "size": min(rows, 25)}
        if scope.community:
            params["communities"] = scope.community
        return f"{api}/api/records", params


#: the sources ``kg sync`` asks for a window of changes, by name
PLANS: dict[str, SyncPlan] = {"crossref": CrossrefPlan(), "datacite": DatacitePlan(), "zenodo": ZenodoPlan()}
#: every source ``kg sync`` brings up to date: by change windows (PLANS), PDBe by its weekly release
#: lists, ROR and OpenCitations by their dump versions
SOURCES = (*PLANS, "pdbe", *DUMPS)


def sync(store: Store, source: str, config: HttpConfig, *, scope: SyncScope | None = None,
         since: datetime | None = None, now: datetime | None = None, api: str | None = None,
         lists: str | None = None, rows: int = 100, max_pages: int | None = None, strict: bool = False,
         on_problem: Callable[[Problem], None] | None = None, writes: WriteGuard | None = None) -> SyncReport:
    """Sync ``source`` (within ``scope``) from its watermark to ``now``, or go on with the window
    an earlier run left unfinished. The first sync of a source and scope starts at ``since``.
    PDBe goes by its weekly release lists, found at ``lists`` (:mod:`loaders.pdbe_sync`); ROR and
    OpenCitations by their dumps' versions, ``api`` naming the version record (:mod:`loaders.dump_sync`).

    ``writes``: entered around each page's writes (a service's write access: kg serve --sync-every).

    :raises UnsupportedRequestError: a source ``kg sync`` does not know, or a scope it cannot ask.
    :raises ConfigError: the first sync, without ``since``.
    """
    if source in DUMPS:
        return sync_dump(store, source, config, scope=scope, record=api, max_pages=max_pages, strict=strict,
                         on_problem=on_problem, writes=writes)
    if source == "pdbe":
        return sync_pdbe(store, config, scope=scope, since=since, now=now, api=api, lists=lists,
                         max_pages=max_pages, strict=strict, on_problem=on_problem, writes=writes)
    if source not in PLANS:
        raise UnsupportedRequestError(source, "sync", f"kg sync knows {', '.join(sorted(SOURCES))}")
    plan, loader, scope = PLANS[source], get_loader(source), scope or SyncScope()
    base = (api or loader.api).rstrip("/")
    state = read_state(store, source, scope.key)
    resumed = state.in_progress
    if not resumed:
        start = state.watermark or since
        if start is None:
            raise ConfigError("--since", f"is needed for the first sync of {source}"
                                         f"{' (' + scope.key + ')' if scope.key else ''}: the date to fetch "
                                         "changes from, e.g. the date of the data you loaded")
        state.window_from, state.window_until = start, now or datetime.now(UTC)
        state.records = state.requests = 0
        state.cursor = None
    window_from, window_until = state.window_from or datetime.now(UTC), state.window_until or datetime.now(UTC)
    report = SyncReport(source, scope.key, window_from, window_until, resumed=resumed)
    first = plan.first(base, scope, window_from, window_until, rows)
    request: Request | None = _decode(state.cursor) if state.cursor else first
    guard = writes or nullcontext
    with guard():
        save_state(store, _with_cursor(state, request))
    asked: set[str] = set()
    with HttpClient(source, config, min_interval=loader.min_interval, mailto_param=source == "crossref") as client:
        while request is not None:
            if max_pages is not None and report.requests >= max_pages:
                return report
            key = json.dumps([request[0], sorted((k, str(v)) for k, v in request[1].items())])
            if key in asked:
                fail(report, on_problem, FetchError(request[0], "the listing gives a page it gave already"))
                return report
            asked.add(key)
            try:
                page = client.get_json(request[0], request[1] or None)
            except FetchError as e:
                if report.requests == 0 and request != first:
                    # the stored cursor has expired (Crossref's last five minutes): the window again
                    # from its start; what is stored already is skipped by its content hash
                    request = first
                    asked.clear()
                    continue
                fail(report, on_problem, e)
                return report
            report.requests += 1
            with guard():
                part = load(store, records_of(page.data, page.url, page.retrieved_at, page.url, ""),
                            strict=strict, on_problem=on_problem)
                report.load.extend(part)
                if part.failure:
                    return report
                request = plan.next(page, request)
                state.records += part.loaded + part.unchanged
                state.requests += 1
                save_state(store, _with_cursor(state, request))
    state.watermark, state.last_sync = window_until, datetime.now(UTC)
    state.window_from = state.window_until = state.cursor = None
    with guard():
        save_state(store, state)
    report.complete = True
    return report


def _with_cursor(state: SyncState, request: Request | None) -> SyncState:
    state.cursor = None if request is None else json.dumps({"url": request[0], "params": request[1]},
                                                           sort_keys=True)
    return state


def _decode(cursor: str) -> Request:
    data = json.loads(cursor)
    return str(data["url"]), {str(k): v for k, v in dict(data.get("params") or {}).items()}


def every(run: Callable[[], object], interval_s: float, *, jitter: float = 0.1, rounds: int | None = None,
          sleep: Callable[[float], None] = time.sleep) -> int:
    """Call ``run`` every ``interval_s`` seconds, each wait longer or shorter by up to ``jitter`` of
    it (so that many graphs syncing hourly do not all ask at the top of the hour), ``rounds`` times
    or for ever; returns the rounds run.

    >>> waits = []
    >>> every(lambda: None, 3600, rounds=3, sleep=waits.append, jitter=0.0)
    3
    >>> waits
    [3600.0, 3600.0]
    """
    done = 0
    while rounds is None or done < rounds:
        run()
        done += 1
        if rounds is None or done < rounds:
            sleep(max(0.0, interval_s * (1 + random.uniform(-jitter, jitter))))
    return done


__all__ = ["PLANS", "SOURCES", "SyncReport", "SyncScope", "every", "sync"]
