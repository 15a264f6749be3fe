"""What is stored for a value, and the checks on it: one reading for keying and import.

The keying form (:mod:`hotich.keying.values`) and the Excel import
(:mod:`hotich.exchange.cells`) both turn text into what an entry stores with
:func:`stored_value`, read the entry number with :func:`entry_number_parse` and check values
with :func:`entry_problems`, so a value keyed and the same value imported are stored alike
and draw the same problems at the same level. Where they act on a problem differs by nature:
an *error* asks the officer who keys to confirm that the book says so (then the value is
saved as written), and rejects the row of a file (nobody is there to confirm); a *warning*
only informs, in both.

What is stored is the text as written, except for three conveniences: digit-only dates
(``15081985`` → ``15/08/1985``), a code-list value given as its label (``nữ`` → ``2``) and
ID numbers without the separators people type (``038 308 001 234`` → ``038308001234``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date, today_in_vietnam
from hotich.lib.idnumbers import (
    InvalidIdNumber,
    classify_id_number,
    normalise_id_number,
    parse_personal_id,
    validate_personal_id,
)
from hotich.registers.people import person_facts
from hotich.registers.spec import Fact, Field, FieldType, PersonRole, RegisterType

Level = Literal["error", "warning"]

#: The largest entry number, page or count an entry stores (a 32-bit column on every database).
MAX_NUMBER = 2_147_483_647

#: Roles whose birth cannot follow the registration: the person the entry registers.
REGISTERED_ROLES = (PersonRole.SUBJECT, PersonRole.CHILD, PersonRole.ADOPTED_CHILD)

_DATE_DIGITS = re.compile(r"\d{4}|\d{6}|\d{8}")
# An entry number as books write it: the number, then optionally "/" and the year (two or four
# digits), then optionally anything after another "/" (kept as written, not read).
_ENTRY_NUMBER = re.compile(r"(\d+)(?:\s*/\s*(\d+)(?:\s*/(.*))?)?", re.ASCII | re.DOTALL)


@dataclass(frozen=True)
class Problem:
    """A check on one field: an *error* needs the officer to confirm that the book says so
    (a file's row with one is rejected), a *warning* only informs."""

    field: str
    level: Level
    message: str


def _max_shown() -> str:
    return f"{MAX_NUMBER:,}".replace(",", ".")


# --- numbers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryNumber:
    """The entry number (số) read from the ``so`` column: number, year if written, problem."""

    number: int | None
    year: int | None = None
    problem: Problem | None = None


def _two_digit_year(year: int, this_year: int) -> int:
    # Books record the past: "08" is 2008 when that is not after this year, else 1908's
    # century ("98" is 1998).
    return 2000 + year if 2000 + year <= this_year else 1900 + year


def entry_number_parse(text: str, *, field: str = "so", today: date | None = None) -> EntryNumber:
    """Return the entry number written as TEXT in a book's ``so`` column.

    ``07`` → 7; ``07/2008`` → 7 of 2008; ``07/08`` → 7 of 2008 (a two-digit year is the
    latest year ending so that is not after TODAY's, default today in Vietnam: ``98`` → 1998); ``07/2008/1`` → 7 of 2008 with a warning that the rest is
    not read; ``1234567`` → 1234567. A number past :data:`MAX_NUMBER`, a year of other than
    two or four digits, or anything else (``7a``, ``số bảy``) gives no number and an error.
    Empty text gives no number and no problem (a missing value is the caller's to report).
    """
    text = unicodedata.normalize("NFC", str(text or "")).strip()
    if not text:
        return EntryNumber(None)
    match = _ENTRY_NUMBER.fullmatch(text)
    if match is None or (match.group(2) is not None and len(match.group(2)) not in (2, 4)):
        return EntryNumber(
            None,
            None,
            Problem(
                field,
                "error",
                _("Số đăng ký “%(text)s” không đọc được: ghi dạng 07 hoặc 07/2008.")
                % {"text": text[:30]},
            ),
        )
    digits, year_text, rest = match.groups()
    if len(digits) > 10 or int(digits) > MAX_NUMBER:
        return EntryNumber(
            None,
            None,
            Problem(
                field,
                "error",
                _("Số đăng ký “%(text)s” quá lớn (tối đa %(max)s).")
                % {"text": text[:30], "max": _max_shown()},
            ),
        )
    year = None
    if year_text is not None:
        this_year = (today or today_in_vietnam()).year
        year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text), this_year)
    problem = None
    if rest is not None:
        problem = Problem(
            field,
            "warning",
            _("Số đăng ký đọc là số %(n)s năm %(year)s; phần “/%(rest)s” được giữ như sổ ghi.")
            % {"n": int(digits), "year": year, "rest": rest.strip()[:20]},
        )
    return EntryNumber(int(digits), year, problem)


def whole_number(text: str) -> int | None:
    """Return TEXT as a whole number an entry stores (page, count), or None if it is not one."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_NUMBER:
        return None
    return int(text)


@lru_cache(maxsize=100_000)
def _date(text: str) -> PartialDate | None:
    try:
        return parse_partial_date(text, allow_future=True)
    except DateParseError:
        return None


def entry_year(values: Mapping[str, str]) -> tuple[int | None, PartialDate | None]:
    """Return (year, registration date) of an entry from its values.

    The year is the one written with the number (``07/2008``), else that of the registration
    date, else that of the volume (``quyenSo`` ``01/2008``); None when none says it.
    """
    registered = _date(values.get("ngayDangKy", "")) if values.get("ngayDangKy") else None
    year = entry_number_parse(values.get("so", "")).year
    if year is None and registered is not None:
        year = registered.year
    if year is None:
        year = entry_number_parse(values.get("quyenSo", "")).year
    return year, registered


# --- values -------------------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """Return ``value`` as NFC text without surrounding spaces, inner runs of spaces kept."""
    return unicodedata.normalize("NFC", str(value or "")).strip()


def stored_value(field: Field, raw: Any) -> str:
    """Return what an entry stores for RAW (typed or read from a cell) in FIELD."""
    text = clean_text(raw)
    if not text:
        return ""
    if field.type is FieldType.PARTIAL_DATE and _DATE_DIGITS.fullmatch(text):
        try:
            return parse_partial_date(text, allow_future=True).display()
        except DateParseError:
            return text
    if field.type is FieldType.CODE and field.code_list is not None:
        return field.code_list.code_for(text) or text
    if field.type is FieldType.ID_NUMBER:
        return normalise_id_number(text) or text
    return text


@lru_cache(maxsize=100_000)
def _date_problem(text: str) -> str | None:
    """Return why TEXT is not a date of the past (Vietnamese), or None."""
    try:
        parse_partial_date(text)
    except DateParseError as exc:
        return str(exc)
    return None


def _value_problems(field: Field, value: str) -> list[Problem]:
    """Return the problems of VALUE (as stored) in FIELD on its own."""
    kind = field.type
    if kind is FieldType.PARTIAL_DATE:
        message = _date_problem(value)
        if message is not None:
            return [Problem(field.name, "error", message)]
    elif kind is FieldType.CODE and field.code_list is not None:
        if field.code_list.code_for(value) is None:
            choices = ", ".join(f"{c} {label}" for c, label in field.code_list.choices)
            return [
                Problem(
                    field.name,
                    "error",
                    _("“%(value)s” không có trong danh mục %(list)s (%(choices)s).")
                    % {"value": value, "list": field.code_list.label, "choices": choices},
                )
            ]
    elif kind is FieldType.ENTRY_NUMBER:
        problem = entry_number_parse(value, field=field.name).problem
        return [problem] if problem is not None else []
    elif kind is FieldType.INTEGER:
        if whole_number(value) is None:
            message = (
                _("“%(value)s” quá lớn (tối đa %(max)s).")
                if value.isascii() and value.isdigit()
                else _("“%(value)s” không phải số nguyên.")
            )
            return [
                Problem(field.name, "error", message % {"value": value[:30], "max": _max_shown()})
            ]
    elif kind is FieldType.ID_NUMBER:
        return _id_problems(field, value)
    elif kind is FieldType.ADMIN_UNIT and not (
        value.isascii() and value.isdigit() and len(value) <= 5
    ):
        return [
            Problem(
                field.name,
                "error",
                _("Mã đơn vị hành chính “%(value)s” chỉ gồm chữ số (tỉnh 2, huyện 3, xã 5 chữ số).")
                % {"value": value[:30]},
            )
        ]
    return []


def _id_problems(field: Field, value: str) -> list[Problem]:
    number = normalise_id_number(value)
    if field.fact is Fact.PERSONAL_ID:
        # Books from before personal IDs hold the old 9-digit CMND here: kept as written.
        if classify_id_number(number) == "cmnd":
            return []
        problems = validate_personal_id(number)
        return [Problem(field.name, "error", " ".join(problems))] if problems else []
    if not number.isalnum():
        return [
            Problem(
                field.name,
                "error",
                _("Số giấy tờ “%(value)s” chỉ được gồm chữ và số.") % {"value": value},
            )
        ]
    if number.isdigit() and len(number) == 12:
        # A 12-digit document (CCCD) carries the personal ID: it must be a well-formed one.
        problems = validate_personal_id(number)
        return [Problem(field.name, "error", " ".join(problems))] if problems else []
    return []


def _id_against_person(
    register: RegisterType, field: Field, values: Mapping[str, str]
) -> list[Problem]:
    """An ID number whose structure contradicts the person's sex or birth year."""
    value = values.get(field.name, "")
    if len(re.sub(r"\D", "", value)) != 12 or field.person is None:
        return []
    try:
        pid = parse_personal_id(value)
    except InvalidIdNumber:
        return []
    # The person's facts, whether or not their name is typed yet.
    facts = person_facts(register, values, field.person)
    problems = []
    sex = facts.get(Fact.SEX, "")
    if sex in ("1", "2") and {"1": "male", "2": "female"}[sex] != pid.sex:
        problems.append(
            Problem(
                field.name,
                "warning",
                _("Số định danh ghi giới tính khác với giới tính trong sổ."),
            )
        )
    birth = facts.get(Fact.BIRTH_DATE, "")
    born = _date(birth) if birth else None
    if born is not None and born.year != pid.birth_year:
        problems.append(
            Problem(
                field.name,
                "warning",
                _("Số định danh ghi năm sinh %(id_year)s, sổ ghi năm %(year)s.")
                % {"id_year": pid.birth_year, "year": born.year},
            )
        )
    return problems


_VALUE_PROBLEMS: dict[tuple[int, str, str | None], tuple[Problem, ...]] = {}


def field_problems(
    register: RegisterType, field: Field, values: Mapping[str, str]
) -> list[Problem]:
    """Return the problems of FIELD's value in VALUES: on its own, and an ID number against
    its person's sex and birth year. An empty value has none."""
    return _field_problems(register, field, values, get_language())


def _field_problems(
    register: RegisterType, field: Field, values: Mapping[str, str], language: str | None
) -> list[Problem]:
    value = values.get(field.name, "")
    if not value:
        return []
    # A value's own problems depend on the value alone (and the language of the messages).
    key = (id(field), value, language)
    known = _VALUE_PROBLEMS.get(key)
    if known is None:
        if len(_VALUE_PROBLEMS) > 100_000:
            _VALUE_PROBLEMS.clear()
        known = _VALUE_PROBLEMS[key] = tuple(_value_problems(field, value))
    problems = list(known)
    if field.type is FieldType.ID_NUMBER:
        problems.extend(_id_against_person(register, field, values))
    return problems


def entry_problems(register: RegisterType, values: Mapping[str, str]) -> list[Problem]:
    """Return the problems of an entry's VALUES (as stored), in field order, then a
    registration date before the birth of the person registered.

    Missing values are not reported here: keying warns of them, an import rejects a row
    without them (each in its own words).
    """
    problems: list[Problem] = []
    language = get_language()
    # Only the values given, in field order: an empty value has no problem, and most of a
    # register's 70 columns are empty.
    order = register.field_order
    for name in sorted((n for n in values if values[n] and n in order), key=order.__getitem__):
        problems.extend(_field_problems(register, register.field(name), values, language))
    registered = _date(values.get("ngayDangKy", "")) if values.get("ngayDangKy") else None
    if registered is None:
        return problems
    for field in register.fields:
        if field.fact is not Fact.BIRTH_DATE or field.person not in REGISTERED_ROLES:
            continue
        born = _date(values.get(field.name, "")) if values.get(field.name) else None
        if born is not None and registered.latest() < born.earliest():
            problems.append(
                Problem(
                    "ngayDangKy",
                    "warning",
                    _("Ngày đăng ký (%(reg)s) trước ngày sinh (%(born)s).")
                    % {"reg": registered.display(), "born": born.display()},
                )
            )
    return problems
