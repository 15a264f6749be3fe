"""The one entry-number parser and value checker of keying and import (hotich.registers.checks).

The same cases go through both paths in tests/exchange/test_keying_and_import_agree.py; here
the parser and the stored forms on their own, with the edge cases.
"""

from datetime import date

import pytest

from hotich.registers.checks import entry_number_parse, entry_year, stored_value, whole_number
from hotich.registers.spec import REGISTER_TYPES

KS = REGISTER_TYPES["KS"]
TODAY = date(2026, 12, 2)

NUMBERS = [
    ("07", 7, None, None),
    (" 7 ", 7, None, None),
    ("07/2008", 7, 2008, None),
    ("7 / 2008", 7, 2008, None),
    ("07/08", 7, 2008, None),
    ("07/26", 7, 2026, None),
    ("07/27", 7, 1927, None),
    ("07/98", 7, 1998, None),
    ("07/2008/1", 7, 2008, "warning"),
    ("07/2008/bis", 7, 2008, "warning"),
    ("1234567", 1234567, None, None),
    ("2147483647", 2147483647, None, None),
    ("2147483648", None, None, "error"),
    ("99999999999", None, None, "error"),
    ("7a", None, None, "error"),
    ("07/200", None, None, "error"),
    ("07/20081", None, None, "error"),
    ("Số 07", None, None, "error"),
    ("٧", None, None, "error"),  # an Arabic-Indic digit is not a book's digit
    ("", None, None, None),
]


@pytest.mark.parametrize(("text", "number", "year", "level"), NUMBERS)
def test_an_entry_number_is_read_as_a_book_writes_it(text, number, year, level):
    read = entry_number_parse(text, today=TODAY)
    assert (read.number, read.year) == (number, year)
    assert (read.problem.level if read.problem else None) == level
    if read.problem:
        assert read.problem.field == "so" and read.problem.message


def test_the_year_is_the_numbers_else_the_registrations_else_the_volumes():
    assert entry_year({"so": "07/2009", "ngayDangKy": "01/02/2008"})[0] == 2009
    assert entry_year({"so": "07", "ngayDangKy": "01/02/2009", "quyenSo": "01/2008"})[0] == 2009
    assert entry_year({"so": "07", "quyenSo": "01/2008"})[0] == 2008
    assert entry_year({"so": "07"}) == (None, None)


STORED = [
    ("nksNgaySinh", "15081985", "15/08/1985"),
    ("nksNgaySinh", "27.08.2008", "27.08.2008"),
    ("nksGioiTinh", "Nữ", "2"),
    ("nksSoDinhDanh", "0383 0800-1234", "038308001234"),
    ("meSoGiayToTuyThan", " B1234567 ", "B1234567"),
    ("so", "07/08", "07/08"),
    ("nksHoTen", "  NGUYỄN  Thị Phượng ", "NGUYỄN  Thị Phượng"),
]


@pytest.mark.parametrize(("name", "raw", "stored"), STORED)
def test_a_value_is_stored_as_written_but_for_three_conveniences(name, raw, stored):
    assert stored_value(KS.field(name), raw) == stored


@pytest.mark.parametrize(
    ("text", "number"), [("4", 4), ("04", 4), ("4a", None), ("", None), ("99999999999", None)]
)
def test_a_page_is_a_whole_number_an_entry_can_store(text, number):
    assert whole_number(text) == number
