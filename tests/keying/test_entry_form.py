"""The keying form: generated for every register, saved as written, checked as typed,
drafts, conflicts, and the three lookup outcomes."""

import pytest
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.keying.forms import form_groups
from hotich.keying.models import EntryDraft, EntryWork
from hotich.keying.values import entry_problems, typed_value
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.spec import REGISTER_TYPES
from hotich.registry.models import Citizen
from tests.keying.conftest import DISCREPANCY, MATCH, NOT_FOUND, form_data

KS = REGISTER_TYPES["KS"]


@pytest.mark.parametrize("code", list(REGISTER_TYPES))
def test_a_form_is_generated_for_every_register_type_in_book_order(code, units, personas, login):
    register = REGISTER_TYPES[code]
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=2001, year_to=2001, volume="01/2001"
    )
    response = login(personas["helper"]).get(reverse("keying_new", args=[book.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [
        html.index(f">{label}") for _key, label in register.groups if register.fields_in(_key)
    ]
    assert positions == sorted(positions)
    for field in register.fields:
        if field.name != "STT":
            assert f'name="{field.name}"' in html
    groups = form_groups(register, {}, {})
    assert [g.key for g in groups] == [k for k, _l in register.groups if register.fields_in(k)]


TYPED = [
    ("nksNgaySinh", "15081985", "15/08/1985"),
    ("nksNgaySinh", "081985", "08/1985"),
    ("nksNgaySinh", "1985", "1985"),
    ("nksNgaySinh", "ngày 15 tháng 8 năm 1985", "ngày 15 tháng 8 năm 1985"),
    ("nksNgaySinh", "31021985", "31021985"),
    ("nksGioiTinh", "nữ", "2"),
    ("nksGioiTinh", "Nam", "1"),
    ("nksGioiTinh", "không rõ lắm", "không rõ lắm"),
    ("nksHoTen", "  NGUYỄN  Thị Phượng ", "NGUYỄN  Thị Phượng"),
]


@pytest.mark.parametrize(("name", "typed", "stored"), TYPED)
def test_typed_values_are_stored_as_the_book_writes_them(name, typed, stored):
    assert typed_value(KS.field(name), typed) == stored


CHECKS = [
    ({"nksNgaySinh": "31/02/2008"}, "nksNgaySinh", "error"),
    ({"nksGioiTinh": "7"}, "nksGioiTinh", "error"),
    ({"ngayDangKy": "01/01/2008", "nksNgaySinh": "15/08/2008"}, "ngayDangKy", "warning"),
    ({"nksSoDinhDanh": "038308001234", "nksGioiTinh": "1"}, "nksSoDinhDanh", "warning"),
    ({"nksSoDinhDanh": "038308001234", "nksNgaySinh": "1999"}, "nksSoDinhDanh", "warning"),
    ({"nksSoDinhDanh": "999308001234"}, "nksSoDinhDanh", "error"),
    ({"nksHoTen": ""}, "nksHoTen", "warning"),
]


@pytest.mark.parametrize(("values", "field", "level"), CHECKS)
def test_values_are_checked_as_typed(values, field, level):
    problems = entry_problems(KS, values, {})
    assert (field, level) in {(p.field, p.level) for p in problems}


def test_entry_numbers_out_of_sequence_are_warned():
    problems = entry_problems(KS, {"so": "12"}, {}, numbers_used={1: 1, 2: 1}, last_number=2)
    assert any(p.field == "so" and "không liền mạch" in p.message for p in problems)
    problems = entry_problems(KS, {"so": "2"}, {}, numbers_used={1: 1, 2: 1}, last_number=2)
    assert any(p.field == "so" and "đã có" in p.message for p in problems)


def test_a_marked_required_field_is_not_reported_missing():
    problems = entry_problems(KS, {}, {"nksHoTen": "illegible"})
    assert "nksHoTen" not in {p.field for p in problems}


def test_an_impossible_date_needs_confirmation_and_is_then_saved_as_written(book, personas, login):
    client = login(personas["helper"])
    url = reverse("keying_new", args=[book.pk])
    data = form_data(NOT_FOUND, nksNgaySinh="31/02/2008", nksGioiTinh="")
    response = client.post(url, data)
    assert response.status_code == 422
    assert not Entry.objects.exists()
    response = client.post(url, {**data, "_confirm": "1"})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.values["nksNgaySinh"] == "31/02/2008"
    assert entry.status == EntryStatus.KEYED


def test_the_check_saves_a_draft_that_the_form_restores(book, personas, login):
    client = login(personas["helper"])
    response = client.post(
        reverse("keying_check", args=[book.pk]), form_data({"nksHoTen": "Lê Văn Tám"})
    )
    assert response.status_code == 200
    draft = EntryDraft.objects.get(user=personas["helper"], book=book, key="new")
    assert draft.data["nksHoTen"] == "Lê Văn Tám"
    page = client.get(reverse("keying_new", args=[book.pk])).content.decode()
    assert 'value="Lê Văn Tám"' in page and 'data-testid="draft-restored"' in page
    # Another officer does not get it.
    other = login(personas["justice_officer"]).get(reverse("keying_new", args=[book.pk]))
    assert "Lê Văn Tám" not in other.content.decode()


def test_a_new_form_offers_the_next_entry_number_and_the_volume(entry, personas, login):
    page = (
        login(personas["helper"]).get(reverse("keying_new", args=[entry.book_id])).content.decode()
    )
    assert 'name="so" value="08"' in page
    assert 'name="quyenSo" value="01/2008"' in page


def test_a_name_without_accents_is_offered_with_accents(book, personas, login, registry_people):
    response = login(personas["helper"]).post(
        reverse("keying_check", args=[book.pk]), {"nksHoTen": "Nguyen Thi Phuong"}
    )
    assert 'data-value="Nguyễn Thị Phượng"' in response.content.decode()


def test_a_name_unknown_as_a_whole_is_rebuilt_from_known_parts(
    book, personas, login, registry_people
):
    response = login(personas["helper"]).post(
        reverse("keying_check", args=[book.pk]), {"nksHoTen": "Tran Van Phuong"}
    )
    assert 'data-value="Trần Văn Phượng"' in response.content.decode()


def test_the_check_shows_candidates_as_soon_as_name_and_birth_date_are_typed(
    book, personas, login, registry_people
):
    client = login(personas["helper"])
    url = reverse("keying_check", args=[book.pk])
    assert (
        "038308001234" not in client.post(url, {"nksHoTen": "Nguyễn Thị Phượng"}).content.decode()
    )
    html = client.post(
        url, {"nksHoTen": "Nguyễn Thị Phượng", "nksNgaySinh": "15082008"}
    ).content.decode()
    assert "038308001234" in html and 'value="match:038308001234" checked' in html
    assert AuditEvent.objects.filter(
        object_type="citizen", object_id__contains="038308001234"
    ).exists()


def _save(client, book, values, **extra):
    return client.post(reverse("keying_new", args=[book.pk]), form_data(values, **extra))


def test_found_and_consistent_attaches_the_personal_id_and_keeps_the_book_values(
    book, personas, login, registry_people
):
    client = login(personas["helper"])
    values = {**MATCH, "nksHoTen": "NGUYỄN THỊ PHƯỢNG"}
    response = _save(
        client,
        book,
        values,
        **{"_choice:subject": "match:038308001234", "_engine:subject": "match:038308001234"},
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.values["nksHoTen"] == "NGUYỄN THỊ PHƯỢNG"
    result = MatchResult.objects.get(person__entry=entry)
    assert (result.outcome, result.personal_id, result.path) == (
        "match",
        "038308001234",
        "interactive",
    )
    assert entry.people.get(role="subject").citizen == registry_people["match"]
    assert not TrackingCase.objects.exists()


def test_found_but_inconsistent_opens_a_tracking_case_with_the_differing_fields(
    book, personas, login, registry_people
):
    client = login(personas["helper"])
    choice = "discrepancy:038208004321"
    _save(client, book, DISCREPANCY, **{"_choice:subject": choice, "_engine:subject": choice})
    case = TrackingCase.objects.get()
    assert case.personal_id == "038208004321"
    assert case.fields == [
        {"field": "ethnicity", "label": "Dân tộc", "book": "Mường", "registry": "Kinh"}
    ]
    assert case.commune == book.commune
    assert Entry.objects.get().people.get(role="subject").citizen == registry_people["discrepancy"]


def test_not_found_issues_a_new_personal_id_after_saving(book, personas, login, registry_people):
    client = login(personas["helper"])
    _save(
        client, book, NOT_FOUND, **{"_choice:subject": "not_found", "_engine:subject": "not_found"}
    )
    entry = Entry.objects.get()
    person = entry.people.get(role="subject")
    citizen = person.citizen
    assert citizen is not None and citizen.source == Citizen.Source.CREATED
    assert citizen.personal_id[:6] == "038208"  # Thanh Hóa, male born in the 2000s (2), 08
    assert person.match.outcome == "not_found" and person.match.personal_id == citizen.personal_id
    assert AuditEvent.objects.filter(object_type="citizen", action="create").exists()


def test_the_officer_overrides_the_engine_and_the_decision_is_recorded(
    book, personas, login, registry_people
):
    client = login(personas["justice_officer"])
    _save(
        client,
        book,
        MATCH,
        **{"_choice:subject": "discrepancy:038308001234", "_engine:subject": "match:038308001234"},
    )
    result = MatchResult.objects.get()
    assert (result.outcome, result.path, result.decided_by) == (
        "discrepancy",
        "officer",
        personas["justice_officer"],
    )
    assert TrackingCase.objects.count() == 1


def test_a_choice_outside_the_lookup_is_refused(book, personas, login, registry_people):
    client = login(personas["helper"])
    response = _save(client, book, MATCH, **{"_choice:subject": "match:001099000001"})
    assert response.status_code == 422
    assert not Entry.objects.exists()


def test_save_and_next_opens_the_next_entry_number(book, personas, login):
    client = login(personas["helper"])
    response = _save(client, book, NOT_FOUND, _action="save_next", nksGioiTinh="")
    assert response["Location"] == reverse("keying_new", args=[book.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'name="so" value="09"' in page


def test_the_second_of_two_saves_sees_both_versions_and_nothing_is_overwritten(
    entry, personas, login, client
):
    url = reverse("keying_edit", args=[entry.pk])
    version = entry.version
    login(personas["justice_officer"])
    first = client.post(url, {**entry.values, "nksHoTen": "Nguyễn Thị Phương", "_version": version})
    assert first.status_code == 302
    client.force_login(personas["helper"])
    second = client.post(
        url, {**entry.values, "nksHoTen": "Nguyễn Thị Phượng B", "_version": version}
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Nguyễn Thị Phượng B" in html and "Nguyễn Thị Phương" in html
    entry.refresh_from_db()
    assert entry.values["nksHoTen"] == "Nguyễn Thị Phương"


def test_an_entry_set_aside_goes_to_the_hard_queue_and_comes_back(book, personas, login):
    client = login(personas["helper"])
    response = _save(
        client, book, {"nksHoTen": "Không rõ"}, _action="aside", _aside_reason="mực nhòe"
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (
        entry.status == EntryStatus.DRAFT
        and entry.work.hard
        and entry.work.hard_reason == "mực nhòe"
    )
    page = client.get(reverse("keying_book", args=[book.pk])).content.decode()
    hard = page.split('data-testid="queue-hard"')[1].split("</section>")[0]
    assert "Không rõ" in hard
    client.post(reverse("keying_aside", args=[entry.pk]), {"hard": "0"})
    assert not EntryWork.objects.get(entry=entry).hard


def test_the_work_queue_puts_births_first_then_marriages_adoptions_deaths(units, personas, login):
    for code in ("KT", "HN", "KH", "NCN", "KS"):
        RegisterBook.objects.create(
            commune=units["commune"],
            register_type=code,
            year_from=2001,
            year_to=2001,
            volume="01/2001",
        )
    page = login(personas["helper"]).get(reverse("keying_queue")).content.decode()
    labels = [REGISTER_TYPES[c].book_label for c in ("KS", "KH", "NCN", "KT", "HN")]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)


def test_every_event_of_a_save_on_the_keying_page_records_the_client_address_and_path(
    book, personas, login, registry_people
):
    """The entry, its status, the new personal ID: each event the save writes (services
    called by services included) records the officer, the page and the client's address."""
    client = login(personas["helper"])
    url = reverse("keying_new", args=[book.pk])
    seen = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    choice = {"_choice:subject": "not_found", "_engine:subject": "not_found"}
    client.post(url, form_data(NOT_FOUND, **choice), REMOTE_ADDR="10.7.7.7")
    written = AuditEvent.objects.filter(seq__gt=seen).exclude(action="view")
    assert {(e.object_type, e.action) for e in written} >= {
        ("entry", "create"),
        ("citizen", "create"),
    }
    assert {(e.user, e.ip_address, e.path) for e in written} == {
        (personas["helper"], "10.7.7.7", url)
    }


def test_every_event_of_an_edit_on_the_keying_page_records_the_client_address_and_path(
    entry, personas, login
):
    client = login(personas["helper"])
    url = reverse("keying_edit", args=[entry.pk])
    seen = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    client.post(
        url,
        {**entry.values, "nksHoTen": "Nguyễn Thị Phương", "_version": entry.version},
        REMOTE_ADDR="10.7.7.8",
    )
    written = AuditEvent.objects.filter(seq__gt=seen).exclude(action="view")
    assert ("entry", "update") in {(e.object_type, e.action) for e in written}
    assert {(e.user, e.ip_address, e.path) for e in written} == {
        (personas["helper"], "10.7.7.8", url)
    }
