"""The fast path for .xlsx: a file proven plain by a cheap pre-scan is read with calamine.

The bounded streaming reader (:mod:`hotich.exchange.xlsx`) spends most of an import's
reading time in Python, per cell. python-calamine reads the same sheet about ten times faster,
but it trusts the file: it decompresses members whole, loads a sheet as one dense range
(rows × columns of the cells' bounding box), and reads formulas, error cells and dates by its
own rules. So it reads a sheet only when a pre-scan of the sheet's bytes has proven that
calamine gives exactly what the streaming reader would, within bounded memory:

- every member read (the sheet, the shared strings) is stored or deflated, not encrypted,
  declares at most the streaming reader's budget (``xlsx.EXPANSION`` times the upload, at
  least ``xlsx.MIN_BUDGET``), and its deflate stream ends exactly at its declared size with
  its declared CRC (decompressed here, in pieces, through a counter: a header that lies
  about its size is caught);
- no formula (``<f>``), no error cell (``t="e"``), no number of 16 digits or more (calamine
  reads numbers as 64-bit floats), no namespace prefix on the sheet's elements;
- every row and every cell carries its reference, rows in increasing order, no cell past
  its row or its piece's last column: the bounding box is known, and rows × columns is at
  most :data:`MAX_CELLS` (the dense range calamine builds: about 60 bytes a cell);
- no ISO date cell (``t="d"``), no phonetic run in inline text;
- no number format that the two readers would read differently (elapsed times ``[h]``, the
  East Asian built-in date formats): a date cell is a date for both.

Anything else goes to the streaming reader, which refuses, rejects the bad cell or reads the
file as before: the fast path changes speed only. A sheet calamine fails to load goes there too
(loading happens before the first row is given, so nothing was read from it yet).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from hotich.exchange import xlsx

#: The largest dense range (rows × columns) a sheet may have to be read by calamine; past
#: it the streaming reader reads it with flat memory. 100,000 rows of 70 columns is 7 million.
MAX_CELLS = 8_000_000
#: Decompressed bytes scanned at a time.
PIECE = 1 << 20
#: Built-in number formats both readers read alike (not 23–36, 50–163: East Asian dates,
#: read as dates by calamine only; not 46, [h]:mm:ss, a duration for calamine).
SAFE_BUILTIN = set(range(0, 23)) | set(range(37, 46)) | {47, 48, 49}

_FORMULA = re.compile(rb"<f[ >/]")
_PREFIXED = re.compile(rb"<\w+:(?:sheetData|row|c|f|v|is|t)[ >/]")
_BIG_NUMBER = re.compile(rb"<v>\s*-?\d{16}")
_BARE_CELL = re.compile(rb"<c[>/]")
#: Every value of a cell; calamine reads a number the streaming reader would refuse (NaN,
#: inf, 1e99999) as a float, so only plain decimals are left to it.
#: Found in one pass of the regex engine (a loop over every value costs seconds): a value
#: that is not a plain decimal.
_NOT_PLAIN_VALUE = re.compile(rb"<v>(?!-?\d{1,15}(?:\.\d{1,15})?</v>)[^<]*</v>")
_SHARED_VALUE = re.compile(rb'<c [^>]*\bt="s"[^>]*><v>([^<]*)</v>')
_PREFIXED_STRINGS = re.compile(rb"<\w+:(?:sst|si|r|t)[ >/]")
_ROW = re.compile(rb'<row r="(\d{1,7})"')
_LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})\d')


def _above(limit: str, low: str, high: str) -> bytes:
    """Return a regex matching runs of characters in LOW..HIGH that stand for more than LIMIT
    (longer, or as long and greater at the first difference); LIMIT has no leading zero."""
    parts = [f"[{low}-{high}]{{{len(limit) + 1},}}"]
    for i, ch in enumerate(limit):
        if ch < high:
            rest = len(limit) - i - 1
            parts.append(
                f"{re.escape(limit[:i])}[{chr(ord(ch) + 1)}-{high}][{low}-{high}]{{{rest}}}"
            )
    return ("(?:" + "|".join(parts) + ")").encode()


@lru_cache(maxsize=4096)
def _outside(rows: int, column: str) -> re.Pattern[bytes]:
    """A cell reference past row ROWS or column COLUMN."""
    return re.compile(
        rb'<c r="(?:'
        + _above(column, "A", "Z")
        + rb"[0-9]|[A-Z]+"
        + _above(str(rows), "0", "9")
        + rb'")'
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _calamine_kind(code: str) -> str:
    """Return how calamine reads numbers in custom format CODE: "date", "duration" or "number".

    The rule of calamine's own format detection (first section only, quoted text, escapes and
    brackets skipped, an elapsed ``[h]``/``[m]``/``[s]`` making a duration).
    """
    escaped = quoted = ampm = False
    brackets = 0
    previous = " "
    elapsed = False
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return "number"
        elif ch == "[":
            brackets += 1
        elif ch == "]":
            if brackets == 1 and elapsed:
                return "duration"
            brackets = max(0, brackets - 1)
        elif ch in "aA" and not ampm and brackets == 0:
            ampm = True
        elif ampm and brackets == 0 and ch in "pm/PM":
            return "date"
        elif not ampm and brackets == 0 and ch in "dmhysDMHYS":
            return "date"
        elif not (elapsed and ch.lower() == previous.lower()):
            elapsed = previous == "[" and ch in "mhsMHS"
        previous = ch
    return "number"


def formats_agree(workbook: xlsx.Workbook) -> bool:
    """Return True when every cell style's number format reads alike in both readers."""
    if "xl/styles.xml" not in workbook.names:
        return True
    from lxml import etree

    root = etree.fromstring(workbook._read("xl/styles.xml"), xlsx._parser())
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{xlsx.MAIN}numFmt")
    }
    xfs = root.find(f"{xlsx.MAIN}cellXfs")
    for xf in [] if xfs is None else xfs.iter(f"{xlsx.MAIN}xf"):
        text = xf.get("numFmtId", "0")
        if not text.isdigit():
            return False
        number = int(text)
        if number in custom:
            code = custom[number]
            kind = _calamine_kind(code)
            if kind == "duration" or (kind == "date") != is_date_format(code):
                return False
        elif number not in SAFE_BUILTIN and number in BUILTIN_FORMATS:
            return False
        elif number not in SAFE_BUILTIN and number < 164:
            return False
    return True


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes] | None:
    """Return the member's decompressed bytes in pieces, or None if it cannot be proven whole.

    The pieces raise :class:`NotPlain` if the stream does not end exactly at the declared size
    with the declared CRC.
    """
    if (
        info.file_size > budget
        or info.flag_bits & 0x1
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or archive.fp is None
    ):
        return None
    return _read_member(archive.fp, info)


class NotPlain(Exception):
    """The pre-scan found something only the streaming reader reads as it should."""


def _read_member(fp: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise NotPlain
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    produced = 0
    crc = 0
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0 or (inflate is not None and inflate.unconsumed_tail):
        data = b""
        if inflate is not None and inflate.unconsumed_tail:
            piece = inflate.decompress(inflate.unconsumed_tail, PIECE)
        else:
            data = fp.read(min(left, PIECE))
            if not data:
                raise NotPlain
            left -= len(data)
            piece = data if inflate is None else inflate.decompress(data, PIECE)
        produced += len(piece)
        if produced > info.file_size:
            raise NotPlain
        crc = zlib.crc32(piece, crc)
        if piece:
            yield piece
        if inflate is not None and inflate.eof:
            break
    if inflate is not None and (not inflate.eof or inflate.unconsumed_tail or left):
        raise NotPlain
    if produced != info.file_size or crc != info.CRC:
        raise NotPlain


def _strings_plain(workbook: xlsx.Workbook, budget: int) -> int | None:
    """Return how many shared strings there are when they are provably whole and unprefixed
    (0 without a strings part), else None."""
    part = "xl/sharedStrings.xml"
    if part not in workbook.names:
        return 0
    pieces = _pieces(workbook.zip, workbook.zip.getinfo(part), budget)
    if pieces is None:
        return None
    carry = b""
    count = 0
    try:
        for piece in pieces:
            data = carry + piece
            cut = max(0, data.rfind(b"<"))
            if _PREFIXED_STRINGS.search(data, 0, cut):
                return None
            count += data.count(b"<si>", 0, cut) + data.count(b"<si ", 0, cut)
            carry = data[cut:]
    except NotPlain:
        return None
    if _PREFIXED_STRINGS.search(carry):
        return None
    return count + carry.count(b"<si>") + carry.count(b"<si ")


def _refuse(*_args: Any) -> None:
    raise NotPlain


def _well_formed() -> Any:
    """Return an XML parser that only checks the sheet is well-formed and declares nothing
    (a DOCTYPE or entity is the streaming reader's to refuse); it raises on anything else."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ProcessingInstructionHandler = _refuse
    return parser


def sheet_is_plain(workbook: xlsx.Workbook, name: str) -> tuple[bool, int]:
    """Return (whether calamine reads sheet NAME exactly as the streaming reader, its cells).

    The cells are the dense range's rows × columns, bounded by :data:`MAX_CELLS`.
    """
    part = workbook.paths.get(name)
    if part is None or part not in workbook.names:
        return False, 0
    budget = workbook.budget
    strings = _strings_plain(workbook, budget)
    if strings is None:
        return False, 0
    pieces = _pieces(workbook.zip, workbook.zip.getinfo(part), budget)
    if pieces is None:
        return False, 0
    last_row = 0
    widest = 0
    carry = b""
    far_dates = _far_dates(workbook.date_styles)
    parser = _well_formed()
    try:
        for piece in pieces:
            parser.Parse(piece, False)
            data = carry + piece
            # Cut before the last row or cell that starts in this piece: no tag is split.
            cut = max(data.rfind(b"<row "), data.rfind(b"<c "))
            if cut <= 0:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            found = _check_block(block, last_row, strings, far_dates)
            if found is None:
                return False, 0
            last_row, columns = found
            widest = max(widest, columns)
        parser.Parse(b"", True)
        found = _check_block(carry, last_row, strings, far_dates)
        if found is None:
            return False, 0
        last_row, columns = found
        widest = max(widest, columns)
    except (NotPlain, expat.ExpatError):
        return False, 0
    cells = last_row * widest
    return cells <= MAX_CELLS, cells


def _far_dates(styles: set[int]) -> re.Pattern[bytes] | None:
    """Return a pattern of a cell of STYLES (date styles) whose number may be no date.

    Excel's last date is serial 2,958,465 (31/12/9999): a date-styled number of seven
    digits or more, or a negative one, may lie outside the dates. Calamine then gives the
    bare number where the streaming reader gives an unreadable date, so such a sheet is
    streamed (the rare valid serials of seven digits too, read alike by both).
    """
    if not styles:
        return None
    alternatives = b"|".join(str(style).encode() for style in sorted(styles))
    return re.compile(rb'<c [^>]*\bs="(?:' + alternatives + rb')"[^>]*><v>\s*(?:-|\d{7})')


def _check_block(
    block: bytes, last_row: int, strings: int, far_dates: re.Pattern[bytes] | None = None
) -> tuple[int, int] | None:
    """Check one block of whole rows and cells; return (last row number, widest column).

    STRINGS is the number of shared strings: an index past them, or one that is no number,
    is a bad cell the streaming reader reports with its row and column."""
    if (
        (b"<f" in block and _FORMULA.search(block))
        or b't="e"' in block
        or b't="d"' in block
        or b"<rPh" in block
        or ((b":f" in block or b":c" in block or b":row" in block) and _PREFIXED.search(block))
        or _BIG_NUMBER.search(block)
        or _BARE_CELL.search(block)
        or (far_dates is not None and far_dates.search(block))
    ):
        return None
    cells = block.count(b"<c ")
    if cells != block.count(b'<c r="'):
        return None
    if _NOT_PLAIN_VALUE.search(block):
        return None
    indices = _SHARED_VALUE.findall(block)
    # Every index a number (none empty, all digits) and below the strings' count.
    if indices and (
        not all(indices)
        or not b"".join(indices).isdigit()
        or max(map(len, indices)) > 9
        or max(map(int, indices)) >= strings
    ):
        return None
    rows = block.count(b"<row")
    numbers = [int(m) for m in _ROW.findall(block)]
    if len(numbers) != rows:
        return None
    for number in numbers:
        if not last_row < number <= xlsx.MAX_ROW:
            return None
        last_row = number
    # The widest column: the last cell of each row (then no cell may lie past it).
    widest = 0
    for end in _row_ends(block):
        start = block.rfind(b'<c r="', 0, end)
        if start >= 0:
            found = _LAST_CELL.match(block, start)
            if found is None:
                return None
            widest = max(widest, _column_number(found.group(1)))
    if cells and (widest == 0 or widest > xlsx.MAX_COLUMN):
        return None
    if cells and last_row == 0:
        return None
    if cells and _outside(last_row, _letters(widest)).search(block):
        return None
    return last_row, widest


def _row_ends(block: bytes) -> Iterator[int]:
    position = block.find(b"</row>")
    while position >= 0:
        yield position
        position = block.find(b"</row>", position + 6)
    # A row still open at the block's end (its closing tag in the next piece).
    yield len(block)


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _value(value: Any) -> Any:
    """Return calamine's VALUE as the streaming reader gives it."""
    if value == "":
        return None
    if value.__class__ is float:
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.fromordinal(value.toordinal())
    if isinstance(value, str) and len(value) > xlsx.MAX_CELL_TEXT:
        return xlsx.BadCell(
            f"Ô chứa văn bản dài {len(value)} ký tự, quá giới hạn {xlsx.MAX_CELL_TEXT}."
        )
    return value


class PlainWorkbook:
    """An .xlsx whose sheets are read with calamine when proven plain, else streamed.

    Same interface as :class:`hotich.exchange.xlsx.Workbook` (whose checks it reuses).
    """

    reading = xlsx.Workbook.reading

    def __init__(self, source: str | IO[bytes]) -> None:
        self.streaming = xlsx.Workbook(source)
        self.source = source
        self.sheets: dict[str, Any] = {}
        self.loaded_cells = 0
        self.agree: bool | None = None
        self.calamine: Any = None

    @property
    def sheetnames(self) -> list[str]:
        return self.streaming.sheetnames

    def estimated_rows(self, name: str) -> int | None:
        return self.streaming.estimated_rows(name)

    def _sheet(self, name: str) -> Any:
        """Return the calamine sheet NAME if it is proven plain and loads, else None."""
        if name in self.sheets:
            return self.sheets[name]
        self.sheets[name] = None
        if self.agree is None:
            try:
                self.agree = formats_agree(self.streaming)
            except xlsx.BROKEN:
                self.agree = False
        if not self.agree:
            return None
        try:
            plain, cells = sheet_is_plain(self.streaming, name)
        except xlsx.BROKEN:
            return None
        if not plain or self.loaded_cells + cells > MAX_CELLS:
            return None
        try:
            from python_calamine import CalamineWorkbook

            if self.calamine is None:
                if isinstance(self.source, str):
                    self.calamine = CalamineWorkbook.from_path(self.source)
                else:
                    self.source.seek(0)
                    self.calamine = CalamineWorkbook.from_filelike(self.source)
            sheet = self.calamine.get_sheet_by_name(name)
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            return None
        if sheet.height * sheet.width > MAX_CELLS - self.loaded_cells:
            return None
        self.loaded_cells += cells
        self.sheets[name] = sheet
        return sheet

    def rows_count(self, name: str) -> int:
        """Return how many rows :meth:`numbered_rows` yields for NAME, reading it through
        (raising as that does), without giving each cell's value."""
        sheet = self._sheet(name)
        if sheet is None:
            return sum(1 for _ in self.streaming.numbered_rows(name))
        # numbered_rows gives a row unless every cell is "" (empty), the one value it drops.
        return sum(1 for raw in sheet.iter_rows() if len(raw) > raw.count(""))

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield (row number, values) as :meth:`xlsx.Workbook.numbered_rows` does."""
        sheet = self._sheet(name)
        if sheet is None:
            yield from self.streaming.numbered_rows(name)
            return
        first_row, first_column = sheet.start or (0, 0)
        pad = (None,) * first_column
        limit = xlsx.MAX_CELL_TEXT
        for offset, raw in enumerate(sheet.iter_rows()):
            # Most cells are text or floats: only the others go through _value.
            values = [v if v.__class__ is str and 0 < len(v) <= limit else _value(v) for v in raw]
            end = len(values)
            while end and values[end - 1] is None:
                end -= 1
            if end:
                yield first_row + offset + 1, pad + tuple(values[:end])
