"""Ministry-template-shaped workbooks, built from the register definitions.

The tests do not read the real Ministry file: they build a workbook of the same shape from
``hotich.registers.definitions`` and ``hotich.exchange.layout``, with the real template's
quirks (see docs/exchange.md, "The Ministry template"):

- sheet ``DL Import``: one header row whose cells carry noise (``"so "`` with a trailing
  space, ``"loaiDangKy \\ni=[1,2,3,4,5,6]"`` with the codes on a second line), then three
  empty but formatted rows, so the sheet's dimension says ``A1:BR4``;
- sheet ``Ghi chu``: the code lists in column pairs (B/C and E/F), each a title merged over
  its two columns, then one row per code, then a blank row before the next list.

Only ``tests/exchange/test_ministry_files.py`` opens the real file (``REAL_KS_TEMPLATE``),
to prove that what is built here is what the Ministry publishes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Alignment

from hotich.exchange.layout import MINISTRY_SHEET, export_header
from hotich.registers.definitions import code_lists
from hotich.registers.spec import CodeList, get_register_type, header_key

REPO = Path(__file__).resolve().parents[2]
#: The real birth template, kept outside the repository (beside it in development and CI).
REAL_KS_TEMPLATE = REPO.parent / "shared" / "templates" / "moj-dl-import-khai-sinh.xlsx"
#: Set by ``.ci/run``: there a missing real template fails the fidelity test.
REQUIRE_REAL = "HOTICH_REQUIRE_SHARED_TEMPLATES"

CODE_SHEET = "Ghi chu"
#: The birth template's ``Ghi chu`` sheet: per column pair, its lists with the sheet's own
#: titles (two differ from the lists' labels).
KS_CODE_COLUMNS: tuple[tuple[str, tuple[tuple[str, CodeList], ...]], ...] = (
    (
        "B",
        (
            ("Loại đăng ký", code_lists.BIRTH_REGISTRATION_TYPE),
            ("Giới tính", code_lists.SEX),
            ("nksMatTich & nksHanCheNangLucHanhVi", code_lists.DECLARATION),
        ),
    ),
    ("E", (("Loại giấy tờ tùy thân", code_lists.ID_DOCUMENT_TYPE),)),
)
#: Rows under the header that the template formats but leaves empty.
EMPTY_ROWS = 3


def real_ks_template() -> Path:
    """Return the real birth template; skip when absent, unless CI requires it."""
    if REAL_KS_TEMPLATE.exists():
        return REAL_KS_TEMPLATE
    reason = f"the real Ministry template is not at {REAL_KS_TEMPLATE}"
    if os.environ.get(REQUIRE_REAL) == "1":
        pytest.fail(f"{reason} ({REQUIRE_REAL}=1)")
    pytest.skip(reason)


def ministry_template(code: str = "KS") -> openpyxl.Workbook:
    """Return an empty Ministry template of register CODE, shaped like the real one."""
    register = get_register_type(code)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = MINISTRY_SHEET
    header = export_header(register)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="center")
    for row in range(2, 2 + EMPTY_ROWS):
        for column in range(1, len(header) + 1):
            sheet.cell(row=row, column=column).alignment = wrap
    if code == "KS":
        _code_sheet(workbook.create_sheet(CODE_SHEET))
    return workbook


def _code_sheet(sheet: Any) -> None:
    for letter, lists in KS_CODE_COLUMNS:
        column = openpyxl.utils.column_index_from_string(letter)
        row = 2
        for title, code_list in lists:
            sheet.cell(row=row, column=column, value=title)
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row, end_column=column + 1
            )
            for code, label in code_list.choices:
                row += 1
                sheet.cell(row=row, column=column, value=int(code))
                sheet.cell(row=row, column=column + 1, value=label)
            row += 2


def ministry_file(path: Path, rows: Iterable[Mapping[str, Any]] = (), *, code: str = "KS") -> Path:
    """Write ROWS (column name -> value) into a fresh template of CODE saved at PATH."""
    workbook = ministry_template(code)
    sheet = workbook[MINISTRY_SHEET]
    index = {header_key(c.value): c.column for c in sheet[1] if c.value}
    for r, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=r, column=index[name], value=value)
    workbook.save(path)
    return path
