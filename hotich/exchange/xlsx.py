"""A streaming reader of .xlsx sheets: rows of cell values, in constant memory, fast.

openpyxl's read-only mode builds a Python object per cell, empty ones included; for the
Ministry's 70-column files that is most of an import's time. This reader walks the sheet's
XML with lxml's C parser, keeps only the cells that exist, and drops each row once read.
Values are what openpyxl gives with ``data_only=True``: text, int, float, bool, and
``datetime`` for numbers in a date format (openpyxl's own date-format rules are reused).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="(?:[A-Z]+\d+:)?[A-Z]+(\d+)"')


class XlsxError(ValueError):
    """The file is not a readable .xlsx workbook."""


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


class Workbook:
    """An opened .xlsx: its sheet names, and rows of any sheet on demand."""

    def __init__(self, source: str | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
            root = etree.fromstring(self.zip.read("xl/workbook.xml"))
            rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
            raise XlsxError(str(error)) from error
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship")}
        self.paths: dict[str, str] = {}
        for sheet in root.iter(f"{MAIN}sheet"):
            target = targets.get(sheet.get(f"{REL}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            self.paths[sheet.get("name", "")] = posixpath.normpath(path)
        pr = root.find(f"{MAIN}workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    @property
    def sheetnames(self) -> list[str]:
        return list(self.paths)

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings = []
        with self.zip.open("xl/sharedStrings.xml") as handle:
            for _, item in etree.iterparse(handle, tag=f"{MAIN}si"):
                # Phonetic runs (rPh) are not part of the text.
                strings.append(
                    "".join(
                        t.text or ""
                        for t in item.iter(f"{MAIN}t")
                        if t.getparent().tag != f"{MAIN}rPh"
                    )
                )
                item.clear()
        return strings

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        root = etree.fromstring(self.zip.read("xl/styles.xml"))
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

    def estimated_rows(self, name: str) -> int | None:
        """Return the last row number the sheet's dimension declares (None if absent)."""
        with self.zip.open(self.paths[name]) as handle:
            found = _DIMENSION.search(handle.read(4096))
        return int(found.group(1)) if found else None

    def _value(self, cell: Any) -> Any:
        kind = cell.get("t")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
        v = cell.find(f"{MAIN}v")
        if v is None or v.text is None:
            return None
        text = v.text
        if kind == "s":
            return self.strings[int(text)]
        if kind in ("str", "e"):
            return text
        if kind == "b":
            return text == "1"
        number: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        style = cell.get("s")
        if style is not None and int(style) in self.date_styles:
            return from_excel(number, self.epoch)
        return number

    def rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """Yield the sheet's rows from row 1 as tuples (an absent row as an empty tuple)."""
        expected = 1
        with self.zip.open(self.paths[name]) as handle:
            for _, row in etree.iterparse(handle, tag=f"{MAIN}row"):
                number = int(row.get("r") or expected)
                while expected < number:
                    yield ()
                    expected += 1
                values: list[Any] = []
                for position, cell in enumerate(row.iter(f"{MAIN}c")):
                    ref = cell.get("r")
                    index = _column_index(_REF.match(ref).group(1)) if ref else position
                    if index >= len(values):
                        values.extend([None] * (index + 1 - len(values)))
                    values[index] = self._value(cell)
                yield tuple(values)
                expected = number + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
