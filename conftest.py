"""Doctests run from the root of the repository, as the examples say (``g.load(["samples"])``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _doctests_run_from_the_checkout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if type(request.node).__name__ == "DoctestItem":
        monkeypatch.chdir(ROOT)
