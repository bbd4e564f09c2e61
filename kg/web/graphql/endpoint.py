"""``/graphql``: strawberry's ASGI app behind a Starlette route. POST (and GET) run operations;
a browser (GET, ``Accept: text/html``) gets GraphiQL, served from ``kg/web/static/graphiql/``
(vendored: no CDN) at ``/graphql/assets/``.

Each operation has ``graphql_timeout`` seconds to validate and execute; past them the client is
answered with an error (HTTP 503) while the work left is abandoned. A document refused for its
expansion (:mod:`kg.web.graphql.expansion`) is answered with HTTP 400.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cross_web import AsyncHTTPRequestAdapter
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from graphql import GraphQLError
from kg.web.config import Settings
from kg.web.graphql.context import Context
from kg.web.graphql.expansion import REFUSED
from kg.web.graphql.schema import build_schema
from kg.web.services import services

#: GraphiQL's built files and kg's page mounting it
ASSETS = Path(__file__).resolve().parent.parent / "static" / "graphiql"


class KgGraphQL(GraphQL[Context, None]):
    """Strawberry's app with kg's typed context: the store and settings of the running service."""

    async def render_graphql_ide(self, request: Request) -> Response:
        # strawberry's own page loads React and GraphiQL from a CDN; this one loads the vendored copies
        return HTMLResponse((ASSETS / "graphiql.html").read_text("utf-8"))

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        state = services(request)
        return Context(state.store, state.settings, state.runner,
                       state.settings.authorizes(request.headers.get("authorization")))

    async def execute_single(self, request: Request, request_adapter: AsyncHTTPRequestAdapter,  # noqa: PLR0917
                             sub_response: Response, context: Context, root_value: None,
                             request_data: GraphQLRequestData) -> ExecutionResult:
        seconds = context.settings.graphql_timeout
        try:
            result = await asyncio.wait_for(super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data), seconds)
        except TimeoutError:
            sub_response.status_code = 503
            return ExecutionResult(data=None, errors=[GraphQLError(
                f"the request ran past the {seconds:g} s time limit (graphql_timeout) and was stopped: ask for "
                "fewer or smaller lists", extensions={"code": "TIMEOUT", "limit": "graphql_timeout"})])
        if any((e.extensions or {}).get("code") == REFUSED for e in result.errors or ()):
            sub_response.status_code = 400
        return result


class GraphQLEndpoint:
    """The ASGI endpoint: one strawberry app per settings (the limits are the schema's extensions)."""

    def __init__(self) -> None:
        self._apps: dict[Settings, KgGraphQL] = {}

    def app_for(self, settings: Settings) -> KgGraphQL:
        if settings not in self._apps:
            self._apps[settings] = KgGraphQL(build_schema(settings), graphql_ide="graphiql")
        return self._apps[settings]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app_for(services(HTTPConnection(scope)).settings)(scope, receive, send)


def routes() -> list[BaseRoute]:
    return [Route("/graphql", GraphQLEndpoint(), methods=["GET", "POST"]),
            Mount("/graphql/assets", app=StaticFiles(directory=ASSETS), name="graphiql")]
