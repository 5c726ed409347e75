"""The architecture as tests: no import cycle, imports point one way, no module over 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "llmpick"
MAX_LINES = 500


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """llmpick modules this file imports, at the top or inside functions (a lazy import is still a dependency)."""
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            out |= {n for n in names if _is_module(n)} or {target}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m == "llmpick" or m.startswith("llmpick.")}


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


MODULES = {_module(p): p for p in SRC.rglob("*.py")}
GRAPH = {m: {t for t in _imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}


def _edges_without_packages() -> dict[str, set[str]]:
    """A package's __init__ importing its own submodules is how packages re-export: not a cycle of design."""
    return {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in GRAPH.items()}


def test_no_import_cycle():
    graph = _edges_without_packages()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                pytest.fail("import cycle: " + " -> ".join([*stack[stack.index(t) :], t]))
            if t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_over_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def _third_party(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
    return out


def test_imports_point_one_way():
    """schema imports nothing else of llmpick; the core never imports cli, output, typer or rich; output computes
    nothing (it reaches only schema, units and safeio); only hub.py talks to the Hub client."""
    for m, targets in GRAPH.items():
        path = MODULES[m]
        third = _third_party(path)
        if m.startswith("llmpick.schema"):
            assert all(t.startswith("llmpick.schema") for t in targets), (m, targets)
        elif m.startswith("llmpick.output"):
            allowed = ("llmpick.output", "llmpick.schema", "llmpick.units", "llmpick.safeio")
            assert all(t.startswith(allowed) for t in targets), (m, targets)
        elif not m.startswith("llmpick.cli") and m not in ("llmpick", "llmpick.__main__"):
            assert not any(t.startswith(("llmpick.cli", "llmpick.output")) for t in targets), (m, targets)
            assert not third & {"typer", "rich", "click"}, (m, third)
        if "huggingface_hub" in third or "httpx2" in third:
            assert m == "llmpick.hub", m
