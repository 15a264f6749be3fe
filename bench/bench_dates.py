"""Throughput of hotich.lib.dates and hotich.lib.idnumbers on a realistic mix of inputs.

Run: .venv/bin/python bench/bench_dates.py   (finishes in a few seconds)

Prints dates parsed per second for a mix of the forms found in books and Excel files, next
to a naive ``datetime.strptime("%d/%m/%Y")`` on plain dd/mm/yyyy strings measured in the
same run (the floor for any pure-Python parser), and personal IDs validated per second.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from hotich.lib.dates import date_to_words, parse_partial_date
from hotich.lib.idnumbers import PROVINCE_CODES, generate_personal_id, validate_personal_id

SAMPLE_SIZE = 20_000
TODAY = date(2025, 6, 1)
MIN_SECONDS = 1.0  # repeat each measurement until it has run this long


def _random_date(rng: random.Random) -> date:
    start = date(1930, 1, 1)  # Excel serials before 18/05/1927 have 4 digits: read as years
    return start + timedelta(days=rng.randrange((TODAY - start).days))


def _excel_serial(value: date) -> int:
    return (value - date(1899, 12, 30)).days


# (weight, how to write a date): roughly the mix in a Ministry template plus legacy exports.
FORMS: list[tuple[int, Callable[[date], object]]] = [
    (40, lambda d: f"{d:%d/%m/%Y}"),
    (15, lambda d: f"{d:%d.%m.%Y}"),
    (10, lambda d: f"{d.year}"),
    (8, lambda d: f"{d:%m/%Y}"),
    (6, lambda d: datetime(d.year, d.month, d.day)),  # noqa: DTZ001 - openpyxl cells are naive
    (5, _excel_serial),
    (5, lambda d: d.isoformat()),
    (5, lambda d: f"{d:%d%m%Y}"),
    (3, lambda d: f"Ngày {d.day} tháng {d.month} năm {d.year}"),
    (3, lambda d: date_to_words(d)),
]


def _rate(func: Callable[[object], object], values: Sequence[object]) -> float:
    """Return calls per second of ``func`` over ``values``, repeated for MIN_SECONDS."""
    calls, started = 0, time.perf_counter()
    while True:
        for value in values:
            func(value)
        calls += len(values)
        elapsed = time.perf_counter() - started
        if elapsed >= MIN_SECONDS:
            return calls / elapsed


def main() -> None:
    rng = random.Random(2025)
    weights = [weight for weight, _ in FORMS]
    writers = [writer for _, writer in FORMS]
    mixed = [rng.choices(writers, weights)[0](_random_date(rng)) for _ in range(SAMPLE_SIZE)]
    plain = [f"{_random_date(rng):%d/%m/%Y}" for _ in range(SAMPLE_SIZE)]

    def ours(value: object) -> object:
        return parse_partial_date(value, today=TODAY)

    def naive(value: object) -> object:
        return datetime.strptime(str(value), "%d/%m/%Y")  # noqa: DTZ007 - a naive baseline

    mixed_rate = _rate(ours, mixed)
    plain_rate = _rate(ours, plain)
    naive_rate = _rate(naive, plain)

    provinces = sorted(PROVINCE_CODES)
    ids = [
        generate_personal_id(
            province_code=rng.choice(provinces),
            sex=rng.choice(["nam", "nữ"]),
            birth_year=rng.randint(1920, 2024),
            rng=rng,
        )
        for _ in range(SAMPLE_SIZE)
    ]

    def validate(value: object) -> object:
        return validate_personal_id(value, sex="nam", birth_year=1985, today=TODAY)

    id_rate = _rate(validate, ids)

    rows = [
        (f"parse_partial_date, realistic mix ({len(FORMS)} forms)", mixed_rate),
        ("parse_partial_date, dd/mm/yyyy only", plain_rate),
        ("datetime.strptime('%d/%m/%Y'), same strings", naive_rate),
        ("validate_personal_id (with sex and birth year)", id_rate),
    ]
    for label, rate in rows:
        print(f"{label:<50}{rate:>12,.0f} /s")


if __name__ == "__main__":
    main()
