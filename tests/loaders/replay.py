"""A real HTTP server on 127.0.0.1 replaying scripted answers, for the loaders' HTTP tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to stall before answering
    truncate: bool = False  # announce the full Content-Length, send half the body, hang up


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class ReplayServer:
    """A real threaded HTTP server answering each path from a queue of replies.

    The last reply queued for a path is repeated for every further request.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        #: paths answered by a function of the request instead of a queue (a scripted timeline)
        self.handlers: dict[str, Callable[[Seen], Reply]] = {}
        self.seen: list[Seen] = []
        self.release = threading.Event()  # cuts stalled handlers short at teardown
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)

    def add(self, path: str, *replies: Reply) -> str:
        """Queue replies for ``path``; returns its absolute URL."""
        self.routes.setdefault(path, []).extend(replies)
        return self.base + path

    def paths(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            seen = Seen(handler.command, split.path, parse_qs(split.query), dict(handler.headers.items()), body)
            self.seen.append(seen)
            answer = self.handlers.get(split.path)
            if answer is not None:
                reply = answer(seen)
            else:
                queue = self.routes.get(split.path) or [Reply(404, b"Resource not found.")]
                reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply.delay:
            self.release.wait(reply.delay)
        try:
            # send_response adds the server's own Date; a scripted Date replaces it (two would be
            # joined into one unparseable value by the client)
            handler.log_request(reply.status)
            handler.send_response_only(reply.status)
            handler.send_header("Server", handler.version_string())
            if not any(name.lower() == "date" for name in reply.headers):
                handler.send_header("Date", handler.date_time_string())
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body[: len(reply.body) // 2] if reply.truncate else reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout test intends

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def do_POST(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()
