"""A correction keeps what was verified: only the people whose compared facts changed are
reconciled again; nobody is approved or exported without a personal ID they had
(docs/architecture.md, "How data flows")."""

import io
import itertools

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotich.exchange.exports import book_export_create, handover_export_create
from hotich.keying.services import keying_save
from hotich.matching.engine.decide import Decision
from hotich.matching.services import entry_person_input
from hotich.reconciliation.models import MatchResult
from hotich.reconciliation.services import match_result_record
from hotich.registers.models import Entry, EntryStatus
from hotich.registers.services import _compared_columns, personal_ids_lost
from hotich.registers.spec import REGISTER_TYPES
from hotich.registry.models import Citizen
from hotich.review.services import ReviewRefused, entry_accept, entry_approve
from tests.keying.conftest import MATCH, citizen_make, form_data

SUBJECT_ID = "038308001234"
FATHER_ID = "038070001111"


@pytest.fixture
def reconciled(book, personas, login):
    """A birth keyed through the form with the subject found in the registry (interactive
    path) and the father found by the batch path: the entry is reconciled."""
    citizen_make(SUBJECT_ID, MATCH)
    father = citizen_make(
        FATHER_ID,
        {**MATCH, "nksHoTen": "Nguyễn Văn Hùng", "nksNgaySinh": "01/01/1970", "nksGioiTinh": "1"},
    )
    choice = f"match:{SUBJECT_ID}"
    response = login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(MATCH, **{"_choice:subject": choice, "_engine:subject": choice}),
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    match_result_record(
        person=entry.people.get(role="father"),
        decision=Decision("match", father.personal_id, 0.999),
        path=MatchResult.Path.BATCH,
        model_version=1,
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RECONCILED
    return entry


def links(entry):
    """Return {role: (person pk, registry person's ID, match result pk)} of ENTRY."""
    return {
        p.role: (p.pk, p.citizen.personal_id if p.citizen else None, getattr(p, "match", None))
        for p in entry.people.select_related("citizen", "match")
    }


def correct(client, entry, field, value):
    entry.refresh_from_db()
    response = client.post(
        reverse("entry_review_field", args=[entry.pk]),
        {"field": field, "value": value, "version": entry.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "vừa được" not in response.content.decode()
    entry.refresh_from_db()
    return entry


def handover_ids(book, personas):
    export = handover_export_create(book=book, user=personas["justice_officer"])
    rows = list(
        load_workbook(io.BytesIO(export.workbook.read())).active.iter_rows(values_only=True)
    )
    header = rows[0]
    return {
        "subject": rows[1][header.index("NKSSODINHDANH")],
        "father": rows[1][header.index("CHASODINHDANHCANHAN")],
    }


def test_correcting_a_field_nobody_is_compared_on_keeps_every_link(
    reconciled, book, personas, login
):
    before = links(reconciled)
    client = login(personas["justice_officer"])

    entry = correct(client, reconciled, "noiDangKy", "UBND xã Đông Văn, huyện Đông Sơn")
    # The father is not compared on his child's birth place either.
    entry = correct(client, entry, "nksNoiSinh", "Trạm y tế xã Đông Văn")

    after = links(entry)
    assert after["father"] == before["father"]
    assert after["mother"] == before["mother"]
    assert entry.status in (EntryStatus.RECONCILED, EntryStatus.KEYED)
    assert entry.values["noiDangKy"] == "UBND xã Đông Văn, huyện Đông Sơn"


def test_a_registration_field_corrected_keeps_the_ids_through_approval_and_both_exports(
    reconciled, book, personas, login
):
    before = links(reconciled)
    officer = personas["justice_officer"]
    entry = correct(login(officer), reconciled, "noiDangKy", "UBND xã Đông Văn, huyện Đông Sơn")

    assert links(entry) == before  # same rows, same registry people, same match results
    assert entry.status == EntryStatus.RECONCILED
    entry_accept(entry=entry, user=officer)
    entry.refresh_from_db()
    entry_approve(entry=entry, user=officer)
    assert book_export_create(book=book, user=officer).entries == 1
    assert handover_ids(book, personas) == {"subject": SUBJECT_ID, "father": FATHER_ID}


def test_a_correction_that_finds_the_same_person_again_keeps_the_id(
    reconciled, book, personas, login
):
    before = links(reconciled)
    entry = correct(login(personas["justice_officer"]), reconciled, "nksHoTen", "NGUYỄN THỊ PHƯỢNG")
    after = links(entry)
    assert after["subject"][:2] == before["subject"][:2]  # same row, same personal ID
    assert after["subject"][2].outcome == "match"
    assert after["father"] == before["father"]
    assert entry.status == EntryStatus.RECONCILED


def test_a_correction_that_loses_the_person_blocks_approval_and_export_and_says_whose(
    reconciled, book, personas, login
):
    officer = personas["justice_officer"]
    citizens = Citizen.objects.count()
    before = links(reconciled)

    entry = correct(login(officer), reconciled, "nksHoTen", "Trần Thị Bích")

    after = links(entry)
    assert after["father"] == before["father"]  # nobody else was touched
    subject = entry.people.get(role="subject")
    assert subject.citizen is None and subject.match.outcome == "review"
    assert entry.status == EntryStatus.KEYED  # no longer reconciled
    assert Citizen.objects.count() == citizens  # no second ID issued for her
    with pytest.raises(ReviewRefused):
        entry_accept(entry=entry, user=officer)

    # Even if the entry were moved on by other means, approval and export say whose ID is gone.
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.REVIEWED)
    entry.refresh_from_db()
    with pytest.raises(ReviewRefused, match=f"Trần Thị Bích.*{SUBJECT_ID}"):
        entry_approve(entry=entry, user=officer)
    page = login(officer).post(
        reverse("book_review_action", args=[book.pk]), {"action": "approve_all"}
    )
    assert "Chưa phê duyệt" in str(list(page.wsgi_request._messages))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWED

    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
    with pytest.raises(ValueError, match=f"Không xuất được.*Trần Thị Bích.*{SUBJECT_ID}"):
        book_export_create(book=book, user=officer)
    with pytest.raises(ValueError, match=f"Trần Thị Bích.*{SUBJECT_ID}"):
        handover_export_create(book=book, user=officer)
    response = login(officer).post(reverse("book_export_start", args=[book.pk]), {})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED  # not exported


def test_an_officer_deciding_again_clears_the_block(reconciled, book, personas, login):
    officer = personas["justice_officer"]
    entry = correct(login(officer), reconciled, "nksHoTen", "Trần Thị Bích")
    assert personal_ids_lost(entries=[entry])
    # The officer reads the scan again: the first keying was right after all.
    entry = correct(login(officer), entry, "nksHoTen", "Nguyễn Thị Phượng")
    assert not personal_ids_lost(entries=[entry])
    assert entry.people.get(role="subject").citizen.personal_id == SUBJECT_ID
    assert entry.status == EntryStatus.RECONCILED


def test_a_keying_edit_keeps_the_links_of_people_it_does_not_change(reconciled, book, personas):
    before = links(reconciled)
    values = {**form_data(MATCH), "ghiChu": "Sửa theo bản chụp"}
    values.pop("_choice:subject", None)
    report = keying_save(
        book=book,
        user=personas["helper"],
        raw_values=values,
        marks={},
        choices={},
        entry=reconciled,
        expected_version=reconciled.version,
    )
    assert links(report.entry) == before
    assert report.entry.status == EntryStatus.RECONCILED


def test_entries_imported_again_with_a_changed_person_are_reconciled_again_not_left_reconciled(
    reconciled, personas
):
    from hotich.registers.services import entry_update

    values = {**reconciled.values, "meHoTen": "Lê Thị Hòa Bình"}
    entry = entry_update(
        entry=reconciled,
        user=personas["helper"],
        expected_version=reconciled.version,
        values=values,
    )
    after = links(entry)
    assert entry.status == EntryStatus.KEYED
    # The subject is compared on her mother's name; the father is not.
    assert after["subject"][1:] == (None, None)
    assert after["father"][1] == FATHER_ID
    assert personal_ids_lost(entries=[entry])[0].personal_id == SUBJECT_ID


@pytest.mark.parametrize("code", list(REGISTER_TYPES))
def test_a_field_outside_a_persons_compared_columns_never_changes_their_matching_input(code):
    """The columns the save compares (registers) cover all the engine reads (matching)."""
    register = REGISTER_TYPES[code]
    filled = {f.name: f"{f.name} 1" for f in register.fields}
    shell = type("Shell", (), {"register_type": register, "values": filled})
    for role, f in itertools.product(register.persons, register.fields):
        if f.name in _compared_columns(register, role.value):
            continue
        changed = type(
            "Shell", (), {"register_type": register, "values": {**filled, f.name: "khác"}}
        )
        assert entry_person_input(shell, role.value) == entry_person_input(changed, role.value), (
            role,
            f.name,
        )


def test_arbitration_keeps_the_links_of_people_it_leaves_alone_and_looks_up_the_others(
    book, personas, login, client
):
    from hotich.keying import services as keying

    keying.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )
    citizen_make(SUBJECT_ID, MATCH)
    father = citizen_make(
        FATHER_ID,
        {**MATCH, "nksHoTen": "Nguyễn Văn Hùng", "nksNgaySinh": "01/01/1970", "nksGioiTinh": "1"},
    )
    choice = f"match:{SUBJECT_ID}"
    login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(MATCH, **{"_choice:subject": choice, "_engine:subject": choice}),
    )
    entry = Entry.objects.get()
    match_result_record(
        person=entry.people.get(role="father"),
        decision=Decision("match", father.personal_id, 0.999),
        path=MatchResult.Path.BATCH,
        model_version=1,
    )
    before = links(entry)
    client.force_login(personas["police_officer"])
    second = form_data(MATCH, nksHoTen="NGUYỄN THỊ PHƯỢNG", ngayDangKy="21/11/2008")
    client.post(reverse("keying_second", args=[entry.pk]), second)
    client.force_login(personas["justice_officer"])
    client.post(
        reverse("keying_arbitrate", args=[entry.pk]),
        {"pick:nksHoTen": "second", "pick:ngayDangKy": "second"},
    )
    entry.refresh_from_db()
    after = links(entry)
    assert entry.values["nksHoTen"] == "NGUYỄN THỊ PHƯỢNG"
    assert after["father"] == before["father"] and after["mother"] == before["mother"]
    assert after["subject"][:2] == before["subject"][:2]  # looked up again: the same person
    assert entry.status == EntryStatus.RECONCILED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_approval_says_whose_personal_id_is_gone(
    reconciled, book, personas, login, live_server
):
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, log_in

    entry = correct(login(personas["justice_officer"]), reconciled, "nksHoTen", "Trần Thị Bích")
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.REVIEWED)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
        log_in(page, live_server, "tuphap")
        page.goto(f"{live_server.url}{reverse('entry_review', args=[entry.pk])}")
        page.get_by_role("button", name="Phê duyệt").click()
        flash = page.locator(".flash.error")
        assert "Trần Thị Bích" in flash.inner_text() and SUBJECT_ID in flash.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "approval-refused-lost-id.png"))
        browser.close()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWED
