"""Progress figures: snapshots, daily output by person and shift, gaps, the appendix."""

import datetime

from hotich.campaigns import selectors
from hotich.campaigns.models import (
    DailyOutput,
    DailyOutputByPerson,
    DailyOutputByType,
    ProgressSnapshot,
)
from hotich.campaigns.services import local_today, snapshot_refresh, target_set


def test_a_snapshot_counts_every_stage_cumulatively(campaign, units):
    row = ProgressSnapshot.objects.get(
        commune=units["commune"], register_type="KS", day=local_today()
    )
    assert (row.entries, row.keyed, row.reconciled, row.approved, row.exported) == (10, 8, 4, 2, 0)
    assert row.books == 1 and row.expected == 80  # the electronic book is not counted
    lost = ProgressSnapshot.objects.get(commune=units["commune"], register_type="KH")
    assert (lost.books, lost.expected, lost.entries) == (1, 0, 0)  # a lost book expects nothing


def test_refreshing_twice_replaces_the_days_figures(campaign, units):
    before = ProgressSnapshot.objects.count(), DailyOutput.objects.count()
    snapshot_refresh(communes=[units["commune"]])
    assert (ProgressSnapshot.objects.count(), DailyOutput.objects.count()) == before


def test_daily_output_knows_who_keyed_in_which_shift(campaign, personas):
    rows = DailyOutput.objects.all()
    by_user = {}
    for r in rows:
        by_user.setdefault(r.user_id, 0)
        by_user[r.user_id] += r.entries
    assert by_user == {personas["justice_officer"].pk: 5, personas["helper"].pk: 5}
    shifts = {}
    for r in rows:
        shifts[r.shift] = shifts.get(r.shift, 0) + r.entries
    assert shifts == {"Ca 1": 5, "Ca 2": 4, "": 1}  # 23:30 is outside every shift


def test_the_dashboard_ranks_forecasts_and_charts(campaign, units, personas):
    target_set(
        campaign=campaign,
        user=personas["supervisor"],
        commune=units["commune"],
        register_type="KS",
        target_cases=20,
    )
    board = selectors.dashboard_build(units["province"], today=local_today())
    assert board.totals["target"] == 20 and board.totals["entries"] == 10
    assert board.totals["percent"] == 50.0
    # 10 entries in the last 7 days: 10/7 a day, 10 to go → 7 more days.
    assert board.totals["forecast"] == local_today() + datetime.timedelta(days=7)
    assert set(board.charts) == {"progress", "burndown", "ranking", "operators", "shifts"}
    ranking = board.tables["xep-hang"].rows
    assert ranking[0][1] == units["commune"].full_name and ranking[0][5] == 50.0
    operators = {r[0]: r[2] for r in board.tables["nang-suat-nguoi-nhap"].rows}
    assert operators == {str(personas["justice_officer"]): 5, str(personas["helper"]): 5}


def test_the_district_dashboard_groups_books_by_old_commune(campaign, units):
    board = selectors.dashboard_build(units["district"], today=local_today())
    assert board.kind == "district"
    assert board.tables["xep-hang"].rows[0][1] == units["old_commune"].full_name
    assert board.totals["entries"] == 10


def test_gaps_and_double_capture_are_listed_per_book_and_year(keyed, units):
    table = selectors.gaps_table(units["commune"])
    assert len(table.rows) == 1
    row = table.rows[0]
    assert row[1] == 2008 and row[4] == "4" and row[6] == "7 (×2)"


def test_the_appendix_follows_seed_001(keyed, units):
    _listing, appendix = selectors.inventory_tables(units["commune"])
    assert [c.label for c in appendix.columns] == [
        "STT",
        "Loại sổ",
        "Tổng số",
        "Số đã nhập",
        "Số phải nhập",
        "Ghi chú",
    ]
    births = next(r for r in appendix.rows if r[1] == "Sổ đăng ký khai sinh")
    assert births[2:5] == [80, 10, 70]
    marriages = next(r for r in appendix.rows if r[1] == "Sổ đăng ký kết hôn")
    assert "Mất do lũ lụt năm 2007" in marriages[5]


def test_the_rollups_add_up_to_the_daily_output(campaign, units):
    def sums(model, *key):
        totals = {}
        for row in model.objects.values_list(*key, "entries"):
            totals[row[:-1]] = totals.get(row[:-1], 0) + row[-1]
        return totals

    assert sums(DailyOutputByPerson, "day", "commune_id", "user_id", "shift") == sums(
        DailyOutput, "day", "commune_id", "user_id", "shift"
    )
    assert sums(DailyOutputByType, "day", "commune_id", "register_type") == sums(
        DailyOutput, "day", "commune_id", "register_type"
    )
    before = DailyOutputByPerson.objects.count(), DailyOutputByType.objects.count()
    snapshot_refresh(communes=[units["commune"]])
    assert (DailyOutputByPerson.objects.count(), DailyOutputByType.objects.count()) == before


SHIFT_ROWS = [  # shift, entries, people, average per person per shift
    ("Ca 1", 5, 1, 2.5),  # tuphap on two days
    ("Ca 2", 4, 1, 2.0),  # helper on two days
    ("Ngoài giờ các ca", 1, 1, 1.0),
]


def test_productivity_per_shift_counts_people_and_person_days(campaign, units):
    for board in (
        selectors.dashboard_build(units["province"], today=local_today()),
        selectors.dashboard_build(units["district"], today=local_today()),  # from DailyOutput
    ):
        rows = [tuple(r) for r in board.tables["nang-suat-ca"].rows]
        assert rows == SHIFT_ROWS
