"""Tables shown on pages and exported to Excel from the same rows (every table exports)."""

import datetime
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.formats import number_format
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hotich.lib.sheets import sheet_row


@dataclass
class Column:
    label: str
    numeric: bool = False
    percent: bool = False


#: Rows a page shows of a long table; the whole table is in its Excel export.
PAGE_SIZE = 50


@dataclass
class Table:
    """KEY names the table in its export URL; ROWS hold plain values (numbers stay numbers).

    PAGE is set on a table cut to one page by :meth:`paged` (the page shows that part; the
    Excel export always has every row).
    """

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "Chưa có số liệu."
    page: Page | None = None

    def paged(self, number: int | str | None = 1, *, size: int = PAGE_SIZE) -> "Table":
        """Return a copy holding only the rows of page NUMBER (the last page when too high)."""
        page = Paginator(self.rows, size).get_page(number)
        return replace(self, rows=list(page.object_list), page=page)

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Return the rows as (text, numeric) pairs, numbers grouped for the active language."""
        return [
            [(display(v, c), c.numeric) for c, v in zip(self.columns, row, strict=True)]
            for row in self.rows
        ]


def display(value: Any, column: Column) -> str:
    """Return VALUE as a page shows it: grouped digits, percentages, a dash for none."""
    if value is None or value == "":
        return "—" if column.numeric else ""
    if column.percent:
        return f"{number_format(value, 1)}%"
    if column.numeric and isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    return str(value)


def table_workbook(table: Table, *, heading: str, generated: datetime.datetime) -> bytes:
    """Return an .xlsx with TABLE under a heading line and the time the figures were read."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append(sheet_row(sheet, [heading]))
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([f"{table.title} – số liệu lúc {generated:%H:%M %d/%m/%Y}"])
    sheet.append(sheet_row(sheet, [c.label for c in table.columns]))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append(
            sheet_row(
                sheet,
                [
                    (round(v / 100, 4) if c.percent and isinstance(v, int | float) else v)
                    for c, v in zip(table.columns, row, strict=True)
                ],
            )
        )
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = 12 if column.numeric else 28
        if column.percent:
            for cell in sheet[letter][3:]:
                cell.number_format = "0.0%"
        elif column.numeric:
            for cell in sheet[letter][3:]:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "A4"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
