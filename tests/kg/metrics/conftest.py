"""The sample graph the metrics tests count on by hand, loaded once for the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.metrics import CitingWork
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples"
REALDATA = ROOT.parent / "shared" / "realdata"
DOI = "https://doi.org/"
S = f"{DOI}10.5555/kg-sample."
NSF = f"{DOI}10.13039/100000001"


@pytest.fixture(scope="package")
def sample() -> Store:
    s = Store.open(None)
    load(s, read_paths([SAMPLES]))
    return s


def citing_papers(*names_years: tuple[str, str]) -> tuple[CitingWork, ...]:
    """Sample papers (``p1``...) citing in the given years, as the metrics list them."""
    return tuple(CitingWork(S + n, y, "ScholarlyArticle") for n, y in names_years)
