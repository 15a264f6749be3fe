"""Where the server's CPU goes in one entry keyed (form GET + save POST), on PostgreSQL.

Run: .venv/bin/python bench/profile_save_cycle.py --database-url postgres://…/hotich_bench_save_load
     .venv/bin/python bench/profile_save_cycle.py --cycles 100 --profile 40 --sort tottime

The database is the one ``bench/bench_save_load.py`` made (the demo and its ``bench_keyer_NN``
accounts: run that first). In this process, through Django's request handler with every
middleware (the test client, CSRF checked), one keyer GETs the new-entry form of its book and
POSTs a complete birth entry with the form's CSRF token and ``_token``, as the page does
(``HX-Request``). Printed: this process's CPU per request (``time.thread_time``; PostgreSQL's
own CPU not counted), the queries per request and the time spent waiting for them, then a
cProfile of ``--profile`` cycles (cumulative, the project's and Django's functions) on this
thread's CPU clock (``--timer cpu``: waiting for PostgreSQL is left out) or the wall clock.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class Queries:
    """Count the queries and the wall time spent in them (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hotich_bench_save_load"
    )
    parser.add_argument(
        "--data-dir", default=str(Path(tempfile.gettempdir()) / "hotich-bench-save-load")
    )
    parser.add_argument("--cycles", type=int, default=60, help="cycles timed (after 10 warm-up)")
    parser.add_argument("--profile", type=int, default=30, help="cycles profiled (0: none)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--keyer", default="bench_keyer_01")
    parser.add_argument("--dump", default="", help="also write the profile to this file (pstats)")
    parser.add_argument(
        "--timer",
        choices=("cpu", "wall"),
        default="cpu",
        help="the profile's clock: this thread's CPU (waits for PostgreSQL left out) or wall",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["HOTICH_DATA_DIR"] = args.data_dir
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django

    django.setup()
    from bench_save_load import PASSWORD, Keyer, _input_value, entry_values
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from hotich.accounts.models import User
    from hotich.registers.models import RegisterBook
    from hotich.registry.models import Citizen

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    user = User.objects.get(username=args.keyer)
    book = (
        RegisterBook.objects.filter(commune=user.unit, register_type="KS", already_electronic=False)
        .exclude(condition="lost")
        .order_by("pk")
        .first()
    )
    assert book is not None
    keyer = Keyer(user.username, book.pk, book.volume, book.year_from, None, number=90_000)
    people = [
        {
            "full_name": c.full_name,
            "family_name": c.family_name,
            "sex": c.sex,
            "birth_date": c.birth_date.display() if c.birth_date else "",
            "birthplace": c.birthplace,
            "ethnicity": c.ethnicity,
            "mother_name": c.mother_name,
            "father_name": c.father_name,
        }
        for c in Citizen.objects.filter(birth_date__isnull=False).order_by("?")[:500]
    ]
    client = Client(enforce_csrf_checks=True)
    html = client.get("/dang-nhap/").content.decode()
    answer = client.post(
        "/dang-nhap/",
        {
            "csrfmiddlewaretoken": _input_value(html, "csrfmiddlewaretoken"),
            "username": user.username,
            "password": PASSWORD,
            "next": "",
        },
    )
    assert answer.status_code == 302, answer.status_code
    rng = random.Random(7)
    new = f"/nhap/so/{book.pk}/moi/"
    queries = Queries()
    cpu: dict[str, list[float]] = {"form GET": [], "save": []}
    counts: dict[str, list[int]] = {"form GET": [], "save": []}
    waits: dict[str, list[float]] = {"form GET": [], "save": []}

    def timed(name: str, call: Any) -> Any:
        queries.count, queries.seconds = 0, 0.0
        started = time.thread_time()
        with connection.execute_wrapper(queries):
            response = call()
        cpu[name].append(time.thread_time() - started)
        counts[name].append(queries.count)
        waits[name].append(queries.seconds)
        return response

    def one(n: int) -> None:
        page = timed("form GET", lambda: client.get(new))
        assert page.status_code == 200, page.status_code
        html = page.content.decode()
        keyer.number += 1
        data = entry_values(people[n % len(people)], keyer, n, rng)
        data["csrfmiddlewaretoken"] = _input_value(html, "csrfmiddlewaretoken")
        data["_token"] = _input_value(html, "_token")
        data["_action"] = "save"
        data["_confirm"] = "1"
        saved = timed("save", lambda: client.post(new, data, headers={"HX-Request": "true"}))
        assert saved.status_code == 200 and "HX-Redirect" in saved, saved.status_code

    for n in range(10):
        one(n)
    for values in (*cpu.values(), *counts.values(), *waits.values()):
        values.clear()
    for n in range(10, 10 + args.cycles):
        one(n)
    total = 0.0
    for name in cpu:
        mean = 1000 * statistics.fmean(cpu[name])
        total += mean
        print(
            f"{name:<9} CPU {mean:6.1f} ms (p50 {1000 * statistics.median(cpu[name]):6.1f})  "
            f"queries {statistics.fmean(counts[name]):5.1f}  "
            f"waiting for them {1000 * statistics.fmean(waits[name]):6.1f} ms"
        )
    print(f"per entry keyed: {total:.1f} ms of this process's CPU (n={args.cycles})")
    if args.profile:
        # The thread's CPU clock: time waiting for PostgreSQL (the socket) is not counted.
        profiler = cProfile.Profile(time.thread_time if args.timer == "cpu" else time.perf_counter)
        profiler.enable()
        for n in range(1000, 1000 + args.profile):
            one(n)
        profiler.disable()
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        stats.sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
