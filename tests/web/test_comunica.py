"""Comunica, a SPARQL client nobody here wrote, federates kg's /sparql with another source: one query
joining kg's names of works with a Turtle document served by a plain HTTP server on loopback. Comunica
comes from the npm registry with ``make test`` (like axe-core); outside CI its absence skips."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web.conftest import Live

COMUNICA = Path(__file__).resolve().parents[2] / ".venv" / "comunica" / "node_modules" / ".bin" / "comunica-sparql"
DATA = "https://doi.org/10.5555/kg-sample.data"


@pytest.fixture(scope="module")
def comunica() -> str:
    if not COMUNICA.is_file():
        reason = f"the federation test needs Comunica at {COMUNICA}: run `make test` (it installs it with npm)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return str(COMUNICA)


@pytest.fixture
def document(tmp_path: Path) -> Iterator[str]:
    """The URL of a Turtle document, served from a directory by Python's own HTTP server on loopback."""
    (tmp_path / "curation.ttl").write_text(f'<{DATA}> <http://example.org/curatedBy> "Lab X" .\n', "utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/curation.ttl"
    finally:
        server.shutdown()
        server.server_close()


def test_comunica_joins_kg_with_another_source_in_one_federated_query(live: Live, comunica: str,
                                                                      document: str) -> None:
    query = ("SELECT ?name ?lab WHERE { ?dataset <http://example.org/curatedBy> ?lab . "
             "?dataset <http://schema.org/name> ?name }")
    done = subprocess.run([comunica, f"sparql@{live('/sparql')}", document, "-q", query,
                           "-t", "application/sparql-results+json"],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]
    assert [(b["name"]["value"], b["lab"]["value"]) for b in bindings] == [
        ("Sample data set (invented record for kg's sample graph)", "Lab X")]
