"""Access rules, each reproduced (docs/accounts.md): audit log scope, reads audited, citizen
records within the area, the blind second keyer, province-wide recompute."""

import pytest
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registry.models import Citizen
from tests.keying.conftest import NOT_FOUND, form_data


def _event(unit_user, commune, changes):
    return audit_record(
        user=unit_user, action=AuditEvent.Action.VIEW, commune=commune, changes=changes
    )


@pytest.fixture
def two_provinces(personas, units):
    """An event in each province, with a citizen's value in its changes."""
    from hotich.accounts.models import Role, User

    far = User.objects.create(
        username="tuphap_na", role=Role.JUSTICE_OFFICER, unit=units["other_commune"]
    )
    here = _event(personas["justice_officer"], units["commune"], {"nksHoTen": [None, "Lê Văn A"]})
    there = _event(far, units["other_commune"], {"nksHoTen": [None, "Trần Thị Nghệ"]})
    login_there = audit_record(user=far, action=AuditEvent.Action.LOGIN)
    return here, there, login_there


def test_an_inspector_reads_only_the_audit_events_of_their_province(two_provinces, personas, login):
    here, there, login_there = two_provinces
    page = login(personas["inspector"]).get(reverse("audit_search"))
    shown = {e.pk for e in page.context["page"]}
    assert here.pk in shown
    assert there.pk not in shown and login_there.pk not in shown
    assert "Trần Thị Nghệ" not in page.content.decode()


def test_a_national_administrator_reads_every_event(two_provinces, personas, login):
    page = login(personas["administrator"]).get(reverse("audit_search"))
    assert {e.pk for e in two_provinces} <= {e.pk for e in page.context["page"]}


def test_the_audit_export_is_scoped_like_the_search(two_provinces, personas, settings, tmp_path):
    from openpyxl import load_workbook

    from hotich.oversight.tasks import audit_export

    settings.MEDIA_ROOT = tmp_path
    result = audit_export.call(filters={}, user_id=personas["inspector"].pk)
    rows = list(
        load_workbook(tmp_path / "exports" / result["file"]).active.iter_rows(values_only=True)
    )
    text = repr(rows)
    assert "Lê Văn A" in text
    assert "Trần Thị Nghệ" not in text


def test_searching_the_log_is_itself_audited(two_provinces, personas, login):
    login(personas["inspector"]).get(reverse("audit_search"), {"user": "tuphap"})
    event = AuditEvent.objects.filter(object_type="auditevent", action="view").get()
    assert event.username == "thanhtra"
    assert event.changes["filters"][1] == {"user": "tuphap"}
    assert event.changes["events"][1] == [two_provinces[0].pk]


def test_a_plain_404_of_a_view_is_audited_as_a_refusal(book, personas, login):
    # The officer's own import run that rejected no row has no error report: a plain 404
    # raised by the view, audited by the refusal middleware.
    from hotich.exchange.models import ImportRun

    run = ImportRun.objects.create(
        original_name="so.xlsx", sha256="0" * 64, user=personas["justice_officer"], book=book
    )
    client = login(personas["justice_officer"])
    url = reverse("import_report", args=[run.pk])
    assert client.get(url).status_code == 404
    refusal = AuditEvent.objects.get(action="denied", username="tuphap")
    assert refusal.object_type == "import_report"
    assert refusal.object_id == f"pk={run.pk}"


# --- reads of personal data are audited -------------------------------------------------


@pytest.mark.parametrize("name", ["book_detail", "book_review", "book_scans"])
def test_book_pages_listing_entries_are_audited_with_the_entries_shown(
    name, entry, personas, login
):
    login(personas["police_officer"]).get(reverse(name, args=[entry.book_id]))
    event = AuditEvent.objects.get(action="view", object_type="registerbook", username="congan")
    assert event.commune_id == entry.book.commune_id
    if name != "book_review":  # the review list shows only entries waiting for review
        assert event.changes["entries"][1] == [entry.pk]


def test_a_scan_page_image_view_is_audited(entry, personas, login, settings, tmp_path):
    from django.core.files.base import ContentFile

    from hotich.registers.models import Scan
    from tests.review.test_scans import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    data = pdf_bytes(1)
    scan = Scan(
        entry=entry,
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256="0" * 64,
        pages=1,
    )
    scan.file.save("a.pdf", ContentFile(data), save=True)
    response = login(personas["police_officer"]).get(reverse("scan_page", args=[scan.pk, 1]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view", object_type="scan")
    assert event.object_id == str(scan.pk)
    assert event.changes["page"] == [None, 1]


def test_a_registry_look_up_records_every_personal_id_it_showed(personas, login, db):
    from tests.keying.conftest import MATCH, citizen_make

    twins = [citizen_make(f"0383080000{i:02d}", MATCH) for i in range(6)]
    login(personas["justice_officer"]).get(
        reverse("registry_lookup"),
        {"full_name": MATCH["nksHoTen"], "birth_date": MATCH["nksNgaySinh"], "sex": "2"},
    )
    event = AuditEvent.objects.get(action="view", object_type="citizen")
    assert sorted(event.changes["personal_ids"][1]) == sorted(c.personal_id for c in twins)[:5]


def test_the_keying_form_records_every_personal_id_it_showed(units, personas, login):
    """A marriage: husband and wife each get up to five candidates, ten IDs in all."""
    import re

    from hotich.registers.models import RegisterBook
    from tests.keying.conftest import DISCREPANCY, MATCH, citizen_make

    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KH", year_from=2010, year_to=2010, volume="1"
    )
    for i in range(5):
        citizen_make(f"0383080000{i:02d}", MATCH)
        citizen_make(f"0382080000{i:02d}", DISCREPANCY)
    values = {}
    for prefix, person in (("vo", MATCH), ("chong", DISCREPANCY)):
        values |= {
            f"{prefix}HoTen": person["nksHoTen"],
            f"{prefix}NgaySinh": person["nksNgaySinh"],
            f"{prefix}DanToc": person["nksDanToc"],
        }
    response = login(personas["helper"]).post(reverse("keying_check", args=[book.pk]), values)
    on_page = set(re.findall(r"\b038\d{9}\b", response.content.decode()))
    event = AuditEvent.objects.get(action="view", object_type="citizen")
    recorded = event.changes["personal_ids"][1]
    assert len(recorded) > 5  # past the old 64-character cut
    assert set(recorded) == on_page


# --- citizen records within the area of work ------------------------------------------


@pytest.fixture
def stranger(units, db):
    """A citizen born in another province, named in no entry of commune A."""
    return Citizen.objects.create(
        personal_id="040199054321",
        full_name="Phan Văn Xa",
        name_key="phan van xa",
        sex="1",
        birthplace_unit=units["other_commune"],
    )


def test_a_citizen_named_in_an_entry_of_the_commune_is_open_to_its_officers(
    entry, personas, login, db
):
    citizen = Citizen.objects.create(
        personal_id="038308009999", full_name="Nguyễn Thị Phượng", name_key="x", sex="2"
    )
    entry.people.filter(role="subject").update(citizen=citizen)
    assert (
        login(personas["helper"])
        .get(reverse("citizen_detail", args=[citizen.personal_id]))
        .status_code
        == 200
    )


def test_a_citizen_outside_the_area_asks_for_a_purpose_and_shows_nothing(stranger, personas, login):
    response = login(personas["justice_officer"]).get(
        reverse("citizen_detail", args=[stranger.personal_id])
    )
    assert response.status_code == 403
    assert "Phan Văn Xa" not in response.content.decode()
    assert 'name="purpose"' in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", object_id=stranger.personal_id).exists()


def test_a_stated_purpose_opens_the_record_and_is_audited(stranger, personas, login):
    client = login(personas["justice_officer"])
    url = reverse("citizen_detail", args=[stranger.personal_id])
    assert client.post(url, {"purpose": "xem"}).status_code == 403  # not a purpose
    purpose = "Đối chiếu trường hợp số 07/2008, mẹ khai sinh tại Nghệ An"
    response = client.post(url, {"purpose": purpose})
    assert response.status_code == 200
    assert "Phan Văn Xa" in response.content.decode()
    event = AuditEvent.objects.get(action="view", object_id=stranger.personal_id)
    assert event.changes["purpose"] == [None, purpose]


def test_a_supervisor_cannot_state_a_purpose_for_a_citizen_elsewhere(stranger, personas, login):
    response = login(personas["supervisor"]).post(
        reverse("citizen_detail", args=[stranger.personal_id]),
        {"purpose": "Muốn xem thông tin người này"},
    )
    assert response.status_code == 403
    assert "Phan Văn Xa" not in response.content.decode()


# --- double keying and recompute ------------------------------------------------------


def test_the_blind_second_keyer_cannot_open_the_first_keying(book, personas, login, client):
    from hotich.keying import services

    services.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )
    login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(NOT_FOUND, **{"_choice:subject": "not_found", "_engine:subject": "not_found"}),
    )
    from hotich.registers.models import Entry

    entry = Entry.objects.latest("id")
    client.force_login(personas["team_leader"])  # may key the second time
    for name in ("entry_detail", "entry_extract", "keying_edit", "entry_review"):
        response = client.get(reverse(name, args=[entry.pk]))
        assert response.status_code == 403, name
        assert "Hoàng Minh Quân" not in response.content.decode()
    assert client.get(reverse("keying_second", args=[entry.pk])).status_code == 200
    # Nor do the book's lists show the first keying's names.
    for name in ("book_detail", "keying_book"):
        assert "Hoàng Minh Quân" not in client.get(reverse(name, args=[book.pk])).content.decode()
    # The first keyer and the justice officer still see it.
    client.force_login(personas["helper"])
    assert client.get(reverse("entry_detail", args=[entry.pk])).status_code == 200
    client.force_login(personas["justice_officer"])
    assert client.get(reverse("entry_detail", args=[entry.pk])).status_code == 200


@pytest.mark.parametrize(
    ("persona", "unit", "allowed"),
    [
        ("inspector", "province", False),
        ("supervisor", "province", True),
        ("administrator", "province", True),
        ("justice_officer", "commune", True),
        ("helper", "commune", True),
        ("inspector", "commune", False),
    ],
)
def test_only_planners_recompute_a_province_and_inspectors_never(
    persona, unit, allowed, personas, units, login
):
    response = login(personas[persona]).post(
        reverse("campaigns:dashboard_refresh", args=[units[unit].pk])
    )
    assert response.status_code == (302 if allowed else 403)
