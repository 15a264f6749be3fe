"""Dashboard pages on a province of 100 communes and 1.5 million entries.

    .venv/bin/python bench/bench_dashboards.py [--entries 1500000] [--communes 100]

Uses its own database (``var/bench/hotich.sqlite3``, or DATABASE_URL when set) and builds it
once with ``hotich campaigns generate`` (a few minutes); later runs reuse it. Prints the
median and worst time of each page (5 requests after a warm-up, through Django's test
client: view, queries and template) and, as the reference measured in the same run, the
live aggregation over the entries that the daily snapshots replace.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["HOTICH_DATA_DIR"] = str(ROOT / "var" / "bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402

from hotich.accounts.models import User  # noqa: E402
from hotich.campaigns.models import DailyOutput, Team, WeeklyReport  # noqa: E402
from hotich.campaigns.services import communes_of, local_today, snapshot_refresh, week_start_of  # noqa: E402
from hotich.demo.province import generate, generated_campaign, outcomes_generate  # noqa: E402
from hotich.registers.models import Entry, RegisterBook  # noqa: E402


def timed(fn, runs: int = 5) -> tuple[float, float]:
    fn()  # warm-up: caches, imports, first connection
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="38")
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--entries", type=int, default=1_500_000)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    campaign = generated_campaign(args.province)
    if campaign is None:
        print(f"generating {args.communes} communes, {args.entries:,} entries (once)…", flush=True)
        start = time.perf_counter()
        campaign = generate(
            province_code=args.province,
            communes=args.communes,
            entries=args.entries,
            days=args.days,
        ).campaign
        print(f"  generated in {time.perf_counter() - start:.0f} s")
    province = campaign.unit
    communes = list(campaign.communes.all())
    # A data set generated before outcomes existed gets them now (once).
    start = time.perf_counter()
    if made := outcomes_generate(communes=communes):
        print(f"  outcomes for {made:,} people added in {time.perf_counter() - start:.0f} s")
    entries = Entry.objects.filter(book__commune__in=communes).count()
    print(f"data set         {len(communes)} communes, {entries:,} entries")
    supervisor = User.objects.get(username=f"gen-{args.province}-giamsat")
    client = Client()
    client.force_login(supervisor)
    commune = communes[0]
    district = (
        RegisterBook.objects.filter(commune=commune)
        .exclude(historical_unit=None)
        .first()
        .historical_unit.parent
    )
    report, _ = WeeklyReport.objects.get_or_create(
        unit=province, week_start=week_start_of(local_today()), defaults={"place": province.name}
    )
    # Today's figures first, as the periodic `hotich campaigns snapshot` would have made them.
    start = time.perf_counter()
    snapshot_refresh(communes=communes_of(province))
    print(
        f"snapshot refresh {time.perf_counter() - start:8.2f} s  (background job, whole province)"
    )

    team = Team.objects.filter(campaign=campaign).first()
    pages = {
        "province dashboard": f"/tien-do/{province.pk}/",
        "province table page 2": f"/tien-do/{province.pk}/bang/tien-do-chi-tiet/?page=2",
        "district dashboard": f"/tien-do/{district.pk}/",
        "commune dashboard": f"/tien-do/{commune.pk}/",
        "commune inventory": f"/kiem-ke/{commune.pk}/",
        "campaign page": f"/ke-hoach/{campaign.pk}/",
        "campaign table page 2": f"/ke-hoach/{campaign.pk}/bang/to-nhap-lieu/?page=2",
        "team page": f"/to/{team.pk}/",
        "province report page": f"/bao-cao/{report.pk}/",
        "province xlsx export": f"/tien-do/{province.pk}/bang/tien-do-chi-tiet.xlsx",
        "province outcomes xlsx": f"/tien-do/{province.pk}/bang/doi-chieu-theo-doi.xlsx",
        "province Word report": f"/bao-cao/{report.pk}/bao-cao.docx",
    }
    budget = 1.0
    print(f"{'page':24} {'median':>9} {'worst':>9}   budget {budget * 1000:.0f} ms")
    for name, url in pages.items():

        def get(url: str = url) -> None:
            response = client.get(url, headers={"HX-Request": "true"} if "page=" in url else {})
            assert response.status_code == 200, (url, response.status_code)

        median, worst = timed(get)
        verdict = "ok" if median < budget else "OVER"
        print(f"{name:24} {median * 1000:6.0f} ms {worst * 1000:6.0f} ms   {verdict}")

    def live() -> None:
        list(
            Entry.objects.filter(book__commune__in=communes)
            .values_list("book__commune_id", "book__register_type", "status")
            .annotate(n=Count("id"))
            .order_by()
        )

    def unrolled() -> None:
        list(
            DailyOutput.objects.filter(commune__in=communes)
            .values_list("user_id", "shift", "day")
            .annotate(n=Sum("entries"))
            .order_by()
        )

    print("references (what the snapshot tables spare each page):")
    for name, fn, what in (
        ("live count", live, "GROUP BY over every entry of the province"),
        ("unrolled output", unrolled, "productivity grouped from DailyOutput, not its rollup"),
    ):
        median, worst = timed(fn, runs=3)
        print(f"{name:24} {median * 1000:6.0f} ms {worst * 1000:6.0f} ms   ({what})")


if __name__ == "__main__":
    main()
