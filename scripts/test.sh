#!/usr/bin/env bash
# The whole test suite, on SQLite and then on a real PostgreSQL (a throw-away database).
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
DATABASE_URL=$PGURL $BIN/pytest -q -p no:cacheprovider --create-db "$@"
