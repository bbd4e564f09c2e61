"""Enrichment: fetch the records of works the graph only points to.

A reference list names hundreds of works kg holds no record of; each is a bare DOI node, known
only as cited. :func:`enrich` asks the catalogue for those works (``enrich_candidates``), routes
each DOI to the source that registered it, and fetches the records in batches through the one
HTTP client (polite, retried, cached), then loads them like any harvest:

- a PDB entry's DOI (``10.2210/pdb…``) goes to PDBe, by its PDB ID, up to 100 a request;
- a DOI whose agency is known (a ``doi-ra`` record of the DOI or its prefix) goes to Crossref or
  DataCite, 50 a request (Crossref ``filter=doi:a,doi:b``, DataCite ``query=doi:("a" OR "b")``);
  other agencies (mEDRA, JaLC, ...) have no loader and are reported, not asked;
- an unknown agency: Crossref first, then DataCite for what Crossref did not have.

A budget of requests bounds a run; what is left is counted, and the next run picks it up (the
store knows what is loaded). DOIs that no source had are written to ``enrich-missing.json`` in the
HTTP cache directory, when there is one, and not asked again (delete the file to retry them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from kg import ids
from kg.errors import FetchError
from kg.queries import load_query
from kg.store import Store
from loaders.base import HarvestRequest, Loader, Problem
from loaders.crossref import CrossrefLoader
from loaders.datacite import DataciteLoader
from loaders.http import HttpClient, HttpConfig, Response
from loaders.pdbe import PdbeLoader
from loaders.pipeline import LoadReport, load
from loaders.read import records_of

#: DOIs one Crossref or DataCite request asks for
BATCH = 50
#: the sources, in the order an unknown agency is tried
AGENCIES: dict[str, type[CrossrefLoader] | type[DataciteLoader]] = {"crossref": CrossrefLoader,
                                                                      "datacite": DataciteLoader}
MISSING_FILE = "enrich-missing.json"
#: asks one source for a batch of DOIs: the responses
Ask = Callable[[HttpClient, list[str]], list[Response]]


@dataclass
class EnrichReport:
    """What one enrichment run did."""

    #: linked works without a record, when the run started (at most the run's limit)
    candidates: int = 0
    #: requests sent (or answered from the cache)
    requests: int = 0
    #: works that have a record now, by the source that gave it
    found: dict[str, int] = field(default_factory=dict)
    #: DOIs no source asked had
    missing: list[str] = field(default_factory=list)
    #: DOIs registered by an agency kg has no loader for, by agency
    unsupported: dict[str, int] = field(default_factory=dict)
    #: DOIs not asked because the budget ran out
    left: int = 0
    load: LoadReport = field(default_factory=LoadReport)

    @property
    def requests_per_work(self) -> float:
        """Requests per work found: the cost of enrichment (batching keeps it far below 1)."""
        found = sum(self.found.values())
        return self.requests / found if found else float(self.requests)


def candidates(store: Store, limit: int) -> list[tuple[str, str | None]]:
    """Linked works without a record: (DOI, registration agency or None), at most ``limit``."""
    rows = store.select(load_query("enrich_candidates").text + f"\nLIMIT {int(limit)}").values()
    prefixes = {p: a for p, a in store.select(load_query("doi_prefix_agencies").text).values() if p and a}
    found: dict[str, str | None] = {}
    for work, agency in rows:
        doi = ids.doi_from_iri(work) if work else None
        if doi and doi not in found:
            found[doi] = agency or prefixes.get(ids.doi_prefix(doi))
    return list(found.items())


def enrich(store: Store, config: HttpConfig, *, max_requests: int = 100, limit: int = 10_000,
           apis: dict[str, str] | None = None, on_problem: Callable[[Problem], None] | None = None) -> EnrichReport:
    """Fetch and load the records of linked works that have none, within ``max_requests``.

    :param apis: a source's API base URL by source name (a mirror, a test server)
    """
    apis = apis or {}
    report = EnrichReport()
    wanted = candidates(store, limit)
    report.candidates = len(wanted)
    missing_path = config.cache_dir / MISSING_FILE if config.cache_dir else None
    known_missing = set(_read_missing(missing_path))
    queues: dict[str, list[str]] = {"pdbe": [], "crossref": [], "datacite": [], "unknown": []}
    for doi, agency in wanted:
        if doi in known_missing:
            continue
        if ids.pdb_id_from_doi(doi):
            queues["pdbe"].append(doi)
        elif agency is None:
            queues["unknown"].append(doi)
        elif agency.lower() in AGENCIES:
            queues[agency.lower()].append(doi)
        else:
            report.unsupported[agency] = report.unsupported.get(agency, 0) + 1

    def run(loader: type[Loader], dois: list[str], size: int, ask: Ask) -> list[str]:
        """Ask ``loader`` for ``dois`` in batches; the DOIs still without a record afterwards."""
        if not dois:
            return []
        batches = [dois[i:i + size] for i in range(0, len(dois), size)]
        unanswered: list[str] = []
        with HttpClient(loader.name, config, min_interval=loader.min_interval,
                        mailto_param=loader.name == "crossref") as client:
            for batch in batches:
                if report.requests >= max_requests:
                    report.left += len(batch)
                    continue
                try:
                    responses = ask(client, batch)
                except FetchError as e:
                    _problem(report, Problem("error", str(e), e.url), on_problem)
                    unanswered += batch
                    continue
                report.requests += len(responses)
                records = (item for r in responses for item in records_of(r.data, r.url, r.retrieved_at, r.url, ""))
                report.load.extend(load(store, records, on_problem=on_problem))
                have = _with_records(store, batch)
                report.found[loader.name] = report.found.get(loader.name, 0) + len(have)
                unanswered += [d for d in batch if d not in have]
        return unanswered

    def pdbe_ask(client: HttpClient, batch: list[str]) -> list[Response]:
        return list(PdbeLoader.fetch(client, HarvestRequest(dois=batch, api=apis.get("pdbe"))))

    def batch_ask(loader: type[CrossrefLoader] | type[DataciteLoader]) -> Ask:
        return lambda client, batch: [loader.fetch_batch(client, batch, api=apis.get(loader.name))]

    missing = run(PdbeLoader, queues["pdbe"], PdbeLoader.batch_size, pdbe_ask)
    missing += run(CrossrefLoader, queues["crossref"], BATCH, batch_ask(CrossrefLoader))
    missing += run(DataciteLoader, queues["datacite"], BATCH, batch_ask(DataciteLoader))
    not_crossref = run(CrossrefLoader, queues["unknown"], BATCH, batch_ask(CrossrefLoader))
    missing += run(DataciteLoader, not_crossref, BATCH, batch_ask(DataciteLoader))
    # a DOI is missing only when every source it was sent to answered without it (not for want of budget)
    report.missing = sorted(set(missing))
    if missing_path is not None and report.missing:
        missing_path.parent.mkdir(parents=True, exist_ok=True)
        missing_path.write_text(json.dumps(sorted(known_missing | set(report.missing)), indent=0), "utf-8")
    return report


def _with_records(store: Store, dois: list[str]) -> set[str]:
    nodes = [NamedNode(ids.doi_iri(d)) for d in dois]
    rows = store.select(load_query("works_with_records").text, {"work": nodes}).values()
    return {ids.doi_from_iri(w) for (w,) in rows if w}


def _read_missing(path: Path | None) -> list[str]:
    if path is None or not path.is_file():
        return []
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [d for d in found if isinstance(d, str)] if isinstance(found, list) else []


def _problem(report: EnrichReport, problem: Problem, on_problem: Callable[[Problem], None] | None) -> None:
    report.load.add(problem)
    if on_problem is not None:
        on_problem(problem)

