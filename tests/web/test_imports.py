"""The web package's shape: its modules import each other in one direction only (no circle, no import
inside a function to dodge one), and none of them holds SPARQL: the routes ask the Python API."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

WEB = Path(__file__).resolve().parents[2] / "kg" / "web"
MODULES = sorted(WEB.rglob("*.py"))
#: the modules of the SPARQL 1.1 protocol family, which run the user's own SPARQL or the protocol's own
#: (/sparql and its updates, the service description, the Graph Store Protocol's /store) or serialise results
SPARQL_MODULES = {"sparql.py", "sparql_results.py", "sparql_update.py", "sparql_description.py", "graph_store.py"}


def _name(path: Path) -> str:
    parts = path.relative_to(WEB.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The module-level imports, leaving out ``if TYPE_CHECKING:`` blocks (annotations only)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            found += [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def _web_imports(path: Path) -> set[str]:
    known = {_name(p) for p in MODULES}
    found: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                found.add(target if target in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known}


def test_the_web_modules_import_each_other_without_a_circle() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for path in MODULES:
        graph.add_node(_name(path))
        graph.add_edges_from((_name(path), target) for target in _web_imports(path))
    assert graph.number_of_edges() > 20
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_import_inside_a_function(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    functions = [fn for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = [f"{fn.name}:{node.lineno}" for fn in functions
              for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert inside == []


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in SPARQL_MODULES],
                         ids=lambda p: str(p.relative_to(WEB)))
def test_no_sparql_outside_the_sparql_endpoint(path: Path) -> None:
    source = path.read_text("utf-8")
    for needle in ("load_query", "kg.queries", ".select(", ".construct(", "SELECT ", "CONSTRUCT "):
        assert needle not in source, f"{path.name} holds {needle!r}: ask the Python API (kg.graph) instead"
