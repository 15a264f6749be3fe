"""A database of its own for tests that run real `hotich` processes side by side.

On SQLite: a file in the test's directory (pytest-django's test database lives in this
process's memory, where no other process sees it). On PostgreSQL (``DATABASE_URL`` set): a
fresh database on the same server, dropped afterwards.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.migrated import sqlite_data_dir

REPO = Path(__file__).resolve().parents[2]
HOTICH = [sys.executable, "-m", "hotich.cli"]


def _postgres_server() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else None


@pytest.fixture(scope="session")
def migrated_postgres():
    """On PostgreSQL, a database migrated once per run, copied by each test (its template)."""
    server = _postgres_server()
    if server is None:
        yield None
        return
    import psycopg

    name = f"hotich_faults_template_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DATABASE_URL": f"{server}/{name}", "PYTHONPATH": str(REPO)}
    subprocess.run([*HOTICH, "migrate", "-v", "0"], env=env, check=True, timeout=600)
    yield name
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def process_env(tmp_path, request):
    """Return the environment of `hotich` processes on a migrated database of their own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    server = _postgres_server()
    if server is None:
        sqlite_data_dir(tmp_path, request.getfixturevalue("migrated_sqlite"))
        yield env
        return
    import psycopg

    template = request.getfixturevalue("migrated_postgres")
    name = f"hotich_faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    yield env
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hotich_python(env: dict, code: str, *, timeout: float = 300) -> str:
    """Run CODE in `hotich shell` with ENV and return what it printed."""
    done = subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()
