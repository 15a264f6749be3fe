"""Files handed over: the Ministry template per book with its PDFs, and the handover file.

The interconnection file (liên thông, KS and KT books) is the same entries as JSON records
(:mod:`hotich.exchange.interconnection`), made beside the Excel export, audited alike.

The Ministry file has the template's own sheet ``DL Import`` (header row exactly as the
template), a ``Ghi chu`` sheet with the code lists, and a hidden sheet ``hotich`` with each
row's year, entry number, page, registration date and marked fields, so that importing an
export gives back identical entries (other software ignores extra sheets).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyCell
from pypdf import PdfReader, PdfWriter

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.exchange.interconnection import REGISTERS as INTERCONNECTION_REGISTERS
from hotich.exchange.interconnection import ExportedEntry, interconnection_json
from hotich.exchange.layout import (
    HANDOVER_SHEET,
    META_COLUMNS,
    META_SHEET,
    MINISTRY_SHEET,
    export_header,
    handover_header,
)
from hotich.exchange.models import BookExport
from hotich.lib.sheets import sheet_row
from hotich.registers.models import Entry, EntryPerson, EntryStatus, RegisterBook, Scan
from hotich.registers.services import entry_status_set, personal_ids_lost_refuse
from hotich.registers.spec import Fact, FieldType, RegisterType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Entries that may leave the commune: approved ("ready to convert") and already exported.
EXPORTABLE = (EntryStatus.APPROVED, EntryStatus.EXPORTED)
#: Entries whose people the registry has answered for (personal IDs assigned or confirmed).
HANDED_OVER = (
    EntryStatus.RECONCILED,
    EntryStatus.REVIEWED,
    EntryStatus.APPROVED,
    EntryStatus.EXPORTED,
)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-") or "0"


def scan_file_name(book: RegisterBook, entry: Entry, *, repeat: int = 0) -> str:
    """Return the PDF name of ENTRY in an export: ``KS_Q01-2008_2008_0007.pdf``.

    Register code, ``Q`` + volume, year, entry number on four digits; a number the book
    repeats gets ``_2``, ``_3`` … in order of keying. The same convention names files to
    upload (see docs/exchange.md).
    """
    suffix = f"_{repeat + 1}" if repeat else ""
    return f"{book.register_type}_Q{_slug(book.volume)}_{entry.year}_{entry.number:04d}{suffix}.pdf"


def _code_lists_sheet(workbook: Workbook, register: RegisterType) -> None:
    sheet = workbook.create_sheet("Ghi chu")
    seen: set[str] = set()
    for f in register.fields:
        if f.code_list is None or f.code_list.name in seen:
            continue
        seen.add(f.code_list.name)
        title = WriteOnlyCell(sheet, value=f.code_list.label)
        title.font = Font(bold=True)
        sheet.append([title])
        for code, label in f.code_list.choices:
            sheet.append([int(code) if code.isdigit() else code, label])
        sheet.append([])


def _cell(register: RegisterType, name: str, value: str) -> Any:
    if register.field(name).type is FieldType.CODE and value.isdigit():
        return int(value)  # the template's code columns hold numbers
    return value


def ministry_workbook(*, book: RegisterBook, entries: Iterable[Entry]) -> bytes:
    """Return the Ministry "DL Import" workbook of BOOK's ENTRIES (one row per entry)."""
    register = book.register_type_spec
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(MINISTRY_SHEET)
    data.append(export_header(register))
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(list(META_COLUMNS))
    names = register.column_names
    for row_number, entry in enumerate(entries, start=2):
        row: list[Any] = []
        for name in names:
            if name == "STT":
                row.append(row_number - 1)
            else:
                value = entry.values.get(name)
                row.append(_cell(register, name, value) if value else None)
        data.append(sheet_row(data, row))
        registration = entry.registration_date
        meta.append(
            [
                row_number,
                entry.year,
                entry.number,
                entry.page,
                registration.isoformat() if registration else None,
                json.dumps(entry.marks, ensure_ascii=False) if entry.marks else None,
            ]
        )
    _code_lists_sheet(workbook, register)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _merged_pdf(scans: list[Scan]) -> bytes:
    if len(scans) == 1:
        with scans[0].file.open("rb") as handle:
            return handle.read()
    writer = PdfWriter()
    for scan in scans:
        with scan.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scans_archive(*, book: RegisterBook, entries: list[Entry]) -> tuple[bytes, int, list[str]]:
    """Return (zip of one PDF per entry, PDFs written, entries without a scan)."""
    out = io.BytesIO()
    written = 0
    missing: list[str] = []
    repeats: dict[tuple[int, int], int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            key = (entry.year, entry.number)
            repeat = repeats.get(key, 0)
            repeats[key] = repeat + 1
            scans = list(entry.scans.all())
            if not scans:
                missing.append(f"{entry.number:02d}/{entry.year}")
                continue
            archive.writestr(scan_file_name(book, entry, repeat=repeat), _merged_pdf(scans))
            written += 1
    return out.getvalue(), written, missing


def _file_stem(book: RegisterBook) -> str:
    return f"{book.register_type}_Q{_slug(book.volume)}_{book.year_from}"


@transaction.atomic
def book_export_create(*, book: RegisterBook, user: User, actor: Actor | None = None) -> BookExport:
    """Export BOOK's approved entries: template Excel + zip of PDFs; mark them exported.

    Raise ValueError (Vietnamese) when the book has no approved entry. The export is kept
    and audited; approved entries move to "exported".
    """
    entries = list(
        book.entries.filter(status__in=EXPORTABLE)
        .order_by("year", "number", "id")
        .prefetch_related(Prefetch("scans", queryset=Scan.objects.order_by("uploaded_at", "id")))
    )
    if not entries:
        raise ValueError("Sổ chưa có trường hợp nào được phê duyệt để xuất.")
    personal_ids_lost_refuse(entries=entries, step="xuất")
    workbook = ministry_workbook(book=book, entries=entries)
    archive, written, missing = scans_archive(book=book, entries=entries)
    export = BookExport(
        book=book,
        kind=BookExport.Kind.MINISTRY,
        user=user,
        entries=len(entries),
        scans=written,
        without_scan=missing,
    )
    stem = _file_stem(book)
    export.workbook.save(f"{stem}.xlsx", ContentFile(workbook), save=False)
    export.archive.save(f"{stem}_PDF.zip", ContentFile(archive), save=False)
    export.save()
    for entry in entries:
        if entry.status == EntryStatus.APPROVED:
            entry_status_set(
                entry=entry,
                user=user,
                old=EntryStatus.APPROVED,
                new=EntryStatus.EXPORTED,
                actor=actor,
            )
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.EXPORT,
        obj=book,
        changes={"entries": [None, len(entries)], "kind": [None, export.kind]},
    )
    return export


def _personal_ids(entries: list[Entry]) -> dict[tuple[int, str], str]:
    people = EntryPerson.objects.filter(entry__in=entries, citizen__isnull=False).values_list(
        "entry_id", "role", "citizen__personal_id"
    )
    return {(entry_id, role): pid for entry_id, role, pid in people}


def handover_workbook(*, book: RegisterBook, entries: list[Entry]) -> bytes:
    """Return the handover file (sheet ``DL_GOC``) of ENTRIES with the personal IDs assigned.

    Columns in CAPITALS, person names in CAPITALS as the registry side writes them; a
    person's ID column is filled from the registry person the entry was reconciled with.
    """
    register = book.register_type_spec
    ids = _personal_ids(entries)
    id_fields = {
        f.name: f.person.value
        for f in register.fields
        if f.person is not None and f.fact is Fact.PERSONAL_ID
    }
    names = [n for n in register.column_names if n != "STT"]
    commune = book.commune
    district = book.historical_unit.parent if book.historical_unit else None
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(HANDOVER_SHEET)
    sheet.append(handover_header(register))
    for entry in entries:
        row: list[Any] = [district.code if district else "", commune.code]
        for name in names:
            value = entry.values.get(name, "")
            if name in id_fields and not value:
                value = ids.get((entry.pk, id_fields[name]), "")
            if value and register.field(name).type is FieldType.NAME:
                value = value.upper()
            row.append(_cell(register, name, value) if value else None)
        sheet.append(sheet_row(sheet, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@transaction.atomic
def handover_export_create(
    *, book: RegisterBook, user: User, actor: Actor | None = None
) -> BookExport:
    """Write and keep BOOK's handover file (reconciled entries onwards); audited."""
    entries = list(book.entries.filter(status__in=HANDED_OVER).order_by("year", "number", "id"))
    if not entries:
        raise ValueError("Sổ chưa có trường hợp nào đã đối chiếu với CSDL dân cư.")
    personal_ids_lost_refuse(entries=entries, step="xuất tệp bàn giao")
    return _export_keep(
        book=book,
        kind=BookExport.Kind.HANDOVER,
        user=user,
        actor=actor,
        entries=len(entries),
        name=f"DL_GOC_{_file_stem(book)}.xlsx",
        content=handover_workbook(book=book, entries=entries),
    )


def _export_keep(
    *,
    book: RegisterBook,
    kind: str,
    user: User,
    actor: Actor | None,
    entries: int,
    name: str,
    content: bytes,
) -> BookExport:
    """Keep one generated file of BOOK as a BookExport named NAME, and audit the export."""
    export = BookExport(book=book, kind=kind, user=user, entries=entries)
    export.workbook.save(name, ContentFile(content), save=False)
    export.save()
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.EXPORT,
        obj=book,
        changes={"entries": [None, entries], "kind": [None, export.kind]},
    )
    return export


def _exported(entry: Entry) -> ExportedEntry:
    registration = entry.registration_date
    return ExportedEntry(
        year=entry.year,
        number=entry.number,
        page=entry.page,
        registration_date=registration.isoformat() if registration else None,
        values=entry.values,
        marks=entry.marks,
    )


@transaction.atomic
def interconnection_export_create(
    *, book: RegisterBook, user: User, actor: Actor | None = None
) -> BookExport:
    """Write and keep BOOK's approved entries as an interconnection file (JSON); audited.

    The entries are those of the Ministry export (approved and exported); their status is
    left as it is (the Excel export is the hand-over). Raise ValueError (Vietnamese) for a
    book the layout has no records for (only KS and KT) or without an approved entry.
    """
    if book.register_type not in INTERCONNECTION_REGISTERS:
        raise ValueError("Hồ sơ liên thông chỉ có cho sổ khai sinh và sổ khai tử.")
    entries = list(book.entries.filter(status__in=EXPORTABLE).order_by("year", "number", "id"))
    if not entries:
        raise ValueError("Sổ chưa có trường hợp nào được phê duyệt để xuất.")
    personal_ids_lost_refuse(entries=entries, step="xuất hồ sơ liên thông")
    return _export_keep(
        book=book,
        kind=BookExport.Kind.INTERCONNECTION,
        user=user,
        actor=actor,
        entries=len(entries),
        name=f"LienThong_{_file_stem(book)}.json",
        content=interconnection_json(book.register_type_spec, (_exported(e) for e in entries)),
    )
