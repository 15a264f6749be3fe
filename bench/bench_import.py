"""Benchmark of `hotich import`: a Ministry birth file of 100,000 rows into an empty book.

Writes a realistic "DL Import" file (about 30 filled columns a row, names and dates varied,
date cells and text dates mixed; ``--file`` keeps it for the next run), then in a throw-away
SQLite database (or the PostgreSQL database of ``--database-url``, a new book each run):

1. reference: reading the file alone with the reader the import uses
   (``reader.open_workbook``), and with the bounded streaming .xlsx reader;
2. the import as ``hotich import --no-reconcile`` and the worker run it
   (``import_run_execute``: the whole-file check, validation, legacy-text check, batches of
   1000, people, audit);
3. the same file again (every row unchanged: nothing written).

Prints wall and CPU time of each, the import's ratio to reading alone, and the peak memory
(``ru_maxrss``) after each step; the import's CPU time counts its checking helper process
(:mod:`hotich.exchange.checking`, on files of 5,000 rows or more) too. Goal (issue 17): 100,000 rows in at most 30 s.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--database-url URL] [--file PATH]
        [--openpyxl] [--formats] [--profile OUT.prof] [--no-again] [--no-streaming]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh", "Hữu", "Xuân", ""]
GIVEN = ["An", "Bình", "Hải", "Hoà", "Phượng", "Hùng", "Lan", "Tuấn", "Nga", "Dũng", "Thuỷ"]


def name(rng: random.Random) -> str:
    return " ".join(p for p in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if p)


def write_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from hotich.exchange.layout import export_header
    from hotich.registers.spec import REGISTER_TYPES

    register = REGISTER_TYPES["KS"]
    columns = register.column_names
    rng = random.Random(6)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DL Import")
    sheet.append(export_header(register))
    for i in range(rows):
        year = 1990 + i * 30 // rows
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        values = {
            "STT": i + 1,
            "so": f"{i % 9999 + 1:02d}/{year}",
            "quyenSo": f"01/{year}",
            "trangSo": i % 9999 // 2 + 1,
            "ngayDangKy": f"{day:02d}.{month:02d}.{year}",
            "loaiDangKy": rng.choice([1, 1, 1, 4]),
            "noiDangKy": "UBND xã Đông Văn",
            "nguoiKy": name(rng),
            "chucVuNguoiKy": "Chủ tịch",
            "nksHoTen": name(rng),
            "nksGioiTinh": rng.choice(["Nam", "Nữ", 1, 2]),
            "nksNgaySinh": date(year, month, day) if i % 2 else f"{day}/{month}/{year}",
            "nksNoiSinh": "Trạm y tế xã Đông Văn",
            "nksQueQuan": "Đông Văn, Đông Sơn, Thanh Hóa",
            "nksDanToc": "Kinh",
            "nksQuocTich": "Việt Nam",
            "nksLoaiKhaiSinh": 1,
            "meHoTen": name(rng),
            "meNgaySinh": str(year - rng.randint(18, 40)),
            "meDanToc": "Kinh",
            "meQuocTich": "Việt Nam",
            "meNoiCuTru": "Thôn 3, xã Đông Văn",
            "chaHoTen": name(rng),
            "chaNgaySinh": str(year - rng.randint(20, 45)),
            "chaDanToc": "Kinh",
            "chaQuocTich": "Việt Nam",
            "chaNoiCuTru": "Thôn 3, xã Đông Văn",
            "nycHoTen": name(rng),
            "nycQuanHe": "Cha",
        }
        sheet.append([values.get(c) for c in columns])
    workbook.save(path)


def read_other_formats(path: Path, xlsx_rate: float) -> None:
    """Print the one reader's time on the same rows as .ods and .xls, against the .xlsx's."""
    import subprocess

    from hotich.exchange.reader import open_workbook

    for kind in ("ods", "xls"):
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                kind,
                "--outdir",
                str(path.parent),
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        other = path.with_suffix(f".{kind}")
        started = time.perf_counter()
        with other.open("rb") as handle:
            book = open_workbook(handle)
            rows = sum(1 for _ in book.numbered_rows(book.sheetnames[0]))
        elapsed = time.perf_counter() - started
        print(
            f"the one reader on .{kind} ({rows:,} rows, {other.stat().st_size / 1e6:.1f} MB): "
            f"{elapsed:.1f} s, {rows / elapsed:,.0f} rows/s (.xlsx: "
            f"{xlsx_rate:,.0f} rows/s); peak memory {peak_mb():.0f} MB",
            flush=True,
        )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu() -> float:
    """Return the CPU seconds of the ended child processes (the import's checking helper)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(label: str, work: Any, rows: int, reference: float | None = None) -> tuple[float, float]:
    """Run WORK(), print its wall and CPU time and the peak memory; return (wall, CPU)."""
    started, cpu, helper = time.perf_counter(), time.process_time(), children_cpu()
    result = work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    helper = children_cpu() - helper
    ratio = f", {elapsed / reference:.1f}× reading alone" if reference else ""
    helped = (
        f" + {helper:.1f} s in the checking helper (peak {children_peak_mb():.0f} MB)"
        if helper
        else ""
    )
    print(
        f"{label}: {elapsed:.1f} s ({cpu:.1f} s of CPU{helped}), {rows / elapsed:,.0f} rows/s"
        f"{ratio}; {result}; peak memory {peak_mb():.0f} MB",
        flush=True,
    )
    return elapsed, cpu + helper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--file", default="", help="the file to import (written if missing)")
    parser.add_argument(
        "--openpyxl", action="store_true", help="also time openpyxl's read-only iteration"
    )
    parser.add_argument(
        "--formats",
        action="store_true",
        help="also read the file as .ods and .xls (converted by LibreOffice Calc; .xls keeps "
        "its format's 65,536 rows)",
    )
    parser.add_argument("--profile", default="", help="cProfile the first import into OUT")
    parser.add_argument(
        "--no-again", action="store_true", help="skip importing the same file a second time"
    )
    parser.add_argument(
        "--no-streaming",
        action="store_true",
        help="skip reading the file with the bounded streaming reader",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotich-bench-"))
    os.environ["HOTICH_DATA_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hotich.exchange.importer import import_run_execute
    from hotich.exchange.reader import open_workbook
    from hotich.exchange.services import import_run_create
    from hotich.places.models import AdministrativeUnit
    from hotich.registers.models import Entry, RegisterBook

    call_command("migrate", verbosity=0)
    commune, _ = AdministrativeUnit.objects.get_or_create(
        code="15943",
        period="pre2025",
        level="commune",
        defaults={"name": "Đông Văn", "type_name": "Xã", "province_code": "38"},
    )
    book = RegisterBook.objects.create(
        commune=commune,
        register_type="KS",
        year_from=1990,
        year_to=2019,
        volume=f"01-{RegisterBook.objects.filter(commune=commune).count() + 1}",
    )
    path = Path(args.file) if args.file else tmp / "ks.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_file(path, args.rows)
        print(f"file written in {time.perf_counter() - started:.1f} s")
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB); peak memory {peak_mb():.0f} MB")
    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    if args.openpyxl:
        from openpyxl import load_workbook

        def openpyxl_read() -> str:
            workbook = load_workbook(path, read_only=True, data_only=True)
            return f"{sum(1 for _ in workbook['DL Import'].iter_rows(values_only=True)):,} rows"

        timed("openpyxl read-only iteration", openpyxl_read, args.rows)

    def read_alone() -> str:
        with path.open("rb") as handle:
            workbook = open_workbook(handle)
            count = sum(1 for _ in workbook.numbered_rows("DL Import"))
        return f"{count:,} rows, {workbook.reading}"

    reference, reference_cpu = timed("reading alone (reader.open_workbook)", read_alone, args.rows)

    from hotich.exchange.xlsx import Workbook as StreamingWorkbook

    def streaming_read() -> str:
        return f"{sum(1 for _ in StreamingWorkbook(str(path)).numbered_rows('DL Import')):,} rows"

    if not args.no_streaming:
        timed("the bounded streaming .xlsx reader alone", streaming_read, args.rows)

    if args.formats:
        read_other_formats(path, args.rows / reference)

    def one_import() -> str:
        with path.open("rb") as handle:
            run = import_run_create(handle=handle, name=path.name, user=None, book=book)
        outcome = import_run_execute(run=run)
        return (
            f"imported {outcome.imported:,}, unchanged {outcome.unchanged:,}, "
            f"rejected {outcome.rejected:,}"
        )

    first = one_import
    if args.profile:
        import cProfile

        def first() -> str:
            profile = cProfile.Profile()
            result = profile.runcall(one_import)
            profile.dump_stats(args.profile)
            return result + f" (profiled into {args.profile})"

    wall, cpu = timed("import into an empty book", first, args.rows, reference)
    if not args.no_again:
        timed("same file again (all unchanged)", one_import, args.rows, reference)
    print(
        f"entries in the book: {Entry.objects.filter(book=book).count():,}; "
        f"database {os.environ.get('DATABASE_URL') or 'SQLite'}"
    )
    print(
        f"import: {wall:.1f} s wall, {cpu:.1f} s CPU; reading alone {reference:.1f} s wall, "
        f"{reference_cpu:.1f} s CPU; import CPU / reading CPU {cpu / reference_cpu:.1f}"
    )
    goal = 30 * args.rows / 100_000
    print(
        f"goal: {args.rows:,} rows in at most {goal:.0f} s -> "
        f"{'met' if wall <= goal else 'NOT met'} ({wall:.1f} s wall, {cpu:.1f} s CPU)"
    )


if __name__ == "__main__":
    main()
