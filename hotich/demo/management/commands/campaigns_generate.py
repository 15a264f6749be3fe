"""hotich campaigns generate: a large synthetic province to measure the dashboards."""

from django.core.management.base import BaseCommand, CommandError

from hotich.demo.province import generate


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu lớn (mặc định 100 xã, 1,5 triệu trường hợp, 60 ngày) để đo tốc độ các "
        "trang tiến độ. Chỉ dùng trên cơ sở dữ liệu thử nghiệm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default="38", help="mã tỉnh (mặc định 38)")
        parser.add_argument("--communes", type=int, default=100)
        parser.add_argument("--entries", type=int, default=1_500_000)
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        def progress(done: int, total: int, entries: int) -> None:
            if done % 10 == 0 or done == total:
                self.stdout.write(f"  {done}/{total} xã, {entries} trường hợp")

        try:
            result = generate(
                province_code=options["province"],
                communes=options["communes"],
                entries=options["entries"],
                days=options["days"],
                seed=options["seed"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã sinh {result.communes} xã, {result.books} sổ, {result.entries} trường hợp, "
            f"{result.users} người dùng; kế hoạch #{result.campaign.pk}."
        )
