"""Tests for hotich.lib.dates: partial dates, the parser, and dates in words."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.lib.dates import (
    DateParseError,
    PartialDate,
    date_to_words,
    excel_serial_to_date,
    number_to_words_vi,
    parse_partial_date,
    words_to_number_vi,
)

TODAY = date(2025, 6, 1)
P = PartialDate


def parse(value: object, **kwargs: object) -> PartialDate:
    return parse_partial_date(value, today=TODAY, **kwargs)  # type: ignore[arg-type]


# -- PartialDate -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "iso", "display"),
    [
        (P(1985), "year", "1985", "1985"),
        (P(1985, 8), "month", "1985-08", "08/1985"),
        (P(1985, 8, 15), "day", "1985-08-15", "15/08/1985"),
        (P(1802, 1, 1), "day", "1802-01-01", "01/01/1802"),
    ],
)
def test_a_partial_date_knows_its_precision_and_formats(
    value: PartialDate, precision: str, iso: str, display: str
) -> None:
    assert value.precision == precision
    assert value.is_full is (precision == "day")
    assert value.isoformat() == iso
    assert value.display() == display
    assert str(value) == display
    assert PartialDate.from_iso(iso) == value


@pytest.mark.parametrize(
    ("year", "month", "day", "fragment"),
    [
        (1990, 13, None, "Tháng 13 không tồn tại"),
        (1990, 0, None, "Tháng 0 không tồn tại"),
        (1990, 4, 31, "tháng 4 chỉ có 30 ngày"),
        (1990, 2, 29, "tháng 2 năm 1990 chỉ có 28 ngày"),
        (1990, 2, 0, "Ngày 0 không tồn tại"),
        (1990, None, 15, "phải có tháng"),
        (0, None, None, "Năm 0"),
    ],
)
def test_a_partial_date_cannot_be_an_impossible_date(
    year: int, month: int | None, day: int | None, fragment: str
) -> None:
    with pytest.raises(DateParseError, match=fragment):
        PartialDate(year, month, day)


def test_a_partial_date_is_not_a_fake_first_of_january() -> None:
    assert P(1985) != P(1985, 1, 1)
    with pytest.raises(ValueError, match="không đủ"):
        P(1985).to_date()
    assert P(1985, 8, 15).to_date() == date(1985, 8, 15)


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        (P(1985), date(1985, 1, 1), date(1985, 12, 31)),
        (P(2000, 2), date(2000, 2, 1), date(2000, 2, 29)),
        (P(1985, 8, 15), date(1985, 8, 15), date(1985, 8, 15)),
    ],
)
def test_a_partial_date_spans_the_days_it_can_be(
    value: PartialDate, earliest: date, latest: date
) -> None:
    assert (value.earliest(), value.latest()) == (earliest, latest)


def test_partial_dates_sort_with_unknown_parts_first() -> None:
    dates = [P(1985, 2), P(1985, 1, 1), P(1984, 12, 31), P(1985), P(1985, 1)]
    assert sorted(dates) == [P(1984, 12, 31), P(1985), P(1985, 1), P(1985, 1, 1), P(1985, 2)]
    assert P(1985) < P(1985, 1) <= P(1985, 1) < P(1986)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (P(1985), P(1985, 8, 15), True),
        (P(1985, 8), P(1985, 8, 15), True),
        (P(1985, 8, 15), P(1985, 8, 15), True),
        (P(1985), P(1985), True),
        (P(1985), P(1986), False),
        (P(1985, 8), P(1985, 9), False),
        (P(1985, 8), P(1985, 9, 1), False),
        (P(1985, 8, 15), P(1985, 8, 16), False),
    ],
)
def test_compatible_dates_agree_on_the_parts_both_know(
    left: PartialDate, right: PartialDate, expected: bool
) -> None:
    assert left.compatible(right) is expected
    assert right.compatible(left) is expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (P(1985, 8, 5), P(1985, 5, 8), True),
        (P(1985, 12, 1), P(1985, 1, 12), True),
        (P(1985, 5, 5), P(1985, 5, 5), False),  # the same date is not a swap
        (P(1985, 8, 5), P(1986, 5, 8), False),
        (P(1985, 8, 5), P(1985, 8, 5), False),
        (P(1985, 8), P(1985, 8), False),  # needs both days
    ],
)
def test_it_spots_a_day_and_month_swap(
    left: PartialDate, right: PartialDate, expected: bool
) -> None:
    assert left.could_be_swapped(right) is expected


@pytest.mark.parametrize("text", ["85", "1985-8", "1985-08-5", "15/08/1985", "1985-13", ""])
def test_from_iso_accepts_only_the_storage_format(text: str) -> None:
    with pytest.raises(DateParseError):
        PartialDate.from_iso(text)


# -- parse_partial_date: what it accepts -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Separators found in books and the Ministry template.
        ("15/08/1985", P(1985, 8, 15)),
        ("15.08.1985", P(1985, 8, 15)),
        ("15-08-1985", P(1985, 8, 15)),
        ("5/8/1985", P(1985, 8, 5)),
        (" 15 / 08 / 1985 ", P(1985, 8, 15)),
        ("15 08 1985", P(1985, 8, 15)),
        ("15/08/1985 00:00:00", P(1985, 8, 15)),
        ("08/1985", P(1985, 8)),
        ("8/1985", P(1985, 8)),
        ("08.1985", P(1985, 8)),
        ("1985", P(1985)),
        ("1985.0", P(1985)),  # a year cell that went through a float
        # ISO and exports.
        ("1985-08-15", P(1985, 8, 15)),
        ("1985-08", P(1985, 8)),
        ("1985/08/15", P(1985, 8, 15)),
        ("1985-08-15T00:00:00", P(1985, 8, 15)),
        ("1985-08-15 13:45:10.5", P(1985, 8, 15)),
        # Keyboard shorthand.
        ("15081985", P(1985, 8, 15)),
        ("01012000", P(2000, 1, 1)),
        ("19850815", P(1985, 8, 15)),  # yyyymmdd: never valid as ddmmyyyy
        ("081985", P(1985, 8)),
        ("121999", P(1999, 12)),
        # Full-width digits from some input methods.
        ("１５/０８/１９８５", P(1985, 8, 15)),
    ],
)
def test_it_reads_numeric_forms(value: str, expected: PartialDate) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1985, 8, 15), P(1985, 8, 15)),
        (datetime(1985, 8, 15, 12, 30), P(1985, 8, 15)),  # noqa: DTZ001 - openpyxl is naive
        (P(1985, 8), P(1985, 8)),
        (1985, P(1985)),  # a year typed into a number cell
        (1985.0, P(1985)),
        (31000, P(1984, 11, 14)),  # Excel serial
        (31048, P(1985, 1, 1)),
        (31048.99, P(1985, 1, 1)),  # the time of day is dropped
        ("31048", P(1985, 1, 1)),
        ("31048.5", P(1985, 1, 1)),
        ("31048,5", P(1985, 1, 1)),
        (45658, P(2025, 1, 1)),
    ],
)
def test_it_reads_values_from_spreadsheets(value: object, expected: PartialDate) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # Lotus bug: serial 60 is the fictitious 29/02/1900
        (31048, date(1985, 1, 1)),
        (36526, date(2000, 1, 1)),
        (45658.75, date(2025, 1, 1)),
    ],
)
def test_excel_serials_follow_the_1900_date_system(serial: float, expected: date) -> None:
    assert excel_serial_to_date(serial) == expected


@pytest.mark.parametrize("serial", [60, 0, -5])
def test_it_rejects_excel_serials_that_are_not_days(serial: int) -> None:
    with pytest.raises(DateParseError):
        excel_serial_to_date(serial)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ngày 15 tháng 8 năm 1985", P(1985, 8, 15)),
        ("ngày 15 tháng 08 năm 1985", P(1985, 8, 15)),
        ("NGÀY 15 THÁNG 8 NĂM 1985", P(1985, 8, 15)),
        ("ngay 15 thang 8 nam 1985", P(1985, 8, 15)),
        ("15 tháng 8 năm 1985", P(1985, 8, 15)),
        ("Sinh ngày 15/8/1985", P(1985, 8, 15)),
        ("ngày 15-08-1985", P(1985, 8, 15)),
        ("mồng 2 tháng 9 năm 1945", P(1945, 9, 2)),
        ("tháng 8/1985", P(1985, 8)),
        ("tháng 8 năm 1985", P(1985, 8)),
        ("Tháng 08 - 1985", P(1985, 8)),
        ("năm 1985", P(1985)),
        ("Năm 1985.", P(1985)),
        ("Ngày 15 tháng 8 năm 1985 (dương lịch)", P(1985, 8, 15)),
    ],
)
def test_it_reads_numerals_with_surrounding_words(value: str, expected: PartialDate) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ngày Hai Mươi Bảy Tháng Tám Năm Hai Nghìn Không Trăm Linh Tám", P(2008, 8, 27)),
        ("ngày hai mươi bảy tháng tám năm hai nghìn không trăm linh tám", P(2008, 8, 27)),
        ("NGÀY HAI MƯƠI BẢY THÁNG TÁM NĂM HAI NGHÌN KHÔNG TRĂM LINH TÁM", P(2008, 8, 27)),
        ("Ngay hai muoi bay thang tam nam hai nghin khong tram linh tam", P(2008, 8, 27)),
        ("ngày hai mươi bảy tháng tám năm hai ngàn không trăm lẻ tám", P(2008, 8, 27)),
        ("ngày hai mươi bảy tháng tám năm hai nghìn lẻ tám", P(2008, 8, 27)),
        ("ngày hai mười bảy tháng tám năm hai nghìn không trăm linh tám", P(2008, 8, 27)),
        ("Ngày ba mươi mốt tháng mười hai năm một nghìn chín trăm tám mươi lăm", P(1985, 12, 31)),
        ("ngày ba mươi một tháng mười hai năm một nghìn chín trăm tám mươi năm", P(1985, 12, 31)),
        ("ngày hai mươi tư tháng tư năm một nghìn chín trăm hai mươi tư", P(1924, 4, 24)),
        ("ngày hai mươi bốn tháng bốn năm một nghìn chín trăm hai mươi bốn", P(1924, 4, 24)),
        ("ngày mười lăm tháng năm năm một nghìn chín trăm năm mươi lăm", P(1955, 5, 15)),
        ("Ngày năm tháng năm năm một nghìn chín trăm năm mươi năm", P(1955, 5, 5)),
        ("ngày mười tháng mười năm hai nghìn không trăm mười", P(2010, 10, 10)),
        ("ngày mười một tháng mười một năm hai nghìn không trăm mười một", P(2011, 11, 11)),
        ("mùng một tháng giêng năm hai nghìn", P(2000, 1, 1)),
        ("ngày một tháng một năm một nghìn chín trăm tám lăm", P(1985, 1, 1)),
        ("Tháng tám năm một nghìn chín trăm tám mươi lăm", P(1985, 8)),
        ("Năm một nghìn chín trăm tám mươi lăm", P(1985)),
        ("ngày 27 tháng tám năm 2008", P(2008, 8, 27)),
    ],
)
def test_it_reads_dates_written_in_words(value: str, expected: PartialDate) -> None:
    assert parse(value) == expected


# -- parse_partial_date: what it refuses -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("31/02/1990", "Ngày 31/02/1990 không tồn tại (tháng 2 năm 1990 chỉ có 28 ngày)"),
        ("31/04/1990", "tháng 4 chỉ có 30 ngày"),
        ("29/02/1991", "tháng 2 năm 1991 chỉ có 28 ngày"),
        ("29/02/1900", "tháng 2 năm 1900 chỉ có 28 ngày"),  # not a leap year, Excel aside
        ("15/13/1990", "Tháng 13 không tồn tại"),
        ("08/13/1985", "có phải ngày và tháng bị đảo: 13/08/1985?"),
        ("13/1990", "Tháng 13"),
        ("00/1990", "Tháng 0"),
        ("ngày 30 tháng 2 năm 2000", "tháng 2 năm 2000 chỉ có 29 ngày"),
        ("ngày ba mươi mốt tháng chín năm hai nghìn", "tháng 9 chỉ có 30 ngày"),
    ],
)
def test_it_rejects_impossible_dates(value: str, fragment: str) -> None:
    with pytest.raises(DateParseError, match=re.escape(fragment)):
        parse(value)


def test_it_rejects_the_31st_of_april() -> None:
    with pytest.raises(DateParseError, match="31/04/1990 không tồn tại"):
        parse("31/04/1990")


def test_it_accepts_the_29th_of_february_in_a_leap_year() -> None:
    assert parse("29/02/2000") == P(2000, 2, 29)
    assert parse("29/02/1988") == P(1988, 2, 29)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("5005", "có phải 2005?"),
        ("15/08/5005", "có phải 2005?"),
        ("2102", "có phải 2002 hoặc 2012?"),
        ("1700", "chỉ nhận từ năm 1800"),
        ("1799", "quá xa"),
        ("2026", "Năm 2026 ở tương lai"),
        ("02/06/2025", "Ngày 02/06/2025 ở tương lai (hôm nay là 01/06/2025"),
        ("07/2025", "Ngày 07/2025 ở tương lai"),
    ],
)
def test_it_rejects_implausible_years_and_suggests_the_typo_fix(value: str, fragment: str) -> None:
    with pytest.raises(DateParseError, match=re.escape(fragment)):
        parse(value)


def test_it_rejects_a_future_birth_date_unless_allowed() -> None:
    with pytest.raises(DateParseError):
        parse("15/08/2030")
    assert parse("15/08/2030", allow_future=True) == P(2030, 8, 15)


def test_today_and_this_month_are_not_the_future() -> None:
    assert parse("01/06/2025") == P(2025, 6, 1)
    assert parse("06/2025") == P(2025, 6)
    assert parse("2025") == P(2025)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("150885", "ddmmyy"),  # ambiguous century: refused, with a hint
        ("1081985", "7 chữ số"),
        ("15/08/85", "4 chữ số"),
        ("15/8/985", "4 chữ số"),
        ("hôm qua", "Không đọc được ngày"),
        ("15#08#1985", "Không đọc được ngày"),
        ("", "Chưa nhập"),
        ("   ", "Chưa nhập"),
        (None, "Chưa nhập"),
        (float("nan"), "Chưa nhập"),
        (True, "Không đọc được"),
        (60, "không phải năm"),
        (123456, "không phải năm"),
        ([1985], "kiểu list"),
        ("ngày 15 tháng 8 năm 1985 âm lịch", "âm lịch"),
        ("ngày hai mươi bảy tháng tám năm hai nghìn tám", "Không đọc được năm"),
        ("tháng mười ba năm 1990", "Không đọc được năm"),
        ("ngày 15 tháng", "Không đọc được tháng"),
    ],
)
def test_it_refuses_what_it_cannot_read_with_a_clear_message(value: object, fragment: str) -> None:
    with pytest.raises(DateParseError, match=fragment):
        parse(value)


def test_date_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="không tồn tại"):
        parse("31/04/1990")


# -- numbers and dates in words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (100, "một trăm"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1800, "một nghìn tám trăm"),
        (1905, "một nghìn chín trăm linh năm"),
        (1924, "một nghìn chín trăm hai mươi tư"),
        (1985, "một nghìn chín trăm tám mươi lăm"),
        (2000, "hai nghìn"),
        (2001, "hai nghìn không trăm linh một"),
        (2008, "hai nghìn không trăm linh tám"),
        (2010, "hai nghìn không trăm mười"),
        (2021, "hai nghìn không trăm hai mươi mốt"),
        (9999, "chín nghìn chín trăm chín mươi chín"),
    ],
)
def test_it_writes_numbers_in_words(number: int, words: str) -> None:
    assert number_to_words_vi(number) == words
    assert words_to_number_vi(words) == number


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("Hai Nghìn Không Trăm Linh Tám", 2008),
        ("hai ngàn không trăm lẻ tám", 2008),
        ("hai nghìn lẻ tám", 2008),
        ("hai nghin khong tram linh tam", 2008),
        ("một nghìn chín trăm tám mươi năm", 1985),
        ("một nghìn chín trăm tám lăm", 1985),
        ("một nghìn chín trăm tám mươi nhăm", 1985),
        ("hai mươi bốn", 24),
        ("hai mốt", 21),
        ("mười tư", 14),
        ("mười năm", 15),
        ("tư", 4),
        ("hai nghìn mười chín", 2019),
    ],
)
def test_it_reads_spelling_variants_of_numbers(words: str, number: int) -> None:
    assert words_to_number_vi(words) == number


@pytest.mark.parametrize(
    "words",
    ["", "mười nghìn", "một trăm hai", "hai nghìn tám", "không trăm", "linh tám", "abc", "19"],
)
def test_it_refuses_ambiguous_or_invalid_numbers_in_words(words: str) -> None:
    with pytest.raises(ValueError, match="Không đọc được số"):
        words_to_number_vi(words)


@pytest.mark.parametrize("number", [-1, 10_000])
def test_it_writes_only_numbers_up_to_9999(number: int) -> None:
    with pytest.raises(ValueError):
        number_to_words_vi(number)


def test_numbers_in_words_round_trip_for_every_number_up_to_9999() -> None:
    for number in range(10_000):
        assert words_to_number_vi(number_to_words_vi(number)) == number


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (P(2008, 8, 27), "Ngày hai mươi bảy tháng tám năm hai nghìn không trăm linh tám"),
        (P(1985, 8, 15), "Ngày mười lăm tháng tám năm một nghìn chín trăm tám mươi lăm"),
        (P(1924, 4, 24), "Ngày hai mươi tư tháng tư năm một nghìn chín trăm hai mươi tư"),
        (P(2000, 12, 31), "Ngày ba mươi mốt tháng mười hai năm hai nghìn"),
        (P(1955, 5, 5), "Ngày năm tháng năm năm một nghìn chín trăm năm mươi lăm"),
        (P(2001, 1, 1), "Ngày một tháng một năm hai nghìn không trăm linh một"),
        (P(1985, 8), "Tháng tám năm một nghìn chín trăm tám mươi lăm"),
        (P(1985), "Năm một nghìn chín trăm tám mươi lăm"),
        (date(2010, 11, 10), "Ngày mười tháng mười một năm hai nghìn không trăm mười"),
    ],
)
def test_it_writes_dates_in_words_as_books_do(value: PartialDate | date, words: str) -> None:
    assert date_to_words(value) == words


def test_dates_in_words_round_trip_for_every_day_month_and_year() -> None:
    # Day, month and year are written independently, so every (day, month) of a leap year
    # plus every year 1800-2100 at each precision covers every date in 1800-2100.
    for ordinal in range(date(2000, 1, 1).toordinal(), date(2000, 12, 31).toordinal() + 1):
        value = PartialDate.from_date(date.fromordinal(ordinal))
        assert parse(date_to_words(value)) == value
    for year in range(1800, 2101):
        for value in (P(year), P(year, 5), P(year, 5, 5), P(year, 11, 21)):
            assert parse_partial_date(date_to_words(value), allow_future=True) == value


full_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31))
partial_dates = st.one_of(
    full_dates.map(PartialDate.from_date),
    full_dates.map(lambda d: PartialDate(d.year, d.month)),
    full_dates.map(lambda d: PartialDate(d.year)),
)


@given(partial_dates)
def test_any_date_in_words_parses_back_to_itself(value: PartialDate) -> None:
    assert parse_partial_date(date_to_words(value), allow_future=True) == value


@given(partial_dates)
def test_isoformat_and_from_iso_round_trip(value: PartialDate) -> None:
    assert PartialDate.from_iso(value.isoformat()) == value


@given(partial_dates)
def test_the_book_display_parses_back_to_itself(value: PartialDate) -> None:
    assert parse_partial_date(value.display(), allow_future=True) == value
    assert parse_partial_date(value.isoformat(), allow_future=True) == value


@given(full_dates)
def test_the_keyboard_shorthand_parses_back_to_itself(value: date) -> None:
    assert parse_partial_date(f"{value:%d%m%Y}", allow_future=True) == P.from_date(value)
    assert parse_partial_date(f"{value:%m%Y}", allow_future=True) == P(value.year, value.month)
