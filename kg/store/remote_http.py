"""Kept-alive connections to the SPARQL servers of remote stores.

urllib (which SPARQLWrapper sends with) opens a TCP connection a request and asks the server to close
it (``Connection: close``): a connect, and a socket left in TIME_WAIT, for every catalogue query. The
handlers here keep the connections to the servers :func:`keep_alive` named open between requests, a few
a server (one a thread asking at once), and send each request on an idle one; any other URL goes as
urllib sends it. A kept connection the server closed meanwhile (its keep-alive timeout) is replaced by
a new one at once, before the request is counted as failed; an answer not read to its end, or that the
server ends the connection after, closes its connection.
"""

from __future__ import annotations

import atexit
import http.client
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

#: idle connections kept a server; more (threads asking at once) are closed after their answer
IDLE = 8


def server_of(url: str) -> str:
    """``scheme://host:port`` of a URL: what a connection (and a Digest challenge) is kept for."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _KeptResponse(http.client.HTTPResponse):
    """An answer that gives its connection back when read to its end (closes it otherwise)."""

    give_back: Callable[[bool], None] | None = None
    _ended = False

    def _read_and_discard_trailer(self) -> None:  # the end of a chunked answer
        super()._read_and_discard_trailer()  # type: ignore[misc]
        self._ended = True

    def _close_conn(self) -> None:
        ended = self._ended or (not self.chunked and self.length == 0)
        super()._close_conn()  # type: ignore[misc]
        give_back, self.give_back = self.give_back, None
        if give_back is not None:
            give_back(ended and not self.will_close)


class _Pool:
    """The idle connections to each kept server."""

    def __init__(self) -> None:
        self.servers: set[str] = set()
        self._idle: dict[str, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def take(self, server: str) -> http.client.HTTPConnection | None:
        with self._lock:
            idle = self._idle.get(server)
            return idle.pop() if idle else None

    def give_back(self, server: str, connection: http.client.HTTPConnection, reusable: bool) -> None:
        with self._lock:
            idle = self._idle.setdefault(server, [])
            if reusable and len(idle) < IDLE:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close every idle connection (at the process's exit: none is left to the garbage collector)."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()


_pool = _Pool()
atexit.register(_pool.close)


def keep_alive(url: str) -> None:
    """Keep connections to the server of ``url`` open between requests (sent through urllib's opener, which
    :func:`kg.store.credentials.install_digest` or :func:`kg.store.credentials.install` installs)."""
    _pool.servers.add(server_of(url))


class _Kept:
    """What the HTTP and HTTPS handlers share: a request to a kept server goes on a kept connection."""

    def _kept_open(self, connection_class: type[http.client.HTTPConnection], req: urllib.request.Request,
                   **kwargs: Any) -> Any:
        server = server_of(req.full_url)
        if server not in _pool.servers:
            return self.do_open(connection_class, req, **kwargs)  # type: ignore[attr-defined]
        headers = dict(req.unredirected_hdrs)
        headers.update({k: v for k, v in req.headers.items() if k not in headers})
        headers = {name.title(): value for name, value in headers.items()}
        while True:
            connection = _pool.take(server)
            reused = connection is not None
            if connection is None:
                connection = connection_class(req.host, timeout=req.timeout, **kwargs)
                connection.response_class = _KeptResponse
            elif connection.sock is not None:
                # this request's own limit (None: wait as long as it takes), not the one the connection was
                # opened or last used with
                connection.sock.settimeout(req.timeout if isinstance(req.timeout, (int, float, type(None)))
                                           else socket.getdefaulttimeout())
            try:
                try:
                    connection.request(req.get_method(), req.selector, req.data, headers,
                                       encode_chunked=req.has_header("Transfer-encoding"))
                except OSError as e:
                    raise urllib.error.URLError(e) from e
                answer = connection.getresponse()
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as e:
                connection.close()
                resendable = req.data is None or isinstance(req.data, bytes)  # not a stream half sent
                # (the error not kept in a local: its traceback holds this frame and, through the callers'
                # frames, their answers, which a garbage collection would then free in whatever thread it
                # runs; pyoxigraph refuses to free its answers elsewhere than where they were made)
                if reused and resendable and isinstance(getattr(e, "reason", e),
                                                        (ConnectionError, http.client.BadStatusLine)):
                    continue  # closed by the server while idle: a new connection
                raise
            except BaseException:
                connection.close()
                raise
            assert isinstance(answer, _KeptResponse)
            answer.give_back = lambda reusable, c=connection: _pool.give_back(server, c, reusable)
            answer.url = req.get_full_url()
            answer.msg = answer.reason  # type: ignore[assignment]
            return answer


class KeptHTTPHandler(_Kept, urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self._kept_open(http.client.HTTPConnection, req)


class KeptHTTPSHandler(_Kept, urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        return self._kept_open(http.client.HTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]

