"""A streaming reader of .xlsx sheets: rows of cell values, bounded by the file's real size.

openpyxl's read-only mode builds a Python object per cell, empty ones included; for the
Ministry's 70-column files that is most of an import's time. This reader walks the sheet's
XML with lxml's C parser, keeps only the cells that exist, and drops each row once read.
Values are what openpyxl gives with ``data_only=True``: text, int, float, bool, and
``datetime`` for numbers in a date format (openpyxl's own date-format rules are reused).

Uploaded files are not trusted. Everything the reader does is bounded by the upload itself:

- a part of the workbook may expand to at most ``EXPANSION`` times the upload's size (and
  at least ``MIN_BUDGET``), counted while it is decompressed: a zip bomb is refused early;
- only rows and cells that exist cost anything: a row numbered 999,999,999 is one row;
- row and column numbers past Excel's own limits, rows out of order, cells whose reference
  is not a cell, and XML that does not parse make the whole file unreadable (:class:`XlsxError`);
- a cell whose value cannot be what its type says (a number that is not one, a shared string
  that does not exist, an Excel error such as ``#DIV/0!``, text longer than Excel allows,
  a date out of range) is read as a :class:`BadCell`: its row is rejected, the others are not;
- no DTD, no entity expansion, no network.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_INTEGER = re.compile(r"-?\d{1,300}")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="(?:[A-Z]+\d+:)?[A-Z]+(\d+)"')

#: Excel's own limits (a file past them was not written by a spreadsheet program).
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
MAX_CELL_TEXT = 32_767
#: A part of the workbook may decompress to this many times the upload's size …
EXPANSION = 100
#: … and always to this many bytes (small files of a few rows have little to compress).
MIN_BUDGET = 8 * 1024 * 1024

#: What can go wrong reading a damaged zip or its XML (all of it means "unreadable file").
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    etree.LxmlError,
    EOFError,
    OSError,
    KeyError,
    ValueError,
    IndexError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
)
#: The same, for the other readers of hotich/exchange/reader.py.
BROKEN = _BROKEN


class XlsxError(ValueError):
    """The file is not a readable .xlsx workbook; the message says why, in Vietnamese."""


class XlsxLimitError(XlsxError):
    """The file expands past what its size allows (a compression bomb)."""


@dataclass(frozen=True)
class BadCell:
    """A cell whose stored value cannot be read; ``reason`` says why, in Vietnamese."""

    reason: str


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


class _Bounded:
    """A zip member read through a counter: refuses to yield more than LIMIT bytes."""

    def __init__(self, handle: IO[bytes], *, name: str, limit: int) -> None:
        self.handle = handle
        self.name = name
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size if size and size > 0 else 1 << 16)
        self.count += len(chunk)
        if self.count > self.limit:
            raise XlsxLimitError(
                f"Tệp Excel bị nén bất thường: phần “{self.name}” giải nén ra hơn "
                f"{self.limit // (1024 * 1024)} MB so với tệp chỉ "
                f"{max(1, self.limit // EXPANSION // 1024)} KB; tệp bị từ chối."
            )
        return chunk

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> _Bounded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _iterparse(handle: Any, tag: str) -> Any:
    return etree.iterparse(
        handle,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


class _SharedStrings:
    """The workbook's shared strings, parsed only as far as the cells read so far need."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.items: list[str | BadCell] = []
        self.source: Iterator[Any] | None = None
        self.handle: Any = None
        self.exhausted = "xl/sharedStrings.xml" not in workbook.names

    def _more(self) -> bool:
        if self.exhausted:
            return False
        if self.source is None:
            self.handle = self.workbook.open("xl/sharedStrings.xml")
            self.source = iter(_iterparse(self.handle, f"{MAIN}si"))
        try:
            _, item = next(self.source)
        except StopIteration:
            self.exhausted = True
            self.handle.close()
            return False
        except _BROKEN as error:
            raise self.workbook.broken(error, "xl/sharedStrings.xml") from error
        # Phonetic runs (rPh) are not part of the text.
        text = "".join(
            t.text or "" for t in item.iter(f"{MAIN}t") if t.getparent().tag != f"{MAIN}rPh"
        )
        self.items.append(
            text
            if len(text) <= MAX_CELL_TEXT
            else BadCell(f"Ô chứa văn bản dài {len(text)} ký tự, quá giới hạn {MAX_CELL_TEXT}.")
        )
        item.clear()
        while item.getprevious() is not None:
            del item.getparent()[0]
        return True

    def get(self, index: int) -> str | BadCell:
        while index >= len(self.items):
            if not self._more():
                return BadCell(f"Ô trỏ tới chuỗi dùng chung số {index}, tệp không có chuỗi này.")
        return self.items[index]


class Workbook:
    """An opened .xlsx: its sheet names, and rows of any sheet on demand."""

    reading = "Excel (.xlsx)"

    def __init__(self, source: str | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
            self.size = sum(i.compress_size for i in self.zip.infolist())
            self.names = set(self.zip.namelist())
            self.budget = max(MIN_BUDGET, EXPANSION * self.size)
            root = etree.fromstring(self._read("xl/workbook.xml"), _parser())
            rels = etree.fromstring(self._read("xl/_rels/workbook.xml.rels"), _parser())
            targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship")}
            self.paths: dict[str, str] = {}
            for sheet in root.iter(f"{MAIN}sheet"):
                target = targets.get(sheet.get(f"{REL}id")) or ""
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )
                self.paths[sheet.get("name", "")] = posixpath.normpath(path)
            pr = root.find(f"{MAIN}workbookPr")
            date1904 = pr is not None and pr.get("date1904") in ("1", "true")
            self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
            self.date_styles = self._date_styles()
        except XlsxError:
            raise
        except _BROKEN as error:
            raise XlsxError(
                "Không mở được tệp Excel (.xlsx): tệp hỏng hoặc không phải .xlsx."
            ) from error
        self.strings = _SharedStrings(self)

    def broken(self, error: BaseException, part: str) -> XlsxError:
        """Return the error that says PART of the file cannot be read (limits say so)."""
        if isinstance(error, XlsxError):
            return error
        where = ""
        if isinstance(error, etree.XMLSyntaxError) and error.lineno:
            where = f" (dòng {error.lineno}, cột {error.offset} của phần XML)"
        return XlsxError(
            f"Tệp Excel bị hỏng: không đọc được phần “{part}”{where}. Không dòng nào được nhập; "
            "hãy mở tệp bằng Excel, lưu lại rồi tải lên lại."
        )

    def open(self, part: str) -> _Bounded:
        info = self.zip.getinfo(part)
        if info.file_size > self.budget:
            raise XlsxLimitError(
                f"Tệp Excel bị nén bất thường: phần “{part}” giải nén ra "
                f"{info.file_size // (1024 * 1024)} MB, quá giới hạn "
                f"{self.budget // (1024 * 1024)} MB cho một tệp {max(1, self.size // 1024)} KB."
            )
        return _Bounded(self.zip.open(info), name=part, limit=self.budget)

    def _read(self, part: str) -> bytes:
        with self.open(part) as handle:
            chunks = []
            while chunk := handle.read(1 << 16):
                chunks.append(chunk)
        return b"".join(chunks)

    @property
    def sheetnames(self) -> list[str]:
        return list(self.paths)

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.names:
            return set()
        root = etree.fromstring(self._read("xl/styles.xml"), _parser())
        formats = dict(BUILTIN_FORMATS)
        for fmt in root.iter(f"{MAIN}numFmt"):
            formats[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        xfs = root.find(f"{MAIN}cellXfs")
        if xfs is None:
            return set()
        return {
            index
            for index, xf in enumerate(xfs.iter(f"{MAIN}xf"))
            if is_date_format(formats.get(int(xf.get("numFmtId", "0")), ""))
        }

    def _value(self, cell: Any) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            if len(text) > MAX_CELL_TEXT:
                return BadCell(
                    f"Ô chứa văn bản dài {len(text)} ký tự, quá giới hạn {MAX_CELL_TEXT}."
                )
            return text
        v = cell.find(f"{MAIN}v")
        if v is None or v.text is None:
            return None
        text = v.text
        if len(text) > MAX_CELL_TEXT:
            return BadCell(f"Ô chứa giá trị dài {len(text)} ký tự, quá giới hạn {MAX_CELL_TEXT}.")
        if kind == "s":
            if not text.strip().isdigit():
                return BadCell(f"Ô trỏ tới chuỗi dùng chung “{text[:20]}”, không phải số thứ tự.")
            return self.strings.get(int(text))
        if kind == "str":
            return text
        if kind == "e":
            return BadCell(f"Ô có lỗi công thức {text[:20]}.")
        if kind == "b":
            return text == "1"
        number: int | float
        try:
            number = int(text) if _INTEGER.fullmatch(text.strip()) else float(text)
        except ValueError:
            return BadCell(f"Ô số có giá trị “{text[:20]}”, không phải số.")
        if isinstance(number, float) and not math.isfinite(number):
            return BadCell(f"Ô số có giá trị “{text[:20]}”, không phải số hữu hạn.")
        style = cell.get("s")
        if style is not None and style.isdigit() and int(style) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError, TypeError):
                return BadCell(f"Ô ngày tháng có giá trị {text[:20]}, ngoài khoảng ngày hợp lệ.")
        return number

    def rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """Yield the sheet's rows from row 1 as tuples (an absent row as an empty tuple).

        As openpyxl gives them, gaps included; importers read :meth:`numbered_rows`, where a
        gap costs nothing.
        """
        expected = 1
        for number, values in self.numbered_rows(name):
            while expected < number:
                yield ()
                expected += 1
            yield values
            expected = number + 1

    def estimated_rows(self, name: str) -> int | None:
        """Return the last row number the sheet's dimension declares (None if absent)."""
        with self.open(self.paths[name]) as handle:
            found = _DIMENSION.search(handle.read(4096))
        return int(found.group(1)) if found else None

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (row number, cell values) for every row the sheet holds, from the top.

        Rows the sheet does not hold are not yielded (they cost nothing, whatever their
        numbers). Raise :class:`XlsxError` as soon as the sheet is found broken.
        """
        part = self.paths.get(name, "")
        try:
            handle = self.open(part)
        except _BROKEN as error:
            raise self.broken(error, part) from error
        with handle:
            previous = 0
            events = iter(_iterparse(handle, f"{MAIN}row"))
            while True:
                try:
                    found = next(events, None)
                    if found is None:
                        return
                    row = found[1]
                    number = self._row_number(row, previous, part)
                    values = self._row_values(row, part)
                except _BROKEN as error:
                    raise self.broken(error, part) from error
                yield number, values
                previous = number
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    @staticmethod
    def _row_number(row: Any, previous: int, part: str) -> int:
        text = row.get("r")
        if text is None:
            number = previous + 1
        elif text.isdigit() and len(text) <= 7:
            number = int(text)
        else:
            raise XlsxError(
                f"Tệp Excel bị hỏng: dòng có số “{text[:20]}” không phải số dòng (phần “{part}”). "
                "Không dòng nào được nhập."
            )
        if not previous < number <= MAX_ROW:
            raise XlsxError(
                f"Tệp Excel bị hỏng: dòng số {number} đứng sau dòng {previous} "
                f"hoặc vượt quá {MAX_ROW:,} dòng của Excel (phần “{part}”). Không dòng nào được nhập."
            )
        return number

    def _row_values(self, row: Any, part: str) -> tuple[Any, ...]:
        values: list[Any] = []
        for cell in row.iter(f"{MAIN}c"):
            ref = cell.get("r")
            if ref is None:
                index = len(values)
            else:
                found = _REF.fullmatch(ref)
                if found is None:
                    raise XlsxError(
                        f"Tệp Excel bị hỏng: ô có tham chiếu “{ref[:20]}” không phải ô bảng tính "
                        f"(phần “{part}”). Không dòng nào được nhập."
                    )
                index = _column_index(found.group(1))
            if index >= MAX_COLUMN:
                raise XlsxError(
                    f"Tệp Excel bị hỏng: một ô vượt quá cột cuối cùng của Excel ({MAX_COLUMN:,}). "
                    "Không dòng nào được nhập."
                )
            if index >= len(values):
                values.extend([None] * (index + 1 - len(values)))
            values[index] = self._value(cell)
        return tuple(values)
