"""The one typed way a route reaches the app's services."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from kg.web.services import Services, services


def test_the_app_factory_builds_the_services_with_the_python_api_over_its_store() -> None:
    store = Store.open(None)
    app = create_app(store)
    found = app.state.services
    assert isinstance(found, Services)
    assert found.store is store and found.graph.store is store


def test_an_app_the_factory_did_not_build_is_a_clear_error() -> None:
    def endpoint(request: Request) -> Response:
        return JSONResponse({"services": repr(services(request))})

    client = TestClient(Starlette(routes=[Route("/", endpoint)]), raise_server_exceptions=True)
    with pytest.raises(TypeError, match="this app has no kg services: build it with kg.web.app.create_app"):
        client.get("/")
