"""hotich registry synth: a realistic synthetic population, into the registry or a file."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from hotich.demo.citizens import citizens_synthesise
from hotich.demo.population import population_write, synth_people
from hotich.lib.idnumbers import InvalidPersonalId, normalise_province_code


class Command(BaseCommand):
    help = (
        "Tạo dân cư giả lập (gia đình có cha mẹ, con, vợ chồng, sinh đôi, anh chị em; tên theo "
        "giới và thế hệ; nơi sinh là xã thật; số định danh hợp lệ) vào CSDL hoặc ra tệp."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, required=True, help="Số người (khoảng).")
        parser.add_argument(
            "--province", required=True, help="Mã tỉnh nơi sinh, trước 2025 (38 hoặc 038)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="Ghi ra tệp .csv hoặc .parquet theo mẫu của “hotich registry load” thay vì CSDL.",
        )

    def handle(self, *args, count: int, province: str, seed: int, out: str | None, **options):
        try:
            code = normalise_province_code(province)
        except InvalidPersonalId as exc:
            raise CommandError(str(exc)) from exc
        if out and not out.lower().endswith((".csv", ".parquet")):
            raise CommandError(_("--out phải là tệp .csv hoặc .parquet."))
        if count <= 0:
            raise CommandError(_("--count phải lớn hơn 0."))
        with tqdm(total=count, unit=" người", disable=options["verbosity"] == 0) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            try:
                if out:
                    people = synth_people(count=count, province_code=code, seed=seed)
                    made = population_write(out, people, progress=progress)
                else:
                    made = citizens_synthesise(
                        count=count, province_code=code, seed=seed, progress=progress
                    )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        where = out or _("CSDL dân cư")
        self.stdout.write(
            _("Đã tạo %(n)s người sinh tại tỉnh %(code)s vào %(where)s.")
            % {"n": f"{made:,}", "code": code, "where": where}
        )
