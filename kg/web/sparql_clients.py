"""Fair shares of the /sparql query workers: how many queries each client address has running, and
the refusal of one more than a client may run at once.

Without it one client sending runaway queries, one per worker, holds every worker until the time
limit, and every other client's query waits (kg issue 13). With it, a client's query beyond its
share is refused at once (HTTP 429 with Retry-After) and the other workers stay for other clients.
Counted per address as the service sees it: behind a proxy, start uvicorn with the proxy's address
trusted (``--forwarded-allow-ips``) so that each client's own address is counted.

>>> clients = ClientQueries()
>>> with clients.admitted("10.0.0.1", limit=1):
...     clients.running("10.0.0.1")
1
>>> clients.running("10.0.0.1")
0
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from kg.errors import TooManyQueriesError


class ClientQueries:
    """The queries each client has running."""

    def __init__(self) -> None:
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    def running(self, client: str) -> int:
        with self._lock:
            return self._running[client]

    @contextmanager
    def admitted(self, client: str, limit: int) -> Iterator[None]:
        """Hold one of the client's ``limit`` places while the block runs; raises TooManyQueriesError
        when the client has them all already."""
        with self._lock:
            if self._running[client] >= limit:
                raise TooManyQueriesError(limit)
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
