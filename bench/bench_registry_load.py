"""Loading a registry extract: `hotich registry load` against plain inserts of the raw rows.

Run: .venv/bin/python bench/bench_registry_load.py                 (20,000 rows, ~1 minute)
     .venv/bin/python bench/bench_registry_load.py --rows 1000000  (the goal: < 3 min SQLite)
     .venv/bin/python bench/bench_registry_load.py --rows 10000000 --backends postgresql
                                                                   (the goal: < 10 min)

Steps, each timed as a user runs it (a fresh process, so Django start-up is included):

1. `hotich registry synth --out people.csv`: the synthetic population file (the input).
2. For each backend (a fresh SQLite file; a fresh PostgreSQL database created on
   BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, and dropped at the
   end): `hotich registry load people.csv`, then the reference in the same run: the same
   file's raw rows written with no feature computation at all (`executemany` on SQLite,
   `COPY` on PostgreSQL) into a table with a unique personal_id and one name index.
3. On SQLite also `hotich registry synth` straight into the registry (step 1 + step 2's
   work in one command).

The machine is shared: the load average is printed next to the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOTICH = [sys.executable, "-m", "hotich.cli"]
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


CPU: dict[str, float] = {}  # CPU seconds of the last hotich command and its worker processes


def hotich(*args: str, env: dict[str, str], verbosity: int = 0) -> tuple[float, str]:
    """Run a hotich command; return its wall time and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*HOTICH, *args, "-v", str(verbosity)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["last"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode:
        sys.exit(f"hotich {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip()


def raw_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        yield header
        yield from reader


def reference_sqlite(path: Path, database: Path) -> float:
    started = time.perf_counter()
    rows = raw_rows(path)
    header = next(rows)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"CREATE TABLE raw ({', '.join(f'{c} TEXT' for c in header)})")
    db.execute("CREATE UNIQUE INDEX raw_pid ON raw (personal_id)")
    db.execute("CREATE INDEX raw_name ON raw (full_name)")
    marks = ", ".join("?" * len(header))
    batch: list[list[str]] = []
    with db:
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                db.executemany(f"INSERT OR REPLACE INTO raw VALUES ({marks})", batch)  # noqa: S608
                batch = []
        db.executemany(f"INSERT OR REPLACE INTO raw VALUES ({marks})", batch)  # noqa: S608
    db.close()
    return time.perf_counter() - started


def reference_postgres(path: Path, url: str) -> float:
    import psycopg

    started = time.perf_counter()
    rows = raw_rows(path)
    header = next(rows)
    with psycopg.connect(url) as db, db.cursor() as cursor:
        cursor.execute(f"CREATE TABLE raw ({', '.join(f'{c} text' for c in header)})")
        cursor.execute("CREATE UNIQUE INDEX raw_pid ON raw (personal_id)")
        cursor.execute("CREATE INDEX raw_name ON raw (full_name)")
        with cursor.copy("COPY raw FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return time.perf_counter() - started


def line(step: str, rows: int, seconds: float, reference: float | None = None) -> None:
    ratio = f"{seconds / reference:5.1f}× the reference" if reference else ""
    print(f"{step:<46} {rows:>11,} rows {seconds:8.1f} s {rows / seconds:>9,.0f} rows/s  {ratio}")


def load(people: Path, rows: int, env: dict[str, str]) -> float:
    hotich("migrate", env=env)
    hotich("places", "load", env=env)
    seconds, output = hotich("registry", "load", str(people), env=env, verbosity=2)
    print("   ", output.replace("\n", "\n    "))
    print(
        f"    CPU of the command and its workers: {CPU['last']:.1f} s (database server not counted)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-synth-db", action="store_true", help="skip step 3")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    options = parser.parse_args()
    backends = options.backends.split(",")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory(prefix="bench-registry-") as scratch:
        work = Path(options.keep or scratch)
        work.mkdir(parents=True, exist_ok=True)
        base = {**os.environ, "HOTICH_DATA_DIR": str(work / "data")}
        base.pop("DATABASE_URL", None)
        people = work / f"people-{options.rows}.csv"
        if not people.exists():
            seconds, _ = hotich(
                "registry", "synth", "--count", str(options.rows), "--province", "38",
                "--out", str(people), env=base,
            )  # fmt: skip
            line("hotich registry synth --out people.csv", options.rows, seconds)
        rows = sum(1 for _ in people.open(encoding="utf-8")) - 1

        if "sqlite" in backends:
            database = work / "sqlite" / "hotich.sqlite3"
            database.parent.mkdir(exist_ok=True)
            database.unlink(missing_ok=True)
            env = {**base, "HOTICH_DATA_DIR": str(database.parent)}
            seconds = load(people, rows, env)
            reference_db = work / "reference.sqlite3"
            reference_db.unlink(missing_ok=True)
            reference = reference_sqlite(people, reference_db)
            line("SQLite: hotich registry load", rows, seconds, reference)
            line("SQLite: reference executemany of raw rows", rows, reference)
            if not options.no_synth_db:
                database.unlink()
                hotich("migrate", env=env)
                hotich("places", "load", env=env)
                seconds, _ = hotich(
                    "registry", "synth", "--count", str(options.rows), "--province", "38", env=env
                )
                line("SQLite: hotich registry synth (into the db)", options.rows, seconds)

        if "postgresql" in backends:
            import psycopg

            name = f"bench_registry_{os.getpid()}"
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
            try:
                seconds = load(people, rows, {**base, "DATABASE_URL": url})
                reference = reference_postgres(people, url)
                line("PostgreSQL: hotich registry load", rows, seconds, reference)
                line("PostgreSQL: reference COPY of raw rows", rows, reference)
            finally:
                with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
