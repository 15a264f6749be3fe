"""Lists show an entry by the people it is about (its subjects), never by its signer or
keyer: one rule, read through the fields' fact tags, for every register type."""

import pytest

from hotich.registers.definitions import REGISTER_TYPES
from hotich.registers.models import Entry
from hotich.registers.people import SUBJECT_ROLES, entry_summary
from hotich.registers.services import entry_create
from hotich.registers.spec import Fact

SIGNER = {"nguoiKy": "Phạm Văn Ký", "nguoiThucHien": "Đỗ Thị Nhập"}

# Register type → the roles whose names the summary gives, in order.
EXPECTED = [
    ("KS", ["subject"]),
    ("KH", ["husband", "wife"]),
    ("NCN", ["adoptee"]),
    ("KT", ["deceased"]),
    ("CMC", ["parent", "child"]),
    ("HN", ["subject"]),
    ("GH", ["ward"]),
    ("CDGH", ["ward"]),
    ("TDCC", ["subject"]),
    ("GCLH", ["husband", "wife"]),
]


def _named_everyone(register):
    """Values naming every person of REGISTER (the role's name as the value), and the signer."""
    values = dict(SIGNER)
    for role in register.persons:
        name = next(f.name for f in register.fields_for(role) if f.fact is Fact.FULL_NAME)
        values[name] = f"Tên {role.value}"
    return values


def test_every_register_type_has_a_row_in_the_table():
    assert sorted(code for code, _ in EXPECTED) == sorted(REGISTER_TYPES)


@pytest.mark.parametrize(("code", "roles"), EXPECTED)
def test_the_summary_names_the_subjects_not_the_signer_or_keyer(code, roles):
    register = REGISTER_TYPES[code]
    summary = entry_summary(register, _named_everyone(register))
    assert summary == " – ".join(f"Tên {r}" for r in roles)
    assert "Ký" not in summary and "Nhập" not in summary
    assert {r for r in roles} <= {r.value for r in SUBJECT_ROLES}


def test_a_subject_left_unnamed_is_left_out():
    register = REGISTER_TYPES["KH"]
    assert entry_summary(register, {**SIGNER, "voHoTen": "Lê Thị Vợ"}) == "Lê Thị Vợ"
    assert entry_summary(register, SIGNER) == ""


@pytest.mark.django_db
def test_a_saved_entry_keeps_its_subjects_as_summary(book, personas):
    entry = entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2008,
        number=3,
        values={**SIGNER, "nksHoTen": "Nguyễn Thị Phượng", "meHoTen": "Lê Thị Hoà"},
    )
    assert entry.summary == "Nguyễn Thị Phượng"


@pytest.mark.django_db
def test_the_migration_rewrites_the_summaries_kept_before(book, personas):
    from importlib import import_module

    from django.apps import apps

    entry = entry_create(
        book=book,
        user=personas["helper"],
        year=2008,
        number=4,
        values={**SIGNER, "nksHoTen": "Vũ Văn An"},
    )
    Entry.objects.filter(pk=entry.pk).update(summary="Phạm Văn Ký – Đỗ Thị Nhập")
    migration = import_module("hotich.registers.migrations.0004_entry_summary_names_subjects")
    migration.summaries_rewrite(apps, None)
    entry.refresh_from_db()
    assert entry.summary == "Vũ Văn An"
