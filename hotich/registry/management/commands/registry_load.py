"""hotich registry load FILE: load a population-registry extract (CSV, Parquet or Excel)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

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
                        (lambda p, m: writer.writerow([p.row, p.column, int(p.fatal), m]))
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
            hint = f" (xem {errors})" if errors else " (dùng --errors FILE.csv để xem hết)"
            self.stderr.write(f"… và {more:,} lỗi/cảnh báo khác{hint}.")
        if report.ignored_columns:
            self.stderr.write("Bỏ qua các cột không dùng: " + ", ".join(report.ignored_columns))
        self.stdout.write(
            f"Đã đọc {report.rows:,} dòng: nạp {report.loaded:,} "
            f"({report.inserted:,} mới, {report.updated:,} cập nhật), "
            f"bỏ qua {report.rejected:,} dòng lỗi, {report.warnings:,} cảnh báo."
        )
        if report.links:
            self.stdout.write(
                f"Liên kết cha/mẹ/vợ chồng: {report.links:,} dòng; "
                f"{report.links_missing:,} số định danh được nhắc tới không có trong CSDL."
            )
        if verbosity >= 2:
            phases = {"rows": "đọc, tính khóa và ghi", "rows_writing": "trong đó ghi",
                      "links": "liên kết", "indexes": "dựng lại chỉ mục"}  # fmt: skip
            self.stdout.write(
                "Thời gian: "
                + ", ".join(f"{phases[k]} {v:.1f} s" for k, v in report.seconds.items())
            )
        if report.rows and not report.loaded:
            raise CommandError("Không nạp được dòng nào: sửa các lỗi trên rồi chạy lại.")
