"""Arrows point down the layers: what the matching engine, reconciliation and the apps
above them may import of each other."""

import ast
from pathlib import Path

import pytest

import hotich

ROOT = Path(hotich.__file__).parent

#: app -> apps it must not import (migrations aside).
FORBIDDEN = [
    ("matching", {"keying", "reconciliation"}),
    ("reconciliation", {"keying", "review", "exchange", "campaigns", "core"}),
    ("review", {"keying"}),
    ("exchange", {"keying"}),
]


def _apps_imported(app: str) -> dict[str, str]:
    """Return the hotich apps APP's modules import, each with one module that does."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "hotich" and len(parts) > 1 and parts[1] != app:
                    found.setdefault(parts[1], str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(("app", "forbidden"), FORBIDDEN, ids=[a for a, _ in FORBIDDEN])
def test_an_app_does_not_import_the_apps_above_it(app, forbidden):
    imported = _apps_imported(app)
    assert {a: imported[a] for a in forbidden if a in imported} == {}
