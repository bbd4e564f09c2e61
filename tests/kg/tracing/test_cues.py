"""Cue matching: each signal's strength, the noisy-or, the year check, ties, and the index read
from the graph (titles without their bracketed remarks, authors by position, venues, facilities),
kept between traces until the store is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.store import Store
from kg.tracing import trace
from kg.tracing.claims import ClaimSpan, Cue, content_words
from kg.tracing.cues import CueIndex, IndexedWork, cue_index, read_cue_index
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[3]


def claim(text: str, *cues: Cue) -> ClaimSpan:
    return ClaimSpan(text, 0, len(text), (), cues, content_words(text))


def work(iri: str, title: str, year: str, venue: str = "", first: str = "") -> IndexedWork:
    return IndexedWork(iri, [title], set(content_words(title)), {year}, {venue} - {""}, {first} - {""})


@pytest.fixture
def index() -> CueIndex:
    return CueIndex({w.iri: w for w in [
        work("urn:reef", "Reef fish shift feeding times", "2021", "marine letters", "gillis"),
        work("urn:bleach", "Coral bleaching thresholds revisited", "2023", "marine letters", "gillis"),
        work("urn:soil", "Soil microbes of alpine meadows", "2022", "soil review", "brennan"),
    ]}, {"gillis": "gillis", "mara gillis": "gillis", "brennan": "brennan"})


def test_author_and_year_pick_the_work_of_that_year(index: CueIndex) -> None:
    found = index.match(claim("Gillis et al. (2023) said so.", Cue("author-year", "Gillis et al. (2023)", "gillis 2023",
                                                                  0, 19), Cue("year", "2023", "2023", 15, 19)))
    assert [(m.iri, m.signals) for m in found] == [("urn:bleach", ("author", "year"))]
    assert found[0].score == pytest.approx(1 - 0.15 * 0.75, abs=0.001)


def test_a_claim_naming_another_year_lowers_the_score(index: CueIndex) -> None:
    reef = claim("Reef fish shift feeding times, 2020.", Cue("year", "2020", "2020", 31, 35))
    plain = claim("Reef fish shift feeding times.")
    assert index.match(reef)[0].score == pytest.approx(index.match(plain)[0].score * 0.85, abs=0.002)


def test_a_venue_alone_shared_by_two_works_matches_neither(index: CueIndex) -> None:
    assert index.match(claim("In Marine Letters.", Cue("venue", "Marine Letters", "marine letters", 3, 17))) == []


def test_a_venue_with_one_work_and_title_words_match_it(index: CueIndex) -> None:
    found = index.match(claim("Alpine meadow soil microbes, says Soil Review.",
                              Cue("venue", "Soil Review", "soil review", 33, 44)))
    assert [(m.iri, m.method) for m in found] == [("urn:soil", "cues:title+venue")]
    assert found[0].matched == ("alpine", "meadow", "microbe", "soil", "Soil Review")


def test_one_shared_title_word_is_no_match(index: CueIndex) -> None:
    assert index.match(claim("The reef was lovely.")) == []


def test_the_index_reads_titles_authors_venues_and_facilities_from_the_graph() -> None:
    store = Store.open(None)
    load(store, read_paths([ROOT / "samples", ROOT / "tests" / "fixtures" / "claims" / "extra-works-page.json"]))
    index = cue_index(store)
    a0 = index.works["https://doi.org/10.1038/s41598-021-81251-2"]
    assert a0.words == {"crystal", "structure", "insulin", "glulisine"}  # "(sample record: ...)" left out
    assert (a0.venues, a0.years) == ({"sci rep", "scientific reports"}, {"2021"})
    entry = index.works["https://doi.org/10.2210/pdb6gv0/pdb"]
    assert (entry.first_authors, entry.other_authors) == ({"sample"}, {"example"})
    assert entry.organisations == {"example light source", "bl-1"}
    reef = index.works["https://doi.org/10.5555/kg-claims.reef"]
    assert (reef.first_authors, reef.other_authors) == ({"gillis"}, {"okafor"})
    assert index.author_names["mara gillis"] == "gillis"


EXTRA = ROOT / "tests" / "fixtures" / "claims" / "extra-works-page.json"
REEF = "https://doi.org/10.5555/kg-claims.reef"
REEF_NEWS = ("Mara Gillis and colleagues report in Marine Ecology Letters that reef fish are shifting their "
             "feeding times.")


def traced_works(store: Store, text: str, *, store_claims: bool = False) -> set[str]:
    return {w.iri for c in trace(store, text, store_claims=store_claims).claims for w in c.works}


def test_a_trace_after_a_work_is_loaded_finds_it() -> None:
    store = Store.open(None)
    load(store, read_paths([ROOT / "samples"]))
    assert traced_works(store, REEF_NEWS) == set()
    load(store, read_paths([EXTRA]))
    assert traced_works(store, REEF_NEWS) == {REEF}


def test_the_index_is_kept_until_the_store_is_written() -> None:
    store = Store.open(None)
    load(store, read_paths([ROOT / "samples", EXTRA]))
    first = cue_index(store)
    assert cue_index(store) is first
    assert traced_works(store, REEF_NEWS, store_claims=True) == {REEF}  # a claim graph is written ...
    assert cue_index(store) is first  # ... and claims are not works: the index holds
    store.update("INSERT DATA { GRAPH <https://w3id.org/evidence-kg/graph/test/x> { "
                 "<https://doi.org/10.5555/x> a <http://schema.org/Dataset> ; "
                 "<http://schema.org/name> \"Otters of the northern kelp forests\" } }")
    again = cue_index(store)
    assert again is not first and again.works["https://doi.org/10.5555/x"].words == {"otter", "northern", "kelp",
                                                                                      "forest"}
    assert cue_index(Store.open(None)).works == {}  # each store its own index


def test_a_changed_title_replaces_the_old_one_in_the_kept_index(tmp_path: Path) -> None:
    store = Store.open(None)
    load(store, read_paths([EXTRA]))
    assert "reef" in cue_index(store).works[REEF].words
    page = json.loads(EXTRA.read_text())
    page["message"]["items"] = [i for i in page["message"]["items"] if i["DOI"] == "10.5555/kg-claims.reef"]
    page["message"]["items"][0]["title"] = ["Kelp forest otters"]
    (tmp_path / "changed.json").write_text(json.dumps(page))
    load(store, read_paths([tmp_path / "changed.json"]))
    assert cue_index(store).works[REEF].words == {"kelp", "forest", "otter"}
    assert cue_index(store).works[REEF].words == read_cue_index(store).works[REEF].words
