"""Duplicate personal IDs: how many registered people the lookup calls "not found", and how
many of them the search before a new ID (matching.services.new_id_search) still catches.

Run: .venv/bin/python bench/bench_new_ids.py                       (100,000 citizens, 5,000 records)
     .venv/bin/python bench/bench_new_ids.py --size 300000 --records 10000

A synthetic registry (hotich.demo.benchdata: the field's noise, 15 % of the records'
people absent from the registry, registry values that really differ, same-year namesakes)
is loaded into a SQLite database in a temporary folder through the registry loader. Every
record is looked up (``lookup``, the interactive path with the shipped model); each record
called ``not_found`` — the ones that would be given a new personal ID — is searched again.

Prints, beside the reference in the same run (the lookup alone, as before the search):

- the duplicate-ID rate: records of registered people that would get a new ID / all
  records, without and with the search, at several values of HOTICH_MATCH_NEAR;
- the cost: records of people truly absent from the registry that the search sends to an
  officer instead of a new ID (extra review), and the review rate overall;
- whether the true citizen is among the candidates the search shows;
- latency of the lookup and of the search (p50, p95).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NEARS = (0.001, 0.005, 0.01, 0.05, 0.2)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.3f} %" if whole else "   n/a"


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="people synthesised")
    parser.add_argument("--records", type=int, default=5_000, help="book records looked up")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="hotich-bench-ids-")
    os.environ["HOTICH_DATA_DIR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("HOTICH_MODELS_DIR", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from hotich.demo.benchdata import make_bench_data, synth_people
    from hotich.matching import services
    from hotich.matching.engine.batch import REPORT_FLOOR
    from hotich.matching.engine.features import PersonInput
    from hotich.registry.services import citizens_load

    call_command("migrate", verbosity=0)
    data = make_bench_data(synth_people(args.size), records=args.records)
    path = Path(folder) / "citizens.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(data.registry[0]))
        writer.writeheader()
        writer.writerows(data.registry)
    loaded = citizens_load(path=path).loaded
    print(f"registry {loaded:,} citizens, {len(data.records):,} records (SQLite)", flush=True)

    model = services.active_model()
    settings.HOTICH_MATCH_NEAR = REPORT_FLOOR  # keep every candidate; thresholds swept below
    outcomes: dict[str, str] = {}
    best: dict[str, float] = {}  # not_found records: best near probability (0: nobody)
    truth_shown: dict[str, float] = {}  # not_found records of registered people
    lookup_ms: list[float] = []
    search_ms: list[float] = []
    for row in data.records:
        rid = row["record_id"]
        person = PersonInput.from_row(row)
        started = time.perf_counter()
        decision = services.lookup(person, model=model).decision
        lookup_ms.append(time.perf_counter() - started)
        outcomes[rid] = decision.outcome
        if decision.outcome != "not_found":
            continue
        started = time.perf_counter()
        search = services.new_id_search(person, model=model)
        search_ms.append(time.perf_counter() - started)
        best[rid] = search.candidates[0].score.probability if search.candidates else 0.0
        true_pid = data.truth[rid]
        if true_pid:
            truth_shown[rid] = next(
                (
                    c.score.probability
                    for c in search.candidates
                    if c.citizen.personal_id == true_pid
                ),
                0.0,
            )

    total = len(data.records)
    registered = {rid for rid, pid in data.truth.items() if pid}
    not_found = [rid for rid, o in outcomes.items() if o == "not_found"]
    review = sum(1 for o in outcomes.values() if o == "review")
    dup_before = sum(1 for rid in not_found if rid in registered)
    absent_nf = sum(1 for rid in not_found if rid not in registered)
    print(
        f"\nrecords {total:,}: registered people {len(registered):,}, absent {total - len(registered):,}"
    )
    print(f"lookup alone (reference): not_found {len(not_found):,}, review {pct(review, total)}")
    print(
        f"  duplicate-ID rate (registered people called not_found): {pct(dup_before, total)}"
        f"  ({dup_before:,} records)"
    )
    print("\nwith the search before a new ID:")
    print(
        "  NEAR     dup-ID rate        caught   absent sent to review   review rate   truth shown"
    )
    for near in NEARS:
        held = {rid for rid in not_found if best[rid] >= near}
        dup_after = sum(1 for rid in not_found if rid in registered and rid not in held)
        absent_held = sum(1 for rid in held if rid not in registered)
        shown = sum(1 for rid, p in truth_shown.items() if p >= near)
        mark = "  <- default" if near == 0.05 else ""
        print(
            f"  {near:<6}  {pct(dup_after, total)} ({dup_after:4d})  {dup_before - dup_after:6d}"
            f"   {absent_held:5d} of {absent_nf:5d} ({pct(absent_held, max(absent_nf, 1))})"
            f"   {pct(review + len(held), total)}   {shown:5d} of {dup_before:5d}{mark}"
        )
    print(
        f"\nlatency: lookup p50 {ms(lookup_ms, 0.5):.2f} ms p95 {ms(lookup_ms, 0.95):.2f} ms; "
        f"search before a new ID p50 {ms(search_ms, 0.5):.2f} ms p95 {ms(search_ms, 0.95):.2f} ms "
        f"({len(search_ms):,} searches)"
    )


if __name__ == "__main__":
    main()
