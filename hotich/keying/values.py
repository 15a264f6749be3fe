"""From what the officer typed to what is stored, and the checks made as they type.

Values are kept as written in the book. Two keyboard conveniences are turned into the book's
form before storing: digit-only dates (``15081985`` → ``15/08/1985``, ``081985`` →
``08/1985``) and code-list fields typed as a label (``nữ`` → ``2``). Anything the officer
typed that cannot be read this way is stored exactly as typed, with a problem reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.idnumbers import (
    InvalidIdNumber,
    classify_id_number,
    parse_personal_id,
    validate_personal_id,
)
from hotich.registers.spec import Field, FieldType, RegisterType

Level = Literal["error", "warning"]

_DIGITS = re.compile(r"\d{4}|\d{6}|\d{8}")
_NUMBER = re.compile(r"\s*0*(\d{1,6})\s*(?:/\s*(\d{4}))?\s*")


@dataclass(frozen=True)
class Problem:
    """A check on one field: an *error* needs the officer to confirm that the book says so,
    a *warning* only informs; neither stops a faithful copy from being saved."""

    field: str
    level: Level
    message: str


def clean_text(value: Any) -> str:
    """Return ``value`` as NFC text without surrounding spaces, inner runs of spaces kept."""
    return unicodedata.normalize("NFC", str(value or "")).strip()


def typed_value(field: Field, raw: Any) -> str:
    """Return the value to store for what was typed in ``field`` (see the module docstring)."""
    text = clean_text(raw)
    if not text:
        return ""
    if field.type is FieldType.PARTIAL_DATE and _DIGITS.fullmatch(text):
        try:
            return parse_partial_date(text, allow_future=True).display()
        except DateParseError:
            return text
    if field.type is FieldType.CODE and field.code_list is not None:
        return field.code_list.code_for(text) or text
    return text


def typed_values(register: RegisterType, raw: dict[str, Any]) -> dict[str, str]:
    """Return the stored form of every non-empty typed value of ``register``'s columns."""
    out = {}
    for field in register.fields:
        value = typed_value(field, raw.get(field.name, ""))
        if value:
            out[field.name] = value
    return out


def entry_number(text: str) -> tuple[int | None, int | None]:
    """Return (number, year) read from the ``so`` column: "07" → (7, None), "7/2008" → (7, 2008)."""
    match = _NUMBER.fullmatch(text or "")
    if not match:
        return None, None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def page_number(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _date(value: str) -> PartialDate | None:
    try:
        return parse_partial_date(value, allow_future=True)
    except DateParseError:
        return None


def _field_problems(field: Field, value: str) -> list[Problem]:
    if field.type in (FieldType.PARTIAL_DATE,):
        try:
            parse_partial_date(value)
        except DateParseError as exc:
            return [Problem(field.name, "error", str(exc))]
    elif field.type is FieldType.CODE and field.code_list is not None:
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
    elif field.type is FieldType.ID_NUMBER:
        digits = re.sub(r"\D", "", value)
        if len(digits) == 12:
            problems = validate_personal_id(value)
            return [Problem(field.name, "error", " ".join(problems))] if problems else []
        if "DinhDanh" in field.name and classify_id_number(value) != "cmnd":
            return [
                Problem(
                    field.name,
                    "warning",
                    _("Số định danh cá nhân gồm 12 chữ số (CMND cũ: 9 chữ số)."),
                )
            ]
    return []


def _person_prefix(register: RegisterType, field: Field) -> list[Field]:
    return list(register.fields_for(field.person)) if field.person is not None else []


def _id_against_person(
    register: RegisterType, field: Field, values: dict[str, str]
) -> list[Problem]:
    """An ID number whose structure contradicts the person's sex or birth year."""
    value = values.get(field.name, "")
    if len(re.sub(r"\D", "", value)) != 12:
        return []
    try:
        pid = parse_personal_id(value)
    except InvalidIdNumber:
        return []
    problems = []
    siblings = _person_prefix(register, field)
    sex = next((values.get(f.name, "") for f in siblings if f.name.endswith("GioiTinh")), "")
    birth = next(
        (values.get(f.name, "") for f in siblings if f.name.endswith("NgaySinh")),
        "",
    )
    if sex in ("1", "2") and {"1": "male", "2": "female"}[sex] != pid.sex:
        problems.append(
            Problem(
                field.name,
                "warning",
                _("Số định danh ghi giới tính khác với giới tính trong sổ."),
            )
        )
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


def entry_problems(
    register: RegisterType,
    values: dict[str, str],
    marks: dict[str, str],
    *,
    numbers_used: dict[int, int] | None = None,
    last_number: int | None = None,
) -> list[Problem]:
    """Return the problems of an entry as typed, in field order.

    ``numbers_used`` maps entry numbers already in the book for this year to how often they
    occur (without the entry being keyed); ``last_number`` is the highest of them.
    """
    problems: list[Problem] = []
    for field in register.fields:
        value = values.get(field.name, "")
        if not value:
            if field.required and field.name not in marks:
                problems.append(
                    Problem(
                        field.name,
                        "warning",
                        _("Chưa nhập %(label)s (F3 nếu sổ để trống hoặc không đọc được).")
                        % {"label": field.label},
                    )
                )
            continue
        problems.extend(_field_problems(field, value))
        if field.type is FieldType.ID_NUMBER:
            problems.extend(_id_against_person(register, field, values))
    registered = _date(values.get("ngayDangKy", ""))
    if registered is not None:
        for field in register.fields:
            if field.name.endswith("NgaySinh") and field.person is not None:
                if field.person.value not in ("subject", "child", "adoptee"):
                    continue
                born = _date(values.get(field.name, ""))
                if born is not None and registered.latest() < born.earliest():
                    problems.append(
                        Problem(
                            "ngayDangKy",
                            "warning",
                            _("Ngày đăng ký (%(reg)s) trước ngày sinh (%(born)s).")
                            % {"reg": registered.display(), "born": born.display()},
                        )
                    )
    number, _year = entry_number(values.get("so", ""))
    if number is not None and numbers_used is not None:
        if numbers_used.get(number):
            problems.append(
                Problem("so", "warning", _("Số %(n)s đã có trong sổ năm này.") % {"n": number})
            )
        elif last_number is not None and number > last_number + 1:
            problems.append(
                Problem(
                    "so",
                    "warning",
                    _("Số không liền mạch: số lớn nhất đã nhập là %(last)s.")
                    % {"last": last_number},
                )
            )
        elif last_number is not None and number < last_number:
            problems.append(
                Problem(
                    "so",
                    "warning",
                    _("Số nhỏ hơn số đã nhập gần nhất (%(last)s): kiểm tra lại thứ tự.")
                    % {"last": last_number},
                )
            )
    return problems
