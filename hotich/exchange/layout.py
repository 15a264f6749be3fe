"""Which kind of file a spreadsheet is, and which register column each of its columns feeds.

Three kinds of file are read (no Django, no I/O here):

- ``ministry``: the Ministry "DL Import" template of a register type; header cells carry
  noise (``"so "``, ``"loaiDangKy \\ni=[1,…,6]"``) that :func:`header_key` removes;
- ``handover``: the registry side's handover file (sheet ``DL_GOC``): the same columns in
  CAPITALS, plus the entering unit (``DC_DVNHAPHUYEN``, ``DC_DVNHAPXA``);
- ``mapped``: any other export (MISA and the like) read through a saved column mapping;
- ``lienthong``: the interconnection layout's JSON records (:mod:`.interconnection`), whose
  reader gives the register and the fields itself.

The register definitions drive everything: no register type has code of its own here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from hotich.lib.text import fold
from hotich.registers.spec import REGISTER_TYPES, RegisterType, header_key

MINISTRY = "ministry"
HANDOVER = "handover"
MAPPED = "mapped"
INTERCONNECTION = "lienthong"

#: Sheet names, as the Ministry and the registry side write them.
MINISTRY_SHEET = "DL Import"
HANDOVER_SHEET = "DL_GOC"
#: Our own hidden sheet in exported files: the entry's place and marks, for exact round trips.
META_SHEET = "hotich"
META_COLUMNS = ("dong", "nam", "so", "trang", "ngayDangKy", "danhDau")

#: Columns of the handover file that are not register fields: the unit that keyed the row.
HANDOVER_UNIT_COLUMNS = ("DC_DVNHAPHUYEN", "DC_DVNHAPXA")

# A file is taken as a known layout when at least this share of its named columns, and at
# least MIN_COLUMNS of them, are register columns.
MIN_SHARE = 0.6
MIN_COLUMNS = 3


@dataclass
class Layout:
    """How to read one sheet: ``columns`` maps a 0-based column index to a field name."""

    kind: str
    register: RegisterType
    columns: dict[int, str]
    headers: list[str]
    extra: dict[int, str] = field(default_factory=dict)

    def header_of(self, field_name: str) -> str:
        """Return the file's own header text for FIELD_NAME (what error reports call it)."""
        for index, name in self.columns.items():
            if name == field_name:
                return self.headers[index]
        return field_name


def clean_headers(cells: tuple | list) -> list[str]:
    """Return the header row as column names: noise removed, empty cells as ``""``."""
    return [header_key(str(c)) if c is not None else "" for c in cells]


def header_signature(headers: list[str]) -> str:
    """Return a fingerprint of a header row, used to find a saved mapping for the same export."""
    folded = "\n".join(" ".join(fold(h).split()) for h in headers)
    return hashlib.sha256(folded.encode()).hexdigest()[:32]


def _score(headers: list[str], register: RegisterType, *, upper: bool) -> dict[int, str]:
    names = {(n.upper() if upper else n): n for n in register.column_names}
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = header.upper() if upper else header
        if key in names and names[key] not in found.values():
            found[index] = names[key]
    return found


def detect_layout(headers: list[str], *, sheet_name: str = "") -> Layout | None:
    """Return the layout of a header row when it is a Ministry template or a handover file.

    The register type is the one whose columns cover most of the header; ``None`` when no
    register covers enough of it (the file then needs a mapping).
    """
    named = [h for h in headers if h]
    if not named:
        return None
    handover = sheet_name.upper() == HANDOVER_SHEET or (
        all(h == h.upper() for h in named) and any(h in HANDOVER_UNIT_COLUMNS for h in named)
    )
    best: tuple[int, RegisterType, dict[int, str]] | None = None
    for register in REGISTER_TYPES.values():
        found = _score(headers, register, upper=handover)
        # Ties go to the register whose columns the header covers more completely.
        rank = (len(found), len(found) / len(register.column_names))
        if best is None or rank > (best[0], best[0] / len(best[1].column_names)):
            best = (len(found), register, found)
    assert best is not None
    count, register, found = best
    considered = [h for h in named if h.upper() not in HANDOVER_UNIT_COLUMNS]
    if count < MIN_COLUMNS or count < MIN_SHARE * len(considered):
        return None
    extra = {i: h.upper() for i, h in enumerate(headers) if h.upper() in HANDOVER_UNIT_COLUMNS}
    return Layout(
        kind=HANDOVER if handover else MINISTRY,
        register=register,
        columns=found,
        headers=headers,
        extra=extra,
    )


def mapped_layout(headers: list[str], register: RegisterType, columns: dict[str, str]) -> Layout:
    """Return the layout a saved mapping (source header → field name) gives to HEADERS.

    Headers the mapping leaves out, or maps to ``""``, are ignored; unknown field names too.
    A mapping may feed the fields only the interconnection layout has (``nksDanTocKhac``).
    """
    known = set(register.field_names)
    found = {
        i: columns[h] for i, h in enumerate(headers) if h and columns.get(h) and columns[h] in known
    }
    return Layout(kind=MAPPED, register=register, columns=found, headers=headers)


EVERYDAY = {
    "HoTen": ("Họ tên", "Họ và tên", "Tên"),
    "NgaySinh": ("Ngày sinh", "Năm sinh"),
    "GioiTinh": ("Giới tính", "Phái"),
    "DanToc": ("Dân tộc",),
    "QuocTich": ("Quốc tịch",),
    "NoiCuTru": ("Nơi cư trú", "Địa chỉ", "Nơi thường trú"),
}


def suggest_mapping(headers: list[str], register: RegisterType) -> dict[str, str]:
    """Return a first guess of the field each header stands for (by name or Vietnamese label).

    A header matches a field when, folded (no diacritics, lower case, spaces collapsed), it
    equals the field's column name or its label, with the person group's label in front for
    person fields ("Họ tên mẹ" ≈ mẹ + "Họ, chữ đệm, tên"). Each field is used once.
    """

    def key(text: str) -> str:
        return "".join(ch for ch in fold(text) if ch.isalnum())

    candidates: dict[str, str] = {}
    for f in register.fields:
        candidates.setdefault(key(f.name), f.name)
        group = register.group_label(f.group)
        for label in (f.label, f"{f.label} {group}", f"{group} {f.label}"):
            candidates.setdefault(key(label), f.name)
    # Everyday spellings of the commonest columns in legacy exports; bare, they mean the
    # first person of the register (the one registered), as in "Họ tên", "Ngày sinh".
    for f in register.fields:
        group = register.group_label(f.group)
        for suffix, words in EVERYDAY.items():
            if f.name.endswith(suffix) and f.person is not None:
                for word in words:
                    for label in (word, f"{word} {group}", f"{group} {word}"):
                        candidates.setdefault(key(label), f.name)
    used: set[str] = set()
    result: dict[str, str] = {}
    for header in headers:
        name = candidates.get(key(header)) if header else None
        if name and name not in used:
            result[header] = name
            used.add(name)
    return result


@cache
def template_headers() -> dict[str, list[str]]:
    """Return the exact header cells of the Ministry templates we hold (register code → row).

    Only the birth template is public; its header row, noise included, is kept as data
    (``data/template_headers.json``) and checked against the real file by a test.
    """
    text = resources.files("hotich.exchange").joinpath("data/template_headers.json").read_text()
    return json.loads(text)


def export_header(register: RegisterType) -> list[str]:
    """Return the header row to write for REGISTER: the template's own cells where known.

    For registers without a public template the cells are the column names themselves.
    """
    cells = template_headers().get(register.code)
    if cells is not None and [header_key(c) for c in cells] == list(register.column_names):
        return list(cells)
    return list(register.column_names)


def handover_header(register: RegisterType) -> list[str]:
    """Return the handover file's header: the entering unit, then the columns in CAPITALS.

    ``STT`` (a row counter of the Ministry file) is not part of the handover file.
    """
    return [*HANDOVER_UNIT_COLUMNS, *(n.upper() for n in register.column_names if n != "STT")]
