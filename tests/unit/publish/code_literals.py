"""The text the app and the exports spell in their code, for the one-definition tests
(test_shorthand: no marker of their own; test_metric_definitions: no metric of their own)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SCANNED = ["reports_app", "publish/exports"]


def scanned_files() -> list[Path]:
    """Every Python module and Jinja template of the app and the exports."""
    return [
        p
        for folder in SCANNED
        for p in sorted((PROJECT_ROOT / folder).rglob("*"))
        if p.suffix in (".py", ".j2") and "__pycache__" not in p.parts
    ]


def literals(path: Path, matches: Callable[[str], object]) -> list[tuple[int, str]]:
    """String constants in code (docstrings excepted) that ``matches``; in a template, its
    lines that do (Jinja comments excepted). Each with its line number."""
    if path.suffix != ".py":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [
            (number, line.strip())
            for number, line in enumerate(lines, 1)
            if matches(line.strip()) and not line.strip().startswith("{#")
        ]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and matches(node.value)
    ]


def beyond_allowance(
    files: list[Path], found_in: Callable[[Path], list], allowed: dict[str, int]
) -> dict[str, list]:
    """Per scanned file (relative path), what ``found_in`` finds there, where that is more
    than the file's listed allowance (the literals known and explained)."""
    found = {str(p.relative_to(PROJECT_ROOT)): hits for p in files if (hits := found_in(p))}
    return {path: hits for path, hits in found.items() if len(hits) > allowed.get(path, 0)}
