"""Docs that cannot drift: every hotich command and every setting is documented."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOCS = "\n".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text()


def hotich_commands() -> list[str]:
    """Return our management commands as typed on the command line ("places load")."""
    return sorted(
        name.replace("_", " ") for name, app in get_commands().items() if app.startswith("hotich.")
    )


def environment_variables() -> set[str]:
    names: set[str] = set()
    for path in [ROOT / "hotich" / "settings.py", *ROOT.glob("hotich/*/management/commands/*.py")]:
        names |= set(
            re.findall(r'(?:environ\.get\(|environ\[|env_bool\()"([A-Z_]+)"', path.read_text())
        )
    return names


def test_there_are_commands_and_settings_to_check():
    assert {"demo", "serve", "worker", "createuser", "places load"} <= set(hotich_commands())
    assert {"DATABASE_URL", "SECRET_KEY"} <= environment_variables()


def test_every_hotich_command_is_documented():
    missing = [c for c in hotich_commands() if f"hotich {c}" not in DOCS]
    assert missing == []


def test_every_setting_is_documented_in_the_deployment_guide():
    missing = sorted(v for v in environment_variables() if f"`{v}`" not in DEPLOYMENT)
    assert missing == []


def test_the_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def app_table_names() -> set[str]:
    """Return the apps the table in docs/architecture.md lists (``hotich.lib`` as ``lib``)."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text.split("## Apps", 1)[1].split("\n## ", 1)[0]
    return {m.removeprefix("hotich.") for m in re.findall(r"^\| `([a-z_.]+)` \|", table, re.M)}


def test_the_architecture_table_lists_every_app():
    apps = {p.parent.name for p in (ROOT / "hotich").glob("*/apps.py")}
    assert apps, "no app found"
    assert sorted(apps - app_table_names()) == []


DOTTED = re.compile(r"\bhotich(?:\.[a-z_][a-z0-9_]*)+")
PATH = re.compile(r"\bhotich(?:/[a-z_][a-z0-9_]*)+\.py\b")


def module_exists(dotted: str) -> bool:
    """Whether DOTTED names a module of the package, or a name (and its attribute) in one."""
    import importlib
    import importlib.util

    parts = dotted.split(".")
    target: object = importlib.import_module(parts[0])
    names_in_module = 0
    for i, part in enumerate(parts[1:], start=2):
        module = ".".join(parts[:i])
        if hasattr(target, "__path__") and importlib.util.find_spec(module) is not None:
            target = importlib.import_module(module)
            continue
        if not hasattr(target, part):
            return False
        target = getattr(target, part)
        names_in_module += 1
    return names_in_module <= 2


def cited_modules() -> list[tuple[str, str]]:
    """Return (file, name) for each hotich module a docstring of the package or tests cites."""
    import ast

    found = []
    for path in [*ROOT.glob("hotich/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node) or ""
                for name in DOTTED.findall(doc):
                    found.append((str(path.relative_to(ROOT)), name.rstrip(".")))
                for name in PATH.findall(doc):
                    found.append((str(path.relative_to(ROOT)), name))
    return found


def test_modules_cited_in_docstrings_exist():
    cited = cited_modules()
    assert len(cited) > 10
    missing = sorted(
        (where, name)
        for where, name in cited
        if not ((ROOT / name).exists() if name.endswith(".py") else module_exists(name))
    )
    assert missing == []


def test_the_permission_table_in_the_docs_is_the_code_s():
    from hotich.accounts.capabilities import table_markdown

    text = (ROOT / "docs" / "accounts.md").read_text()
    shown = text.split("<!-- capabilities:start -->\n")[1].split("<!-- capabilities:end -->")[0]
    assert shown == table_markdown(), "paste hotich.accounts.capabilities.table_markdown()"
