"""hotich registry features: store the matching engine's features of every citizen."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from hotich.registry.models import Citizen
from hotich.registry.services import citizens_refeature, stale_features


class Command(BaseCommand):
    help = (
        "Tính lại và lưu đặc trưng đối chiếu (khóa chặn, dạng chuẩn hóa của tên, ngày, nơi sinh…) "
        "cho công dân chưa có hoặc có theo phiên bản cũ; tra cứu nhanh hơn sau khi nâng cấp."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Tính lại cho mọi công dân, kể cả đã có."
        )

    def handle(self, *args, **options):
        total = Citizen.objects.count() if options["all"] else stale_features().count()
        with tqdm(total=total, unit=" người", disable=options["verbosity"] == 0) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            done = citizens_refeature(everyone=options["all"], progress=progress)
        self.stdout.write(_("Đã lưu đặc trưng đối chiếu của %(n)s công dân.") % {"n": f"{done:,}"})
