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


def test_the_permission_table_in_the_docs_is_the_code_s():
    from hotich.accounts.capabilities import table_markdown

    text = (ROOT / "docs" / "accounts.md").read_text()
    shown = text.split("<!-- capabilities:start -->\n")[1].split("<!-- capabilities:end -->")[0]
    assert shown == table_markdown(), "paste hotich.accounts.capabilities.table_markdown()"
