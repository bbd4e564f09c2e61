"""References whose DOI is written only in their text, over the real recorded Crossref corpus
(``../shared/realdata``): a reference without a ``DOI`` field whose ``unstructured`` text names one DOI
(a doi.org link, or "doi:") cites that DOI, asserted by kg ("kg: found in the reference text"); no other
reference is said to be. Expectations are read from the JSON (tests/loaders/test_realdata.doi_written_in),
never from kg's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg import ids
from kg.chains import evidence_chain
from kg.store import Store
from loaders.fields import FOUND_IN_TEXT
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, PREFIXES, REALDATA, corpus_files, doi_written_in, load_file, raw_items

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

CROSSREF = corpus_files("crossref/works/*.json", "crossref/works-lists/*.json")
RSPB = REALDATA / "crossref" / "works" / "10.1098_rspb.2017.0132.json"


def written(path: Path) -> dict[tuple[str, int], str]:
    """(citing DOI, reference position) -> the DOI its text names, for every reference of the file without
    a ``DOI`` field whose ``unstructured`` names one (the last record of a DOI wins, as in the store)."""
    records = {ids.normalize_doi(item["DOI"]): item for item in raw_items(path)[1]}
    return {(doi, position): found for doi, item in records.items()
            for position, ref in enumerate(item.get("reference") or [], start=1)
            if not ref.get("DOI") and (found := doi_written_in(ref.get("unstructured"))) and found != doi}


def asserted_by_kg(path: Path) -> dict[tuple[str, int], str]:
    """(citing DOI, position) -> cited DOI of every reference node the graph says kg found in the text."""
    rows = load_file(path).store.select(PREFIXES + """SELECT ?work ?position ?cited WHERE { GRAPH ?g {
        ?work kg:citedAs ?ref . ?ref kg:doiAssertedBy ?by ; schema:position ?position ; kg:citedWork ?cited .
        ?work cito:cites ?cited } }""", {"by": Literal(FOUND_IN_TEXT)}).dicts()
    return {(ids.doi_from_iri(r["work"].value), int(r["position"].value)): ids.doi_from_iri(r["cited"].value)
            for r in rows}


@pytest.mark.parametrize("path", CROSSREF)
def test_a_doi_written_only_in_a_reference_text_is_cited_and_marked_found_by_kg(path: Path) -> None:
    assert asserted_by_kg(path) == written(path)


def test_the_corpus_holds_references_with_a_doi_only_in_their_text() -> None:
    every = {key: doi for param in CROSSREF for key, doi in written(param.values[0]).items()}
    assert len(every) >= 5
    assert ("10.1098/rspb.2017.0132", 54) in every
    assert every[("10.1098/rspb.2017.0132", 54)] == "10.5061/dryad.1b15j"


def test_the_chain_of_an_article_reaches_the_dryad_data_set_its_reference_text_names(tmp_path: Path) -> None:
    written_dois = set(written(RSPB).values())
    dryad = {doi for doi in written_dois if doi.startswith("10.5061/")}
    assert dryad, "the rspb.2017.0132 record names a Dryad DOI in a reference's text"
    with Store.open(str(tmp_path / "db")) as store:
        assert load(store, read_paths([RSPB])).rejected == 0
        chain = evidence_chain(store, "10.1098/rspb.2017.0132", max_depth=1)
    reached = {n.iri for n in chain.nodes}
    assert {NamedNode(ids.doi_iri(doi)).value for doi in dryad} <= reached
    hop = next(h for h in chain.hops if h.to == ids.doi_iri(next(iter(dryad))))
    assert {a.source for a in hop.assertions} == {"crossref"}
