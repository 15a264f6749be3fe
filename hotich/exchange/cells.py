"""Reading one spreadsheet row into an entry's values, with the problems found (no Django).

Values are kept as written, except where the register says what a column holds: a date
from a date-formatted cell becomes ``dd/mm/yyyy``, a number cell loses Excel's ``.0``, and
then the text is stored and checked as keying stores and checks it
(:mod:`hotich.registers.checks`: a code list column stores the code, ``"Nữ"`` → ``"2"``).
Text in TCVN3 or VNI is repaired and the repair is reported. Problems are in Vietnamese and
name the column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from hotich.lib.dates import PartialDate
from hotich.lib.idnumbers import normalise_id_number
from hotich.lib.legacy import repair
from hotich.lib.text import normalise_name
from hotich.registers.checks import MAX_NUMBER, entry_number_parse, entry_problems, stored_value
from hotich.registers.spec import Field, FieldType, RegisterType

__all__ = ["MAX_NUMBER", "MARK_TEXTS", "Problem", "RowReading", "entry_number_of", "read_row"]

#: Text a cell may hold instead of a value, as our own Excel lists write it.
MARK_TEXTS = {"[không đọc được]": "illegible", "[sổ để trống]": "blank"}


@dataclass
class Problem:
    column: str
    message: str


@dataclass
class RowReading:
    """What one row says: values and marks by field name, problems (errors: the row is
    rejected), warnings (the row is imported, the warning reported), legacy repairs."""

    values: dict[str, str] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    repairs: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=200_000)
def _repair_text(text: str) -> tuple[str, str | None]:
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text, None
    return repair(text)


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


_SKIP, _MARK, _VALUE = "skip", "mark", "value"
#: Cell readings kept per register (and handover style) and column: cleared past this many.
MAX_CACHED = 200_000
_CELLS: dict[tuple[str, int, bool], dict[str, dict[Any, tuple[str, str, str | None]]]] = {}


def _cell(f: Field, raw: Any, capitals: bool) -> tuple[str, str, str | None]:
    """Return how one cell reads: (kind, stored value or mark, legacy encoding repaired)."""
    text = _as_text(raw, f)
    if not text:
        return _SKIP, "", None
    if text in MARK_TEXTS:
        return _MARK, MARK_TEXTS[text], None
    text, encoding = _repair_text(text)
    if capitals and f.type is FieldType.NAME and text.isupper():
        text = normalise_name(text)
    return _VALUE, stored_value(f, text), encoding


def entry_number_of(text: str) -> tuple[int | None, int | None]:
    """Return (number, year) from an entry number as written: ``"07"``, ``"07/2008"``
    (read by :func:`hotich.registers.checks.entry_number_parse`, as keying reads it)."""
    read = entry_number_parse(text)
    return read.number, read.year


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
    columns = _CELLS.setdefault((register.code, id(register), capitals_are_registry_style), {})
    if sum(map(len, columns.values())) > MAX_CACHED:
        columns.clear()
    for name, raw in cells.items():
        if raw is None or name in reading.marks:
            continue
        # The same cell text reads the same way: a file repeats names, places, codes and dates.
        # Text is its own key; any other value goes with its type, so that 1, 1.0 and True
        # (equal in Python) each read as themselves.
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        cache = columns.get(name)
        if cache is None:
            cache = columns[name] = {}
        cell = cache.get(key)
        if cell is None:
            cell = cache[key] = _cell(register.field(name), raw, capitals_are_registry_style)
        kind, text, encoding = cell
        if kind is _SKIP:
            continue
        if kind is _MARK:
            reading.marks[name] = text
            continue
        if encoding is not None:
            reading.repairs.append((headers.get(name, name), encoding))
        reading.values[name] = text
    # The checks keying makes, at the same level (hotich.registers.checks).
    for problem in entry_problems(register, reading.values):
        found = Problem(headers.get(problem.field, problem.field), problem.message)
        (reading.problems if problem.level == "error" else reading.warnings).append(found)
    for f in register.required_fields:
        if f.name not in reading.values and f.name not in reading.marks:
            reading.problems.append(Problem(headers.get(f.name, f.name), f"Thiếu {f.label}."))
    return reading
