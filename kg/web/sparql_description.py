"""The SPARQL 1.1 Service Description of ``/sparql``: what it runs, the formats it reads and writes, and its
dataset, with the named graphs.

A store holds a graph per record (millions, on a big one), so the description lists at most
:data:`LISTED_GRAPHS` of them (``sd:namedGraph`` of ``sd:availableGraphs`` and of the default
dataset), says how many there are (``kg:namedGraphCount``: SD has no term for it), and where to list
them all (``rdfs:seeAlso``: a /sparql query, and the graph store at ``/store``). The figures are read
by queries under the /sparql time limit, and kept for :data:`KEPT_FOR` seconds: a client reading the
description on every request costs the store two small queries a minute, not two per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.errors import KgError
from kg.store import QueryJob, QueryRunner
from kg.vocab import RDF

__all__ = ["LISTED_GRAPHS", "GraphList", "service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDFS_SEE_ALSO = NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
GRAPH_COUNT = NamedNode("https://w3id.org/evidence-kg/ns#namedGraphCount")
#: the W3C format IRIs of what /sparql writes, and of what the graph store reads
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML", "N3")
INPUT_FORMATS = ("Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML", "N3")
#: named graphs the description lists at most
LISTED_GRAPHS = 100
#: seconds the graph figures are kept before they are read again
KEPT_FOR = 60.0
#: the query that lists every named graph (answers are capped at the service's row limit)
ALL_GRAPHS = "SELECT ?graph WHERE { GRAPH ?graph { } }"


@dataclass(frozen=True)
class GraphList:
    """The named graphs of the store the description names: the first few, and how many in all (None
    when counting them took past the time limit)."""

    graphs: tuple[str, ...]
    count: int | None


class GraphFigures:
    """The store's named graphs, read through the query runner and kept for :data:`KEPT_FOR` seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[float, GraphList] | None = None

    def read(self, runner: QueryRunner, timeout: float) -> GraphList | None:
        """The graphs, or None when the store did not answer in time (the description then lists none)."""
        with self._lock:
            if self._kept is not None and time.monotonic() - self._kept[0] < KEPT_FOR:
                return self._kept[1]
        try:
            listed = runner.run(QueryJob(f"SELECT ?g WHERE {{ GRAPH ?g {{ }} }} LIMIT {LISTED_GRAPHS}", "tsv", None,
                                         "", timeout=timeout, max_rows=LISTED_GRAPHS))
        except KgError:
            return None
        graphs = tuple(line.strip()[1:-1] for line in listed.body.decode().splitlines()[1:] if line.strip())
        count: int | None = len(graphs)
        if len(graphs) == LISTED_GRAPHS:
            try:
                counted = runner.run(QueryJob("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { } }", "csv", None, "",
                                              timeout=timeout))
                count = int(counted.body.decode().split()[1])
            except (KgError, IndexError, ValueError):
                count = None
        found = GraphList(graphs, count)
        with self._lock:
            self._kept = (time.monotonic(), found)
        return found


def service_description(endpoint_iri: str, writable: bool, federated: bool = False,
                        graphs: GraphList | None = None, graph_store: str | None = None) -> list[Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint_iri``, with its named ``graphs``.

    >>> described = service_description("http://localhost/sparql", False, graphs=GraphList(("urn:x:g",), 1))
    >>> NamedNode("urn:x:g") in {t.object for t in described}
    True
    """
    service, dataset, default, available = NamedNode(endpoint_iri), BlankNode(), BlankNode(), BlankNode()

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    languages = ["SPARQL11Query", *(["SPARQL11Update"] if writable else [])]
    described = [
        Triple(service, RDF.type, sd("Service")),
        Triple(service, sd("endpoint"), service),
        *(Triple(service, sd("supportedLanguage"), sd(lang)) for lang in languages),
        *(Triple(service, sd("resultFormat"), NamedNode(FORMATS_NS + f)) for f in RESULT_FORMATS),
        *(Triple(service, sd("inputFormat"), NamedNode(FORMATS_NS + f)) for f in INPUT_FORMATS),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *([Triple(service, sd("feature"), sd("BasicFederatedQuery"))] if federated else []),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF.type, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default),
        Triple(default, RDF.type, sd("Graph")),
        Triple(service, sd("availableGraphs"), available),
        Triple(available, RDF.type, sd("GraphCollection")),
        Triple(dataset, RDFS_SEE_ALSO, NamedNode(f"{endpoint_iri}?query={quote(ALL_GRAPHS)}")),
    ]
    if graph_store is not None:
        described.append(Triple(dataset, RDFS_SEE_ALSO, NamedNode(graph_store)))
    if graphs is None:
        return described
    if graphs.count is not None:
        described += [Triple(dataset, GRAPH_COUNT, Literal(graphs.count)),
                      Triple(available, GRAPH_COUNT, Literal(graphs.count))]
    if graphs.count is None or graphs.count > len(graphs.graphs):
        how_many = "more" if graphs.count is None else f"{graphs.count:,}"
        described.append(Triple(dataset, RDFS_COMMENT, Literal(
            f"{len(graphs.graphs)} of the {how_many} named graphs are listed here; list them all with the "
            f"query {ALL_GRAPHS} (rdfs:seeAlso), or read one with the graph store")))
    for name in graphs.graphs:
        graph = BlankNode()
        described += [Triple(dataset, sd("namedGraph"), graph), Triple(available, sd("namedGraph"), graph),
                      Triple(graph, RDF.type, sd("NamedGraph")), Triple(graph, sd("name"), NamedNode(name))]
    return described
