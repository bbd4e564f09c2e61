"""The years of the item page's citing-works chart (kg.web.citing_years) on a real in-memory store: a citing
work's year is its record's; one no record dates gets the year other records' references cite it with ("as
cited") or the date OpenCitations gives the citation; the rest are counted as not known."""

from __future__ import annotations

import json
from pathlib import Path

from kg.graph import KnowledgeGraph
from kg.store import Store
from kg.web.citing_years import AS_CITED, CITATION_DATE, citing_years
from loaders.pipeline import load
from loaders.read import read_paths


def _crossref(doi: str, year: int, references: list[dict[str, str]]) -> dict[str, object]:
    return {"status": "ok", "message-type": "work", "message": {
        "DOI": doi, "type": "journal-article", "title": [f"Work {doi}"], "issued": {"date-parts": [[year]]},
        "reference": references}}


def test_citing_works_no_record_dates_are_dated_as_cited_or_by_the_citation_date(tmp_path: Path) -> None:
    files = {
        "a.json": _crossref("10.5555/cy.a", 2010, []),
        # b has a record (2015) and cites a; it also cites x, giving x the year 2011
        "b.json": _crossref("10.5555/cy.b", 2015, [{"key": "r1", "DOI": "10.5555/cy.a"},
                                                    {"key": "r2", "DOI": "10.5555/cy.x", "year": "2011"}]),
        # OpenCitations: x, y and z cite a, none with a record; only y's citation is dated
        "oc.json": [{"oci": f"02{i}-03", "citing": f"10.5555/cy.{c}", "cited": "10.5555/cy.a",
                     **({"creation": "2019-05"} if c == "y" else {})} for i, c in enumerate("xyz")],
    }
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content), "utf-8")
    with KnowledgeGraph(Store.open(None)) as graph:
        assert load(graph.store, read_paths([tmp_path])).rejected == 0
        reuse = graph.metrics.item("10.5555/cy.a")
        assert reuse.all_versions.by_year == {"2015": 1, "unknown": 3}
        years = citing_years(graph, reuse)
    assert years.by_year == {"2011": 1, "2015": 1, "2019": 1}
    assert years.dated == {"2011": {AS_CITED: 1}, "2019": {CITATION_DATE: 1}}
    assert years.unknown == 1
    assert years.notes() == {"2011": "1 dated as cited", "2019": f"1 dated by {CITATION_DATE}"}
