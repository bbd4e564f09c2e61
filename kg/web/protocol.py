"""The HTTP/1.1 protocol ``kg serve`` runs: uvicorn's h11 protocol, with a deadline on a request's
headers (issue 13, finding 8). uvicorn closes an idle kept-alive connection after
``timeout_keep_alive`` seconds, but a client that sends its headers a byte at a time keeps a
connection open for ever (each byte restarts nothing and ends nothing). Here a connection whose
request headers are not all in :data:`HEADERS_DEADLINE` seconds after it opened (or after its last
answer) is closed. The body's own deadline is :class:`kg.web.app.BodyLimit`'s.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

#: seconds a client has to send a request's headers, from the connection's start or the last answer
HEADERS_DEADLINE = 10.0


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers take over :data:`HEADERS_DEADLINE` s."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_due()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._headers_due()

    def _headers_due(self) -> None:
        # the request cycle is made when the headers are all in: still the same one later, they are not
        self.loop.call_later(HEADERS_DEADLINE, self._close_if_waiting, self.cycle)

    def _close_if_waiting(self, cycle: object) -> None:
        if self.cycle is cycle and not self.transport.is_closing():
            self.transport.close()
