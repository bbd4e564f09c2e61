"""Placeholder: the SPARQL 1.1 Protocol endpoint lands with issue #5."""

from __future__ import annotations

from starlette.routing import BaseRoute

from kg.store import Store
from kg.web.config import Settings


class QueryRunner:
    def close(self) -> None:
        pass


def make_runner(store: Store, settings: Settings) -> QueryRunner:
    return QueryRunner()


def routes() -> list[BaseRoute]:
    return []
