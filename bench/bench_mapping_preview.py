"""Server time of the mapping screen's live preview against the whole screen, via the real views.

Run: .venv/bin/python bench/bench_mapping_preview.py               (a 5,000-row legacy file)
     .venv/bin/python bench/bench_mapping_preview.py --rows 20000 --rounds 20

A throw-away SQLite database in a temporary folder gets one commune, a birth book and a
helper; a legacy export (headers "Số ĐK", "Họ tên", "Giới tính" …, no registration place) is
uploaded and left on its mapping screen. Then, in turns, in the same run:

- **screen**: POST /nhap-tep/<run>/ghep-cot/ with "Xem trước với lựa chọn này" (the way
  without JavaScript: reads the first 5,000 rows for the lists of values, renders it all);
- **live**: POST /nhap-tep/<run>/ghep-cot/xem-truoc/ with the same choices (what htmx sends
  as the officer changes a choice: reads the first 10 rows, renders the preview region).

Wall time per request and the process's CPU time per request are printed.
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
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
    path = folder / "cu.xlsx"
    legacy_file(path, args.rows)
    with path.open("rb") as handle:
        screen_url = client.post(reverse("import_upload"), {"file": handle}).url
    page = client.get(screen_url)
    form: dict[str, str] = {"register_type": "KS", "version": "0"}
    form |= {f"col{i}": v for i, v in enumerate(["", "so", "quyenSo", "ngayDangKy"])}
    form |= {"col4": "loaiDangKy", "col5": "nksHoTen", "col6": "nksGioiTinh"}
    form |= {"col7": "nksNgaySinh", "fixed-noiDangKy": "UBND xã Đông Sơn"}
    form |= {"fixed-nksLoaiKhaiSinh": "1", "shape": page.context["shape"]}
    live_url = screen_url.replace("/ghep-cot/", "/ghep-cot/xem-truoc/")
    timings: dict[str, list[tuple[float, float]]] = {"screen": [], "live": []}
    for _round in range(args.rounds):
        for name, url, data in (
            ("screen", screen_url, {**form, "preview": "1"}),
            ("live", live_url, form),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            assert response.status_code == 200, response.status_code
    print(f"{args.rows:,}-row legacy file, {args.rounds} rounds each, in turns:")
    for name, values in timings.items():
        walls = sorted(w for w, _c in values)
        print(
            f"  {name:<7} wall p50 {1000 * walls[len(walls) // 2]:7.1f} ms  "
            f"p95 {1000 * walls[int(0.95 * (len(walls) - 1))]:7.1f} ms  "
            f"CPU mean {1000 * statistics.fmean(c for _w, c in values):7.1f} ms"
        )
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
