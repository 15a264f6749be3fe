"""Reading an import file's header and first rows only (``reader.open_head``).

The pages that show a file's first rows (the upload page's header, the mapping screen and its
live preview) read them without a pass over the whole file, and read exactly what the import
reads: the same rows and the same refusals, in every format.
"""

from __future__ import annotations

import io
import random
from itertools import islice

import openpyxl
import pytest

from hotich.exchange import plainxlsx, reader, xlsx
from hotich.exchange.importer import ImportFileError, open_sheet
from hotich.lib.legacy import from_unicode
from tests.exchange.test_formats import _cp1258, converted, needs_soffice  # noqa: F401
from tests.faults.mutations import MUTATIONS, template_file

HEADER = "Số ĐK;Họ tên;Giới tính;Ghi chú\r\n"
#: More rows than one piece of reader.HEAD_PIECE, with a quoted field across a line break.
TEXT = HEADER + "".join(
    f'{n};"Nguyễn Thị\nHoà {n}";Nữ;{"" if n % 3 else "Đúng hạn"}\r\n' for n in range(1, 4001)
)


def encoded(encoding: str, *, bom: bool = False) -> bytes:
    if encoding == "cp1258":
        data = b"".join(_cp1258(ch) for ch in TEXT)
    elif encoding in ("tcvn3", "vni"):
        data = from_unicode(TEXT, encoding).encode("cp1252")
    else:
        data = TEXT.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


@pytest.mark.parametrize(
    ("encoding", "bom", "reading"),
    [
        ("utf-8", False, "UTF-8"),
        ("utf-8", True, "UTF-8 có BOM"),
        ("cp1258", False, "Windows-1258 (cp1258)"),
        ("tcvn3", False, "TCVN3 (mã chữ cũ"),
        ("vni", False, "VNI (mã chữ cũ"),
    ],
)
def test_a_csv_read_from_its_head_gives_the_rows_and_the_reading_of_the_whole_file(
    encoding, bom, reading
):
    data = encoded(encoding, bom=bom)
    assert len(data) > 2 * reader.HEAD_PIECE

    whole = reader.open_workbook(io.BytesIO(data))
    head = reader.open_head(io.BytesIO(data), 10)

    assert isinstance(head, reader.CsvHead)
    assert head.reading == whole.reading and reading in head.reading
    assert list(head.numbered_rows("CSV")) == list(whole.numbered_rows("CSV"))
    # Text in a legacy font comes as its bytes read as cp1252 (the import repairs each cell).
    cells = ("1", "Nguyễn Thị\nHoà 1", "Nữ")
    if encoding in ("tcvn3", "vni"):
        cells = tuple(from_unicode(c, encoding) for c in cells)
    assert list(islice(head.numbered_rows("CSV"), 3))[1] == (2, cells)


def test_a_csv_with_a_later_byte_that_is_not_utf8_is_read_as_the_whole_file_reads():
    # The first lines alone are UTF-8; the whole file is not, so it is one-byte text.
    data = "Số;Họ tên\n1;An\n".encode() * 20_000 + b"2;Tr\xe2n\n"

    head = reader.open_head(io.BytesIO(data), 10)

    assert head.reading == reader.open_workbook(io.BytesIO(data)).reading
    assert "UTF-8" not in head.reading
    assert next(head.numbered_rows("CSV")) == next(
        reader.open_workbook(io.BytesIO(data)).numbered_rows("CSV")
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01" * 3000, "không phải bảng tính"),
        ("Họ tên\nAn\n".encode(), "Dòng đầu không có cột nào"),
        (b'a,b\n1,"' + b"x" * 200_000 + b'"\n', "Tệp CSV bị hỏng ở dòng 2"),
    ],
    ids=["binary", "one-column", "field-past-csv-limit"],
)
def test_a_csv_refused_whole_is_refused_from_its_head_with_the_same_message(content, message):
    with pytest.raises(reader.ReadError) as whole:
        list(reader.open_workbook(io.BytesIO(content)).numbered_rows("CSV"))
    with pytest.raises(reader.ReadError) as head:
        list(reader.open_head(io.BytesIO(content), 10).numbered_rows("CSV"))

    assert str(head.value) == str(whole.value) and message in str(head.value)


def legacy_xlsx(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Số ĐK", "Họ tên", "Giới tính", "Ngày ĐK"])
    for n in range(1, rows + 1):
        sheet.append([str(n), f"Người {n}", "Nữ" if n % 2 else "Nam", f"{n % 28 + 1:02d}/03/2008"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_first_rows_of_a_long_xlsx_are_read_without_the_fast_path_loading_the_sheet():
    content = legacy_xlsx(5000)

    head = reader.open_head(io.BytesIO(content), 10)
    rows = list(islice(head.numbered_rows("Sheet"), 11))

    assert isinstance(head, reader.XlsxHead)
    # Neither pre-scanned nor loaded by calamine: only the rows read were parsed.
    assert head.book.sheets == {} and head.book.calamine is None
    whole = reader.open_workbook(io.BytesIO(content))
    assert rows == list(islice(whole.numbered_rows("Sheet"), 11))
    assert rows[1] == (2, ("1", "Người 1", "Nữ", "02/03/2008"))


def test_when_most_of_an_xlsx_is_asked_for_the_fast_path_reads_it():
    content = legacy_xlsx(500)

    head = reader.open_head(io.BytesIO(content), 400)
    rows = list(head.numbered_rows("Sheet"))

    assert isinstance(head, reader.XlsxHead) and head.book.sheets["Sheet"] is not None
    assert rows == list(plainxlsx.PlainWorkbook(io.BytesIO(content)).numbered_rows("Sheet"))


def first_rows(content: bytes, head: int) -> object:
    """The header and first 10 rows of CONTENT as open_sheet gives them, or its refusal."""
    try:
        sheet = open_sheet(io.BytesIO(content), head=head)
        return sheet.headers, list(islice(sheet.rows, 10))
    except ImportFileError as error:
        return str(error)


def streamed_rows(content: bytes) -> object:
    """The first 11 rows of CONTENT's data sheet as the bounded streaming reader gives them,
    or its refusal: what the fast path must give too (it changes speed only)."""
    try:
        book = reader.open_workbook(io.BytesIO(content))
        if isinstance(book, plainxlsx.PlainWorkbook):
            book = book.streaming
        name = "DL Import" if "DL Import" in book.sheetnames else book.sheetnames[0]
        return list(islice(book.numbered_rows(name), 11))
    except xlsx.XlsxError as error:
        return str(error)


def head_rows(content: bytes) -> object:
    try:
        book = reader.open_head(io.BytesIO(content), 1)
        name = "DL Import" if "DL Import" in book.sheetnames else book.sheetnames[0]
        return list(islice(book.numbered_rows(name), 11))
    except xlsx.XlsxError as error:
        return str(error)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_malformed_xlsx_gives_the_same_first_rows_or_the_same_refusal_from_its_head(name):
    # Zip and entity bombs, sheets past Excel's limits, broken parts, bad cells …
    content, _ = MUTATIONS[name](template_file(12), random.Random(5))

    assert head_rows(content) == streamed_rows(content)


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_an_xls_or_ods_from_its_head_reads_as_the_whole_file(kind, converted):  # noqa: F811
    content = converted[kind].read_bytes()

    assert first_rows(content, head=1) == first_rows(content, head=0)
    truncated = content[: len(content) // 2]
    assert first_rows(truncated, head=1) == first_rows(truncated, head=0)
    assert "bị hỏng" in str(first_rows(truncated, head=1))
