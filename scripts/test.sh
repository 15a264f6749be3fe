#!/usr/bin/env bash
# The whole test suite on SQLite, then everything but the browser tests again on a real
# PostgreSQL (a throw-away database). The browser tests drive the same pages and scripts on
# either database; what differs between the two (locks, triggers, constraints, concurrent
# saves and imports, the worker) is in the tests that run on both. Tests that never touch the
# configured database (pure text, dates, the engine, processes on SQLite files of their own)
# run only once: tests/conftest.py leaves them out of the PostgreSQL run
# (HOTICH_TEST_EVERYTHING=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p test-artifacts

echo "== Tests on SQLite =="
env -u DATABASE_URL $BIN/pytest -q -p no:cacheprovider "$@"

echo "== Tests on PostgreSQL =="
scripts/ensure-postgres.sh
PGURL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/hotich_ci_$$}
# pytest-django creates test_<name>, runs, and drops it.
DATABASE_URL=$PGURL $BIN/pytest -q -p no:cacheprovider --create-db -m "not browser and not spark" "$@"
