"""Every answer dated: the ``KG-Graph-As-Of`` header on every response, the graph's as-of date
(the newest sync watermark, :func:`kg.freshness.freshness`), read at most every few seconds and
again after each write through the store, so that it costs nothing per request."""

from __future__ import annotations

import time

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import KgError
from kg.freshness import freshness
from kg.store import Store

#: the response header naming the graph's as-of date (absent: the graph was never synced)
HEADER = "KG-Graph-As-Of"
#: seconds an as-of date is reused (other processes' syncs are seen within this)
TTL_S = 10.0


class GraphAsOf:
    """ASGI middleware adding :data:`HEADER` to every HTTP response."""

    def __init__(self, app: ASGIApp, store: Store, ttl_s: float = TTL_S) -> None:
        self.app, self.store, self.ttl_s = app, store, ttl_s
        self._value: bytes | None = None
        self._read_at = -1e9
        self._generation = -1

    async def as_of(self) -> bytes | None:
        """The header's value, read again when stale."""
        if time.monotonic() - self._read_at > self.ttl_s or self.store.generation != self._generation:
            self._generation = self.store.generation
            try:
                found = await anyio.to_thread.run_sync(freshness, self.store)
                self._value = found.as_of.isoformat().encode() if found.as_of else None
            except KgError:  # the store does not answer: the request itself will say so
                self._value = None
            self._read_at = time.monotonic()
        return self._value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = await self.as_of()

        async def dated(message: Message) -> None:
            if message["type"] == "http.response.start" and value is not None:
                message = {**message, "headers": [*message.get("headers", []), (HEADER.lower().encode(), value)]}
            await send(message)

        await self.app(scope, receive, dated)
