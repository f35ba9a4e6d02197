"""No module of ours imports, at module level, another that imports it back (issue 10): a cycle
is what made the old ``charts.py`` and ``chart_svg.py`` depend on import order. Imports inside
functions and under ``TYPE_CHECKING`` do not count (they run after both modules exist)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

APPS = ["culture_of_care", "organisations", "wards", "coaching", "risk"]


def _modules(base: Path, roots: list[str]) -> dict[str, Path]:
    found = {}
    for root in roots:
        for path in (base / root).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            parts = path.relative_to(base).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                names.add(module)
                names.update(f"{module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {n for n in names if n in known and n != name}


def import_cycles(base: Path, roots: list[str]) -> list[list[str]]:
    """Groups of our modules that import each other at module level (strongly connected)."""
    known = _modules(base, roots)
    graph = {name: _imported(path, name, known) for name, path in known.items()}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in graph[node]:
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in graph:
        if name not in order:
            visit(name)
    return cycles


def test_no_module_of_ours_imports_one_that_imports_it_back():
    assert import_cycles(Path(settings.BASE_DIR), APPS) == []


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    app = tmp_path / "demoapp"
    (app / "charts").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "charts" / "__init__.py").write_text("")
    (app / "charts" / "summary.py").write_text("from demoapp.charts.svg import draw\n")
    (app / "charts" / "svg.py").write_text("from . import summary\n\ndef draw():\n    pass\n")
    (app / "fine.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demoapp import later\n"
    )
    (app / "later.py").write_text("from demoapp import fine\n")
    assert import_cycles(tmp_path, ["demoapp"]) == [
        ["demoapp.charts.summary", "demoapp.charts.svg"]
    ]
