"""The fast path of .xlsx reading (calamine on files proven plain) and the .xls cell bound.

A plain file read by calamine gives the rows the bounded streaming reader gives; a file with
a formula, a member past the decompression budget, a lying zip header or cells far apart is
read by the streaming reader (which refuses it where it always did). An .xls whose sheets
would take more than ``reader.MAX_CELLS`` cells is refused before calamine opens it.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from hotich.exchange import plainxlsx, reader, xlsx
from hotich.exchange.xlsbounds import xls_cells
from tests.exchange.ministry_files import ministry_file, real_ks_template

ROWS = [
    {
        "STT": i + 1,
        "so": f"{i + 1:02d}/2008",
        "quyenSo": "01/2008",
        "trangSo": i + 1,
        "ngayDangKy": date(2008, 8, 15) if i % 2 else "15.08.2008",
        "nksHoTen": ["Nguyễn Thị Phượng", "Trần Văn Bình", "Lê Thị Hoà"][i % 3],
        "nksGioiTinh": ["Nữ", 1, "2"][i % 3],
        "nksNgaySinh": datetime.fromisoformat("2008-08-01T10:30") if i % 3 == 0 else "03/2008",
        "meHoTen": "Đỗ Thị Ngọc Ánh",
        "meSoDinhDanhCaNhan": 38_108_000_123 + i,
        "nksDanToc": "Kinh" if i % 4 else "",
        "meNgaySinh": 1980.5 if i == 3 else 1980,
    }
    for i in range(40)
]


def normalised(rows):
    """Rows as the importer sees them: empty text as no value, trailing empty cells and empty
    rows dropped (the streaming reader keeps them, calamine does not; the importer skips them)."""
    out = []
    for number, values in rows:
        cells = [None if v == "" else v for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append((number, tuple(cells)))
    return out


def both(path: Path, sheet: str = "DL Import"):
    fast = plainxlsx.PlainWorkbook(str(path))
    fast_rows = list(fast.numbered_rows(sheet))
    streamed = list(xlsx.Workbook(str(path)).numbered_rows(sheet))
    return fast, normalised(fast_rows), normalised(streamed)


def rewrite(path: Path, out: Path, change) -> Path:
    """Copy the .xlsx PATH to OUT with its first sheet's XML passed through CHANGE."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            dest.writestr(info.filename, data)
    return out


def test_a_plain_file_read_by_calamine_gives_the_streaming_readers_rows(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    fast, fast_rows, streamed = both(path)
    assert fast.sheets["DL Import"] is not None  # calamine read it
    assert fast_rows == streamed
    assert len(fast_rows) == 1 + len(ROWS)
    # What the two readers must agree on: date cells, whole numbers, text, long numbers.
    cells = [v for _, row in fast_rows for v in row]
    assert any(isinstance(v, datetime) for v in cells)
    assert 38_108_000_123 in cells and "Lê Thị Hoà" in cells and 1980.5 in cells


def test_a_file_saved_with_shared_strings_reads_alike(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    workbook = openpyxl.load_workbook(path)  # saved again: shared strings, styles, dimension
    workbook.save(tmp_path / "again.xlsx")
    fast, fast_rows, streamed = both(tmp_path / "again.xlsx")
    assert fast.sheets["DL Import"] is not None
    assert fast_rows == streamed


def test_the_real_template_reads_alike_on_both_paths():
    fast, fast_rows, streamed = both(real_ks_template())
    assert fast_rows == streamed


def test_a_formula_sends_the_file_to_the_streaming_reader(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    formula = rewrite(
        path,
        tmp_path / "formula.xlsx",
        lambda xml: xml.replace(
            b'<c r="D2" s="1" t="n"><v>1</v></c>', b'<c r="D2" s="1"><f>0+1</f><v>1</v></c>'
        ),
    )
    assert b"<f>" in zipfile.ZipFile(formula).read("xl/worksheets/sheet1.xml")
    fast, fast_rows, streamed = both(formula)
    assert fast.sheets["DL Import"] is None  # not calamine
    assert fast_rows == streamed


def test_an_error_cell_goes_to_the_streaming_reader_and_stays_a_bad_cell(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    broken = rewrite(
        path,
        tmp_path / "error.xlsx",
        lambda xml: xml.replace(
            b'<c r="D2" s="1" t="n"><v>1</v></c>', b'<c r="D2" s="1" t="e"><v>#DIV/0!</v></c>'
        ),
    )
    fast, fast_rows, _ = both(broken)
    assert fast.sheets["DL Import"] is None
    assert any(isinstance(v, xlsx.BadCell) for v in fast_rows[1][1])


def test_cells_far_apart_are_not_loaded_as_one_dense_range(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "S"
    workbook.active["A1"] = "x"
    workbook.active["XFD1048576"] = 1
    workbook.save(tmp_path / "far.xlsx")
    fast, fast_rows, streamed = both(tmp_path / "far.xlsx", "S")
    assert plainxlsx.sheet_is_plain(fast.streaming, "S")[0] is False
    assert fast.sheets["S"] is None
    assert fast_rows == streamed == [(1, ("x",)), (1_048_576, (*[None] * 16_383, 1))]


def test_a_member_past_the_budget_is_refused_by_the_streaming_reader(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    padding = b"<!--" + b" " * (20 * 1024 * 1024) + b"-->"
    bomb = rewrite(
        path,
        tmp_path / "bomb.xlsx",
        lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>", 1),
    )
    workbook = reader.open_workbook(str(bomb))
    with pytest.raises(xlsx.XlsxLimitError, match="nén bất thường"):
        list(workbook.numbered_rows("DL Import"))
    assert workbook.sheets["DL Import"] is None


def test_a_zip_header_that_lies_about_the_size_is_not_trusted(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Declare half the real size in the central directory: the stream goes on past it.
    declared = info.file_size.to_bytes(4, "little")
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    size_at = data.index(declared, at)
    data[size_at : size_at + 4] = (info.file_size // 2).to_bytes(4, "little")
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(bytes(data))
    workbook = plainxlsx.PlainWorkbook(str(lying))
    assert plainxlsx.sheet_is_plain(workbook.streaming, "DL Import") == (False, 0)


def test_a_date_format_the_readers_would_read_differently_is_not_fast():
    assert plainxlsx._calamine_kind("dd/mm/yyyy") == "date"
    assert plainxlsx._calamine_kind("[h]:mm:ss") == "duration"
    assert plainxlsx._calamine_kind('0.00 "kg"') == "number"
    assert plainxlsx._calamine_kind("#,##0;[Red]-#,##0") == "number"


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


def to_xls(path: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(path.parent), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(path.parent), "PATH": "/usr/bin:/bin"},
    )
    return path.with_suffix(".xls")


@needs_soffice
def test_an_xls_counts_the_cells_calamine_would_hold_and_a_huge_one_is_refused(tmp_path):
    from python_calamine import CalamineWorkbook

    small = to_xls(ministry_file(tmp_path / "ks.xlsx", ROWS))
    sheets = CalamineWorkbook.from_path(str(small))
    held = sum(
        sheets.get_sheet_by_name(name).height * sheets.get_sheet_by_name(name).width
        for name in sheets.sheet_names
    )
    assert xls_cells(small.read_bytes()) == held
    assert reader.open_workbook(str(small)).sheetnames  # read as before

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.active["IV65536"] = 1  # the .xls format's last cell: 16.7 million cells
    workbook.save(tmp_path / "far.xlsx")
    far = to_xls(tmp_path / "far.xlsx")
    assert far.stat().st_size < 100_000
    assert xls_cells(far.read_bytes()) == 65_536 * 256
    with pytest.raises(reader.ReadError, match="quá 10,000,000 ô đọc được một lần"):
        reader.open_workbook(str(far))


@pytest.mark.parametrize(
    "mutation", ["entity_bomb", "not_a_number", "wrong_shared_index", "xml_garbage"]
)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_sheet_calamine_would_read_leniently_goes_to_the_streaming_reader(
    tmp_path, mutation, seed
):
    """An entity declaration, a NaN or 1e99999 number, a shared-string index that is no
    string, or XML that is not well formed: calamine loaded them without a word, so the fault
    run's files were imported instead of refused (or their bad cell went unreported)."""
    import random

    from tests.faults.mutations import MUTATIONS, template_file

    content, _expected = MUTATIONS[mutation](template_file(20), random.Random(seed))
    path = tmp_path / "spoilt.xlsx"
    path.write_bytes(content)
    try:
        fast = plainxlsx.PlainWorkbook(str(path))
    except xlsx.XlsxError:
        return  # refused before any sheet is read, as the streaming reader refuses it
    assert plainxlsx.sheet_is_plain(fast.streaming, "DL Import") == (False, 0)


def test_the_rows_counted_are_the_rows_read_on_both_paths(tmp_path):
    """The whole-file check counts a loaded sheet's rows without reading their values: the
    count is the number of rows the import reads (empty rows and "" cells are none)."""
    path = ministry_file(tmp_path / "ks.xlsx", [*ROWS[:5], {}, {"nksDanToc": ""}, *ROWS[5:9]])
    formula = rewrite(
        path,
        tmp_path / "formula.xlsx",
        lambda xml: xml.replace(
            b'<c r="D2" s="1" t="n"><v>1</v></c>', b'<c r="D2" s="1"><f>0+1</f><v>1</v></c>'
        ),
    )
    for file, fast in ((path, True), (formula, False)):
        workbook = plainxlsx.PlainWorkbook(str(file))
        count = workbook.rows_count("DL Import")
        assert (workbook.sheets["DL Import"] is not None) is fast
        read = list(workbook.numbered_rows("DL Import"))
        assert count == len(read) and count >= 1 + 9


def _block(*cells: bytes) -> bytes:
    return b'<row r="1">' + b"".join(cells) + b"</row>"


@pytest.mark.parametrize(
    ("cell", "plain"),
    [
        (b'<c r="A1"><v>1</v></c>', True),
        (b'<c r="A1"><v>-12.5</v></c>', True),
        (b'<c r="A1"><v>123456789012345</v></c>', True),
        (b'<c r="A1"><v>1.</v></c>', False),
        (b'<c r="A1"><v>1e5</v></c>', False),
        (b'<c r="A1"><v>NaN</v></c>', False),
        (b'<c r="A1"><v></v></c>', False),
        (b'<c r="A1"><v> 1</v></c>', False),
        (b'<c r="A1" t="s"><v>0</v></c>', True),
        (b'<c r="A1" t="s"><v>2</v></c>', True),
        (b'<c r="A1" t="s"><v>3</v></c>', False),  # past the 3 strings
        (b'<c r="A1" t="s"><v>1a</v></c>', False),
        (b'<c r="A1" t="s"><v>-1</v></c>', False),
        (b'<c r="A1" t="s"><v>' + b"9" * 5000 + b"</v></c>", False),
    ],
)
def test_the_pre_scan_leaves_calamine_plain_numbers_and_shared_strings_only(cell, plain):
    block = _block(cell, b'<c r="B1" t="s"><v>1</v></c>')
    assert (plainxlsx._check_block(block, 0, 3) is not None) is plain


def with_date_serial(tmp_path: Path, serial: bytes) -> Path:
    """The Ministry file with its first entry's date cell (O2, a date style) holding SERIAL."""
    path = ministry_file(tmp_path / "ks.xlsx", ROWS)
    return rewrite(
        path,
        tmp_path / "serial.xlsx",
        lambda xml: xml.replace(
            b'<c r="O2" s="2" t="n"><v>39661.4375</v>',
            b'<c r="O2" s="2" t="n"><v>' + serial + b"</v>",
        ),
    )


@pytest.mark.parametrize("serial", [b"3000000", b"2958466.5"])
def test_a_date_cell_outside_the_dates_is_unreadable_on_both_paths(tmp_path, serial):
    # Found in stop 22: calamine gave the bare number where the streaming reader gave an
    # unreadable date, so the row was rejected with another message.
    fast, fast_rows, streamed = both(with_date_serial(tmp_path, serial))
    assert fast.sheets["DL Import"] is None  # streamed
    assert fast_rows == streamed
    bad = [v for v in fast_rows[1][1] if isinstance(v, xlsx.BadCell)]
    assert len(bad) == 1 and "ngoài khoảng ngày hợp lệ" in bad[0].reason


def test_a_date_cell_inside_the_dates_stays_on_the_fast_path(tmp_path):
    fast, fast_rows, streamed = both(with_date_serial(tmp_path, b"999999"))
    assert fast.sheets["DL Import"] is not None
    assert fast_rows == streamed
    assert any(isinstance(v, datetime) and v.year == 4637 for v in fast_rows[1][1])
