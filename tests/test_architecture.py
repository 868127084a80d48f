"""The layout: the stages import one another one way only, and no module outgrows its room."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "orderlint"
MAX_MODULE_LINES = 800
MAX_CLASS_LINES = 420  # "about 400": extraction's _Builder is 407


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Every import of an orderlint module, at the top of a file or inside a function."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("orderlint"):
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_rules_and_reports_never_import_the_pipeline_or_the_command_line():
    """Data flows one way: rules and reporters read results, they never drive the analysis."""
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith(("orderlint.rules", "orderlint.report")):
            upstream = {t for t in targets if t == "orderlint.pipeline" or t.startswith("orderlint.cli")}
            assert not upstream, f"{name} imports {sorted(upstream)}"


def test_shell_reading_never_imports_later_stages():
    later = ("orderlint.flow", "orderlint.rules", "orderlint.report", "orderlint.cli", "orderlint.pipeline")
    for name, targets in import_graph().items():
        if name.startswith("orderlint.shell"):
            assert not [t for t in targets if t.startswith(later)], name


def test_deploy_files_are_read_between_shell_reading_and_the_flow():
    """Deploy readers build on shell reading; shell reading never reads deploy files; the flow
    runs their steps; nothing before the flow drives it."""
    later = ("orderlint.flow", "orderlint.rules", "orderlint.report", "orderlint.cli", "orderlint.pipeline",
             "orderlint.results")
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("orderlint.deploy"):
            assert not [t for t in targets if t.startswith(later)], name
        if name.startswith("orderlint.shell"):
            assert not [t for t in targets if t.startswith("orderlint.deploy")], name
    assert any(t.startswith("orderlint.deploy") for t in graph["orderlint.flow.hosts"])


def test_no_module_outgrows_its_room():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_class_outgrows_its_room():
    """A class over about 400 lines is several rooms sharing a door."""
    big = {}
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                big[f"{name}.{node.name}"] = node.end_lineno - node.lineno + 1
    assert big == {}
