"""What the mapping screen shows of a file: values of its code columns, checks of fixed
values, and a preview of the first rows as they will be imported.

The preview reads rows exactly as the import does (:meth:`Layout.cells_of`, then
:func:`~hotich.exchange.cells.read_row`, then the book the row goes to), so what the screen
says of a row is what the import will do with it. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.exchange.cells import entry_number_of, read_row
from hotich.exchange.importer import BookFinder
from hotich.exchange.layout import Layout, value_key
from hotich.lib.dates import DateParseError, parse_partial_date
from hotich.registers.checks import field_problems, stored_value
from hotich.registers.models import RegisterBook
from hotich.registers.spec import CodeList, Field, FieldType, RegisterType

#: Rows shown in the preview, and rows read for the values of code columns.
PREVIEW_ROWS = 10
SCANNED_ROWS = 5000
#: Distinct values listed per code column (a column with more is not a code column).
MAX_DISTINCT = 60


def code_suggestion(code_list: CodeList, value: Any) -> str:
    """Return the code VALUE most likely stands for, or ``""``.

    The code list's own reading first (code, label or alias, folded: ``"nữ"`` → ``"2"``);
    else the one code whose label or alias contains the value's words in order
    (``"Đúng hạn"`` → ``"Đăng kí đúng hạn"`` → ``"1"``).
    """
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        found = code_list.code_for(value)
        if found is not None:
            return found
    key = value_key(value)
    if not key:
        return ""
    matches = {
        code
        for code, label in (*code_list.choices, *code_list.aliases)
        if f" {key} " in f" {value_key(label)} "
    }
    return matches.pop() if len(matches) == 1 else ""


@dataclass
class ColumnValue:
    """One distinct value of a code column: as first written, how many rows, the code chosen."""

    text: str
    key: str
    count: int
    code: str = ""
    suggested: str = ""


@dataclass
class CodeColumn:
    """A column feeding a code field, with its distinct values (``truncated``: more exist)."""

    field: Field
    header: str
    values: list[ColumnValue]
    truncated: bool = False


def code_columns(
    layout: Layout, rows: Iterable[tuple[int, tuple[Any, ...]]], maps: Mapping[str, Mapping]
) -> list[CodeColumn]:
    """Return the code columns of LAYOUT with the distinct values ROWS hold in them.

    Each value's code is the one MAPS (field → value key → code) gives, where it says
    anything about the value, else the suggestion (:func:`code_suggestion`). A value MAPS
    knows that ROWS do not hold (a saved mapping shown with another file, or with none) is
    listed last, by its key, with a count of 0, so that saving the screen keeps it.
    """
    coded = {
        i: layout.register.field(name)
        for i, name in layout.columns.items()
        if layout.register.field(name).code_list is not None
    }
    found: dict[int, dict[str, ColumnValue]] = {i: {} for i in coded}
    truncated: set[int] = set()
    for _row, raw in rows:
        for i in coded:
            value = raw[i] if i < len(raw) else None
            key = value_key(value)
            if not key:
                continue
            seen = found[i].get(key)
            if seen is not None:
                seen.count += 1
            elif len(found[i]) >= MAX_DISTINCT:
                truncated.add(i)
            else:
                text = str(int(value) if isinstance(value, float) and value.is_integer() else value)
                found[i][key] = ColumnValue(text=text.strip(), key=key, count=1)
    columns = []
    for i, f in coded.items():
        assert f.code_list is not None
        chosen = maps.get(f.name, {})
        for item in found[i].values():
            item.suggested = code_suggestion(f.code_list, item.text)
            item.code = str(chosen[item.key]) if item.key in chosen else item.suggested
        values = sorted(found[i].values(), key=lambda v: (-v.count, v.text))
        values += [
            ColumnValue(text=key, key=key, count=0, code=str(code))
            for key, code in sorted(chosen.items())
            if key and key not in found[i]
        ]
        columns.append(CodeColumn(f, layout.headers[i], values, i in truncated))
    return columns


def fixed_value_problems(register: RegisterType, name: str, text: str) -> list[tuple[str, str]]:
    """Return the problems of TEXT as the one value of field NAME for every row, as
    ``(level, message)``: the checks a cell of that column gets (an error rejects the row,
    so it stops the mapping from being saved)."""
    f = register.field(name)
    value = stored_value(f, text)
    return [(p.level, p.message) for p in field_problems(register, f, {name: value})]


def shown_value(f: Field, value: str) -> str:
    """Return a stored value as the preview shows it: a code with its label (``1 – Nam``)."""
    if f.type is FieldType.CODE and f.code_list is not None:
        label = f.code_list.label_for(value)
        if label is not None:
            return f"{value} – {label}"
    return value


@dataclass
class PreviewCell:
    value: str
    problems: list[str] = field(default_factory=list)
    error: bool = False


@dataclass
class PreviewRow:
    row: int
    cells: list[PreviewCell]
    problems: list[str] = field(default_factory=list)
    book: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not any(c.error for c in self.cells)


def preview_fields(layout: Layout) -> list[Field]:
    """Return the fields the preview shows: those a column feeds, then the fixed ones."""
    names = [n for n in layout.columns.values() if n != "STT"]
    names += [n for n in layout.fixed if n not in names]
    return [layout.register.field(n) for n in names]


def mapping_preview(
    *,
    layout: Layout,
    rows: Iterable[tuple[int, tuple[Any, ...]]],
    user: User | None,
    book: RegisterBook | None,
) -> list[PreviewRow]:
    """Return ROWS as the import would read them under LAYOUT, each cell with its problems
    (in Vietnamese), each row with the book it goes to or why it would be rejected."""
    register = layout.register
    headers = layout.field_headers()
    by_header = {h: n for n, h in headers.items()}
    fields = preview_fields(layout)
    finder = BookFinder(register_code=register.code, book=book, user=user)
    preview = []
    for row_number, raw in rows:
        if not raw or all(v in (None, "") for v in raw):
            continue
        cells = {n: v for n, v in layout.cells_of(raw).items() if n != "STT"}
        reading = read_row(register, cells, headers=headers)
        problems: dict[str, list[tuple[str, bool]]] = {}
        for level, found in (("error", reading.problems), ("warning", reading.warnings)):
            for p in found:
                name = by_header.get(p.column, p.column)
                problems.setdefault(name, []).append((p.message, level == "error"))
        line = PreviewRow(row_number, [])
        shown_names = {f.name for f in fields}
        # A problem of a field not shown (a required one no column or fixed value feeds).
        for name, messages in problems.items():
            if name not in shown_names:
                line.problems += [message for message, _error in messages]
        for f in fields:
            value = reading.values.get(f.name, "")
            mark = reading.marks.get(f.name)
            cell = PreviewCell(shown_value(f, value) if not mark else f"[{mark}]")
            for message, is_error in problems.get(f.name, []):
                cell.problems.append(message)
                cell.error = cell.error or is_error
            line.cells.append(cell)
        if not reading.problems:
            line.problems, line.book = _book_of(finder, reading.values)
        preview.append(line)
    return preview


def _book_of(finder: BookFinder, values: dict[str, str]) -> tuple[list[str], str]:
    """Return (problems, book) for a row whose cells are good: the book it goes to."""
    _number, year = entry_number_of(values.get("so", ""))
    if year is None and values.get("ngayDangKy"):
        try:
            year = parse_partial_date(values["ngayDangKy"], allow_future=True).year
        except DateParseError:
            year = None
    book, problem = finder.find(values.get("quyenSo", ""), year, "")
    if book is None:
        return [problem], ""
    if year is None and book.year_from != book.year_to:
        return [
            _("Không xác định được năm đăng ký (ghi số dạng 07/2008 hoặc điền ngày đăng ký).")
        ], str(book)
    if year is not None and not book.year_from <= year <= book.year_to:
        return [
            _("Năm đăng ký %(year)s không thuộc các năm của sổ (%(years)s).")
            % {"year": year, "years": book.years_label}
        ], str(book)
    return [], str(book)
