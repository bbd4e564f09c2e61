"""docs/python-api.md runs as written: its examples, one notebook from top to bottom, against the
sample records, from the root of the repository."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from kg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "python-api.md"


def test_the_python_api_page_runs_against_the_sample_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(PAGE.read_text("utf-8"), {}, PAGE.name, str(PAGE), 0)
    assert len(test.examples) >= 30
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


def test_every_method_of_the_facade_has_its_section() -> None:
    page = PAGE.read_text("utf-8")
    methods = [m for m in vars(KnowledgeGraph) if not m.startswith("_") and m not in ("open", "close", "store")]
    assert methods
    missing = [m for m in methods if f"g.{m}" not in page]
    assert missing == []
