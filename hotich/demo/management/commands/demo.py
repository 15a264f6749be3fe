"""hotich demo: migrate, load the demo data, print the logins, and (with --serve) serve."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from hotich.demo.load import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (một tỉnh, vài xã, sổ các loại, 100.000 công dân giả lập) và in tài khoản mẫu."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--province",
            default=settings.HOTICH_DEMO_PROVINCE,
            help="Mã tỉnh (mặc định 38 – Thanh Hóa).",
        )
        parser.add_argument(
            "--citizens", type=int, default=100_000, help="Số công dân giả lập tối thiểu."
        )
        parser.add_argument(
            "--serve",
            action="store_true",
            help="Chạy máy chủ web sau khi nạp, kèm tiến trình xử lý tác vụ nền (hotich worker).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Với --serve: không chạy kèm hotich worker (đã chạy riêng ở nơi khác).",
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(
        self,
        *args,
        province: str,
        citizens: int,
        serve: bool,
        no_worker: bool,
        port: int,
        host: str,
        **options,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Đang nạp dữ liệu mẫu (lần đầu mất khoảng một phút)…")
        with tqdm(total=citizens, unit=" công dân", disable=options["verbosity"] == 0) as bar:
            result = demo_load(
                province_code=province, citizens=citizens, progress=lambda n: bar.update(n - bar.n)
            )
        self.stdout.write(
            f"Dữ liệu mẫu: {len(result.communes)} xã/phường, {result.books} sổ, "
            f"{result.entries:,} trường hợp, {result.citizens:,} công dân."
        )
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, unit in result.users:
            self.stdout.write(f"  {username:<10} {role} – {unit}")
        if result.second_factor:
            self.stdout.write(f"\n{result.second_factor}")
        if serve:
            self.stdout.write("")
            call_command("serve", host=host, port=port, no_migrate=True, with_worker=not no_worker)
