"""N-Quads to a SPARQL server's own bulk loader: Oxigraph's ``POST /store?no_transaction`` (what ``kg
bulk-load`` uses on a remote store; :mod:`loaders.bulkload` decides what goes in).

The body is streamed (HTTP chunked transfer), so memory stays flat whatever the input's size. Basic
credentials are sent with it; a Digest server would have the body sent twice, which a stream cannot be.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import IO

from kg.errors import StoreError
from kg.store.credentials import Credentials
from kg.store.engines import Engine
from kg.store.virtuoso_bulk import virtuoso_bulk_load

#: bytes sent per chunk of the body
CHUNK = 1 << 20


def store_endpoint(query_url: str, engine: str) -> str:
    """The endpoint that bulk-loads N-Quads into the server behind ``query_url``.

    >>> store_endpoint("http://127.0.0.1:7878/query", "oxigraph")
    'http://127.0.0.1:7878/store?no_transaction'
    """
    if engine != "oxigraph" or not query_url.endswith("/query"):
        raise StoreError(f"kg bulk-load knows the bulk loader of Oxigraph servers only ({query_url} is {engine}): "
                         "load the shards with the engine's own tool (docs/scaling.md), or use kg load")
    return query_url.removesuffix("/query") + "/store?no_transaction"


def post_nquads(url: str, nquads: IO[bytes], credentials: Credentials | None, timeout: float) -> None:
    """POST ``nquads`` to ``url`` as one streamed request; StoreError with the server's words if it refuses."""
    headers = {"Content-Type": "application/n-quads"}
    if credentials is not None:
        if credentials.scheme != "basic":
            raise StoreError("kg bulk-load sends a stream, which Digest authentication cannot take: "
                             "set KG_STORE_AUTH=basic (a proxy in front of the server) or load on the server")
        token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=_chunks(nquads), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as e:
        message = e.read().decode("utf-8", "replace").strip()[:500]
        e.close()
        raise StoreError(f"the server refused the bulk load ({e.code}): {message}") from e
    except OSError as e:
        raise StoreError(f"the bulk load to {url.split('?')[0]} failed: {e}") from e


def _chunks(nquads: IO[bytes]) -> Iterator[bytes]:
    while chunk := nquads.read(CHUNK):
        yield chunk


def server_bulk_load(url: str, nquads: IO[bytes], engine: Engine, credentials: Credentials | None,
                     timeout: float) -> None:
    """Add N-Quads through a server's own bulk loader: Virtuoso's (:mod:`kg.store.virtuoso_bulk`), else
    Oxigraph's ``POST /store?no_transaction`` (:func:`post_nquads`) at the store's ``url``."""
    if engine.name == "virtuoso":
        virtuoso_bulk_load(url, nquads, engine, credentials, timeout)
    else:
        post_nquads(store_endpoint(url, engine.name), nquads, credentials, timeout)
