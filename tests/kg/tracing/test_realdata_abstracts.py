"""A journalist pastes a sentence of a real article's abstract (``../shared/realdata``), verbatim or with a few
words changed: the trace finds the article, with its evidence chain. Sentences are taken from the records'
JSON (Crossref ``abstract``, DataCite ``descriptions``) in the test; what each must find is the record's DOI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from kg.store import Store
from kg.tracing.cues import build_cue_index
from kg.tracing.tracer import trace
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

CROSSREF = REALDATA / "crossref" / "works"
DATACITE = REALDATA / "datacite" / "dois"
ELIFE = CROSSREF / "10.7554_elife.01567.json"


def plain(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def sentences(abstract: str) -> list[str]:
    """The sentences of an abstract of twelve words or more (a short one may say little of its own)."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", plain(abstract)) if len(s.split()) >= 12]


def abstracts() -> list[tuple[str, str]]:
    """(DOI in lower case, abstract) of every Crossref work and DataCite DOI of the corpus with one."""
    found: list[tuple[str, str]] = []
    for path in sorted(CROSSREF.glob("*.json")):
        work = json.loads(path.read_text("utf-8")).get("message", {})
        if isinstance(work.get("abstract"), str) and work.get("DOI"):
            found.append((work["DOI"].lower(), work["abstract"]))
    for path in sorted(DATACITE.glob("*.json")):
        data = json.loads(path.read_text("utf-8")).get("data")
        attributes = data.get("attributes", {}) if isinstance(data, dict) else {}
        for d in attributes.get("descriptions") or []:
            if isinstance(d.get("description"), str) and attributes.get("doi"):
                found.append((attributes["doi"].lower(), d["description"]))
                break
    return [(doi, text) for doi, text in found if sentences(text)]


def reworded(sentence: str) -> str:
    """The sentence with three of its words changed (the 3rd, 6th and 9th), as a story retells it."""
    words = sentence.split()
    for i in (2, 5, 8):
        words[i] = "notably"
    return " ".join(words)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(str(tmp_path_factory.mktemp("abstracts") / "db")) as opened:
        report = load(opened, read_paths([CROSSREF, DATACITE]))
        assert report.rejected == 0, report.summary()
        yield opened


def found(store: Store, text: str) -> dict[str, str]:
    """The works a trace of ``text`` rests on (DOI in lower case), each with how it was matched."""
    result = trace(store, text, store_claims=False)
    return {w.work.iri.removeprefix("https://doi.org/").lower(): w.method for c in result.claims for w in c.works}


def test_the_corpus_has_abstracts_of_both_sources() -> None:
    dois = [doi for doi, _ in abstracts()]
    assert len(dois) >= 40
    assert ELIFE.name.removesuffix(".json").replace("_", "/", 1) in dois


def test_a_sentence_of_an_abstract_finds_its_work_verbatim_and_reworded_and_no_other(store: Store) -> None:
    everything = abstracts()
    missed: list[str] = []
    for doi, abstract in everything:
        sentence = max(sentences(abstract), key=len)  # the longest: the one a story most likely quotes
        # the works whose own abstract says the same sentence, or its first ten words (one text registered
        # under several DOIs, sometimes cut short: "... long-term preservation for...")
        start = " ".join(words(sentence).split()[:10])
        saying = {d for d, a in everything if start in words(plain(a))}
        for text in (sentence, reworded(sentence)):
            works = found(store, text)
            if doi not in works or "abstract" not in works[doi]:
                missed.append(f"{doi}: {text[:80]} -> {works}")
            others = {d for d, method in works.items() if "abstract" in method} - saying
            if others:
                missed.append(f"{doi}: {text[:80]} also found {others}")
    assert not missed, "\n".join(missed)


def test_the_elife_sentence_finds_the_article_and_its_chain_to_the_dryad_data(store: Store) -> None:
    record = json.loads(ELIFE.read_text("utf-8"))["message"]
    article = "https://doi.org/" + record["DOI"].lower()
    data = {"https://doi.org/" + r["id"].lower() for r in record["relation"]["is-supplemented-by"]}
    for sentence in sentences(record["abstract"]):
        result = trace(store, f'"{sentence}", the authors wrote.', store_claims=False)
        assert [w.work.iri for c in result.claims for w in c.works] == [article], sentence
        chain = result.chains[article]
        assert data <= {hop.to for hop in chain.hops if hop.from_ == article}, sentence


def test_the_abstracts_kept_write_by_write_are_those_built_from_the_store(store: Store) -> None:
    def rows() -> list[tuple[str, str]]:
        return sorted(store.cues._db.execute(
            "SELECT w.iri, a.words FROM abstract a JOIN work w ON w.id = a.rowid").fetchall())
    kept = rows()
    assert len(kept) >= len({doi for doi, _ in abstracts()})
    build_cue_index(store)
    assert rows() == kept
    assert store.cues.abstracts([]) == {}
    elife = json.loads(ELIFE.read_text("utf-8"))["message"]
    assert "https://doi.org/" + elife["DOI"].lower() in dict(kept)
