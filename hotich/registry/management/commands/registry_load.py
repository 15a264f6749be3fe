"""hotich registry load FILE: load a population-registry extract (CSV, Parquet or Excel)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from hotich.lib.sheets import csv_row
from hotich.registry.extracts import ExtractError
from hotich.registry.loading import default_workers
from hotich.registry.services import citizens_load

SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Nạp trích xuất CSDL dân cư (CSV UTF-8, Parquet hoặc Excel .xlsx): dòng hợp lệ được "
        "nạp, số định danh đã có thì cập nhật, dòng lỗi được báo theo dòng và cột."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Tệp .csv, .parquet hoặc .xlsx.")
        parser.add_argument(
            "--errors",
            metavar="FILE.csv",
            help="Ghi mọi lỗi và cảnh báo (dòng, cột, nội dung) vào tệp CSV này.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Số tiến trình tính khóa so khớp (mặc định: số lõi, tối đa 2; 0 = không tách).",
        )
        indexes = parser.add_mutually_exclusive_group()
        indexes.add_argument(
            "--rebuild-indexes",
            dest="rebuild",
            action="store_true",
            default=None,
            help="Bỏ và dựng lại các chỉ mục phụ quanh lần nạp (mặc định: tự chọn khi tệp lớn).",
        )
        indexes.add_argument(
            "--keep-indexes",
            dest="rebuild",
            action="store_false",
            help="Giữ nguyên chỉ mục trong khi nạp.",
        )

    def handle(self, *args, file: str, errors: str | None, workers: int, rebuild, **options):
        verbosity = options["verbosity"]
        error_file = Path(errors).open("w", encoding="utf-8", newline="") if errors else None
        writer = csv.writer(error_file) if error_file else None
        if writer:
            writer.writerow(["row", "column", "fatal", "message"])
        try:
            with tqdm(unit=" dòng", disable=verbosity == 0, smoothing=0.1) as bar:

                def progress(done: int, total: int | None) -> None:
                    if total and bar.total != max(total, done):
                        bar.total = max(total, done)
                    bar.update(done - bar.n)

                report = citizens_load(
                    path=file,
                    workers=workers,
                    rebuild_indexes=rebuild,
                    progress=progress,
                    on_problem=(
                        (lambda p, m: writer.writerow(csv_row([p.row, p.column, int(p.fatal), m])))
                        if writer
                        else None
                    ),
                )
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if error_file:
                error_file.close()
        for message in report.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(message)
        more = report.rejected + report.warnings - min(len(report.problems), SHOWN_PROBLEMS)
        if more > 0:
            if errors:
                hint = _("… và %(n)s lỗi/cảnh báo khác (xem %(file)s).")
            else:
                hint = _("… và %(n)s lỗi/cảnh báo khác (dùng --errors FILE.csv để xem hết).")
            self.stderr.write(hint % {"n": f"{more:,}", "file": errors})
        if report.ignored_columns:
            self.stderr.write(
                _("Bỏ qua các cột không dùng: %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        self.stdout.write(
            _(
                "Đã đọc %(rows)s dòng: nạp %(loaded)s (%(inserted)s mới, %(updated)s cập nhật), "
                "bỏ qua %(rejected)s dòng lỗi, %(warnings)s cảnh báo."
            )
            % {
                k: f"{getattr(report, k):,}"
                for k in ("rows", "loaded", "inserted", "updated", "rejected", "warnings")
            }
        )
        if report.links:
            self.stdout.write(
                _(
                    "Liên kết cha/mẹ/vợ chồng: %(links)s dòng; %(missing)s số định danh được "
                    "nhắc tới không có trong CSDL."
                )
                % {"links": f"{report.links:,}", "missing": f"{report.links_missing:,}"}
            )
        if verbosity >= 2:
            phases = {
                "rows": _("đọc, tính khóa và ghi"),
                "rows_writing": _("trong đó ghi"),
                "links": _("liên kết"),
                "indexes": _("dựng lại chỉ mục"),
            }
            self.stdout.write(
                _("Thời gian: %(phases)s")
                % {"phases": ", ".join(f"{phases[k]} {v:.1f} s" for k, v in report.seconds.items())}
            )
        if report.rows and not report.loaded:
            raise CommandError(_("Không nạp được dòng nào: sửa các lỗi trên rồi chạy lại."))
