"""The layers of docs/architecture.md, checked: no import cycle anywhere in kg/ and loaders/, the
import-linter contracts of pyproject.toml kept, backends tested only inside kg/store/, outbound HTTP
only through loaders/http.py, and no module of kg/ over 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(PROJECT / "kg").rglob("*.py"), *(PROJECT / "loaders").rglob("*.py")])
#: modules may be this long at most (STYLE.md: aim under about 400 lines)
MAX_LINES = 400


def test_no_import_cycle_in_kg_or_loaders() -> None:
    # annotations-only imports (``if TYPE_CHECKING:``, used with strawberry.lazy by the GraphQL types
    # that refer to each other) are left out: they are no import when the code runs
    graph = grimp.build_graph("kg", "loaders", exclude_type_checking_imports=True)
    imports: nx.DiGraph[str] = nx.DiGraph()
    for module in graph.modules:
        imports.add_edges_from((module, target) for target in graph.find_modules_directly_imported_by(module))
    assert imports.number_of_edges() > 500
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == []


def test_the_import_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def _python(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"))


@pytest.mark.parametrize("path", [p for p in SOURCES if "kg/store/" not in p.as_posix()],
                         ids=lambda p: str(p.relative_to(PROJECT)))
def test_only_the_store_tells_its_backends_apart(path: Path) -> None:
    names = {"EmbeddedStore", "RemoteStore"}
    found = [n.lineno for n in ast.walk(_python(path)) if isinstance(n, ast.Name) and n.id in names]
    assert found == [], f"{path.name} names a store backend; ask store.profile instead"


@pytest.mark.parametrize("path", [p for p in SOURCES if p != PROJECT / "loaders" / "http.py"],
                         ids=lambda p: str(p.relative_to(PROJECT)))
def test_only_the_http_client_imports_requests(path: Path) -> None:
    found = [n.lineno for n in ast.walk(_python(path))
             if (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "requests" for a in n.names))
             or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "requests")]
    assert found == [], f"{path.name} imports requests; fetch through loaders.http"


@pytest.mark.parametrize("path", [p for p in SOURCES if p.is_relative_to(PROJECT / "kg")],
                         ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_module_of_kg_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text("utf-8").splitlines()) <= MAX_LINES
