"""The GraphQL API at ``/graphql`` (strawberry), its names following DataCite's GraphQL API.

One module per concept: :mod:`.work` (Work), :mod:`.agents` (Person, Organization, Funder),
:mod:`.evidence` (evidence chains, related items), :mod:`.reuse` (metrics), :mod:`.structure`
(PDB entries), :mod:`.metadata` (small value types), :mod:`.connection` (Relay connections),
:mod:`.claims` (claims on a work), :mod:`.mutations` (``traceClaim``), :mod:`.dataloaders`
(DataLoaders over the Python API's batch fetches, :mod:`kg.batches`), :mod:`.limits`,
:mod:`.schema` (the root Query) and :mod:`.endpoint` (the route). Resolvers ask the Python API
(:class:`kg.graph.KnowledgeGraph`, ``info.context.graph``), never the store in SPARQL.
``python -m kg.web.graphql`` prints the SDL that ``graphql/schema.graphql`` holds.
"""

from __future__ import annotations

from kg.web.graphql.endpoint import routes

__all__ = ["routes"]
