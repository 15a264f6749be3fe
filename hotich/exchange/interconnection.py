"""The interconnection layout (liên thông): birth and death records as JSON, both ways.

Communes and the Ministry's systems exchange birth (KS) and death (KT) registrations as
JSON records, one ``hoTich`` object each, whose field names are the template's with a few
more (``maGCS``, ``nksDanTocKhac``, ``meSoDDCN`` …) and whose places are objects
``{maTinh, maHuyen, maXa, dcChiTiet}``. A file is a list of such objects, a list of
``{"hoTich": {...}}`` wrappers, one wrapper, or ``{"data": [...]}`` (docs/exchange.md,
"Interconnection layout").

Reading (:func:`open_records`) turns the file into the one interface every import file has
(:class:`hotich.exchange.reader.Book`): a sheet whose header names the register's fields in
Vietnamese and whose rows are the records, numbered from 1, flattened to the register's
fields; a place becomes the book's text (``dcChiTiet``, then the commune, district and
province names :mod:`hotich.lib.places` knows for the codes, unless the text names them
already) and its codes are kept in the place's code fields (``nksNoiSinhDVHC``,
``nksNoiSinhMaTinh`` …). What a record gets wrong structurally (an object where a value
belongs, a place that is not an object) is the record's problem, reported with its number
and the field's Vietnamese name; the other records are kept. The file is bounded: at most
:data:`MAX_BYTES` bytes, :data:`MAX_DEPTH` levels of nesting and ``xlsx.MAX_ROW`` records;
anything else is refused as a whole with a Vietnamese message.

Writing (:func:`interconnection_json`) gives the same layout back: places as objects with
the codes the entry holds (the province and district filled from the commune's code where
the list knows it) and the book's text in ``dcChiTiet``, and beside each record our own
``_hotich`` object (year, number, page, registration date, marked fields) so that importing
our export gives back identical entries, as the hidden sheet of our Excel exports does.

No Django here beyond the register definitions; the book's entries come in as arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from hotich.exchange import xlsx
from hotich.exchange.cells import Problem
from hotich.exchange.layout import INTERCONNECTION, META_COLUMNS, META_SHEET
from hotich.lib import places
from hotich.lib.dates import DateParseError, parse_partial_date
from hotich.lib.text import fold
from hotich.registers.spec import REGISTER_TYPES, Address, Field, RegisterType

__all__ = ["INTERCONNECTION", "RecordsBook", "interconnection_json", "open_records"]

#: The one "sheet" a records file has; the hidden metadata sheet keeps its usual name.
SHEET = "lienThong"
META_KEY = "_hotich"
#: The register types the layout carries.
REGISTERS = ("KS", "KT")
#: A JSON file is parsed whole: at most this many bytes (a record is about 3 KB).
MAX_BYTES = 50 * 1024 * 1024
#: Nesting allowed: the file, the list, the wrapper, the record, a place, a value.
MAX_DEPTH = 6
#: The interconnection's own names for our fields (its name → ours), besides
#: ``<person>SoDDCN`` for ``<person>SoDinhDanhCaNhan`` (:func:`field_for_key`).
RENAMES = {"soDangKy": "so"}
#: How problems of a record as a whole name their "column".
RECORD = "Bản ghi (hoTich)"
ADDRESS_KEYS = ("maTinh", "maHuyen", "maXa", "dcChiTiet")
_LEVELS: tuple[places.Level, ...] = ("province", "district", "commune")


class RecordsError(xlsx.XlsxError):
    """The file as a whole is not an interconnection file we can read (Vietnamese)."""


def looks_like_json(head: bytes) -> bool:
    """Return whether a file's first bytes open a JSON array or object."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text[:1] in (b"[", b"{")


# --- names ---------------------------------------------------------------------------------


def export_key(name: str) -> str:
    """Return the interconnection's key for field NAME (``meSoDinhDanhCaNhan`` → ``meSoDDCN``)."""
    if name.endswith("SoDinhDanhCaNhan"):
        return name.removesuffix("SoDinhDanhCaNhan") + "SoDDCN"
    return name


def field_for_key(register: RegisterType, key: str) -> str | None:
    """Return the field of REGISTER a record's KEY feeds (our name or the layout's), or None."""
    names = set(register.field_names)
    if key in names:
        return key
    if key in RENAMES and RENAMES[key] in names:
        return RENAMES[key]
    if key.endswith("SoDDCN"):
        ours = key.removesuffix("SoDDCN") + "SoDinhDanhCaNhan"
        if ours in names:
            return ours
    return None


def field_title(register: RegisterType, f: Field, key: str = "") -> str:
    """Return how problems name field F: its section and label in Vietnamese, and its key."""
    return f"{register.group_label(f.group)} – {f.label} ({key or export_key(f.name)})"


# --- places --------------------------------------------------------------------------------


def _periods(when: date | None) -> tuple[places.Period, places.Period]:
    """Return the unit lists to read codes in, the event's first (codes reuse numbers).

    A record without a registration date is an application of today: the current list
    first. Either way a district code sends the reading to the pre-2025 list, the only one
    with districts (:func:`_units`).
    """
    if when is not None and when < places.REFORM_DATE:
        return ("pre2025", "current")
    return ("current", "pre2025")


def _units(codes: Mapping[str, str], when: date | None) -> list[places.AdminUnit] | None:
    """Return the units CODES (level → code) name, commune first, in the first list where
    every given code exists and the commune lies in the district and province given; None
    when no list has them so."""
    for period in _periods(when):
        found: dict[str, places.AdminUnit] = {}
        for level in _LEVELS:
            code = codes.get(level, "")
            if not code:
                continue
            if period == "current" and level == "district":
                break  # the two-level list has no districts: not this list
            unit = places.get_unit(code, period, level)
            if unit is None:
                break
            found[level] = unit
        else:
            commune, district = found.get("commune"), found.get("district")
            province = found.get("province")
            inside = (
                (commune is None or district is None or commune.parent_code == district.code)
                and (commune is None or province is None or commune.province_code == province.code)
                and (
                    district is None or province is None or district.province_code == province.code
                )
            )
            if found and inside:
                return [found[level] for level in reversed(_LEVELS) if level in found]
    return None


def _words(text: str) -> str:
    """Return TEXT folded to its words, space-separated and space-framed (`` thon 3 ``)."""
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def _names(text: str, unit: places.AdminUnit) -> bool:
    """Return whether TEXT already names UNIT (its bare name as words, or its full name)."""
    return _words(unit.full_name if unit.name.isdigit() else unit.name) in _words(text)


def address_text(detail: str, codes: Mapping[str, str], when: date | None) -> tuple[str, bool]:
    """Return (the place as a book writes it, whether the codes were found in the list).

    The text is DETAIL followed by the names of the commune, district and province CODES
    stand for, each left out when DETAIL names it already; unknown codes add nothing.
    """
    detail = " ".join(detail.split())
    if not any(codes.values()):
        return detail, True
    units = _units(codes, when)
    if units is None:
        return detail, False
    parts = [detail] if detail else []
    parts += [u.full_name for u in units if not (detail and _names(detail, u))]
    return ", ".join(parts), True


def known_codes(codes: Mapping[str, str], when: date | None) -> dict[str, str]:
    """Return CODES with the province and district of its commune filled where missing and
    the list knows the commune (an export sends the codes known)."""
    filled = dict(codes)
    commune = codes.get("commune", "")
    if not commune:
        return filled
    for period in _periods(when):
        unit = places.get_unit(commune, period, "commune")
        if unit is None:
            continue
        if not filled.get("province"):
            filled["province"] = unit.province_code
        if not filled.get("district") and period == "pre2025" and unit.parent_code:
            filled["district"] = unit.parent_code
        break
    return filled


def _event_date(text: Any) -> date | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return parse_partial_date(text, allow_future=True).earliest()
    except DateParseError:
        return None


# --- reading -------------------------------------------------------------------------------


def _depth(value: Any, limit: int) -> int:
    """Return the nesting depth of VALUE, stopping (with limit + 1) past LIMIT."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return level
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _parse(data: bytes) -> Any:
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordsError(
            f"Tệp hồ sơ liên thông (JSON) phải mã hoá UTF-8 (byte lỗi ở vị trí {error.start})."
            " Không bản ghi nào được nhập."
        ) from error
    try:
        parsed = json.loads(text)
    except RecursionError as error:
        raise _too_deep() from error
    except ValueError as error:  # JSONDecodeError, and numbers too long to read
        where = (
            f" (dòng {error.lineno}, cột {error.colno})"
            if isinstance(error, json.JSONDecodeError)
            else ""
        )
        raise RecordsError(
            f"Tệp hồ sơ liên thông không phải JSON hợp lệ{where}. Không bản ghi nào được nhập."
        ) from error
    if _depth(parsed, MAX_DEPTH) > MAX_DEPTH:
        raise _too_deep()
    return parsed


def _too_deep() -> RecordsError:
    return RecordsError(
        f"Tệp hồ sơ liên thông lồng quá {MAX_DEPTH} cấp: không phải hồ sơ hộ tịch, tệp bị từ chối."
    )


def _records(parsed: Any) -> tuple[list[Any], str]:
    """Return the file's records (each as found) and the register code our export names."""
    code = ""
    if isinstance(parsed, dict):
        meta = parsed.get(META_KEY)
        if isinstance(meta, dict) and isinstance(meta.get("loaiSo"), str):
            code = meta["loaiSo"].upper()
        if "data" in parsed:
            parsed = parsed["data"]
        elif "hoTich" in parsed:
            parsed = [parsed]
    if not isinstance(parsed, list):
        raise RecordsError(
            "Tệp JSON không phải hồ sơ liên thông: cần một danh sách bản ghi, "
            "{“hoTich”: {…}} hoặc {“data”: […]}. Không bản ghi nào được nhập."
        )
    if len(parsed) > xlsx.MAX_ROW:
        raise RecordsError(f"Tệp có hơn {xlsx.MAX_ROW:,} bản ghi; hãy chia nhỏ tệp.")
    return parsed, code


def _unwrap(record: Any) -> tuple[dict[str, Any] | None, Any]:
    """Return (the record's hoTich object or None, our metadata or None)."""
    if isinstance(record, str):
        # The hồ sơ's data field carries the record as JSON text.
        try:
            record = json.loads(record)
        except (ValueError, RecursionError):
            return None, None
        if _depth(record, MAX_DEPTH) > MAX_DEPTH:
            return None, None
    if not isinstance(record, dict):
        return None, None
    meta = record.get(META_KEY)
    inner = record.get("hoTich", record)
    if isinstance(inner, str):
        inner, _ = _unwrap(inner)
    return (inner if isinstance(inner, dict) else None), meta


def detect_register(records: Iterable[Any]) -> RegisterType | None:
    """Return the register (KS or KT) whose fields the first records' keys name most."""
    scores = dict.fromkeys(REGISTERS, 0)
    for count, record in enumerate(records):
        if count >= 20:
            break
        inner, _ = _unwrap(record)
        for key in inner or {}:
            for code in REGISTERS:
                if field_for_key(REGISTER_TYPES[code], key) is not None:
                    scores[code] += 1
    best = max(REGISTERS, key=lambda code: scores[code])
    # A record names its person's prefix (nks…, nkt…): the other register cannot tie it.
    return REGISTER_TYPES[best] if scores[best] and len(set(scores.values())) > 1 else None


def _scalar(value: Any) -> str | None:
    """Return VALUE as text, None when empty; raise ValueError for an object or a list."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValueError("object")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > xlsx.MAX_CELL_TEXT:
        raise ValueError("long")
    return text or None


@dataclass
class Flattened:
    """One record read: values by field name, and the problems of the record itself."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def flatten(
    register: RegisterType, record: Mapping[str, Any], *, verbatim: bool = False
) -> Flattened:
    """Return RECORD (a hoTich object) as REGISTER's fields.

    A place object gives the place's text field (see :func:`address_text`; with VERBATIM,
    our own export, ``dcChiTiet`` is the text as the entry held it) and its code fields.
    Keys the register has no field for are reported as a warning, never silently dropped.
    """
    out = Flattened()
    addresses = {a.text: a for a in register.addresses}
    when = _event_date(record.get("ngayDangKy"))
    ignored = []
    for key, value in record.items():
        name = field_for_key(register, key)
        if name is None:
            if value not in (None, "", {}, []):
                ignored.append(key)
            continue
        f = register.field(name)
        title = field_title(register, f, key)
        if name in addresses and isinstance(value, dict):
            _flatten_address(register, addresses[name], value, key, when, verbatim, out)
            continue
        try:
            text = _scalar(value)
        except ValueError as error:
            reason = (
                f"Giá trị dài quá {xlsx.MAX_CELL_TEXT:,} ký tự."
                if str(error) == "long"
                else "Phải là một giá trị (chữ hoặc số), không phải đối tượng hay danh sách."
            )
            out.errors.append(Problem(title, reason))
            continue
        if text is not None:
            out.values[name] = text
    if ignored:
        out.warnings.append(
            Problem(
                RECORD,
                "Sổ không có trường cho: "
                + ", ".join(ignored[:20])
                + " (không nhập các trường này).",
            )
        )
    return out


def _flatten_address(
    register: RegisterType,
    address: Address,
    value: dict[str, Any],
    key: str,
    when: date | None,
    verbatim: bool,
    out: Flattened,
) -> None:
    title = field_title(register, register.field(address.text), key)
    unknown = sorted(set(value) - set(ADDRESS_KEYS))
    if unknown:
        out.errors.append(
            Problem(
                title,
                f"Địa chỉ có trường lạ {', '.join(unknown[:5])}: chỉ có maTinh, maHuyen, maXa, "
                "dcChiTiet.",
            )
        )
        return
    parts: dict[str, str] = {}
    for part in ADDRESS_KEYS:
        try:
            parts[part] = _scalar(value.get(part)) or ""
        except ValueError:
            out.errors.append(Problem(f"{title}.{part}", "Giá trị phải là chữ hoặc số."))
            return
    codes: dict[str, str] = dict(
        zip(_LEVELS, (parts["maTinh"], parts["maHuyen"], parts["maXa"]), strict=True)
    )
    for level, name in zip(_LEVELS, address.code_fields, strict=True):
        if codes[level]:
            out.values[name] = codes[level]
    if verbatim:
        text = parts["dcChiTiet"]
    else:
        text, known = address_text(parts["dcChiTiet"], codes, when)
        if not known:
            shown = "/".join(c for c in codes.values() if c)
            out.warnings.append(
                Problem(
                    title,
                    f"Mã đơn vị hành chính {shown} không có (hoặc không khớp nhau) trong danh "
                    "mục: giữ nguyên mã, nơi chốn ghi theo phần chi tiết.",
                )
            )
    if text:
        out.values[address.text] = text


def _meta_row(number: int, meta: Any) -> tuple[Any, ...] | None:
    """Return our metadata as the hidden sheet's row (see importer._meta_for), or None."""
    if not isinstance(meta, dict):
        return None
    marks = meta.get("danhDau")
    return (
        number,
        meta.get("nam"),
        meta.get("so"),
        meta.get("trangSo"),
        meta.get("ngayDangKy"),
        json.dumps(marks, ensure_ascii=False) if marks else None,
    )


class RecordsBook:
    """An interconnection file opened as the importer reads any file (``reader.Book``):
    sheet :data:`SHEET` (header row 0, then one row per record from 1) and, for our own
    export, the hidden metadata sheet. ``record_issues`` gives a record's own problems."""

    header_row = 0

    def __init__(self, source: str | IO[bytes]) -> None:
        data = _read(source)
        records, code = _records(_parse(data))
        register = REGISTER_TYPES.get(code) if code in REGISTERS else detect_register(records)
        if register is None:
            raise RecordsError(
                "Không nhận ra loại hồ sơ liên thông: các bản ghi không có trường của khai sinh "
                "(nks…, maGCS) hay khai tử (nkt…, maGBT). Không bản ghi nào được nhập."
            )
        self.register = register
        self.meta_sheet = META_SHEET
        self.columns = [f.name for f in register.fields if f.name != "STT"]
        keys = {
            name: f"{export_key(a.text)}.{part}"
            for a in register.addresses
            for name, part in zip(a.code_fields, ADDRESS_KEYS, strict=False)
        }
        self.headers = [
            field_title(register, register.field(n), keys.get(n, "")) for n in self.columns
        ]
        index = {name: i for i, name in enumerate(self.columns)}
        self.rows: list[tuple[Any, ...]] = []
        self.issues: dict[int, tuple[list[Problem], list[Problem]]] = {}
        self.meta: list[tuple[Any, ...]] = [tuple(META_COLUMNS)]
        for number, record in enumerate(records, start=1):
            inner, meta = _unwrap(record)
            if inner is None:
                self.rows.append(())
                self.issues[number] = (
                    [Problem(RECORD, "Bản ghi không phải đối tượng hồ sơ hộ tịch {…}.")],
                    [],
                )
                continue
            read = flatten(register, inner, verbatim=isinstance(meta, dict))
            row: list[Any] = [None] * len(self.columns)
            for name, value in read.values.items():
                row[index[name]] = value
            self.rows.append(tuple(row))
            if read.errors or read.warnings:
                self.issues[number] = (read.errors, read.warnings)
            meta_row = _meta_row(number, meta)
            if meta_row is not None:
                self.meta.append(meta_row)
        count = f"{len(self.rows):,}".replace(",", ".")
        self.reading = f"Hồ sơ liên thông (JSON), {register.label.lower()}, {count} bản ghi"

    @property
    def sheetnames(self) -> list[str]:
        return [SHEET, self.meta_sheet] if len(self.meta) > 1 else [SHEET]

    def numbered_rows(self, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Yield the header as row 0, then each record numbered from 1 (an empty record too:
        its number is its place in the file, and its problems say why it is rejected)."""
        if name == SHEET:
            yield 0, tuple(self.headers)
            for number, row in enumerate(self.rows, start=1):
                yield number, row
        elif name == self.meta_sheet:
            yield 0, self.meta[0]
            for row in self.meta[1:]:
                yield row[0], row

    def record_issues(self, number: int) -> tuple[list[Problem], list[Problem]]:
        """Return (errors, warnings) of record NUMBER itself, found while reading it."""
        return self.issues.get(number, ([], []))


def _read(source: str | IO[bytes]) -> bytes:
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return _read(handle)
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RecordsError(
            f"Tệp hồ sơ liên thông lớn hơn {MAX_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp."
        )
    return data


def open_records(source: str | IO[bytes]) -> RecordsBook:
    """Open SOURCE as an interconnection file; raise :class:`RecordsError` if it is not one."""
    return RecordsBook(source)


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedEntry:
    """What the export writes of one entry (the caller reads them from the database)."""

    year: int
    number: int
    page: int | None
    registration_date: str | None
    values: Mapping[str, str]
    marks: Mapping[str, str]


def interconnection_record(register: RegisterType, entry: ExportedEntry) -> dict[str, Any]:
    """Return ENTRY as a record ``{"hoTich": {...}, "_hotich": {...}}`` of the layout."""
    values = entry.values
    when = _event_date(values.get("ngayDangKy")) or _event_date(entry.registration_date)
    code_fields = {n for a in register.addresses for n in a.code_fields}
    addresses = {a.text: a for a in register.addresses}
    record: dict[str, Any] = {}
    for f in register.fields:
        if f.name == "STT" or f.name in code_fields:
            continue
        key = export_key(f.name)
        if f.name in addresses:
            address = addresses[f.name]
            codes: dict[str, str] = {
                level: values.get(name, "")
                for level, name in zip(_LEVELS, address.code_fields, strict=True)
            }
            text = values.get(f.name, "")
            if text or any(codes.values()):
                filled = known_codes(codes, when)
                record[key] = {
                    "maTinh": filled.get("province", ""),
                    "maHuyen": filled.get("district", ""),
                    "maXa": filled.get("commune", ""),
                    "dcChiTiet": text,
                }
        elif values.get(f.name):
            record[key] = values[f.name]
    meta: dict[str, Any] = {"nam": entry.year, "so": entry.number}
    if entry.page is not None:
        meta["trangSo"] = entry.page
    if entry.registration_date:
        meta["ngayDangKy"] = entry.registration_date
    if entry.marks:
        meta["danhDau"] = dict(entry.marks)
    return {"hoTich": record, META_KEY: meta}


def interconnection_json(register: RegisterType, entries: Iterable[ExportedEntry]) -> bytes:
    """Return the interconnection file of ENTRIES of REGISTER (UTF-8 JSON, ``{"data": […]}``)."""
    if register.code not in REGISTERS:
        raise ValueError(f"the interconnection layout has no {register.code} records")
    document = {
        META_KEY: {"loaiSo": register.code, "phienBan": 1},
        "data": [interconnection_record(register, e) for e in entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
