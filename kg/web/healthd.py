"""``kg serve --health-port``: ``GET /healthz`` answered by a small process of its own, from the service's heartbeat.

The service's port answers /healthz on its event loop, behind every request queued there; a thread of the
service answering on another port still waits for Python's interpreter lock, which 8 request threads and
the event loop hold in turn (p99 about 400 ms at 200 clients on 2 cores). This process holds no lock of
the service's: it imports nothing but the standard library (run as a script, never as ``kg.web...``, so
that not even ``kg`` is imported), and answers each probe from the file the service writes about once a
second (:class:`kg.web.health.HealthProcess`): the service's own ``/healthz`` answer and when it was written
(``time.monotonic()``: one clock for every process of a Linux machine, whatever the wall clock does).

- the heartbeat is fresh (written less than ``--stale`` seconds ago): its answer, 200 or 503 as the
  service computed it (503 when the store did not answer its last check);
- it is stale: 503, ``"the service has not answered for N s"``: the service's event loop is stuck
  (or gone), which a thread of the service could not have told;
- no heartbeat yet: 503, ``"the service has not started yet"``.

The service starts it in a session of its own: where Linux groups each session's processes for CPU
(autogroup), a probe then does not wait for the CPU behind the service's busy threads either.

It exits when the service that started it is gone (its parent's pid changes), and binds its port with
``SO_REUSEPORT``, so that the processes of ``kg serve --workers N`` each start one on the same port (each
probe is answered by one of them, for its own worker).

    python kg/web/healthd.py --port 8001 --heartbeat /dev/shm/kg-health-123/heartbeat.json --parent 123
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

#: seconds after which a heartbeat not renewed means the service is not answering
STALE = 10.0
#: seconds between two checks that the service is still there
PARENT_EVERY = 0.5
#: seconds a probe's connection may stay silent before it is dropped
CLIENT_TIMEOUT = 2.0


def answer(heartbeat: Path, stale: float, now: float | None = None) -> tuple[int, dict[str, object]]:
    """The status and body of ``/healthz`` from the heartbeat file (see the module's description).

    >>> answer(Path("/nonexistent/heartbeat.json"), 10.0)
    (503, {'status': 'unavailable', 'problem': 'the service has not started yet'})
    """
    try:
        beat = json.loads(heartbeat.read_bytes())
        at, status, body = float(beat["at"]), int(beat["status"]), dict(beat["body"])
    except (OSError, ValueError, KeyError, TypeError):
        return 503, {"status": "unavailable", "problem": "the service has not started yet"}
    age = (time.monotonic() if now is None else now) - at
    if age > stale:
        return 503, {"status": "unavailable", "problem": f"the service has not answered for {age:.0f} s"}
    return status, body


class HealthServer(HTTPServer):
    """Answers ``GET /healthz`` (and ``HEAD``) from the heartbeat; 404 for anything else. One probe at a time,
    in the process's one thread (no thread started per probe: one wake-up less for each), each connection
    closed after its answer; a client silent for :data:`CLIENT_TIMEOUT` seconds is dropped."""

    allow_reuse_address = True
    allow_reuse_port = True

    def __init__(self, host: str, port: int, heartbeat: Path, stale: float = STALE, parent: int | None = None) -> None:
        self.heartbeat, self.stale, self.parent = heartbeat, stale, parent
        self._parent_checked = 0.0
        super().__init__((host, port), _Request)

    def service_actions(self) -> None:
        """Between two requests (at least every half second): stop once the service is gone."""
        if self.parent is None or time.monotonic() - self._parent_checked < PARENT_EVERY:
            return
        self._parent_checked = time.monotonic()
        if os.getppid() != self.parent:  # the service is gone (killed: it could not remove its heartbeat)
            for leftover in (self.heartbeat, self.heartbeat.with_name(f".{self.heartbeat.name}")):
                leftover.unlink(missing_ok=True)
            if self.heartbeat.parent.name.startswith("kg-health-"):
                try:
                    self.heartbeat.parent.rmdir()
                except OSError:
                    pass
            raise SystemExit(0)  # out of serve_forever: the process ends


class _Request(BaseHTTPRequestHandler):
    server: HealthServer
    protocol_version = "HTTP/1.0"  # one answer per connection: a kept-alive probe would hold the one thread
    timeout = CLIENT_TIMEOUT

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.split("?", 1)[0] != "/healthz":
            self._send(404, {"status": "not found", "problem": "this port answers GET /healthz only"})
            return
        self._send(*answer(self.server.heartbeat, self.server.stale))

    do_HEAD = do_GET  # noqa: N815

    def _send(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--heartbeat", type=Path, required=True)
    parser.add_argument("--stale", type=float, default=STALE)
    parser.add_argument("--parent", type=int, help="the service's pid: exit once it is gone")
    args = parser.parse_args(argv)
    try:
        server = HealthServer(args.host, args.port, args.heartbeat, args.stale, args.parent)
    except OSError as e:
        print(f"kg health: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    print("ready", flush=True)  # the service waits for this line: the port is bound
    with server:
        server.serve_forever(poll_interval=PARENT_EVERY)


if __name__ == "__main__":
    main()
