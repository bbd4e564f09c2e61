"""On-demand resolution: an identifier the graph does not describe is fetched through the loaders,
and a page is fetched to be traced (:func:`fetch_page`).

The same fetch -> map -> store path as ``kg harvest`` (:func:`loaders.harvest.harvest`): a DOI
from Crossref, then DataCite; a PDB entry (or its DOI) from PDBe; a Zenodo record from Zenodo;
an arXiv ID as its DataCite DOI ``10.48550/arXiv.{id}``; an archive's accession (EMPIAR, GEO, ...)
never (no loader reads those archives: see :func:`unfetchable`). Then one hop: the works the fetched
work relies on or cites that no record describes yet are fetched the same way (at most
:data:`MAX_LINK_FETCHES`), so that its evidence chain reaches further than the work itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg import ids
from kg.chains import evidence_chain
from kg.errors import KgError
from kg.queries import load_query
from kg.store import Store
from kg.store.limits import select_chunked
from kg.tracing.claims import MAX_INPUT_CHARS
from kg.tracing.mentions import Mention
from kg.works import summaries
from loaders import get_loader
from loaders.base import HarvestRequest
from loaders.harvest import harvest
from loaders.http import HttpConfig, get_page

#: the most linked works fetched after one work, per work
MAX_LINK_FETCHES = 20


class ResolutionError(KgError, LookupError):
    """An identifier that could not be fetched: says which and why, source by source.

    >>> str(ResolutionError("doi", "10.1/x", ["crossref: HTTP 404", "datacite: HTTP 404"]))
    'cannot fetch DOI 10.1/x: crossref: HTTP 404; datacite: HTTP 404'
    """

    def __init__(self, kind: str, value: str, reasons: list[str]) -> None:
        self.kind = kind
        self.value = value
        self.reasons = reasons
        names = {"doi": "DOI", "pdb": "PDB entry", "zenodo": "Zenodo record", "arxiv": "arXiv ID",
                 **{k: f"{a.name} accession" for k, a in ids.ARCHIVES.items()}}
        super().__init__(f"cannot fetch {names.get(kind, kind)} {value}: {'; '.join(reasons) or 'nothing found'}")


@dataclass(frozen=True)
class Resolver:
    """How to reach the sources: the shared HTTP settings and, per source, a base URL override."""

    config: HttpConfig
    #: source name -> base URL, for a mirror or a test server; the public API otherwise
    apis: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, http: HttpConfig | None, apis: Mapping[str, str] | None) -> Resolver:
        return cls(http or HttpConfig.from_env(), dict(apis or {}))

    def load(self, store: Store, source: str, identifier: str) -> list[str]:
        """Fetch one identifier from one source into the store; the problems met (none: loaded)."""
        loader = get_loader(source)
        report = harvest(store, loader, self.config, HarvestRequest(dois=[identifier], api=self.apis.get(source)))
        if report.loaded + report.unchanged and not report.errors:
            return []
        return [f"{source}: {p.message}" for p in report.errors] or [f"{source}: no record"]


def fetch_mention(store: Store, resolver: Resolver, mention: Mention, notes: list[str]) -> str:
    """Fetch the work a mention names, then one hop of its links; the work's IRI.

    :param notes: problems fetching linked works are appended here (the work itself is still resolved)
    :raises ResolutionError: the work could not be fetched from any of its sources
    """
    if mention.kind == "zenodo":
        problems = resolver.load(store, "zenodo", mention.value)
        pages = [NamedNode(iri) for iri in ids.zenodo_record_pages(mention.value)]
        rows = store.select(load_query("trace_works_by_identifier").text, {"value": pages}).values()
        work = next((w for w, _ in rows if w), None)
    elif mention.kind == "arxiv":
        work, problems = fetch_doi(store, resolver, ids.arxiv_doi(mention.value))
    elif mention.kind in ("doi", "pdb"):
        work, problems = fetch_doi(store, resolver, mention.iri or mention.value)
    elif mention.kind in ids.ARCHIVES:
        raise ResolutionError(mention.kind, mention.value, [unfetchable(mention.kind)])
    else:
        raise ResolutionError(mention.kind, mention.value, ["no loader fetches this kind of identifier"])
    if work is None:
        raise ResolutionError(mention.kind, mention.value, problems)
    notes.extend(fetch_links(store, resolver, work))
    return work


def unfetchable(kind: str) -> str:
    """Why an archive's accession the graph does not hold stays unresolved: kg has no loader for the archive.

    >>> unfetchable("empiar")
    'no loader fetches EMPIAR records; load a record that links to it'
    """
    return f"no loader fetches {ids.ARCHIVES[kind].name} records; load a record that links to it"


def fetch_doi(store: Store, resolver: Resolver, doi: str) -> tuple[str | None, list[str]]:
    """Fetch a DOI (a PDB entry's from PDBe; others from Crossref, then DataCite): its IRI once a source
    had its record, else None and the problems met at each source."""
    iri = ids.doi_iri(doi)
    pdb = ids.pdb_id_from_doi(iri.removeprefix(ids.DOI_BASE))
    problems: list[str] = []
    for source in (["pdbe"] if pdb else ["crossref", "datacite"]):
        met = resolver.load(store, source, pdb or ids.normalize_doi(doi))
        if not met and _described(store, iri):
            return iri, []
        problems += met
    return None, problems


def fetch_links(store: Store, resolver: Resolver, work: str) -> list[str]:
    """Fetch the works ``work`` relies on or cites that have no record of their own; the problems met."""
    chain = evidence_chain(store, NamedNode(work), max_depth=1)
    targets = list(dict.fromkeys(h.to for h in chain.hops))
    recorded = {w for (w,) in select_chunked(store, load_query("trace_records_about").text,
                                           {"work": [NamedNode(t) for t in targets]}).values()} if targets else set()
    missing = [t for t in targets if t not in recorded and t.startswith(ids.DOI_BASE)]
    problems: list[str] = []
    for target in missing[:MAX_LINK_FETCHES]:
        found, met = fetch_doi(store, resolver, target)
        if found is None:
            problems.append(f"linked work {target} not fetched: {'; '.join(met)}")
    if len(missing) > MAX_LINK_FETCHES:
        problems.append(f"{len(missing) - MAX_LINK_FETCHES} more linked works of {work} left unfetched")
    return problems


def fetch_page(url: str, config: HttpConfig | None = None, *, max_chars: int = MAX_INPUT_CHARS,
               public_only: bool = False) -> str:
    """The text or HTML of the web page at ``url``, to trace: at most ``max_chars`` characters (the most
    a trace reads) through :func:`loaders.http.get_page`.

    :param config: the HTTP settings (default: from the environment)
    :param public_only: refuse hosts off the public internet, also on each redirect (a service)
    :raises FetchError: the page cannot be fetched, is not text, is too long, or is not public

    >>> fetch_page("file:///etc/passwd", public_only=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.FetchError: fetching file:///etc/passwd failed: only http(s) URLs with a host name are fetched
    """
    return get_page(url, config or HttpConfig.from_env(), max_chars=max_chars, public_only=public_only)


def _described(store: Store, iri: str) -> bool:
    s = summaries(store, [NamedNode(iri)])[iri]
    return s.kind is not None or s.title is not None
