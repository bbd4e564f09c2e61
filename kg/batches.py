"""Batch fetches: what the store says about many works, agents or record graphs at once, each
fetch one catalogue query (``queries/gql_*.rq``, the keys bound as a list) whatever the number of
keys. Every fetch returns one result per key, in the order of the keys (an empty record for a key
the graph does not describe), which is what a DataLoader needs: the GraphQL API's DataLoaders
(:mod:`kg.web.graphql.dataloaders`) call these, and so may anyone through
:attr:`kg.graph.KnowledgeGraph.records`.

>>> from kg.store import Store
>>> work_records(Store.open(None), ["https://doi.org/10.1/x"])
[WorkRecord(iri='https://doi.org/10.1/x', props={}, labels={})]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Literal as Lit

from pyoxigraph import Literal, NamedNode

from kg import metrics, tracing, works
from kg.queries import load_query
from kg.store import Store, Term
from kg.store.limits import select_chunked
from kg.vocab import CITO, SCHEMA, preferred_name, relations
from kg.works import WorkSummary


class Record:
    """What every record shares: its fields as plain data."""

    def as_dict(self) -> dict[str, object]:
        """The record's fields as JSON-ready data (tuples stay tuples)."""
        found: dict[str, object] = asdict(self)  # type: ignore[call-overload]
        return found


@dataclass(frozen=True)
class WorkRecord(Record):
    """What the store says about one work: property IRI -> values (sorted), and the names of the
    nodes among the values (publisher, facility, instrument)."""

    iri: str
    props: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def values(self, prop: NamedNode) -> tuple[str, ...]:
        return self.props.get(prop.value, ())

    def first(self, prop: NamedNode) -> str | None:
        found = self.values(prop)
        return found[0] if found else None


@dataclass(frozen=True)
class CreatorRecord(Record):
    """One place in a work's author or creator list."""

    agent: str
    position: int | None
    #: the name as printed in the work, else the agent's own name
    name: str | None
    given: str | None
    family: str | None
    #: "Person", "Organization" or None
    kind: str | None
    #: (IRI, name) of each affiliation
    affiliations: tuple[tuple[str, str | None], ...] = ()
    #: the role's property, by its local name: "author", "creator", "editor", "contributor"
    role: str = ""


@dataclass(frozen=True)
class FundingRecord(Record):
    funder: str | None
    funder_name: str | None
    grant: str | None = None
    award: str | None = None
    award_title: str | None = None


@dataclass(frozen=True)
class LinkRecord(Record):
    """A typed link between the work and ``other``, with every record graph stating it."""

    relation: str
    direction: Lit["out", "in"]
    other: str
    graphs: tuple[str, ...]


@dataclass(frozen=True)
class ProvenanceRecord(Record):
    graph: str
    source: str | None = None
    retrieved: str | None = None
    derived_from: str | None = None


@dataclass(frozen=True)
class AgentRecord(Record):
    iri: str
    props: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the name shown of its names (:func:`kg.works.names`: its own record's, else the most records')
    name: str | None = None

    def first(self, prop: NamedNode) -> str | None:
        found = self.props.get(prop.value, ())
        return found[0] if found else None


@dataclass(frozen=True)
class MetricsRecord(Record):
    """Citations of a work alone and rolled up over all versions of its concept, its usage, and the
    citation and reference counts its sources reported (``source_counts``, each with its ``metric``)."""

    item: str
    versions: tuple[str, ...]
    #: citing work IRI -> year ("unknown" without a date)
    citing: dict[str, str]
    all_versions_citing: dict[str, str]
    usage: tuple[metrics.UsageFigures, ...]
    source_counts: tuple[metrics.SourceCount, ...]


def _rows(store: Store, name: str, bindings: dict[str, Term | list[Term]]) -> list[dict[str, str]]:
    result = select_chunked(store, load_query(name).text, bindings)
    return [{k: str(getattr(t, "value", t)) for k, t in row.items()} for row in result.dicts()]


def _nodes(keys: Sequence[str]) -> list[Term]:
    return [NamedNode(k) for k in keys]


def work_records(store: Store, keys: Sequence[str]) -> list[WorkRecord]:
    props: dict[str, dict[str, set[str]]] = {k: defaultdict(set) for k in keys}
    labels: dict[str, dict[str, str]] = {k: {} for k in keys}
    for row in _rows(store, "gql_work_fields", {"work": _nodes(keys)}):
        props[row["work"]][row["p"]].add(row["value"])
        if "label" in row:
            labels[row["work"]].setdefault(row["value"], row["label"])
    return [WorkRecord(k, {p: tuple(sorted(v)) for p, v in props[k].items()}, labels[k]) for k in keys]


def creator_records(store: Store, keys: Sequence[str], *, contributors: bool = False) -> list[list[CreatorRecord]]:
    """Each work's authors and creators (or, with ``contributors``, its editors and other contributors) in
    list order."""
    roles: list[Term] = [SCHEMA.editor, SCHEMA.contributor] if contributors else [SCHEMA.author, SCHEMA.creator]
    rows: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in _rows(store, "gql_creators", {"work": _nodes(keys), "property": roles}):
        rows[row["work"], row["role"]].append(row)
    found: dict[str, list[CreatorRecord]] = {k: [] for k in keys}
    for (work, _role), group in sorted(rows.items()):
        first = group[0]
        affiliations = sorted({(r["affiliation"], r.get("affiliationName")) for r in group if "affiliation" in r},
                              key=lambda a: a[0])
        kind = first.get("agentClass", "").rsplit("/", 1)[-1] or None
        position = first.get("position")
        found[work].append(CreatorRecord(
            first["agent"], int(position) if position and position.isdigit() else None,
            first.get("printed") or first.get("agentName"), first.get("given"), first.get("family"), kind,
            tuple(affiliations), first.get("property", "").rsplit("/", 1)[-1]))
    # places of one agent stated by two sources (DataCite and Zenodo) are one creator
    result = []
    for k in keys:
        places = sorted(found[k], key=lambda c: (c.position is None, c.position or 0, c.agent))
        kept: dict[str, CreatorRecord] = {}
        for c in places:
            kept.setdefault(c.agent, c)
        result.append(list(kept.values()))
    return result


def funding_records(store: Store, keys: Sequence[str]) -> list[list[FundingRecord]]:
    found: dict[str, list[FundingRecord]] = {k: [] for k in keys}
    for row in _rows(store, "gql_funding", {"work": _nodes(keys)}):
        found[row["work"]].append(FundingRecord(row.get("funder"), row.get("funderName"), row.get("grant"),
                                                row.get("award"), row.get("awardTitle")))
    result = []
    for k in keys:
        granted = {f.funder for f in found[k] if f.grant}
        kept: dict[tuple[str | None, ...], FundingRecord] = {}
        named: dict[tuple[str | None, ...], list[str]] = {}
        for f in found[k]:
            if f.grant or f.funder not in granted:
                key = (f.funder, f.award, f.award_title)
                kept.setdefault(key, f)
                named.setdefault(key, []).extend([f.funder_name] if f.funder_name else [])
        # two records of the work naming its funder differently: one name, whatever order the engine answered in
        result.append([replace(kept[key], funder_name=preferred_name(named[key]))
                       for key in sorted(kept, key=lambda t: tuple(x or "" for x in t))])
    return result


def link_records(store: Store, keys: Sequence[str]) -> list[list[LinkRecord]]:
    rels: list[Term] = [r.iri for r in relations()]
    rels.append(CITO.cites)
    graphs: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for row in _rows(store, "gql_links", {"work": _nodes(keys), "relation": rels}):
        graphs[row["work"], row["relation"], row["direction"], row["other"]].add(row["g"])
    found: dict[str, list[LinkRecord]] = {k: [] for k in keys}
    for (work, relation, direction, other), gs in sorted(graphs.items()):
        if other != work:
            found[work].append(LinkRecord(relation, "out" if direction == "out" else "in", other,
                                          tuple(sorted(gs))))
    return [found[k] for k in keys]


#: how kg knows a work's registration agency, the surest first (``gql_registration_agencies``)
AGENCY_EVIDENCE = ("doi", "record", "prefix")


def registration_agencies(store: Store, keys: Sequence[str]) -> list[str | None]:
    found: dict[str, dict[str, str]] = {k: {} for k in keys}
    for row in _rows(store, "gql_registration_agencies", {"work": _nodes(keys)}):
        found[row["work"]].setdefault(row["how"], row["agency"])
    return [next((found[k][how] for how in AGENCY_EVIDENCE if how in found[k]), None) for k in keys]


def provenance_records(store: Store, keys: Sequence[str]) -> list[ProvenanceRecord]:
    found = {row["g"]: ProvenanceRecord(row["g"], row.get("source"), row.get("retrieved"), row.get("derivedFrom"))
             for row in _rows(store, "gql_provenance", {"g": _nodes(keys)})}
    return [found.get(k, ProvenanceRecord(k)) for k in keys]


def agent_records(store: Store, keys: Sequence[str]) -> list[AgentRecord]:
    props: dict[str, dict[str, set[str]]] = {k: defaultdict(set) for k in keys}
    for row in _rows(store, "gql_agent_fields", {"agent": _nodes(keys)}):
        props[row["agent"]][row["p"]].add(row["value"])
    named = [k for k in keys if props[k].get(SCHEMA.name.value)]
    shown = works.names(store, named) if named else {}
    return [AgentRecord(k, {p: tuple(sorted(v)) for p, v in props[k].items()}, shown.get(k)) for k in keys]


def metrics_records(store: Store, keys: Sequence[str]) -> list[MetricsRecord]:
    """Four queries for any number of works: version scopes, citing works, usage, source counts."""
    scopes = metrics.version_scopes(store, [NamedNode(k) for k in keys])
    every = sorted({n for scope in scopes.values() for n in scope})
    cited = metrics.citing_works(store, every)
    use = metrics.usage(store, every)
    counts = metrics.reported_counts(store, every)
    result = []
    for k in keys:
        scope = scopes[k]
        rolled = {c.iri: c.year for n in scope for c in cited.get(n, {}).values()}
        result.append(MetricsRecord(k, scope, {c.iri: c.year for c in cited.get(k, {}).values()}, rolled,
                                    tuple(u for u in use if u.work in scope),
                                    tuple(s for s in counts if s.work in scope)))
    return result


def claim_records(store: Store, keys: Sequence[str]) -> list[list[tracing.ClaimSummary]]:
    """The claims stored about each work (issue #6), in one query."""
    found = tracing.claims_about(store, keys)
    return [found.get(k, []) for k in keys]


def name_records(store: Store, keys: Sequence[str]) -> list[WorkSummary]:
    """Each work's summary, for its display name (one query, a second for works without a title)."""
    found = works.summaries(store, [NamedNode(k) for k in keys])
    return [found[k] for k in keys]


def agent_works(store: Store, agent: str, *, funded: bool = False) -> list[str]:
    """The works an agent is author, creator, affiliation, publisher or funder of, in IRI order; with
    ``funded``, the works funded by it (naming it as funder, or with a grant from it) under any of
    the funder's identities (``funder_identities``: its ROR ID and Funder ID are one funder), the
    outputs :func:`kg.metrics.funder_metrics` counts.

    >>> agent_works(Store.open(None), "https://ror.org/000000000")
    []
    """
    if not funded:
        rows = store.select(load_query("gql_agent_works").text, {"agent": NamedNode(agent)}).values()
        return sorted({row[0] for row in rows if row[0] is not None})
    same = {r for (r,) in store.select(load_query("funder_identities").text, {"funder": NamedNode(agent)}).values()
            if r is not None}
    found: set[str] = set()
    for funder in [agent, *sorted(same - {agent})]:
        found.update(row[0] for row in store.select(load_query("metrics_funder_outputs").text,
                                                    {"funder": NamedNode(funder)}).values() if row[0] is not None)
    return sorted(found)


def people_named(store: Store, words: Sequence[str]) -> list[str]:
    """The people whose name, given or family name contains every word (case-blind), in IRI order; every
    person when no word is given (one ``gql_people_search`` query per word).

    >>> people_named(Store.open(None), ["smith"])
    []
    """
    found: set[str] | None = None
    asked: list[str | None] = [w.lower() for w in words] or [None]
    for word in asked:
        bindings: dict[str, Term | list[Term]] = {} if word is None else {"text": Literal(word)}
        rows = {row[0] for row in store.select(load_query("gql_people_search").text, bindings).values()
                if row[0] is not None}
        found = rows if found is None else found & rows
    return sorted(found or ())


class RecordFetches:
    """The batch fetches over one store (``g.records``): each takes IRIs and returns one result per
    IRI, in their order.

    >>> RecordFetches(Store.open(None)).works(["https://doi.org/10.1/x"])[0].props
    {}
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def works(self, iris: Sequence[str]) -> list[WorkRecord]:
        """Every property of each work (``gql_work_fields``), with the names of the nodes among the values."""
        return work_records(self._store, iris)

    def creators(self, iris: Sequence[str]) -> list[list[CreatorRecord]]:
        """Each work's authors or creators in list order (``gql_creators``)."""
        return creator_records(self._store, iris)

    def contributors(self, iris: Sequence[str]) -> list[list[CreatorRecord]]:
        """Each work's contributors in list order (``gql_creators``)."""
        return creator_records(self._store, iris, contributors=True)

    def funding(self, iris: Sequence[str]) -> list[list[FundingRecord]]:
        """Each work's funders and grants (``gql_funding``)."""
        return funding_records(self._store, iris)

    def links(self, iris: Sequence[str]) -> list[list[LinkRecord]]:
        """Each work's typed links in and out, with the graphs stating them (``gql_links``)."""
        return link_records(self._store, iris)

    def provenance(self, graphs: Sequence[str]) -> list[ProvenanceRecord]:
        """Source, retrieval time and origin of each record graph (``gql_provenance``)."""
        return provenance_records(self._store, graphs)

    def agencies(self, iris: Sequence[str]) -> list[str | None]:
        """Each work's DOI registration agency as kg knows it (``gql_registration_agencies``): its DOI's own
        lookup, else a record of it from Crossref's or DataCite's API, else its DOI prefix's lookup; None
        when kg knows none."""
        return registration_agencies(self._store, iris)

    def agents(self, iris: Sequence[str]) -> list[AgentRecord]:
        """Every property of each person or organisation (``gql_agent_fields``)."""
        return agent_records(self._store, iris)

    def metrics(self, iris: Sequence[str]) -> list[MetricsRecord]:
        """Each work's citations alone and over all versions, usage and the sources' counts."""
        return metrics_records(self._store, iris)

    def claims(self, iris: Sequence[str]) -> list[list[tracing.ClaimSummary]]:
        """The claims stored about each work."""
        return claim_records(self._store, iris)

    def people(self, words: Sequence[str]) -> list[str]:
        """The people whose names hold every word, by IRI (a search, not one result per key: ``gql_people_search``)."""
        return people_named(self._store, words)

    def names(self, iris: Sequence[str]) -> list[WorkSummary]:
        """Each work's summary with its display name (``work_summaries``, ``cited_as_names``)."""
        return name_records(self._store, iris)
