"""The packages depend on each other in one direction only: widgets → index → catalogue.

``imk`` (the assembled command line) may import catalogue and index, and nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "catalogue": {"index", "widgets", "imk"},
    "index": {"widgets", "imk"},
    "widgets": {"imk"},
    "imk": {"widgets"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in sorted((ROOT / package).rglob("*.py"))
        if (found := imported_packages(path) & FORBIDDEN[package])
    }
    assert wrong == {}, f"{package} must not import {sorted(FORBIDDEN[package])}"
