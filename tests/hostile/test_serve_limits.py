"""The trace and slow-client limits are ``kg serve`` options (issue 13): lowered, a real service
honours them. Their defaults are tested in test_trace.py and test_web_hygiene.py."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import stop
from tests.web.conftest import Live, load_samples, serve


@pytest.fixture(scope="module")
def lowered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("lowered")
    location = str(directory / "db")
    load_samples(location)
    process, url, log = serve(location, directory, "--trace-max-claims", "3", "--headers-deadline", "1",
                              "--body-deadline", "2", "--traces-at-once", "1", "--trace-wait", "60")
    try:
        yield Live(url, "embedded", log)
    finally:
        stop(process)


def test_a_lowered_claim_limit_cuts_the_trace_answer_and_says_so(lowered: Live) -> None:
    text = "".join(f"Study {i} in Scientific Reports (doi:10.1038/s41598-021-81251-2) found {i} cells. "
                   for i in range(10))
    found = requests.post(lowered("/api/trace"), json={"text": text}, timeout=300).json()
    assert len(found["claims"]) == 3 and found["truncated"] is True
    assert found["limits"] == {"max_claims": 3, "max_characters": 1_000_000, "claims_found": 10}
    assert any("only the first 3 of 10 distinct claims are answered" in n for n in found["notes"])


#: seconds the client waits: well under the defaults (10 s for headers, 30 s for a body), well over
#: the lowered limits (1 s, 2 s), so only a lowered limit can end the wait
WAIT = 8.0


def _closed_by_the_service(drip: socket.socket) -> bool:
    """Whether the service closes the connection within :data:`WAIT` seconds."""
    drip.settimeout(WAIT)
    try:
        while drip.recv(65536):
            pass
        return True
    except TimeoutError:
        return False


def test_a_lowered_headers_deadline_drops_a_client_sending_its_headers_slowly(lowered: Live) -> None:
    host, port = lowered.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as drip:
        drip.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        assert _closed_by_the_service(drip)
    assert requests.get(lowered("/healthz"), timeout=30).status_code == 200


def test_a_lowered_body_deadline_answers_a_slow_body_408(lowered: Live) -> None:
    host, port = lowered.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as drip:
        drip.sendall(b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"text\": \"")  # and the rest never
        drip.settimeout(WAIT)
        answer = drip.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
