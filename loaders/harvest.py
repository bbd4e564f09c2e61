"""Harvesting: fetch -> raw responses (cached on disk) -> records -> the load pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from kg.errors import FetchError, KgError
from kg.store import Store
from loaders.base import HarvestRequest, Loader, Problem, RawRecord
from loaders.http import HttpClient, HttpConfig, Response
from loaders.pipeline import LoadReport, load
from loaders.read import records_of


def harvest(store: Store, loader: type[Loader], config: HttpConfig, request: HarvestRequest, *,
            strict: bool = False, progress: Callable[[int], None] | None = None,
            on_problem: Callable[[Problem], None] | None = None) -> LoadReport:
    """Fetch what ``request`` names from ``loader``'s API and load it.

    A failed request becomes a problem in the report (naming the URL and the reason); what was
    fetched before it is loaded, and the other identifiers of the request are still fetched.
    """
    with HttpClient(loader.name, config, min_interval=loader.min_interval,
                    mailto_param=loader.name == "crossref") as client:
        return load(store, fetched(loader, client, request), strict=strict, progress=progress,
                    on_problem=on_problem)


def fetched(loader: type[Loader], client: HttpClient, request: HarvestRequest
            ) -> Iterator[RawRecord | Problem]:
    """The records of every response, in order; a fetch error becomes a problem."""
    size = max(1, loader.batch_size)
    parts = ([replace(request, dois=request.dois[i:i + size]) for i in range(0, len(request.dois), size)]
             if request.dois else [request])
    for part in parts:
        yield from _records(loader.fetch(client, part))


def _records(responses: Iterator[Response]) -> Iterator[RawRecord | Problem]:
    """The records of each response; a failed request ends these responses (a listing stops
    there) as one problem, and what came before it is loaded."""
    pages = 0
    try:
        for response in responses:
            pages += 1
            yield from records_of(response.data, response.url, response.retrieved_at, response.url, "")
    except FetchError as e:
        after = f" (after {pages} response{'s' if pages != 1 else ''}, whose records are loaded)" if pages else ""
        yield Problem("error", f"{e}{after}", e.url)
    except KgError as e:  # e.g. an identifier of the request the source cannot look up
        yield Problem("error", str(e))
