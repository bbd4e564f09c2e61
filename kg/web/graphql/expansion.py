"""The size of a GraphQL document once its fragments are spread, measured in time linear in the
document, before any validation rule walks it.

A named fragment may spread another twice, that one the next twice, and so on: 22 such fragments
(900 bytes) expand to four million fields, and every walk that spreads fragments as it meets them
(graphql-core's and strawberry's rules, kg's cost estimate) then takes time doubling with each
level (kg issue 13). Here each fragment is measured once and its figures reused wherever it is
spread, so the expanded size is known from one pass over the text; a document whose expansion is
over the limit, or whose fragments spread each other in a cycle, is refused before anything else
walks it.

>>> from graphql import parse
>>> bomb = "{ ...F0 } fragment F0 on Query { ...F1 ...F1 } fragment F1 on Query { ...F2 ...F2 } " \\
...        "fragment F2 on Query { work(id: \\"x\\") { id } }"
>>> measure(parse(bomb))
Expansion(fields=8, depth=2)
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

#: the ``extensions.code`` of a document refused here (the endpoint answers it with HTTP 400)
REFUSED = "DOCUMENT_TOO_LARGE"


@dataclass(frozen=True)
class Expansion:
    """A selection's size with every fragment spread: its field selections and its deepest nesting."""

    fields: int = 0
    depth: int = 0


_NOTHING = Expansion()


class FragmentCycleError(Exception):
    """Fragments that spread each other in a cycle (their expansion never ends)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"the fragments spread each other in a cycle: {' -> '.join(names)}")


#: what a selection set's walk asks the driver for: the figures of a nested set or of a named fragment
_Request = SelectionSetNode | str
_Walk = Generator[_Request, Expansion, Expansion]


def _walk(selections: SelectionSetNode) -> _Walk:
    fields = depth = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            below = (yield selection.selection_set) if selection.selection_set is not None else _NOTHING
            fields += 1 + below.fields
            depth = max(depth, 1 + below.depth)
        else:
            if isinstance(selection, InlineFragmentNode):
                below = yield selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                below = yield selection.name.value
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            fields += below.fields
            depth = max(depth, below.depth)
    return Expansion(fields, depth)


def measure(document: DocumentNode) -> Expansion:
    """The expansion of all the document's operations together: the fields summed, the deepest nesting.

    Each fragment is measured once (its figures are kept by name), so this takes time linear in the
    document whatever the expansion; it does not recurse (no nesting can exhaust Python's stack).
    A spread of an unknown fragment counts as nothing (validation names it). Raises
    FragmentCycleError when fragments spread each other in a cycle.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    known: dict[str, Expansion] = {}
    total = Expansion()
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            found = _drive(operation.selection_set, fragments, known)
            total = Expansion(total.fields + found.fields, max(total.depth, found.depth))
    return total


def _drive(root: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode],
           known: dict[str, Expansion]) -> Expansion:
    """Run the walks with a stack of our own: each frame is a walk and the fragment it measures, if any."""
    stack: list[tuple[_Walk, str | None]] = [(_walk(root), None)]
    value: Expansion | None = None
    while True:
        walk, measured = stack[-1]
        try:
            request = walk.send(value)  # type: ignore[arg-type]  # None starts a new walk
        except StopIteration as done:
            stack.pop()
            result: Expansion = done.value
            if not stack:
                return result
            if measured is not None:
                known[measured] = result
            value = result
            continue
        if isinstance(request, SelectionSetNode):
            stack.append((_walk(request), None))
            value = None
        elif request in known:
            value = known[request]
        elif any(name == request for _, name in stack):
            cycle = [name for _, name in stack if name is not None]
            raise FragmentCycleError([*cycle[cycle.index(request):], request])
        elif request not in fragments:
            value = _NOTHING
        else:
            stack.append((_walk(fragments[request].selection_set), request))
            value = None


def refusal(document: DocumentNode, max_fields: int) -> GraphQLError | None:
    """The error refusing a document whose expansion is over ``max_fields`` field selections, or whose
    fragments spread each other in a cycle; None for a document within the limit."""
    try:
        size = measure(document)
    except FragmentCycleError as e:
        return GraphQLError(f"{e}: the document is refused before validation", extensions={
            "code": REFUSED, "limit": "fragment cycles", "fragments": e.names})
    if size.fields <= max_fields:
        return None
    return GraphQLError(
        f"the document expands to {size.fields:,} field selections once its fragments are spread, more "
        f"than the limit of {max_fields:,} (graphql_max_fields): spread each fragment where it is needed, "
        "not fragments spreading fragments many times", extensions={
            "code": REFUSED, "limit": "graphql_max_fields", "maximum": max_fields, "value": size.fields})
