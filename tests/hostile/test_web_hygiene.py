"""HTML hygiene and slow clients (issue 13, finding 8): every response carries the security headers
(a Content-Security-Policy without inline script, nosniff, a referrer policy, no framing but the
widget's frame), and a client dripping its request body is answered 408 and dropped while /healthz
answers."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest
import requests

from kg.web.app import BODY_DEADLINE
from kg.web.protocol import HEADERS_DEADLINE
from tests.hostile.conftest import healthy
from tests.web.conftest import Live

PATHS = ["/", "/healthz", "/static/kg.css", "/sparql?query=ASK%7B%7D", "/embed/related?id=10.2210/pdb6gv0/pdb",
         "/works/10.2210/pdb6gv0/pdb", "/graphql"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(target: Live, path: str) -> None:
    answer = requests.get(target(path), headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code < 500, answer.text[:300]  # errors carry the headers too
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if path.startswith("/embed/related"):
        assert "frame-ancestors *" in policy
        assert "X-Frame-Options" not in answer.headers
    else:
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["X-Frame-Options"] == "DENY"


def test_no_page_has_an_inline_script(target: Live) -> None:
    for path in ("/", "/sparql", "/graphql", "/trace", "/embed/related?id=10.2210/pdb6gv0/pdb"):
        html = requests.get(target(path), headers={"Accept": "text/html"}, timeout=30).text
        scripts = html.split("<script")[1:]
        assert all(" src=" in s.split(">")[0] for s in scripts), path


def test_a_client_dripping_its_body_is_dropped_while_the_service_answers(target: Live) -> None:
    where = urlsplit(target.url)
    started = time.monotonic()
    with socket.create_connection((where.hostname, where.port), timeout=BODY_DEADLINE + 30) as drip:
        drip.sendall(b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 100000\r\n\r\n")
        answer = b""
        health = []
        dropped = False
        # bounded: the loop gives up well after the body deadline; the service is expected to end it first
        while not dropped and time.monotonic() - started < BODY_DEADLINE + 60:
            try:
                drip.sendall(b"x")
            except OSError:
                dropped = True
                break
            health.append(healthy(target))
            drip.settimeout(1.0)
            try:
                chunk = drip.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:  # closed while bytes were still arriving: the 408 may be lost with it
                dropped = True
                break
            answer += chunk
            dropped = not chunk
    assert dropped, "the service never dropped a client dripping its body"
    if answer:
        assert b" 408 " in answer.split(b"\r\n")[0], answer[:300]
        assert b"did not arrive within" in answer
    assert health and all(health)


def test_a_client_dripping_its_headers_is_dropped(target: Live) -> None:
    where = urlsplit(target.url)
    started = time.monotonic()
    with socket.create_connection((where.hostname, where.port), timeout=5) as drip:
        drip.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        while time.monotonic() - started < HEADERS_DEADLINE + 20:
            try:
                drip.sendall(b"X-A: b\r\n")
                if drip.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed
    assert HEADERS_DEADLINE - 1 <= time.monotonic() - started < HEADERS_DEADLINE + 10
    assert healthy(target)
