"""A work a real record only cites (no record of its own) is cited with the title and year the citing
reference gives, and a note saying so: BibTeX ``note``, RIS ``N1``, CSL-JSON ``note``. The expectations are
read from the eLife 01567 record's own reference list (``../shared/realdata``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from kg.citing import cite, work_record
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

ELIFE = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"


def record() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ELIFE.read_text("utf-8"))["message"]
    return found


def plain_references() -> list[tuple[str, str, int]]:
    """(DOI, article title, year) of each reference with a DOI whose title is plain words (no markup or
    character a format escapes) and whose year is four digits."""
    return [(r["DOI"].lower(), r["article-title"], int(r["year"])) for r in record()["reference"]
            if r.get("DOI") and re.fullmatch(r"[A-Za-z0-9 ,:?\-]+", r.get("article-title") or "")
            and re.fullmatch(r"\d{4}", r.get("year") or "")]


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with Store.open(None) as opened:
        report = load(opened, read_paths([ELIFE]))
        assert report.rejected == 0, report.summary()
        yield opened


def test_a_work_only_cited_is_cited_with_the_title_and_year_its_citer_gives(store: Store) -> None:
    citer = record()["DOI"].lower()
    references = plain_references()
    assert len(references) >= 20
    note = f"Title and year as cited by {citer} (no record of this work is loaded)"
    for doi, title, year in references:
        entry = cite(store, doi, "bibtex")
        assert f"  title = {{{title}}}," in entry, entry
        assert f"  year = {{{year}}}," in entry, entry
        assert f"  note = {{{note}}}" in entry, entry
        lines = cite(store, doi, "ris").splitlines()
        assert {f"TI  - {title}", f"PY  - {year}", f"N1  - {note}"} <= set(lines), lines
        item = json.loads(cite(store, doi, "csl-json"))[0]
        assert (item["title"], item["issued"], item["note"]) == (title, {"date-parts": [[year]]}, note)


def test_a_work_with_its_own_record_has_no_such_note(store: Store) -> None:
    article = work_record(store, record()["DOI"])
    assert (article.title_source, article.year_source, article.cited_note) == ("", "", None)
    assert "note = " not in cite(store, record()["DOI"], "bibtex")
