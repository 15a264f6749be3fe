#!/usr/bin/env bash
# The whole test suite on SQLite and, at the same time, everything but the browser tests on a
# real PostgreSQL (a throw-away database). The two runs share nothing (their own database,
# their own temporary files, free ports), so they run side by side, one on each core of a
# two-core machine: the suite takes as long as its longer half instead of both.
# The browser tests drive the same pages and scripts on either database; what differs between
# the two (locks, triggers, constraints, concurrent saves and imports, the worker) is in the
# tests that run on both. Tests that never touch the configured database (pure text, dates,
# the engine, processes on SQLite files of their own) run only once: tests/conftest.py leaves
# them out of the PostgreSQL run (HOTICH_TEST_EVERYTHING=1 keeps them).
# HOTICH_TEST_SERIAL=1 runs the two one after the other (output as it comes).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p test-artifacts

scripts/ensure-postgres.sh
PGURL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/hotich_ci_$$}
# pytest-django creates test_<name>, runs, and drops it.
postgres_run() {
  DATABASE_URL=$PGURL $BIN/pytest -q -p no:cacheprovider --create-db -m "not browser and not spark" "$@"
}
sqlite_run() {
  env -u DATABASE_URL $BIN/pytest -q -p no:cacheprovider "$@"
}

if [[ -n "${HOTICH_TEST_SERIAL:-}" ]]; then
  echo "== Tests on SQLite =="
  sqlite_run "$@"
  echo "== Tests on PostgreSQL =="
  postgres_run "$@"
  exit 0
fi

PGLOG=test-artifacts/postgresql-run.log
echo "== Tests on PostgreSQL (in the background, output in $PGLOG) =="
postgres_run "$@" >"$PGLOG" 2>&1 &
pg_pid=$!
# A stopped make test stops both runs.
trap 'kill "$pg_pid" 2>/dev/null || true' INT TERM

echo "== Tests on SQLite =="
set +e
sqlite_run "$@"
sqlite_status=$?
echo "== Tests on PostgreSQL: waiting for the background run =="
wait "$pg_pid"
pg_status=$?
set -e
cat "$PGLOG"
echo "== SQLite: $( ((sqlite_status == 0)) && echo passed || echo "FAILED ($sqlite_status)"); PostgreSQL: $( ((pg_status == 0)) && echo passed || echo "FAILED ($pg_status)") =="
((sqlite_status == 0 && pg_status == 0))
