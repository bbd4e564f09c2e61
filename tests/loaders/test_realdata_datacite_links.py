"""DataCite's ``relationships.citations`` and ``relationships.references`` over the real recorded corpus
(``../shared/realdata``): each DOI DataCite lists as citing a work, or cited by it, is a ``cito:cites`` edge
in the work's DataCite record graph (asserted by DataCite), so a figshare record DataCite says one work cites
no longer shows "0 works in this graph · DataCite reports 1". Expectations are read from the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.graph import KnowledgeGraph
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA, corpus_files, expectations, load_file, select

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

DATACITE = corpus_files("datacite/dois/*.json", "datacite/dois-lists/*.json")
FIGSHARE = REALDATA / "datacite" / "dois" / "10.6084_m9.figshare.1449060.json"


def test_the_corpus_holds_datacite_citation_links_both_ways() -> None:
    every = [e for param in DATACITE for e in expectations(param.values[0])]
    assert sum(len(e.cited_by) for e in every) >= 10
    assert sum(len(e.references) for e in every) >= 5


@pytest.mark.parametrize("path", DATACITE)
def test_datacite_citation_links_are_in_the_datacite_record_graph(path: Path) -> None:
    store = load_file(path).store
    for e in expectations(path):
        rows = select(store, "SELECT ?s ?o WHERE { GRAPH ?g { ?s cito:cites ?o } }", g=e.graph)
        edges = {(r["s"], r["o"]) for r in rows}
        assert {(e.work, cited) for cited in e.references} <= edges, e.doi
        assert {(citer, e.work) for citer in e.cited_by} <= edges, e.doi


def test_a_figshare_record_datacite_says_is_cited_counts_its_citer_in_the_graph(tmp_path: Path) -> None:
    e = expectations(FIGSHARE)[0]
    links = json.loads(FIGSHARE.read_text("utf-8"))["data"]["relationships"]["citations"]["data"]
    reported = {link["id"].lower() for link in links}
    assert {n.value for n in e.cited_by} == {ids.doi_iri(d) for d in reported} and reported
    with Store.open(str(tmp_path / "db")) as store:
        assert load(store, read_paths([FIGSHARE])).rejected == 0
        item = KnowledgeGraph(store).metrics.item(NamedNode(e.work.value))
        assert item.citations.total == len(reported)
