"""Every registered source has a fixture, a doc section and a harvest path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import UnknownSourceError
from loaders import REGISTRY, get_loader

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_source_has_fixtures_tests_and_docs(name: str) -> None:
    assert any((PROJECT / "tests" / "fixtures" / name).glob("*.json")), f"no fixture for {name}"
    assert (PROJECT / "tests" / "loaders" / f"test_{name}.py").is_file()
    assert f"## {REGISTRY[name].description}" in (PROJECT / "docs" / "loading.md").read_text()


def test_unknown_source_lists_the_valid_names() -> None:
    names = ", ".join(sorted(REGISTRY))
    with pytest.raises(UnknownSourceError, match=rf"^unknown source 'x'; valid sources: {names}$"):
        get_loader("x")
