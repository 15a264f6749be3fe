"""Interactive lookup latency against a registry in a real database, and both paths agreeing.

Run: .venv/bin/python bench/bench_lookup.py          (20,000 citizens, SQLite and PostgreSQL)
     .venv/bin/python bench/bench_lookup.py --full   (1,000,000 citizens, 2,000 lookups)
     .venv/bin/python bench/bench_lookup.py --size 200000 --lookups 1000 --db sqlite
     .venv/bin/python bench/bench_lookup.py --existing postgres://…/hotich_10m --lookups 1000
                     (a registry already loaded, e.g. 10 million citizens by
                     ``hotich registry load``; records are noisy copies of citizens drawn
                     from it, and a tenth are people it does not have)
     .venv/bin/python bench/bench_lookup.py --keep-db lookup10m --sizes 1000000,10000000
                     (the 10-million goal with its 1-million reference, in one run: each
                     registry is a database PREFIX_1m / PREFIX_10m kept across runs; when
                     missing, the smallest is made by ``hotich registry synth --out`` and
                     ``hotich registry load``, the others grown from it (:func:`grow_kept`),
                     then each is timed as ``--existing`` does; ``--drop`` drops them after)

``--existing`` and ``--keep-db`` also check that the one-statement candidate read finds the
same citizens as the previous two statements (timed, interleaved, as the reference), the
registered person's presence among the candidates, and both paths' agreement.

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
    truth = dict(data.truth)
    records = [(r["record_id"], PersonInput.from_row(r)) for r in data.records]
    for r in outsiders.records:
        truth["X" + r["record_id"]] = None
        records.append(("X" + r["record_id"], PersonInput.from_row(r)))
    rng.shuffle(records)
    print(f"  registry: ids {low:,} to {high:,}; {len(records):,} records", flush=True)
    checked = stored_agree(rng.sample(range(low, high + 1), min(total, 200)))
    print(f"  stored keys and features equal those derived from the values: {checked}")

    model = services.active_model()
    for _rid, person in records[:WARM_UP]:
        services.lookup(person, model=model)
    lookup_times, cpu_times, query_times, sizes, interactive = [], [], [], [], {}
    before_times: list[float] = []
    found_true = registered = right = 0
    for rid, person in records:
        started, cpu = time.perf_counter(), time.process_time()
        result = services.lookup(person, model=model)
        lookup_times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
        interactive[rid] = result.decision
        row = person_features(person)
        # The candidate read as it is, and as it was (interleaved: the same load for both).
        started = time.perf_counter()
        found = services.candidate_vectors([row])
        query_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        before = two_statement_read(row)
        before_times.append(time.perf_counter() - started)
        assert before == set(found), rid
        sizes.append(len(found))
        if truth[rid] is not None:
            registered += 1
            found_true += any(pid == truth[rid] for pid, _ in found.values())
        right += (result.decision.outcome in ("match", "discrepancy")) == (
            truth[rid] is not None
        ) and result.decision.personal_id == truth[rid]
    fetch_times = []
    for _ in records:
        pk = rng.randrange(low, high + 1)
        started = time.perf_counter()
        Citizen.objects.filter(pk=pk).first()
        fetch_times.append(time.perf_counter() - started)
    sizes.sort()
    print(f"  lookup (query + scoring + decision): {percentiles(lookup_times)}")
    print(f"  … its CPU time in this process:      {percentiles(cpu_times)}")
    print(f"  candidate query and decoding alone:  {percentiles(query_times)}")
    print(f"  reference, the two-statement read:   {percentiles(before_times)}")
    print(f"  reference, primary-key fetch:        {percentiles(fetch_times)}")
    print(
        f"  candidates per lookup: p50 {sizes[len(sizes) // 2]}, "
        f"p95 {sizes[int(0.95 * len(sizes))]}, p99 {sizes[int(0.99 * len(sizes))]}, "
        f"max {sizes[-1]}"
    )
    print(
        f"  the registered person among the candidates: {found_true:,}/{registered:,}; "
        f"outcome right (that person, or not found for the {len(records) - registered} "
        f"absent): {right:,}/{len(records):,}"
    )
    started = time.perf_counter()
    batch = services.reconcile_people(records, model=model)
    agree = sum(
        (d.outcome, d.personal_id) == (batch[rid].outcome, batch[rid].personal_id)
        for rid, d in interactive.items()
    )
    print(
        f"  both paths agree (outcome and personal ID): {agree:,}/{len(records):,} records "
        f"(batch reconcile_people {time.perf_counter() - started:.1f} s)"
    )
    for rid, d in interactive.items():
        other = batch[rid]
        if (d.outcome, d.personal_id) != (other.outcome, other.personal_id):
            print(
                f"    {rid}: lookup {d.outcome} {d.personal_id}; batch {other.outcome} {other.personal_id}"
            )
    print(f"  database: {connection.vendor}")


def two_statement_read(row: dict[str, Any]) -> set[int]:
    """Return the primary keys of ROW's candidates read as the lookup read them before the
    one statement (the reference): a probe of the loose blocks' sizes, then one query OR-ed
    over the first six keys and the loose blocks under the cap."""
    from django.db import connection

    from hotich.matching import services
    from hotich.matching.engine.features import BLOCK_CAP, LOOSE_KEYS
    from hotich.registry.models import Citizen

    values = {key: row[key] for key in LOOSE_KEYS if row.get(key)}
    capped = set()
    if values:
        table = connection.ops.quote_name(Citizen._meta.db_table)
        counts = ", ".join(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {key} = %s "  # noqa: S608
            f"LIMIT {BLOCK_CAP + 1}) AS b{n})"
            for n, key in enumerate(values)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}", list(values.values()))
            fetched = cursor.fetchone()
        capped = {key for key, n in zip(values, fetched, strict=True) if n > BLOCK_CAP}
    filters = services._blocking_q([row]) + [
        services.Q(**{key: value}) for key, value in values.items() if key not in capped
    ]
    if not filters:
        return set()
    query = Citizen.objects.filter(services._or_all(filters))
    found = set()
    for pk, _pid, stored in query.values_list("pk", "personal_id", "match_features"):
        services.decode_features(stored)  # as the lookup decodes them
        found.add(pk)
    return found


def stored_agree(pks: list[int]) -> str:
    """Return how many of the citizens PKS have the stored blocking keys and features that
    their values give (``features.match_columns``), as "n/m"."""
    from hotich.matching.engine.features import PersonInput, match_columns
    from hotich.registry.models import Citizen

    citizens = list(Citizen.objects.filter(pk__in=pks))
    same = 0
    for citizen in citizens:
        wanted = match_columns(PersonInput.from_citizen(citizen))
        same += all(getattr(citizen, column) == value for column, value in wanted.items())
    return f"{same}/{len(citizens)}"


# --- registries kept across runs (--keep-db) -------------------------------------------------

HOTICH = [sys.executable, "-m", "hotich.cli"]
#: The columns a grown citizen takes from each of four citizens of the loaded registry: A its
#: name, sex, ethnicity and life; B its birth date; C its birthplace, hometown and residence;
#: D its parents' names.
GROW_PARTS = {
    "a": ("full_name", "family_name", "middle_name", "given_name", "name_key", "family_key",
          "given_key", "sex", "ethnicity", "nationality", "alive", "death_date"),
    "b": ("birth_date", "birth_year"),
    "c": ("birthplace", "birthplace_unit_id", "hometown", "residence"),
    "d": ("father_name", "mother_name"),
}  # fmt: skip
#: The province codes of the grown citizens' personal IDs, one per copy of the source (the
#: source's are 038): with the copy's row number as the last six digits, every ID is unique.
GROW_PROVINCES = ("001", "002", "004", "006", "008", "010", "011", "012", "014", "015")
GROW_CHUNK = 50_000
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_GROW: dict[str, Any] = {}


def _copy_text(values: Sequence[str | None]) -> str:
    return "\t".join("\\N" if v is None else v.translate(_COPY_ESCAPE) for v in values)


def _grow_chunk(task: tuple[int, int, int, int]) -> str:
    """Return the COPY lines of the grown citizens START…STOP of copy PASS (a worker
    process; the parts of the source are in _GROW, inherited by fork)."""
    from hotich.matching.engine.features import FEATURES_VERSION, blocking_values

    copy, start, stop, first_id = task
    g = _GROW
    n = min(len(g["a_text"]), 1_000_000)
    if g.get("perms_of") != copy:
        rng = random.Random(1000 + copy)
        perms = []
        for _part in "bcd":
            perm = list(range(n))
            rng.shuffle(perm)
            perms.append(perm)
        g["perms"], g["perms_of"] = perms, copy
    pb, pc, pd = g["perms"]
    province = GROW_PROVINCES[copy - 1]
    tail = f"registry\t{g['created']}"
    lines = []
    for i in range(start, stop):
        b, c, d = pb[i], pc[i], pd[i]
        names, sex, eth = g["a_compared"][i]
        year = g["b_year"][b]
        compared = (*names, *g["b_compared"][b], sex, *g["c_compared"][c], *g["d_compared"][d], eth)
        century = (year // 100 - 19) * 2 + (0 if sex == "1" else 1)
        keys = "\t".join("\\N" if k is None else k for k in blocking_values(compared))
        features = (
            f"[{FEATURES_VERSION},{g['a_json'][i]},{g['b_json'][b]},{g['a_sex'][i]},"
            f"{g['c_json'][c]},{g['d_json'][d]},{g['a_eth'][i]}]"
        )
        lines.append(
            f"{first_id + i - start}\t{province}{century}{year % 100:02d}{i:06d}\t"
            f"{g['a_text'][i]}\t{g['b_text'][b]}\t{g['c_text'][c]}\t{g['d_text'][d]}\t"
            f"{tail}\t{keys}\t{features}\n"
        )
    return "".join(lines)


def grow_kept(name: str, source: str, size: int) -> None:
    """Create database NAME as a copy of database SOURCE (a registry loaded by
    :func:`load_kept`) grown to SIZE citizens (at most ten million more).

    Each new citizen recombines four citizens of the source (GROW_PARTS): the name, sex and
    ethnicity of one, the birth date of another, the birthplace of a third, the parents'
    names of a fourth, drawn by random permutations (one set per copy of the source). So
    every name, date, place and parent keeps its frequency, and the blocks grow with the
    registry as a bigger population's would. The compared features are recombined the same
    way (they are per field) and the blocking keys computed from them by the engine
    (``features.blocking_values``), so a grown citizen has exactly the keys and stored
    features the loader would give it (the timing run checks a sample: ``stored_agree``).
    Written with COPY by two processes, the secondary indexes dropped before and built after
    (as the loader's bulk path), then ``VACUUM (ANALYZE)`` (see docs/registry.md).
    """
    import multiprocessing

    import orjson
    import psycopg

    from hotich.matching.engine.features import BLOCKING_KEYS

    started = time.perf_counter()
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    url = f"{POSTGRES}/{name}"
    columns = [c for part in GROW_PARTS.values() for c in part]
    with psycopg.connect(url) as con:
        cursor = con.execute(
            f"SELECT match_features, {', '.join(f'{c}::text' for c in columns)} "  # noqa: S608
            "FROM registry_citizen WHERE match_features IS NOT NULL ORDER BY id"
        )
        g: dict[str, list[Any]] = {key: [] for key in ("a_text", "b_text", "c_text", "d_text")}
        for key in ("a_compared", "a_json", "a_sex", "a_eth", "b_compared", "b_json", "b_year"):
            g[key] = []
        for key in ("c_compared", "c_json", "d_compared", "d_json"):
            g[key] = []
        cut = {"a": (1, 13), "b": (13, 15), "c": (15, 19), "d": (19, 21)}
        for row in cursor:
            f = orjson.loads(row[0])[1:]
            for part, (low, high) in cut.items():
                g[f"{part}_text"].append(_copy_text(row[low:high]))
            g["a_compared"].append((tuple(f[:12]), f[17], f[28]))
            g["a_json"].append(orjson.dumps(f[:12]).decode()[1:-1])
            g["a_sex"].append(orjson.dumps(f[17]).decode())
            g["a_eth"].append(orjson.dumps(f[28]).decode())
            g["b_compared"].append(tuple(f[12:17]))
            g["b_json"].append(orjson.dumps(f[12:17]).decode()[1:-1])
            g["b_year"].append(f[13] or 1990)
            g["c_compared"].append(tuple(f[18:24]))
            g["c_json"].append(orjson.dumps(f[18:24]).decode()[1:-1])
            g["d_compared"].append(tuple(f[24:28]))
            g["d_json"].append(orjson.dumps(f[24:28]).decode()[1:-1])
    # At most a million per copy: a grown citizen's row number in its copy is the last six
    # digits of its personal ID.
    n = min(len(g["a_text"]), 1_000_000)
    print(
        f"  grow: {n:,} source citizens read in {time.perf_counter() - started:.0f} s", flush=True
    )
    _GROW.clear()
    _GROW.update(g, created=time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime()))
    del g
    copy_columns = ["id", "personal_id", *columns, "source", "created_at", *BLOCKING_KEYS,
                    "match_features"]  # fmt: skip
    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute(
            "SET session_replication_role = replica"
        )  # no FK triggers: copies of valid rows
        cur.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON "
            "i.oid = x.indexrelid WHERE x.indrelid = 'registry_citizen'::regclass "
            "AND NOT x.indisunique AND NOT x.indisprimary"
        )
        indexes = cur.fetchall()
        for index, _sql in indexes:
            cur.execute(f'DROP INDEX "{index}"')
        row = cur.execute("SELECT max(id) FROM registry_citizen").fetchone()
        next_id = int(row[0] if row else 0) + 1
        tasks = []
        copy = 0
        while next_id <= size and copy < len(GROW_PROVINCES):
            copy += 1
            for start in range(0, min(n, size - next_id + 1), GROW_CHUNK):
                stop = min(start + GROW_CHUNK, n, start + size - next_id + 1)
                tasks.append((copy, start, stop, next_id))
                next_id += stop - start
        clock = time.perf_counter()
        with (
            multiprocessing.get_context("fork").Pool(2) as pool,
            cur.copy(f"COPY registry_citizen ({', '.join(copy_columns)}) FROM STDIN") as writer,
        ):
            for done, text in enumerate(pool.imap(_grow_chunk, tasks), start=1):
                writer.write(text)
                if done % 10 == 0:
                    print(f"  grow: {tasks[done - 1][3] + tasks[done - 1][2] - tasks[done - 1][1] - 1:,} "
                          f"citizens, {time.perf_counter() - clock:.0f} s", flush=True)  # fmt: skip
        _GROW.clear()
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('registry_citizen', 'id'), %s)", [next_id - 1]
        )
        con.commit()
        clock = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for _index, sql in indexes:
            cur.execute(sql)
        con.commit()
        print(f"  grow: indexes built in {time.perf_counter() - clock:.0f} s", flush=True)
    vacuum(url)
    print(
        f"  grown to {next_id - 1:,} citizens in {time.perf_counter() - started:.0f} s", flush=True
    )


def vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the citizen table: after a bulk load, the visibility map is what lets
    the loose blocks' counts read the key indexes alone (docs/registry.md)."""
    import psycopg

    clock = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM (ANALYZE) registry_citizen")
    print(f"  VACUUM (ANALYZE) registry_citizen: {time.perf_counter() - clock:.0f} s", flush=True)


def _hotich(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run([*HOTICH, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"hotich {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    if done.stdout.strip():
        print("   ", done.stdout.strip().replace("\n", "\n    "), flush=True)


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
        return (
            con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def _citizens(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as con:
        row = con.execute("SELECT count(*) FROM registry_citizen").fetchone()
        return int(row[0]) if row else 0


def load_kept(name: str, size: int, data: Path) -> None:
    """Create database NAME with about SIZE synthetic citizens, as a user does:
    ``hotich registry synth --out`` (the file kept in DATA for the next run), ``migrate``,
    ``places load``, ``hotich registry load`` (COPY, indexes built after the rows)."""
    import psycopg

    people = data / f"people-{size}.csv"
    env = {**os.environ, "HOTICH_DATA_DIR": str(data / "home")}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    if not people.exists():
        _hotich("registry", "synth", "--count", str(size), "--province", "38",
                "--out", str(people), "-v", "0", env=env)  # fmt: skip
        print(f"  synthesised {people} in {time.perf_counter() - started:.0f} s", flush=True)
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{POSTGRES}/{name}"
    started = time.perf_counter()
    _hotich("migrate", "-v", "0", env=env)
    _hotich("places", "load", "-v", "0", env=env)
    _hotich("registry", "load", str(people), "-v", "2", env=env)
    vacuum(env["DATABASE_URL"])
    print(f"  hotich registry load: {time.perf_counter() - started:.0f} s", flush=True)


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


def kept_name(prefix: str, size: int) -> str:
    return f"{prefix}_{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{prefix}_{size}"


def kept(prefix: str, sizes: list[int], lookups: int, args: argparse.Namespace) -> int:
    """Build the kept registries that are missing, then time lookups on each, smallest first
    (the reference), in this one run; return the number of failures."""
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    base = kept_name(prefix, sizes[0])
    failed = 0
    try:
        for size in sizes:
            name = kept_name(prefix, size)
            if not _database_exists(name):
                print(f"\nbuilding {name}: {size:,} citizens", flush=True)
                if size == sizes[0]:
                    load_kept(name, size, data)
                else:
                    grow_kept(name, base, size)
        for size in sizes:
            name = kept_name(prefix, size)
            print(f"\n{name}: {_citizens(f'{POSTGRES}/{name}'):,} citizens, {lookups:,} lookups; "
                  f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
            env = dict(
                os.environ, DATABASE_URL=f"{POSTGRES}/{name}", HOTICH_DATA_DIR=str(data / "home")
            )
            env.pop("HOTICH_MODELS_DIR", None)
            code = subprocess.call(
                [
                    sys.executable,
                    __file__,
                    "--existing",
                    env["DATABASE_URL"],
                    "--lookups",
                    str(lookups),
                ],
                env=env,
                cwd=ROOT,
            )
            failed += code != 0
    finally:
        if args.drop:
            import psycopg

            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as con:
                for size in sizes:
                    con.execute(f'DROP DATABASE IF EXISTS "{kept_name(prefix, size)}" WITH (FORCE)')
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="registry size")
    parser.add_argument("--lookups", type=int, default=None, help="records looked up")
    parser.add_argument("--full", action="store_true", help="1,000,000 citizens, 2,000 lookups")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--existing", metavar="DATABASE_URL", help="time lookups on a registry already loaded"
    )
    parser.add_argument(
        "--keep-db",
        metavar="PREFIX",
        help="registries kept across runs: database PREFIX_<size> per --sizes, loaded (the "
        "smallest) or grown from the smallest (the others) when missing, then reused",
    )
    parser.add_argument(
        "--sizes",
        default="1000000,10000000",
        help="with --keep-db: registry sizes, comma-separated",
    )
    parser.add_argument("--drop", action="store_true", help="with --keep-db: drop them at the end")
    parser.add_argument(
        "--data",
        default=str(Path(tempfile.gettempdir()) / "hotich-bench-lookup"),
        help="with --keep-db: folder of the synthetic files",
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
    if args.keep_db:
        sys.exit(kept(args.keep_db, sorted(int(n) for n in args.sizes.split(",")), lookups, args))
    if args.child:
        child(size, lookups, Path(args.folder))
        return
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    failed = sum(run(db, size, lookups) != 0 for db in databases)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
