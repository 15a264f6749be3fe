"""hotich audit verify: check the audit log's hash chain from its first event to its head."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hotich.audit.chain import chain_verify
from hotich.audit.triggers import audit_guard_missing


def _anchor(value: str) -> tuple[int, str]:
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError("--anchor phải có dạng SỐ:MÃBĂM (như dòng “Đầu chuỗi” đã in ra).")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi mã băm của nhật ký truy cập: tìm sự kiện bị sửa, bị xóa, bị chèn "
        "hoặc nhật ký bị cắt cụt, và nêu sự kiện hỏng đầu tiên."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--anchor",
            help="SỐ:MÃBĂM của một lần kiểm tra trước, lưu ngoài CSDL: phát hiện cả việc viết "
            "lại toàn bộ chuỗi từ đó.",
        )

    def handle(self, *args, anchor: str | None, **options) -> None:
        report = chain_verify(anchor=_anchor(anchor) if anchor else None)
        missing = audit_guard_missing(connection)
        if missing:
            self.stderr.write(
                "Cảnh báo: CSDL thiếu trigger chống sửa nhật ký: " + ", ".join(sorted(missing))
            )
        if not report.ok:
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn. Sự kiện hỏng đầu tiên: số {report.broken_seq}"
                + (f" (mã {report.broken_id})" if report.broken_id else "")
                + f": {report.problem}. Đã kiểm tra đúng {report.checked} sự kiện trước đó."
            )
        self.stdout.write(
            f"Nhật ký toàn vẹn: {report.checked} sự kiện.\n"
            f"Đầu chuỗi: {report.head_seq}:{report.head_hash}\n"
            "Hãy lưu dòng “Đầu chuỗi” ngoài máy chủ; lần sau chạy với --anchor để phát hiện "
            "cả việc viết lại chuỗi."
        )
