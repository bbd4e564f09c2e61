"""``/graphql``: strawberry's ASGI app behind a Starlette route. POST (and GET) run operations;
a browser (GET, ``Accept: text/html``) gets GraphiQL, served from ``kg/web/static/graphiql/``
(vendored: no CDN) at ``/graphql/assets/``."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from kg.web.config import Settings
from kg.web.graphql.context import Context
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
