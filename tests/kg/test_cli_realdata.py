"""``kg chain`` and ``kg related`` on real records (``../shared/realdata``): a work's kind is worded as the
pages word it (``kg.labels``), and a work only cited, no record of it loaded, is never called "Work": its line
gives its DOI, the name its citers give, and what the graph knows of it ("as cited, 1995 · no record
loaded"). ``kg related --format csv`` words the kind as the text lines do, its class beside it as an IRI.
Expectations come from the records' JSON (their references, their resource types), never from kg's output."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_realdata_cited import (
    BOOK,
    CROSSREF_RECORDS,
    ELIFE,
    LIPICS,
    cited_only,
    cited_years,
    crossref,
    expected_year,
)

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

#: a hop line of the chain tree: "  └ cites [stated: crossref] <work>"
HOP = re.compile(r"^\s*└ .+? \[[^]]+\] (?P<work>.+)$")


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("cli-real") / "store")
    run("--store", location, "load", *(str(p) for p in [*CROSSREF_RECORDS, LIPICS]))
    return location


def assert_worded(work: str, doi: str, worded: bool, years: dict[str, dict[str, list[int]]]) -> None:
    """A work only cited starts with its DOI (and ": " before the name its citers give, when a reference
    words it) and ends with what the graph knows in brackets: its repository when its DOI names one (Dryad),
    its year as cited, that no record is loaded."""
    known = ", ".join(p for p in ("as cited" if worded or doi in years else "",
                                  str(expected_year(years[doi])[0]) if doi in years else "") if p)
    note = " · ".join(p for p in ("Dryad DOI" if doi.startswith("10.5061/dryad.") else "", known, "no record loaded")
                      if p)
    assert work.lower().startswith(f"{doi}: " if worded else f"{doi} (") and work.endswith(f"({note})"), work


@pytest.mark.parametrize("path", [ELIFE, BOOK], ids=["article", "book"])
def test_chain_and_related_word_kinds_as_the_pages_and_never_call_a_cited_work_work(store: str, path: Path) -> None:
    record = crossref(path)
    doi, title, year = record["DOI"].lower(), record["title"][0], record["issued"]["date-parts"][0][0]
    kind = {"journal-article": "Article", "monograph": "Book", "book": "Book"}[record["type"]]
    wording, years = cited_only(CROSSREF_RECORDS), cited_years()
    lines = run("--store", store, "chain", doi, "--depth", "1").splitlines()
    assert lines[0] == f"{kind} {doi} ({year}): {title}"
    seen = 0
    for line in lines[1:]:
        hop = HOP.match(line)
        if hop is None:
            continue
        work = hop["work"]
        assert not work.startswith("Work"), line
        cited = work.split(" ", 1)[0].rstrip(":").lower()
        if cited in wording:
            seen += 1
            assert_worded(work, cited, wording[cited], years)
    assert seen > 0
    out = run("--store", store, "related", doi, "--limit", "20").splitlines()
    seen = 0
    for line in out[0::2]:  # two lines per work: the score and the work, then the reasons
        work = line[7:]
        assert not work.startswith("Work"), line
        cited = work.split(" ", 1)[0].rstrip(":").lower()
        if cited in wording:
            seen += 1
            assert_worded(work, cited, wording[cited], years)
    assert seen > 0


ZENODO_RECORDS = sorted((REALDATA / "zenodo" / "records").glob("*.json")) if REALDATA.is_dir() else []
SCHEMA = "http://schema.org/"
#: a Zenodo resource type ("type", or "type/subtype" where the subtype decides) -> how the pages word the kind
#: of its works (kg.labels) and the work class kg gives them
ZENODO_KINDS = {"software": ("Software", f"{SCHEMA}SoftwareSourceCode"), "dataset": ("Dataset", f"{SCHEMA}Dataset"),
                "publication/report": ("Report", f"{SCHEMA}CreativeWork"),
                "poster": ("Other work", f"{SCHEMA}CreativeWork"),
                "presentation": ("Other work", f"{SCHEMA}CreativeWork")}


def zenodo(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return found


#: the records of a version, each with its concept ("all versions") DOI: kg relates the two
VERSIONS = [p for p in ZENODO_RECORDS if zenodo(p).get("conceptdoi")]


@pytest.fixture(scope="module")
def zenodo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("cli-zenodo") / "store")
    run("--store", location, "load", str(REALDATA / "zenodo" / "records"))
    return location


def test_every_version_record_is_checked() -> None:
    assert len(VERSIONS) >= 10 and {zenodo(p)["metadata"]["resource_type"]["type"] for p in VERSIONS} >= {
        "software", "dataset", "publication"}


@pytest.mark.parametrize("path", VERSIONS, ids=[p.stem for p in VERSIONS])
def test_related_csv_words_the_kind_as_the_text_does_and_keeps_the_class(zenodo_store: str, path: Path) -> None:
    record = zenodo(path)
    resource = record["metadata"]["resource_type"]
    kind, cls = ZENODO_KINDS.get(f"{resource['type']}/{resource.get('subtype')}") or ZENODO_KINDS[resource["type"]]
    described = {d.lower() for p in ZENODO_RECORDS for d in (zenodo(p)["doi"], zenodo(p).get("conceptdoi")) if d}
    out = run("--store", zenodo_store, "related", record["doi"], "--limit", "200", "--format", "csv")
    assert out.splitlines()[0] == "score,iri,kind,class,identifier,title,reasons"
    rows = list(csv.DictReader(io.StringIO(out)))
    (concept,) = [r for r in rows if r["iri"] == f"https://doi.org/{record['conceptdoi']}"]
    assert (concept["kind"], concept["class"]) == (f"{kind}, all versions", cls)
    for row in rows:  # a work no record here describes: no class, a kind only as its DOI's repository gives it
        if row["identifier"].lower() not in described:
            zenodo_doi = row["identifier"].lower().startswith("10.5281/zenodo.")
            assert (row["kind"], row["class"]) == ("Zenodo DOI" if zenodo_doi else "", ""), row
    lines = run("--store", zenodo_store, "related", record["doi"], "--limit", "200").splitlines()[0::2]
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):  # the text line: "  3.0  Dataset, all versions 10.5281/..."
        work = line[7:]
        if row["identifier"].lower() in described:
            assert work.startswith(f"{row['kind']} {row['identifier']}"), (row, line)
        else:
            assert f"({row['kind']} · " in work if row["kind"] else "(no record loaded)" in work, (row, line)


def test_stats_counts_stand_in_one_column_whatever_the_longest_source_name(tmp_path: Path) -> None:
    """The sources' names are the records' own (Crossref's data citations: ``crossref-datacitations``), longer
    than the column kg once gave them: every count ends where every other does."""
    location = str(tmp_path / "store")
    run("--store", location, "load", str(REALDATA / "crossref" / "beta-datacitations"), str(REALDATA / "ror"))
    out = run("--store", location, "stats")
    counted = [line.removesuffix(" records") for line in out.splitlines()
               if line.startswith("  ") and not line.startswith("  sync ")]
    # the sources, then the kinds of works (the data citations' targets are data sets)
    assert [line.split()[0] for line in counted[:3]] == ["crossref-datacitations", "ror", "datasets"], out
    assert len({len(line) for line in counted}) == 1, out
