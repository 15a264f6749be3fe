"""Review against the scan, corrections, returns, approval, completeness; who may do what."""

import pytest
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.registers.models import Entry, EntryStatus
from hotich.registers.services import entry_create
from hotich.review.models import EntryReturn, MissingEntry
from hotich.review.services import book_completeness, book_is_complete


def set_status(entry, status):
    Entry.objects.filter(pk=entry.pk).update(status=status)
    entry.refresh_from_db()


def act(client, entry, action, **data):
    return client.post(reverse("entry_review_action", args=[entry.pk]), {"action": action, **data})


def test_the_review_page_shows_the_scan_beside_the_keyed_fields(login, personas, entry):
    from hotich.review.scans import scan_attach
    from tests.review.test_scans import pdf_bytes

    scan = scan_attach(entry=entry, name="2008_0007.pdf", data=pdf_bytes(), user=None)
    page = login(personas["justice_officer"]).get(reverse("entry_review", args=[entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("scan_file", args=[scan.pk, "pdf"]) in html
    image = login(personas["justice_officer"]).get(reverse("scan_page", args=[scan.pk, 1]))
    assert image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert (
        login(personas["outsider"]).get(reverse("scan_page", args=[scan.pk, 1])).status_code == 403
    )
    assert "Nguyễn Thị Phượng" in html and "2 – Nữ" in html and "[không đọc được]" in html
    assert AuditEvent.objects.filter(
        action="view", object_type="entry", object_id=str(entry.pk)
    ).exists()


def test_a_justice_officer_accepts_then_approves_a_reconciled_entry(login, personas, entry):
    set_status(entry, EntryStatus.RECONCILED)
    client = login(personas["justice_officer"])

    act(client, entry, "accept")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWED
    act(client, entry, "approve")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    changes = [e.changes for e in AuditEvent.objects.filter(object_type="entry", action="update")]
    assert {"status": ["reviewed", "approved"]} in changes


def test_an_entry_not_yet_reconciled_cannot_be_accepted(login, personas, entry):
    set_status(entry, EntryStatus.KEYED)
    page = act(login(personas["justice_officer"]), entry, "accept")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.KEYED
    assert "không chuyển được" in page.wsgi_request._messages._queued_messages[0].message


@pytest.mark.parametrize(
    "persona",
    ["helper", "police_officer", "team_leader", "supervisor", "inspector", "administrator"],
)
def test_only_a_justice_officer_approves(persona, login, personas, entry):
    set_status(entry, EntryStatus.REVIEWED)
    response = act(login(personas[persona]), entry, "approve")
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVIEWED


def test_a_justice_officer_of_another_commune_cannot_review(login, personas, entry):
    set_status(entry, EntryStatus.REVIEWED)
    client = login(personas["outsider"])
    assert client.get(reverse("entry_review", args=[entry.pk])).status_code == 403
    assert act(client, entry, "approve").status_code == 403


def test_a_correction_from_the_scan_is_saved_and_audited(login, personas, entry):
    set_status(entry, EntryStatus.RECONCILED)
    client = login(personas["justice_officer"])
    response = client.post(
        reverse("entry_review_field", args=[entry.pk]),
        {"field": "chaHoTen", "value": "Nguyễn Văn Hưng", "version": entry.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Nguyễn Văn Hưng" in response.content.decode()
    entry.refresh_from_db()
    assert entry.values["chaHoTen"] == "Nguyễn Văn Hưng"
    event = AuditEvent.objects.filter(action="update", object_id=str(entry.pk)).latest("id")
    assert event.changes == {"chaHoTen": ["Nguyễn Văn Hùng", "Nguyễn Văn Hưng"]}
    assert event.user == personas["justice_officer"]


def test_a_stale_correction_is_refused_not_lost(login, personas, entry):
    set_status(entry, EntryStatus.RECONCILED)
    client = login(personas["justice_officer"])
    stale = entry.version - 1
    response = client.post(
        reverse("entry_review_field", args=[entry.pk]),
        {"field": "chaHoTen", "value": "Khác", "version": stale},
    )
    assert "vừa được" in response.content.decode()
    entry.refresh_from_db()
    assert entry.values["chaHoTen"] == "Nguyễn Văn Hùng"


def test_returning_an_entry_needs_a_reason_and_sends_it_back_to_draft(login, personas, entry):
    set_status(entry, EntryStatus.RECONCILED)
    client = login(personas["justice_officer"])
    act(client, entry, "return", reason="")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RECONCILED

    act(client, entry, "return", reason="Ngày sinh khác bản chụp (15 → 16)")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    note = EntryReturn.objects.get()
    assert note.keyer == personas["justice_officer"] and note.from_status == "reconciled"
    page = client.get(reverse("entry_review", args=[entry.pk])).content.decode()
    assert "Ngày sinh khác bản chụp" in page


def test_a_book_is_complete_when_every_number_is_keyed_or_marked_missing(
    login, personas, book, entry
):
    set_status(entry, EntryStatus.KEYED)  # number 7 of 2008
    years = book_completeness(book)
    assert [(y.year, y.last, y.gaps) for y in years] == [(2008, 7, [1, 2, 3, 4, 5, 6])]
    client = login(personas["justice_officer"])
    for number in range(1, 6):
        client.post(
            reverse("book_review_action", args=[book.pk]),
            {"action": "missing", "year": 2008, "number": number, "reason": "Trang bị rách"},
        )
    client.post(
        reverse("book_review_action", args=[book.pk]),
        {"action": "missing", "year": 2008, "number": 6, "reason": ""},
    )
    assert MissingEntry.objects.count() == 5 and not book_is_complete(book)
    entry_create(book=book, user=None, year=2008, number=6, status=EntryStatus.KEYED)
    assert book_is_complete(book)
    page = client.get(reverse("book_review", args=[book.pk])).content.decode()
    assert "Đủ" in page and "Trang bị rách" in page


def test_a_helper_cannot_mark_numbers_missing(login, personas, book):
    response = login(personas["helper"]).post(
        reverse("book_review_action", args=[book.pk]),
        {"action": "missing", "year": 2008, "number": 1, "reason": "mất"},
    )
    assert response.status_code == 403 and not MissingEntry.objects.exists()


def test_approve_all_reviewed_entries_of_a_book(login, personas, book, entry):
    second = entry_create(book=book, user=None, year=2008, number=8, status=EntryStatus.REVIEWED)
    set_status(entry, EntryStatus.REVIEWED)
    login(personas["justice_officer"]).post(
        reverse("book_review_action", args=[book.pk]), {"action": "approve_all"}
    )
    assert set(
        Entry.objects.filter(pk__in=[entry.pk, second.pk]).values_list("status", flat=True)
    ) == {EntryStatus.APPROVED}
