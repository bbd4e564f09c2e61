"""A real ``kg serve`` for the attacks: the sample graph on disk plus 3,000 triples more (enough for a
cross join sorted by ORDER BY to need gigabytes), its query workers limited to 1 GB each, answers to
1 MB, one query at a time per client address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from kg.store import Store
from tests.conftest import stop
from tests.web.conftest import Live, load_samples, serve

#: the limits of the service under attack
QUERY_TIMEOUT = 15
QUERY_MEMORY_MB = 1024
MAX_ANSWER_BYTES = 1_000_000
#: triples added to the sample graph, in a graph of their own
EXTRA = 3_000
#: the process id of each service under attack, by its base URL
PIDS: dict[str, int] = {}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="package")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    directory = tmp_path_factory.mktemp("hostile")
    location = str(directory / "db")
    load_samples(location)
    with Store.open(location) as store:
        store.update("INSERT DATA { GRAPH <urn:kg-test:extra> { "
                     + " ".join(f'<urn:kg-test:s{i}> <urn:kg-test:p> "{i}" .' for i in range(EXTRA)) + " } }")
    process, url, log = serve(location, directory, "--query-timeout", str(QUERY_TIMEOUT),
                              "--query-memory-mb", str(QUERY_MEMORY_MB), "--max-answer-bytes", str(MAX_ANSWER_BYTES),
                              "--queries-per-client", "1")
    PIDS[url] = process.pid
    try:
        yield Live(url, "embedded", log)
    finally:
        stop(process)


class _From(HTTPAdapter):
    """Connections from one loopback address (Linux routes all of 127.0.0.0/8 to the loopback)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """An HTTP client whose requests come from ``address`` (another client, to the service)."""
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def stored(live: Live) -> int:
    """Quads in the store behind the service."""
    answer = requests.get(live("/sparql"), params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=60)
    assert answer.status_code == 200, answer.text
    return int(answer.text.splitlines()[1])


def peak_memory_mb(live: Live) -> float:
    """The most memory the service's process has held since it started (VmHWM), in MB."""
    for line in Path(f"/proc/{PIDS[live.url]}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/<pid>/status")


def healthy(live: Live) -> bool:
    """Whether /healthz answers (a generous timeout: the machine running the tests may be loaded)."""
    return requests.get(live("/healthz"), timeout=10).status_code == 200
