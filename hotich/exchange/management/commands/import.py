"""``hotich import FILE``: import a Ministry template, a handover file or a mapped export.

Its messages are Vietnamese; ``--language en`` writes them, and the rows' problems, in
English (the interface's translation, ``hotich/locale/en``), as the upload page does for an
officer who chose English.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
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
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Ngôn ngữ của thông báo và lỗi từng dòng (mặc định: vi; en: tiếng Anh)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self.run_import(options)

    def run_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Không có tài khoản “%(name)s”.") % {"name": options["user"]})
        book = None
        if options["book"] is not None:
            book = RegisterBook.objects.filter(pk=options["book"]).first()
            if book is None:
                raise CommandError(_("Không có sổ mã %(id)s.") % {"id": options["book"]})
        mapping = None
        if options["mapping"] is not None:
            mapping = ColumnMapping.objects.filter(pk=options["mapping"]).first()
            if mapping is None:
                raise CommandError(
                    _("Không có bảng ghép cột mã %(id)s.") % {"id": options["mapping"]}
                )
        with path.open("rb") as handle:
            run = import_run_create(
                handle=handle, name=path.name, user=user, book=book, mapping=mapping
            )
        bar = tqdm(
            unit=" " + _("dòng tệp"),
            file=sys.stderr,
            disable=options["json"],
            desc=_("Đang nhập tệp"),
        )
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
                self.stderr.write(_("Chưa đối chiếu CSDL dân cư: %(error)s") % {"error": error})
        run.refresh_from_db()
        if options["json"]:
            result = outcome.as_json()
            if run.mapping_name:
                result["mapping"] = {
                    "id": run.mapping_id,
                    "name": run.mapping_name,
                    "version": run.mapping_version,
                }
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(_("Đọc tệp: %(reading)s.") % {"reading": outcome.reading})
        if run.mapping_name:
            self.stdout.write(
                _("Đọc theo bảng ghép cột “%(name)s” (mã %(id)s, phiên bản %(version)s).")
                % {"name": run.mapping_name, "id": run.mapping_id, "version": run.mapping_version}
            )
        self.stdout.write(
            _(
                "Thêm mới %(imported)s, cập nhật %(updated)s, không đổi %(unchanged)s, bị từ "
                "chối %(rejected)s, sửa mã chữ cũ %(repaired)s dòng."
            )
            % {
                "imported": outcome.imported,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "rejected": outcome.rejected,
                "repaired": outcome.repaired,
            }
        )
        if reconciled is not None:
            self.stdout.write(_("Đối chiếu CSDL dân cư xong %(n)s trường hợp.") % {"n": reconciled})
        # An interconnection file's problems are numbered by record, not by row.
        where = (
            _("  Bản ghi %(row)s, cột %(column)s: %(message)s")
            if run.kind == INTERCONNECTION
            else _("  Dòng %(row)s, cột %(column)s: %(message)s")
        )
        for problem in outcome.errors[:50]:
            self.stdout.write(where % problem)
        if len(outcome.errors) > 50:
            self.stdout.write(
                _("  … và %(n)s lỗi khác (xem báo cáo Excel).") % {"n": len(outcome.errors) - 50}
            )
        if run.report:
            report = run.report.path if hasattr(run.report, "path") else run.report.name
            self.stdout.write(_("Báo cáo lỗi: %(path)s") % {"path": report})
