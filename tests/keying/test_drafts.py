"""Drafts and conflicts on the server (docs/keying.md, "The form"): a draft is discarded for real, a
draft of an entry someone saved since is shown as a conflict (never restored silently), a
restored draft does not move the starting field, and the page's own save is told where to go
instead of being redirected."""

import re

from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.keying.models import EntryDraft
from hotich.registers.models import Entry
from hotich.registers.services import entry_update
from tests.keying.conftest import form_data


def _shown(response) -> str:
    """The page as shown: without the notice kept in a <template> for the browser's own
    restore."""
    return re.sub(r"<template.*?</template>", "", response.content.decode(), flags=re.S)


def _draft(client, book, entry=None, **values):
    data = form_data(values)
    if entry is not None:
        data = {**entry.values, **values, "_entry": str(entry.pk), "_version": str(entry.version)}
    response = client.post(reverse("keying_check", args=[book.pk]), data)
    assert response.status_code == 200


def test_discarding_a_new_entry_draft_deletes_it_and_opens_a_fresh_form(book, personas, login):
    client = login(personas["helper"])
    _draft(client, book, nksHoTen="Lê Văn Tám")
    response = client.post(reverse("keying_new", args=[book.pk]), {"_action": "discard"})
    assert response.status_code == 302
    assert not EntryDraft.objects.filter(user=personas["helper"]).exists()
    page = _shown(client.get(response.url))
    assert "Lê Văn Tám" not in page and 'data-testid="draft-restored"' not in page
    assert "Đã bỏ bản nháp." in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_type="entrydraft"
    ).exists()


def test_discarding_touches_only_the_officers_own_draft(book, personas, login):
    _draft(login(personas["justice_officer"]), book, nksHoTen="Bản của tư pháp")
    client = login(personas["helper"])
    _draft(client, book, nksHoTen="Bản của cộng tác viên")
    client.post(reverse("keying_new", args=[book.pk]), {"_action": "discard"})
    assert list(EntryDraft.objects.values_list("user__username", flat=True)) == ["tuphap"]


def test_the_pages_own_save_is_told_where_to_go(book, personas, login):
    client = login(personas["helper"])
    response = client.post(
        reverse("keying_new", args=[book.pk]),
        form_data({"nksHoTen": "Lê Văn Tám", "nksGioiTinh": "1", "nksNgaySinh": "01012008"}),
        HTTP_HX_REQUEST="true",
    )
    saved = Entry.objects.get(book=book)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("keying_edit", args=[saved.pk])


def test_a_draft_of_an_entry_saved_since_by_someone_else_is_shown_as_a_conflict(
    entry, personas, login
):
    client = login(personas["helper"])
    _draft(client, entry.book, entry, nksDanToc="Kinh")
    entry_update(
        entry=entry,
        user=personas["justice_officer"],
        expected_version=entry.version,
        values={**entry.values, "meHoTen": "Lê Thị Hòa"},
        marks=entry.marks,
    )
    page = _shown(client.get(reverse("keying_edit", args=[entry.pk])))
    assert 'data-testid="conflict"' in page
    assert 'data-testid="draft-restored"' not in page
    # One choice per differing field; the form carries the stored version, so saving after
    # choosing writes over nobody's change unseen.
    assert 'name="_pick:meHoTen" value="theirs" data-value="Lê Thị Hòa"' in page
    assert 'name="_pick:nksDanToc" value="mine"' in page
    assert 'name="_pick:so"' not in page
    current = Entry.objects.get(pk=entry.pk)
    assert f'name="_version" value="{current.version}"' in page


def test_a_draft_of_the_current_version_is_restored(entry, personas, login):
    client = login(personas["helper"])
    _draft(client, entry.book, entry, nksDanToc="Kinh")
    page = _shown(client.get(reverse("keying_edit", args=[entry.pk])))
    assert 'data-testid="draft-restored"' in page and 'data-testid="conflict"' not in page
    assert 'value="Kinh"' in page


def test_after_a_conflict_discarding_shows_the_saved_version(entry, personas, login):
    client = login(personas["helper"])
    _draft(client, entry.book, entry, nksDanToc="Kinh")
    entry_update(
        entry=entry,
        user=personas["justice_officer"],
        expected_version=entry.version,
        values={**entry.values, "meHoTen": "Lê Thị Hòa"},
        marks=entry.marks,
    )
    response = client.post(reverse("keying_edit", args=[entry.pk]), {"_action": "discard"})
    page = _shown(client.get(response.url))
    assert 'data-testid="conflict"' not in page and 'value="Kinh"' not in page
    assert 'value="Lê Thị Hòa"' in page


def test_a_restored_draft_does_not_move_the_starting_field(book, personas, login):
    client = login(personas["helper"])
    fresh = _shown(client.get(reverse("keying_new", args=[book.pk])))
    assert 'data-start="trangSo"' in fresh
    _draft(client, book, trangSo="5", ngayDangKy="20112008")
    restored = _shown(client.get(reverse("keying_new", args=[book.pk])))
    assert 'data-testid="draft-restored"' in restored
    assert 'data-start="trangSo"' in restored


def test_a_reading_names_the_text_it_was_read_from(book, personas, login):
    """Finding 6: the page shows a date's reading only while the field holds that text."""
    client = login(personas["helper"])
    html = client.post(
        reverse("keying_check", args=[book.pk]), {"nksNgaySinh": "16082008"}
    ).content.decode()
    assert 'data-reading-field="nksNgaySinh" data-value="16/08/2008" data-raw="16082008"' in html
