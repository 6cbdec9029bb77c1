"""The layers of docs/architecture.md hold: domain/ imports nothing of the project, and
nothing below the HTTP layer reaches up into web/ (only app.py assembles it, and
serving.py runs it: processes, signals, readiness)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "sportello"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_domain_imports_nothing_of_the_project() -> None:
    for path in (SRC / "domain").glob("*.py"):
        outside = {
            name
            for name in imported(path)
            if name.startswith("sportello") and not name.startswith("sportello.domain")
        }
        assert outside == set(), path.name


def test_nothing_below_the_http_layer_imports_it() -> None:
    for path in SRC.rglob("*.py"):
        if path.is_relative_to(SRC / "web") or path.name in ("app.py", "serving.py"):
            continue
        assert not any(n.startswith("sportello.web") for n in imported(path)), path
