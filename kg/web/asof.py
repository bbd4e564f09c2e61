"""Every answer dated: the ``KG-Graph-As-Of`` header on every response, the graph's as-of date
(the newest sync watermark, :func:`kg.freshness.freshness`), read at most every few seconds and
again after each write through the store, so that it costs nothing per request.

The date is read in a thread of its own, once however many requests ask at the same time: the first
request, and those after a write through the store, wait for it; when only its few seconds are up, the
requests are answered with the date read last while it is read again (a busy service never holds a
request, ``/healthz`` included, behind a queue for the request threads)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.errors import KgError
from kg.freshness import freshness
from kg.store import Store

#: the response header naming the graph's as-of date (absent: the graph was never synced)
HEADER = "KG-Graph-As-Of"
#: seconds an as-of date is reused (other processes' syncs are seen within this)
TTL_S = 10.0
#: seconds a request waits for the date read after a write (beyond, it goes without: the store is not answering)
WAIT_S = 5.0


class GraphAsOf:
    """ASGI middleware adding :data:`HEADER` to every HTTP response."""

    def __init__(self, app: ASGIApp, store: Store, ttl_s: float = TTL_S) -> None:
        self.app, self.store, self.ttl_s = app, store, ttl_s
        self._value: bytes | None = None
        self._read_at = -1e9
        self._generation = -1
        #: the read under way, which every request needing it awaits
        self._reading: asyncio.Future[None] | None = None
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="kg-as-of")

    async def as_of(self) -> bytes | None:
        """The header's value: read again when stale (waited for when never read or written since)."""
        generation = self.store.generation
        if self._generation != generation:  # never read, or written since: wait for a read after the write
            try:
                async with asyncio.timeout(WAIT_S):
                    while self._generation != generation:
                        if self._reading is None:
                            self._reading = asyncio.ensure_future(self._read(generation))
                        await asyncio.shield(self._reading)
            except TimeoutError:  # a store not answering: the request itself will say so
                pass
        if self._reading is None and time.monotonic() - self._read_at > self.ttl_s:
            self._reading = asyncio.ensure_future(self._read(generation))
        return self._value

    async def _read(self, generation: int) -> None:
        try:
            found = await asyncio.get_running_loop().run_in_executor(self._reader, freshness, self.store)
            self._value = found.as_of.isoformat().encode() if found.as_of else None
        except KgError:  # the store does not answer: the request itself will say so
            self._value = None
        finally:
            self._generation, self._read_at, self._reading = generation, time.monotonic(), None

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
