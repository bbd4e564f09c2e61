"""The limits of the GraphQL endpoint, from :class:`kg.web.config.Settings`: the expansion limit
(:mod:`.expansion`, checked before any validation rule), strawberry's own extensions for depth,
aliases and tokens, kg's cost limit (:mod:`.cost`), and errors masked unless they are kg's own.

Validation runs in a worker thread, not on the event loop: a document that is slow to validate
cannot hold up the service's other requests (the endpoint puts a deadline on the whole request).

A document over a limit is rejected before execution with an error naming the limit; an
unexpected exception becomes "the service failed to answer" (logged, never shown), while a
:class:`kg.errors.KgError` keeps its message (it names the parameter or identifier), except a
:class:`kg.errors.StoreError`, which may name the store's location.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from functools import partial

from anyio import to_thread
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from kg.errors import KgError, StoreError
from kg.web.config import Settings
from kg.web.graphql.cost import CostLimiter
from kg.web.graphql.expansion import refusal
from kg.web.graphql.unheld import explained

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


#: documents whose parse and validation are kept (per schema), least recently asked forgotten first
KEPT_DOCUMENTS = 256


class BoundedValidation(SchemaExtension):
    """Refuses a document whose expansion is over ``max_fields`` (or whose fragments form a cycle)
    before any validation rule walks it, then runs the validation rules in a worker thread.

    Strawberry's own validation step then finds the errors already set, and skips its run on the
    event loop. The verdict on a document is kept in ``verdicts`` (shared by the operations of one
    schema, whose rules are those of its settings) under its text: a document asked again (a portal's
    one query with other variables) is not walked again by them; the rules that read the variables (the
    cost limit: ``needs_variables``) still run every time. Strawberry's ``ParserCache`` keeps the parsed
    documents alike."""

    def __init__(self, max_fields: int, verdicts: OrderedDict[str, list[GraphQLError]] | None = None) -> None:
        self.max_fields = max_fields
        self.verdicts = verdicts if verdicts is not None else OrderedDict()

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            rules = tuple(context.validation_rules)
            varying = tuple(r for r in rules if getattr(r, "needs_variables", False))
            text = context.query
            errors = self.verdicts.get(text) if text is not None else None
            if errors is not None:
                self.verdicts.move_to_end(text)  # type: ignore[arg-type]
            else:
                errors = await self._validate(document, tuple(r for r in rules if r not in varying))
                if text is not None:
                    self.verdicts[text] = errors
                    while len(self.verdicts) > KEPT_DOCUMENTS:
                        self.verdicts.popitem(last=False)
            # the rules that read the variables (the cost limit) run every time, unless the others refused it,
            # on the event loop: a document the expansion limit has bounded, no trip to a thread; a rule with a
            # ``direct`` check gives its verdict without a validation pass
            if not errors and varying:
                errors = _varying(context.schema._schema, document, varying)
            context.pre_execution_errors = list(errors)
        yield

    async def _validate(self, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
                        ) -> list[GraphQLError]:
        refused = refusal(document, self.max_fields)
        if refused is not None:
            return [refused]
        if not rules:
            return []
        # abandoned on cancel: the request's deadline answers the client even if the thread runs on
        errors = await to_thread.run_sync(validate_document, self.execution_context.schema._schema, document, rules,
                                          abandon_on_cancel=True)
        return [explained(e) for e in errors]  # DataCite's fields kg holds no data for say so


def _varying(schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
             ) -> list[GraphQLError]:
    errors: list[GraphQLError] = []
    for rule in rules:
        direct = getattr(rule, "direct", None)
        errors += direct(schema, document) if direct is not None else validate_document(schema, document, (rule,))
    return errors


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The schema's extensions, each made afresh for every operation."""
    # the cost limiter first: it leaves a document the others refuse to their error alone
    verdicts: OrderedDict[str, list[GraphQLError]] = OrderedDict()
    return [
        partial(ParserCache, maxsize=KEPT_DOCUMENTS),
        partial(BoundedValidation, max_fields=settings.graphql_max_fields, verdicts=verdicts),
        partial(CostLimiter, max_cost=settings.graphql_max_cost, max_page_size=settings.max_page_size,
                max_chain_depth=MAX_CHAIN_DEPTH),
        partial(QueryDepthLimiter, max_depth=settings.graphql_max_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.graphql_max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.graphql_max_tokens),
        partial(MaskErrors, should_mask_error=should_mask, error_message=MASKED),
    ]
