"""Importing an Excel file into register books: streaming, in batches, idempotent.

Rows are read one at a time from a read-only workbook (memory stays flat whatever the
file's size) and written in batches; each batch is one transaction together with the run's
counts, so an interrupted import leaves only whole batches, and running the same file
again skips every row already there (an entry is identified by book, year, number and, for
numbers the book repeats, the order in which they appear).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyCell

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.exchange import checking, reader, xlsx
from hotich.exchange.cells import MAX_NUMBER, Problem, RowReading, entry_number_of, read_row
from hotich.exchange.interconnection import RecordsBook
from hotich.exchange.layout import (
    HANDOVER,
    HANDOVER_SHEET,
    INTERCONNECTION,
    META_SHEET,
    MINISTRY_SHEET,
    Layout,
    clean_headers,
    detect_layout,
    header_signature,
    mapped_layout,
)
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.sheets import text_cell
from hotich.lib.text import normalise_name
from hotich.registers.checks import entry_year, whole_number
from hotich.registers.locks import book_lock
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.selectors import books_for_user
from hotich.registers.services import (
    InvalidEntryData,
    PreparedEntry,
    entries_bulk_create,
    entry_prepare,
    entry_update,
)
from hotich.registers.spec import REGISTER_TYPES, Fact, FieldType, RegisterType

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
#: Entries past approval are the Ministry's now: a file may not change them.
LOCKED = (EntryStatus.APPROVED, EntryStatus.EXPORTED)
KEPT_PROBLEMS = 500


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not Excel, no header, unknown layout …)."""


class BookBusyError(ImportFileError):
    """Another import is writing the book right now; nothing of this file was written to it."""


@dataclass
class Sheet:
    """An opened workbook's data sheet: its header, its rows and our hidden metadata.

    Opening reads the header row only (the upload page does that in the request); the rows,
    :meth:`check` and :meth:`load_meta` read the rest, in the worker.
    """

    workbook: reader.Book
    name: str
    headers: list[str]
    raw_headers: list[Any]
    rows: Iterator[tuple[int, tuple[Any, ...]]]
    meta: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    estimated_rows: int | None = None

    def check(self) -> int:
        """Read the whole file once, writing nothing; return its number of data rows.

        Raise :class:`ImportFileError` when any part of it is broken, so that a damaged file
        (truncated, not XML, past Excel's limits, a compression bomb) writes no row at all.
        """
        # A sheet proven plain and loaded whole (.xlsx's fast path) is counted, not read again.
        counted = getattr(self.workbook, "rows_count", None)
        try:
            if counted is not None:
                count = counted(self.name) - 1
            else:
                count = sum(1 for _ in self.workbook.numbered_rows(self.name)) - 1
            if META_SHEET in self.workbook.sheetnames:
                for _ in self.workbook.numbered_rows(META_SHEET):
                    pass
        except xlsx.XlsxError as error:
            raise ImportFileError(str(error)) from error
        self.estimated_rows = max(count, 0)
        return self.estimated_rows

    def load_meta(self) -> None:
        """Read our hidden sheet (row → year, number, page, date, marks), if the file has it."""
        if META_SHEET not in self.workbook.sheetnames:
            return
        try:
            for _, row in self.workbook.numbered_rows(META_SHEET):
                if row and isinstance(row[0], int):
                    self.meta[row[0]] = row
        except xlsx.XlsxError as error:
            raise ImportFileError(str(error)) from error


def open_sheet(
    source: Any, *, head: int = 0, opened: Callable[[reader.Book, str], None] | None = None
) -> Sheet:
    """Open SOURCE (path or binary file) and return its data sheet, header read, rows not yet.

    The file may be .xlsx, .xls, .ods or .csv, told apart by content (:mod:`.reader`). Raise
    :class:`ImportFileError` (in Vietnamese) when it cannot be read. HEAD: only the header and
    that many rows will be read (pages that show them, :func:`.reader.open_head`); 0: all.
    OPENED, if given, is called with the workbook and the data sheet's name before its header
    is read (reading it may read the whole sheet).
    """
    try:
        workbook = reader.open_head(source, head) if head else reader.open_workbook(source)
        names = workbook.sheetnames
        if not names:
            raise ImportFileError("Tệp bảng tính không có trang nào.")
        name = next(
            (n for n in (MINISTRY_SHEET, HANDOVER_SHEET) if n in names),
            next((n for n in names if n != META_SHEET), names[0]),
        )
        if opened is not None:
            opened(workbook, name)
        rows = workbook.numbered_rows(name)
        first = next(rows, None)
    except xlsx.XlsxError as error:
        raise ImportFileError(str(error)) from error
    # An interconnection file's header is row 0: its records are numbered from 1.
    header_row = workbook.header_row if isinstance(workbook, RecordsBook) else 1
    if first is None or first[0] != header_row or not any(v is not None for v in first[1]):
        raise ImportFileError(f"Trang “{name}” không có dòng tiêu đề cột.")
    raw_headers = first[1]
    bad = [i for i, v in enumerate(raw_headers) if isinstance(v, xlsx.BadCell)]
    if bad:
        raise ImportFileError(
            f"Dòng tiêu đề cột của trang “{name}” có ô không đọc được (cột {bad[0] + 1}): "
            f"{raw_headers[bad[0]].reason}"
        )
    return Sheet(workbook, name, clean_headers(raw_headers), list(raw_headers), _guarded(rows))


def _guarded(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        yield from rows
    except xlsx.XlsxError as error:
        raise ImportFileError(str(error)) from error


def find_layout(sheet: Sheet, *, mapping: ColumnMapping | None, user: User | None) -> Layout | None:
    """Return how to read SHEET: a given mapping, a known layout, or a saved mapping.

    An interconnection file names its register and fields itself (no mapping applies).
    """
    return find_layout_and_mapping(sheet, mapping=mapping, user=user)[0]


def find_layout_and_mapping(
    sheet: Sheet, *, mapping: ColumnMapping | None, user: User | None
) -> tuple[Layout | None, ColumnMapping | None]:
    """Return :func:`find_layout`'s layout and the saved mapping it comes from (or None)."""
    if isinstance(sheet.workbook, RecordsBook):
        records = sheet.workbook
        layout = Layout(
            kind=INTERCONNECTION,
            register=records.register,
            columns=dict(enumerate(records.columns)),
            headers=sheet.headers,
        )
        return layout, None
    if mapping is not None:
        return mapping_layout(sheet.headers, mapping), mapping
    known = detect_layout(sheet.headers, sheet_name=sheet.name)
    if known is not None:
        return known, None
    saved = saved_mapping(sheet.headers, user=user)
    if saved is not None:
        return mapping_layout(sheet.headers, saved), saved
    return None, None


def mapping_layout(headers: list[str], mapping: ColumnMapping) -> Layout:
    """Return the layout MAPPING gives HEADERS: its columns, fixed values and value maps."""
    return mapped_layout(
        headers,
        REGISTER_TYPES[mapping.register_type],
        mapping.columns,
        fixed=mapping.fixed,
        value_maps=mapping.value_maps,
    )


def saved_mapping(headers: list[str], *, user: User | None) -> ColumnMapping | None:
    """Return the mapping saved for this header row by the user's commune (or shared)."""
    mappings = ColumnMapping.objects.filter(signature=header_signature(headers))
    if user is not None and user.unit_id:
        mappings = mappings.filter(commune_id__in=[user.unit_id]) | mappings.filter(
            commune__isnull=True
        )
    return mappings.order_by("-created_at").first()


#: ``json.dumps(…, sort_keys=True, ensure_ascii=False)``, its encoder built once.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def content_hash(values: dict, marks: dict, page: int | None, registration: str | None) -> str:
    """Return the fingerprint of what an import may change in an entry."""
    payload = _FINGERPRINT_JSON.encode([values, marks, page, registration])
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


@dataclass
class Existing:
    pk: int
    digest: str
    status: str
    version: int
    # The entry's text and marks, kept only when a handover file is compared with the book.
    values: dict[str, str] | None = None
    marks: dict[str, str] | None = None


@dataclass
class BookIndex:
    """What a book already holds, by (year, number): enough to skip or update, no more."""

    book: RegisterBook
    entries: dict[tuple[int, int], list[Existing]] = field(default_factory=dict)
    seen: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def load(cls, book: RegisterBook, *, keep_text: bool = False) -> BookIndex:
        index = cls(book)
        rows = Entry.objects.filter(book=book).order_by("id")
        fields = ("pk", "year", "number", "values", "marks", "page", "registration_date")
        for (
            pk,
            year,
            number,
            values,
            marks,
            page,
            registration,
            status,
            version,
        ) in rows.values_list(*fields, "status", "version").iterator(chunk_size=2000):
            iso = registration.isoformat() if registration else None
            digest = content_hash(values, marks, page, iso)
            index.entries.setdefault((year, number), []).append(
                Existing(
                    pk,
                    digest,
                    status,
                    version,
                    values if keep_text else None,
                    marks if keep_text else None,
                )
            )
        return index

    def claim(self, year: int, number: int) -> Existing | None:
        """Return the entry the next row with this number stands for, if the book has it."""
        key = (year, number)
        occurrence = self.seen[key]
        self.seen[key] += 1
        found = self.entries.get(key, [])
        return found[occurrence] if occurrence < len(found) else None


def _volume_key(text: str) -> tuple[int | None, int | None]:
    number, year = entry_number_of(str(text))
    return number, year


class BookFinder:
    """Finds the book of a row from its volume (quyenSo) and year, within the user's books."""

    def __init__(self, *, register_code: str, book: RegisterBook | None, user: User | None):
        self.book = book
        self.user = user
        self.register_code = register_code
        self.cache: dict[tuple, tuple[RegisterBook | None, str]] = {}

    def find(
        self, volume: str, year: int | None, unit_code: str
    ) -> tuple[RegisterBook | None, str]:
        if self.book is not None:
            return self.book, ""
        key = (volume, year, unit_code)
        if key not in self.cache:
            self.cache[key] = self._lookup(volume, year, unit_code)
        return self.cache[key]

    def _lookup(
        self, volume: str, year: int | None, unit_code: str
    ) -> tuple[RegisterBook | None, str]:
        if not volume:
            return None, "Thiếu quyển số: chọn sổ khi nhập, hoặc điền cột quyenSo."
        books = (
            books_for_user(self.user) if self.user is not None else RegisterBook.objects.all()
        ).filter(register_type=self.register_code)
        if year is not None:
            books = books.filter(year_from__lte=year, year_to__gte=year)
        if unit_code:
            by_unit = books.filter(commune__code=unit_code) | books.filter(
                historical_unit__code=unit_code
            )
            if by_unit.exists():
                books = by_unit
        wanted = _volume_key(volume)
        found = [
            b for b in books.select_related("commune") if _volume_key(b.volume)[0] == wanted[0]
        ]
        if len(found) == 1:
            return found[0], ""
        if not found:
            return (
                None,
                f"Không tìm thấy sổ quyển “{volume}”{f' năm {year}' if year else ''} trong các sổ bạn được nhập.",
            )
        return None, f"Có {len(found)} sổ quyển “{volume}”: hãy chọn sổ khi nhập tệp."


def handover_differences(
    register: RegisterType,
    *,
    book_values: dict[str, str],
    book_marks: dict[str, str],
    file_values: dict[str, str],
    headers: dict[str, str],
) -> list[Problem]:
    """Return where a handover row says something else than the book's own text.

    The handover file is the registry side's copy: names in CAPITALS, personal IDs filled
    from the registry, no marks. None of that is a difference: a field the book marks
    (illegible, blank), an ID column the book leaves empty, a column the file does not
    carry, a name in other case or tone placement. Anything else is reported, never written over the book.
    """
    problems = []
    for name, value in file_values.items():
        if name in book_marks:
            continue
        written = book_values.get(name, "")
        if not written and register.field(name).fact is Fact.PERSONAL_ID:
            continue
        if register.field(name).type is FieldType.NAME:
            # Capitals come back in the usual case with today's tone placement ("HOÀ" → "Hòa").
            same = normalise_name(written).casefold() == normalise_name(value).casefold()
        else:
            same = written == value
        if not same:
            problems.append(
                Problem(
                    headers.get(name, name),
                    f"Tệp bàn giao ghi “{value}”, sổ ghi “{written or '(trống)'}”: tệp bàn "
                    "giao không sửa nội dung như trong sổ (nếu sổ ghi khác, sửa trên trang "
                    "trường hợp).",
                )
            )
    return problems


@dataclass
class Outcome:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    repaired: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Problems of rows that were imported all the same (the warnings keying shows).
    warnings: list[dict[str, Any]] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    # Books that received new or changed entries (they go to batch reconciliation).
    books: set[int] = field(default_factory=set)
    # How the file was read (format; a .csv's encoding and separator), in Vietnamese.
    reading: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "reading": self.reading,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "repaired": self.repaired,
            "errors": self.errors,
            "warnings": self.warnings,
            "repairs": self.repairs,
        }


class ErrorReport:
    """The rejected rows as an Excel file, bad cells filled red with the problem as a note.

    Each row: its row in the original file (a number), the reasons ("Lý do": row, column and
    problem), then the original cells; its own texts are in the active language (the
    language of whoever started the import, :func:`~hotich.exchange.tasks.import_run_task`).
    Every cell of text is written as text (dates as ``dd/mm/yyyy``), so a cell such as
    ``=HYPERLINK(…)`` or ``+84…`` stays those characters.
    """

    FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")

    def __init__(self, raw_headers: list[Any]) -> None:
        self.raw_headers = raw_headers
        self.rows = 0

    def _start(self) -> None:
        # Made on the first bad row only: an unsaved write-only workbook complains when dropped.
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(gettext("Dòng lỗi"))
        bold = Font(bold=True)
        header = [
            text_cell(self.sheet, gettext("Dòng trong tệp gốc")),
            text_cell(self.sheet, gettext("Lý do")),
            *(text_cell(self.sheet, h) for h in self.raw_headers),
        ]
        for cell in header:
            cell.font = bold
        self.sheet.append(header)

    def add(
        self, row_number: int, raw: tuple[Any, ...], problems: list[Problem], headers: list[str]
    ):
        if not self.rows:
            self._start()
        by_column: dict[str, list[str]] = defaultdict(list)
        for p in problems:
            by_column[p.column].append(p.message)
        cells = [
            WriteOnlyCell(self.sheet, value=row_number),
            text_cell(
                self.sheet,
                "; ".join(
                    gettext("Dòng %(row)s, cột “%(column)s”: %(problem)s")
                    % {"row": row_number, "column": p.column, "problem": p.message}
                    for p in problems
                ),
            ),
        ]
        for header, value in zip(headers, raw, strict=False):
            cell = text_cell(self.sheet, report_text(value))
            if header in by_column:
                cell.fill = self.FILL
                cell.comment = Comment("\n".join(by_column[header]), "hotich")
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def save(self, path: Path) -> None:
        self.workbook.save(path)


def report_text(value: Any) -> str | None:
    """Return an original cell as the text the error report writes (``None`` when empty or
    unreadable): dates as ``dd/mm/yyyy``, whole numbers without ``.0``."""
    if value is None or isinstance(value, xlsx.BadCell):
        return None
    if isinstance(value, datetime | date):
        return PartialDate.from_date(
            value.date() if isinstance(value, datetime) else value
        ).display()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _meta_for(row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    """Return what our hidden sheet's ROW says of its row; raise ValueError if it is damaged."""
    if row is None:
        return None
    padded = (list(row) + [None] * 6)[:6]
    if any(isinstance(v, xlsx.BadCell) for v in padded):
        raise ValueError("ô không đọc được")
    _, year, number, page, registration, marks = padded
    meta = {
        "year": _small_number(year),
        "number": _small_number(number),
        "page": _small_number(page) if page not in (None, "") else None,
        "registration": str(registration) if registration else None,
        "marks": json.loads(marks) if marks else {},
    }
    if not isinstance(meta["marks"], dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in meta["marks"].items()
    ):
        raise ValueError("cột danhDau không phải danh sách trường đánh dấu")
    return meta


def _small_number(value: Any) -> int | None:
    """Return VALUE as a whole number an entry can store (ValueError if it is not one)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_NUMBER:
        raise ValueError(f"“{str(value)[:20]}” không phải số hợp lệ")
    return value


def _place(values: dict[str, str], meta: dict | None) -> tuple[int | None, int | None, Any]:
    """Return (year, number, registration date) as the row gives them."""
    number, _year = entry_number_of(values.get("so", ""))
    # The year as keying reads it: with the number, else the registration date's, else
    # the volume's (hotich.registers.checks.entry_year).
    year, registration = entry_year(values)
    # Our own exports say exactly what the entry held; other files give the column.
    if meta:
        registration = None
        if meta["registration"]:
            try:
                registration = parse_partial_date(meta["registration"], allow_future=True)
            except DateParseError:
                registration = None
        if meta["number"] is not None:
            number, year = meta["number"], meta["year"] or year
        if year is None and registration is not None:
            year = registration.year
    return year, number, registration


@dataclass
class CheckedRow:
    """What the checks of one row found, before any book is looked at (no database).

    ``problems`` reject the row before its cells are read (an unreadable cell, a damaged
    hidden-sheet row); else ``reading`` holds its values and problems and, when it has none,
    ``place`` its (year, number, page, registration date ISO, fingerprint).
    """

    problems: list[Problem] = field(default_factory=list)
    reading: RowReading | None = None
    place: tuple[int | None, int | None, int | None, str | None, str] | None = None
    #: What the entry would store (:func:`hotich.registers.services.entry_prepare`).
    prepared: PreparedEntry | None = None


class RowChecker:
    """The pure part of importing a row: reading its cells and checking them as keying does.

    It needs no database, so a large file's rows are checked in a helper process while the
    importer writes (:mod:`.checking`); the result is the same wherever it runs.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.register = layout.register
        self.headers_by_field = layout.field_headers()

    def check(self, row_number: int, raw: tuple[Any, ...], meta_row: tuple | None) -> CheckedRow:
        """Return the checks of row ROW_NUMBER (RAW its cells, META_ROW our hidden sheet's)."""
        cells = self.layout.cells_of(raw)
        unreadable = [
            Problem(self.headers_by_field[name], value.reason)
            for name, value in cells.items()
            if isinstance(value, xlsx.BadCell)
        ]
        if unreadable:
            return CheckedRow(problems=unreadable)
        try:
            meta = _meta_for(meta_row)
        except (ValueError, TypeError) as error:
            return CheckedRow(
                problems=[
                    Problem(
                        META_SHEET, f"Trang ẩn “{META_SHEET}” hỏng ở dòng {row_number}: {error}."
                    )
                ]
            )
        reading = read_row(
            self.register,
            cells,
            headers=self.headers_by_field,
            marks=meta["marks"] if meta else None,
            capitals_are_registry_style=self.layout.kind == HANDOVER,
        )
        if reading.problems:
            return CheckedRow(reading=reading)
        year, number, registration = _place(reading.values, meta)
        page = (
            meta["page"]
            if meta
            else (whole_number(reading.values["trangSo"]) if "trangSo" in reading.values else None)
        )
        iso = registration.isoformat() if registration else None
        digest = content_hash(reading.values, reading.marks, page, iso)
        try:
            prepared = entry_prepare(self.register, reading.values, reading.marks)
        except InvalidEntryData:
            prepared = None  # raised again where the entry is written, as it would be
        return CheckedRow(
            reading=reading, place=(year, number, page, iso, digest), prepared=prepared
        )


def _without_row_counter(layout: Layout) -> None:
    # STT counts the file's rows; it is not part of the entry (exports number afresh).
    layout.columns = {i: n for i, n in layout.columns.items() if n != "STT"}


def _helper_start(
    workbook: reader.Book, name: str, *, parallel: bool | None, locks: ExitStack
) -> checking.Helper | None:
    """Return the process that will check sheet NAME's rows (:mod:`.checking`), started, if
    the file is large enough (or PARALLEL says so); it ends with LOCKS' stack, with the
    import. Started when the file is opened, it gets ready while the sheet is read."""
    if parallel is False or isinstance(workbook, RecordsBook):
        return None
    if parallel is None:
        try:
            estimate = workbook.estimated_rows(name)  # type: ignore[attr-defined]
        except Exception:  # no estimate (other formats) or a broken file: check() tells
            return None
        if not checking.worth_it(estimate):
            return None
    return locks.enter_context(checking.Helper())


def _has_values(raw: tuple[Any, ...]) -> bool:
    """Return whether RAW holds a cell that is neither empty nor ``""``."""
    # Counted in C (a generator over every cell of 100,000 rows costs a second).
    return len(raw) > raw.count(None) + raw.count("")


class Importer:
    """One import of one sheet; :meth:`run` returns the :class:`Outcome`."""

    def __init__(
        self,
        *,
        sheet: Sheet,
        layout: Layout,
        user: User | None,
        book: RegisterBook | None,
        run: ImportRun | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        locks: ExitStack | None = None,
        parallel: bool | None = None,
        check_chunk: int = checking.CHUNK,
        helper: checking.Helper | None = None,
    ) -> None:
        self.sheet = sheet
        # Whether rows are checked in a helper process (None: when the file is large).
        self.parallel = parallel
        self.check_chunk = check_chunk
        self.helper = helper
        # The books' write locks: held until the caller has recorded the run's final state.
        self.own_locks = locks is None
        self.locks = locks if locks is not None else ExitStack()
        self.row_number: int | None = None
        self.layout = layout
        self.user = user
        self.run_record = run
        self.batch_size = batch_size
        self.progress = progress
        self.register = layout.register
        _without_row_counter(layout)
        if book is not None and book.register_type != self.register.code:
            raise ImportFileError(
                f"Tệp là {self.register.label.lower()}, còn sổ đã chọn là "
                f"{book.register_type_label.lower()}."
            )
        self.finder = BookFinder(register_code=self.register.code, book=book, user=user)
        self.indexes: dict[int, BookIndex] = {}
        self.checker = helper.checker if helper is not None else RowChecker(layout)
        self.headers_by_field = self.checker.headers_by_field
        self.outcome = Outcome()
        self.report = ErrorReport(sheet.raw_headers)
        self.creates: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.updates: list[tuple[Existing, dict[str, Any]]] = []
        self.pending = 0
        self.rows_done = 0
        self.flushed = Outcome()
        self.source = f"Nhập tệp {run.original_name} (lần nhập {run.pk})" if run else "Nhập tệp"
        if run is not None and run.mapping_name:
            # Each entry's audit event names the mapping its row was read with.
            self.source = (
                f"Nhập tệp {run.original_name} (lần nhập {run.pk}, bảng ghép cột "
                f"“{run.mapping_name}” mã {run.mapping_id} phiên bản {run.mapping_version})"
            )

    def _index(self, book: RegisterBook) -> BookIndex:
        if book.pk not in self.indexes:
            if not self.locks.enter_context(book_lock(book_id=book.pk)):
                raise BookBusyError(
                    f"Sổ {book} đang được nhập từ một tệp khác. Tệp này chưa ghi gì vào sổ đó"
                    f"{' (dừng ở dòng ' + str(self.row_number) + ')' if self.row_number else ''}: "
                    "hãy chờ lần nhập kia xong rồi nhập lại, các dòng đã có sẽ được bỏ qua."
                )
            if self.run_record is not None:
                import_runs_interrupted_fail(book_id=book.pk, holder=self.run_record)
            # Loaded once the lock is held: nobody else adds to the book meanwhile.
            self.indexes[book.pk] = BookIndex.load(book, keep_text=self.layout.kind == HANDOVER)
        return self.indexes[book.pk]

    def _reject(self, row_number: int, raw: tuple, problems: list[Problem]) -> None:
        self.outcome.rejected += 1
        for p in problems:
            if len(self.outcome.errors) < 10_000:
                self.outcome.errors.append(
                    {"row": row_number, "column": p.column, "message": p.message}
                )
        self.report.add(row_number, raw, problems, self.layout.headers)

    def handle(
        self, row_number: int, raw: tuple[Any, ...], checked: CheckedRow | None = None
    ) -> None:
        record_warnings: list[Problem] = []
        if isinstance(self.sheet.workbook, RecordsBook):
            errors, record_warnings = self.sheet.workbook.record_issues(row_number)
            if errors:
                self._reject(row_number, raw, errors)
                return
        if checked is None:
            checked = self.checker.check(row_number, raw, self.sheet.meta.get(row_number))
        if checked.problems:
            self._reject(row_number, raw, checked.problems)
            return
        reading = checked.reading
        assert reading is not None
        if reading.repairs:
            self.outcome.repaired += 1
            for column, encoding in reading.repairs:
                if len(self.outcome.repairs) < 10_000:
                    self.outcome.repairs.append(
                        {"row": row_number, "column": column, "encoding": encoding}
                    )
        if reading.problems:
            self._reject(row_number, raw, reading.problems)
            return
        assert checked.place is not None
        year, number, page, iso, digest = checked.place
        unit = ""
        for index, name in self.layout.extra.items():
            if name == "DC_DVNHAPXA" and index < len(raw) and isinstance(raw[index], str | int):
                unit = str(raw[index]).strip()
        book, problem = self.finder.find(reading.values.get("quyenSo", ""), year, unit)
        column = self.layout.header_of("quyenSo")
        if book is None:
            self._reject(row_number, raw, [Problem(column, problem)])
            return
        if year is None and book.year_from == book.year_to:
            year = book.year_from
        if year is None:
            self._reject(
                row_number,
                raw,
                [
                    Problem(
                        self.layout.header_of("so"),
                        "Không xác định được năm đăng ký (ghi số dạng 07/2008 hoặc điền ngày đăng ký).",
                    )
                ],
            )
            return
        if not book.year_from <= year <= book.year_to:
            self._reject(
                row_number,
                raw,
                [
                    Problem(
                        self.layout.header_of("so"),
                        f"Năm đăng ký {year} không thuộc các năm của sổ ({book.years_label}).",
                    )
                ],
            )
            return
        assert number is not None  # "so" is required and checked by read_row
        existing = self._index(book).claim(year, number)
        row = {
            "row": row_number,
            "year": year,
            "number": number,
            "page": page,
            "registration_date": iso,
            "values": reading.values,
            "marks": reading.marks,
            "prepared": checked.prepared,
        }
        if existing is None:
            self.creates[book.pk].append(row)
            self.outcome.imported += 1
        elif self.layout.kind == HANDOVER:
            # The registry side's copy never rewrites the book's text or its marks.
            differences = handover_differences(
                self.register,
                book_values=existing.values or {},
                book_marks=existing.marks or {},
                file_values=reading.values,
                headers=self.headers_by_field,
            )
            if differences:
                self._reject(row_number, raw, differences)
                return
            self.outcome.unchanged += 1
        elif existing.digest == digest:
            self.outcome.unchanged += 1
        elif existing.status in LOCKED:
            self._reject(
                row_number,
                raw,
                [
                    Problem(
                        self.layout.header_of("so"),
                        f"Trường hợp số {number:02d}/{year} đã được phê duyệt; không sửa từ tệp được.",
                    )
                ],
            )
            return
        else:
            self.updates.append((existing, row))
            existing.digest = digest
            self.outcome.updated += 1
        self.pending += 1
        for p in [*record_warnings, *reading.warnings]:
            if len(self.outcome.warnings) < 10_000:
                self.outcome.warnings.append(
                    {"row": row_number, "column": p.column, "message": p.message}
                )

    def flush(self) -> None:
        """Write the pending rows and the run's counts in one transaction."""
        books = {b.book.pk: b.book for b in self.indexes.values()}
        with transaction.atomic():
            for book_pk, rows in self.creates.items():
                self.outcome.books.add(book_pk)
                entries_bulk_create(
                    book=books[book_pk],
                    user=self.user,
                    rows=rows,
                    source=self.source,
                    status=EntryStatus.KEYED,
                )
            for existing, row in self.updates:
                entry = Entry.objects.select_related("book").get(pk=existing.pk)
                self.outcome.books.add(entry.book_id)
                entry_update(
                    entry=entry,
                    user=self.user,  # type: ignore[arg-type]
                    expected_version=entry.version,
                    values=row["values"],
                    marks=row["marks"],
                    page=row["page"],
                    registration_date=row["registration_date"],
                    actor=Actor.system(self.user),
                )
            if self.run_record is not None:
                delta = {
                    k: getattr(self.outcome, k) - getattr(self.flushed, k)
                    for k in ("imported", "updated", "unchanged", "rejected", "repaired")
                }
                ImportRun.objects.filter(pk=self.run_record.pk).update(
                    rows_done=self.rows_done,
                    updated_at=timezone.now(),
                    **{k: F(k) + v for k, v in delta.items()},
                )
        for k in ("imported", "updated", "unchanged", "rejected", "repaired"):
            setattr(self.flushed, k, getattr(self.outcome, k))
        self.creates = defaultdict(list)
        self.updates = []
        self.pending = 0

    def _rows(self) -> Iterator[tuple[int, tuple[Any, ...], CheckedRow | None]]:
        """Yield the sheet's rows with their checks: done by a helper process for a large
        file (:mod:`.checking`), else by :meth:`handle` itself (``None``)."""
        if self.helper is None and not isinstance(self.sheet.workbook, RecordsBook):
            if self.parallel or (
                self.parallel is None and checking.worth_it(self.sheet.estimated_rows)
            ):
                self.helper = self.locks.enter_context(checking.Helper(self.checker))
        if self.helper is not None:
            yield from checking.rows_checked(
                self.sheet.rows,
                helper=self.helper,
                meta=self.sheet.meta,
                wanted=_has_values,
                chunk=self.check_chunk,
            )
            return
        for row_number, raw in self.sheet.rows:
            yield row_number, raw, None

    def run(self) -> Outcome:
        """Import every row; the books' locks are held (by the caller's stack, if given)."""
        try:
            since_flush = 0
            for row_number, raw, checked in self._rows():
                self.row_number = row_number
                self.rows_done += 1
                since_flush += 1
                # A row the helper checked has values (it is sent only those).
                if checked is not None or _has_values(raw):
                    self.handle(row_number, raw, checked)
                elif (
                    isinstance(self.sheet.workbook, RecordsBook)
                    and self.sheet.workbook.record_issues(row_number)[0]
                ):
                    # A record that is not an object holds no value: its problem is reported.
                    self.handle(row_number, raw)
                if since_flush >= self.batch_size:
                    self.flush()
                    if self.progress:
                        self.progress(since_flush)
                    since_flush = 0
            self.flush()
            if self.progress and since_flush:
                self.progress(since_flush)
        finally:
            if self.own_locks:
                self.locks.close()
        return self.outcome


INTERRUPTED = (
    "Lần nhập bị gián đoạn (tiến trình nhập dừng đột ngột) sau dòng {row}: các đợt đã ghi "
    "được giữ nguyên, không có dòng nào ghi dở. Nhập lại tệp để hoàn tất, các dòng đã có sẽ "
    "được bỏ qua."
)


def import_runs_interrupted_fail(*, book_id: int, holder: ImportRun) -> int:
    """Mark failed the runs still "running" on BOOK_ID whose process is gone; return how many.

    Called by HOLDER once it holds the book's lock: a live run keeps the lock of every book
    it writes until its final state is recorded, so a running run that wrote this book and
    does not hold its lock now has died (killed worker, machine stopped).
    """
    ended = 0
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exclude(pk=holder.pk)
    for run in running.only("pk", "book_ids", "rows_done"):
        if book_id in (run.book_ids or []):
            ended += ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.FAILED,
                message=INTERRUPTED.format(row=run.rows_done + 1),
                finished_at=timezone.now(),
            )
    with transaction.atomic():
        current = ImportRun.objects.select_for_update().get(pk=holder.pk)
        if book_id not in current.book_ids:
            ImportRun.objects.filter(pk=holder.pk).update(book_ids=[*current.book_ids, book_id])
    return ended


def import_run_interrupted_end(*, run: ImportRun) -> bool:
    """End RUN as failed if it says "running" but no process is running it; return True if so.

    Its process is gone when nobody holds the lock of the books it writes (a live run keeps
    them until its final state is recorded), or, for a run that had not reached a book yet,
    when it has been silent for as long as :attr:`ImportRun.looks_interrupted` allows.
    """
    if run.status != ImportRun.Status.RUNNING:
        return False
    if not run.book_ids and not run.looks_interrupted:
        return False
    with ExitStack() as locks:
        for book_id in run.book_ids or []:
            if not locks.enter_context(book_lock(book_id=book_id)):
                return False
        return bool(
            ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.FAILED,
                message=INTERRUPTED.format(row=run.rows_done + 1),
                finished_at=timezone.now(),
            )
        )


def _import_fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now()
    )


def import_run_execute(
    *,
    run: ImportRun,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int | None], None] | None = None,
    parallel: bool | None = None,
    check_chunk: int = checking.CHUNK,
) -> Outcome:
    """Import RUN's file; record counts, problems and the error report on RUN; return the outcome.

    The run always ends in a final state. A file that is broken as a whole (not .xlsx,
    truncated, damaged XML, past Excel's limits, a compression bomb, unknown columns) is read
    through once before anything is written, so it writes nothing; the run is failed with a
    Vietnamese message and :class:`ImportFileError` is raised. A bad row is rejected with its
    row and column and the other rows are kept. Anything unforeseen fails the run with the
    row it stopped at (whole batches before it are kept) and raises ImportFileError too.

    PARALLEL: check the rows in a helper process (:mod:`.checking`) while this one writes;
    ``None`` (the default) does so for files of :data:`.checking.MIN_ROWS` rows or more. The
    outcome is the same either way; CHECK_CHUNK is the rows sent to the helper at a time.
    """
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, updated_at=timezone.now()
    )
    importer: Importer | None = None
    with ExitStack() as locks:
        try:
            with run.file.open("rb") as handle:
                helper: checking.Helper | None = None

                def opened(workbook: reader.Book, name: str) -> None:
                    nonlocal helper
                    helper = _helper_start(workbook, name, parallel=parallel, locks=locks)

                sheet = open_sheet(handle, opened=opened)
                ImportRun.objects.filter(pk=run.pk).update(reading=sheet.workbook.reading)
                layout, used = find_layout_and_mapping(sheet, mapping=run.mapping, user=run.user)
                if used is not None:
                    # Which saved mapping, and which version of it, the rows are read with.
                    link = ImportRun.mapping_link(used)
                    ImportRun.objects.filter(pk=run.pk).update(**link)
                    for name, value in link.items():
                        setattr(run, name, value)
                if layout is None:
                    raise ImportFileError(
                        "Không nhận ra các cột của tệp: cần ghép cột trước khi nhập."
                    )
                if helper is not None:
                    _without_row_counter(layout)
                    helper.use(RowChecker(layout))
                rows = sheet.check()
                sheet.load_meta()
                ImportRun.objects.filter(pk=run.pk).update(
                    kind=layout.kind, register_type=layout.register.code, rows_total=rows
                )
                if total is not None:
                    total(rows)
                importer = Importer(
                    sheet=sheet,
                    layout=layout,
                    user=run.user,
                    book=run.book,
                    run=run,
                    batch_size=batch_size,
                    progress=progress,
                    locks=locks,
                    parallel=parallel,
                    check_chunk=check_chunk,
                    helper=helper,
                )
                outcome = importer.run()
                outcome.reading = sheet.workbook.reading
            _import_finish(run, importer, outcome)
        except ImportFileError as error:
            _import_fail(run, str(error))
            raise
        except Exception as error:
            logger.exception("import run %s stopped", run.pk)
            row = importer.row_number if importer is not None else None
            message = (
                f"Lần nhập dừng ở dòng {row} vì một lỗi không lường trước ({type(error).__name__}). "
                if row
                else f"Lần nhập dừng vì một lỗi không lường trước ({type(error).__name__}). "
            ) + (
                "Các đợt ghi trước đó được giữ nguyên, không có dòng nào ghi dở; "
                "hãy báo quản trị viên kèm tệp này."
            )
            _import_fail(run, message)
            raise ImportFileError(message) from error
    return outcome


def _import_finish(run: ImportRun, importer: Importer, outcome: Outcome) -> None:
    run.refresh_from_db()
    if importer.report.rows:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "loi.xlsx"
            importer.report.save(path)
            with path.open("rb") as handle:
                run.report.save(f"imports/loi-nhap-{run.pk}.xlsx", File(handle), save=False)
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.DONE,
        errors=outcome.errors[:KEPT_PROBLEMS],
        warnings=outcome.warnings[:KEPT_PROBLEMS],
        repairs=outcome.repairs[:KEPT_PROBLEMS],
        report=run.report.name or "",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
