"""Interactive lookup latency against a registry in a real database, and both paths agreeing.

Run: .venv/bin/python bench/bench_lookup.py          (20,000 citizens, SQLite and PostgreSQL)
     .venv/bin/python bench/bench_lookup.py --full   (1,000,000 citizens, 2,000 lookups)
     .venv/bin/python bench/bench_lookup.py --size 200000 --lookups 1000 --db sqlite
     .venv/bin/python bench/bench_lookup.py --existing postgres://…/hotich_10m --lookups 1000
                     (a registry already loaded, e.g. 10 million citizens by
                     ``hotich registry load``; records are noisy copies of citizens drawn
                     from it, and a tenth are people it does not have)

For each database (a SQLite file in a temporary folder; a throw-away PostgreSQL database
created on ``--postgres`` and dropped afterwards) a child process migrates, loads a synthetic
registry (hotich.demo.benchdata) through the registry loader (``hotich registry load``'s
``citizens_load``), then times ``hotich.matching.services.lookup`` on noisy book records:

- p50 / p95 / p99 server time of a lookup (candidate query + scoring + decision), and of the
  candidate query alone;
- the reference in the same run: a single primary-key fetch of a citizen;
- agreement of the two paths: ``services.reconcile_people`` (batch) against ``lookup``
  (interactive) on the same records, outcome and personal ID.

The model is the one shipped with the code (what a new installation uses).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SIZE = 20_000
FULL_SIZE = 1_000_000
DEFAULT_LOOKUPS = 1_000
FULL_LOOKUPS = 2_000
POSTGRES = "postgres://postgres@127.0.0.1:5432"
WARM_UP = 50


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)

    def at(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return (
        f"p50 {at(0.50):6.2f} ms  p95 {at(0.95):6.2f} ms  p99 {at(0.99):6.2f} ms  "
        f"mean {1000 * statistics.fmean(ordered):6.2f} ms"
    )


def load_registry(registry: list[dict[str, str]], folder: Path) -> str:
    """Load the registry through the registry loader (as ``hotich registry load``); return how."""
    from hotich.registry.services import citizens_load

    path = folder / "citizens.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(registry[0]))
        writer.writeheader()
        writer.writerows(registry)
    report = citizens_load(path=path)
    return f"registry loader (citizens_load): {report.loaded:,} loaded, {report.rejected} rejected"


def child(size: int, lookups: int, folder: Path) -> None:
    """Run in a process whose DATABASE_URL points at the database to measure."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hotich.demo.benchdata import make_bench_data, synth_people
    from hotich.matching import services
    from hotich.matching.engine.features import PersonInput, person_features
    from hotich.registry.models import Citizen

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = make_bench_data(synth_people(size), records=lookups)
    print(f"  data: {len(data.registry):,} citizens, {len(data.records):,} records", flush=True)
    how = load_registry(data.registry, folder)
    print(f"  loaded in {time.perf_counter() - started:.0f} s by {how}", flush=True)

    model = services.active_model()
    people = [
        (
            r["record_id"],
            PersonInput.from_row(r),
        )
        for r in data.records
    ]
    for _, person in people[:WARM_UP]:
        services.lookup(person, model=model)
        services.lookup(person, model=model, loose=False)
    lookup_times, query_times, interactive = [], [], {}
    base_times, base_query_times, sizes, base_sizes = [], [], [], []
    for rid, person in people:
        # The reference first: the first six keys only, as before the loose keys.
        started = time.perf_counter()
        services.lookup(person, model=model, loose=False)
        base_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = services.lookup(person, model=model)
        lookup_times.append(time.perf_counter() - started)
        interactive[rid] = result.decision
        row = person_features(person)
        started = time.perf_counter()
        base_sizes.append(len(services.candidate_search([row], loose=False).found))
        base_query_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        sizes.append(len(services.candidate_search([row]).found))
        query_times.append(time.perf_counter() - started)
    ids = list(Citizen.objects.values_list("pk", flat=True)[:100_000])
    rng = random.Random(1)
    fetch_times = []
    for _ in range(len(people)):
        pk = rng.choice(ids)
        started = time.perf_counter()
        Citizen.objects.get(pk=pk)
        fetch_times.append(time.perf_counter() - started)
    print(f"  lookup (query + scoring + decision): {percentiles(lookup_times)}")
    print(f"  candidate query alone:               {percentiles(query_times)}")
    print(f"  reference, lookup on the first six keys only: {percentiles(base_times)}")
    print(f"  reference, its candidate query:      {percentiles(base_query_times)}")
    print(f"  reference, primary-key fetch:        {percentiles(fetch_times)}")
    for label, found in (("all keys", sizes), ("first six keys", base_sizes)):
        found = sorted(found)
        print(
            f"  candidates per lookup, {label}: p50 {found[len(found) // 2]}, "
            f"p95 {found[int(0.95 * len(found))]}, max {found[-1]}"
        )

    started = time.perf_counter()
    batch = services.reconcile_people(people, model=model)
    batch_seconds = time.perf_counter() - started
    agree = sum(
        1
        for rid, decision in interactive.items()
        if (decision.outcome, decision.personal_id) == (batch[rid].outcome, batch[rid].personal_id)
    )
    print(
        f"  both paths agree (outcome and personal ID): {agree:,}/{len(people):,} records "
        f"(batch reconcile_people {batch_seconds:.1f} s)"
    )
    for rid, decision in interactive.items():
        other = batch[rid]
        if (decision.outcome, decision.personal_id) != (other.outcome, other.personal_id):
            print(
                f"    {rid}: lookup {decision.outcome} {decision.personal_id} "
                f"{decision.score}; batch {other.outcome} {other.personal_id} {other.score}"
            )
    print(f"  database: {connection.vendor}")


def child_existing(lookups: int) -> None:
    """Time lookups against the registry DATABASE_URL already holds (nothing is written)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    django.setup()
    from django.db import connection

    from hotich.demo.benchdata import make_bench_data, synth_people
    from hotich.matching import services
    from hotich.matching.engine.features import PersonInput, person_features
    from hotich.registry.models import Citizen

    low, high = (
        Citizen.objects.order_by("pk").values_list("pk", flat=True).first(),
        Citizen.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )
    if low is None:
        sys.exit("The registry is empty.")
    total = high - low + 1
    rng = random.Random(5)
    fields = ("personal_id", "full_name", "birth_date", "sex", "birthplace", "hometown")
    fields += ("ethnicity", "father_name", "mother_name")
    people = []
    sample = rng.sample(range(low, high + 1), min(total, 2 * lookups))
    for values in Citizen.objects.filter(pk__in=sample).values_list(*fields):
        row = dict(zip(fields, values, strict=True))
        row["birth_place"] = row.pop("birthplace")
        row["birth_date"] = row["birth_date"].isoformat() if row["birth_date"] else ""
        row["sex"] = {"1": "Nam", "2": "Nữ"}.get(row["sex"], "")
        people.append(row)
    absent = lookups // 10
    data = make_bench_data(people, records=lookups - absent, absent=0.0, namesakes=0.0, seed=5)
    outsiders = make_bench_data(synth_people(absent * 20, seed=99), records=absent, seed=99)
    records = [PersonInput.from_row(r) for r in (*data.records, *outsiders.records)]
    rng.shuffle(records)
    print(f"  registry: ids {low:,} to {high:,}; {len(records):,} records", flush=True)

    model = services.active_model()
    for person in records[:WARM_UP]:
        services.lookup(person, model=model)
    lookup_times, query_times, sizes = [], [], []
    for person in records:
        started = time.perf_counter()
        services.lookup(person, model=model)
        lookup_times.append(time.perf_counter() - started)
        row = person_features(person)
        started = time.perf_counter()
        sizes.append(len(services.candidate_vectors([row])))
        query_times.append(time.perf_counter() - started)
    fetch_times = []
    for _ in records:
        pk = rng.randrange(low, high + 1)
        started = time.perf_counter()
        Citizen.objects.filter(pk=pk).first()
        fetch_times.append(time.perf_counter() - started)
    sizes.sort()
    print(f"  lookup (query + scoring + decision): {percentiles(lookup_times)}")
    print(f"  candidate query and decoding alone:  {percentiles(query_times)}")
    print(f"  reference, primary-key fetch:        {percentiles(fetch_times)}")
    print(
        f"  candidates per lookup: p50 {sizes[len(sizes) // 2]}, "
        f"p95 {sizes[int(0.95 * len(sizes))]}, max {sizes[-1]}"
    )
    print(f"  database: {connection.vendor}")


def run(database: str, size: int, lookups: int) -> int:
    with tempfile.TemporaryDirectory(prefix="hotich-bench-") as folder:
        env = dict(os.environ, HOTICH_DATA_DIR=folder)
        env.pop("HOTICH_MODELS_DIR", None)
        name = None
        if database == "postgres":
            import psycopg

            name = f"hotich_bench_{os.getpid()}"
            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
                con.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = f"{POSTGRES}/{name}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        print(f"\n{database}: registry of about {size:,}, {lookups:,} lookups", flush=True)
        try:
            return subprocess.call(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--size",
                    str(size),
                    "--lookups",
                    str(lookups),
                    "--folder",
                    folder,
                ],
                env=env,
                cwd=ROOT,
            )
        finally:
            if name:
                import psycopg

                with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
                    con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="registry size")
    parser.add_argument("--lookups", type=int, default=None, help="records looked up")
    parser.add_argument("--full", action="store_true", help="1,000,000 citizens, 2,000 lookups")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--existing", metavar="DATABASE_URL", help="time lookups on a registry already loaded"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = FULL_SIZE if args.full else args.size
    lookups = args.lookups or (FULL_LOOKUPS if args.full else DEFAULT_LOOKUPS)
    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
        child_existing(lookups)
        return
    if args.child:
        child(size, lookups, Path(args.folder))
        return
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    failed = sum(run(db, size, lookups) != 0 for db in databases)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
