"""Reconciliation outcomes (per person) and the age of the tracking-list backlog on dashboards."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from hotich.campaigns import selectors
from hotich.campaigns.models import ProgressSnapshot
from hotich.campaigns.services import local_today, snapshot_refresh
from hotich.demo.province import generate
from hotich.reconciliation.models import TrackingCase


def test_the_snapshot_counts_people_by_outcome_and_open_cases_by_age(refreshed, units):
    row = ProgressSnapshot.objects.get(
        commune=units["commune"], register_type="KS", day=local_today()
    )
    assert (row.match, row.discrepancy, row.not_found, row.review) == (3, 3, 1, 1)
    # The case closed 5 days ago is not in today's backlog.
    assert (row.backlog_lt7, row.backlog_7_30, row.backlog_30_90, row.backlog_gt90) == (1, 1, 1, 1)


def test_a_past_days_snapshot_shows_that_days_backlog(reconciled, campaign, units):
    day = local_today() - datetime.timedelta(days=10)
    snapshot_refresh(communes=[units["commune"]], day=day, since=day)
    row = ProgressSnapshot.objects.get(commune=units["commune"], register_type="KS", day=day)
    # Ten days ago: the father's case (2 days old now) did not exist; the case closed five
    # days ago was open and 10 days old; the others were 2, 35 and 90 days old.
    assert (row.backlog_lt7, row.backlog_7_30, row.backlog_30_90, row.backlog_gt90) == (1, 1, 1, 1)
    assert row.backlog_lt7 + row.backlog_7_30 + row.backlog_30_90 + row.backlog_gt90 == 4


@pytest.mark.parametrize("unit", ["commune", "province", "district"])
def test_every_dashboard_charts_the_outcome_mix_and_the_backlog(refreshed, units, unit):
    board = selectors.dashboard_build(units[unit], today=local_today())
    assert board.totals["people_reconciled"] == 8 and board.totals["backlog"] == 4
    assert {"outcomes", "backlog"} <= set(board.charts)
    assert "Chưa thống nhất" in board.charts["outcomes"]
    assert "Trên 90 ngày" in board.charts["backlog"]
    table = board.tables["doi-chieu-theo-doi"]
    assert len(table.rows) == 1
    # people, match, discrepancy, not found, review, % match, open, <7, 7–30, 30–90, >90
    assert table.rows[0][1:] == [8, 3, 3, 1, 1, 37.5, 4, 1, 1, 1, 1]
    detail = board.tables["tien-do-chi-tiet"]
    labels = [c.label for c in detail.columns]
    ks = next(r for r in detail.rows if r[2] == selectors.type_label("KS"))
    assert ks[labels.index("Người: khớp")] == 3
    assert ks[labels.index("Người: không tìm thấy")] == 1
    assert ks[labels.index("Đang theo dõi")] == 4


def test_without_results_the_charts_are_left_out(campaign, units):
    board = selectors.dashboard_build(units["province"], today=local_today())
    assert not {"outcomes", "backlog"} & set(board.charts)
    assert board.tables["doi-chieu-theo-doi"].rows == []


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("justice_officer", "commune", 200),
        ("supervisor", "province", 200),
        ("district_supervisor", "district", 200),
        ("inspector", "province", 200),
        ("outsider", "commune", 403),
        ("outsider_supervisor", "province", 403),
    ],
)
def test_the_outcome_charts_are_on_the_pages_each_persona_may_open(
    refreshed, units, personas, login, persona, unit, status
):
    response = login(personas[persona]).get(f"/tien-do/{units[unit].pk}/")
    assert response.status_code == status
    page = response.content.decode()
    if status == 200:
        assert 'data-testid="chart-outcomes"' in page
        assert 'data-testid="chart-backlog"' in page
        assert 'data-testid="table-doi-chieu-theo-doi"' in page
    else:
        assert "chart-outcomes" not in page


def test_the_outcome_table_and_the_progress_table_export_to_excel(
    refreshed, units, personas, login
):
    client = login(personas["supervisor"])
    base = f"/tien-do/{units['province'].pk}/bang/"
    sheet = load_workbook(BytesIO(client.get(f"{base}doi-chieu-theo-doi.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("Xã/phường", "Người đã đối chiếu", "Khớp")
    assert rows[3][1:6] == (8, 3, 3, 1, 1) and rows[3][7:] == (4, 1, 1, 1, 1)
    sheet = load_workbook(BytesIO(client.get(f"{base}tien-do-chi-tiet.xlsx").content)).active
    header = [c.value for c in sheet[3]]
    assert "Người: chưa thống nhất" in header and "Đang theo dõi" in header


def test_a_communes_book_table_counts_outcomes_per_book(refreshed, units, book):
    table = selectors.book_progress_table(units["commune"])
    labels = [c.label for c in table.columns]
    row = next(r for r in table.rows if r[1] == book.volume)
    assert row[labels.index("Người: khớp")] == 3
    assert row[labels.index("Người: chưa thống nhất")] == 3
    assert row[labels.index("Đang theo dõi")] == 4


def test_the_generated_province_has_outcomes_and_a_backlog_of_every_age(units):
    generated = generate(province_code="38", communes=2, entries=3000, days=20, seed=3)
    rows = ProgressSnapshot.objects.filter(commune__in=generated.campaign.communes.all())
    totals = {
        f: sum(getattr(r, f) for r in rows)
        for f in ("reconciled", "match", "discrepancy", "not_found", "review")
        + ("backlog_lt7", "backlog_7_30", "backlog_30_90", "backlog_gt90")
    }
    assert all(totals.values()), totals
    # Every reconciled birth names three people, a marriage two, the others one.
    assert (
        totals["match"] + totals["discrepancy"] + totals["not_found"] + totals["review"]
        > (totals["reconciled"])
    )
    assert TrackingCase.objects.filter(status="closed").exists()
