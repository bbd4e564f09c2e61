"""The limits of the GraphQL endpoint, from :class:`kg.web.config.Settings`: strawberry's own
extensions for depth, aliases and tokens, kg's cost limit (:mod:`.cost`), and errors masked unless
they are kg's own.

A document over a limit is rejected before execution with an error naming the limit; an
unexpected exception becomes "the service failed to answer" (logged, never shown), while a
:class:`kg.errors.KgError` keeps its message (it names the parameter or identifier), except a
:class:`kg.errors.StoreError`, which may name the store's location.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from strawberry.extensions import MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter, SchemaExtension

from graphql import GraphQLError
from kg.errors import KgError, StoreError
from kg.web.config import Settings
from kg.web.graphql.cost import CostLimiter

#: what an unexpected error says
MASKED = "the service failed to answer; the error is logged"
#: the deepest evidence chain one request may ask for
MAX_CHAIN_DEPTH = 10


def should_mask(error: GraphQLError) -> bool:
    """Mask errors raised during execution unless kg raised them on purpose (not store failures).

    Errors without an original exception (syntax, validation, the limiters') are the client's
    and stay as they are."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return not isinstance(original, KgError) or isinstance(original, StoreError)


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The schema's extensions, each made afresh for every operation."""
    # the cost limiter first: it leaves a document the others refuse to their error alone
    return [
        partial(CostLimiter, max_cost=settings.graphql_max_cost, max_page_size=settings.max_page_size,
                max_chain_depth=MAX_CHAIN_DEPTH),
        partial(QueryDepthLimiter, max_depth=settings.graphql_max_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.graphql_max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.graphql_max_tokens),
        partial(MaskErrors, should_mask_error=should_mask, error_message=MASKED),
    ]
