"""The one package that talks to the database.

Two backends answer the same interface, :class:`Store`: an embedded pyoxigraph store (on disk, or
in memory for tests; :mod:`kg.store.embedded`) and any SPARQL 1.1 server (:mod:`kg.store.remote`).
What differs between them is in each store's :class:`StoreProfile`; queries under a time limit run
in the :class:`QueryRunner` a store gives (:mod:`kg.store.limits`, :mod:`kg.store.workers`).

* :mod:`kg.store.records`: record graphs, their provenance and content hash
* :mod:`kg.store.terms`: terms, bindings, datasets, SELECT answers
* :mod:`kg.store.base`: the Store, its profile, opening by location
* :mod:`kg.store.answers`: answers written as bytes in the SPARQL results and RDF formats, capped
* :mod:`kg.store.limits`, :mod:`kg.store.workers`: queries under a time limit
* :mod:`kg.store.kept`: answers kept for the length of one view (the same query asked twice by one page)
* :mod:`kg.store.revision`: the store's revision, which changes with every write (what caches key on)
* :mod:`kg.store.remote_faults`: how a SPARQL server fails (refused, frozen, connection lost), told apart
* :mod:`kg.store.engines`: the SPARQL servers a remote store may be (Oxigraph, Virtuoso, generic), and
  what each needs; :mod:`kg.store.credentials`, :mod:`kg.store.updates`, :mod:`kg.store.remote_read`:
  a server's credentials, updates within its limits, its answers read as the embedded store's

>>> Store.open(None).profile.backend
'embedded'
"""

from kg.store.answers import FORMATS, GRAPH_FORMATS, SOLUTION_FORMATS, Answer, ResultFormat
from kg.store.base import Backend, QueryStop, Store, StoreProfile
from kg.store.embedded import EmbeddedStore
from kg.store.kept import one_view
from kg.store.limits import QueryJob, QueryRunner
from kg.store.records import MAPPER_VERSION, META, GraphMeta, RecordGraph, WriteResult, replace_update
from kg.store.remote import RemoteStore
from kg.store.remote_faults import RemoteQuerySyntaxError
from kg.store.terms import Bindings, Dataset, SelectResult, Term, read_here, with_values

__all__ = [
    "FORMATS", "GRAPH_FORMATS", "MAPPER_VERSION", "META", "SOLUTION_FORMATS", "Answer", "Backend", "Bindings",
    "Dataset", "EmbeddedStore", "GraphMeta", "QueryJob", "QueryRunner", "QueryStop", "RecordGraph",
    "RemoteQuerySyntaxError", "RemoteStore", "ResultFormat", "SelectResult", "Store", "StoreProfile", "Term",
    "WriteResult", "one_view", "read_here", "replace_update", "with_values",
]
