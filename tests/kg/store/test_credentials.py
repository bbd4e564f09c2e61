"""HTTP Digest to a SPARQL server (:mod:`kg.store.credentials`) on kept-alive connections
(:mod:`kg.store.remote_http`), against a local server that checks the answers as RFC 7616 says: one
challenge a server, not one a query, and one connection; a new nonce met once; a wrong password refused by
name; the password never on the wire nor in a message."""

from __future__ import annotations

import gc
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.errors import StoreError
from kg.store import RemoteStore
from kg.store.credentials import Credentials, digest_challenges, install_digest

REALM = "SPARQL"
PASSWORD = "s3cret-pass"


@pytest.fixture(autouse=True)
def _earlier_garbage_collected_here() -> None:
    """Earlier tests' garbage collected in the main thread: pyoxigraph's answers may only be dropped on the
    thread that made them, and this module's server threads would otherwise run the collection."""
    gc.collect()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - Digest's own algorithm


def _parse(text: str) -> Iterator[tuple[str, str]]:
    """The fields of an Authorization header's Digest answer."""
    for part in urllib.request.parse_http_list(text):
        key, _, value = part.partition("=")
        yield key.strip(), value.strip().strip('"')


@dataclass
class DigestServer:
    """What the server saw: the challenges it sent, the requests it let through, every header it got."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    challenges: int = 0
    answered: int = 0
    counts: list[int] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    clients: set[int] = field(default_factory=set)  # the client ports: one a TCP connection
    hang_up: bool = False  # close each connection after its answer, unannounced (a keep-alive timeout)
    delay: float = 0.0  # seconds before each answer (a long call: Virtuoso's bulk loader)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def authorized(self, method: str, header: str | None) -> bool:
        """Whether ``header`` answers the current nonce with the right password and a count never used."""
        if not header or not header.startswith("Digest "):
            return False
        fields = dict(_parse(header[len("Digest "):]))
        if fields.get("nonce") != self.nonce or fields.get("realm") != REALM:
            return False
        nc = int(fields["nc"], 16)
        if nc in self.counts:  # a replay
            return False
        ha1 = _md5(f"{fields['username']}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{method}:{fields['uri']}")
        expected = _md5(f"{ha1}:{self.nonce}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
        if fields.get("response") != expected:
            return False
        self.counts.append(nc)
        return True


@contextmanager
def digest_server() -> Iterator[tuple[str, DigestServer]]:
    """A SPARQL endpoint behind HTTP Digest on a free port: its URL (without credentials) and its record."""
    seen = DigestServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections kept alive unless the client closes them

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with seen.lock:
                seen.headers.append(str(self.headers))
                seen.clients.add(self.client_address[1])
                ok = seen.authorized("POST", self.headers.get("Authorization"))
                if not ok:
                    seen.challenges += 1
                else:
                    seen.answered += 1
            if not ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", f'Digest realm="{REALM}", nonce="{seen.nonce}", qop="auth", '
                                                     'algorithm="MD5", opaque="o"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            query = urllib.parse.parse_qs(body.decode()).get("query", [""])[0]
            time.sleep(seen.delay)
            answer = {"boolean": True} if "ASK" in query else {"head": {"vars": ["x"]},
                                                                 "results": {"bindings": [{"x": {"type": "literal",
                                                                                                 "value": "1"}}]}}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = seen.hang_up

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql-auth", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_one_challenge_a_server_not_one_a_query() -> None:
    with digest_server() as (url, seen):
        before = digest_challenges()
        store = RemoteStore(url.replace("//", f"//kg:{PASSWORD}@"))
        for _ in range(10):
            assert store.select("SELECT ?x WHERE { }").rows
        assert seen.challenges == 1 and digest_challenges() - before == 1
        assert seen.answered == 11  # the engine's ASK, then the ten queries
        assert seen.counts == list(range(1, 12))  # the nonce's count goes up by one a request
        assert len(seen.clients) == 1  # and all of it on one kept-alive connection


def test_a_new_nonce_is_met_once_and_threads_share_the_count() -> None:
    with digest_server() as (url, seen):
        store = RemoteStore(url.replace("//", f"//kg:{PASSWORD}@"))
        store.select("SELECT ?x WHERE { }")
        seen.nonce, seen.counts = secrets.token_hex(8), []  # the old nonce expired
        store.select("SELECT ?x WHERE { }")
        store.select("SELECT ?x WHERE { }")
        assert seen.challenges == 2 and seen.counts == [1, 2]

        failures: list[BaseException] = []

        def ask() -> None:
            try:
                for _ in range(5):
                    store.select("SELECT ?x WHERE { }")
            except BaseException as e:  # noqa: BLE001 - reported below
                failures.append(e)

        threads = [threading.Thread(target=ask) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures
        assert sorted(seen.counts) == list(range(1, 23)) and seen.challenges == 2  # no count sent twice


def test_a_wrong_password_is_refused_by_name_and_no_password_goes_on_the_wire() -> None:
    with digest_server() as (url, seen):
        RemoteStore(url.replace("//", f"//kg:{PASSWORD}@")).select("SELECT ?x WHERE { }")
        wrong = RemoteStore(url.replace("//", "//other:wr0ng-pass@"))
        with pytest.raises(StoreError, match=r"refused the query as other \(HTTP 401\)") as caught:
            wrong.select("SELECT ?x WHERE { }")
        assert "wr0ng-pass" not in str(caught.value) and "wr0ng-pass" not in repr(wrong)
    assert seen.answered == 2
    assert not any(PASSWORD in headers or "wr0ng-pass" in headers for headers in seen.headers)


def test_a_kept_connection_the_server_closed_while_idle_is_replaced_unnoticed() -> None:
    with digest_server() as (url, seen):
        store = RemoteStore(url.replace("//", f"//kg:{PASSWORD}@"))
        store.select("SELECT ?x WHERE { }")
        seen.hang_up = True
        for _ in range(5):
            assert store.select("SELECT ?x WHERE { }").rows
        # the first connection answered three (the last before hanging up), then one a connection
        assert seen.answered == 7 and seen.challenges == 1 and len(seen.clients) == 5


def test_a_call_without_a_time_limit_waits_on_a_kept_connection_opened_with_one() -> None:
    """Virtuoso's bulk loader (kg/store/virtuoso_bulk.py) asks with a limit, then calls the loader without
    one on the same kept connection: that call used to keep the connection's old limit and fail (a 100M
    load cut after the first call's 600 s)."""
    with digest_server() as (url, seen):
        install_digest(url, Credentials("kg", PASSWORD))
        body = urllib.parse.urlencode({"query": "SELECT ?x WHERE { }"}).encode()

        def call(timeout: float | None) -> bytes:
            request = urllib.request.Request(url, data=body, method="POST")
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - a local server
                return bytes(answer.read())

        assert call(5.0)
        assert call(0.5)  # the kept connection is left with this limit
        seen.delay = 1.5  # an answer slower than that limit
        assert call(None)  # waits for it
        assert len(seen.clients) == 1
