"""The one entry point that opens an import file: .xlsx, .xls, .ods or .csv, by its content.

:func:`open_workbook` looks at the file's first bytes, not at its name: a zip holding
``xl/workbook.xml`` is an .xlsx (read by the bounded streaming reader of
:mod:`hotich.exchange.xlsx`), a zip whose ``mimetype`` member names an OpenDocument
spreadsheet is an .ods, an OLE2 compound file (``D0 CF 11 E0``) is an .xls (both read with
python-calamine), text opening a JSON array or object is an interconnection file
(:mod:`hotich.exchange.interconnection`), other text is a .csv (the standard library's csv
module), anything else is refused. Every reader gives the same interface: ``sheetnames``, ``numbered_rows(name)``
(row number, cell values) and ``reading``, a Vietnamese description of what was detected
(format, and for a .csv its encoding and separator), shown on the import page and in
``hotich import --json``. :func:`open_head` opens a file the same way for pages that read
only its header and first rows, at the cost of those rows.

Hostile input stays bounded as for .xlsx: the .ods members' uncompressed sizes are checked
against the upload's size before anything is decompressed, a sheet may hold at most
``MAX_CELLS`` cells (rows × columns) and ``xlsx.MAX_ROW`` rows, a .csv at most
``MAX_BYTES`` bytes and ``xlsx.MAX_ROW`` rows (a longer field than ``MAX_CSV_LINE`` is
a bad cell; the csv module refuses a field past its own 128 KB limit). A
broken file raises :class:`hotich.exchange.xlsx.XlsxError` with a Vietnamese message,
like a broken .xlsx.
"""

from __future__ import annotations

import codecs
import csv
import io
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import IO, Any, Protocol

from hotich.exchange import interconnection, plainxlsx, xlsx
from hotich.exchange.xlsbounds import NotCompound, xls_cells
from hotich.lib.legacy import detect_document

#: What every unreadable file raises (kept as the .xlsx reader's, which callers catch).
ReadError = xlsx.XlsxError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: A sheet read with calamine is held whole in memory: at most this many cells.
MAX_CELLS = 10_000_000
#: A .csv, .xls or .ods is read whole: at most this many bytes (the upload page's own limit).
MAX_BYTES = 200 * 1024 * 1024
#: The longest field a .csv may hold (Excel's cell limit).
MAX_CSV_LINE = xlsx.MAX_CELL_TEXT
CSV_SHEET = "CSV"
UNKNOWN = (
    "Không mở được tệp Excel (.xlsx, .xls), OpenDocument (.ods) hay CSV: không nhận ra nội "
    "dung tệp. Không dòng nào được nhập."
)
SEPARATORS = {",": "dấu phẩy “,”", ";": "dấu chấm phẩy “;”", "\t": "dấu tab"}
#: When only a .csv's first rows are read, its text is decoded this many bytes at a time.
HEAD_PIECE = 1 << 16


class Book(Protocol):
    """What the importer reads of any opened file."""

    reading: str

    @property
    def sheetnames(self) -> list[str]: ...

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]: ...


def _reraise_if_not_calamine(error: BaseException) -> None:
    """Re-raise ERROR unless it is calamine failing on the file.

    A panic in calamine's Rust code comes as pyo3's PanicException, a BaseException (and its
    module cannot be imported to name it): everything but an interruption is the file's fault.
    """
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise error


def _read_all(source: str | IO[bytes], limit: int) -> bytes:
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return _read_all(handle, limit)
    data = source.read(limit + 1)
    if len(data) > limit:
        raise ReadError(f"Tệp lớn hơn {limit // (1024 * 1024)} MB; hãy chia nhỏ tệp.")
    return data


def _head(source: str | IO[bytes], size: int = 8) -> bytes:
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read(size)
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def open_workbook(source: str | IO[bytes]) -> Book:
    """Open SOURCE (path or binary file) by its content; raise :class:`ReadError` if unreadable."""
    head = _head(source)
    if head.startswith(ZIP):
        try:
            with zipfile.ZipFile(source) as archive:
                mimetype = b""
                if "mimetype" in archive.namelist():
                    with archive.open("mimetype") as member:
                        mimetype = member.read(100)  # never the whole of a hostile member
        except xlsx.BROKEN as error:
            raise ReadError(
                "Không mở được tệp Excel (.xlsx) hay OpenDocument (.ods): tệp nén bị hỏng hoặc "
                "không đầy đủ. Không dòng nào được nhập."
            ) from error
        finally:
            if not isinstance(source, str):
                source.seek(0)
        if mimetype.strip() == ODS_MIMETYPE:
            return CalamineBook(source, kind="ods")
        return plainxlsx.PlainWorkbook(source)
    if head.startswith(OLE2):
        return CalamineBook(source, kind="xls")
    if interconnection.looks_like_json(_head(source, 256)):
        return interconnection.open_records(source)
    return CsvBook(source)


def open_head(source: str | IO[bytes], rows: int) -> Book:
    """Open SOURCE as :func:`open_workbook` does, to read its header and first ROWS rows only.

    The rows then cost what reading them costs, not a pass over the whole file: an .xlsx
    sheet is read by the bounded streaming reader unless the fast path reading it whole would
    be cheaper (:class:`XlsxHead`), and a .csv decodes only the lines read (:class:`CsvHead`:
    its encoding is still decided on the whole file, so its rows read as :class:`CsvBook`
    reads them). An .xls, .ods or interconnection file is opened as by :func:`open_workbook`:
    calamine and the JSON parser read a file whole, after the same bounds are checked. The
    refusals are those of :func:`open_workbook` and of the rows read.
    """
    if not _head(source).startswith((ZIP, OLE2)) and not interconnection.looks_like_json(
        _head(source, 256)
    ):
        return CsvHead(source)
    book = open_workbook(source)
    return XlsxHead(book, rows) if isinstance(book, plainxlsx.PlainWorkbook) else book


class XlsxHead:
    """An .xlsx opened for its first rows: each sheet streamed as far as it is read, unless it
    holds so few rows that the fast path, pre-scanning and loading it whole, is cheaper.

    The rows are the same either way (the fast path changes speed only).
    """

    #: Streaming a row costs about this many times what the fast path spends on one
    #: (bench/bench_mapping_preview.py: 5,000 rows streamed against a 5,000-row sheet whole).
    STREAMING_COST = 3

    def __init__(self, book: plainxlsx.PlainWorkbook, rows: int) -> None:
        self.book = book
        self.rows = rows
        self.reading = book.reading

    @property
    def sheetnames(self) -> list[str]:
        return self.book.sheetnames

    def estimated_rows(self, name: str) -> int | None:
        return self.book.estimated_rows(name)

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (row number, values) as :meth:`plainxlsx.PlainWorkbook.numbered_rows` does."""
        try:
            rows = self._rows_about(name)
        except (*xlsx.BROKEN, xlsx.XlsxError):
            rows = None  # the streaming reader says what is wrong with the sheet
        if rows is not None and rows < self.STREAMING_COST * self.rows:
            return self.book.numbered_rows(name)
        return self.book.streaming.numbered_rows(name)

    def _rows_about(self, name: str) -> int | None:
        """Return the rows sheet NAME declares, else an estimate: the rows that start in its
        first 64 KB, in proportion to its size (None for a sheet too small to tell)."""
        declared = self.book.estimated_rows(name)
        if declared is not None:
            return declared
        workbook = self.book.streaming
        part = workbook.paths[name]
        with workbook.open(part) as handle:
            sample = handle.read(1 << 16)
        rows = sample.count(b"<row ") + sample.count(b"<row>")
        if not rows:
            return None
        return rows * workbook.zip.getinfo(part).file_size // len(sample)


def _calamine_value(value: Any) -> Any:
    """Return calamine's VALUE as the .xlsx reader gives it (None for empty, whole numbers …)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime | date):
        return value  # cells.py reads a date as it reads the .xlsx reader's datetime
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, str) and len(value) > xlsx.MAX_CELL_TEXT:
        return xlsx.BadCell(
            f"Ô chứa văn bản dài {len(value)} ký tự, quá giới hạn {xlsx.MAX_CELL_TEXT}."
        )
    return value


class CalamineBook:
    """An .xls or .ods read with python-calamine, bounded as the module docstring says."""

    LABELS = {"xls": "Excel 97–2003 (.xls)", "ods": "OpenDocument (.ods)"}

    def __init__(self, source: str | IO[bytes], *, kind: str) -> None:
        from python_calamine import CalamineWorkbook

        self.kind = kind
        self.reading = self.LABELS[kind]
        data = _read_all(source, MAX_BYTES)
        if kind == "ods":
            self._check_members(data)
        if kind == "xls":
            self._check_cells(data)
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.names = list(self.book.sheet_names)
        except BaseException as error:
            _reraise_if_not_calamine(error)
            raise self._broken() from error

    def _broken(self) -> ReadError:
        return ReadError(
            f"Tệp {self.reading} bị hỏng hoặc không đầy đủ: không đọc được. Không dòng nào được "
            "nhập; hãy mở tệp bằng chương trình bảng tính, lưu lại rồi tải lên lại."
        )

    def _check_members(self, data: bytes) -> None:
        """Refuse an .ods whose members expand past the budget, before calamine opens it.

        The declared sizes are checked first; then every member is decompressed here through
        a counter (zipfile stops at the declared size and checks the CRC), so a header that
        lies about its size is caught too.
        """
        budget = max(xlsx.MIN_BUDGET, xlsx.EXPANSION * len(data))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                if sum(info.file_size for info in infos) > budget:
                    raise self._bomb(sum(info.file_size for info in infos), budget, len(data))
                total = 0
                for info in infos:
                    with archive.open(info) as member:
                        while chunk := member.read(1 << 16):
                            total += len(chunk)
                            if total > budget:
                                raise self._bomb(total, budget, len(data))
        except xlsx.XlsxError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as error:
            raise self._broken() from error
        except (
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as error:  # unknown compression, encrypted
            raise self._broken() from error

    def _check_cells(self, data: bytes) -> None:
        """Refuse an .xls whose sheets would take more than MAX_CELLS cells, before calamine
        opens it (it reads every sheet whole, as rows × columns from first to last cell)."""
        try:
            cells = xls_cells(data)
        except (NotCompound, struct.error, IndexError, ValueError) as error:
            raise self._broken() from error
        if cells > MAX_CELLS:
            raise ReadError(
                f"Tệp Excel 97–2003 (.xls) có {cells:,} ô (tính từ ô đầu đến ô cuối của mỗi "
                f"trang, cả ô trống ở giữa), quá {MAX_CELLS:,} ô đọc được một lần. Không dòng "
                "nào được nhập; hãy lưu tệp dạng .xlsx hoặc chia nhỏ tệp."
            )

    @staticmethod
    def _bomb(size: int, budget: int, upload: int) -> xlsx.XlsxLimitError:
        return xlsx.XlsxLimitError(
            f"Tệp OpenDocument (.ods) bị nén bất thường: giải nén ra hơn "
            f"{size // (1024 * 1024)} MB, quá giới hạn {budget // (1024 * 1024)} MB cho "
            f"một tệp {max(1, upload // 1024)} KB; tệp bị từ chối."
        )

    @property
    def sheetnames(self) -> list[str]:
        return list(self.names)

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (row number, values) of the sheet's non-empty rows, from row 1."""
        try:
            sheet = self.book.get_sheet_by_name(name)
        except BaseException as error:
            _reraise_if_not_calamine(error)
            raise self._broken() from error
        if sheet.height > xlsx.MAX_ROW or sheet.width > xlsx.MAX_COLUMN:
            raise ReadError(
                f"Trang “{name}” vượt quá {xlsx.MAX_ROW:,} dòng hoặc {xlsx.MAX_COLUMN:,} cột; "
                "tệp bị từ chối."
            )
        if sheet.height * sheet.width > MAX_CELLS:
            raise ReadError(
                f"Trang “{name}” có {sheet.height:,} dòng × {sheet.width:,} cột, quá "
                f"{MAX_CELLS:,} ô đọc được một lần; hãy chia nhỏ tệp."
            )
        # calamine's range starts at the first cell used: rows and columns before it are empty.
        first_row, first_column = sheet.start or (0, 0)
        pad = (None,) * first_column
        try:
            rows = sheet.to_python(skip_empty_area=True)
        except BaseException as error:
            _reraise_if_not_calamine(error)
            raise self._broken() from error
        for offset, raw in enumerate(rows):
            values = tuple(_calamine_value(v) for v in raw)
            while values and values[-1] is None:
                values = values[:-1]
            if values:
                yield first_row + offset + 1, pad + values


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, Vietnamese name of the encoding found) of a .csv's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 có BOM"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # One byte per character: Excel on Vietnamese Windows (cp1258), or text typed in a
    # legacy font (TCVN3, VNI), which is cp1252 bytes that lib.legacy reads back.
    as_cp1252 = "".join(_cp1252(data))
    legacy = detect_document(as_cp1252[:200_000])
    if legacy is not None:
        return as_cp1252, f"{legacy.upper()} (mã chữ cũ, đọc theo cp1252 rồi sửa sang Unicode)"
    try:
        # cp1258 writes most tones as combining marks after the letter: compose them.
        return unicodedata.normalize("NFC", data.decode("cp1258")), "Windows-1258 (cp1258)"
    except UnicodeDecodeError:
        return as_cp1252, "Windows-1252 (cp1252)"


def _cp1252(data: bytes) -> Iterator[str]:
    text = data.decode("cp1252", errors="surrogateescape")
    for ch in text:
        yield chr(ord(ch) - 0xDC00) if "\udc80" <= ch <= "\udcff" else ch


class CsvBook:
    """A .csv: one sheet, encoding and separator detected (see :func:`_decode`)."""

    def __init__(self, source: str | IO[bytes]) -> None:
        data = _read_all(source, MAX_BYTES)
        sample = data[:4096]
        if b"\x00" in sample or (sample and _binary_share(sample) > 0.1):
            raise ReadError(UNKNOWN + " Tệp không phải bảng tính cũng không phải văn bản.")
        self.text, encoding = _decode(data)
        first_line = self.text.split("\n", 1)[0]
        self.delimiter = max(SEPARATORS, key=first_line.count)
        if first_line.count(self.delimiter) == 0:
            # One column is no register's header: most likely not a table at all.
            raise ReadError(
                UNKNOWN + " Dòng đầu không có cột nào phân cách bằng dấu phẩy, chấm phẩy hay tab."
            )
        self.reading = f"CSV, mã hoá {encoding}, phân cách bằng {SEPARATORS[self.delimiter]}"

    @property
    def sheetnames(self) -> list[str]:
        return [CSV_SHEET]

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (line number, fields) of every non-empty record; empty fields as None."""
        if name != CSV_SHEET:
            return
        yield from _csv_records(io.StringIO(self.text, newline=""), self.delimiter)


def _decodes(data: bytes, codec: str, start: int = 0) -> bool:
    """Return True when DATA[START:] is text in CODEC (checked in pieces: no copy of it whole)."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for position in range(start, len(data), 1 << 20):
            decoder.decode(view[position : position + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")


def _one_byte(data: bytes) -> str:
    return "".join(_cp1252(data))


def _cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def _decoding(data: bytes) -> tuple[int, Callable[[bytes], str], str]:
    """Return how :func:`_decode` reads DATA, without decoding it whole: the bytes to skip (a
    BOM), how to decode a piece of the rest that ends at a line break, and the encoding's name.

    The same decisions in the same order: UTF-8 is decided on the whole file, a legacy font
    on the first 200,000 bytes, cp1258 against cp1252 on the whole file.
    """
    if data.startswith(b"\xef\xbb\xbf") and _decodes(data, "utf-8", 3):
        return 3, _utf8, "UTF-8 có BOM"
    if _decodes(data, "utf-8"):
        return 0, _utf8, "UTF-8"
    legacy = detect_document(_one_byte(data[:200_000]))
    if legacy is not None:
        return 0, _one_byte, f"{legacy.upper()} (mã chữ cũ, đọc theo cp1252 rồi sửa sang Unicode)"
    if _decodes(data, "cp1258"):
        return 0, _cp1258, "Windows-1258 (cp1258)"
    return 0, _one_byte, "Windows-1252 (cp1252)"


class CsvHead:
    """A .csv opened for its first rows (:func:`open_head`): the bounds, encoding, separator
    and refusals of :class:`CsvBook`, but only the lines read are decoded and parsed."""

    def __init__(self, source: str | IO[bytes]) -> None:
        self.data = _read_all(source, MAX_BYTES)
        sample = self.data[:4096]
        if b"\x00" in sample or (sample and _binary_share(sample) > 0.1):
            raise ReadError(UNKNOWN + " Tệp không phải bảng tính cũng không phải văn bản.")
        self.start, self.decode, encoding = _decoding(self.data)
        first_line = next(self._pieces(), "").split("\n", 1)[0]
        self.delimiter = max(SEPARATORS, key=first_line.count)
        if first_line.count(self.delimiter) == 0:
            raise ReadError(
                UNKNOWN + " Dòng đầu không có cột nào phân cách bằng dấu phẩy, chấm phẩy hay tab."
            )
        self.reading = f"CSV, mã hoá {encoding}, phân cách bằng {SEPARATORS[self.delimiter]}"

    @property
    def sheetnames(self) -> list[str]:
        return [CSV_SHEET]

    def _pieces(self) -> Iterator[str]:
        """Yield the text in pieces of about HEAD_PIECE bytes, each ending at a line break
        (where no character of these encodings, nor a composed one, is cut)."""
        data, position = self.data, self.start
        while position < len(data):
            end = data.find(b"\n", position + HEAD_PIECE)
            end = len(data) if end < 0 else end + 1
            yield self.decode(data[position:end])
            position = end

    def _lines(self) -> Iterator[str]:
        for piece in self._pieces():
            yield from io.StringIO(piece, newline="")

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (line number, fields) of every non-empty record, as :class:`CsvBook` does."""
        if name != CSV_SHEET:
            return
        yield from _csv_records(self._lines(), self.delimiter)


def _csv_records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (line number, fields) of the non-empty records of LINES, bounded as a .csv is."""
    reader = csv.reader(lines, delimiter=delimiter)
    number = 0
    try:
        for fields in reader:
            number += 1
            if number > xlsx.MAX_ROW:
                raise ReadError(f"Tệp CSV có hơn {xlsx.MAX_ROW:,} dòng; hãy chia nhỏ tệp.")
            if len(fields) > xlsx.MAX_COLUMN:
                raise ReadError(
                    f"Tệp CSV: dòng {number} có hơn {xlsx.MAX_COLUMN:,} cột; tệp bị từ chối."
                )
            values = tuple(_csv_value(f) for f in fields)
            while values and values[-1] is None:
                values = values[:-1]
            if values:
                yield number, values
    except csv.Error as error:
        raise ReadError(
            f"Tệp CSV bị hỏng ở dòng {number + 1}: {error}. Không dòng nào được nhập."
        ) from error


def _csv_value(text: str) -> str | xlsx.BadCell | None:
    if not text.strip():
        return None
    if len(text) > MAX_CSV_LINE:
        return xlsx.BadCell(f"Ô chứa văn bản dài {len(text)} ký tự, quá giới hạn {MAX_CSV_LINE}.")
    return text


def _binary_share(sample: bytes) -> float:
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return controls / len(sample)
