"""The typed context of one GraphQL request: the store and the Python API over it, the settings and
this request's DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import strawberry
from strawberry.types import Info

from kg.graph import KnowledgeGraph
from kg.store import QueryRunner, Store
from kg.web.config import Settings
from kg.web.graphql.dataloaders import Loaders


@dataclass
class Context:
    store: Store
    settings: Settings
    #: the service's query runner: writes (traceClaim) go through its write access
    runner: QueryRunner | None = None
    #: whether the request carries the update token (traceClaim then stores its claims)
    authorized: bool = False
    #: the Python API over ``store``: what resolvers ask
    graph: KnowledgeGraph = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.graph = KnowledgeGraph(self.store)
        # per request: a loader's cache must not outlive the request (the store may change)
        self.loaders = Loaders(self.graph.records)


#: what resolvers receive as ``info``
KgInfo = Info[Context, None]

F = TypeVar("F", bound=Callable[..., Any])


def described(description: str) -> Callable[[F], F]:
    """``@strawberry.field(description=...)`` typed for mypy: strawberry types that call ``Any``."""
    return cast(Callable[[F], F], strawberry.field(description=description))
