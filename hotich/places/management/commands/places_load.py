"""hotich places load: load the official administrative units (pre-2025 and current)."""

from django.core.management.base import BaseCommand

from hotich.places.services import units_load


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (trước 2025 và hiện hành) cùng bảng chuyển đổi cũ → mới."

    def handle(self, *args, **options) -> None:
        counts = units_load()
        self.stdout.write(
            f"Đã nạp {counts['units']:,} đơn vị hành chính và {counts['links']:,} liên kết cũ → mới."
        )
