"""The Python API: one object that answers every question kg answers, for notebooks, the CLI and the
web alike. Open it over an embedded store on disk, in memory, or a SPARQL endpoint:

>>> import kg
>>> with kg.open(None) as g:                      # in memory; "kg-data" or "http://host/query" too
...     report = g.load(["samples"])
...     g.work("pmid:33462295").summary.title
'The crystal structure of insulin glulisine (sample record: title paraphrased)'

Every method takes identifiers in any form :mod:`kg.ids` reads (``doi:10.1/X``,
``https://doi.org/...``, ``PDB 6GV0``, ``pmid:...``, an IRI) and returns typed results with
``as_dict()``. Errors are :class:`kg.errors.KgError` subclasses: a malformed identifier is an
:class:`~kg.errors.IdentifierError`, one the graph does not hold a :class:`~kg.errors.NotFoundError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from pyoxigraph import NamedNode, Triple

from kg import chains, citing, facts, freshness, link_packages, metrics, related, search, stats, tracing, works
from kg.answer_cache import AnswerCache
from kg.answering import Answers, MetricsQueries, key_of
from kg.batches import RecordFetches, agent_works
from kg.describe import WorkDescription, describe, work_triples
from kg.errors import NotFoundError
from kg.questions import Answer, Value, ask
from kg.store import Store
from kg.store.summary_build import quad_rows
from loaders.base import Problem
from loaders.bulkload import bulk_load as bulk_load_shards
from loaders.bulkload import loaded_quads
from loaders.enrich import EnrichReport, enrich
from loaders.http import HttpConfig
from loaders.pipeline import BATCH_SIZE, LoadReport
from loaders.pipeline import load as load_records
from loaders.read import read_paths
from loaders.sync import SyncReport, SyncScope
from loaders.sync import sync as sync_source


class KnowledgeGraph:
    """The evidence graph over one store. A context manager: leaving it closes the store.

    Constructing it does no I/O; :func:`kg.open` opens the store first. Given an ``AnswerCache``
    (:mod:`kg.answer_cache`), it answers each question (a work, summaries, names, related items, chains,
    metrics, references, search) once per revision of the store: any write to the store makes every
    answer fresh.

    >>> from kg.store import Store
    >>> with KnowledgeGraph(Store.open(None)) as g:
    ...     g.stats().quads
    0
    """

    def __init__(self, store: Store, cache: AnswerCache | None = None) -> None:
        self._store = store
        self._answers = Answers(store, cache)
        #: reuse metrics: ``g.metrics.item(id)``, ``.funder(id)``, ``.facility(id)``, ``.publisher(name)``
        self.metrics = MetricsQueries(store, cache)
        #: batch fetches of many works, agents or record graphs in one query each (what GraphQL uses)
        self.records = RecordFetches(store)

    @classmethod
    def open(cls, location: str | Path | None = None, *, cache: AnswerCache | None = None) -> KnowledgeGraph:
        """The graph in ``location``: None for memory, a directory for an embedded store on disk, an
        http(s) URL for a SPARQL 1.1 query endpoint; answers kept in ``cache`` when given."""
        return cls(Store.open(location), cache)

    @property
    def cache(self) -> AnswerCache | None:
        """Where answers are kept per store revision (None: every question is asked of the store).

        >>> from kg.answer_cache import AnswerCache
        >>> g = KnowledgeGraph(Store.open(None), AnswerCache())
        >>> _ = g.stats(); asked = g.store.query_count
        >>> _ = g.stats(); g.store.query_count == asked, g.cache.stats().hits
        (True, 1)
        """
        return self._answers.cache

    @property
    def store(self) -> Store:
        """The store underneath, for what the API does not say (writes, dumps)."""
        return self._store

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self._store!r})"

    # -- works ---------------------------------------------------------------------------------

    def resolve(self, identifier: str | NamedNode) -> NamedNode:
        """The node an identifier names; a PubMed, PMC or arXiv ID names the work carrying it.

        :raises IdentifierError: malformed input
        :raises NotFoundError: the graph has nothing about it

        >>> KnowledgeGraph.open().resolve("doi:10.1/X")
        Traceback (most recent call last):
        kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/x; load or harvest its record first
        """
        key = key_of(identifier)
        return self._answers(("resolve", key), lambda: works.resolve(self._store, key))

    def work(self, identifier: str | NamedNode) -> WorkDescription:
        """The full description of a work: summary, titles, creators, dates, identifiers, versions, typed
        links in and out, every statement with its sources, the provenance of the records, and its
        ``facts`` (venues, publishers, funders with their awards, a PDB entry's structure facts)."""
        key = key_of(identifier)
        return self._answers(("work", key), lambda: describe(self._store, key))

    def counts(self, identifier: str | NamedNode) -> facts.CountsSideBySide:
        """A work's counts side by side: the works citing it and the references listed in this graph (kg's
        counts) beside the counts its sources report (Crossref ``is-referenced-by-count`` and
        ``reference-count``, DataCite ``citationCount``, usage), each with its source and retrieval date,
        never summed.

        >>> KnowledgeGraph.open().counts("10.1/x")
        Traceback (most recent call last):
        kg.errors.NotFoundError: nothing in the graph is named https://doi.org/10.1/x; load or harvest its record first
        """
        key = key_of(identifier)
        return self._answers(("counts", key), lambda: facts.counts(self._store, key))

    def triples(self, identifier: str | NamedNode) -> list[Triple]:
        """The RDF triples describing a work (its statements and the nodes that make them readable)."""
        key = key_of(identifier)
        return self._answers(("triples", key), lambda: work_triples(self._store, key))

    def cite(self, identifier: str | NamedNode, format: str = "bibtex", style: str = "apa",
             locale: str = "en-US") -> str:
        """A work as a citation or metadata record: ``bibtex``, ``ris``, ``csl-json``, ``text`` (a formatted
        citation in the CSL ``style`` and ``locale``), ``datacite-json``, ``jsonld`` (schema.org) or, for
        datasets, ``dcat`` (Turtle); see docs/python-api.md. Written from what the graph holds, never invented.

        :raises IdentifierError: malformed input
        :raises NotFoundError: the graph has nothing about it
        :raises BadRequestError: an unknown format, style or locale; ``dcat`` of a work that is no dataset
        """
        return citing.cite(self._store, identifier, format, style, locale)

    def summaries(self, iris: Iterable[str | NamedNode]) -> dict[str, works.WorkSummary]:
        """A short summary (class, title, year, identifiers, version) of each work, by IRI, in one query.

        >>> KnowledgeGraph.open().summaries(["https://doi.org/10.1/x"])["https://doi.org/10.1/x"].title is None
        True
        """
        nodes = tuple(i if isinstance(i, NamedNode) else NamedNode(i) for i in iris)
        return self._answers(("summaries", *(n.value for n in nodes)),
                             lambda: works.summaries(self._store, list(nodes)))

    def names(self, iris: Iterable[str]) -> dict[str, str]:
        """The name of each node that has one (works, funders, facilities, people), by IRI."""
        asked = tuple(iris)
        return self._answers(("names", *asked), lambda: works.names(self._store, asked))

    def search(self, text: str, limit: int = search.SEARCH_LIMIT) -> search.SearchResult:
        """The works whose titles hold ``text`` (case-insensitive), at most ``limit``, and whether there are more."""
        return self._answers(("search", text, limit), lambda: search.search_titles(self._store, text, limit))

    def find(self, query: str | None = None, *, funder: str | None = None, type: str | None = None,
             published: str | None = None) -> list[str]:
        """The IRIs of the works matching every filter given (title words, funder, type, year), in IRI order.

        :raises BadRequestError: an unknown ``type`` (one of :data:`kg.search.TYPES`) or a ``published``
            that is no year
        """
        asked = search.WorkFilter(query, funder, type, published)
        return self._answers(("find", asked), lambda: search.find_works(self._store, asked))

    def agent_works(self, agent: str | NamedNode, *, funded: bool = False) -> list[str]:
        """The works a person or organisation is author, creator, affiliation, publisher or funder of
        (with ``funded``: the works funded by it), in IRI order."""
        return agent_works(self._store, self.resolve(agent).value, funded=funded)

    # -- analyses ------------------------------------------------------------------------------

    def chain(self, identifier: str | NamedNode, max_depth: int = 5, *, fanout: int = chains.DEFAULT_FANOUT,
              all_citations: bool = False) -> chains.Chain:
        """The evidence chain from a work down to the data, at most ``max_depth`` hops deep: its
        evidence hops first, then the 10 strongest plain citations of each work (all of them with
        ``all_citations``)."""
        key = key_of(identifier)
        return self._answers(("chain", key, max_depth, fanout, all_citations), lambda: chains.evidence_chain(
            self._store, key, max_depth, fanout=fanout, all_citations=all_citations))

    def related(self, identifier: str | NamedNode, limit: int = 20) -> list[related.RelatedItem]:
        """Works related to a work, best first, each with its score and reasons."""
        key = key_of(identifier)
        return self._answers(("related", key, limit), lambda: related.related_items(self._store, key, limit))

    def claims(self, iris: Iterable[str | NamedNode]) -> dict[str, list[tracing.ClaimSummary]]:
        """The stored claims citing each work as evidence, best match first."""
        asked = tuple(key_of(i) for i in iris)
        return self._answers(("claims", *asked), lambda: tracing.claims_about(self._store, asked))

    def trace(self, text: str, *, url: str | None = None, source_kind: str | None = None,
              published: date | None = None, html: bool | None = None, online: bool = False,
              http: HttpConfig | None = None, apis: Mapping[str, str] | None = None, store_claims: bool = True,
              max_depth: int = 5, policy: tracing.TracePolicy | None = None,
              writes: tracing.WriteAccess | None = None, now: datetime | None = None) -> tracing.TraceResult:
        """Trace the claims of ``text`` (plain text or HTML) to the works and data they rest on.

        Each claim resting on a work is stored in its own graph unless ``store_claims`` is False.
        ``online`` fetches identifiers missing from the graph from their sources (``http`` configures
        the client, ``apis`` names mirrors by source). A service passes its own ``policy`` (what a
        caller may do: :meth:`kg.tracing.TracePolicy.for_service`) instead of those switches, and its
        write access (``writes``). See :func:`kg.tracing.trace_text`.

        :raises TraceInputError: empty text, too long, or binary data (nothing is stored)
        """
        chosen = policy or tracing.TracePolicy(online=online, store_claims=store_claims, max_depth=max_depth)
        return tracing.trace_text(self._store, text, url=url, source_kind=source_kind, published=published,
                                  html=html, policy=chosen, http=http, apis=apis, writes=writes, now=now)

    def index_cues(self) -> int:
        """Build the cue index tracing matches citation cues against again from the whole store
        (``kg index-cues``); the number of works it holds. Loads keep it current: this is for a store
        changed by SPARQL Updates, a remote store written by others, or an index to check."""
        return tracing.build_cue_index(self._store)

    def index_metrics(self, *, rollups: bool = False, shards: str | Path | None = None) -> int:
        """Build the metrics summary funder and item metrics are read from again from the whole store
        (``kg index-metrics``); the number of record graphs it holds (loads keep it current). ``rollups``: only
        the funders' rollups an earlier kg kept computed again (``--rollups``); the number of funders.
        ``shards``: from the shards an empty store was bulk-loaded from instead of from the store (a
        SPARQL server's summary in minutes, not hours; :func:`loaders.bulkload.loaded_quads`)."""
        rows = quad_rows(loaded_quads(Path(shards), self._store)) if shards is not None else None
        return metrics.build_metrics_summary(self._store, rollups_only=rollups, rows=rows)

    def save_claims(self, found: tracing.TraceResult) -> tracing.TraceResult:
        """Store the claims of a trace run with ``store_claims=False`` (those resting on a work)."""
        return tracing.save_claims(self._store, found)

    def scholix_links(self, source: str | NamedNode | None = None, target: str | NamedNode | None = None, *,
                      relation: str | None = None, provider: str | None = None, page: int = 0,
                      page_size: int = link_packages.PAGE_SIZE) -> link_packages.LinksPage:
        """One page (from 0) of the links between works as Scholix link information packages, shaped like
        ScholeXplorer's ``Links`` API: from or to a work, of a relation (a Scholix name or a DataCite
        relation type), stated by a provider; each with its providers and dates from kg's provenance.
        A work the graph does not hold has no links (an empty page).

        :raises IdentifierError: a malformed identifier
        :raises BadRequestError: a negative page or an unknown relation
        """
        try:
            ends = [None if i is None else self.resolve(i) for i in (source, target)]
        except NotFoundError:
            return link_packages.LinksPage(page, 0, 0, [])
        return link_packages.links_page(self._store, source=ends[0], target=ends[1], relation=relation,
                                        provider=provider, page=page, page_size=page_size)

    def scholix_export(self) -> Iterator[dict[str, object]]:
        """Every link of the graph as a Scholix link information package (what ``kg export --format
        scholix`` writes, one per line)."""
        return link_packages.all_links(self._store)

    # -- the store -----------------------------------------------------------------------------

    def query(self, name_or_text: str, **bindings: Value | Sequence[Value]) -> Answer:
        """Run a catalogue query by name (``queries/<name>.rq``) or SPARQL text, with ``bindings``
        bound to its variables: terms, or plain strings (an http(s) string is an IRI), numbers, lists.

        >>> KnowledgeGraph.open().query("stats_quads").variables
        ('quads', 'citations', 'evidence')
        """
        return ask(self._store, name_or_text, **bindings)

    def references(self, identifier: str | NamedNode) -> list[works.Reference]:
        """A work's references in list order, as its record words them (title, author, year, venue, the
        whole text, the cited work when the reference has a DOI): named even when the cited works have
        no record of their own."""
        node = self.resolve(identifier)
        return self._answers(("references", node.value), lambda: works.references(self._store, node))

    def enrich(self, http: HttpConfig, *, max_requests: int = 100, limit: int = 10_000,
               apis: Mapping[str, str] | None = None) -> EnrichReport:
        """Fetch and load the records of linked works that have none (online: Crossref, DataCite and
        PDBe by registration agency, batched, within ``max_requests``); see docs/loading.md."""
        return enrich(self._store, http, max_requests=max_requests, limit=limit, apis=dict(apis or {}))

    def load(self, paths: Iterable[str | Path], *, strict: bool = False, batch_size: int = BATCH_SIZE) -> LoadReport:
        """Load record files (API responses, list pages, JSON Lines, .gz, dumps, directories)."""
        return load_records(self._store, read_paths([Path(p) for p in paths]), strict=strict, batch_size=batch_size)

    def bulk_load(self, shards: str | Path, *, indexes: bool = True,
                  on_problem: Callable[[Problem], None] | None = None) -> LoadReport:
        """Load the shards ``kg map`` wrote (:func:`loaders.bulkmap.map_inputs`) with the engine's own bulk
        loader, then build the cue index and the metrics summary again (unless not ``indexes``); the store
        ends as :meth:`load` of the same inputs leaves it, and the report is the same."""
        empty = not self._store.ask("ASK { GRAPH ?g { ?s ?p ?o } }")
        report = bulk_load_shards(self._store, Path(shards), on_problem=on_problem)
        if indexes:
            self.index_cues()
            # a server's summary from the shards it now holds alone (the embedded store scans its indexes)
            self.index_metrics(shards=shards if empty and self._store.summary_scan() is None else None)
        return report

    def sync(self, source: str, http: HttpConfig, *, scope: SyncScope | None = None, since: datetime | None = None,
             api: str | None = None, lists: str | None = None, max_pages: int | None = None) -> SyncReport:
        """Bring ``source`` up to date: fetch what it changed since its watermark (``since`` for the
        first sync) within ``scope``, and store it; a window left unfinished is gone on with. PDBe by
        the weekly release lists (``lists``: a mirror of them), ROR and OpenCitations by dump version
        (``api``: the version record). Hold a :class:`loaders.syncstate.SyncLock` around it when
        other syncs may run. See docs/operations.md."""
        return sync_source(self._store, source, http, scope=scope, since=since, api=api, lists=lists,
                           max_pages=max_pages)

    def freshness(self) -> freshness.Freshness:
        """Each source's last sync, watermark and lag, and the graph's as-of date (the newest watermark)."""
        return freshness.freshness(self._store)

    def stats(self) -> stats.Stats:
        """What the store holds: quads, citations, evidence edges, records per source, works per class."""
        return self._answers(("stats",), lambda: stats.store_stats(self._store))


def open(location: str | Path | None = None, *, cache: AnswerCache | None = None  # noqa: A001 (like io.open)
         ) -> KnowledgeGraph:
    """The knowledge graph in ``location``: None for memory, a directory, or a SPARQL endpoint's URL; its
    answers kept per store revision in ``cache`` when given (:mod:`kg.answer_cache`)."""
    return KnowledgeGraph.open(location, cache=cache)
