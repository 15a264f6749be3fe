"""Spreadsheet cells that keep people's text as text (no formula or CSV injection).

A child's name keyed as ``=HYPERLINK("http://…","Xem")`` must reach every export as those
characters, not as a live formula. openpyxl makes a formula of any string that starts with
``=`` and an error value of ``#N/A`` and the like (``Cell._bind_value``); every writer of
an .xlsx therefore passes its rows through :func:`sheet_row` (or builds a styled cell with
:func:`text_cell`), which forces such strings to the string type. The file then holds a
plain ``<v>`` shared string, no ``<f>`` element, and the text is exactly what the book says
(``-``, ``+84 …`` and ``@`` stay as written: in an .xlsx only a formula cell is evaluated).

A CSV file has no cell types: a spreadsheet evaluates any field starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return. :func:`csv_field` puts an apostrophe before such a
field (OWASP's advice for CSV injection), which Excel and LibreOffice show as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell

#: First characters that make a spreadsheet read a typed or CSV field as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Return True if VALUE is text that a spreadsheet could take as a formula or error."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES)


def text_cell(sheet: Any, value: Any) -> Cell:
    """Return a cell of SHEET (normal or write-only) holding VALUE; text is always text.

    For writers that style the cell (font, fill, comment) before appending it.
    """
    cell = Cell(sheet, row=1, column=1, value=value)  # append() gives the real place
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def sheet_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return VALUES ready for ``sheet.append``: text that openpyxl would turn into a formula
    (or an error value) becomes a text cell; every other value is passed through unchanged.
    """
    return [text_cell(sheet, v) if looks_like_formula(v) else v for v in values]


def csv_field(value: Any) -> Any:
    """Return VALUE for a CSV writer: text a spreadsheet would evaluate gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Return VALUES with :func:`csv_field` applied to each."""
    return [csv_field(v) for v in values]
