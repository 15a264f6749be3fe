"""hotich.matching.engine is pure: no Django, no hotich app but hotich.lib."""

import ast
import subprocess
import sys
from pathlib import Path

import hotich.matching.engine as engine

ALLOWED = ("hotich.lib", "hotich.matching.engine")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _allowed(name: str) -> bool:
    if name == "django" or name.startswith("django."):
        return False
    if name == "hotich" or name.startswith("hotich."):
        return any(name == a or name.startswith(a + ".") for a in ALLOWED)
    return True


def test_the_engine_modules_import_only_the_library_and_each_other():
    found = {
        f"{path.name}: {name}"
        for path in Path(engine.__file__).parent.glob("*.py")
        for name in _imports(path)
        if not _allowed(name)
    }
    assert not found


def test_the_engine_imports_without_django():
    code = (
        "import sys, importlib, pkgutil, hotich.matching.engine as engine\n"
        "for m in pkgutil.iter_modules(engine.__path__):\n"
        "    importlib.import_module('hotich.matching.engine.' + m.name)\n"
        "assert not any(n == 'django' or n.startswith('django.') for n in sys.modules), 'django imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
