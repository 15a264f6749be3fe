"""Server time of the mapping screen's live preview against the whole screen, via the real views.

Run: .venv/bin/python bench/bench_mapping_preview.py               (a 5,000-row legacy file)
     .venv/bin/python bench/bench_mapping_preview.py --rows 100000 --rounds 5
     .venv/bin/python bench/bench_mapping_preview.py --format csv  (the file as cp1258 .csv)

A throw-away SQLite database in a temporary folder gets one commune, a birth book and a
helper; a legacy export (headers "Số ĐK", "Họ tên", "Giới tính" …, no registration place) is
uploaded and left on its mapping screen. Then, in turns, in the same run:

- **screen**: POST /nhap-tep/<run>/ghep-cot/ with "Xem trước với lựa chọn này" (the way
  without JavaScript: reads the first 5,000 rows for the lists of values, renders it all);
- **live**: POST /nhap-tep/<run>/ghep-cot/xem-truoc/ with the same choices (what htmx sends
  as the officer changes a choice: reads the first 10 rows, renders the preview region).

- **upload**: POST /nhap-tep/ with the file (stores it, reads its header row, answers with
  the way to the mapping screen).

Each is measured twice in the same turn: as the pages read now (``reader.open_head``: the
header and first rows only) and, as the reference, with the whole-file opening the pages used
before (``reader.open_workbook``: for a plain .xlsx the fast path's pre-scan and load of the
whole sheet, for a .csv the whole text decoded). Wall time per request and the process's CPU
time per request are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADERS = ["STT", "Số ĐK", "Quyển", "Ngày ĐK", "Loại ĐK", "Họ tên", "Giới tính", "Ngày sinh"]


def legacy_file(path: Path, rows: int) -> None:
    import openpyxl

    from hotich.lib.sheets import sheet_row

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for n in range(1, rows + 1):
        sex, kind = ("Nam", "Đúng hạn") if n % 3 else ("Nữ", "Quá hạn")
        row = [n, str(n), "01/2008", date(2008, 3, n % 28 + 1), kind, f"Người {n}", sex]
        sheet.append(sheet_row(sheet, [*row, f"{n % 28 + 1:02d}/02/2008"]))
    workbook.save(path)


def legacy_csv(path: Path, rows: int) -> None:
    """The same rows as a .csv from Excel on Vietnamese Windows (cp1258, tones combining)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for n in range(1, rows + 1):
        sex, kind = ("Nam", "Đúng hạn") if n % 3 else ("Nữ", "Quá hạn")
        day = f"{n % 28 + 1:02d}"
        writer.writerow(
            [n, n, "01/2008", f"{day}/03/2008", kind, f"Người {n}", sex, f"{day}/02/2008"]
        )
    path.write_bytes(b"".join(_cp1258(ch) for ch in out.getvalue()))


def _cp1258(ch: str) -> bytes:
    """CH as cp1258 writes it: a letter it has, then the tone mark."""
    import unicodedata

    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
        return (base + tones).encode("cp1258")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hotich-bench-mapping-"))
    os.environ["HOTICH_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from hotich.accounts.models import Role, User
    from hotich.exchange import reader
    from hotich.places.models import AdministrativeUnit
    from hotich.registers.models import RegisterBook

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MEDIA_ROOT = folder / "media"
    call_command("migrate", verbosity=0)
    commune = AdministrativeUnit.objects.create(
        code="15943", name="Đông Sơn", type_name="Xã", level="commune", province_code="38"
    )
    RegisterBook.objects.create(
        commune=commune, register_type="KS", year_from=2008, year_to=2008, volume="01/2008"
    )
    helper = User.objects.create(username="nhaplieu", role=Role.HELPER, unit=commune)
    client = Client()
    client.force_login(helper)
    path = folder / f"cu.{args.format}"
    (legacy_file if args.format == "xlsx" else legacy_csv)(path, args.rows)
    with path.open("rb") as handle:
        screen_url = client.post(reverse("import_upload"), {"file": handle}).url
    page = client.get(screen_url)
    form: dict[str, str] = {"register_type": "KS", "version": "0"}
    form |= {f"col{i}": v for i, v in enumerate(["", "so", "quyenSo", "ngayDangKy"])}
    form |= {"col4": "loaiDangKy", "col5": "nksHoTen", "col6": "nksGioiTinh"}
    form |= {"col7": "nksNgaySinh", "fixed-noiDangKy": "UBND xã Đông Sơn"}
    form |= {"fixed-nksLoaiKhaiSinh": "1", "shape": page.context["shape"]}
    live_url = screen_url.replace("/ghep-cot/", "/ghep-cot/xem-truoc/")
    head, whole = reader.open_head, reader.open_workbook
    timings: dict[str, list[tuple[float, float]]] = {}
    for _round in range(args.rounds):
        for name, url, data, status in (
            ("screen", screen_url, {**form, "preview": "1"}, 200),
            ("live", live_url, form, 200),
            ("upload", reverse("import_upload"), None, 302),
        ):
            for way, opener in (
                ("first rows", head),
                ("whole file", lambda source, _rows: whole(source)),
            ):
                reader.open_head = opener  # type: ignore[assignment]
                handle = path.open("rb") if data is None else None
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.post(url, data if handle is None else {"file": handle})
                elapsed = (time.perf_counter() - wall, time.process_time() - cpu)
                timings.setdefault(f"{name}, {way}", []).append(elapsed)
                if handle is not None:
                    handle.close()
                assert response.status_code == status, response.status_code
    reader.open_head = head  # type: ignore[assignment]
    load = os.getloadavg()
    print(
        f"{args.rows:,}-row legacy .{args.format}, {args.rounds} rounds each, in turns "
        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}); "
        "'whole file' is the reference (the opening the pages used before):"
    )
    for name, values in timings.items():
        walls = sorted(w for w, _c in values)
        print(
            f"  {name:<20} wall p50 {1000 * walls[len(walls) // 2]:7.1f} ms  "
            f"p95 {1000 * walls[int(0.95 * (len(walls) - 1))]:7.1f} ms  "
            f"CPU mean {1000 * statistics.fmean(c for _w, c in values):7.1f} ms"
        )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
