"""Every metric family as one CSV table: subject, metric, key, value."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from kg.metrics import SourceCount, facility_metrics, funder_metrics, item_metrics, to_csv
from kg.store import Store
from tests.kg.metrics.conftest import NSF, S


def test_funder_metrics_export_as_one_csv_table(sample: Store) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(funder_metrics(sample, "10.13039/100000001")))))
    assert rows[0] == ["subject", "metric", "key", "value"]
    assert [r[1:] for r in rows[1:]] == [
        ["outputs", "", "6"], ["outputs.by_kind", "Dataset", "1"], ["outputs.by_kind", "ScholarlyArticle", "2"],
        ["outputs.by_kind", "SoftwareSourceCode", "3"], ["reused", "", "4"], ["reused.by_kind", "Dataset", "1"],
        ["reused.by_kind", "SoftwareSourceCode", "3"], ["citing_works", "", "5"],
        ["citing_works.by_year", "2020", "1"], ["citing_works.by_year", "2021", "1"],
        ["citing_works.by_year", "2022", "2"], ["citing_works.by_year", "2023", "1"],
        ["top.all_versions", S + "data", "4"], ["top.all_versions", S + "tool.v1", "4"],
        ["top.all_versions", S + "tool.v2", "4"], ["top.all_versions", S + "tool.v3", "4"],
        # the dashboard's table shows each output's own citations and its type too
        ["top.citations", S + "data", "4"], ["top.citations", S + "tool.v1", "2"],
        ["top.citations", S + "tool.v2", "1"], ["top.citations", S + "tool.v3", "1"],
        ["top.kind", S + "data", "Dataset"], ["top.kind", S + "tool.v1", "SoftwareSourceCode"],
        ["top.kind", S + "tool.v2", "SoftwareSourceCode"], ["top.kind", S + "tool.v3", "SoftwareSourceCode"]]
    assert {r[0] for r in rows[1:]} == {f"{NSF} https://ror.org/021nxhr62"}  # one funder named two ways


def test_csv_rows_carry_the_titles_they_are_given_and_the_sources_counts_with_their_dates(sample: Store) -> None:
    figures = funder_metrics(sample, "10.13039/100000001")
    names = {NSF: "National Science Foundation", S + "data": "Sample data set"}
    rows = list(csv.reader(io.StringIO(to_csv(figures, names))))
    both = f"{NSF} https://ror.org/021nxhr62"  # the funder's two identities, counted as one
    assert rows[1:3] == [[both, "name", NSF, "National Science Foundation"],
                         [both, "name", S + "data", "Sample data set"]]
    reported = SourceCount(S + "data", "crossref", "g", 77, "citations", "2024-05-01T10:00:00Z")
    item = replace(item_metrics(sample, "10.5555/kg-sample.data"), source_counts=(reported,))
    assert [S + "data", "source_reported_citations", S + "data crossref 2024-05-01", "77"] in list(
        csv.reader(io.StringIO(to_csv(item))))


def test_item_and_facility_metrics_export_as_csv(sample: Store) -> None:
    item = list(csv.DictReader(io.StringIO(to_csv(item_metrics(sample, "10.5555/kg-sample.tool.v1")))))
    assert [(r["metric"], r["key"], r["value"]) for r in item if r["metric"].startswith("all_versions.by_year")] == [
        ("all_versions.by_year", "2020", "1"), ("all_versions.by_year", "2021", "1"),
        ("all_versions.by_year", "2022", "2")]
    facility = list(csv.DictReader(io.StringIO(to_csv(facility_metrics(sample, "example-light-source")))))
    assert {r["metric"]: r["value"] for r in facility}["raw_data_share"] == "1.0"
