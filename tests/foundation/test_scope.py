"""The permission layer: who sees and changes which commune's books and entries."""

import pytest
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.registers.models import Entry, EntryStatus

# (persona, may see commune A's entry, may change it)
ACCESS = [
    ("justice_officer", True, True),
    ("police_officer", True, True),
    ("helper", True, True),
    ("team_leader", True, True),
    ("supervisor", True, False),
    ("district_supervisor", True, False),
    ("inspector", True, False),
    ("administrator", True, True),
    ("outsider", False, False),
    ("outsider_supervisor", False, False),
]


@pytest.mark.parametrize(("persona", "may_see", "may_change"), ACCESS)
def test_each_role_sees_an_entry_by_direct_url_only_within_its_scope(
    persona, may_see, may_change, personas, entry, login
):
    client = login(personas[persona])
    response = client.get(reverse("entry_detail", args=[entry.pk]))
    assert response.status_code == (200 if may_see else 403)
    if not may_see:
        assert "không có quyền" in response.content.decode()
        assert "Nguyễn Thị Phượng" not in response.content.decode()
        assert AuditEvent.objects.filter(
            action="denied",
            object_type="entry",
            object_id=str(entry.pk),
            username=personas[persona].username,
        ).exists()


@pytest.mark.parametrize(("persona", "may_see", "may_change"), ACCESS)
def test_each_role_changes_an_entry_by_form_post_only_with_write_rights(
    persona, may_see, may_change, personas, entry, login
):
    # Keying's form is the one way a draft becomes keyed (work record, sample, look-up).
    client = login(personas[persona])
    form = {**entry.values, "_version": str(entry.version), "_confirm": "1"}
    response = client.post(reverse("keying_edit", args=[entry.pk]), form)
    entry.refresh_from_db()
    if may_change:
        assert response.status_code == 302
        assert entry.status == EntryStatus.KEYED
    else:
        assert response.status_code == 403
        assert entry.status == EntryStatus.DRAFT
        assert entry.version == 1


@pytest.mark.parametrize(("persona", "may_see", "may_change"), ACCESS)
def test_each_role_opens_a_books_ministry_export_only_within_its_scope(
    persona, may_see, may_change, personas, entry, login
):
    client = login(personas[persona])
    response = client.get(reverse("book_exports", args=[entry.book_id]))
    assert response.status_code == (200 if may_see else 403)
    refused = AuditEvent.objects.filter(action="denied", username=personas[persona].username)
    assert refused.exists() == (not may_see)


def test_an_outsider_is_refused_its_neighbours_book_page_and_list(
    personas, entry, other_entry, login
):
    client = login(personas["outsider"])
    assert client.get(reverse("book_detail", args=[entry.book_id])).status_code == 403
    listing = client.get(reverse("book_list")).content.decode()
    assert reverse("book_detail", args=[other_entry.book_id]) in listing
    assert reverse("book_detail", args=[entry.book_id]) not in listing


def test_a_commune_user_list_shows_only_its_commune(personas, entry, other_entry, login):
    client = login(personas["justice_officer"])
    page = client.get(reverse("book_detail", args=[entry.book_id])).content.decode()
    assert "Nguyễn Thị Phượng" in page
    assert client.get(reverse("entry_detail", args=[other_entry.pk])).status_code == 403


def test_a_missing_entry_is_refused_like_a_foreign_one(personas, login, db):
    client = login(personas["justice_officer"])
    assert client.get(reverse("entry_detail", args=[999999])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client, entry):
    response = client.get(reverse("entry_detail", args=[entry.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_scope_helpers_filter_querysets(personas, entry, other_entry):
    from hotich.registers.selectors import entries_for_user

    assert list(entries_for_user(personas["justice_officer"])) == [entry]
    assert list(entries_for_user(personas["outsider"])) == [other_entry]
    assert set(entries_for_user(personas["supervisor"])) == {entry, other_entry}
    assert list(entries_for_user(personas["district_supervisor"])) == [entry]
    assert list(entries_for_user(personas["outsider_supervisor"])) == []
    assert Entry.objects.count() == 2


def test_an_administrator_of_an_area_sees_that_areas_books_only(units, personas, entry):
    from hotich.accounts.models import Role, User
    from hotich.registers.selectors import books_for_user, entries_for_user

    national = personas["administrator"]
    of_other_province = User.objects.create_user(
        "quantri_na", password="x", role=Role.ADMINISTRATOR, unit=units["other_province"]
    )
    of_province = User.objects.create_user(
        "quantri_th", password="x", role=Role.ADMINISTRATOR, unit=units["province"]
    )

    assert list(entries_for_user(national)) == [entry]
    assert list(entries_for_user(of_province)) == [entry]
    assert list(entries_for_user(of_other_province)) == []
    assert not books_for_user(of_other_province).exists()
