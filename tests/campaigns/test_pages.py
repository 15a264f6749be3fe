"""Pages through the permission layer: personas, 403s, Excel exports, planning forms."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from hotich.audit.models import AuditEvent
from hotich.campaigns.models import CampaignTarget, Team, TeamMember, WeeklyReport
from hotich.campaigns.services import local_today, week_start_of
from hotich.registers.models import RegisterBook

DASHBOARD_ACCESS = [  # persona, unit key, expected status
    ("justice_officer", "commune", 200),
    ("justice_officer", "commune_b", 403),
    ("justice_officer", "province", 403),
    ("helper", "commune", 200),
    ("supervisor", "province", 200),
    ("supervisor", "commune", 200),
    ("supervisor", "district", 200),
    ("supervisor", "other_province", 403),
    ("district_supervisor", "district", 200),
    ("district_supervisor", "province", 403),
    ("inspector", "province", 200),
    ("outsider", "commune", 403),
    ("outsider_supervisor", "province", 403),
    ("administrator", "province", 200),
]


@pytest.mark.parametrize(("persona", "unit", "status"), DASHBOARD_ACCESS)
def test_dashboards_are_scoped_to_the_users_unit(
    persona, unit, status, campaign, personas, units, login
):
    response = login(personas[persona]).get(f"/tien-do/{units[unit].pk}/")
    assert response.status_code == status
    if status == 403:
        assert AuditEvent.objects.filter(action="denied", object_type="unit").exists()
        assert "Đông Sơn" not in response.content.decode().split("<main>")[1] or unit != "commune"


def test_the_commune_dashboard_shows_charts_books_and_figures(campaign, personas, units, login):
    html = (
        login(personas["justice_officer"]).get(f"/tien-do/{units['commune'].pk}/").content.decode()
    )
    assert html.count("<svg") == 5
    assert "Tiến độ theo từng quyển sổ" in html and "Năng suất theo ca" in html


@pytest.mark.parametrize(
    "key",
    ["tien-do-chi-tiet", "tien-do-theo-so", "xep-hang", "nang-suat-nguoi-nhap", "nang-suat-ca"],
)
def test_every_dashboard_table_exports_to_excel(key, campaign, personas, units, login):
    response = login(personas["justice_officer"]).get(
        f"/tien-do/{units['commune'].pk}/bang/{key}.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert "Đông Sơn" in sheet["A1"].value
    assert sheet.max_row >= 4
    assert AuditEvent.objects.filter(action="export", object_type="dashboard").exists()


@pytest.mark.parametrize("key", ["kiem-ke-so", "phu-luc", "so-thieu-trung"])
def test_inventory_tables_export_and_refuse_outsiders(key, keyed, personas, units, login):
    url = f"/kiem-ke/{units['commune'].pk}/bang/{key}.xlsx"
    assert login(personas["outsider"]).get(url).status_code == 403
    response = login(personas["team_leader"]).get(url)
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row >= 4


def test_a_commune_officer_adds_a_lost_book_only_with_a_reason(personas, units, login):
    client = login(personas["justice_officer"])
    url = f"/kiem-ke/{units['commune'].pk}/"
    data = {
        "register_type": "KT",
        "year_from": 1992,
        "year_to": 1993,
        "volume": "01/1992",
        "condition": "lost",
        "condition_reason": "",
    }
    response = client.post(url, data)
    assert "phải ghi lý do" in response.content.decode()
    assert not RegisterBook.objects.filter(volume="01/1992").exists()
    client.post(url, {**data, "condition_reason": "Cháy kho năm 1995"})
    assert RegisterBook.objects.get(volume="01/1992").condition_reason == "Cháy kho năm 1995"
    assert (
        login(personas["police_officer"]).post(url, {**data, "volume": "02/1992"}).status_code
        == 403
    )


def test_a_supervisor_plans_targets_teams_and_shifts(campaign, personas, units, login):
    client = login(personas["supervisor"])
    base = f"/ke-hoach/{campaign.pk}/"
    client.post(
        base + "chi-tieu/",
        {"commune": units["commune"].pk, "register_type": "KS", "target_cases": 120},
    )
    assert (
        CampaignTarget.objects.get(campaign=campaign, commune=units["commune"]).target_cases == 120
    )
    client.post(base + "ca/", {"name": "Ca tối", "start": "19:00", "end": "21:00"})
    assert "Ca mới trùng giờ" in str(list(client.get(base).context["messages"]))
    client.post(base + "to/", {"commune": units["commune"].pk, "name": "Tổ 1"})
    team = Team.objects.get(campaign=campaign)
    shift = campaign.shifts.get(name="Ca 2")
    client.post(
        f"/to/{team.pk}/thanh-vien/",
        {"member": personas["police_officer"].pk, "part": "police", "shifts": [shift.pk]},
    )
    member = TeamMember.objects.get(team=team)
    assert member.part == "police" and list(member.shifts.all()) == [shift]
    response = client.get(base + "bang/to-nhap-lieu.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[3][2] == str(personas["police_officer"]) and "Ca 2" in rows[3][4]


def test_commune_officers_cannot_set_province_targets_and_outsiders_see_nothing(
    campaign, personas, login
):
    url = f"/ke-hoach/{campaign.pk}/chi-tieu/"
    assert login(personas["justice_officer"]).post(url, {}).status_code == 403
    assert (
        login(personas["outsider_supervisor"]).get(f"/ke-hoach/{campaign.pk}/").status_code == 403
    )
    # The commune officer sees the plan, restricted to their own commune.
    page = login(personas["justice_officer"]).get(f"/ke-hoach/{campaign.pk}/").content.decode()
    assert "Đông Tiến" not in page


def test_a_report_is_written_downloaded_and_sent(campaign, personas, units, login):
    client = login(personas["justice_officer"])
    response = client.post(
        "/bao-cao/", {"unit": units["commune"].pk, "week": local_today().isoformat()}
    )
    report = WeeklyReport.objects.get(unit=units["commune"])
    assert report.week_start == week_start_of(local_today())
    assert response.url == f"/bao-cao/{report.pk}/"
    form = {
        "number": "12",
        "place": "Đông Sơn",
        "signer_name": "Lê Văn A",
        "signer_title": "Chủ tịch",
        "recipients": "Sở Tư pháp",
        "direction": "Họp triển khai",
        "staffing": "",
        "budget": "",
        "problems": "Sổ ẩm mốc",
    }
    client.post(f"/bao-cao/{report.pk}/", form)
    report.refresh_from_db()
    assert report.problems == "Sổ ẩm mốc"
    word = client.get(f"/bao-cao/{report.pk}/bao-cao.docx")
    assert word["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessing"
    )
    appendix = load_workbook(
        BytesIO(client.get(f"/bao-cao/{report.pk}/phu-luc.xlsx").content)
    ).active
    assert [c.value for c in appendix[3]] == [
        "STT",
        "Loại sổ",
        "Tổng số",
        "Số đã nhập",
        "Số phải nhập",
        "Ghi chú",
    ]
    assert login(personas["outsider"]).get(f"/bao-cao/{report.pk}/").status_code == 403
    # The province supervisor reads the commune's report but does not send it for them.
    assert login(personas["supervisor"]).get(f"/bao-cao/{report.pk}/").status_code == 200
    assert login(personas["supervisor"]).post(f"/bao-cao/{report.pk}/gui/").status_code == 403
    client = login(personas["justice_officer"])
    client.post(f"/bao-cao/{report.pk}/gui/")
    report.refresh_from_db()
    assert report.submitted_by == personas["justice_officer"]


def test_the_home_page_names_officers_who_still_owe_the_report(campaign, personas, units, login):
    home = login(personas["supervisor"]).get("/").content.decode()
    assert 'data-testid="report-reminder"' in home
    assert str(personas["justice_officer"]) in home and str(personas["outsider"]) in home
    mine = login(personas["justice_officer"]).get("/").content.decode()
    assert "Bạn chưa gửi báo cáo tuần này." in mine
    report = WeeklyReport.objects.create(
        unit=units["commune"], week_start=week_start_of(local_today()), place="Đông Sơn"
    )
    WeeklyReport.objects.filter(pk=report.pk).update(submitted_at=report.updated_at)
    assert (
        'data-testid="report-reminder"'
        not in login(personas["justice_officer"]).get("/").content.decode()
    )
