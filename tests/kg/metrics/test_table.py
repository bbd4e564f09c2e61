"""Every metric family as one CSV table: subject, metric, key, value."""

from __future__ import annotations

import csv
import io

from kg.metrics import facility_metrics, funder_metrics, item_metrics, to_csv
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
        ["top.all_versions", S + "tool.v2", "4"], ["top.all_versions", S + "tool.v3", "4"]]
    assert {r[0] for r in rows[1:]} == {f"{NSF} https://ror.org/021nxhr62"}  # one funder named two ways


def test_item_and_facility_metrics_export_as_csv(sample: Store) -> None:
    item = list(csv.DictReader(io.StringIO(to_csv(item_metrics(sample, "10.5555/kg-sample.tool.v1")))))
    assert [(r["metric"], r["key"], r["value"]) for r in item if r["metric"].startswith("all_versions.by_year")] == [
        ("all_versions.by_year", "2020", "1"), ("all_versions.by_year", "2021", "1"),
        ("all_versions.by_year", "2022", "2")]
    facility = list(csv.DictReader(io.StringIO(to_csv(facility_metrics(sample, "example-light-source")))))
    assert {r["metric"]: r["value"] for r in facility}["raw_data_share"] == "1.0"
