"""The streaming .xlsx reader gives what openpyxl gives, cell for cell."""

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from hotich.exchange import xlsx
from tests.exchange.ministry_files import ministry_file

ROWS = [
    ["text", "Nguyễn Thị Phượng", " so ", "loaiDangKy \ni=[1,2]"],
    [1, 2.5, -3, 0],
    [True, False, None, "=not a formula"],
    [date(2008, 8, 15), datetime.combine(date(2008, 8, 27), time(10, 30)), "27.08.2008", 39687],
    [],
    [None, None, None, "only the last column"],
]


def openpyxl_rows(path: Path, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = []
    for row in workbook[sheet].iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
    return rows


def trimmed(rows) -> list[tuple]:
    out = []
    for row in rows:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    return out


@pytest.mark.parametrize("write_only", [False, True])
def test_values_dates_and_gaps_read_as_openpyxl_reads_them(tmp_path, write_only):
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("DL Import") if write_only else workbook.active
    if not write_only:
        sheet.title = "DL Import"
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "a.xlsx"
    workbook.save(path)

    ours = trimmed(xlsx.Workbook(str(path)).rows("DL Import"))

    assert ours == openpyxl_rows(path, "DL Import")
    assert ours[3][0] == datetime.combine(date(2008, 8, 15), time()) and ours[3][3] == 39687


def test_the_template_reads_as_openpyxl_reads_it(tmp_path):
    # The real file (inline strings) is read the same way in tests/exchange/test_ministry_files.py.
    path = ministry_file(tmp_path / "ks.xlsx")
    workbook = xlsx.Workbook(str(path))
    assert workbook.sheetnames == ["DL Import", "Ghi chu"]
    for name in workbook.sheetnames:
        assert trimmed(workbook.rows(name)) == openpyxl_rows(path, name)
    assert workbook.estimated_rows("DL Import") == 4


def test_a_file_that_is_not_xlsx_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(xlsx.XlsxError):
        xlsx.Workbook(str(path))
