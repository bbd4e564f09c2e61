"""APA text of real works with no author (``../shared/realdata``: Crossref records of journals, whose title is
their name): the title moves to the author's position, once, as APA says, where citeproc-py wrote it twice
("Aquatic Ecology. (n.d.). Aquatic Ecology. Springer ..."); and software with no author, whose publisher APA
puts in the author's place, names it once. Expectations are read from the records' JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.citing import cite
from kg.citing.bibliography import formatted
from kg.citing.record import WorkRecord
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]


def _authorless() -> list[Path]:
    """The corpus's Crossref work records with a title and neither author nor editor."""
    found = []
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")) if REALDATA.is_dir() else []:
        message = json.loads(path.read_text("utf-8"))["message"]
        if not message.get("author") and not message.get("editor") and (message.get("title") or [""])[0].strip():
            found.append(path)
    return found


AUTHORLESS = _authorless()


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with Store.open(None) as opened:
        report = load(opened, read_paths(AUTHORLESS))
        assert report.rejected == 0, report.summary()
        yield opened


def test_the_corpus_has_works_without_authors() -> None:
    assert len(AUTHORLESS) >= 3


@pytest.mark.parametrize("path", AUTHORLESS, ids=lambda p: p.stem)
def test_apa_puts_the_title_in_the_authors_place_once(store: Store, path: Path) -> None:
    message: dict[str, Any] = json.loads(path.read_text("utf-8"))["message"]
    title, publisher = message["title"][0].strip(), message["publisher"]
    text = cite(store, message["DOI"], "text", "apa")
    assert text.startswith(f"{title}. (")
    assert text.count(title) == 1, text
    assert f"{publisher}. https://doi.org/{message['DOI'].lower()}" in text


@pytest.mark.parametrize("style", ["chicago-author-date", "modern-language-association"])
def test_other_styles_substituting_the_title_name_it_once(store: Store, style: str) -> None:
    message: dict[str, Any] = json.loads(AUTHORLESS[0].read_text("utf-8"))["message"]
    text = cite(store, message["DOI"], "text", style)
    assert text.lower().count(message["title"][0].strip().lower()) == 1, text


def test_software_whose_publisher_is_in_the_authors_place_names_it_once() -> None:
    record = WorkRecord("https://doi.org/10.1/x", kind="software", doi="10.1/x", title="Counts of rates",
                        issued="2021-01-19", publishers=("Zenodo",))
    assert formatted(record, "apa") == "Zenodo. (2021). Counts of rates [Computer software]. https://doi.org/10.1/x"
    titled = WorkRecord("https://doi.org/10.1/y", kind="dataset", doi="10.1/y", title="Zenodo data",
                        issued="2021-01-19", publishers=("Zenodo",))
    assert formatted(titled, "apa") == "Zenodo data. (2021). [Dataset]. Zenodo. https://doi.org/10.1/y"
