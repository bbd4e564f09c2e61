"""How a SPARQL server fails, told apart: a refused query or update, a server that takes the
connection and then says nothing (frozen, not slow), a connection lost (worth another try), and the
two probes that tell them apart (:func:`accepts`, :func:`answers`)."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

from kg.errors import QuerySyntaxError, StoreError, StoreNotAnsweringError
from kg.store.updates import UpdateRefusedError, short


class RemoteQuerySyntaxError(QuerySyntaxError, StoreError):
    """A SPARQL server answered 400: the text does not parse (or does not fit the endpoint).

    A :class:`QuerySyntaxError` carrying the server's message, and a :class:`StoreError` naming the
    server, as every other refusal of the remote store is.
    """

    def __init__(self, endpoint: str, what: str, message: str) -> None:
        super().__init__(f"{short(message)} (the SPARQL server at {endpoint} refused the {what})")
        #: the server's message, without the text it quotes back (Virtuoso's "SPARQL query: ...")
        self.parser_message = message.split("SPARQL query:")[0].strip()


class RemoteUpdateSyntaxError(RemoteQuerySyntaxError, UpdateRefusedError):
    """A SPARQL server answered an update with 400: refused as malformed (a syntax error, or a limit
    of the engine's that it reports so, as Virtuoso does)."""

    def __init__(self, endpoint: str, message: str) -> None:
        super().__init__(endpoint, "update", message)
        self.server_message = short(message)


class FrozenServerError(StoreNotAnsweringError):
    """The SPARQL server took the connection, then sent nothing for ``seconds``: it is stuck, not slow.

    >>> str(FrozenServerError("http://127.0.0.1:7878/query", 30))
    'the SPARQL server at http://127.0.0.1:7878/query accepted the connection but answered nothing in 30 s'
    """

    def __init__(self, endpoint: str, seconds: float, *, started: bool = False) -> None:
        self.endpoint = endpoint
        said = "started its answer, then sent nothing more for" if started else "answered nothing in"
        super().__init__(f"the SPARQL server at {endpoint} accepted the connection but {said} {seconds:g} s",
                         seconds)


class ConnectionLostError(Exception):
    """The connection was refused, reset or dropped (its cause is the socket's error): worth another try."""


def accepts(endpoint: str, seconds: float = 5.0) -> bool:
    """Whether the server's host takes a TCP connection within ``seconds``."""
    where = urlsplit(endpoint)
    port = where.port or (443 if where.scheme == "https" else 80)
    try:
        with socket.create_connection((where.hostname or "", port), timeout=seconds):
            return True
    except OSError:
        return False


def answers(endpoint: str, seconds: float = 5.0) -> bool:
    """Whether the server answers a trivial query (``ASK {}``) within ``seconds``, on a connection of
    its own, with anything at all (an error status too): alive, however long another query takes."""
    where = urlsplit(endpoint)
    port = where.port or (443 if where.scheme == "https" else 80)
    body = b"query=ASK%20%7B%7D"
    connection = (http.client.HTTPSConnection if where.scheme == "https" else http.client.HTTPConnection)(
        where.hostname or "", port, timeout=seconds)
    try:
        connection.request("POST", where.path or "/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        connection.getresponse().read(1)
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
