"""The GraphQL API at ``/graphql`` (strawberry), its names following DataCite's GraphQL API.

One module per concept: :mod:`.work` (Work), :mod:`.agents` (Person, Organization, Funder),
:mod:`.evidence` (evidence chains, related items), :mod:`.reuse` (metrics), :mod:`.structure`
(PDB entries), :mod:`.metadata` (small value types), :mod:`.connection` (Relay connections),
:mod:`.loaders` (DataLoaders), :mod:`.limits`, :mod:`.schema` (the root Query) and
:mod:`.endpoint` (the route). ``python -m kg.web.graphql`` prints the SDL that
``graphql/schema.graphql`` holds.
"""

from __future__ import annotations

from kg.web.graphql.endpoint import routes

__all__ = ["routes"]
