"""The metrics summary of a SPARQL server, kept on this machine (kg.store.remote_cues): built from the server
a few graphs at a time (Virtuoso cuts the tests' answers at 500 rows), equal to the embedded store's; read
only while the server's mark is the one it is complete at, so another machine's load turns it off until
``kg index-metrics`` builds it again, while a write through a process on this machine keeps it."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.errors import StoreError
from kg.graph import KnowledgeGraph
from kg.metrics import funder_metrics, item_metrics, summarised
from kg.store import Store
from kg.store.records import RecordGraph
from kg.vocab import CITO, SCHEMA
from loaders.bulkmap import map_inputs
from loaders.pipeline import load
from loaders.read import read_paths
from tests.kg.metrics.test_summary import _contents
from tests.kg.store.conftest import record
from tests.kg.store.test_virtuoso import SAMPLES, clear
from tests.kg.test_chains import REALDATA

FUNDER = "10.13039/100000001"
TOOL = "10.5555/kg-sample.tool.v1"
#: references past the tests' Virtuoso row cap (500) in one record graph: its rows are read a page at a time
MANY = 600


def citing_many(doi: str) -> RecordGraph:
    """A record funded by the samples' funder that cites the sample tool and ``MANY`` other works."""
    cited = [(CITO.cites, NamedNode(f"https://doi.org/10.5555/cited.{i}")) for i in range(MANY)]
    return record(doi, (SCHEMA.funder, NamedNode(f"https://doi.org/{FUNDER}")),
                  (CITO.cites, NamedNode(f"https://doi.org/{TOOL}")), *cited)


def answers(store: Store) -> list[object]:
    return [funder_metrics(store, FUNDER), item_metrics(store, TOOL)]


@pytest.fixture(params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.slow)])
def server(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A server holding the samples and one record of many references (written by another machine: its summary
    is not complete here), this machine's summary files in a folder of the test's own."""
    url = request.getfixturevalue(f"{request.param}_server")
    monkeypatch.setenv("KG_CUE_INDEX_DIR", str(tmp_path / "elsewhere"))
    with Store.open(url) as store:
        clear(store)
        assert load(store, read_paths([SAMPLES])).rejected == 0
        store.write([citing_many("10.5555/many")])
    monkeypatch.setenv("KG_CUE_INDEX_DIR", str(tmp_path / "here"))
    yield url
    with Store.open(url) as store:
        clear(store)


@pytest.fixture
def embedded() -> Iterator[Store]:
    """The same records in an embedded store, its summary kept on every write."""
    with Store.open(None) as store:
        assert load(store, read_paths([SAMPLES])).rejected == 0
        store.write([citing_many("10.5555/many")])
        yield store


def wait_until_off(store: Store, seconds: float = 20) -> None:
    """Until the store no longer reads its summary (the server's mark is read again every few seconds)."""
    deadline = time.monotonic() + seconds
    while store.complete_summary() is not None:
        assert time.monotonic() < deadline, "the summary is still read after another machine's load"
        time.sleep(0.2)


def test_a_servers_summary_is_built_a_few_graphs_at_a_time_equal_to_the_embedded_stores(
        server: str, embedded: Store) -> None:
    with Store.open(server) as remote:
        assert remote.complete_summary() is None  # loaded by another machine: asked of the server
        asked = answers(remote)
        graphs = KnowledgeGraph(remote).index_metrics()
        assert graphs == embedded.metrics_summary.graph_count()
        assert _contents(remote.metrics_summary) == _contents(embedded.metrics_summary)
        assert remote.complete_summary() is not None
        assert answers(remote) == asked == answers(embedded)
        assert funder_metrics(remote, FUNDER).outputs >= 2  # the samples' and the record of many references
    with Store.open(server) as later:  # the next process on this machine: complete at the server's mark
        assert later.complete_summary() is not None


def test_another_machines_load_turns_the_summary_off_a_load_here_keeps_it(server: str, embedded: Store,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(server) as here, Store.open(server) as beside:
        KnowledgeGraph(here).index_metrics()
        assert beside.complete_summary() is not None

        # a process beside it on this machine writes through the same file: the summary stays complete
        grant = record("10.5555/beside", (SCHEMA.funder, NamedNode(f"https://doi.org/{FUNDER}")))
        beside.write([grant])
        embedded.write([grant])
        assert beside.complete_summary() is not None
        deadline = time.monotonic() + 20
        while here.complete_summary() is None:  # its mark read again within seconds: the same as the file's
            assert time.monotonic() < deadline, "the summary is off after a write on this machine"
            time.sleep(0.2)
        assert answers(here) == answers(embedded)

        # another machine loads: the server's mark moves past the summary's, which is read no more
        monkeypatch.setenv("KG_CUE_INDEX_DIR", str(Path(str(here.cue_index_path())).parent.parent / "elsewhere"))
        with Store.open(server) as elsewhere:
            other = record("10.5555/elsewhere", (SCHEMA.funder, NamedNode(f"https://doi.org/{FUNDER}")))
            elsewhere.write([other])
            embedded.write([other])
        wait_until_off(here)
        assert answers(here) == answers(embedded)  # asked of the server meanwhile: the same answers
        later = record("10.5555/later", (CITO.cites, NamedNode(f"https://doi.org/{TOOL}")))
        here.write([later])  # its rows go in, but the summary lacks the other machine's record: still off
        embedded.write([later])
        assert here.complete_summary() is None and not here.metrics_summary.built
        assert answers(here) == answers(embedded)

        KnowledgeGraph(here).index_metrics()
        assert here.complete_summary() is not None
        assert _contents(here.metrics_summary) == _contents(embedded.metrics_summary)
        assert answers(here) == answers(embedded)


def test_a_sparql_update_or_a_bulk_load_through_this_process_turns_the_summary_off(server: str) -> None:
    """kg cannot see into either: the summary is read again only once built again."""
    with Store.open(server) as here:
        KnowledgeGraph(here).index_metrics()
        grant = f"<https://doi.org/10.5555/updated> <{SCHEMA.funder.value}> <https://doi.org/{FUNDER}>"
        here.update(f"INSERT DATA {{ GRAPH <https://w3id.org/evidence-kg/graph/test/updated> {{ {grant} }} }}")
        assert here.complete_summary() is None
        KnowledgeGraph(here).index_metrics()
        assert here.complete_summary() is not None
        if here.profile.engine == "oxigraph":  # its POST /store (Virtuoso's loader needs a folder it reads)
            here.bulk_load(io.BytesIO(f"{grant} <https://w3id.org/evidence-kg/graph/test/bulk> .\n".encode()))
            assert here.complete_summary() is None and not here.metrics_summary.built


def test_a_server_bulk_loaded_when_empty_has_its_summary_from_the_shards(
        oxigraph_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kg bulk-load into an empty server builds the summary from the shards it sent (what the server then
    holds, not asked of it); another machine builds its own from them with ``kg index-metrics --shards``;
    shards the server was not loaded from are refused, naming a graph it lacks."""
    inputs = [SAMPLES, sorted(SAMPLES.rglob("*.json"))[0]]  # one record twice: kg load's version of it is kept
    map_inputs(inputs, tmp_path / "shards", jobs=1)
    with Store.open(None) as embedded:
        load(embedded, read_paths(inputs))
        expected, graphs = _contents(embedded.metrics_summary), embedded.metrics_summary.graph_count()
        asked = answers(embedded)
    monkeypatch.setenv("KG_CUE_INDEX_DIR", str(tmp_path / "here"))

    def rows_asked(store: Store) -> Iterator[tuple[str, str, str, str]]:
        raise AssertionError("the summary's rows were asked of the server")

    monkeypatch.setattr(summarised, "_store_rows", rows_asked)
    with Store.open(oxigraph_server) as remote:
        clear(remote)
        try:
            KnowledgeGraph(remote).bulk_load(tmp_path / "shards")
            assert remote.complete_summary() is not None
            assert _contents(remote.metrics_summary) == expected
            assert answers(remote) == asked

            monkeypatch.setenv("KG_CUE_INDEX_DIR", str(tmp_path / "another machine"))
            with Store.open(oxigraph_server) as beside:
                assert beside.complete_summary() is None
                map_inputs([REALDATA / "crossref" / "works"], tmp_path / "other shards", jobs=1)
                with pytest.raises(StoreError, match=r"does not hold the graph https://w3id.org/evidence-kg/graph/"
                                                     r"crossref/\S+ of the shard"):
                    KnowledgeGraph(beside).index_metrics(shards=tmp_path / "other shards")
                assert KnowledgeGraph(beside).index_metrics(shards=tmp_path / "shards") == graphs
                assert beside.complete_summary() is not None
                assert _contents(beside.metrics_summary) == expected
        finally:
            clear(remote)
