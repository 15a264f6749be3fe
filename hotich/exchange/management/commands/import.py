"""``hotich import FILE``: import a Ministry template, a handover file or a mapped export."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hotich.accounts.models import User
from hotich.exchange.importer import ImportFileError, import_run_execute
from hotich.exchange.layout import INTERCONNECTION
from hotich.exchange.models import ColumnMapping
from hotich.exchange.services import import_run_create
from hotich.registers.locks import BookBusy
from hotich.registers.models import RegisterBook


class Command(BaseCommand):
    help = (
        "Nhập tệp bảng tính .xlsx, .xls, .ods hoặc .csv (mẫu DL Import của Bộ, tệp bàn giao DL_GOC, hoặc tệp cũ đã có bảng "
        "ghép cột), hoặc tệp hồ sơ liên thông .json, vào sổ hộ tịch. Nhập lại cùng tệp không "
        "thay đổi gì."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", help="Tệp .xlsx, .xls, .ods, .csv hoặc .json liên thông (nhận theo nội dung)"
        )
        parser.add_argument(
            "--book", type=int, help="Mã sổ nhận dữ liệu (mặc định: theo cột quyenSo)"
        )
        parser.add_argument("--user", help="Tên đăng nhập của người nhập (ghi vào nhật ký)")
        parser.add_argument("--mapping", type=int, help="Mã bảng ghép cột đã lưu")
        parser.add_argument("--batch-size", type=int, default=1000, help="Số dòng mỗi lần ghi")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument(
            "--no-reconcile",
            action="store_true",
            help="Không đối chiếu với CSDL dân cư sau khi nhập (làm sau từ trang sổ)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Không có tài khoản “{options['user']}”.")
        book = None
        if options["book"] is not None:
            book = RegisterBook.objects.filter(pk=options["book"]).first()
            if book is None:
                raise CommandError(f"Không có sổ mã {options['book']}.")
        mapping = None
        if options["mapping"] is not None:
            mapping = ColumnMapping.objects.filter(pk=options["mapping"]).first()
            if mapping is None:
                raise CommandError(f"Không có bảng ghép cột mã {options['mapping']}.")
        with path.open("rb") as handle:
            run = import_run_create(
                handle=handle, name=path.name, user=user, book=book, mapping=mapping
            )
        bar = tqdm(unit=" dòng", file=sys.stderr, disable=options["json"], desc="Nhập")
        try:
            outcome = import_run_execute(
                run=run,
                batch_size=options["batch_size"],
                progress=bar.update,
                total=lambda n: setattr(bar, "total", n),
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        reconciled = None
        if not options["no_reconcile"]:
            from hotich.exchange.tasks import reconcile_imported

            try:
                reconciled = reconcile_imported(outcome, user=user)
            except BookBusy as error:
                self.stderr.write(f"Chưa đối chiếu CSDL dân cư: {error}")
        if options["json"]:
            result = outcome.as_json()
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"Đọc tệp: {outcome.reading}.")
        self.stdout.write(
            f"Thêm mới {outcome.imported}, cập nhật {outcome.updated}, không đổi "
            f"{outcome.unchanged}, bị từ chối {outcome.rejected}, sửa mã chữ cũ {outcome.repaired} dòng."
        )
        if reconciled is not None:
            self.stdout.write(f"Đối chiếu CSDL dân cư xong {reconciled} trường hợp.")
        run.refresh_from_db()
        # An interconnection file's problems are numbered by record, not by row.
        where = "Bản ghi" if run.kind == INTERCONNECTION else "Dòng"
        for problem in outcome.errors[:50]:
            self.stdout.write(
                f"  {where} {problem['row']}, cột {problem['column']}: {problem['message']}"
            )
        if len(outcome.errors) > 50:
            self.stdout.write(f"  … và {len(outcome.errors) - 50} lỗi khác (xem báo cáo Excel).")
        if run.report:
            self.stdout.write(
                f"Báo cáo lỗi: {run.report.path if hasattr(run.report, 'path') else run.report.name}"
            )
