"""Services take an actor (hotich.audit.actor.Actor), never a web request, read from the code.

Every function (nested ones and methods included) of the service modules is checked: none
has a parameter named ``request``, so a service runs the same from a page, the worker, a
command or a test. The audit log's own writer, ``hotich/audit/services.py``, is left out: it
is where a view's request becomes the audited user, address and path.
"""

import ast
from pathlib import Path

import hotich

ROOT = Path(hotich.__file__).parent

#: Where a request becomes an actor's facts; views may pass their request there.
BOUNDARY = {ROOT / "audit" / "services.py"}


def service_modules() -> list[Path]:
    found = [
        *ROOT.glob("*/services.py"),
        ROOT / "review" / "scans.py",
        ROOT / "exchange" / "exports.py",
        ROOT / "exchange" / "importer.py",
    ]
    return sorted(p for p in found if p.exists() and p not in BOUNDARY)


def request_parameters(path: Path, root: Path = ROOT.parent) -> list[str]:
    """Return "file:line function" for each function of PATH with a parameter ``request``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            names = [
                a.arg
                for a in (
                    *arguments.posonlyargs,
                    *arguments.args,
                    *arguments.kwonlyargs,
                    *filter(None, (arguments.vararg, arguments.kwarg)),
                )
            ]
            if "request" in names:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return found


def test_the_service_modules_are_found():
    names = {str(p.relative_to(ROOT)) for p in service_modules()}
    assert {
        "registers/services.py",
        "keying/services.py",
        "review/services.py",
        "review/scans.py",
        "exchange/exports.py",
        "exchange/importer.py",
        "registry/services.py",
        "accounts/services.py",
        "reconciliation/services.py",
    } <= names


def test_no_service_takes_a_request():
    offending = [hit for path in service_modules() for hit in request_parameters(path)]
    assert offending == [], "services take actor=, not request=: " + ", ".join(offending)


def test_the_check_sees_a_request_parameter(tmp_path):
    sample = tmp_path / "services.py"
    sample.write_text(
        "def a(*, request=None):\n    pass\n\n"
        "class B:\n    def c(self, request): ...\n\n"
        "def d(*, actor=None): ...\n"
    )
    assert request_parameters(sample, root=tmp_path) == ["services.py:1 a", "services.py:5 c"]
