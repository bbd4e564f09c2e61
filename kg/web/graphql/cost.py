"""The cost limit of a GraphQL document: an estimate of the objects it can resolve, made before
execution, and a validation rule refusing a document whose estimate is over the limit.

Depth and page-size limits alone still let one document nest connections
(``works(first: 100) { nodes { citations(first: 100) { nodes { references(first: 100) ...``),
each level multiplying the objects resolved by its page size. The estimate follows the selection
tree of the operation that runs and counts every field that returns an object (scalars are free):
a field is resolved once per item of every list above it, and a list holds

- the ``first`` of the field holding it (a connection's ``nodes`` and ``edges``; a list with its
  own ``first``, like ``relatedItems``): the value given, a variable's value, or the default;
- for the lists of an evidence chain, the most works a chain can reach, ``fanout * (maxDepth + 1)``;
- for the plain lists in :data:`PLAIN_LISTS`, the size declared there;
- for any other plain list (titles, creators, provenance: as many as the record holds), one.

A ``first`` or ``maxDepth`` outside its range counts as its bound: the resolver then answers with
its own clearer error. Introspection fields cost nothing.

>>> from kg.web.graphql.schema import build_schema
>>> from kg.web.config import Settings
>>> from graphql import parse
>>> schema = build_schema(Settings())._schema
>>> estimate(schema, parse("{ works(first: 10) { nodes { references(first: 5) { nodes { id } } } } }"), Sizes())
71
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from strawberry.extensions import AddValidationRules

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from kg import chains, metrics

#: plain lists (no ``first``) that hold works or claims, and how many items they count for; None:
#: the largest page (``max_page_size``)
PLAIN_LISTS: dict[tuple[str, str], int | None] = {
    ("Work", "claims"): None,
    ("FunderMetrics", "top"): metrics.TOP,
}
#: fields whose lists below hold a whole evidence chain
CHAIN_FIELDS = {("Work", "evidenceChain")}


@dataclass(frozen=True)
class Sizes:
    """The bounds the estimate counts with: the largest page, the deepest chain and its fan-out."""

    max_page_size: int = 100
    max_chain_depth: int = 10
    fanout: int = chains.DEFAULT_FANOUT
    #: the request's variables (the values of ``$first``)
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    sizes: Sizes
    defaults: dict[str, Any]
    #: the cost of each fragment already costed, by its name, the type and page it is spread under
    known: dict[tuple[str, str, int | None], int] = field(default_factory=dict)

    def argument(self, node: FieldNode, name: str) -> Any:
        """The value of an argument given in the document (a literal or a variable), else None."""
        for argument in node.arguments or ():
            if argument.name.value == name:
                if isinstance(argument.value, VariableNode):
                    variable = argument.value.name.value
                    return self.sizes.variables.get(variable, self.defaults.get(variable))
                return value_from_ast_untyped(argument.value)
        return None

    def integer(self, node: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType, name: str,
                low: int, high: int) -> int | None:
        """An integer argument of the field (given, or its declared default) within low..high; None if it has none."""
        declared = parent.fields[node.name.value].args.get(name)
        if declared is None:
            return None
        value = self.argument(node, name)
        if value is None and declared.default_value is None:
            return None  # a list truncated only when asked (titles, creators): as long as its record's
        if not isinstance(value, int):
            value = declared.default_value if isinstance(declared.default_value, int) else high
        return max(low, min(value, high))

    def cost(self, selections: SelectionSetNode | None, parent: GraphQLNamedType, times: int, page: int | None,
             seen: frozenset[str] = frozenset()) -> int:
        """Objects the selections resolve when ``parent`` is resolved ``times`` times; ``page``: the
        size of the lists directly below (a connection's or a chain's).

        The cost is proportional to ``times``, so a fragment is costed once per type and page it is
        spread under (for ``times`` = 1) and multiplied wherever it is spread: a fragment spreading
        the next one twice, 30 levels deep, costs 30 walks, not 2³⁰."""
        total = 0
        for selection in selections.selections if selections is not None else ():
            if isinstance(selection, FieldNode):
                if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                    total += self.field_cost(selection, parent, times, page, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = self.schema.get_type(selection.type_condition.name.value) \
                    if selection.type_condition is not None else parent
                total += self.cost(selection.selection_set, condition or parent, times, page, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                key = (name, parent.name, page)
                if key not in self.known:
                    condition = self.schema.get_type(fragment.type_condition.name.value)
                    self.known[key] = self.cost(fragment.selection_set, condition or parent, 1, page, seen | {name})
                total += times * self.known[key]
        return total

    def field_cost(self, node: FieldNode, owner: GraphQLObjectType | GraphQLInterfaceType, times: int,
                   page: int | None, seen: frozenset[str]) -> int:
        """Objects one field and its selections resolve, when ``owner`` is resolved ``times`` times."""
        definition = owner.fields.get(node.name.value)
        if definition is None:  # __typename, introspection, or a field validation refuses anyway
            return 0
        target = get_named_type(definition.type)
        if not isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
            return 0  # scalars and enums cost nothing
        key = (owner.name, node.name.value)
        first = self.integer(node, owner, "first", 0, self.sizes.max_page_size)
        count = times
        if _is_list(definition.type):
            if first is not None:
                count *= first
            elif page is not None:
                count *= page
            elif key in PLAIN_LISTS:
                count *= PLAIN_LISTS[key] or self.sizes.max_page_size
        below = first if first is not None and not _is_list(definition.type) else None
        if key in CHAIN_FIELDS:
            depth = self.integer(node, owner, "maxDepth", 0, self.sizes.max_chain_depth)
            below = self.sizes.fanout * ((depth or 0) + 1)
        return count + self.cost(node.selection_set, target, count, below, seen)


def _is_list(kind: GraphQLOutputType) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)


def estimate(schema: GraphQLSchema, document: DocumentNode, sizes: Sizes, operation_name: str | None = None) -> int:
    """The objects the operation that runs (the one named, else the only one; else the costliest)
    can resolve at most, by the rules of this module."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    costs = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        if operation_name is not None and (operation.name is None or operation.name.value != operation_name):
            continue
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        defaults = {v.variable.name.value: value_from_ast_untyped(v.default_value)
                    for v in operation.variable_definitions or () if v.default_value is not None}
        costs.append(_Walk(schema, fragments, sizes, defaults).cost(operation.selection_set, root, 1, None))
    return max(costs, default=0)


def refusal(cost: int, limit: int) -> str:
    """What a refused document is told."""
    return (f"the query could resolve about {cost:,} objects, more than the limit of {limit:,} "
            "(graphql_max_cost): ask for smaller pages (first) or fewer nested lists")


class CostLimiter(AddValidationRules):
    """Refuses, before execution, a document whose estimated cost is over ``max_cost``; a document
    other rules refuse already is not costed (the client gets their error alone)."""

    def __init__(self, max_cost: int, max_page_size: int, max_chain_depth: int) -> None:
        super().__init__([])
        self.max_cost = max_cost
        self.sizes = Sizes(max_page_size=max_page_size, max_chain_depth=max_chain_depth)

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        sizes = Sizes(self.sizes.max_page_size, self.sizes.max_chain_depth, self.sizes.fanout,
                      context.variables or {})
        limiter = self

        def check(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
            cost = estimate(schema, document, sizes, context.operation_name)
            return [GraphQLError(refusal(cost, limiter.max_cost))] if cost > limiter.max_cost else []

        class CostRule(ValidationRule):
            #: its verdict depends on the operation's variables (page sizes): not kept with the document's
            needs_variables = True
            #: the verdict without a validation pass (which walks the whole document with its types: 13 % of
            #: a cold GraphQL work's samples, on the event loop), for a document the other rules accepted
            direct = staticmethod(check)

            def __init__(self, validation: ValidationContext) -> None:
                super().__init__(validation)
                self.refused = False
                report = validation.on_error

                def counted(error: GraphQLError) -> None:
                    self.refused = True
                    report(error)

                validation.on_error = counted  # type: ignore[method-assign]

            def leave_document(self, node: DocumentNode, *_: object) -> None:
                if self.refused:
                    return
                for error in check(self.context.schema, node):
                    self.report_error(error)

        self.validation_rules = [CostRule]
        yield from super().on_operation()
