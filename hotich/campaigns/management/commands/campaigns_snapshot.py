"""hotich campaigns snapshot: recompute the progress figures the dashboards read."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from hotich.campaigns.services import snapshot_refresh
from hotich.places.models import AdministrativeUnit as Unit
from hotich.registers.models import RegisterBook


class Command(BaseCommand):
    help = "Tính lại số liệu tiến độ (theo ngày) cho các xã/phường có sổ; chạy định kỳ."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="mã tỉnh (2 chữ số); mặc định: mọi tỉnh có sổ")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="tính lại sản lượng từ ngày này (YYYY-MM-DD); mặc định: hôm qua",
        )

    def handle(self, *args, province=None, since=None, **options):
        communes = Unit.objects.filter(
            level=Unit.Level.COMMUNE,
            period=Unit.Period.CURRENT,
            pk__in=RegisterBook.objects.values("commune_id"),
        )
        if province:
            communes = communes.filter(province_code=province)
            if not communes.exists():
                raise CommandError(f"Tỉnh {province} không có xã/phường nào có sổ.")
        codes = sorted(set(communes.values_list("province_code", flat=True)))
        for code in codes:
            result = snapshot_refresh(
                communes=list(communes.filter(province_code=code)), since=since
            )
            self.stdout.write(
                f"Tỉnh {code}: {result.communes} xã/phường, {result.entries} trường hợp, "
                f"{result.snapshot_rows} dòng tiến độ, {result.output_rows} dòng sản lượng."
            )
