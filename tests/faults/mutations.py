"""Malformed import files: mutations of a file shaped like the Ministry's birth template.

The base file is written the way Excel writes one (shared strings, a styles part, a date
style), with every column of the birth register filled from its definition. Each mutation
takes the file's bytes and a random generator and returns new bytes plus what the importer
must do with them: ``"file"`` (refused as a whole, nothing written) or ``"row"`` (the bad
row is rejected with its row and column, the good rows are kept), or ``"any"`` when a random
mutation may land in either (a bit flip inside a deflated part, say).
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook

from hotich.exchange.layout import export_header
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.factories import sample_values

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
REGISTER = REGISTER_TYPES["KS"]


def template_file(rows: int = 20, *, year: int = 2008, start: int = 0) -> bytes:
    """Return a birth-register file of ROWS valid rows (numbers START+1 …), as Excel shapes it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "DL Import"
    sheet.append(export_header(REGISTER))
    for i in range(start, start + rows):
        values = sample_values(REGISTER, i, year)
        sheet.append([values.get(name) for name in REGISTER.column_names])
    # One real date cell (a date style in styles.xml), as typed in Excel.
    sheet.cell(row=2, column=REGISTER.column_names.index("nksNgaySinh") + 1).value = date(
        2008, 8, 15
    )
    out = io.BytesIO()
    workbook.save(out)
    return _share_strings(out.getvalue())


_INLINE = re.compile(
    rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>'
)


def _share_strings(data: bytes) -> bytes:
    """Move the sheet's inline strings into a shared-strings part, as Excel writes them."""
    parts = parts_of(data)
    table: dict[bytes, int] = {}

    def share(found: re.Match) -> bytes:
        index = table.setdefault(found.group(3), len(table))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (found.group(1), found.group(2), index)

    parts[SHEET] = _INLINE.sub(share, parts[SHEET])
    items = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % text for text in table)
    parts[STRINGS] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (len(table), len(table), items)
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return zipped(parts)


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _with_sheet(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    parts = parts_of(data)
    parts[SHEET] = change(parts[SHEET])
    return zipped(parts)


def _data_row(xml: bytes, rng: random.Random) -> int:
    rows = [int(n) for n in re.findall(rb'<row r="(\d+)"', xml) if int(n) > 1]
    return rng.choice(rows)


def _column_letter(name: str) -> str:
    index = REGISTER.column_names.index(name)
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _set_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """Replace cell REF (which exists) with the XML CELL."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)')
    assert pattern.search(xml), ref
    return pattern.sub(lambda _: cell, xml, count=1)


# --- whole-file breakage: nothing may be written ---------------------------------------


def truncate_file(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return data[: rng.randrange(0, len(data) - 1)], "file"


def garbage(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return rng.randbytes(rng.randrange(1, 4096)), "file"


def not_a_zip_but_text(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return "Đây không phải tệp Excel\n".encode() * rng.randrange(1, 50), "file"


def truncate_sheet_xml(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def cut(xml: bytes) -> bytes:
        start = xml.index(b"</row>") + 6  # keep at least the header row
        return xml[: rng.randrange(start, len(xml) - 12)]

    return _with_sheet(data, cut), "file"


def xml_garbage(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def spoil(xml: bytes) -> bytes:
        at = rng.randrange(xml.index(b"<sheetData>"), len(xml))
        return (
            xml[:at] + rng.choice([b"<<", b"</c></c>", b"&nope;", b"\x00", b"<row r="]) + xml[at:]
        )

    return _with_sheet(data, spoil), "file"


def missing_sheet(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    parts = parts_of(data)
    del parts[SHEET]
    return zipped(parts), "file"


def missing_workbook(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    parts = parts_of(data)
    del parts[rng.choice(["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])]
    return zipped(parts), "file"


def row_past_excel(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def far(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        huge = str(rng.choice([999_999_999, 1_048_577, 10**7])).encode()
        xml = xml.replace(f'<row r="{row}"'.encode(), b'<row r="' + huge + b'"', 1)
        return re.sub(rb'r="([A-Z]+)' + str(row).encode() + rb'"', rb'r="\g<1>' + huge + b'"', xml)

    return _with_sheet(data, far), "file"


def rows_out_of_order(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def swap(xml: bytes) -> bytes:
        return xml.replace(b'<row r="3"', b'<row r="1"', 1)

    return _with_sheet(data, swap), "file"


def entity_bomb(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def bomb(xml: bytes) -> bytes:
        entities = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
            b'<!ENTITY %s%d "%s">' % (b"e", i, (b"&e%d;" % (i - 1) if i else b"&a;") * 10)
            for i in range(9)
        )
        head = b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
        return head + xml.replace(b"<v>", b"<v>&e8;", 1)

    return _with_sheet(data, bomb), "file"


def shared_strings_bomb(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A small upload whose shared strings expand to over 100 MB."""
    parts = parts_of(data)
    text = b"<si><t>" + b"A" * 30_000 + b"</t></si>"
    strings = parts[STRINGS]
    at = strings.rindex(b"</sst>")
    parts[STRINGS] = strings[:at] + text * 4000 + strings[at:]
    return zipped(parts), "file"


# --- damage inside rows: the row is rejected, the others are kept ----------------------


def huge_number(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def big(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        column = rng.choice(["so", "trangSo"]) if "trangSo" in REGISTER.column_names else "so"
        value = rng.choice([b"100000000000000000000", b"1E+20", b"99999999999", b"1" * 400])
        ref = f"{_column_letter(column)}{row}"
        return _set_cell(xml, ref, b'<c r="' + ref.encode() + b'" t="n"><v>' + value + b"</v></c>")

    return _with_sheet(data, big), "row"


def not_a_number(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def bad(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        ref = f"{_column_letter('nksHoTen')}{row}"
        value = rng.choice([b"NaN", b"inf", b"--5", b"1e99999", b"abc", b"\xc2\xb2"])
        return _set_cell(xml, ref, b'<c r="' + ref.encode() + b'"><v>' + value + b"</v></c>")

    return _with_sheet(data, bad), "row"


def wrong_shared_index(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def bad(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        ref = f"{_column_letter('nksHoTen')}{row}"
        value = rng.choice([b"99999999", b"-1", b"x"])
        return _set_cell(xml, ref, b'<c r="' + ref.encode() + b'" t="s"><v>' + value + b"</v></c>")

    return _with_sheet(data, bad), "row"


def formula_error(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def bad(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        ref = f"{_column_letter('nksHoTen')}{row}"
        return _set_cell(
            xml, ref, b'<c r="' + ref.encode() + b'" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        )

    return _with_sheet(data, bad), "row"


def date_out_of_range(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def bad(xml: bytes) -> bytes:
        found = re.search(rb'<c r="([A-Z]+2)" s="(\d+)"[^>]*><v>[^<]*</v></c>', xml)
        assert found, "the base file has a date cell in row 2"
        ref, style = found.group(1), found.group(2)
        value = rng.choice([b"1e20", b"-99999999", b"3000000"])
        return xml.replace(
            found.group(0), b'<c r="' + ref + b'" s="' + style + b'"><v>' + value + b"</v></c>"
        )

    return _with_sheet(data, bad), "row"


def wrong_type(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A text column given a boolean or a number: read as such, checked as the column says."""

    def bad(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        ref = f"{_column_letter('nksNgaySinh')}{row}"
        cell = rng.choice([b'" t="b"><v>1</v></c>', b'" t="n"><v>3.75</v></c>'])
        return _set_cell(xml, ref, b'<c r="' + ref.encode() + cell)

    return _with_sheet(data, bad), "row"


def formula_without_value(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A required column holding a formula never calculated: the row lacks that value."""

    def bad(xml: bytes) -> bytes:
        row = _data_row(xml, rng)
        ref = f"{_column_letter('nksHoTen')}{row}"
        return _set_cell(xml, ref, b'<c r="' + ref.encode() + b'"><f>CONCAT(A1,B1)</f></c>')

    return _with_sheet(data, bad), "row"


def sparse_far_row(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The last row moved far down (within Excel's limit): it costs nothing and is imported."""

    def far(xml: bytes) -> bytes:
        last = max(int(n) for n in re.findall(rb'<row r="(\d+)"', xml))
        huge = str(rng.choice([1_000_000, 1_048_576, 65_536])).encode()
        xml = xml.replace(f'<row r="{last}"'.encode(), b'<row r="' + huge + b'"', 1)
        return re.sub(rb'r="([A-Z]+)' + str(last).encode() + rb'"', rb'r="\g<1>' + huge + b'"', xml)

    return _with_sheet(data, far), "ok"


# --- random damage: may be either -------------------------------------------------------


def bit_flips(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    spoilt = bytearray(data)
    for _ in range(rng.randrange(1, 16)):
        at = rng.randrange(len(spoilt))
        spoilt[at] ^= 1 << rng.randrange(8)
    return bytes(spoilt), "any"


def bit_flips_in_sheet_xml(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def flip(xml: bytes) -> bytes:
        spoilt = bytearray(xml)
        start = xml.index(b"<sheetData>")
        for _ in range(rng.randrange(1, 8)):
            at = rng.randrange(start, len(spoilt))
            spoilt[at] ^= 1 << rng.randrange(7)
        return bytes(spoilt)

    return _with_sheet(data, flip), "any"


def strings_bit_flips(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    parts = parts_of(data)
    spoilt = bytearray(parts[STRINGS])
    for _ in range(rng.randrange(1, 8)):
        at = rng.randrange(len(spoilt))
        spoilt[at] ^= 1 << rng.randrange(7)
    parts[STRINGS] = bytes(spoilt)
    return zipped(parts), "any"


MUTATIONS: dict[str, Callable[[bytes, random.Random], tuple[bytes, str]]] = {
    f.__name__: f
    for f in (
        truncate_file,
        garbage,
        not_a_zip_but_text,
        truncate_sheet_xml,
        xml_garbage,
        missing_sheet,
        missing_workbook,
        row_past_excel,
        rows_out_of_order,
        entity_bomb,
        shared_strings_bomb,
        huge_number,
        not_a_number,
        wrong_shared_index,
        formula_error,
        date_out_of_range,
        wrong_type,
        formula_without_value,
        sparse_far_row,
        bit_flips,
        bit_flips_in_sheet_xml,
        strings_bit_flips,
    )
}
