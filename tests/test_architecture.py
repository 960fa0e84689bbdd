"""The house rules of docs/architecture.md, checked on the source: a newcomer can rely on them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "trainer"
MAX_LINES = 500
# Solvers are cohesive models of one problem; splitting one would scatter its constraints.
LONG_ALLOWED = {"planning/visits.py", "planning/rotation.py"}
# Imports that must stay inside a function, each with its reason.
LAZY_ALLOWED: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _resolve(module: str, name: str | None) -> str | None:
    """The trainer module an import statement loads (a submodule when ``name`` is one)."""
    if name and f"{module}.{name}" in MODULES:
        return f"{module}.{name}"
    return module if module in MODULES else None


def _imports(tree: ast.AST, *, top_level: bool):
    """(node, imported trainer module, imported name) for the module's imports, at top level or in functions."""
    nodes = []
    if top_level:
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            nodes.append(node)
        candidates = [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)]
    else:
        candidates = [n for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                      for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)]
    for node in candidates:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("trainer"):
            for alias in node.names:
                yield node, _resolve(node.module, alias.name), alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("trainer"):
                    yield node, _resolve(alias.name, None), None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for _node, target, _alias in _imports(ast.parse(path.read_text()), top_level=True):
            if target and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("trainer"):
                for alias in node.names:
                    if alias.name.startswith("_") and f"{node.module}.{alias.name}" not in MODULES:
                        offenders.append(f"{name}: from {node.module} import {alias.name}")
    assert offenders == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    relative = MODULES[name].relative_to(ROOT).as_posix()
    lines = len(MODULES[name].read_text().splitlines())
    assert relative in LONG_ALLOWED or lines <= MAX_LINES, f"{relative} has {lines} lines"


def test_trainer_modules_are_imported_at_the_top():
    lazy = []
    for name, path in MODULES.items():
        for node, target, _alias in _imports(ast.parse(path.read_text()), top_level=False):
            key = f"{name} -> {target}"
            if key not in LAZY_ALLOWED:
                lazy.append(f"{key} (line {node.lineno})")
    assert lazy == []


def _kind(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def test_operations_never_commit_or_roll_back():
    offenders = [f"{name}: {call}" for name, path in MODULES.items() if _kind(name) == "operations"
                 for call in (".commit()", ".rollback()") if call in path.read_text()]
    assert offenders == []


def test_views_and_api_hold_no_queries():
    """Pages and endpoints parse, call an operation and answer; what they read comes from operations."""
    offenders = [f"{name}: {path.read_text().count('select(')}" for name, path in MODULES.items()
                 if _kind(name) in ("views", "api") and "select(" in path.read_text()]
    assert offenders == []


def test_jobs_call_operations_never_a_solver():
    offenders = []
    for name, path in MODULES.items():
        if _kind(name) != "jobs":
            continue
        for kind in (True, False):
            for _node, target, _alias in _imports(ast.parse(path.read_text()), top_level=kind):
                if target and target.startswith("trainer.planning"):
                    offenders.append(f"{name} -> {target}")
    assert offenders == []
