"""Entries keep the book's values as written; saves never overwrite each other silently."""

import pytest
from django.db import IntegrityError

from hotich.lib.dates import PartialDate
from hotich.registers.models import Entry, RegisterBook
from hotich.registers.services import EntryConflict, InvalidEntryData, entry_create, entry_update


def test_values_are_stored_exactly_as_written(entry):
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.values["meHoTen"] == "Lê Thị Hoà"  # old tone placement kept
    assert stored.marks == {"nksNoiSinh": "illegible"}
    assert stored.summary.startswith("Nguyễn Thị Phượng")


def test_people_are_derived_with_comparison_keys(entry):
    people = {p.role: p for p in entry.people.all()}
    assert people["subject"].full_name == "Nguyễn Thị Phượng"
    assert people["subject"].birth_date == PartialDate(2008, 8, 15)
    assert people["subject"].sex == "2"
    assert people["mother"].name_key == people["mother"].name_key.lower()
    assert "Hoà" not in people["mother"].name_key


def test_a_year_only_date_stays_year_only(book, personas):
    e = entry_create(
        book=book,
        user=personas["helper"],
        year=1985,
        number=1,
        registration_date="1985",
        values={"nksNgaySinh": "1985"},
    )
    stored = Entry.objects.get(pk=e.pk)
    assert stored.registration_date == PartialDate(1985, None, None)
    assert stored.registration_date.isoformat() == "1985"
    assert Entry.objects.filter(registration_date__startswith="1985").count() == 1


def test_it_refuses_columns_the_register_does_not_have(book, personas):
    with pytest.raises(InvalidEntryData, match="không có cột"):
        entry_create(
            book=book, user=personas["helper"], year=2008, number=2, values={"chongHoTen": "X"}
        )


def test_a_field_marked_blank_holds_no_value(book, personas):
    e = entry_create(
        book=book,
        user=personas["helper"],
        year=2008,
        number=3,
        values={"nksHoTen": "A", "nksNoiSinh": "something"},
        marks={"nksNoiSinh": "blank"},
    )
    assert "nksNoiSinh" not in e.values
    assert e.mark_of("nksNoiSinh") == "blank"


def test_the_second_of_two_concurrent_saves_gets_a_conflict_and_nothing_is_overwritten(
    entry, personas
):
    first = Entry.objects.get(pk=entry.pk)
    second = Entry.objects.get(pk=entry.pk)
    entry_update(
        entry=first,
        user=personas["justice_officer"],
        expected_version=1,
        values={**first.values, "nksHoTen": "Nguyễn Thị Phương"},
    )
    with pytest.raises(EntryConflict) as conflict:
        entry_update(
            entry=second,
            user=personas["police_officer"],
            expected_version=1,
            values={**second.values, "nksHoTen": "Nguyễn Thị Phượng Anh"},
        )
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.values["nksHoTen"] == "Nguyễn Thị Phương"
    assert stored.version == 2
    assert conflict.value.current.values["nksHoTen"] == "Nguyễn Thị Phương"


def test_an_update_is_audited_with_old_and_new_values(entry, personas):
    from hotich.audit.models import AuditEvent

    entry_update(
        entry=entry,
        user=personas["justice_officer"],
        expected_version=1,
        values={**entry.values, "nksHoTen": "Nguyễn Thị Phương"},
        marks={},
    )
    event = AuditEvent.objects.filter(action="update", object_type="entry").latest("id")
    assert event.changes["nksHoTen"] == ["Nguyễn Thị Phượng", "Nguyễn Thị Phương"]
    assert event.changes["nksNoiSinh#mark"] == ["illegible", None]
    assert event.commune_id == entry.book.commune_id


def test_a_lost_book_must_say_why(units):
    with pytest.raises(IntegrityError):
        RegisterBook.objects.create(
            commune=units["commune"],
            register_type="KS",
            year_from=1990,
            year_to=1990,
            volume="01",
            condition="lost",
        )


def test_repeated_entry_numbers_can_be_keyed_as_written(book, personas):
    entry_create(book=book, user=personas["helper"], year=2008, number=5, values={"nksHoTen": "A"})
    entry_create(book=book, user=personas["helper"], year=2008, number=5, values={"nksHoTen": "B"})
    assert book.entries.filter(number=5).count() == 2
