"""Reading one spreadsheet row into an entry's values, with the problems found (no Django).

Values are kept as written, except where the register says what a column holds: a code
list column stores the code (``"Nữ"`` → ``"2"``), a date from a date-formatted cell becomes
``dd/mm/yyyy``, a number cell loses Excel's ``.0``. Text in TCVN3 or VNI is repaired and the
repair is reported. Problems are in Vietnamese and name the column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.idnumbers import classify_id_number, normalise_id_number
from hotich.lib.legacy import repair
from hotich.lib.text import normalise_name
from hotich.registers.spec import Field, FieldType, RegisterType

#: The largest entry number, page or count an entry stores (a 32-bit column on every database).
MAX_NUMBER = 2_147_483_647

#: Text a cell may hold instead of a value, as our own Excel lists write it.
MARK_TEXTS = {"[không đọc được]": "illegible", "[sổ để trống]": "blank"}


@dataclass
class Problem:
    column: str
    message: str


@dataclass
class RowReading:
    """What one row says: values and marks by field name, problems, legacy repairs."""

    values: dict[str, str] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    repairs: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=200_000)
def _repair_text(text: str) -> tuple[str, str | None]:
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text, None
    return repair(text)


@lru_cache(maxsize=100_000)
def _check_date(text: str) -> str | None:
    try:
        parse_partial_date(text)
    except DateParseError as error:
        return str(error)
    return None


def _as_text(raw: Any, f: Field) -> str:
    """Return the cell's value as the text a person would have typed."""
    if isinstance(raw, datetime | date):
        day = raw.date() if isinstance(raw, datetime) else raw
        return PartialDate.from_date(day).display()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if f.type is FieldType.ID_NUMBER and isinstance(raw, int):
        return normalise_id_number(raw)
    return str(raw).strip()


def entry_number_of(text: str) -> tuple[int | None, int | None]:
    """Return (number, year) from an entry number as written: ``"07"``, ``"07/2008"``."""
    head, _, tail = text.partition("/")
    head, tail = head.strip(), tail.strip()
    number = int(head) if head.isascii() and head.isdigit() and len(head) <= 10 else None
    year = int(tail) if tail.isascii() and tail.isdigit() and len(tail) == 4 else None
    return number, year


def _check(f: Field, text: str) -> tuple[str, str | None]:
    """Return (value to store, problem or None) for TEXT in field F."""
    kind = f.type
    if kind is FieldType.CODE:
        assert f.code_list is not None
        code = f.code_list.code_for(text)
        if code is None:
            allowed = ", ".join(f"{c} {label}" for c, label in f.code_list.choices)
            return text, f"“{text}” không có trong danh mục {f.code_list.label} ({allowed})."
        return code, None
    if kind is FieldType.PARTIAL_DATE:
        return text, _check_date(text)
    if kind is FieldType.INTEGER:
        if not (text.isascii() and text.isdigit()):
            return text, f"“{text}” không phải số nguyên."
        if len(text) > 10 or int(text) > MAX_NUMBER:
            return text, f"“{text[:30]}” quá lớn (tối đa {MAX_NUMBER:,})."
        return text, None
    if kind is FieldType.ENTRY_NUMBER:
        number, _ = entry_number_of(text)
        head = text.partition("/")[0].strip()
        if number is None and head.isascii() and head.isdigit() or (number or 0) > MAX_NUMBER:
            return text, f"Số đăng ký “{text[:30]}” quá lớn (tối đa {MAX_NUMBER:,})."
        if number is None:
            return text, f"Số đăng ký “{text[:30]}” phải là số (ví dụ 07 hoặc 07/2008)."
        return text, None
    if kind is FieldType.ID_NUMBER:
        id_number = normalise_id_number(text)
        if f.name.endswith(("SoDinhDanh", "SoDinhDanhCaNhan")):
            if classify_id_number(id_number) != "personal_id":
                return (
                    text,
                    f"Số định danh cá nhân “{text}” phải gồm 12 chữ số, bắt đầu bằng mã tỉnh.",
                )
        elif not id_number.isalnum():
            return text, f"Số giấy tờ “{text}” chỉ được gồm chữ và số."
        return id_number, None
    return text, None


def read_row(
    register: RegisterType,
    cells: dict[str, Any],
    *,
    headers: dict[str, str],
    marks: dict[str, str] | None = None,
    capitals_are_registry_style: bool = False,
) -> RowReading:
    """Return the reading of one row: ``cells`` maps field name → raw cell value.

    ``headers`` gives the file's own column title for each field (problems name it);
    ``marks`` are fields the book has no value for (from our export's hidden sheet);
    with ``capitals_are_registry_style`` (the handover file) names in CAPITALS are written
    in the book's usual case ("NGUYỄN VĂN AN" → "Nguyễn Văn An").
    """
    reading = RowReading(marks=dict(marks or {}))
    for name, raw in cells.items():
        if raw is None or name in reading.marks:
            continue
        f = register.field(name)
        column = headers.get(name, name)
        text = _as_text(raw, f)
        if not text:
            continue
        if text in MARK_TEXTS:
            reading.marks[name] = MARK_TEXTS[text]
            continue
        text, encoding = _repair_text(text)
        if encoding is not None:
            reading.repairs.append((column, encoding))
        if capitals_are_registry_style and f.type is FieldType.NAME and text.isupper():
            text = normalise_name(text)
        value, problem = _check(f, text)
        if problem is not None:
            reading.problems.append(Problem(column, problem))
        reading.values[name] = value
    for f in register.required_fields:
        if f.name not in reading.values and f.name not in reading.marks:
            reading.problems.append(Problem(headers.get(f.name, f.name), f"Thiếu {f.label}."))
    return reading
