"""The HTTP/1.1 protocol ``kg serve`` runs: uvicorn's h11 protocol, with a deadline on a request's
headers (issue 13, finding 8). uvicorn closes an idle kept-alive connection after
``timeout_keep_alive`` seconds, but a client that sends its headers a byte at a time keeps a
connection open for ever (each byte restarts nothing and ends nothing). Here a connection whose
request headers are not all in :data:`HEADERS_DEADLINE` seconds after it opened (or after its last
answer) is closed. The body's own deadline is :class:`kg.web.app.BodyLimit`'s. And an answer's head
and body are written to the socket together (:class:`JoinedWrites`).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

#: seconds a client has to send a request's headers, from the connection's start or the last answer
HEADERS_DEADLINE = 10.0
#: bytes of an answer held to be written together at most (:class:`JoinedWrites`)
JOINED = 64 << 10


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take over :data:`HEADERS_DEADLINE` s.

    The deadlines are checked by one sweep of the open connections every second or so (:class:`_Deadlines`),
    not by a timer per answer: at 2,000 answers a second, 10 s timers were 20,000 live objects, which
    Python's garbage collector walked again and again (full collections of 0.1-0.7 s, every 2-3 s, on the
    event loop: the tail of every answer)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(JoinedWrites(transport, asyncio.get_running_loop()))  # type: ignore[arg-type]
        self._headers_due()

    def connection_lost(self, exc: Exception | None) -> None:
        _Deadlines.of(self.loop).forget(self)
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._headers_due()

    def _headers_due(self) -> None:
        # the request cycle is made when the headers are all in: still the same one later, they are not
        _Deadlines.of(self.loop).due(self, self.loop.time() + HEADERS_DEADLINE, self.cycle)

    def _close_if_waiting(self, cycle: object) -> None:
        if self.cycle is cycle and not self.transport.is_closing():
            self.transport.close()


class _Deadlines:
    """The header deadlines of a loop's connections, checked by one timer every :meth:`every` seconds."""

    _by_loop: dict[asyncio.AbstractEventLoop, _Deadlines] = {}

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: dict[HeaderDeadlineProtocol, tuple[float, object]] = {}
        self.timer: asyncio.TimerHandle | None = None

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _Deadlines:
        found = cls._by_loop.get(loop)
        if found is None:
            for gone in [other for other in cls._by_loop if other.is_closed()]:
                del cls._by_loop[gone]
            found = cls._by_loop[loop] = cls(loop)
        return found

    @staticmethod
    def every() -> float:
        return min(1.0, HEADERS_DEADLINE / 4)

    def due(self, protocol: HeaderDeadlineProtocol, at: float, cycle: object) -> None:
        self.waiting[protocol] = (at, cycle)
        if self.timer is None:
            self.timer = self.loop.call_later(self.every(), self._sweep)

    def forget(self, protocol: HeaderDeadlineProtocol) -> None:
        self.waiting.pop(protocol, None)

    def _sweep(self) -> None:
        now = self.loop.time()
        for protocol, (at, cycle) in list(self.waiting.items()):
            if at <= now:
                del self.waiting[protocol]
                protocol._close_if_waiting(cycle)
        self.timer = self.loop.call_later(self.every(), self._sweep) if self.waiting else None


class JoinedWrites:
    """A transport whose writes made in one turn of the event loop go out as one: uvicorn writes an answer's
    head and its body apart, two system calls and two wake-ups of the client for one answer (about a tenth
    of the service's CPU per kept answer). What is pending is written at once past :data:`JOINED` bytes, so
    a long streamed answer is not held in memory (and the transport's flow control still sees it)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)
        self._size += len(data)
        if self._size >= JOINED:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
            self._pending.clear()
            self._size = 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)
