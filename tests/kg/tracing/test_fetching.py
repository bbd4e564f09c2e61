"""Fetching a page to trace (kg.tracing.fetch_page, over loaders.http.get_page): a local replay server
stands in for the web. For a service, ``public_only`` refuses every host that is not on the public
internet (each redirect is followed by hand and checked the same way), so that anyone tracing a URL
cannot make the service reach its own network."""

from __future__ import annotations

import pytest

from kg.errors import FetchError
from kg.tracing import fetch_page
from loaders.http import HttpConfig
from tests.loaders.replay import ReplayServer, Reply

HTML = b"<html><body><p>The structure (doi:10.1038/s41598-021-81251-2) was solved.</p></body></html>"


def test_a_page_is_fetched_following_redirects() -> None:
    with ReplayServer() as server:
        page = server.add("/story", Reply(body=HTML, headers={"Content-Type": "text/html; charset=utf-8"}))
        moved = server.add("/old", Reply(status=301, headers={"Location": "/story"}))
        assert "doi:10.1038/s41598-021-81251-2" in fetch_page(moved, HttpConfig())
        assert page.endswith("/story")


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://localhost:9/x", "http://10.0.0.1/x",
                                 "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/x"])
def test_a_service_fetches_no_host_off_the_public_internet(url: str) -> None:
    with pytest.raises(FetchError, match="not on the public internet"):
        fetch_page(url, HttpConfig(), public_only=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.org/"])
def test_only_http_urls_are_fetched_for_a_service(url: str) -> None:
    with pytest.raises(FetchError, match="only http"):
        fetch_page(url, HttpConfig(), public_only=True)
