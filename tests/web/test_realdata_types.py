"""The item page names a real Crossref work by what its record's ``type`` says it is (a book chapter, a
thesis, a peer review ...), never "Article" for a text that is not one. One record of each such type in
``../shared/realdata/crossref/works``; the expected words are read from the source type here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.test_realdata import ABSENT, REALDATA

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

#: Crossref type -> how the item page's Type line names it
WORDS = {"book-chapter": "Book chapter", "dissertation": "Thesis", "monograph": "Book", "book": "Book",
         "peer-review": "Review", "report": "Report", "journal-issue": "Journal issue", "journal": "Journal",
         "journal-article": "Article", "posted-content": "Article", "dataset": "Dataset",
         "Preprint": "Preprint"}
#: a posted content of subtype preprint is one (tests/web/test_realdata_preprints.py)
PREPRINT = "Preprint"


def one_per_type() -> dict[str, tuple[Path, str]]:
    """Crossref type -> (file, DOI) of its first record in the corpus (PDB entries left out)."""
    found: dict[str, tuple[Path, str]] = {}
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")) if REALDATA.is_dir() else []:
        message = json.loads(path.read_text("utf-8"))["message"]
        kind = PREPRINT if message.get("subtype") == "preprint" else message.get("type")
        if kind in WORDS and not message["DOI"].lower().startswith("10.2210/"):
            found.setdefault(kind, (path, message["DOI"].lower()))
    return found


def test_the_type_line_names_each_real_work_by_its_crossref_type(tmp_path: Path) -> None:
    records = one_per_type()
    assert {"book-chapter", "dissertation", "peer-review", "report", "journal-article"} <= set(records)
    store = Store.open(None)
    assert load(store, read_paths([path for path, _ in records.values()])).rejected == 0
    with TestClient(create_app(store)) as client:
        for kind, (_, doi) in records.items():
            page = client.get(f"/works/{doi}", headers={"Accept": "text/html"}).text
            shown = re.search(r"<dt>Type</dt><dd>([^<]*)", page)
            assert shown is not None and shown.group(1).strip() == WORDS[kind], (kind, doi)
