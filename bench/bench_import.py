"""Benchmark of `hotich import`: a Ministry birth file of 100,000 rows into an empty book.

Writes a realistic "DL Import" file (about 30 filled columns a row, names and dates varied,
date cells and text dates mixed), then in a throw-away SQLite database:

1. reference: plain openpyxl read-only iteration over the same file (the floor: reading);
2. the import itself (validation, legacy-text check, batches of 1000, people, audit);
3. the same file again (every row unchanged: nothing written).

Prints rows per second, the ratio to the reference and the peak memory. Goal: 100,000 rows
in under 2 minutes.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--database-url URL] [--formats]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--formats",
        action="store_true",
        help="also read the file as .ods and .xls (converted by LibreOffice Calc; .xls keeps "
        "its format's 65,536 rows)",
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
    from openpyxl import load_workbook

    from hotich.exchange.importer import Importer, find_layout, open_sheet
    from hotich.places.models import AdministrativeUnit
    from hotich.registers.models import Entry, RegisterBook

    call_command("migrate", verbosity=0)
    commune = AdministrativeUnit.objects.create(
        code="15943",
        name="Đông Văn",
        type_name="Xã",
        level="commune",
        period="pre2025",
        province_code="38",
    )
    book = RegisterBook.objects.create(
        commune=commune, register_type="KS", year_from=1990, year_to=2019, volume="01"
    )
    path = tmp / "ks.xlsx"
    started = time.perf_counter()
    write_file(path, args.rows)
    print(
        f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in "
        f"{time.perf_counter() - started:.1f} s"
    )

    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for row in workbook["DL Import"].iter_rows(values_only=True) for _ in row)
    reference = time.perf_counter() - started
    reference_cpu = time.process_time() - cpu
    print(
        f"reference (openpyxl read-only iteration, {cells:,} cells): {reference:.1f} s "
        f"({reference_cpu:.1f} s of CPU), {args.rows / reference:,.0f} rows/s"
    )

    from hotich.exchange.xlsx import Workbook as StreamingWorkbook

    started = time.perf_counter()
    rows = sum(1 for _ in StreamingWorkbook(str(path)).rows("DL Import"))
    ours = time.perf_counter() - started
    print(
        f"our streaming reader alone ({rows:,} rows): {ours:.1f} s, "
        f"{args.rows / ours:,.0f} rows/s, {reference / ours:.1f}× faster than the reference",
        flush=True,
    )

    if args.formats:
        read_other_formats(path, args.rows / ours)

    results: list[float] = []
    cpus: list[float] = []
    for label in ("import into an empty book", "same file again (all unchanged)"):
        with path.open("rb") as handle:
            sheet = open_sheet(handle)
            layout = find_layout(sheet, mapping=None, user=None)
            assert layout is not None
            started, cpu = time.perf_counter(), time.process_time()
            outcome = Importer(sheet=sheet, layout=layout, user=None, book=book).run()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        results.append(elapsed)
        cpus.append(cpu)
        print(
            f"{label}: {elapsed:.1f} s ({cpu:.1f} s of CPU), {args.rows / elapsed:,.0f} rows/s, "
            f"{elapsed / reference:.1f}× the reference; imported {outcome.imported:,}, "
            f"unchanged {outcome.unchanged:,}, rejected {outcome.rejected:,}"
        )
    print(
        f"entries in the book: {Entry.objects.filter(book=book).count():,}; "
        f"peak memory {peak_mb():.0f} MB; database {os.environ.get('DATABASE_URL') or 'SQLite'}"
    )
    print(f"import CPU time / reference CPU time: {cpus[0] / reference_cpu:.1f}")
    goal = 120 * args.rows / 100_000
    print(f"import CPU time: {cpus[0]:.1f} s (the wall time on a machine to itself)")
    print(
        f"goal: {args.rows:,} rows in under {goal:.0f} s -> "
        f"{'met' if results[0] < goal else 'NOT met'} ({results[0]:.1f} s)"
    )


if __name__ == "__main__":
    main()
