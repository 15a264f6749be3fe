"""Partial dates as civil-status books write them, and Vietnamese dates in words.

Pure helpers: no Django, no database.

Books often record only a year ("1985") or a month and year ("08/1985"). A PartialDate keeps
exactly what is known instead of inventing a 1st of January, so matching can tell "born in
1985" from "born on 1 January 1985".

``parse_partial_date`` reads every form found in books, the Ministry's Excel template, legacy
exports and data-entry keyboards (see its docstring); ``date_to_words`` writes the date in
words for ``nksNgaySinhBangChu`` and its output always parses back to the same date.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

from hotich.lib.text import fold

__all__ = [
    "EARLIEST_YEAR",
    "DateParseError",
    "PartialDate",
    "Precision",
    "date_to_words",
    "excel_serial_to_date",
    "number_to_words_vi",
    "parse_partial_date",
    "today_in_vietnam",
    "words_to_number_vi",
]

Precision = Literal["year", "month", "day"]

# Older books exist, but a year before 1800 in this data is a typo, not a person.
EARLIEST_YEAR = 1800

_VIETNAM_TZ = timezone(timedelta(hours=7))  # no daylight saving in Vietnam

_ACCEPTED_FORMS = "15/08/1985, 08/1985, 1985, 1985-08-15, 15081985, ngày 15 tháng 8 năm 1985"


class DateParseError(ValueError):
    """A value that is not a possible date; ``str(error)`` is a Vietnamese message for the user."""


def today_in_vietnam() -> date:
    """Return today's date in Vietnam (UTC+7), whatever the server's time zone."""
    return datetime.now(UTC).astimezone(_VIETNAM_TZ).date()


def _calendar_problem(year: int, month: int | None, day: int | None) -> str | None:
    """Return why year/month/day is not a calendar date (Vietnamese), or None if it is."""
    if not 1 <= year <= 9999:
        return f"Năm {year} không hợp lệ."
    if month is None:
        return "Đã có ngày thì phải có tháng." if day is not None else None
    if not 1 <= month <= 12:
        hint = ""
        if day is not None and 1 <= day <= 12:
            # The classic keying mistake: mm/dd typed into a dd/mm field.
            hint = f" (có phải ngày và tháng bị đảo: {month:02d}/{day:02d}/{year}?)"
        return f"Tháng {month} không tồn tại (tháng phải từ 1 đến 12){hint}."
    if day is None:
        return None
    last = calendar.monthrange(year, month)[1]
    if 1 <= day <= last:
        return None
    if day < 1:
        return f"Ngày {day} không tồn tại (ngày phải từ 1 trở lên)."
    if month == 2:
        why = f"tháng 2 năm {year} chỉ có {last} ngày"
    else:
        why = f"tháng {month} chỉ có {last} ngày"
    return f"Ngày {day:02d}/{month:02d}/{year} không tồn tại ({why})."


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which only the year, the month and year, or all three parts are known.

    Construction checks the calendar (month 1–12, the day exists in that month) and raises
    DateParseError otherwise; plausibility (not before 1800, not in the future) is checked by
    parse_partial_date, which is the way values from books and files should come in.

    Ordering is by (year, month, day) with unknown parts first, so "1985" < "01/1985" <
    "01/01/1985" < "02/1985": a stable order for lists, not a claim about which event came first
    (use earliest()/latest() for that). str() gives the book style, as display().
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        for part in (self.year, self.month, self.day):
            if part is not None and (not isinstance(part, int) or isinstance(part, bool)):
                raise DateParseError(f"Ngày tháng phải là số nguyên, nhận được {part!r}.")
        problem = _calendar_problem(self.year, self.month, self.day)
        if problem:
            raise DateParseError(problem)

    # -- construction --------------------------------------------------------------------

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """Return the full PartialDate of a ``date`` (or the date part of a ``datetime``)."""
        return cls(value.year, value.month, value.day)

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Return the PartialDate written by isoformat(): "1985", "1985-08" or "1985-08-15".

        Strict on purpose (this is the storage format); raise DateParseError on anything else.
        """
        match = _ISO_RE.fullmatch(text)
        if not match:
            raise DateParseError(f"“{text}” không phải dạng YYYY, YYYY-MM hoặc YYYY-MM-DD.")
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    # -- what is known -------------------------------------------------------------------

    @property
    def precision(self) -> Precision:
        """Return "year", "month" or "day": the finest part that is known."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def is_full(self) -> bool:
        """Return True when day, month and year are all known."""
        return self.day is not None

    def to_date(self) -> date:
        """Return the ``date``; raise ValueError unless the date is full (no guessed parts)."""
        if self.month is None or self.day is None:
            raise ValueError(f"“{self.display()}” không đủ ngày, tháng, năm.")
        return date(self.year, self.month, self.day)

    def earliest(self) -> date:
        """Return the first day this partial date can be (1 January 1985 for "1985")."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """Return the last day this partial date can be (31 December 1985 for "1985")."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    # -- formatting ----------------------------------------------------------------------

    def isoformat(self) -> str:
        """Return "1985", "1985-08" or "1985-08-15" (the storage format; see from_iso)."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """Return the book style: "15/08/1985", "08/1985" or "1985"."""
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{self.month:02d}/{self.year}"
        return f"{self.day:02d}/{self.month:02d}/{self.year}"

    def __str__(self) -> str:
        return self.display()

    # -- comparison ----------------------------------------------------------------------

    def sort_key(self) -> tuple[int, int, int]:
        """Return (year, month, day) with 0 for unknown parts; the basis of ordering."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def compatible(self, other: PartialDate) -> bool:
        """Return True if both can be the same day: they agree on every part both know.

        "1985" is compatible with "08/1985" and "15/08/1985"; "08/1985" is not compatible
        with "09/1985".
        """
        if self.year != other.year:
            return False
        if self.month is not None and other.month is not None and self.month != other.month:
            return False
        return self.day is None or other.day is None or self.day == other.day

    def could_be_swapped(self, other: PartialDate) -> bool:
        """Return True if ``other`` is this full date with day and month swapped.

        15/08 vs 08/15 cannot happen (no month 15), so in practice both days are 1–12. A date
        is not a swap of itself (05/05/1985).
        """
        return (
            self.is_full
            and other.is_full
            and self.year == other.year
            and self.day == other.month
            and self.month == other.day
            and self.day != self.month
        )


_ISO_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


# ---------------------------------------------------------------------------------------
# Excel serial numbers
# ---------------------------------------------------------------------------------------

# Excel's 1900 date system copies a Lotus 1-2-3 bug: it believes 1900 was a leap year, so
# serial 60 is the non-existent 29/02/1900 and every later serial is one day ahead of a
# plain count from 31/12/1899. Counting later serials from 30/12/1899 absorbs the bug.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60

# Bare numbers from 10000 to 99999 are read as serials (18/05/1927 to 13/10/2173); four-digit
# numbers are years, because a year-only birth date typed into Excel is far more common than
# a date before 1927 that lost its date format.
_SERIAL_MIN, _SERIAL_MAX = 10_000, 99_999


def excel_serial_to_date(serial: float) -> date:
    """Return the date of an Excel serial number (1900 date system; the time part is dropped).

    Handles the Lotus 1900-leap-year bug: serials 1–59 are 01/01/1900–28/02/1900, 60 (the
    fictitious 29/02/1900) raises DateParseError, and 61 is 01/03/1900. The 1904 date system
    (old Mac files) is not detected: openpyxl converts those cells itself.
    """
    days = int(serial)
    if days < 1:
        raise DateParseError(f"Số ngày Excel {serial} không hợp lệ (phải từ 1 trở lên).")
    if days == _EXCEL_FAKE_LEAP_DAY:
        raise DateParseError(
            "Số ngày Excel 60 là ngày 29/02/1900, không tồn tại (lỗi năm nhuận 1900 của Excel)."
        )
    if days < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + timedelta(days=days + 1)
    try:
        return _EXCEL_EPOCH + timedelta(days=days)
    except OverflowError:
        raise DateParseError(f"Số ngày Excel {serial} quá lớn.") from None


# ---------------------------------------------------------------------------------------
# Numbers in words (0..9999)
# ---------------------------------------------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Folded (lower case, no diacritics) spellings of digits. Several spellings collapse when
# diacritics are lost, which is what we want: một/mốt -> mot, năm/lăm -> nam/lam,
# mười/mươi -> muoi. "tư" and "lăm"/"nhăm" are the forms used after tens (24, 25), "tư"
# also alone in "tháng tư".
_FOLDED_DIGITS: dict[str, int] = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_THOUSAND = frozenset({"nghin", "ngan"})
_ZERO_TENS = frozenset({"linh", "le"})  # "linh" (North, and our canonical form) / "lẻ" (South)
_TENS_ONLY_UNITS = frozenset({"mot", "tu", "lam", "nham"})  # "hai mốt", "tám lăm": colloquial

_WORD_RE = re.compile(r"[a-z]+|\d+")


def _under_100_to_words(n: int) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return _DIGIT_WORDS[unit]
    if tens == 1:
        # 11 "mười một" (not mốt), 14 "mười bốn", 15 "mười lăm".
        tail = {0: "", 5: "lăm"}.get(unit, _DIGIT_WORDS[unit])
        return f"mười {tail}".rstrip()
    # 21 "hai mươi mốt", 24 "hai mươi tư", 25 "hai mươi lăm".
    tail = {0: "", 1: "mốt", 4: "tư", 5: "lăm"}.get(unit, _DIGIT_WORDS[unit])
    return f"{_DIGIT_WORDS[tens]} mươi {tail}".rstrip()


def number_to_words_vi(n: int) -> str:
    """Return ``n`` (0..9999) in Vietnamese words, lower case, in the canonical book style.

    "linh" for a zero tens digit (105 "một trăm linh năm"), "không trăm" for a zero hundreds
    digit after thousands (2008 "hai nghìn không trăm linh tám"), "mốt"/"tư"/"lăm" after
    tens (21, 24, 25), "mười lăm" for 15, "nghìn" (not "ngàn"). Raise ValueError outside
    0..9999.
    """
    if not 0 <= n <= 9999:
        raise ValueError(f"Chỉ đọc được số từ 0 đến 9999, nhận được {n}.")
    if n < 100:
        return _under_100_to_words(n)
    thousands, rest = divmod(n, 1000)
    hundreds, under_100 = divmod(rest, 100)
    parts: list[str] = []
    if thousands:
        parts.append(f"{_DIGIT_WORDS[thousands]} nghìn")
    if hundreds or (thousands and under_100):
        parts.append(f"{_DIGIT_WORDS[hundreds]} trăm")
    if 0 < under_100 < 10:
        parts.append(f"linh {_DIGIT_WORDS[under_100]}")
    elif under_100:
        parts.append(_under_100_to_words(under_100))
    return " ".join(parts)


def _digit(word: str, *, low: int = 0) -> int | None:
    value = _FOLDED_DIGITS.get(word)
    return value if value is not None and value >= low else None


def _tens_to_number(words: list[str], *, after_hundreds_or_thousands: bool) -> int | None:
    """Return the value of the last two digits in words, or None if they are not a number."""
    match words:
        case [zero, unit] if zero in _ZERO_TENS and after_hundreds_or_thousands:
            return _digit(unit, low=1)
        case ["muoi"]:
            return 10
        case ["muoi", unit]:
            value = _digit(unit, low=1)
            return None if value is None else 10 + value
        case [tens, "muoi"]:
            value = _digit(tens, low=2)
            return None if value is None else value * 10
        case [tens, "muoi", unit]:
            tens_value, unit_value = _digit(tens, low=2), _digit(unit, low=1)
            if tens_value is None or unit_value is None:
                return None
            return tens_value * 10 + unit_value
        case [tens, unit] if unit in _TENS_ONLY_UNITS:
            # Spoken short form "tám lăm" = 85: lăm/tư/mốt can only follow a tens digit.
            tens_value = _digit(tens, low=2)
            return None if tens_value is None else tens_value * 10 + _FOLDED_DIGITS[unit]
        case [unit] if not after_hundreds_or_thousands:
            return _digit(unit)
    # Includes "một trăm hai" / "hai nghìn tám": spoken Vietnamese means 120 / 2800 there,
    # but writers of dates mean 102 / 2008 often enough that guessing would be wrong.
    return None


def _words_to_number(words: list[str]) -> int | None:
    total, i = 0, 0
    if len(words) >= 2 and words[1] in _THOUSAND:
        thousands = _digit(words[0], low=1)
        if thousands is None:
            return None
        total, i = thousands * 1000, 2
    if len(words) >= i + 2 and words[i + 1] == "tram":
        hundreds = _digit(words[i], low=0 if total else 1)
        if hundreds is None:
            return None
        total, i = total + hundreds * 100, i + 2
    rest = words[i:]
    if not rest:
        return total if i else None
    tail = _tens_to_number(rest, after_hundreds_or_thousands=i > 0)
    return None if tail is None else total + tail


def words_to_number_vi(text: str) -> int:
    """Return the number 0..9999 written in Vietnamese words in ``text``.

    Case, diacritics and spelling variants do not matter: "lẻ"/"linh", "mốt"/"một",
    "tư"/"bốn", "lăm"/"năm"/"nhăm", "mười"/"mươi", "nghìn"/"ngàn", and the short forms
    "hai nghìn lẻ tám" and "tám lăm". Ambiguous spoken forms ("một trăm hai": 102 or 120?)
    raise ValueError, as does anything that is not a number in words.
    """
    words = _WORD_RE.findall(fold(text))
    value = _words_to_number(words) if words and all(w.isalpha() for w in words) else None
    if value is None:
        raise ValueError(f"Không đọc được số “{text.strip()}” viết bằng chữ.")
    return value


# ---------------------------------------------------------------------------------------
# Dates in words
# ---------------------------------------------------------------------------------------

# Solar months as spoken: "tháng tư" (not "tháng bốn"); "tháng một" rather than the lunar
# flavoured "tháng Giêng" (books record solar dates); "tháng mười hai" rather than "Chạp".
_MONTH_WORDS = (
    "một",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
)
# Read back: everything above folded, plus "bốn" and "giêng" seen in older books.
_FOLDED_MONTHS: dict[str, int] = {
    **{fold(word): number for number, word in enumerate(_MONTH_WORDS, start=1) if number < 11},
    "bon": 4,
    "gieng": 1,
}


def date_to_words(value: PartialDate | date) -> str:
    """Return the date in words as books write it (``nksNgaySinhBangChu``).

    Canonical style: first word capitalised, the rest lower case; numbers as in
    number_to_words_vi; months "một" … "mười hai" with "tư" for April.

    - 27/08/2008 → "Ngày hai mươi bảy tháng tám năm hai nghìn không trăm linh tám"
    - 08/1985 → "Tháng tám năm một nghìn chín trăm tám mươi lăm"
    - 1985 → "Năm một nghìn chín trăm tám mươi lăm"

    parse_partial_date reads every output back to the same value.
    """
    if isinstance(value, date):
        value = PartialDate.from_date(value)
    year = f"năm {number_to_words_vi(value.year)}"
    if value.month is None:
        text = year
    elif value.day is None:
        text = f"tháng {_MONTH_WORDS[value.month - 1]} {year}"
    else:
        day = number_to_words_vi(value.day)
        text = f"ngày {day} tháng {_MONTH_WORDS[value.month - 1]} {year}"
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------

_SEP = r"\s*[/.\-]\s*|\s+"
_TIME = r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # "1985-08-15 00:00:00" from exports
_DMY_RE = re.compile(rf"(\d{{1,2}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d+){_TIME}")
_YMD_RE = re.compile(rf"(\d{{4}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d{{1,2}}){_TIME}")
_MY_RE = re.compile(rf"(\d{{1,2}})(?:{_SEP})(\d{{4}})")
_YM_RE = re.compile(rf"(\d{{4}})(?:{_SEP})(\d{{1,2}})")
_SERIAL_TEXT_RE = re.compile(r"(\d{5})(?:[.,]\d+)?")
_YEAR_FLOAT_TEXT_RE = re.compile(r"(\d{4})\.0+")  # "1985.0": a year cell gone through float

# Words around a date that carry no information.
_FILLER = frozenset({"sinh", "vao", "luc", "mung", "mong", "duong", "lich"})


def _year_suggestions(year: int, today: date) -> list[int]:
    """Return plausible years one keystroke away from ``year`` (5005 → 2005, 2102 → 2012)."""
    text = f"{year:04d}"
    candidates: set[str] = set()
    for i in range(len(text)):
        for digit in "0123456789":
            candidates.add(text[:i] + digit + text[i + 1 :])
        if i + 1 < len(text):
            candidates.add(text[:i] + text[i + 1] + text[i] + text[i + 2 :])
    years = sorted(
        int(c) for c in candidates if c[0] != "0" and EARLIEST_YEAR <= int(c) <= today.year
    )
    return [y for y in years if y != year]


def _check_plausible(value: PartialDate, *, allow_future: bool, today: date) -> PartialDate:
    if value.year < EARLIEST_YEAR:
        reason, details = f"Năm {value.year} quá xa", [f"chỉ nhận từ năm {EARLIEST_YEAR}"]
    elif not allow_future and value.earliest() > today:
        what = "Năm" if value.precision == "year" else "Ngày"
        reason, details = f"{what} {value.display()} ở tương lai", [f"hôm nay là {today:%d/%m/%Y}"]
    else:
        return value
    if value.year < EARLIEST_YEAR or value.year > today.year:
        # The Ministry template's note: impossible years (5005) are typos. Suggest, never fix.
        suggestions = _year_suggestions(value.year, today)
        if 1 <= len(suggestions) <= 3:
            details.append(f"có phải {' hoặc '.join(map(str, suggestions))}?")
    raise DateParseError(f"{reason} ({'; '.join(details)}).")


def _parse_digits(text: str) -> PartialDate:
    """Read the data-entry shorthand: only digits, no separators."""
    match len(text):
        case 4:
            return PartialDate(int(text))
        case 5:
            return PartialDate.from_date(excel_serial_to_date(int(text)))
        case 6:
            # mmyyyy only. ddmmyy ("150885") is refused: its century (1885? 1985?) would be a
            # guess, and a wrong birth date is worse than asking the officer to type 8 digits.
            month, year = int(text[:2]), int(text[2:])
            if 1 <= month <= 12 and year >= EARLIEST_YEAR:
                return PartialDate(year, month)
            raise DateParseError(
                f"“{text}”: 6 chữ số chỉ được hiểu là tháng và năm (ví dụ 081985 = 08/1985). "
                "Không nhận ngày-tháng-năm 2 chữ số (ddmmyy) vì không rõ thế kỷ; "
                "hãy gõ đủ 8 chữ số, ví dụ 15081985."
            )
        case 8:
            # ddmmyyyy, or yyyymmdd from some exports. Both readings can never be valid at
            # once (a yyyy of 18xx-21xx puts 18-21 where the other reading needs a month).
            if text[:2] in {"18", "19", "20", "21"} and 1 <= int(text[4:6]) <= 12:
                return PartialDate(int(text[:4]), int(text[4:6]), int(text[6:]))
            return PartialDate(int(text[4:]), int(text[2:4]), int(text[:2]))
    raise DateParseError(
        f"“{text}” có {len(text)} chữ số: chỉ nhận 8 chữ số (ngày tháng năm, 15081985), "
        "6 chữ số (tháng năm, 081985) hoặc 4 chữ số (năm)."
    )


def _parse_numeric(text: str) -> PartialDate | None:
    """Read digit forms with separators; return None if ``text`` is not one of them."""
    if text.isdigit():
        return _parse_digits(text)
    if match := _YEAR_FLOAT_TEXT_RE.fullmatch(text):
        return PartialDate(int(match[1]))
    if match := _SERIAL_TEXT_RE.fullmatch(text):
        return PartialDate.from_date(excel_serial_to_date(float(text.replace(",", "."))))
    if match := _YMD_RE.fullmatch(text):
        return PartialDate(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY_RE.fullmatch(text):
        day, month, year = match.groups()
        if len(year) != 4:
            raise DateParseError(
                f"Năm “{year}” trong “{text}” phải có đủ 4 chữ số "
                "(không rõ thế kỷ, ví dụ 85 là 1885, 1985 hay 2085)."
            )
        return PartialDate(int(year), int(month), int(day))
    if match := _YM_RE.fullmatch(text):
        return PartialDate(int(match[1]), int(match[2]))
    if match := _MY_RE.fullmatch(text):
        return PartialDate(int(match[2]), int(match[1]))
    return None


def _segment_value(words: list[str], what: str, original: str) -> int:
    """Return the number in one segment (day or year): one numeral or a number in words."""
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    value = _words_to_number(words) if words and all(w.isalpha() for w in words) else None
    if value is None:
        shown = " ".join(words) or "(trống)"
        raise DateParseError(f"Không đọc được {what} “{shown}” trong “{original}”.")
    return value


def _take_month(words: list[str], original: str) -> tuple[int, list[str]]:
    """Return the month at the start of ``words`` and the words after it."""
    if words and words[0].isdigit():
        return int(words[0]), words[1:]
    if len(words) >= 2 and words[0] == "muoi" and words[1] in {"mot", "hai"}:
        return 10 + _FOLDED_DIGITS[words[1]], words[2:]
    if words and words[0] in _FOLDED_MONTHS:
        return _FOLDED_MONTHS[words[0]], words[1:]
    shown = words[0] if words else "(trống)"
    raise DateParseError(f"Không đọc được tháng “{shown}” trong “{original}”.")


def _parse_text(text: str) -> PartialDate | None:
    """Read dates with the words ngày / tháng / năm, in numerals or in words.

    The structure is [ngày D] tháng M [năm] Y, or năm Y, or ngày followed by a numeric date.
    "năm" is both the word "year" and the number five (ngày năm tháng năm năm ... is 5 May),
    so segments are cut at "tháng" (never a number) and at the first "năm" after the month.
    """
    words = _WORD_RE.findall(fold(text))
    if "am" in words and "lich" in words:
        # Lunar dates need a calendar conversion and a human check: never convert silently.
        raise DateParseError(f"“{text}” là ngày âm lịch: hãy nhập ngày dương lịch.")
    words = [w for w in words if w not in _FILLER]
    if not words or not any(w.isalpha() for w in words):
        return None
    if "thang" in words:
        cut = words.index("thang")
        day_words, rest = words[:cut], words[cut + 1 :]
        if day_words[:1] == ["ngay"]:
            day_words = day_words[1:]
        day = _segment_value(day_words, "ngày", text) if day_words else None
        month, rest = _take_month(rest, text)
        if rest[:1] == ["nam"]:
            rest = rest[1:]
        return PartialDate(_segment_value(rest, "năm", text), month, day)
    if words[0] == "nam":
        return PartialDate(_segment_value(words[1:], "năm", text))
    if words[0] == "ngay" and all(w.isdigit() for w in words[1:]):
        # "ngày 15/8/1985", "ngày 15-08-1985": the separators are gone, the order is not.
        result = _parse_numeric("/".join(words[1:]))
        if result is not None and result.is_full:
            return result
    return None


def parse_partial_date(
    value: object, *, allow_future: bool = False, today: date | None = None
) -> PartialDate:
    """Return the PartialDate in ``value``; raise DateParseError with a Vietnamese message.

    Accepted, surrounding spaces and case ignored:

    - ``date``/``datetime`` (openpyxl returns these) and PartialDate;
    - ``dd/mm/yyyy``, ``dd.mm.yyyy``, ``dd-mm-yyyy``, single-digit day/month, a trailing
      time ("15/08/1985 00:00:00");
    - ``mm/yyyy`` (also ``.``/``-``), ``yyyy``, ISO ``yyyy-mm-dd`` and ``yyyy-mm``;
    - keyboard shorthand of digits only: ``15081985`` (ddmmyyyy; also yyyymmdd, never
      ambiguous with it), ``081985`` (mmyyyy), ``1985``. Six digits are never read as ddmmyy
      (``150885``): the century would be a guess, so it is refused with a hint;
    - Excel serial numbers 10000–99999 as int, float or text (18/05/1927–13/10/2173; see
      excel_serial_to_date). Four-digit numbers are years, so 1985 (int) is the year 1985;
    - text with words: "Ngày 15 tháng 8 năm 1985", "tháng 8/1985", "năm 1985",
      "sinh ngày 15/8/1985", and dates in words ("Ngày Hai Mươi Bảy Tháng Tám Năm Hai
      Nghìn Không Trăm Linh Tám"), with or without diacritics, any spelling variant that
      words_to_number_vi reads, "mùng"/"mồng" before the day, "tháng Giêng".

    Refused: impossible dates (month 13, 31/04, 29/02 in a non-leap year), two-digit years,
    years before 1800, and dates after ``today`` (default: today in Vietnam) unless
    ``allow_future``. An impossible year is a typo per the Ministry template (5005 for 2005):
    it is never fixed silently, but the message suggests "(có phải 2005?)".
    """
    today = today or today_in_vietnam()
    result = _parse_any(value)
    return _check_plausible(result, allow_future=allow_future, today=today)


def _parse_any(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime):
        return PartialDate.from_date(value.date())
    if isinstance(value, date):
        return PartialDate.from_date(value)
    if isinstance(value, bool):
        raise DateParseError(f"Không đọc được ngày từ giá trị {value!r}.")
    if isinstance(value, int | float):
        return _parse_number(value)
    if value is None:
        raise DateParseError("Chưa nhập ngày.")
    if not isinstance(value, str):
        raise DateParseError(f"Không đọc được ngày từ giá trị kiểu {type(value).__name__}.")
    # NFKC turns full-width digits and odd spaces into plain ones.
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise DateParseError("Chưa nhập ngày.")
    result = _parse_numeric(text)
    if result is None:
        result = _parse_text(text)
    if result is None:
        raise DateParseError(
            f"Không đọc được ngày “{text}”. Các dạng được nhận: {_ACCEPTED_FORMS}."
        )
    return result


def _parse_number(value: float) -> PartialDate:
    """Read a number from a spreadsheet cell: a 4-digit year or an Excel serial."""
    if not math.isfinite(value):  # NaN: an empty cell read through pandas
        raise DateParseError("Chưa nhập ngày.")
    if float(value).is_integer() and 1000 <= value <= 9999:
        return PartialDate(int(value))
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return PartialDate.from_date(excel_serial_to_date(value))
    raise DateParseError(
        f"Số {value} không phải năm (4 chữ số) cũng không phải số ngày Excel "
        f"({_SERIAL_MIN}–{_SERIAL_MAX})."
    )
