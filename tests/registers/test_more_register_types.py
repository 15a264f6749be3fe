"""Guardianship, its end, change/correction and divorce-note books: people and matching.

Forms, imports and exports of every register type are covered by the tests parametrized
over ``REGISTER_TYPES`` (tests/keying/test_entry_form.py, tests/exchange/test_import.py);
these check what is particular to the new books: whom an entry names, and that those
people are reconciled with the registry like anyone else.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.reconciliation.models import MatchResult
from hotich.registers.models import EntryPerson, RegisterBook
from hotich.registers.services import entry_create
from tests.matching.test_book import PLACE, citizen

pytestmark = pytest.mark.django_db(transaction=True)


def new_book(units, code, year=2011):
    return RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=year, year_to=year, volume="01"
    )


def roles(entry):
    return dict(EntryPerson.objects.filter(entry=entry).values_list("role", "full_name"))


def test_a_guardianship_entry_names_the_ward_both_guardians_and_the_requester(units, personas):
    book = new_book(units, "GH")
    entry = entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2011,
        number=3,
        values={
            "so": "03",
            "ndghHoTen": "Lò Văn Páo",
            "ndghNgaySinh": "2004",
            "ndghGioiTinh": "1",
            "nghHoTen": "Lò Văn Sự",
            "nghQHNguoiDuocGiamHo": "Ông nội",
            "ngh2HoTen": "Lò Thị Xoan",
            "nycHoTen": "Lò Văn Sự",
        },
    )

    assert roles(entry) == {
        "ward": "Lò Văn Páo",
        "guardian": "Lò Văn Sự",
        "guardian2": "Lò Thị Xoan",
        "requester": "Lò Văn Sự",
    }
    # What the book says stays as written, the relationship included.
    assert entry.values["nghQHNguoiDuocGiamHo"] == "Ông nội"


def test_an_end_of_guardianship_without_a_second_guardian_names_only_those_written(units, personas):
    book = new_book(units, "CDGH", 2014)
    entry = entry_create(
        book=book,
        user=None,
        year=2014,
        number=1,
        values={"ndghHoTen": "Lò Văn Páo", "nghHoTen": "Lò Văn Sự", "lyDoChamDutGiamHo": "1"},
    )

    assert roles(entry) == {"ward": "Lò Văn Páo", "guardian": "Lò Văn Sự"}


def test_divorce_note_names_both_spouses(units, personas):
    book = new_book(units, "GCLH", 2015)
    entry = entry_create(
        book=book,
        user=None,
        year=2015,
        number=1,
        values={"chongHoTen": "Kim Min Su", "voHoTen": "Trần Thị Thu", "banAnSo": "12/2015"},
    )

    assert roles(entry) == {"husband": "Kim Min Su", "wife": "Trần Thị Thu"}


def test_the_ward_and_the_person_of_a_correction_are_reconciled_with_the_registry(
    units, personas, login
):
    officer = personas["justice_officer"]
    pao = citizen("038204001111", "Lò Văn Páo", "2004-05-06", "1")
    thu = citizen("038190002222", "Trần Thị Thu", "1990-10-22", "2")
    guardianship = new_book(units, "GH")
    entry_create(
        book=guardianship,
        user=officer,
        year=2011,
        number=1,
        values={
            "ndghHoTen": "Lò Văn Páo",
            "ndghNgaySinh": "06/05/2004",
            "ndghGioiTinh": "1",
            "ndghNoiSinh": PLACE,
            "nghHoTen": "Người Không Có Trong Sổ",
        },
    )
    correction = new_book(units, "TDCC", 2013)
    entry_create(
        book=correction,
        user=officer,
        year=2013,
        number=1,
        values={
            "nccHoTen": "Trần Thị Thu",
            "nccNgaySinh": "22/10/1990",
            "nccGioiTinh": "2",
            "nccNoiSinh": PLACE,
            "noiDungThayDoi": "Họ, chữ đệm, tên",
            "thongTinCu": "Trần Thị Thủy",
            "thongTinMoi": "Trần Thị Thu",
        },
    )

    client = login(officer)
    for book in (guardianship, correction):
        assert client.post(reverse("book_reconcile", args=[book.pk])).status_code == 302
    call_command("worker", batch=True, verbosity=0)

    results = {
        (r.person.entry.book.register_type, r.person.role): r for r in MatchResult.objects.all()
    }
    assert results[("GH", "ward")].outcome == "match"
    assert results[("GH", "ward")].person.citizen == pao
    assert results[("GH", "guardian")].outcome == "not_found"
    assert results[("TDCC", "subject")].outcome == "match"
    assert results[("TDCC", "subject")].person.citizen == thu
