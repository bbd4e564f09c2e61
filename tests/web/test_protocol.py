"""The HTTP protocol kg serve runs (kg.web.protocol): header deadlines swept, not timed per answer, and an
answer's head and body written together. Over a real uvicorn server on loopback, in this process, so that
its event loop can be looked at."""

from __future__ import annotations

import asyncio
import gc
import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from kg.web import protocol
from kg.web.protocol import HeaderDeadlineProtocol, JoinedWrites
from tests.conftest import _free_port, run_async


async def _hello(request: object) -> PlainTextResponse:
    return PlainTextResponse("hello " * 10)


@pytest.fixture()
def server() -> Iterator[tuple[uvicorn.Server, int]]:
    port = _free_port()
    config = uvicorn.Config(Starlette(routes=[Route("/", _hello)]), host="127.0.0.1", port=port, log_level="warning",
                            http=HeaderDeadlineProtocol, lifespan="off")
    found = uvicorn.Server(config)
    thread = threading.Thread(target=found.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not found.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert found.started
    yield found, port
    found.should_exit = True
    thread.join(timeout=30)


def test_many_answers_leave_no_timer_behind(server: tuple[uvicorn.Server, int]) -> None:
    _, port = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(300):
        connection.request("GET", "/")
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (200, b"hello " * 10)
    connection.close()
    # a timer per answer (10 s each) was what kept thousands of objects alive under load; now one sweep
    timers = [o for o in gc.get_objects() if isinstance(o, asyncio.TimerHandle) and not o.cancelled()]
    assert len(timers) < 20


def test_a_connection_silent_past_the_deadline_is_closed(server: tuple[uvicorn.Server, int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _, port = server
    monkeypatch.setattr(protocol, "HEADERS_DEADLINE", 0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        started = time.monotonic()
        assert client.recv(1024) == b""  # closed by the service
    assert time.monotonic() - started < 15


class _Recorded(asyncio.Protocol):
    def __init__(self) -> None:
        self.received = b""
        self.closed = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set_result(None)


def test_joined_writes_arrive_whole_in_order_and_are_flushed_before_closing() -> None:
    async def exchange() -> tuple[bytes, bool]:
        loop = asyncio.get_running_loop()
        peers: list[_Recorded] = []

        def made() -> _Recorded:
            peers.append(_Recorded())
            return peers[-1]

        listening = await loop.create_server(made, "127.0.0.1", 0)
        transport, _ = await loop.create_connection(asyncio.Protocol, *listening.sockets[0].getsockname()[:2])
        joined = JoinedWrites(transport, loop)  # type: ignore[arg-type]
        joined.write(b"head ")
        joined.write(b"")
        joined.write(b"body")
        big = b"x" * (protocol.JOINED + 1)
        joined.write(big)  # past the bound: handed to the transport at once, not held
        held = bool(joined._pending)
        joined.write(b" end")
        joined.close()  # what is pending goes out before the connection closes
        await asyncio.wait_for(peers[0].closed, 30)
        listening.close()
        return peers[0].received, held

    received, held = run_async(exchange())
    assert received == b"head body" + b"x" * (protocol.JOINED + 1) + b" end"
    assert not held
