"""How many cells calamine would hold for an .xls, counted before calamine opens it.

calamine reads every sheet of an .xls when the workbook is opened, each as one dense range:
the rows × columns between its first and last cell. Two cells far apart in a file of a few
kilobytes are then a range of millions of cells. :func:`xls_cells` walks the file's compound
document (OLE2) to its ``Workbook`` stream and the stream's BIFF records, and adds up each
sheet's range from the positions of its cell records, reading nothing else. Blank cells
(``BLANK``, ``MULBLANK``: formatting only) are not cells for calamine and are not counted.
"""

from __future__ import annotations

import struct

#: BIFF records that hold one cell: row and column in their first four bytes.
_CELL_RECORDS = {0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E}
_MULRK = 0x00BD
_BOF = 0x0809
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class NotCompound(ValueError):
    """The bytes are not a compound document holding a workbook stream."""


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    sectors: list[int] = []
    while start not in (_END_OF_CHAIN, _FREE):
        if start >= len(fat) or len(sectors) > limit:
            raise NotCompound("broken sector chain")
        sectors.append(start)
        start = fat[start]
    return sectors


def _stream(data: bytes) -> bytes:
    """Return the Workbook (or BIFF5 Book) stream of the compound document DATA."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotCompound("not OLE2")
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector_size not in (512, 4096) or mini_size != 64:
        raise NotCompound("sector size")
    (
        fat_count,
        directory_start,
        _,
        cutoff,
        minifat_start,
        minifat_count,
        difat_start,
        difat_count,
    ) = struct.unpack_from("<IIIIIIII", data, 0x2C)
    limit = len(data) // sector_size + 1

    def sector(number: int) -> bytes:
        offset = (number + 1) * sector_size
        if offset + sector_size > len(data) + sector_size:
            raise NotCompound("sector past the end")
        return data[offset : offset + sector_size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    number = difat_start
    for _ in range(difat_count):
        if number in (_END_OF_CHAIN, _FREE) or len(difat) > limit:
            break
        values = struct.unpack(f"<{sector_size // 4}I", sector(number).ljust(sector_size, b"\0"))
        difat.extend(values[:-1])
        number = values[-1]
    fat: list[int] = []
    for number in difat[:fat_count]:
        if number in (_END_OF_CHAIN, _FREE):
            continue
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(number).ljust(sector_size, b"\0")))

    def read(start: int, size: int) -> bytes:
        return b"".join(sector(n) for n in _chain(fat, start, limit))[:size]

    directory = read(directory_start, limit * sector_size)
    entries = {}
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 0x40)[0]
        name = directory[offset : offset + min(length, 64)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<II", directory, offset + 0x74)
        entries[name.rstrip("\0")] = (start, size)
    found = entries.get("Workbook") or entries.get("Book")
    if found is None or "Root Entry" not in entries:
        raise NotCompound("no workbook stream")
    start, size = found
    if size >= cutoff:
        return read(start, size)
    # A small stream lives in the mini stream (64-byte sectors inside the root's stream).
    root_start, root_size = entries["Root Entry"]
    mini_stream = read(root_start, root_size)
    minifat_bytes = read(minifat_start, minifat_count * sector_size)
    minifat = list(
        struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4])
    )
    chain = _chain(minifat, start, len(mini_stream) // mini_size + 1)
    return b"".join(mini_stream[n * mini_size : (n + 1) * mini_size] for n in chain)[:size]


def xls_cells(data: bytes) -> int:
    """Return the cells of all the sheets' dense ranges calamine would build for DATA.

    Raise :class:`NotCompound` when DATA is not an OLE2 file with a workbook stream.
    """
    stream = _stream(data)
    total = 0
    box: list[int] | None = None  # first row, last row, first column, last column
    position = 0
    end = len(stream) - 4
    unpack = struct.unpack_from
    while position <= end:
        kind, length = unpack("<HH", stream, position)
        body = position + 4
        position = body + length
        if kind == _BOF:
            if box is not None:
                total += (box[1] - box[0] + 1) * (box[3] - box[2] + 1)
            box = None
            continue
        if kind in _CELL_RECORDS and length >= 4:
            row, first = unpack("<HH", stream, body)
            last = first
        elif kind == _MULRK and length >= 6:
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, body + length - 2)[0]
        else:
            continue
        if box is None:
            box = [row, row, first, last]
        else:
            box[0], box[1] = min(box[0], row), max(box[1], row)
            box[2], box[3] = min(box[2], first), max(box[3], last)
    if box is not None:
        total += (box[1] - box[0] + 1) * (box[3] - box[2] + 1)
    return total
