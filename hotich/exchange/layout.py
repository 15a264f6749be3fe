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
from typing import Any

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
    """How to read one sheet: ``columns`` maps a 0-based column index to a field name.

    A saved mapping adds ``fixed`` (field name → one value for every row, for a column the
    file lacks) and ``value_maps`` (field name → :func:`value_key` of a cell → code).
    """

    kind: str
    register: RegisterType
    columns: dict[int, str]
    headers: list[str]
    extra: dict[int, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)

    def header_of(self, field_name: str) -> str:
        """Return the file's own header text for FIELD_NAME (what error reports call it)."""
        for index, name in self.columns.items():
            if name == field_name:
                return self.headers[index]
        if field_name in self.fixed:
            return fixed_header(self.register, field_name)
        return field_name

    def field_headers(self) -> dict[str, str]:
        """Return the name problems give each field read: its header, or for a fixed value
        "<label> (giá trị chung)"."""
        found = {name: self.headers[i] for i, name in self.columns.items()}
        for name in self.fixed:
            found.setdefault(name, fixed_header(self.register, name))
        return found

    def cells_of(self, raw: tuple | list) -> dict[str, Any]:
        """Return the cells of one row by field name, after the value maps and fixed values.

        A mapped value replaces the cell (``"Đúng hạn"`` → ``"1"``); a cell the map does not
        know is kept as written (read as keying reads it). A fixed value fills a field no
        column feeds.
        """
        cells = {name: raw[i] if i < len(raw) else None for i, name in self.columns.items()}
        for name, table in self.value_maps.items():
            if name in cells and table:
                code = table.get(value_key(cells[name]))
                if code:
                    cells[name] = code
        for name, value in self.fixed.items():
            if name not in cells and value != "":
                cells[name] = value
        return cells


def fixed_header(register: RegisterType, name: str) -> str:
    """Return how problems name a fixed value: the field's label, marked as one for all rows."""
    try:
        label = register.field(name).label
    except KeyError:
        label = name
    return f"{label} (giá trị chung)"


def value_key(value: Any) -> str:
    """Return the key a value map knows a cell by: folded (no tones, lower case), words only
    (punctuation and spacing do not count), whole numbers without Excel's ``.0``; ``""`` for
    a cell that holds nothing usable (empty, unreadable)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str | int | float):
        return ""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(str(value))).split())


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


def mapped_layout(
    headers: list[str],
    register: RegisterType,
    columns: dict[str, str],
    *,
    fixed: dict[str, str] | None = None,
    value_maps: dict[str, dict[str, str]] | None = None,
) -> Layout:
    """Return the layout a saved mapping (source header → field name) gives to HEADERS.

    Headers the mapping leaves out, or maps to ``""``, are ignored; unknown field names too,
    in the fixed values and value maps as well. A fixed value of a field a column feeds is
    not used (the column wins).
    A mapping may feed the fields only the interconnection layout has (``nksDanTocKhac``).
    """
    known = set(register.field_names)
    found = {
        i: columns[h] for i, h in enumerate(headers) if h and columns.get(h) and columns[h] in known
    }
    fed = set(found.values())
    return Layout(
        kind=MAPPED,
        register=register,
        columns=found,
        headers=headers,
        fixed={
            k: str(v) for k, v in (fixed or {}).items() if k in known and k not in fed and v != ""
        },
        value_maps={
            k: {str(a): str(b) for a, b in table.items() if b}
            for k, table in (value_maps or {}).items()
            if k in known and isinstance(table, dict)
        },
    )


def header_match_key(text: str) -> str:
    """Return how headers are compared: folded (no tones, lower case), letters and digits
    only, so "Số ĐK", "so dk" and "Số Đ.K." are one header."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def suggest_mapping(headers: list[str], register: RegisterType) -> dict[str, str]:
    """Return a first guess of the field each header stands for.

    A header matches a field when, compared by :func:`header_match_key`, it equals the
    field's column name, its label, or one of its synonyms (the headers of old commune
    software, :attr:`~hotich.registers.spec.Field.synonyms`); for a person's field also with
    the person group's label after or before ("Họ tên mẹ" ≈ "Họ tên" + "Mẹ"). Bare person
    words ("Họ tên", "Ngày sinh") mean the register's first person (the one registered).
    Each field is used once, by the first header that matches it.
    """
    key = header_match_key
    candidates: dict[str, str] = {}
    for f in register.fields:
        candidates.setdefault(key(f.name), f.name)
        group = register.group_label(f.group)
        for label in (f.label, f"{f.label} {group}", f"{group} {f.label}"):
            candidates.setdefault(key(label), f.name)
    for f in register.fields:
        group = register.group_label(f.group)
        for word in f.synonyms:
            labels = (word, f"{word} {group}", f"{group} {word}") if f.person else (word,)
            for label in labels:
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
